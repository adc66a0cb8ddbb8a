"""AIG208: a change that removes or skips git hooks (pre-commit hooks, SKIP=, --no-verify)."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from aiguard.findings import Category
from aiguard.lint.rule import Flag, Pass
from aiguard.source import Source, SourceError

from ._base import ConfigRule
from ._commands import Command, commands_of, segments, swallowed
from ._doc import Doc

# Hooks that do the same job: replacing one with another is not a removal.
_FAMILIES = (
    {"black", "ruff-format", "blue", "yapf", "autopep8"},
    {"flake8", "ruff", "ruff-check", "pyflakes", "pycodestyle", "pylint", "autoflake"},
    {"isort", "ruff", "ruff-check", "reorder-python-imports", "usort"},
    {"pyupgrade", "ruff", "ruff-check"},
    {"pydocstyle", "ruff", "ruff-check"},
    {"bandit", "ruff", "ruff-check"},
    {"mypy", "pyright", "basedpyright", "pyrefly", "ty"},
    {"prettier", "biome-format", "biome-check", "biome-ci", "dprint"},
    {"eslint", "biome-lint", "biome-check", "biome-ci", "oxlint"},
)
_RUNNING_STAGES = frozenset(
    {"pre-commit", "commit", "pre-push", "push", "pre-merge-commit", "merge-commit",
     "commit-msg", "prepare-commit-msg", "post-checkout", "post-commit", "post-merge",
     "post-rewrite", "pre-rebase"}
)  # fmt: skip
_SKIP = re.compile(r"(?<![\w$])SKIP\s*[:=]\s*[\"']?([A-Za-z0-9_.,-]+)")
_HOOK_RUNNERS = re.compile(r"pre-commit|\bprek\b|\bgit\s+(commit|push|merge)\b")
_NOT_HOOK_IDS = frozenset({"1", "0", "true", "false", "yes", "no", "on", "off"})
_GIT_BYPASS = re.compile(r"^(commit|push|merge|am|rebase|cherry-pick|revert)$")


@dataclass(frozen=True)
class _Hook:
    id: str
    line: int
    path: tuple[str | int, ...]
    stages: tuple[str, ...] | None
    args: tuple[str, ...]
    entry: str


def _hooks(doc: Doc) -> list[_Hook]:
    found: list[_Hook] = []
    repos = doc.get(("repos",))
    for r_index, repo in enumerate(repos if isinstance(repos, list) else []):
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        for h_index, hook in enumerate(hooks if isinstance(hooks, list) else []):
            if not isinstance(hook, dict) or not isinstance(hook.get("id"), str):
                continue
            path = ("repos", r_index, "hooks", h_index)
            stages = hook.get("stages")
            args = hook.get("args")
            found.append(
                _Hook(
                    hook["id"],
                    doc.line(path),
                    path,
                    tuple(str(s) for s in stages) if isinstance(stages, list) else None,
                    tuple(str(a) for a in args) if isinstance(args, list) else (),
                    str(hook.get("entry") or ""),
                )
            )
    return found


def _hook_marker(hook: _Hook) -> str | None:
    """How a hook's failure is thrown away: `--exit-zero` in its args, `|| true` in its entry."""
    if "--exit-zero" in hook.args:
        return "--exit-zero"
    return swallowed(hook.entry) if hook.entry else None


def _manual_only(stages: tuple[str, ...] | None) -> bool:
    return stages is not None and bool(stages) and not any(s in _RUNNING_STAGES for s in stages)


def _replaced(hook_id: str, added: set[str]) -> bool:
    return any(hook_id in family and family & added for family in _FAMILIES)


def _bypasses(command: str) -> str | None:
    """`git commit --no-verify` (or `-n`) and friends: the hooks are skipped."""
    for _, words in segments(command):
        if len(words) < 2 or posixpath.basename(words[0]) != "git":
            continue
        sub = next((w for w in words[1:] if not w.startswith("-")), "")
        if not _GIT_BYPASS.match(sub):
            continue
        if "--no-verify" in words or (sub == "commit" and "-n" in words):
            return f"git {sub} --no-verify"
    return None


