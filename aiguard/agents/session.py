"""A coding agent's session as aiguard remembers it, in the user cache directory.

At the first event of a session aiguard records the tree as it was: the HEAD commit and a
copy of every file that differed from it (the user's own uncommitted work). "The change since
the session began" compares the working tree with that snapshot, so what the user had not
committed is never blamed on the agent. Nothing is written into the repository: the state of a
session lives in `<cache>/agents/<agent>/<session>/`, one JSON file and content-addressed
copies, guarded by a lock file so that parallel hooks of one session take turns.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aiguard.cache import cache_dir
from aiguard.change.git import Repo, ls_files, read_blobs
from aiguard.errors import AiguardError

# A snapshot copies at most this many dirty files; beyond it the rest are judged against HEAD.
MAX_SNAPSHOT_FILES = 5000
MAX_FILE_BYTES = 1024 * 1024
# Sessions untouched for this long are removed when a new one starts.
STALE_SECONDS = 14 * 24 * 3600
_STATE_FORMAT = 1
# A repository's core.fsmonitor names a program git would run: aiguard runs nothing of the repo's.
NO_HOOKS = ("-c", "core.fsmonitor=false")


@dataclass
class SessionState:
    """What one session remembers between hook processes (the JSON file)."""

    root: str  # the repository (or directory) the session works in
    head: str | None  # HEAD at the session's start; None before the first commit or outside git
    in_git: bool
    # Files that differed from HEAD at the start: path -> content hash, None if absent then.
    dirty: dict[str, str | None] = field(default_factory=dict)
    # Files whose start version was not recorded (the first event already edited them).
    unknown_start: list[str] = field(default_factory=list)
    # The last version of each file aiguard saw after an edit: path -> content hash.
    seen: dict[str, str | None] = field(default_factory=dict)
    # Keys of findings already shown to the model (de-duplication).
    reported: list[str] = field(default_factory=list)
    # Stop-tier bookkeeping: the digest of the findings the last block was about, how many
    # blocks in a row were about exactly those findings, and whether aiguard gave up.
    last_block: str = ""
    unchanged_blocks: int = 0
    gave_up: bool = False
    started: float = 0.0
    format: int = _STATE_FORMAT


def state_root(environ: Mapping[str, str]) -> Path:
    base = cache_dir(environ)
    if base is None:
        raise AiguardError(
            "the agent hooks keep each session's snapshot in the user cache directory, and it "
            "is disabled (AIGUARD_CACHE_DIR is empty); set AIGUARD_CACHE_DIR to a directory"
        )
    return base / "agents"


def session_dir(environ: Mapping[str, str], agent: str, session_id: str) -> Path:
    digest = hashlib.sha256(session_id.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return state_root(environ) / agent / digest


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


class Session:
    """One session's state directory: the state, the copies, and the lock."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.blobs = directory / "blobs"
        self.state_file = directory / "state.json"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the session's lock (parallel tool calls run parallel hooks)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AiguardError(f"cannot create {self.directory}: {exc.strerror or exc}") from None
        if sys.platform == "win32":  # no flock; Windows hooks of one session run one by one
            yield
            return
        import fcntl

        with open(self.directory / "lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def load(self) -> SessionState | None:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise AiguardError(f"unreadable session state {self.state_file}: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != _STATE_FORMAT:
            return None  # written by another version of aiguard: start afresh
        try:
            return SessionState(**data)
        except TypeError:
            return None

    def save(self, state: SessionState) -> None:
        tmp = self.state_file.with_suffix(f".{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(asdict(state), sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.state_file)
        except OSError as exc:
            raise AiguardError(f"cannot write {self.state_file}: {exc.strerror or exc}") from None

    def store(self, text: str) -> str:
        digest = content_hash(text)
        path = self.blobs / digest
        if not path.exists():
            try:
                self.blobs.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(text, encoding="utf-8", errors="surrogateescape", newline="")
                os.replace(tmp, path)
            except OSError as exc:
                raise AiguardError(f"cannot write {path}: {exc.strerror or exc}") from None
        return digest

    def fetch(self, digest: str) -> str:
        path = self.blobs / digest
        try:
            with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
                return handle.read()
        except OSError as exc:
            raise AiguardError(f"the session copy {path} is gone: {exc.strerror or exc}") from None


def read_text(root: Path, path: str) -> str | None:
    """A file's text as it is now; None when absent, not a regular file, too big, or binary."""
    full = root / path
    try:
        if full.is_symlink() or not full.is_file() or full.stat().st_size > MAX_FILE_BYTES:
            return None
        data = full.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8000]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def dirty_paths(repo: Repo, head: str | None) -> list[str]:
    """Files that differ from `head` now: tracked changes (staged or not) and untracked files."""
    if head is None:
        return ls_files(repo.git, None, "--cached", "--others", "--exclude-standard")
    out = repo.git.run(
        *NO_HOOKS, "diff", "--name-only", "-z", "--no-renames", "--ignore-submodules",
        "--no-ext-diff", head, "--",
    ).stdout  # fmt: skip
    tracked = {p for p in out.decode("utf-8", "surrogateescape").split("\0") if p}
    untracked = ls_files(repo.git, None, "--others", "--exclude-standard")
    return sorted(tracked | set(untracked))


def take_snapshot(
    session: Session, root: Path, repo: Repo | None, skip: frozenset[str]
) -> SessionState:
    """Record the tree at the session's start. `skip`: files the first event already edited."""
    state = SessionState(root=str(root), head=repo.head if repo else None, in_git=repo is not None)
    state.started = time.time()
    state.unknown_start = sorted(skip)
    if repo is None:
        return state  # outside git only the agent's own edits are known (see `seen`)
    for path in dirty_paths(repo, state.head)[:MAX_SNAPSHOT_FILES]:
        if path in skip:
            continue
        text = read_text(root, path)
        state.dirty[path] = session.store(text) if text is not None else None
    return state


def start_version(
    session: Session, state: SessionState, repo: Repo | None, path: str
) -> str | None:
    """The file's text when the session began; None when it did not exist (or was unreadable)."""
    if path in state.dirty:
        digest = state.dirty[path]
        return session.fetch(digest) if digest is not None else None
    if repo is None or state.head is None:
        return None
    spec = f"{state.head}:{path}"
    data = read_blobs(repo.git, [spec]).get(spec)
    if data is None or b"\0" in data[:8000] or len(data) > MAX_FILE_BYTES:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def prune_stale(environ: Mapping[str, str], agent: str, keep: Path) -> None:
    """Remove sessions of `agent` untouched for STALE_SECONDS (called when one starts)."""
    import shutil

    parent = state_root(environ) / agent
    now = time.time()
    try:
        entries = list(parent.iterdir())
    except OSError:
        return  # no sessions of this agent yet (or unreadable): nothing to prune this time
    for entry in entries:
        if entry == keep or not entry.is_dir():
            continue
        try:
            stamp = (entry / "state.json").stat().st_mtime
        except OSError:
            stamp = entry.stat().st_mtime
        if now - stamp > STALE_SECONDS:
            # Best effort by design: what cannot be removed now is tried again next time.
            shutil.rmtree(entry, ignore_errors=True)
