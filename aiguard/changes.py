"""What changed: the four git modes turned into FileChange records (before, after, changed lines).

Git is asked as little as possible and in forms that user configuration cannot bend: one
`rev-parse`, one `diff -z --raw -p -U0` (records and patches from the same run, matched by
position), one `ls-files` where untracked files count, and one `cat-file --batch` for every blob.
"""

from __future__ import annotations

import enum
import os
import posixpath
import re
import stat
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aiguard.config import Config
from aiguard.errors import AiguardError
from aiguard.findings import Notification
from aiguard.project import walk_files
from aiguard.source import split_lines


class Mode(enum.Enum):
    WORKING = "working"  # HEAD vs working tree (staged and unstaged, plus untracked files)
    STAGED = "staged"  # HEAD vs index
    BASE = "base"  # merge-base(REV, HEAD) vs working tree
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

# Settings that would change the shape of git's output; the user's own values must not apply.
_GIT_CONFIG = (
    "-c", "core.quotePath=false",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "diff.relative=false",
)  # fmt: skip
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
_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def collect_changes(
    mode: Mode,
    paths: Sequence[str] = (),
    *,
    cwd: Path,
    base: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ChangeSet:
    """The files `mode` compares, limited to `paths` (relative to `cwd`), sorted by path.

    Outside a git repository every file under `paths` (or `cwd`) counts, as with Mode.ALL.
    Files that cannot be checked are left out with a "file-skipped" notification.
    """
    cwd = Path(os.path.abspath(cwd))
    if not cwd.is_dir():
        raise AiguardError(f"{cwd} is not a directory")
    if mode is Mode.BASE and not base:
        raise AiguardError("--base needs a revision, for example --base origin/main")
    repo = _find_repo(cwd)
    if repo is None:
        if mode in (Mode.STAGED, Mode.BASE):
            flag = "--staged" if mode is Mode.STAGED else "--base"
            raise AiguardError(
                f"{flag} needs a git repository and {cwd} is not in one;"
                f" run without {flag} to check every file"
            )
        return _collect_outside_git(cwd, paths, max_bytes)
    specs = _repo_specs(repo, paths)
    if mode is Mode.ALL:
        return _collect_all(repo, specs, max_bytes)
    since = _merge_base(repo, base) if mode is Mode.BASE and base else _head_or_empty(repo)
    return _collect_diff(repo, mode, since, specs, max_bytes)


# -- running git --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Git:
    """Runs git in one directory, in the C locale, never taking optional locks."""

    cwd: Path

    def run(
        self, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)
    ) -> subprocess.CompletedProcess[bytes]:
        command = ["git", *_GIT_CONFIG, *args]
        env = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
        try:
            if stdin is None:
                proc = subprocess.run(
                    command, cwd=self.cwd, env=env, stdin=subprocess.DEVNULL,
                    capture_output=True, check=False,
                )  # fmt: skip
            else:
                proc = subprocess.run(
                    command, cwd=self.cwd, env=env, input=stdin, capture_output=True, check=False
                )
        except FileNotFoundError:
            raise AiguardError(
                "git is not installed (no `git` on PATH); install git to check changes"
            ) from None
        except OSError as exc:
            raise AiguardError(f"cannot run git: {exc.strerror or exc}") from None
        if proc.returncode not in ok:
            raise AiguardError(_git_failure(args, proc))
        return proc


def _git_failure(args: Sequence[str], proc: subprocess.CompletedProcess[bytes]) -> str:
    command = next((a for a in args if not a.startswith("-")), "")
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    if not lines:
        return f"git {command} failed with exit status {proc.returncode}"
    detail = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[0])
    return f"git {command} failed: {detail.split(': ', 1)[-1] if ': ' in detail else detail}"


@dataclass(frozen=True)
class _Repo:
    git: _Git  # runs at the top of the working tree
    root: Path
    prefix: str  # cwd relative to the root: "" or "dir/"
    shallow: bool
    head: str | None  # None before the first commit


def _find_repo(cwd: Path) -> _Repo | None:
    """The repository around `cwd`, or None outside any; one git process for all of it."""
    proc = _Git(cwd).run(
        "rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository",
        "--verify", "--quiet", "HEAD^{commit}", ok=(0, 1, 128),
    )  # fmt: skip
    if proc.returncode == 128:
        if b"not a git repository" in proc.stderr:
            return None
        raise AiguardError(_git_failure(["rev-parse"], proc))
    lines = proc.stdout.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) < 3 or lines[2] not in ("true", "false"):
        raise AiguardError("git rev-parse gave unexpected output; aiguard needs git 2.15 or later")
    head = lines[3] if proc.returncode == 0 and len(lines) > 3 and lines[3] else None
    root = Path(lines[0])
    return _Repo(_Git(root), root, lines[1], lines[2] == "true", head)


