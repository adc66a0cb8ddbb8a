"""The two tiers of checking inside an agent: after each edit, and at the end of a turn.

Per edit: only the rules that are certain on one file (PER_EDIT_RULES), on the lines this edit
changed, comparing the file with the version aiguard saw before the edit (its last edit, or
the session's start). Half-finished work (an import the next edit will use, a test about to
get its assertions) is not judged here.

End of turn: the whole change since the session began, every rule.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from aiguard.agents.session import (
    Session,
    SessionState,
    dirty_paths,
    read_text,
    start_version,
)
from aiguard.change.git import Repo
from aiguard.change.model import ChangeSet, FileChange
from aiguard.findings import Notification
from aiguard.source import split_lines

# Rule ids and prefixes certain on a single edited file: suppressions, test-runner detection
# and hardcoded answers, hallucinated imports and APIs, placeholder comments.
PER_EDIT_RULES = ("AIG1", "AIG3", "AIG6", "AIG7", "AIG402")


def per_edit_rule(rule_id: str) -> bool:
    return rule_id.startswith(PER_EDIT_RULES)


def changed_lines(before: str | None, after: str) -> tuple[frozenset[int], frozenset[int]]:
    """The after-version's added or modified lines and the before-version's removed ones."""
    new = split_lines(after)
    if before is None:
        return frozenset(range(1, len(new) + 1)), frozenset()
    old = split_lines(before)
    added: set[int] = set()
    removed: set[int] = set()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            added.update(range(j1 + 1, j2 + 1))
        if tag in ("replace", "delete"):
            removed.update(range(i1 + 1, i2 + 1))
    return frozenset(added), frozenset(removed)


def file_change(path: str, before: str | None, after: str | None) -> FileChange | None:
    """The change from `before` to `after` (None: absent); None when nothing changed."""
    if before == after or (after is None and before is None):
        return None
    if after is None:
        assert before is not None
        _, removed = changed_lines(None, before)
        return FileChange(
            path=path, after="", before=before, old_path=path, changed_lines=frozenset(),
            removed_lines=removed, deleted=True,
        )  # fmt: skip
    added, removed = changed_lines(before, after)
    return FileChange(
        path=path, after=after, before=before, old_path=path if before is not None else None,
        changed_lines=added, removed_lines=removed,
    )  # fmt: skip


def edit_changes(
    session: Session, state: SessionState, repo: Repo | None, root: Path, paths: Iterable[str]
) -> ChangeSet:
    """The per-edit change set: each edited file against what aiguard saw before the edit.

    Records each file's new version as seen, so the next edit is judged on its own lines.
    """
    changes = ChangeSet(root=str(root), in_git=repo is not None)
    for path in sorted(set(paths)):
        if path in state.seen:
            digest = state.seen[path]
            before = session.fetch(digest) if digest is not None else None
        else:
            before = start_version(session, state, repo, path)
        after = read_text(root, path)
        if after is None and (root / path).is_file():
            changes.notifications.append(
                Notification(
                    kind="file-skipped",
                    message="skipped: binary, not UTF-8 or larger than 1 MiB",
                    path=path,
                )
            )
        state.seen[path] = session.store(after) if after is not None else None
        change = file_change(path, before, after)
        if change is not None and not change.deleted:
            changes.files.append(change)
    return changes


def session_changes(
    session: Session, state: SessionState, repo: Repo | None, root: Path
) -> ChangeSet:
    """The end-of-turn change set: every file that differs from the session's start."""
    changes = ChangeSet(root=str(root), in_git=repo is not None)
    candidates = set(state.dirty) | set(state.seen)
    if repo is not None:
        candidates |= set(dirty_paths(repo, state.head))
    for path in sorted(candidates):
        before = start_version(session, state, repo, path)
        after = read_text(root, path)
        if after is None and (root / path).is_file():
            continue  # binary or too large: the per-edit tier already said so
        change = file_change(path, before, after)
        if change is not None:
            changes.files.append(change)
    if state.unknown_start:
        shown = ", ".join(state.unknown_start[:3])
        changes.notifications.append(
            Notification(
                kind="session-start-unknown",
                message=f"the session's first event had already edited {shown}; their "
                "start was taken from HEAD, so uncommitted lines there count as the agent's",
            )
        )
    return changes
