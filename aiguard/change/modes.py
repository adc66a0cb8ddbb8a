"""The four modes (working tree, staged, against a base, everything) as `ChangeSet`s."""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiguard.change.diff import DiffRecord, Patch, all_lines, in_text, parse_diff
from aiguard.change.git import (
    Repo,
    find_repo,
    head_or_empty,
    is_selected,
    ls_files,
    merge_base,
    read_blobs,
    repo_specs,
    resolve_commit,
)
from aiguard.change.model import DEFAULT_MAX_BYTES, ChangeSet, FileChange, Mode
from aiguard.config import Config
from aiguard.errors import AiguardError
from aiguard.findings import Notification
from aiguard.project import walk_files

# core.autocrlf is deliberately left alone: git compares the working tree after its own
# end-of-line conversion, and forcing it off would mark every line of a CRLF checkout changed.
_DIFF_OPTIONS = (
    "-z", "--raw", "--no-abbrev", "-p", "-U0", "--inter-hunk-context=0", "-M",
    "--diff-filter=AMRD", "--ignore-submodules", "--no-ext-diff", "--no-textconv", "--no-color",
)  # fmt: skip
_SYMLINK_MODE = "120000"
_FILE_MODES = frozenset({"100644", "100755"})
# Git calls a blob binary when its first 8000 bytes hold a NUL; aiguard agrees, and stays quiet.
_BINARY_PROBE = 8000


def collect_changes(
    mode: Mode,
    paths: Sequence[str] = (),
    *,
    cwd: Path,
    base: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int], None] | None = None,
    until: str | None = None,
) -> ChangeSet:
    """The files `mode` compares, limited to `paths` (relative to `cwd`), sorted by path.

    Outside a git repository every file under `paths` (or `cwd`) counts, as with Mode.ALL,
    except what `.gitignore` files and the default excludes leave out; `progress` is told how
    many files that walk has read so far. A walk of a home or root folder is refused unless
    `paths` bound it. Files that cannot be checked are left out with a "file-skipped"
    notification. Mode.RANGE compares merge-base(`base`, `until`) with the commit `until`.
    """
    cwd = Path(os.path.abspath(cwd))
    if not cwd.is_dir():
        raise AiguardError(f"{cwd} is not a directory")
    if mode is Mode.BASE and not base:
        raise AiguardError("--base needs a revision, for example --base origin/main")
    if mode is Mode.RANGE and not (base and until):
        raise AiguardError("a range needs both ends (PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF)")
    repo = find_repo(cwd)
    if repo is None:
        if mode in (Mode.STAGED, Mode.BASE, Mode.RANGE):
            flag = {Mode.STAGED: "--staged", Mode.BASE: "--base"}.get(mode, "--pre-commit")
            raise AiguardError(
                f"{flag} needs a git repository and {cwd} is not in one;"
                f" run without {flag} to check every file"
            )
        if not paths:
            _refuse_unbounded_walk(cwd)
        return _collect_outside_git(cwd, paths, max_bytes, progress)
    specs = repo_specs(repo, paths)
    if mode is Mode.ALL:
        return _collect_all(repo, specs, max_bytes)
    if mode is Mode.RANGE and base and until:
        end = resolve_commit(repo, until, "PRE_COMMIT_TO_REF")
        return _collect_diff(repo, mode, merge_base(repo, base, end), specs, max_bytes, end)
    since = merge_base(repo, base) if mode is Mode.BASE and base else head_or_empty(repo)
    return _collect_diff(repo, mode, since, specs, max_bytes)


# -- reading file contents ----------------------------------------------------------------


@dataclass(frozen=True)
class _Skip:
    """Why a file is not checked; None for a binary file, skipped without a word."""

    reason: str | None


