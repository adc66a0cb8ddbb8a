"""Run a rule's own examples as tests: built-in and third-party rules use the same helper.

import pytest
from aiguard.lint.testing import example_cases, check_example

@pytest.mark.parametrize(("rule", "example"), example_cases([MyRule]))
def test_examples(rule, example):
    check_example(rule, example)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from aiguard.change.model import FileChange
from aiguard.config import Config
from aiguard.findings import Finding
from aiguard.lint.engine import Engine, FileOutcome
from aiguard.lint.rule import AfterRule, Example, Flag, Rule
from aiguard.project import Project
from aiguard.source import split_lines


def line_diff(before: str, after: str) -> tuple[frozenset[int], frozenset[int]]:
    """(after-lines added or modified, before-lines removed or modified), 1-based."""
    a, b = split_lines(before), split_lines(after)
    changed: set[int] = set()
    removed: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            changed.update(range(j1 + 1, j2 + 1))
        if tag in ("replace", "delete"):
            removed.update(range(i1 + 1, i2 + 1))
    return frozenset(changed), frozenset(removed)


def example_change(
    path: str, code: str, before: str | None, *, deleted: bool = False
) -> FileChange:
    """The FileChange an example stands for: a new file, `before` changed into `code`, or
    (`deleted`) `before` deleted."""
    if deleted and before is not None:
        removed = frozenset(range(1, len(split_lines(before)) + 1))
        return FileChange(
            path=path,
            after="",
            before=before,
            old_path=path,
            changed_lines=frozenset(),
            removed_lines=removed,
            deleted=True,
        )
    if before is None:
        return FileChange(
            path=path, after=code, changed_lines=frozenset(range(1, len(split_lines(code)) + 1))
        )
    changed, removed = line_diff(before, code)
    return FileChange(
        path=path,
        after=code,
        before=before,
        old_path=path,
        changed_lines=changed,
        removed_lines=removed,
    )


def run_example(rule: type[Rule], example: Example, config: Config | None = None) -> FileOutcome:
    """Run one rule over one example, in a project made only of the example's files."""
    path = rule.example_path(example)
    files = dict(example.files)
    if not example.deleted:
        files[path] = example.code
    config = config or Config()
    # Every file an example names is part of its change.
    changed = frozenset({*files, path})
    project = Project(None, config, overlay=files, in_git=False, changed_paths=changed)
    change = example_change(path, example.code, example.before, deleted=example.deleted)
    rules: list[type[Rule]] = [rule]
    if issubclass(rule, AfterRule):  # it judges what the other rules found: run them all
        from aiguard.lint.registry import load_rules

        rules += [r for r in load_rules().values() if r.id != rule.id]
    return Engine(rules, config).check_file(change, project)


def check_example(rule: type[Rule], example: Example) -> None:
    """Assert the rule flags a Flag example exactly where it says, and stays silent on a Pass."""
    outcome = run_example(rule, example)
    problems = [n.message for n in outcome.notifications]
    if problems:
        raise AssertionError(f"{rule.id}: example could not be checked: {problems}")
    found = [f for f in outcome.findings if f.rule_id == rule.id]
    if not isinstance(example, Flag):
        if found:
            raise AssertionError(
                f"{rule.id} must not flag this example, but reported:\n"
                f"{_describe(found)}\n---\n{example.code}"
            )
        return
    lines = sorted(f.line for f in found)
    if lines != sorted(example.lines):
        raise AssertionError(
            f"{rule.id} should report lines {sorted(example.lines)}, reported {lines}:\n"
            f"{_describe(found)}\n---\n{example.code}"
        )
    for f in found:
        if example.message is not None and example.message not in f.message:
            raise AssertionError(f"{rule.id}: message {f.message!r} lacks {example.message!r}")
        if example.severity is not None and f.severity is not example.severity:
            raise AssertionError(
                f"{rule.id}: severity {f.severity.value}, expected {example.severity.value}"
            )


def example_cases(rules: Iterable[type[Rule]]) -> list[Any]:
    """pytest parameters (rule, example) with readable ids like `AIG101-flag-2`."""
    import pytest

    cases = []
    for rule in rules:
        for index, example in enumerate(rule.examples):
            kind = "flag" if isinstance(example, Flag) else "pass"
            cases.append(pytest.param(rule, example, id=f"{rule.id}-{kind}-{index}"))
    return cases


def _describe(findings: list[Finding]) -> str:
    return "\n".join(f"  line {f.line}: {f.message}" for f in findings) or "  (nothing)"
