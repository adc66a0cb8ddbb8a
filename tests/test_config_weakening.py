"""End to end on a real git repository: the config-weakening rules (AIG2xx).

A project commits strict configurations for mypy, ruff, coverage (pyproject.toml), TypeScript,
ESLint (a flat config and a legacy one), a GitHub workflow and pre-commit. A second commit
weakens each of them once; `aiguard check --base HEAD~1` must report exactly one finding per
weakening, by the right rule at the right line. A third commit, made instead on top of the strict
one, only strengthens and reorders the same files and must give no finding at all; so must a
commit that restores the strict versions after the weakening.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from aiguard.cli import main
from aiguard.source import Source
from aiguard_rules.config_weakening._base import is_generated_path
from aiguard_rules.config_weakening._commands import command_check, swallowed
from aiguard_rules.config_weakening._doc import parse_json, parse_toml
from tests.gitrepo import GitRepo


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


STRICT = {
    "pyproject.toml": code("""
        [project]
        name = "shop"
        version = "1.0"

        [tool.mypy]
        strict = true
        warn_unreachable = true

        [tool.ruff.lint]
        select = ["E", "F", "B", "UP"]
        ignore = ["E501"]

        [tool.coverage.report]
        fail_under = 90
        show_missing = true
        """),
    "tsconfig.json": code("""
        {
          // the web client
          "compilerOptions": {
            "target": "es2022",
            "strict": true,
            "noUncheckedIndexedAccess": true,
          },
          "include": ["web"],
        }
        """),
    "eslint.config.js": code("""
        import js from "@eslint/js";

        export default [
          js.configs.recommended,
          { ignores: ["dist/"] },
          {
            rules: {
              "no-console": "error",
              eqeqeq: ["error", "always"],
            },
          },
        ];
        """),
    "legacy/.eslintrc.json": code("""
        {
          "extends": ["eslint:recommended"],
          "rules": {
            "no-var": "error",
            "prefer-const": "error"
          }
        }
        """),
    ".github/workflows/ci.yml": code("""
        name: ci
        on: [push, pull_request]
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: pip install -e .[test]
              - run: pytest -q
          lint:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: ruff check .
              - run: mypy shop
        """),
    ".pre-commit-config.yaml": code("""
        repos:
          - repo: https://github.com/astral-sh/ruff-pre-commit
            rev: v0.6.0
            hooks:
              - id: ruff
          - repo: https://github.com/pre-commit/mirrors-mypy
            rev: v1.11.0
            hooks:
              - id: mypy
        """),
    "shop/__init__.py": "",
}

WEAKENED = {
    "pyproject.toml": code("""
        [project]
        name = "shop"
        version = "1.0"

        [tool.mypy]
        strict = false
        warn_unreachable = true

        [tool.ruff.lint]
        select = ["E", "F", "B", "UP"]
        ignore = ["E501", "B008"]

        [tool.coverage.report]
        fail_under = 70
        show_missing = true
        """),
    "tsconfig.json": code("""
        {
          // the web client
          "compilerOptions": {
            "target": "es2022",
            "strict": false,
            "noUncheckedIndexedAccess": true,
          },
          "include": ["web"],
        }
        """),
    "eslint.config.js": code("""
        import js from "@eslint/js";

        export default [
          js.configs.recommended,
          { ignores: ["dist/"] },
          {
            rules: {
              "no-console": "off",
              eqeqeq: ["error", "always"],
            },
          },
        ];
        """),
    "legacy/.eslintrc.json": code("""
        {
          "extends": ["eslint:recommended"],
          "rules": {
            "no-var": "error",
            "prefer-const": "warn"
          }
        }
        """),
    ".github/workflows/ci.yml": code("""
        name: ci
        on: [push, pull_request]
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: pip install -e .[test]
              - run: pytest -q || true
          lint:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: ruff check .
              - run: mypy shop
        """),
    ".pre-commit-config.yaml": code("""
        repos:
          - repo: https://github.com/astral-sh/ruff-pre-commit
            rev: v0.6.0
            hooks:
              - id: ruff
        """),
}

# (rule, path, line, a piece of the message): one per weakening in WEAKENED.
EXPECTED = {
    ("AIG201", "pyproject.toml", 6, "mypy strict: true -> false"),
    ("AIG203", "pyproject.toml", 11, 'ruff ignore: added "B008"'),
    ("AIG206", "pyproject.toml", 14, "coverage fail_under: 90 -> 70"),
    ("AIG204", "tsconfig.json", 5, "tsconfig strict: true -> false"),
    ("AIG205", "eslint.config.js", 8, "no-console: error -> off"),
    ("AIG205", "legacy/.eslintrc.json", 5, "prefer-const: error -> warn"),
    ("AIG207", ".github/workflows/ci.yml", 9, '"pytest" made non-blocking with "|| true"'),
    ("AIG208", ".pre-commit-config.yaml", 5, 'pre-commit hook "mypy" removed'),
}

# Only stricter settings, re-ordered keys and re-formatted files, relative to STRICT.
STRENGTHENED = {
    "pyproject.toml": code("""
        [project]
        name = "shop"
        version = "1.1"

        [tool.coverage.report]
        show_missing = true
        fail_under = 95

        [tool.ruff.lint]
        ignore = ["E501"]
        select = ["B", "E", "F", "UP", "SIM"]

        [tool.mypy]
        warn_unreachable = true
        strict = true
        disallow_any_explicit = true
        """),
    "tsconfig.json": code("""
        {
          "include": ["web"],
          "compilerOptions": {
            "noUncheckedIndexedAccess": true,
            "strict": true,
            "exactOptionalPropertyTypes": true,
            "target": "es2023"
          }
        }
        """),
    "eslint.config.js": code("""
        import js from "@eslint/js";

        export default [
          { ignores: ["dist/", "coverage/"] },
          js.configs.recommended,
          { rules: { eqeqeq: ["error", "always"] } },
          { rules: { "no-console": "error", curly: "error" } },
        ];
        """),
    "legacy/.eslintrc.json": code("""
        {"rules": {"prefer-const": "error", "no-var": "error", "eqeqeq": "error"},
         "extends": ["eslint:recommended"]}
        """),
    ".github/workflows/ci.yml": code("""
        name: ci
        on:
          push:
          pull_request:
        jobs:
          lint:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/checkout@v4
              - run: mypy shop
              - run: ruff check .
              - run: ruff format --check .
          test:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/checkout@v4
              - run: pip install -e .[test]
              - run: pytest -q --strict-markers
        """),
    ".pre-commit-config.yaml": code("""
        repos:
          - repo: https://github.com/pre-commit/mirrors-mypy
            rev: v1.13.0
            hooks:
              - id: mypy
          - repo: https://github.com/astral-sh/ruff-pre-commit
            rev: v0.7.0
            hooks:
              - id: ruff
              - id: ruff-format
        """),
}


def findings(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[dict[str, Any]]:
    """The config-weakening findings of `aiguard check --base HEAD~1`; no notification allowed."""
    monkeypatch.chdir(repo.root)
    main(["check", "--base", "HEAD~1", "--format", "json", "--select", "AIG2"])
    report: dict[str, Any] = json.loads(capsys.readouterr()[0])
    assert report["notifications"] == []
    found: list[dict[str, Any]] = report["findings"]
    return found


@pytest.fixture
def strict_repo(repo: GitRepo) -> GitRepo:
    repo.commit(STRICT, "strict configuration")
    return repo


def test_each_weakening_is_found_once_at_its_line(
    strict_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    strict_repo.commit(WEAKENED, "weaken every guard")
    found = findings(strict_repo, monkeypatch, capsys)
    assert all(f["category"] == "config-weakening" for f in found)
    actual = sorted((f["rule_id"], f["path"], f["line"]) for f in found)
    assert actual == sorted((rule, path, line) for rule, path, line, _ in EXPECTED), found
    for rule, path, line, message in EXPECTED:
        [match] = [f for f in found if (f["rule_id"], f["path"], f["line"]) == (rule, path, line)]
        assert message in match["message"]


def test_strengthening_and_reordering_is_silent(
    strict_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    strict_repo.commit(STRENGTHENED, "stricter, reordered")
    assert findings(strict_repo, monkeypatch, capsys) == []


def test_restoring_the_strict_configs_is_silent(
    strict_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    strict_repo.commit(WEAKENED, "weaken every guard")
    strict_repo.commit(STRICT, "restore")
    assert findings(strict_repo, monkeypatch, capsys) == []


def test_a_broken_config_is_a_notification_not_a_crash(
    strict_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    strict_repo.commit(
        {"tsconfig.json": '{\n  "compilerOptions": {\n    "strict": \n}\n'}, "broken"
    )
    monkeypatch.chdir(strict_repo.root)
    main(["check", "--base", "HEAD~1", "--format", "json", "--select", "AIG2"])
    report = json.loads(capsys.readouterr()[0])
    assert report["findings"] == []
    assert [n["kind"] for n in report["notifications"]] == ["parse-error"]
    assert report["notifications"][0]["path"] == "tsconfig.json"


# -- the pieces the rules stand on -----------------------------------------------------------


def test_toml_lines_survive_multiline_strings_inline_tables_and_array_tables() -> None:
    doc = parse_toml(
        Source(
            "pyproject.toml",
            code('''
                [tool.mypy]
                note = """
                [not.a.table]
                strict = false
                """
                strict = true
                plugins = [
                  "a",  # comment ]
                  'b',
                ]
                [[tool.mypy.overrides]]
                module = "x"
                [[tool.mypy.overrides]]
                module = ["y"]
                ignore_errors = true
                [tool.pylint."messages control"]
                disable = {inline = ["C0114"]}
                '''),
        )
    )
    assert doc.get(("tool", "mypy", "strict")) is True
    assert doc.line(("tool", "mypy", "strict")) == 6
    assert doc.line(("tool", "mypy", "plugins", 1)) == 9
    assert doc.line(("tool", "mypy", "overrides", 1, "ignore_errors")) == 15
    assert doc.line(("tool", "pylint", "messages control", "disable", "inline", 0)) == 17


def test_jsonc_keeps_lines_through_comments_and_trailing_commas() -> None:
    doc = parse_json(
        Source("tsconfig.json", '// top\n{\n  /* a */ "a": {\n    "b": [1,\n      2,],\n  },\n}\n')
    )
    assert doc.data == {"a": {"b": [1, 2]}}
    assert doc.line(("a", "b", 1)) == 5


@pytest.mark.parametrize(
    ("command", "check", "swallowed_by"),
    [
        ("pytest -q || true", "pytest", "|| true"),
        ("uv run --frozen mypy src || exit 0", "mypy", "|| exit 0"),
        ("python -m pytest tests/ ; true", "pytest", "; true"),
        ("ruff check . --exit-zero", "ruff check", "--exit-zero"),
        ("npm run lint || echo failed", "npm run lint", "|| echo failed"),
        ("bash -c 'tsc --noEmit || :'", "tsc", "|| :"),
        ("pytest || (echo failed; exit 1)", "pytest", None),
        ("make test", "make test", None),
        ("rm -f build.log || true", None, None),
        ("pkill -f server || true", None, None),
        ("black .", None, None),
    ],
)
def test_commands_know_checks_and_swallowed_failures(
    command: str, check: str | None, swallowed_by: str | None
) -> None:
    assert command_check(command) == check
    assert swallowed(command) == swallowed_by


@pytest.mark.parametrize(
    ("pattern", "generated"),
    [
        ("dist/", True),
        ("**/node_modules/**", True),
        ("src/gen/*_pb2.py", True),
        ("*.min.js", True),
        ("app/migrations/*", True),
        ("src/legacy", False),
        ("src/payments/**", False),
        ("tests/test_api.py", False),
    ],
)
def test_generated_paths(pattern: str, generated: bool) -> None:
    assert is_generated_path(pattern) is generated


def test_deleting_check_configs_is_reported_and_moving_them_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def findings() -> list[tuple[str, str, int]]:
        monkeypatch.chdir(repo.root)
        main(["check", "--base", "HEAD~1", "--format", "json"])  # every rule, not only AIG2xx
        found = json.loads(capsys.readouterr().out)["findings"]
        return sorted((f["rule_id"], f["path"], f["line"]) for f in found)

    repo = GitRepo(tmp_path / "deleted")
    repo.commit(
        {
            ".github/workflows/ci.yml": (
                "on: [pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - run: pytest -q\n"
            ),
            ".pre-commit-config.yaml": (
                "repos:\n  - repo: local\n    hooks:\n      - id: mypy\n"
                "        name: mypy\n        entry: mypy\n        language: system\n"
            ),
            "mypy.ini": "[mypy]\nstrict = True\n",
            "pyproject.toml": "[project]\nname = 'x'\n",
            "old.py": "x = f()  # type: ignore\n",
        }
    )
    for path in (".github/workflows/ci.yml", ".pre-commit-config.yaml", "mypy.ini", "old.py"):
        (repo.root / path).unlink()
    repo.commit(message="delete the checks")
    assert findings() == [
        ("AIG209", ".github/workflows/ci.yml", 1),
        ("AIG209", ".pre-commit-config.yaml", 1),
        ("AIG209", "mypy.ini", 1),
    ]

    repo.commit({"mypy.ini": "[mypy]\nstrict = True\n"}, "restore")
    (repo.root / "mypy.ini").unlink()
    repo.commit({"pyproject.toml": "[project]\nname = 'x'\n\n[tool.mypy]\nstrict = true\n"})
    assert findings() == []