def _decode(data: bytes, size: int, max_bytes: int) -> str | _Skip:
    """The text of a file's bytes (`data` may be cut short when `size` exceeds the limit)."""
    if _is_utf16(data, size):  # text, though full of NULs: say why it is not checked
        return _Skip("UTF-16 text (aiguard reads UTF-8 only)")
    if b"\0" in data[:_BINARY_PROBE]:
        return _Skip(None)
    if size > max_bytes:
        return _Skip(f"larger than {_size(max_bytes)} ({size} bytes)")
    if b"\0" in data:
        return _Skip("contains a NUL byte")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _Skip(f"not valid UTF-8 (byte {exc.start})")


def _is_utf16(data: bytes, size: int) -> bool:
    """A byte-order mark, an even size, and a start that decodes as UTF-16."""
    if size % 2 or not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        data[:_BINARY_PROBE].decode("utf-16")
    except UnicodeDecodeError:
        return False
    return True


def _size(n: int) -> str:
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} bytes"


def _skipped(changes: ChangeSet, path: str, reason: str | None) -> None:
    if reason is not None:
        changes.notifications.append(
            Notification(kind="file-skipped", message=f"skipped: {reason}", path=_shown(path))
        )


def _shown(path: str) -> str:
    """A path as reports can print it (a name that is not UTF-8 gets replacement characters)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _usable_name(changes: ChangeSet, path: str) -> bool:
    if path != _shown(path):
        _skipped(changes, path, "the file name is not valid UTF-8")
        return False
    return True


def _read_worktree(changes: ChangeSet, root: Path, path: str, max_bytes: int) -> str | None:
    """A working-tree file's text, or None (with a notification when there is news)."""
    full = root / path
    try:
        st = os.lstat(full)
        if stat.S_ISLNK(st.st_mode):
            target = os.readlink(full)
            if not _within(os.path.realpath(full), os.path.realpath(root)):
                _skipped_link(changes, path, target)
            return None
        if not stat.S_ISREG(st.st_mode):
            return None  # a directory (submodule), fifo or device: nothing to read
        data, size = _read_capped(full, max_bytes)
    except FileNotFoundError:
        return None  # deleted since git listed it, or not checked out: nothing to check
    except OSError as exc:
        _skipped(changes, path, f"unreadable ({exc.strerror or exc})")
        return None
    text = _decode(data, size, max_bytes)
    if isinstance(text, _Skip):
        _skipped(changes, path, text.reason)
        return None
    return text


def _read_capped(full: Path, max_bytes: int) -> tuple[bytes, int]:
    """At most `max_bytes + 1` bytes and the size, never through a symlink swapped in."""
    # O_NONBLOCK: a FIFO swapped in after the lstat must not block the open.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(full, flags)
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"not a regular file ({stat.filemode(st.st_mode)})")
        size = st.st_size
        return handle.read(max_bytes + 1), size


