"""Tests and markers that moved between test files of the change (a split, a dedupe).

Compared as semgrep's baseline does, without line numbers: a skip, focus, tautology or broad
expectation by the test it marks, its kind and normalized text (the same skip on another test
did not move, it is a new one), a test by its body without whitespace. What
another changed test file lost and this one gained moved here; it is not new.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiguard.memo import MemoKey
from aiguard.source import Source, SourceError, language_of
from aiguard_rules.test_weakening._base import LANGUAGES, read_facts

if TYPE_CHECKING:
    from aiguard.project import Project
    from aiguard_rules.test_weakening._model import FileFacts, Marker

_MOVED: MemoKey[dict[str, Lost]] = MemoKey("aiguard_rules.weakened_tests.moved_out")


@dataclass
class Lost:
    """What one changed test file lost: markers by (kind, key), test bodies."""

    markers: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    bodies: set[str] = field(default_factory=set)


def _lost(project: Project) -> dict[str, Lost]:
    found: dict[str, Lost] = {}
    for path in project.previous_paths:
        text = project.before_text(path)
        if text is None or not project.is_test(path) or language_of(path) not in LANGUAGES:
            continue
        try:
            before = read_facts(Source(path, text))
            now = project.read_text(path)
            after = read_facts(Source(path, now)) if now is not None else None
        except SourceError:
            continue  # a version that does not parse cannot vouch for anything
        lost = Lost()
        lost.markers.update((m.scope, m.kind, m.key) for m in before.markers)
        if after is not None:
            lost.markers.subtract((m.scope, m.kind, m.key) for m in after.markers)
        lost.markers = +lost.markers
        kept = {after.body(c) for c in after.tests.values()} if after is not None else set()
        lost.bodies = {b for c in before.tests.values() if (b := before.body(c)) and b not in kept}
        if lost.markers or lost.bodies:
            found[path] = lost
    return found


def _elsewhere(project: Project, here: str) -> Lost:
    combined = Lost()
    for path, lost in project.memo(_MOVED, lambda: _lost(project)).items():
        if path != here:
            combined.markers.update(lost.markers)
            combined.bodies |= lost.bodies
    return combined


def not_moved(project: Project, here: str, markers: list[Marker]) -> list[Marker]:
    """`markers` without those another changed test file lost (they moved here)."""
    if not markers or not project.previous_paths:
        return markers
    elsewhere = _elsewhere(project, here).markers
    kept = []
    for marker in markers:
        key = (marker.scope, marker.kind, marker.key)
        if elsewhere[key] > 0:
            elsewhere[key] -= 1
            continue
        kept.append(marker)
    return kept


def moved_body(project: Project, here: str, facts: FileFacts, name: str) -> bool:
    """Whether test `name` of `facts` is, body for body, a test another changed file lost."""
    if not project.previous_paths:
        return False
    body = facts.body(facts.tests[name])
    return bool(body) and body in _elsewhere(project, here).bodies
