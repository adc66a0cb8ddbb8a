"""Which Python environment is the project's: `--python`, the config, `$VIRTUAL_ENV`, `.venv/`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aiguard.errors import AiguardError
from aiguard.safe_read import read_text

_VENV_DIR_NAMES = (".venv", "venv")
_LIB_PYTHON = re.compile(r"^python(3)\.(\d+)t?$")


# -- cache -----------------------------------------------------------------------------------------


# -- discovery -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discovery:
    """Which environment was chosen and how; `problem` when a named one is unusable."""

    prefix: Path | None
    route: str = ""
    skipped: tuple[str, ...] = ()
    problem: str | None = None


def discover(root: Path | None, configured: str | None, environ: Mapping[str, str]) -> Discovery:
    """Find the target environment by the documented order (never the one aiguard runs in)."""
    skipped: list[str] = []
    if configured:
        path = Path(configured).expanduser()
        if not path.is_absolute() and root is not None:
            path = root / path
        prefix = prefix_of(path)
        if prefix is None:
            return Discovery(
                None,
                problem=f"python {configured!r} is neither an interpreter of a Python environment "
                "nor an environment directory (looked for pyvenv.cfg and lib/pythonX.Y)",
            )
        return Discovery(prefix, route=f"--python / [tool.aiguard] python ({configured})")
    virtual_env = environ.get("VIRTUAL_ENV")
    if virtual_env:
        if under_pre_commit(environ):
            skipped.append(f"$VIRTUAL_ENV ({virtual_env}) is pre-commit's hook environment")
        else:
            prefix = prefix_of(Path(virtual_env))
            if prefix is not None:
                return Discovery(prefix, route=f"$VIRTUAL_ENV ({virtual_env})")
            skipped.append(f"$VIRTUAL_ENV ({virtual_env}) is not a Python environment")
    if root is not None:
        for name in _VENV_DIR_NAMES:
            prefix = prefix_of(root / name)
            if prefix is not None:
                return Discovery(
                    prefix, route=f"{name}/ at the repository root", skipped=tuple(skipped)
                )
    return Discovery(None, skipped=tuple(skipped))


def under_pre_commit(environ: Mapping[str, str]) -> bool:
    """pre-commit sets PRE_COMMIT=1 for hooks and points $VIRTUAL_ENV at the hook's own env."""
    if environ.get("PRE_COMMIT"):
        return True
    virtual_env = environ.get("VIRTUAL_ENV", "")
    store = environ.get("PRE_COMMIT_HOME") or os.path.join(
        environ.get("XDG_CACHE_HOME") or os.path.join(environ.get("HOME", "~"), ".cache"),
        "pre-commit",
    )
    return (
        bool(virtual_env)
        and Path(virtual_env).name.startswith("py_env-")
        and (os.path.abspath(virtual_env).startswith(os.path.abspath(store)))
    )


_INTERPRETER_NAME = re.compile(r"(?:python|pypy)[\w.-]*\Z", re.IGNORECASE)


def check_python_option(given: str, root: Path) -> None:
    """`--python` must name an interpreter or an environment directory: else a usage error."""
    path = Path(given).expanduser()
    if not path.is_absolute():
        path = root / path
    if not os.path.lexists(path):
        raise AiguardError(f"--python {given}: no such file or directory")
    if prefix_of(path) is None:
        raise AiguardError(
            f"--python {given}: not a Python interpreter (python, python3.X) of an environment,"
            " nor an environment directory (with pyvenv.cfg or lib/pythonX.Y)"
        )


