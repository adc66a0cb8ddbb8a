"""Properties over arbitrary input, with every registered rule: the engine never raises and no
rule crashes, findings fall only on changed lines, and the SARIF is always valid."""

from __future__ import annotations

import json
from pathlib import Path

import hypothesmith
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiguard.config import Config
from aiguard.lint.engine import Engine, FileOutcome
from aiguard.lint.registry import load_rules
from aiguard.lint.testing import example_change
from aiguard.project import Project
from aiguard.report import RunResult, render

RULES = load_rules()
ENGINE = Engine(list(RULES.values()), Config())
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0.json").read_text())

PATHS = [
    "pkg/m.py",
    "tests/test_m.py",
    "pkg/m.pyi",
    "web/a.js",
    "web/a.ts",
    "web/c.tsx",
    "web/a.test.ts",
    "deploy.yml",
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
    "pyproject.toml",
    "setup.cfg",
    "mypy.ini",
    "tox.ini",
    ".flake8",
    ".coveragerc",
    "tsconfig.json",
    "package.json",
    ".eslintrc.json",
    "eslint.config.js",
    "biome.json",
    "requirements.txt",
    "Makefile",
    "scripts/run.sh",
    "Dockerfile",
    "noxfile.py",
]

# Lines that interest the rules, so the random changes exercise them, not just the prefilters.
PY_LINES = [
    "import os",
    "import nonexistent_pkg_xyz",
    "from os import path, nothing_here",
    "x = os.path.joinpath('a')  # type: ignore",
    "y = 1  # noqa: E501",
    "def f():",
    "    pass",
    "    raise NotImplementedError",
    "    return None  # TODO",
    "try:",
    "    g()",
    "except Exception:",
    "    pass",
    "if 'pytest' in sys.modules:",
    "    assert True",
    "@pytest.mark.skip",
    "def test_x():",
    "    assert f(7) == 5040",
    "    with pytest.raises(Exception):",
    "# in a real implementation",
    "",
]
JS_LINES = [
    "import x from 'left-padd';",
    "const fs = require('fs');",
    "// eslint-disable-next-line",
    "// @ts-ignore",
    "/* eslint-disable */",
    "function f() {",
    "  throw new Error('Not implemented');",
    "}",
    "try { g(); } catch (e) {}",
    "if (process.env.NODE_ENV === 'test') { return 1; }",
    "it.only('x', () => { expect(true).toBe(true); });",
    "describe.skip('y', () => {});",
    "",
]
CONFIG_LINES = [
    "[tool.mypy]",
    "strict = false",
    "ignore_errors = true",
    "[tool.ruff]",
    'ignore = ["E501"]',
    "fail_under = 10",
    "continue-on-error: true",
    "  run: pytest || true",
    '{"compilerOptions": {"strict": false}}',
    '"dependencies": {"reqeusts": "1"}',
    "requests==2.0",
    "",
]


def lines_for(path: str) -> st.SearchStrategy[str]:
    if path.endswith((".py", ".pyi")):
        pool = PY_LINES
    elif path.endswith((".js", ".ts", ".tsx")):
        pool = JS_LINES
    else:
        pool = CONFIG_LINES
    return st.lists(st.sampled_from(pool), max_size=10).map(lambda ls: "\n".join(ls) + "\n")


def check(path: str, after: str, before: str | None) -> FileOutcome:
    change = example_change(path, after, before)
    project = Project(None, Config(), overlay={path: after}, in_git=False)
    outcome = ENGINE.check_file(change, project)
    crashed = [n.message for n in outcome.notifications if n.kind == "rule-error"]
    assert not crashed, crashed
    return outcome


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    path=st.sampled_from(PATHS),
    before=st.none() | st.text(max_size=300),
    after=st.text(max_size=300),
)
def test_arbitrary_text_never_crashes(path: str, before: str | None, after: str) -> None:
    check(path, after, before)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=hypothesmith.from_grammar())
def test_arbitrary_python_never_crashes(source: str) -> None:
    check("pkg/m.py", source, None)
    check("tests/test_m.py", source, "def test_a():\n    assert x == 1\n")


@SETTINGS
@given(data=st.data(), path=st.sampled_from(PATHS))
def test_findings_fall_only_on_changed_lines(data: st.DataObject, path: str) -> None:
    before = data.draw(lines_for(path), label="before")
    after = data.draw(lines_for(path), label="after")
    change = example_change(path, after, before)
    outcome = check(path, after, before)
    assert change.changed_lines is not None
    for f in outcome.findings:
        assert f.removal or f.line in change.changed_lines, (f, change.changed_lines)
        assert 1 <= f.line <= max(len(after.splitlines()), 1)


@pytest.mark.slow  # about 30 s: 120 examples, each validated against the full SARIF schema
@SETTINGS
@given(data=st.data(), paths=st.lists(st.sampled_from(PATHS), min_size=1, max_size=3, unique=True))
def test_sarif_is_always_schema_valid(data: st.DataObject, paths: list[str]) -> None:
    findings, notifications = [], []
    for path in paths:
        after = data.draw(lines_for(path) | st.text(max_size=80), label=path)
        outcome = check(path, after, None)
        findings.extend(outcome.findings)
        notifications.extend(outcome.notifications)
    result = RunResult(
        root="/tmp/a repo/ü",
        findings=sorted(findings, key=lambda f: f.sort_key),
        notifications=notifications,
        rules=RULES,
        files_checked=len(paths),
    )
    sarif = json.loads(render(result, "sarif"))
    jsonschema.validate(sarif, SCHEMA)


@pytest.mark.parametrize("path", PATHS)
def test_empty_file_is_clean(path: str) -> None:
    outcome = check(path, "", None)
    assert outcome.findings == [] and outcome.notifications == []
