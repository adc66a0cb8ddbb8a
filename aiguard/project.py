"""Facts about the project as the change leaves it: its files, which are tests, run-wide caches.

Rules that need more than the file at hand (the tests' literals, the declared dependencies)
read them here, once per run: each file through `source` (read and parsed once), each fact built
from many files through `memo`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from aiguard.config import Config
from aiguard.errors import AiguardError
from aiguard.findings import Notification
from aiguard.memo import Memo, MemoKey
from aiguard.safe_read import read_bytes
from aiguard.source import Source

if TYPE_CHECKING:
    from aiguard.facts.python.environment import TargetEnvironment

T = TypeVar("T")
MAX_FILE_BYTES = 1024 * 1024
_ENVIRONMENT: MemoKey[TargetEnvironment] = MemoKey("the target Python environment")


class Project:
    """The repository after the change. Changed files are read from the change itself."""

    def __init__(
        self,
        root: Path | None,
        config: Config,
        *,
        overlay: Mapping[str, str] | None = None,
        in_git: bool = True,
        changed_paths: frozenset[str] | None = None,
        previous: Mapping[str, str] | None = None,
    ) -> None:
        self.root = root
        # The paths this change touches (None: unknown, every path counts as changed).
        self.changed_paths = changed_paths
        # The before-versions of the changed files (deleted ones too), by their after-path: rules
        # that relate one file's change to another's (code moved between files) read them.
        self._previous: dict[str, str] = dict(previous or {})
        self.config = config
        self.in_git = in_git and root is not None
        # Texts that win over the disk: the after-versions of changed files, or an example's files.
        self._overlay: dict[str, str] = dict(overlay or {})
        self._files: list[str] | None = None if root is not None else sorted(self._overlay)
        self._memo = Memo()
        self._sources: dict[str, Source | None] = {}
        # Run-wide notes from project facts (no Python environment found); the engine reports them.
        self.notifications: list[Notification] = []

    def memo(self, key: MemoKey[T], factory: Callable[[], T]) -> T:
        """Compute `factory()` once per run (see aiguard.memo: one key object per fact)."""
        return self._memo.get(key, factory)

    def fresh(self) -> Project:
        """The same project with empty run-wide caches: cheap to send to a worker process."""
        overlay = self._overlay if self.root is None else {}
        return Project(
            self.root,
            self.config,
            overlay=overlay,
            in_git=self.in_git,
            changed_paths=self.changed_paths,
            previous=self._previous,
        )

    @property
    def environment(self) -> TargetEnvironment:
        """The project's Python environment, found and indexed statically on first use."""
        return self.memo(_ENVIRONMENT, self._find_environment)

    def _find_environment(self) -> TargetEnvironment:
        from aiguard.facts.python.environment import find_environment

        found = find_environment(self.root, self.config.python)
        self.notifications.extend(Notification("environment", note) for note in found.notices)
        return found

    def add_overlay(self, files: Mapping[str, str]) -> None:
        self._overlay.update(files)
        for path in files:
            self._sources.pop(path, None)
        if self._files is not None:
            self._files = sorted(set(self._files) | set(files))

    def in_change(self, path: str) -> bool:
        """Whether the change touches `path` (rules that relate one file to another use it)."""
        return self.changed_paths is None or path in self.changed_paths

    def before_text(self, path: str) -> str | None:
        """A changed file's text before the change; None for a new or unchanged file."""
        return self._previous.get(path)

    @property
    def previous_paths(self) -> list[str]:
        """The changed files that had a before-version (deleted files included), sorted."""
        return sorted(self._previous)

    def is_test(self, path: str) -> bool:
        return self.config.is_test_path(path)

    @property
    def files(self) -> list[str]:
        """Every file of the project (repo-relative, "/"-separated), excluded ones left out."""
        if self._files is None:
            listed = self._list_files()
            self._files = sorted(
                {p for p in listed if not self.config.is_excluded(p)} | set(self._overlay)
            )
        return self._files

    def files_matching(self, predicate: Callable[[str], bool]) -> Iterable[str]:
        return (p for p in self.files if predicate(p))

    def source(self, path: str) -> Source | None:
        """The file after the change, read once per run: one `Source` per path, so every
        project-wide index that reads it shares its text and its parsed trees (`python_ast`,
        `tree`, `cst`). None when `read_text` gives None."""
        if path not in self._sources:
            text = self._read(path)
            self._sources[path] = None if text is None else Source(path, text)
        return self._sources[path]

    def read_text(self, path: str) -> str | None:
        """The file's text after the change; None when missing, too large, binary or not UTF-8.

        Read once per run (see `source`). Never follows a symlink: a link may point outside the
        repository.
        """
        found = self.source(path)
        return None if found is None else found.text

    def _read(self, path: str) -> str | None:
        if path in self._overlay:
            return self._overlay[path]
        if self.root is None:
            return None
        full = self.root / path
        try:
            data = read_bytes(full, MAX_FILE_BYTES, follow=False)
        except OSError:  # missing, a link, not a regular file or over the limit: no text
            return None
        if b"\0" in data:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def _list_files(self) -> list[str]:
        assert self.root is not None
        if self.in_git:
            # The hardened runner: the repository's fsmonitor hook or filters never run.
            from aiguard.change.git import ls_files, runner

            try:
                listed = ls_files(
                    runner(self.root), None, "--cached", "--others", "--exclude-standard"
                )
            except AiguardError as exc:
                self.notifications.append(
                    Notification("project-files", f"listed the files on disk instead: {exc}")
                )
                listed = []
            if listed:
                return listed
        return list(walk_files(self.root, self.config))


# Tool and environment directories that a walk outside git never enters.
_NEVER_WALKED = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".eggs",
    }
)


def walk_files(root: Path, config: Config) -> Iterable[str]:
    """Files under `root` outside git, skipping tool directories, excluded paths, symlinks and
    what the `.gitignore` files under `root` ignore (as git would, were it a repository)."""
    ignores = _GitIgnores(root)
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        if ".gitignore" in filenames:
            ignores.read(rel_dir)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in _NEVER_WALKED
            and not os.path.islink(os.path.join(dirpath, d))
            and not config.is_excluded(f"{rel_dir}{d}/x")
            and not ignores.ignored(f"{rel_dir}{d}/")
        )
        for name in sorted(filenames):
            rel = rel_dir + name
            if not config.is_excluded(rel) and not ignores.ignored(rel):
                yield rel


class _GitIgnores:
    """The `.gitignore` files of a walk, each applying to its own directory and below.

    A pattern of a deeper file decides before the shallower ones (a later `!pattern` in the
    same file re-includes), as in git. A directory ignored is never entered, so nothing under
    it can be re-included, as in git. A `.gitignore` that cannot be read is ignored itself.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._specs: list[tuple[str, Any]] = []  # (directory prefix, pathspec.GitIgnoreSpec)

    def read(self, rel_dir: str) -> None:
        import pathspec

        try:
            text = (self.root / rel_dir / ".gitignore").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return
        self._specs.append((rel_dir, pathspec.GitIgnoreSpec.from_lines(text.splitlines())))
        self._specs.sort(key=lambda item: len(item[0]), reverse=True)  # the deepest first

    def ignored(self, rel: str) -> bool:
        """Whether `rel` (a directory ends with "/") is ignored."""
        for prefix, spec in self._specs:
            if not rel.startswith(prefix):
                continue
            include = spec.check_file(rel[len(prefix) :]).include
            if include is not None:
                return bool(include)
        return False
