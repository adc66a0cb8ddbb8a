"""What a change is made of: the mode, one `FileChange` per file, the `ChangeSet`."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from aiguard.findings import Notification


class Mode(enum.Enum):
    WORKING = "working"  # HEAD vs working tree (staged and unstaged, plus untracked files)
    STAGED = "staged"  # HEAD vs index
    BASE = "base"  # merge-base(REV, HEAD) vs working tree
    RANGE = "range"  # merge-base(FROM, TO) vs the commit TO (pre-commit's --from-ref/--to-ref)
    ALL = "all"  # every line of every file counts as changed


@dataclass(frozen=True)
class FileChange:
    """One changed file.

    `path` is repo-relative with "/" separators; `old_path` is the path in the before-version
    (differs on a rename; None for a new file). `before` is None for a new file and in ALL mode.
    `changed_lines` are the after-version's added or modified lines (None: every line, ALL mode);
    `removed_lines` are the before-version's deleted or modified lines.
    """

    path: str
    after: str
    before: str | None = None
    old_path: str | None = None
    changed_lines: frozenset[int] | None = None
    removed_lines: frozenset[int] = frozenset()
    # The change deletes the file: `after` is empty and only rules that ask (Rule.reads_deleted)
    # see it, to report what the deletion takes away.
    deleted: bool = False

    def is_changed(self, line: int) -> bool:
        return self.changed_lines is None or line in self.changed_lines


@dataclass
class ChangeSet:
    """Everything one run checks: the root it is relative to, the files, and what was skipped."""

    root: str  # absolute path of the repository (or of the directory checked outside git)
    files: list[FileChange] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    in_git: bool = True


DEFAULT_MAX_BYTES = 1024 * 1024
