"""aiguard's user cache: small JSON files under $AIGUARD_CACHE_DIR or the user cache directory.

Never inside the scanned repository, and never a reason to fail: an unreadable or unwritable
cache means "not cached" (with a note the caller may report).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from aiguard.errors import AiguardError
from aiguard.safe_read import read_text

ENV_CACHE_DIR = "AIGUARD_CACHE_DIR"
_CACHE_LIMIT = 64 * 1024 * 1024  # a rule index or namespace entry is far smaller


def cache_dir(environ: Mapping[str, str]) -> Path | None:
    """$AIGUARD_CACHE_DIR, else the platform's user cache directory; None: do not cache."""
    explicit = environ.get(ENV_CACHE_DIR)
    if explicit is not None:
        return Path(explicit) if explicit else None
    if sys.platform == "win32" and environ.get("LOCALAPPDATA"):
        return Path(environ["LOCALAPPDATA"]) / "aiguard" / "Cache"
    xdg = environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "aiguard"
    home = environ.get("HOME") or environ.get("USERPROFILE")
    return Path(home) / ".cache" / "aiguard" if home else None


def check_cache_dir(environ: Mapping[str, str], root: Path) -> None:
    """$AIGUARD_CACHE_DIR must be absolute and outside the checked repository (or empty)."""
    explicit = environ.get(ENV_CACHE_DIR)
    if not explicit:
        return
    if not os.path.isabs(explicit):
        raise AiguardError(
            f"{ENV_CACHE_DIR}={explicit!r} is a relative path: it would write into whatever"
            " directory aiguard runs in; give an absolute path (or an empty value: no cache)"
        )
    real, real_root = os.path.realpath(explicit), os.path.realpath(root)
    if real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise AiguardError(
            f"{ENV_CACHE_DIR}={explicit!r} is inside the checked repository {root}:"
            " aiguard writes only the report asked for; choose a directory outside it"
        )


def cache_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


class JsonStore:
    """JSON files under the cache directory; every failure means "not cached", never a crash."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.problems: list[str] = []

    def read(self, kind: str, key: str) -> object | None:
        if self.directory is None:
            return None
        path = self.directory / kind / key[:2] / f"{key}.json"
        try:
            data: object = json.loads(read_text(path, _CACHE_LIMIT))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError, MemoryError) as exc:
            # A corrupt entry (say, JSON nested too deeply to decode) is dropped and rebuilt.
            self.problems.append(f"ignored unreadable cache file {path}: {type(exc).__name__}")
            return None
        return data

    def write(self, kind: str, key: str, data: object) -> None:
        if self.directory is None:
            return
        path = self.directory / kind / key[:2] / f"{key}.json"
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            self.problems.append(f"cannot write the cache under {self.directory}: {exc}")
            self.directory = None  # one message is enough; go on without a cache
            if tmp.is_file():
                tmp.unlink()