def _within(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives on Windows
        return False


def _skipped_link(changes: ChangeSet, path: str, target: str) -> None:
    where = "the repository" if changes.in_git else "the checked directory"
    shown = target.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    # Not a file left unchecked (the link is what the change holds): its own kind, so that it
    # does not count among the files that could not be checked.
    changes.notifications.append(
        Notification(
            kind="link-not-followed",
            message=f"skipped: symbolic link to {shown!r} points outside {where}; not followed",
            path=_shown(path),
        )
    )


def _link_escapes(root: Path, path: str, target: str) -> bool:
    """Whether a link stored at `path` (repo-relative) points outside the repository."""
    if os.path.isabs(target):
        return not _within(os.path.realpath(target), os.path.realpath(root))
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return joined == ".." or joined.startswith("../")


# -- the modes ----------------------------------------------------------------------------


def _collect_diff(
    repo: Repo,
    mode: Mode,
    since: str,
    specs: list[str] | None,
    max_bytes: int,
    until: str | None = None,
) -> ChangeSet:
    """WORKING, STAGED and BASE: one diff against `since`, plus untracked files off the index.

    PATHS filter the diff's results rather than the diff itself, so that a rename whose old
    name is not among them (pre-commit passes new names only) is still found.
    """
    changes = ChangeSet(root=str(repo.root))
    # A range compares two commits: like the index, both sides are blobs in the repository.
    staged = mode in (Mode.STAGED, Mode.RANGE)
    sides = [since, until] if mode is Mode.RANGE and until else ["--cached", since]
    if not staged:
        sides = [since]
    out = repo.git.run("diff", *_DIFF_OPTIONS, *sides, "--").stdout
    selected = [
        (record, patch)
        for record, patch in parse_diff(out)
        if is_selected(record.path, specs)
        and not patch.binary
        and _usable_name(changes, record.path)
    ]
    wanted = [(r, p) for r, p in selected if r.status != "D"]
    deleted = [r for r, _ in selected if r.status == "D" and r.src_mode in _FILE_MODES]
    blobs: dict[str, bytes] = {}
    if staged:
        blobs = read_blobs(
            repo.git,
            [r.dst_oid for r, _ in wanted]
            + [r.src_oid for r, _ in wanted if r.old_path]
            + [r.src_oid for r in deleted],
        )
    kept = []
    for record, patch in wanted:
        if staged:
            after = _staged_after(changes, repo.root, record, blobs, max_bytes)
        else:
            after = _read_worktree(changes, repo.root, record.path, max_bytes)
        if after is not None:
            kept.append((record, patch, after))
    if not staged:
        blobs = read_blobs(
            repo.git, [r.src_oid for r, _, _ in kept if r.old_path] + [r.src_oid for r in deleted]
        )
    for record, patch, after in kept:
        changes.files.append(_file_change(changes, record, patch, after, blobs, max_bytes))
    changes.files.extend(_deletions(deleted, blobs, max_bytes))
    if not staged:
        _add_untracked(changes, repo, specs, max_bytes)
    changes.files.sort(key=lambda f: f.path)
    return changes


def _staged_after(
    changes: ChangeSet, root: Path, record: DiffRecord, blobs: dict[str, bytes], max_bytes: int
) -> str | None:
    """The index version of a file; a staged symlink is judged by the target it stores."""
    data = blobs.get(record.dst_oid)
    if data is None:
        _skipped(changes, record.path, "its staged version is missing from the repository")
        return None
    if record.dst_mode == _SYMLINK_MODE:
        target = data.decode("utf-8", "surrogateescape")
        if _link_escapes(root, record.path, target):
            _skipped_link(changes, record.path, target)
        return None
    if record.dst_mode not in _FILE_MODES:
        return None
    text = _decode(data, len(data), max_bytes)
    if isinstance(text, _Skip):
        _skipped(changes, record.path, text.reason)
        return None
    return text


def _file_change(
    changes: ChangeSet,
    record: DiffRecord,
    patch: Patch,
    after: str,
    blobs: dict[str, bytes],
    max_bytes: int,
) -> FileChange:
    changed = in_text(patch.added, after)
    if record.old_path is None:
        return FileChange(path=record.path, after=after, changed_lines=changed)
    data = blobs.get(record.src_oid)
    before = _decode(data, len(data), max_bytes) if data is not None else _Skip("missing")
    if isinstance(before, _Skip):
        # The change itself is known; only rules comparing versions lose their before-version.
        reason = before.reason or "binary"
        changes.notifications.append(
            Notification(
                kind="before-skipped",
                message=f"the version before the change was not read ({reason}); checked as new",
                path=record.path,
            )
        )
        return FileChange(path=record.path, after=after, changed_lines=changed)
    return FileChange(
        path=record.path,
        after=after,
        before=before,
        old_path=record.old_path,
        changed_lines=changed,
        removed_lines=in_text(patch.removed, before),
    )


def _deletions(
    records: list[DiffRecord], blobs: dict[str, bytes], max_bytes: int
) -> Iterator[FileChange]:
    """Deleted text files with their last version (binary or unreadable ones are left out)."""
    for record in records:
        data = blobs.get(record.src_oid)
        before = _decode(data, len(data), max_bytes) if data is not None else None
        if isinstance(before, str):
            yield FileChange(
                path=record.path,
                after="",
                before=before,
                old_path=record.path,
                changed_lines=frozenset(),
                removed_lines=all_lines(before),
                deleted=True,
            )


def _add_untracked(changes: ChangeSet, repo: Repo, specs: list[str] | None, max_bytes: int) -> None:
    """Untracked, not ignored files are new files of a working-tree change."""
    for path in ls_files(repo.git, specs, "--others", "--exclude-standard"):
        if not _usable_name(changes, path):
            continue
        after = _read_worktree(changes, repo.root, path, max_bytes)
        if after is not None:
            changes.files.append(FileChange(path=path, after=after, changed_lines=all_lines(after)))


def _collect_all(repo: Repo, specs: list[str] | None, max_bytes: int) -> ChangeSet:
    """ALL in a repository: tracked and untracked (not ignored) files, as on disk."""
    changes = ChangeSet(root=str(repo.root))
    for path in ls_files(repo.git, specs, "--cached", "--others", "--exclude-standard"):
        if not _usable_name(changes, path):
            continue
        after = _read_worktree(changes, repo.root, path, max_bytes)
        if after is not None:
            changes.files.append(FileChange(path=path, after=after))
    return changes


def _refuse_unbounded_walk(cwd: Path) -> None:
    """Outside git, a home folder, a root or anything above a home is too big to walk whole."""
    home = Path(os.path.realpath(Path.home()))
    here = Path(os.path.realpath(cwd))
    if here == Path(here.anchor) or here == home or here in home.parents:
        what = "your home folder" if here == home else "a folder this high up"
        raise AiguardError(
            f"{cwd} is not in a git repository and is {what}: aiguard would read every file "
            "under it; name the files or folders to check (aiguard check src/)"
        )


def _collect_outside_git(
    cwd: Path, paths: Sequence[str], max_bytes: int, progress: Callable[[int], None] | None
) -> ChangeSet:
    """ALL outside git: walk `paths` (or `cwd`) on disk, relative to their common directory."""
    targets = [Path(os.path.normpath(os.path.join(cwd, p))) for p in paths] or [cwd]
    root = _common_root(cwd, targets)
    changes = ChangeSet(root=str(root), in_git=False)
    seen: set[str] = set()
    for target in targets:
        for path in _walk_target(changes, root, target):
            if path in seen or not _usable_name(changes, path):
                continue
            seen.add(path)
            after = _read_worktree(changes, root, path, max_bytes)
            if after is not None:
                changes.files.append(FileChange(path=path, after=after))
            if progress is not None:
                progress(len(seen))
    changes.files.sort(key=lambda f: f.path)
    return changes


def _common_root(cwd: Path, targets: list[Path]) -> Path:
    dirs = [str(t if t.is_dir() and not t.is_symlink() else t.parent) for t in targets]
    if all(_within(d, str(cwd)) for d in dirs):
        return cwd
    try:
        return Path(os.path.commonpath(dirs))
    except ValueError:
        raise AiguardError("the paths to check share no common directory") from None


def _walk_target(changes: ChangeSet, root: Path, target: Path) -> Iterator[str]:
    rel = os.path.relpath(target, root).replace(os.sep, "/")
    rel = "" if rel == "." else rel
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        _skipped(changes, rel, "no such file or directory")
        return
    except OSError as exc:
        _skipped(changes, rel, f"unreadable ({exc.strerror or exc})")
        return
    if not stat.S_ISDIR(st.st_mode):
        yield rel  # a file, or a symlink that _read_worktree judges without following it
        return
    prefix = f"{rel}/" if rel else ""
    for path in walk_files(target, Config()):
        yield prefix + path
