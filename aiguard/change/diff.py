"""The parser of `git diff --raw -p` output: file records, hunks, and the lines they touch."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from aiguard.change.git import path_name
from aiguard.errors import AiguardError
from aiguard.source import split_lines

_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


# -- parsing the diff ---------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRecord:
    """One file of the diff from its `--raw` record (names exactly as stored)."""

    status: str  # "A", "M", "R" or "D"
    src_mode: str
    dst_mode: str
    src_oid: str
    dst_oid: str
    old_path: str | None
    path: str


@dataclass
class Patch:
    """The k-th patch section: what it says about the k-th record's lines (git's numbering)."""

    binary: bool = False
    added: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)


def parse_diff(out: bytes) -> list[tuple[DiffRecord, Patch]]:
    try:
        records, patch_start = _parse_raw(out)
        patches = _parse_patches(out[patch_start:])
    except (ValueError, IndexError) as exc:
        raise AiguardError(f"could not read git diff output ({exc})") from None
    if len(records) != len(patches):
        raise AiguardError(
            f"could not match git diff output: {len(records)} files but {len(patches)} patches"
        )
    return list(zip(records, patches, strict=True))


def _parse_raw(out: bytes) -> tuple[list[DiffRecord], int]:
    """The `-z --raw` records at the start of `out`, and where the patch text begins."""
    records = []
    pos = 0
    while out.startswith(b":", pos):
        end = out.index(b"\0", pos)
        src_mode, dst_mode, src_oid, dst_oid, status = out[pos + 1 : end].decode().split(" ")
        pos = end + 1
        names = []
        for _ in range(2 if status[:1] in ("R", "C") else 1):
            end = out.index(b"\0", pos)
            names.append(path_name(out[pos:end]))
            pos = end + 1
        old_path = names[0] if status != "A" else None
        records.append(
            DiffRecord(status[:1], src_mode, dst_mode, src_oid, dst_oid, old_path, names[-1])
        )
    if out.startswith(b"\0", pos):  # the separator between the records and the patches
        pos += 1
    return records, pos


def _parse_patches(text: bytes) -> list[Patch]:
    """One Patch per `diff --git` section; hunk bodies are walked, never searched."""
    patches: list[Patch] = []
    lines = text.split(b"\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith(b"diff --git "):
            patches.append(Patch())
        elif patches and line.startswith(b"@@ "):
            hunk = _HUNK.match(line)
            if hunk is None:
                raise ValueError(f"bad hunk header {line[:80]!r}")
            i = _read_hunk(lines, i, hunk, patches[-1])
        elif patches and line.startswith(b"Binary files "):
            patches[-1].binary = True
    return patches


def _read_hunk(lines: list[bytes], i: int, hunk: re.Match[bytes], patch: Patch) -> int:
    """Record a hunk's added and removed lines; return the index of the line after it."""
    old_line, old_left = int(hunk[1]), int(hunk[2] if hunk[2] is not None else 1)
    new_line, new_left = int(hunk[3]), int(hunk[4] if hunk[4] is not None else 1)
    while (old_left > 0 or new_left > 0) and i < len(lines):
        tag = lines[i][:1]
        i += 1
        if tag == b"+":
            patch.added.add(new_line)
            new_line, new_left = new_line + 1, new_left - 1
        elif tag == b"-":
            patch.removed.add(old_line)
            old_line, old_left = old_line + 1, old_left - 1
        elif tag != b"\\":  # a context line (config can merge hunks); "\" ends a file mid-line
            old_line, old_left = old_line + 1, old_left - 1
            new_line, new_left = new_line + 1, new_left - 1
    while i < len(lines) and lines[i].startswith(b"\\"):
        i += 1
    return i


def in_text(git_lines: Iterable[int], text: str) -> frozenset[int]:
    """Git's line numbers that exist in `text` (aiguard numbers lines as git does)."""
    count = len(split_lines(text))
    return frozenset(n for n in git_lines if 1 <= n <= count)


def all_lines(text: str) -> frozenset[int]:
    return frozenset(range(1, len(split_lines(text)) + 1))
