"""AIG209: a change that deletes a whole CI workflow, pre-commit config or checker config.

The other AIG2xx rules compare a config file before and after; deleting the file is the bluntest
weakening of all and leaves nothing to compare with. A deletion is reported unless what the file
did survives elsewhere: the checks a workflow ran are run by another workflow, or the tool's
configuration moved to an equivalent file (mypy.ini to [tool.mypy] in pyproject.toml).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re

from aiguard.findings import Category
from aiguard.lint.rule import FileRule, Flag, Pass
from aiguard.source import Source, SourceError

from ._commands import command_check, commands_of

_WORKFLOWS = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml")
_PRE_COMMIT = ".pre-commit-config.yaml"
_HOOK_ID = re.compile(r"^\s*-?\s*id:\s*['\"]?([\w.-]+)", re.MULTILINE)

# A checker's config files, and where else (file glob, section pattern) the same tool reads its
# configuration: deleting one is moving it when another place configures the tool afterwards.
_TOOLS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    (
        "mypy",
        ("mypy.ini", ".mypy.ini"),
        (
            ("pyproject.toml", r"^\[tool\.mypy\]"),
            ("setup.cfg", r"^\[mypy\]"),
            ("mypy.ini", r"^\[mypy\]"),
            (".mypy.ini", r"^\[mypy\]"),
        ),
    ),
    (
        "pyright",
        ("pyrightconfig.json",),
        (("pyproject.toml", r"^\[tool\.(?:based)?pyright\]"),),
    ),
    (
        "ruff",
        ("ruff.toml", ".ruff.toml"),
        (("pyproject.toml", r"^\[tool\.ruff"), ("ruff.toml", ""), (".ruff.toml", "")),
    ),
    (
        "flake8",
        (".flake8",),
        (("setup.cfg", r"^\[flake8\]"), ("tox.ini", r"^\[flake8\]"), (".flake8", "")),
    ),
    (
        "pylint",
        (".pylintrc", "pylintrc"),
        (
            ("pyproject.toml", r"^\[tool\.pylint"),
            ("setup.cfg", r"^\[pylint"),
            (".pylintrc", ""),
            ("pylintrc", ""),
        ),
    ),
    (
        "coverage.py",
        (".coveragerc",),
        (
            ("pyproject.toml", r"^\[tool\.coverage"),
            ("setup.cfg", r"^\[coverage:"),
            ("tox.ini", r"^\[coverage:"),
            (".coveragerc", ""),
        ),
    ),
    (
        "ESLint",
        (".eslintrc", ".eslintrc.*", "eslint.config.*"),
        (
            (".eslintrc", ""),
            (".eslintrc.*", ""),
            ("eslint.config.*", ""),
            ("package.json", r'"eslintConfig"\s*:'),
        ),
    ),
    ("Biome", ("biome.json", "biome.jsonc"), (("biome.json", ""), ("biome.jsonc", ""))),
)


class CheckConfigDeleted(FileRule):
    id = "AIG209"
    name = "check-config-deleted"
    category = Category.CONFIG_WEAKENING
    summary = "A CI workflow, pre-commit config or checker config is deleted outright."
    rationale = (
        "Deleting the file is the bluntest way to make a failing check go away: the workflow "
        "that ran the tests, the pre-commit config with its hooks, or the mypy/ruff/ESLint/"
        "coverage settings that made the check strict all disappear in one line of the diff, "
        "and nothing is left to compare. aiguard stays silent when what the file did survives: "
        "another workflow still runs its checks, or the tool is configured in an equivalent "
        "file after the change (mypy.ini moved into pyproject.toml)."
    )
    fix = (
        "Restore the file, or move its checks and settings to where they now belong in the "
        "same change. Deletions are seen by `aiguard check`, in CI (`--base`) and by the "
        "pre-commit hook, which checks the whole staged change rather than file names."
    )
    files = (*_WORKFLOWS, _PRE_COMMIT, *(g for _, names, _ in _TOOLS for g in names))
    reads_deleted = True
    examples = (
        Flag(
            "",
            line=1,
            deleted=True,
            path=".github/workflows/ci.yml",
            before=(
                "on: [pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - run: pytest -q\n      - run: mypy src\n"
            ),
            message="pytest, mypy",
        ),
        Flag(
            "",
            line=1,
            deleted=True,
            path=".pre-commit-config.yaml",
            before=(
                "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
                "    rev: v0.5.0\n    hooks:\n      - id: ruff\n      - id: ruff-format\n"
            ),
            message="ruff, ruff-format",
        ),
        Flag(
            "",
            line=1,
            deleted=True,
            path="mypy.ini",
            before="[mypy]\nstrict = True\n",
            files={"pyproject.toml": "[project]\nname = 'x'\n"},
            message="mypy",
        ),
        Pass(
            "",
            deleted=True,
            path="mypy.ini",
            before="[mypy]\nstrict = True\n",
            files={"pyproject.toml": "[tool.mypy]\nstrict = true\n"},
        ),
        Pass(
            "",
            deleted=True,
            path=".github/workflows/ci.yml",
            before="on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: pytest\n",
            files={
                ".github/workflows/tests.yml": (
                    "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: pytest -x\n"
                )
            },
        ),
        Pass(
            "",
            deleted=True,
            path=".github/workflows/docs.yml",
            before=(
                "on: [push]\njobs:\n  d:\n    runs-on: x\n    steps:\n"
                "      - run: mkdocs gh-deploy\n"
            ),
        ),
        Pass(
            "[mypy]\nstrict = True\nwarn_unused_ignores = True\n",
            before="[mypy]\nstrict = True\n",
            path="mypy.ini",
        ),
        Pass(
            "",
            deleted=True,
            path=".eslintrc.json",
            before='{"extends": "eslint:recommended"}\n',
            files={"eslint.config.js": "export default [];\n"},
        ),
    )

    def check(self) -> None:
        before = self.before
        if not self.context.change.deleted or before is None or not before.text.strip():
            return
        message = self._loss(before)
        if message is not None:
            self.report_line(1, message, removal=True)

    def _loss(self, before: Source) -> str | None:
        """What deleting the file takes away, or None when nothing (or nothing that matters)."""
        path = self.path
        if any(_matches(path, glob) for glob in _WORKFLOWS):
            elsewhere = self._checks_elsewhere()
            lost = [check for check in _checks(before) if check not in elsewhere]
            if not lost:
                return None
            return f"deleted {path}, which ran {', '.join(lost)}; no other workflow runs them"
        if path == _PRE_COMMIT:
            hooks = list(dict.fromkeys(_HOOK_ID.findall(before.text)))
            if not hooks:
                return None
            return f"deleted {path} and its hooks {', '.join(hooks)}"
        for tool, names, alternatives in _TOOLS:
            if any(_matches(posixpath.basename(path), name) for name in names):
                if self._configured_elsewhere(alternatives):
                    return None
                return (
                    f"deleted {path}: {tool} now runs with its defaults (or not at all), and no "
                    "other file configures it"
                )
        return None

    def _checks_elsewhere(self) -> set[str]:
        found: set[str] = set()
        for other in self.project.files:
            if other != self.path and any(_matches(other, glob) for glob in _WORKFLOWS):
                text = self.project.read_text(other)
                if text is not None:
                    found.update(_checks(Source(other, text)))
        return found

    def _configured_elsewhere(self, alternatives: tuple[tuple[str, str], ...]) -> bool:
        directory = posixpath.dirname(self.path)
        for other in self.project.files:
            if other == self.path or posixpath.dirname(other) != directory:
                continue
            for glob, section in alternatives:
                if not _matches(posixpath.basename(other), glob):
                    continue
                text = self.project.read_text(other)
                if text is not None and (not section or re.search(section, text, re.MULTILINE)):
                    return True
        return False


def _matches(path: str, glob: str) -> bool:
    return fnmatch.fnmatchcase(path, glob)


def _checks(source: Source) -> list[str]:
    """The checks (pytest, mypy, eslint ...) a workflow runs, in order; none when it does not
    parse."""
    try:
        commands = commands_of(source)
    except SourceError:
        return []
    found = (command_check(c.text) for c in commands)
    return list(dict.fromkeys(check for check in found if check is not None))