def prefix_of(path: Path) -> Path | None:
    """The environment directory of an interpreter path or of an environment directory.

    An interpreter is never resolved through its symlink: a venv's `bin/python` points at the
    base interpreter, and the venv is what matters.
    """
    try:
        if path.is_dir():
            return path if _looks_like_prefix(path) else None
        if not (path.is_file() or path.is_symlink()):
            return None
    except OSError:
        return None
    if not _INTERPRETER_NAME.match(path.name):  # /etc/passwd is no interpreter, whatever "/" holds
        return None
    for candidate in (
        path.parent.parent,
        path.parent,
    ):  # bin/python, Scripts/python.exe; conda on Windows
        if _looks_like_prefix(candidate):
            return candidate
    return None


def _looks_like_prefix(path: Path) -> bool:
    if (path / "pyvenv.cfg").is_file() or (path / "Lib" / "site-packages").is_dir():
        return True
    lib = path / "lib"
    try:
        return lib.is_dir() and any(_LIB_PYTHON.match(p.name) for p in lib.iterdir())
    except OSError:
        return False


def read_pyvenv_cfg(prefix: Path) -> dict[str, str]:
    try:
        text = read_text(prefix / "pyvenv.cfg", errors="replace")
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    return values


def python_version(prefix: Path, cfg: Mapping[str, str]) -> tuple[int, int] | None:
    """The environment's Python version from pyvenv.cfg, else from its lib/pythonX.Y directory."""
    for key in ("version_info", "version"):
        match = re.match(r"^(\d+)\.(\d+)", cfg.get(key, ""))
        if match:
            return int(match.group(1)), int(match.group(2))
    found = []
    try:
        for child in (prefix / "lib").iterdir():
            match = _LIB_PYTHON.match(child.name)
            if match:
                found.append((int(match.group(1)), int(match.group(2))))
    except OSError:
        pass
    return max(found) if found else None


def site_dirs_of(
    prefix: Path, version: tuple[int, int] | None, cfg: Mapping[str, str]
) -> list[Path]:
    """The site-packages directories of an environment (and its base when it includes them)."""
    dirs = _own_site_dirs(prefix, version)
    if cfg.get("include-system-site-packages", "").lower() == "true" and cfg.get("home"):
        base = Path(cfg["home"])
        base_prefix = base.parent if base.name.lower() in ("bin", "scripts") else base
        dirs += _own_site_dirs(base_prefix, version)
        if version is not None:  # Debian's layout for its system Python
            local = base_prefix / "local" / "lib" / f"python{version[0]}.{version[1]}"
            dirs += [base_prefix / "lib" / "python3" / "dist-packages", local / "dist-packages"]
    unique: list[Path] = []
    seen: set[str] = set()
    for d in dirs:
        try:
            real = os.path.realpath(d)
            if not d.is_dir() or real in seen:
                continue
        except OSError:
            continue
        seen.add(real)
        unique.append(d)
    return unique


def _own_site_dirs(prefix: Path, version: tuple[int, int] | None) -> list[Path]:
    dirs = [prefix / "Lib" / "site-packages"]
    for lib in ("lib", "lib64"):
        try:
            children = sorted((prefix / lib).iterdir())
        except OSError:
            continue
        for child in children:
            match = _LIB_PYTHON.match(child.name)
            if match and (version is None or (int(match.group(1)), int(match.group(2))) == version):
                dirs += [child / "site-packages", child / "dist-packages"]
    if (prefix / "lib" / "python3" / "dist-packages").is_dir() and not (
        prefix / "pyvenv.cfg"
    ).exists():
        dirs.append(prefix / "lib" / "python3" / "dist-packages")
    return dirs


def base_stdlib_dir(
    prefix: Path, version: tuple[int, int] | None, cfg: Mapping[str, str]
) -> Path | None:
    """The target's standard-library source directory, when it can be found (read, never run)."""
    if version is None:
        return None
    home = cfg.get("home")
    base = prefix
    if home:
        base = Path(home).parent if Path(home).name.lower() in ("bin", "scripts") else Path(home)
    for candidate in (base / "lib" / f"python{version[0]}.{version[1]}", base / "Lib"):
        if (candidate / "os.py").is_file():
            return candidate
    return None
