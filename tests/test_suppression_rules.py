"""The suppression rules (AIG100-AIG104) beyond their own examples: messages, several directives
in one comment, aiguard's own directive, configuration by weight, and robustness on any text."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiguard.cli import main
from aiguard.config import Config
from aiguard.findings import Finding, Severity
from aiguard.lint.engine import Engine
from aiguard.lint.rule import Rule
from aiguard.lint.testing import example_change
from aiguard.project import Project
from aiguard_rules.suppression._model import clean_reason
from aiguard_rules.suppression.rules import (
    BlanketSuppression,
    ExplainedSuppression,
    FileLevelSuppression,
    UnexplainedAiguardIgnore,
    UnexplainedSuppression,
)
from tests.gitrepo import GitRepo

RULES: list[type[Rule]] = [
    UnexplainedAiguardIgnore,
    BlanketSuppression,
    FileLevelSuppression,
    UnexplainedSuppression,
    ExplainedSuppression,
]


def check(
    path: str, code: str, before: str | None = None, config: Config | None = None
) -> list[Finding]:
    """All five rules over one file; a parse problem or a crashed rule fails the test."""
    config = config or Config()
    project = Project(None, config, overlay={path: code}, in_git=False)
    outcome = Engine(RULES, config).check_file(example_change(path, code, before), project)
    assert [n for n in outcome.notifications if n.kind == "rule-error"] == []
    return outcome.findings


def test_messages_name_the_tool_and_the_codes() -> None:
    (mypy,) = check("m.py", "x = os.fdopen(3)  # type: ignore[attr-defined, union-attr]\n")
    assert mypy.rule_id == "AIG103"
    assert "mypy" in mypy.message and "attr-defined, union-attr" in mypy.message

    (eslint,) = check("a.js", "// eslint-disable-next-line no-console, no-alert\nconsole.log(1);\n")
    assert "ESLint" in eslint.message and "no-console, no-alert" in eslint.message

    (blanket,) = check("m.py", "import os  # noqa\n")
    assert blanket.rule_id == "AIG101" and blanket.severity is Severity.ERROR
    assert "ruff/flake8" in blanket.message and "# noqa: E501" in blanket.message

    (note,) = check("a.ts", "// @ts-expect-error the d.ts lacks this overload\nf(1);\n")
    assert note.rule_id == "AIG104" and note.severity is Severity.NOTE
    assert "TypeScript" in note.message and "the d.ts lacks this overload" in note.message


def test_two_directives_in_one_comment_give_two_findings_at_their_own_columns() -> None:
    line = "value = compute()  # type: ignore[assignment]  # noqa: E501\n"
    findings = sorted(check("m.py", line), key=lambda f: f.column)
    assert [f.rule_id for f in findings] == ["AIG103", "AIG103"]
    mypy, ruff = findings
    assert line[mypy.column - 1 : (mypy.end_column or 0) - 1] == "# type: ignore[assignment]"
    assert line[ruff.column - 1 : (ruff.end_column or 0) - 1] == "# noqa: E501"
    assert "mypy assignment" in mypy.message and "ruff/flake8 E501" in ruff.message


def test_each_weight_goes_to_its_own_rule() -> None:
    code = (
        "# mypy: ignore-errors\n"
        "a = 1  # type: ignore\n"
        "b = 2  # type: ignore[misc]\n"
        "c = 3  # type: ignore[misc]  # generated stub is wrong\n"
        "d = 4  # aiguard: ignore\n"
    )
    found = sorted((f.line, f.rule_id, f.severity) for f in check("m.py", code))
    assert found == [
        (1, "AIG102", Severity.ERROR),
        (2, "AIG101", Severity.ERROR),
        (3, "AIG103", Severity.WARNING),
        (4, "AIG104", Severity.NOTE),
        (5, "AIG100", Severity.WARNING),
    ]


VALID_AIGUARD = [
    ("m.py", "x = 1  # aiguard: ignore[AIG101] -- generated code, reviewed\n"),
    ("m.py", "# aiguard: ignore[AIG103, AIG104] -- vendored module\nx = 1\n"),
    ("a.js", "foo(); // aiguard: ignore[AIG101] -- legacy bundle\n"),
    ("a.ts", "/* aiguard: ignore[AIG102] -- generated */\nfoo();\n"),
    ("c.yml", "key: 1  # aiguard: ignore[AIG201] -- pinned on purpose\n"),
    ("run.sh", "echo 1  # aiguard: ignore[AIG101] -- demo script\n"),
    ("Dockerfile", "# aiguard: ignore[AIG103] -- base image pins it\nFROM debian\n"),
]


@pytest.mark.parametrize(("path", "code"), VALID_AIGUARD)
def test_valid_aiguard_directives_are_never_reported(path: str, code: str) -> None:
    assert check(path, code) == []


def test_an_aiguard_directive_silences_the_suppression_it_accepts() -> None:
    code = "import os  # noqa: E501  # aiguard: ignore[AIG103] -- the URL cannot be split\n"
    (finding,) = check("m.py", code)
    assert finding.rule_id == "AIG103"
    assert finding.suppression is not None
    assert finding.suppression.justification == "the URL cannot be split"


def test_ignoring_the_notes_keeps_the_errors() -> None:
    code = "a = 1  # type: ignore\nb = 2  # type: ignore[misc]  # stub is wrong\n"
    found = check("m.py", code, config=Config(ignore=("AIG104",)))
    assert [f.rule_id for f in found] == ["AIG101"]


def test_a_directive_carried_along_by_an_edit_is_not_new_but_a_changed_one_is() -> None:
    directive = "# type: ignore[no-any-return]  # g is untyped"
    before = f"def f():\n    return g()  {directive}\n"
    reindented = f"def f():\n    if True:\n        return g()  {directive}\n"
    assert check("m.py", reindented, before=before) == []
    widened = "def f():\n    return g()  # type: ignore\n"
    assert [f.rule_id for f in check("m.py", widened, before=before)] == ["AIG101"]


def test_a_second_copy_of_an_existing_directive_is_reported() -> None:
    before = "a = f()  # noqa: E501\n"
    after = "a = f(1)  # noqa: E501\nb = f(2)  # noqa: E501\n"
    assert [(f.rule_id, f.line) for f in check("m.py", after, before=before)] == [("AIG103", 2)]


def test_notes_do_not_fail_the_run_but_blanket_directives_do(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"app.py": "def f():\n    return 1\n"}, "base")
    repo.write(
        {"app.py": "def f():\n    return g()  # type: ignore[no-any-return]  # g is untyped\n"}
    )
    monkeypatch.chdir(repo.root)
    assert main(["check", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [f["rule_id"] for f in report["findings"]] == ["AIG104"]

    repo.write({"app.py": "def f():\n    return g()  # type: ignore\n"})
    assert main(["check", "--format", "json"]) == 1
    capsys.readouterr()


# Fragments that steer random text towards the parsers' edges: directive keywords, separators,
# comment markers, quotes and line breaks.
FRAGMENTS = st.sampled_from(
    [
        "#", "# ", "//", "/*", "*/", "\n", "\r\n", " ", "'", '"', "`", "${", "--", " -- ", ":", ",",
        "[", "]", "(", ")", "=", "type: ignore", "noqa", "NOQA: E501", "pylint: disable=",
        "pyright: ", "mypy: ", "pragma: no cover", "nosec", "eslint-disable", "eslint-disable-line",
        "eslint-enable", "oxlint-disable-next-line", "@ts-ignore", "@ts-expect-error",
        "@ts-nocheck", "biome-ignore", "biome-ignore-all lint", "istanbul ignore next", "c8 ignore",
        "v8 ignore file", "shellcheck disable=", "yamllint disable", "hadolint ignore=",
        "checkov:skip=", "aiguard: ignore[", "AIG101", "E501", "x = 1", "def f():", "\t", "é", "😀",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(["m.py", "a.js", "a.ts", "a.tsx", "c.yml", "run.sh", "Dockerfile"]),
    code=TEXT,
    before=st.none() | TEXT,
)
def test_any_text_never_crashes_a_rule(path: str, code: str, before: str | None) -> None:
    for finding in check(path, code, before=before):
        assert finding.rule_id in {r.id for r in RULES}
        assert 1 <= finding.line <= max(len(code.splitlines()), 1)


# Well-formed files whose comments hold random directive-like text: the parsers' real input.
# No line-break characters inside a comment body: str.splitlines() (aiguard's line model) also
# breaks on form feeds and the like, which tokenize and tree-sitter count as spaces.
_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
COMMENT_BODY = st.lists(
    st.one_of(FRAGMENTS, st.text(st.characters(exclude_characters=_BREAKS + "*/"), max_size=6)),
    max_size=12,
).map(lambda parts: "".join(parts).replace("\r", "").replace("\n", "").replace("*/", ""))
CODE_LINES = {
    "m.py": ["x = 1", "import os", "def f():\n    return 1", "", "s = '# noqa'"],
    "a.js": ["foo();", "const s = `// eslint-disable`;", "function f() {}", ""],
    "c.yml": ["key: 1", "- item", "k: '# yamllint disable'", ""],
    "run.sh": ["echo hi", 'rm -rf "$dir"', ""],
}
MARKERS = {"m.py": ["#"], "a.js": ["//", "/*"], "c.yml": ["#"], "run.sh": ["#"]}


@st.composite
def commented_file(draw: st.DrawFn) -> tuple[str, str]:
    path = draw(st.sampled_from(sorted(CODE_LINES)))
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        code = draw(st.sampled_from(CODE_LINES[path]))
        marker = draw(st.sampled_from(MARKERS[path]))
        body = draw(COMMENT_BODY)
        comment = f"{marker}{body} */" if marker == "/*" else f"{marker}{body}"
        lines.append(f"{code}  {comment}" if code and "\n" not in code else f"{code}\n{comment}")
    return path, "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commented_file())
def test_findings_always_point_into_a_comment(case: tuple[str, str]) -> None:
    path, code = case
    for finding in check(path, code):
        line = code.splitlines()[finding.line - 1]
        marker_at = min(i for i in (line.find("#"), line.find("//"), line.find("/*")) if i >= 0)
        assert finding.column - 1 >= marker_at, (finding, line)
        assert finding.end_column is None or finding.end_column <= len(line) + 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("  # stub lacks it, see #123", "stub lacks it, see #123"),
        (" -- CLI output", "CLI output"),
        (": the d.ts lacks this overload", "the d.ts lacks this overload"),
        ("  # TODO", ""),
        (": <explanation>", ""),
        ("  # E501", ""),
        ("  # #123", ""),
        (" -- @preserve", ""),
        ("  # pyrefly: ignore[bad-override]", ""),
        ("  # fmt: skip  # generated table", "generated table"),
        (" ---- ", ""),
    ],
)
def test_a_reason_is_real_words(text: str, reason: str) -> None:
    assert clean_reason(text) == reason
