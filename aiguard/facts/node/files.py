"""Repository paths and a cached, symlink-safe view of directory listings and file texts."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from aiguard.safe_read import read_text

if TYPE_CHECKING:
    from aiguard.project import Project


# ---------------------------------------------------------------------------------------------
# A read-only view of the repository's files (disk, or the project's overlay in examples)
# ---------------------------------------------------------------------------------------------

MAX_LOCKFILE_BYTES = 64 * 1024 * 1024


def join(directory: str, *parts: str) -> str | None:
    """A repo-relative normalized path ("" is the root); None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(directory or ".", *parts))
    if joined == ".":
        return ""
    if joined == ".." or joined.startswith(("../", "/")):
        return None
    return joined


def parent_dirs(path: str) -> Iterator[str]:
    """The directories above a file, nearest first, ending with the root ("")."""
    directory = posixpath.dirname(path)
    while True:
        yield directory
        if not directory:
            return
        directory = posixpath.dirname(directory)


class FileView:
    """Directory listings and file texts of the repository, cached; never outside it.

    With a root, the disk (node_modules is usually git-ignored, so git's file list is not
    enough); without one (rule examples), the project's in-memory files.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self.root = str(project.root) if project.root is not None else None
        self._real_root = os.path.realpath(self.root) if self.root is not None else None
        self._listings: dict[str, dict[str, bool]] = {}
        self._index: dict[str, dict[str, bool]] | None = None

    def listing(self, directory: str) -> Mapping[str, bool]:
        """Entry name -> is a directory; empty when the directory does not exist."""
        if directory not in self._listings:
            self._listings[directory] = self._list(directory)
        return self._listings[directory]

    def _list(self, directory: str) -> dict[str, bool]:
        if self.root is None:
            return dict(self._memory_index().get(directory, {}))
        if directory and not self.inside(directory):
            return {}  # a symlink out of the repository (`npm link`): not ours to read
        full = os.path.join(self.root, directory) if directory else self.root
        entries: dict[str, bool] = {}
        try:
            with os.scandir(full) as it:
                for entry in it:
                    try:
                        entries[entry.name] = entry.is_dir()
                    except OSError:
                        entries[entry.name] = False
        except OSError:
            return {}
        return entries

    def _memory_index(self) -> dict[str, dict[str, bool]]:
        if self._index is None:
            index: dict[str, dict[str, bool]] = {}
            for path in self.project.files:
                is_dir = False
                while True:
                    directory, name = posixpath.split(path)
                    index.setdefault(directory, {})[name] = is_dir
                    if not directory:
                        break
                    path, is_dir = directory, True
            self._index = index
        return self._index

    def exists(self, path: str) -> bool:
        directory, name = posixpath.split(path)
        return bool(name) and name in self.listing(directory)

    def is_file(self, path: str) -> bool:
        directory, name = posixpath.split(path)
        return self.listing(directory).get(name) is False

    def is_dir(self, path: str) -> bool:
        if not path:
            return True
        directory, name = posixpath.split(path)
        return self.listing(directory).get(name) is True

    def inside(self, path: str) -> bool:
        """Whether reading `path` stays inside the repository once symlinks are followed."""
        if self.root is None or self._real_root is None:
            return True
        real = os.path.realpath(os.path.join(self.root, path))
        return real == self._real_root or real.startswith(self._real_root + os.sep)

    def read_text(self, path: str) -> str | None:
        if not self.inside(path):
            return None
        return self.project.read_text(path)

    def read_large(self, path: str) -> str | None:
        """A lockfile's text: often over the project's 1 MiB limit for source files."""
        if self.root is None:
            return self.project.read_text(path)
        if not self.inside(path) or not self.is_file(path):
            return None
        full = os.path.join(self.root, path)
        try:
            return read_text(full, MAX_LOCKFILE_BYTES, errors="replace")
        except OSError:  # unreadable, not a regular file or over the limit
            return None