def _repo_specs(repo: _Repo, paths: Sequence[str]) -> list[str] | None:
    """PATHS as repo-relative literal pathspecs; None when they cover the whole repository."""
    if not paths:
        return None
    specs = []
    for given in paths:
        if os.path.isabs(given):
            spec = _absolute_to_repo(repo.root, given)
        else:
            spec = posixpath.normpath(repo.prefix + given.replace(os.sep, "/"))
        if spec == ".." or spec.startswith("../"):
            raise AiguardError(f"{given} is outside the repository {repo.root}")
        if spec == ".":
            return None
        specs.append(spec)
    return specs


def _absolute_to_repo(root: Path, given: str) -> str:
    rel = os.path.relpath(given, root)
    if rel.startswith(".."):
        # The root git reports is resolved; resolve the path's directory (not the file) too.
        head, tail = os.path.split(os.path.normpath(given))
        rel = os.path.relpath(os.path.join(os.path.realpath(head), tail), os.path.realpath(root))
    return rel.replace(os.sep, "/")


def _selected(path: str, specs: list[str] | None) -> bool:
    return specs is None or any(path == s or path.startswith(s + "/") for s in specs)


def _ls_files(git: _Git, specs: list[str] | None, *flags: str) -> list[str]:
    if specs is not None and not specs:
        return []
    pathspecs = ["--", *specs] if specs is not None else []
    out = git.run("--literal-pathspecs", "ls-files", "-z", *flags, *pathspecs).stdout
    return sorted({_name(raw) for raw in out.split(b"\0") if raw and not raw.endswith(b"/")})


def _name(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _head_or_empty(repo: _Repo) -> str:
    """HEAD, or the empty tree before the first commit (so everything staged is new)."""
    if repo.head is not None:
        return repo.head
    return repo.git.run("hash-object", "-t", "tree", "--stdin", stdin=b"").stdout.decode().strip()


_FETCH_HINT = (
    "fetch more history with `git fetch --unshallow` (or `git fetch --deepen=N`),"
    " or set `fetch-depth: 0` in actions/checkout"
)


def _merge_base(repo: _Repo, base: str) -> str:
    """merge-base(base, HEAD), with errors that say how to get one."""
    if repo.head is None:
        raise AiguardError(
            f"--base {base}: HEAD has no commits yet, so there is nothing to compare;"
            " commit first, or run without --base"
        )
    if base.startswith("-"):
        raise AiguardError(f"--base {base}: not a revision")
    found = repo.git.run("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", ok=(0, 1, 128))
    if found.returncode != 0:
        if repo.shallow:
            raise AiguardError(
                f"--base {base}: unknown revision, and this is a shallow clone; {_FETCH_HINT}"
            )
        raise AiguardError(
            f"--base {base}: unknown revision; check the name, or fetch it first"
            f" (for example `git fetch origin {base}`)"
        )
    commit = found.stdout.decode().strip()
    merged = repo.git.run("merge-base", commit, repo.head, ok=(0, 1))
    if merged.returncode != 0 or not merged.stdout.strip():
        if repo.shallow:
            raise AiguardError(
                f"--base {base}: no merge base with HEAD because this is a shallow clone;"
                f" {_FETCH_HINT}"
            )
        raise AiguardError(
            f"--base {base}: no common ancestor with HEAD (unrelated histories);"
            " choose the branch HEAD was started from"
        )
    return merged.stdout.decode().strip()


def _read_blobs(git: _Git, oids: Iterable[str]) -> dict[str, bytes]:
    """The contents of many blobs from one `git cat-file --batch`; missing ones are left out."""
    wanted = sorted(set(oids))
    if not wanted:
        return {}
    out = git.run("cat-file", "--batch", stdin="".join(f"{o}\n" for o in wanted).encode()).stdout
    blobs: dict[str, bytes] = {}
    pos = 0
    try:
        for oid in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                blobs[oid] = out[pos : pos + size]
                pos += size + 1
            elif len(header) == 3:  # another object type: skip its contents
                pos += int(header[2]) + 1
    except ValueError:
        raise AiguardError("could not read the output of git cat-file --batch") from None
    return blobs


# -- parsing the diff ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    """One file of the diff from its `--raw` record (names exactly as stored)."""

    status: str  # "A", "M", "R" or "D"
    src_mode: str
    dst_mode: str
    src_oid: str
    dst_oid: str
    old_path: str | None
    path: str


@dataclass
class _Patch:
    """The k-th patch section: what it says about the k-th record's lines (git's numbering)."""

    binary: bool = False
    added: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)


def _parse_diff(out: bytes) -> list[tuple[_Record, _Patch]]:
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


def _parse_raw(out: bytes) -> tuple[list[_Record], int]:
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
            names.append(_name(out[pos:end]))
            pos = end + 1
        old_path = names[0] if status != "A" else None
        records.append(
            _Record(status[:1], src_mode, dst_mode, src_oid, dst_oid, old_path, names[-1])
        )
    if out.startswith(b"\0", pos):  # the separator between the records and the patches
        pos += 1
    return records, pos