class HookRemovedOrSkipped(ConfigRule):
    id = "AIG208"
    name = "git-hook-removed-or-skipped"
    category = Category.CONFIG_WEAKENING
    files = (
        ".pre-commit-config.yaml", ".pre-commit-config.yml", ".github/workflows/*.yml",
        ".github/workflows/*.yaml", ".gitlab-ci.yml", ".gitlab-ci.yaml", "Makefile", "makefile",
        "GNUmakefile", "*.mk", "package.json", "tox.ini", "noxfile.py",
    )  # fmt: skip
    summary = (
        "A pre-commit hook is removed, made manual-only or skipped; SKIP= or --no-verify added"
    )
    rationale = (
        "Hooks are the checks that run before code leaves the developer's machine. Deleting a "
        "hook, moving it to `stages: [manual]`, listing it in `SKIP=` or `ci: skip`, or adding "
        "`--no-verify` to a scripted commit lets code that fails it through unnoticed."
    )
    fix = (
        "Keep the hook and fix what it reports. If a hook is too slow for every commit, move it "
        "to pre-push or CI - somewhere it still blocks - and say so in the change."
    )
    interest = None  # a removed hook block leaves only neighbouring lines changed
    tags = ("pre-commit", "git-hooks")
    examples: ClassVar[tuple[Flag | Pass, ...]] = (
        Flag(
            """
                repos:
                  - repo: https://github.com/astral-sh/ruff-pre-commit
                    rev: v0.6.0
                    hooks:
                      - id: ruff
            """,
            line=5,
            before="""
                repos:
                  - repo: https://github.com/astral-sh/ruff-pre-commit
                    rev: v0.6.0
                    hooks:
                      - id: ruff
                  - repo: https://github.com/pre-commit/mirrors-mypy
                    rev: v1.11.0
                    hooks:
                      - id: mypy
            """,
            path=".pre-commit-config.yaml",
            message='pre-commit hook "mypy" removed',
        ),
        Flag(
            """
                repos:
                  - repo: local
                    hooks:
                      - id: pytest
                        name: pytest
                        entry: pytest
                        language: system
                        stages: [manual]
            """,
            line=8,
            before="""
                repos:
                  - repo: local
                    hooks:
                      - id: pytest
                        name: pytest
                        entry: pytest
                        language: system
            """,
            path=".pre-commit-config.yaml",
            message='pre-commit hook "pytest" moved to stages: [manual]',
        ),
        Flag(
            """
                ci:
                  skip: [mypy, pylint]
                repos:
                  - repo: local
                    hooks:
                      - id: mypy
                        entry: mypy
                        language: system
                      - id: pylint
                        entry: pylint --exit-zero
                        language: system
            """,
            line=(2, 10),
            before="""
                ci:
                  skip: [mypy]
                repos:
                  - repo: local
                    hooks:
                      - id: mypy
                        entry: mypy
                        language: system
                      - id: pylint
                        entry: pylint
                        language: system
            """,
            path=".pre-commit-config.yaml",
        ),
        Flag(
            """
                jobs:
                  hooks:
                    runs-on: ubuntu-latest
                    steps:
                      - run: pre-commit run --all-files
                        env:
                          SKIP: mypy,no-commit-to-branch
            """,
            line=7,
            before="""
                jobs:
                  hooks:
                    runs-on: ubuntu-latest
                    steps:
                      - run: pre-commit run --all-files
                        env:
                          SKIP: no-commit-to-branch
            """,
            path=".github/workflows/pre-commit.yml",
            message='SKIP= now skips hook "mypy"',
        ),
        Flag(
            """
                {
                  "scripts": {
                    "release": "npm version patch && git commit -am release --no-verify"
                  }
                }
            """,
            line=3,
            before='{\n  "scripts": {\n'
            '    "release": "npm version patch && git commit -am release"\n  }\n}\n',
            path="package.json",
        ),
        Flag(
            "commit:\n\tSKIP=pytest,mypy git commit -m wip\n",
            line=2,
            before="commit:\n\tgit commit -m wip\n",
            path="Makefile",
        ),
        # Replaced by an equivalent hook, reordered, version bumps, new hooks: silent.
        Pass(
            """
                repos:
                  - repo: https://github.com/astral-sh/ruff-pre-commit
                    rev: v0.7.0
                    hooks:
                      - id: ruff
                      - id: ruff-format
            """,
            before="""
                repos:
                  - repo: https://github.com/psf/black
                    rev: 24.1.0
                    hooks:
                      - id: black
                  - repo: https://github.com/astral-sh/ruff-pre-commit
                    rev: v0.6.0
                    hooks:
                      - id: ruff
            """,
            path=".pre-commit-config.yaml",
        ),
        Pass(
            """
                repos:
                  - repo: https://github.com/pre-commit/mirrors-mypy
                    rev: v1.12.0
                    hooks:
                      - id: mypy
                        stages: [pre-commit, pre-push]
                  - repo: https://github.com/astral-sh/ruff-pre-commit
                    rev: v0.6.0
                    hooks:
                      - id: ruff
            """,
            before="""
                repos:
                  - repo: https://github.com/astral-sh/ruff-pre-commit
                    rev: v0.6.0
                    hooks:
                      - id: ruff
                  - repo: https://github.com/pre-commit/mirrors-mypy
                    rev: v1.11.0
                    hooks:
                      - id: mypy
            """,
            path=".pre-commit-config.yaml",
        ),
        Pass(
            """
                repos:
                  - repo: local
                    hooks:
                      - id: slow-e2e
                        entry: npm run e2e
                        language: system
                        stages: [manual]
            """,
            before="repos: []\n",
            path=".pre-commit-config.yaml",
        ),
        Pass(
            "deploy:\n\tSKIP=1 ./deploy.sh\n\tgit push origin main\n",
            before="deploy:\n\t./deploy.sh\n\tgit push origin main\n",
            path="Makefile",
        ),
        Pass(
            '{\n  "scripts": {\n    "skip": "echo SKIP=1",\n    "test": "jest"\n  }\n}\n',
            before='{\n  "scripts": {\n    "test": "jest"\n  }\n}\n',
            path="package.json",
        ),
    )

    def check(self) -> None:
        name = posixpath.basename(self.path)
        if name in (".pre-commit-config.yaml", ".pre-commit-config.yml"):
            self._check_config()
            return
        after = commands_of(self.after)
        before = self._before_commands()
        self._check_bypass(before, after)
        self._check_skip()

    def _before_commands(self) -> list[Command]:
        if self.before is None:
            return []
        try:
            commands = commands_of(self.before)
        except SourceError:
            return []
        self.compared = True
        return commands

    # -- .pre-commit-config.yaml --------------------------------------------------------------

    def _check_config(self) -> None:
        before_doc, after_doc = self.versions("yaml")
        after = _hooks(after_doc)
        before = _hooks(before_doc) if before_doc is not None else []
        if before_doc is not None:
            self._check_removed(before, after)
        old_stages = {h.id: h.stages for h in before}
        old_default = before_doc.get(("default_stages",)) if before_doc is not None else None
        for hook in after:
            if _manual_only(hook.stages) and not _manual_only(old_stages.get(hook.id)):
                if hook.id not in old_stages:
                    continue  # a new hook meant for manual runs weakens nothing
                line = after_doc.line((*hook.path, "stages"))
                self.weaker(line, f'pre-commit hook "{hook.id}" moved to stages: [manual]')
            marker = _hook_marker(hook)
            old_hook = next((h for h in before if h.id == hook.id), None)
            old_marker = _hook_marker(old_hook) if old_hook else None
            if marker and marker != old_marker:
                line = (
                    after_doc.line((*hook.path, "args"))
                    if "--exit-zero" in hook.args
                    else after_doc.line((*hook.path, "entry"))
                )
                self.weaker(line, f'pre-commit hook "{hook.id}" made non-blocking with "{marker}"')
        default = after_doc.get(("default_stages",))
        was_manual = isinstance(old_default, list) and _manual_only(tuple(map(str, old_default)))
        if isinstance(default, list) and _manual_only(tuple(map(str, default))) and not was_manual:
            line = after_doc.line(("default_stages",))
            self.weaker(line, "pre-commit default_stages set to [manual]")
        self._check_ci_skip(before_doc, after_doc)

    def _check_removed(self, before: list[_Hook], after: list[_Hook]) -> None:
        old, new = Counter(h.id for h in before), Counter(h.id for h in after)
        added = {h for h in new if new[h] > old[h]}
        for hook in reversed(before):
            if old[hook.id] <= new[hook.id] or _replaced(hook.id, added):
                continue
            old[hook.id] -= 1
            self.removed(hook.line, f'pre-commit hook "{hook.id}" removed')

    def _check_ci_skip(self, before_doc: Doc | None, after_doc: Doc) -> None:
        skipped = after_doc.get(("ci", "skip"))
        if not isinstance(skipped, list):
            return
        old = before_doc.get(("ci", "skip")) if before_doc is not None else None
        old_ids = set(old) if isinstance(old, list) else set()
        for index, hook_id in enumerate(skipped):
            if isinstance(hook_id, str) and hook_id not in old_ids:
                self.weaker(
                    after_doc.line(("ci", "skip", index)),
                    f'pre-commit.ci now skips hook "{hook_id}"',
                )

    # -- SKIP= and --no-verify in scripts and CI ---------------------------------------------

    def _check_bypass(self, before: list[Command], after: list[Command]) -> None:
        old = {b for c in before if (b := _bypasses(c.text))}
        for command in after:
            bypass = _bypasses(command.text)
            if bypass and bypass not in old:
                self.weaker(
                    command.line, f'"{bypass}" skips the git hooks ({command.owner or "script"})'
                )

    def _check_skip(self) -> None:
        if not _HOOK_RUNNERS.search(self.after.text):
            return  # SKIP= only means something to pre-commit
        old = {hook for _, hook in _skipped(self.before)} if self.before is not None else set()
        by_line: dict[int, list[str]] = {}
        for line, hook_id in _skipped(self.after):
            if hook_id not in old:
                by_line.setdefault(line, []).append(hook_id)
        for line, hooks in by_line.items():
            label = "hook" if len(hooks) == 1 else "hooks"
            names = ", ".join(f'"{h}"' for h in hooks)
            self.weaker(line, f"SKIP= now skips {label} {names}")


def _skipped(source: Source) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for number, text in enumerate(source.lines, start=1):
        stripped = text.lstrip()
        if stripped.startswith("#"):
            continue
        for match in _SKIP.finditer(text):
            hooks = [h.strip() for h in match.group(1).split(",")]
            found.extend((number, h) for h in hooks if h and h.lower() not in _NOT_HOOK_IDS)
    return found
