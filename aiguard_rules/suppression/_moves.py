"""Directives that moved between files of the change (a module split, a helper deduplicated).

Like semgrep's baseline, a directive is keyed without its line number: by what it is (tool,
directive, weight) and by the code of its line, whitespace dropped. A directive that another
changed file lost, on the same code, moved here with that code and is not new.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from aiguard.memo import MemoKey
from aiguard.source import Source, SourceError, language_of
from aiguard_rules.suppression._parse import DIRECTIVE_LANGUAGES, parse

if TYPE_CHECKING:
    from aiguard.project import Project
    from aiguard_rules.suppression._model import Silencer, Weight

MovedKey = tuple[tuple[str, str, "Weight"], str]
_MOVED: MemoKey[dict[str, Counter[MovedKey]]] = MemoKey("aiguard_rules.suppression.moved_out")


def moved_key(source: Source, silencer: Silencer) -> MovedKey:
    return silencer.key, "".join(source.line(silencer.line).split())


def moved_out(project: Project) -> dict[str, Counter[MovedKey]]:
    """Per changed file, the directives it lost (before minus after, by moved key)."""
    return project.memo(_MOVED, lambda: _moved_out(project))


def _moved_out(project: Project) -> dict[str, Counter[MovedKey]]:
    lost: dict[str, Counter[MovedKey]] = {}
    for path in project.previous_paths:
        if language_of(path) not in DIRECTIVE_LANGUAGES:
            continue
        text = project.before_text(path)
        if text is None:
            continue
        try:
            before = Source(path, text)
            had = Counter(moved_key(before, s) for s in parse(before))
            if not had:
                continue
            now = project.read_text(path)
            after = Source(path, now) if now is not None else None
            has = Counter(moved_key(after, s) for s in parse(after)) if after else Counter()
        except SourceError:
            continue  # a version that does not parse cannot vouch for anything
        gone = had - has
        if gone:
            lost[path] = gone
    return lost


def not_moved(
    project: Project, source: Source, found: tuple[Silencer, ...]
) -> tuple[Silencer, ...]:
    """`found` without the directives that other files of the change lost on the same code."""
    elsewhere: Counter[MovedKey] = Counter()
    for path, gone in moved_out(project).items():
        if path != source.path:
            elsewhere.update(gone)
    if not elsewhere:
        return found
    kept = []
    for silencer in found:
        key = moved_key(source, silencer)
        if elsewhere[key] > 0:
            elsewhere[key] -= 1
            continue
        kept.append(silencer)
    return tuple(kept)