def _parse_patches(text: bytes) -> list[_Patch]:
    """One _Patch per `diff --git` section; hunk bodies are walked, never searched."""
    patches: list[_Patch] = []
    lines = text.split(b"\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith(b"diff --git "):
            patches.append(_Patch())
        elif patches and line.startswith(b"@@ "):
            hunk = _HUNK.match(line)
            if hunk is None:
                raise ValueError(f"bad hunk header {line[:80]!r}")
            i = _read_hunk(lines, i, hunk, patches[-1])
        elif patches and line.startswith(b"Binary files "):
            patches[-1].binary = True
    return patches


def _read_hunk(lines: list[bytes], i: int, hunk: re.Match[bytes], patch: _Patch) -> int:
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


def _in_text(git_lines: Iterable[int], text: str) -> frozenset[int]:
    """Git's line numbers that exist in `text` (aiguard numbers lines as git does)."""
    count = len(split_lines(text))
    return frozenset(n for n in git_lines if 1 <= n <= count)


def _all_lines(text: str) -> frozenset[int]:
    return frozenset(range(1, len(split_lines(text)) + 1))


# -- reading file contents ----------------------------------------------------------------


@dataclass(frozen=True)
class _Skip:
    """Why a file is not checked; None for a binary file, skipped without a word."""

    reason: str | None


def _decode(data: bytes, size: int, max_bytes: int) -> str | _Skip:
    """The text of a file's bytes (`data` may be cut short when `size` exceeds the limit)."""
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
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(full, flags)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        return handle.read(max_bytes + 1), size


def _within(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives on Windows
        return False


def _skipped_link(changes: ChangeSet, path: str, target: str) -> None:
    where = "the repository" if changes.in_git else "the checked directory"
    shown = target.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    _skipped(changes, path, f"symbolic link to {shown!r} points outside {where}; not followed")


def _link_escapes(root: Path, path: str, target: str) -> bool:
    """Whether a link stored at `path` (repo-relative) points outside the repository."""
    if os.path.isabs(target):
        return not _within(os.path.realpath(target), os.path.realpath(root))
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return joined == ".." or joined.startswith("../")


# -- the modes ----------------------------------------------------------------------------


def _collect_diff(
    repo: _Repo, mode: Mode, since: str, specs: list[str] | None, max_bytes: int
) -> ChangeSet:
    """WORKING, STAGED and BASE: one diff against `since`, plus untracked files off the index.

    PATHS filter the diff's results rather than the diff itself, so that a rename whose old
    name is not among them (pre-commit passes new names only) is still found.
    """
    changes = ChangeSet(root=str(repo.root))
    staged = mode is Mode.STAGED
    cached = ["--cached"] if staged else []
    out = repo.git.run("diff", *cached, *_DIFF_OPTIONS, since, "--").stdout
    selected = [
        (record, patch)
        for record, patch in _parse_diff(out)
        if _selected(record.path, specs) and not patch.binary and _usable_name(changes, record.path)
    ]
    wanted = [(r, p) for r, p in selected if r.status != "D"]
    deleted = [r for r, _ in selected if r.status == "D" and r.src_mode in _FILE_MODES]
    blobs: dict[str, bytes] = {}
    if staged:
        blobs = _read_blobs(
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
        blobs = _read_blobs(
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
    changes: ChangeSet, root: Path, record: _Record, blobs: dict[str, bytes], max_bytes: int
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
    record: _Record,
    patch: _Patch,
    after: str,
    blobs: dict[str, bytes],
    max_bytes: int,
) -> FileChange:
    changed = _in_text(patch.added, after)
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
        removed_lines=_in_text(patch.removed, before),
    )


def _deletions(
    records: list[_Record], blobs: dict[str, bytes], max_bytes: int
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
                removed_lines=_all_lines(before),
                deleted=True,
            )


def _add_untracked(
    changes: ChangeSet, repo: _Repo, specs: list[str] | None, max_bytes: int
) -> None:
    """Untracked, not ignored files are new files of a working-tree change."""
    for path in _ls_files(repo.git, specs, "--others", "--exclude-standard"):
        if not _usable_name(changes, path):
            continue
        after = _read_worktree(changes, repo.root, path, max_bytes)
        if after is not None:
            changes.files.append(
                FileChange(path=path, after=after, changed_lines=_all_lines(after))
            )


def _collect_all(repo: _Repo, specs: list[str] | None, max_bytes: int) -> ChangeSet:
    """ALL in a repository: tracked and untracked (not ignored) files, as on disk."""
    changes = ChangeSet(root=str(repo.root))
    for path in _ls_files(repo.git, specs, "--cached", "--others", "--exclude-standard"):
        if not _usable_name(changes, path):
            continue
        after = _read_worktree(changes, repo.root, path, max_bytes)
        if after is not None:
            changes.files.append(FileChange(path=path, after=after))
    return changes


def _collect_outside_git(cwd: Path, paths: Sequence[str], max_bytes: int) -> ChangeSet:
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
