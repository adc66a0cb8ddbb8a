"""The standard library of the target Python version, from typeshed's stubs and VERSIONS."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

from aiguard.facts.python.index import module_name, scan_dir

# Modules typeshed ships under stdlib/ that no Python installs at run time.
STUB_ONLY_STDLIB = frozenset({"_typeshed", "typing_extensions", "mypy_extensions"})
# Standard-library modules that are another module under a second name.
_STDLIB_ALIASES = {"os.path": ("posixpath", "ntpath")}


# -- the standard library --------------------------------------------------------------------------


def _parse_versions(text: str) -> dict[str, tuple[tuple[int, int], tuple[int, int] | None]]:
    ranges: dict[str, tuple[tuple[int, int], tuple[int, int] | None]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        module, _, span = line.partition(":")
        low, _, high = span.strip().partition("-")
        try:
            start = tuple(int(p) for p in low.split("."))
            end = tuple(int(p) for p in high.split(".")) if high else None
        except ValueError:
            continue
        if len(start) == 2 and (end is None or len(end) == 2):
            ranges[module.strip()] = ((start[0], start[1]), (end[0], end[1]) if end else None)
    return ranges


class Stdlib:
    """The standard library of the target Python version: module names and typeshed namespaces."""

    def __init__(self, version: tuple[int, int] | None, stdlib_dir: Path | None) -> None:
        self.version = version
        self.stdlib_dir = stdlib_dir
        self.typeshed = _typeshed_dir()
        self.problem = (
            ""
            if self.typeshed
            else "typeshed_client is not installed: standard-library namespaces are unknown"
        )
        self._ranges: dict[str, tuple[tuple[int, int], tuple[int, int] | None]] = {}
        if self.typeshed is not None:
            try:
                self._ranges = _parse_versions(
                    (self.typeshed / "VERSIONS").read_text(encoding="utf-8")
                )
            except OSError as exc:
                self.problem = f"cannot read typeshed's VERSIONS: {exc}"
        own_dir = sysconfig.get_paths().get("stdlib")
        same = version is None or version == sys.version_info[:2]
        self._own_dir = Path(own_dir) if own_dir and same else None
        self.top_level = self._top_level_names()

    def _in_range(self, module: str) -> bool | None:
        """Whether typeshed says `module` exists in the target version (None: not listed)."""
        parts = module.split(".")
        for i in range(len(parts), 0, -1):
            span = self._ranges.get(".".join(parts[:i]))
            if span is None:
                continue
            if self.version is None:
                return True  # unknown target: a module of any Python 3 counts
            low, high = span
            return low <= self.version and (high is None or self.version <= high)
        return None

    def _top_level_names(self) -> frozenset[str]:
        names = set(sys.stdlib_module_names)
        for module in self._ranges:
            if "." in module:
                continue
            present = self._in_range(module)
            if present:
                names.add(module)
            elif present is False:
                names.discard(module)
        return frozenset(names - STUB_ONLY_STDLIB)

    def is_top_level(self, name: str) -> bool:
        return name in self.top_level

    def stub_only(self, name: str) -> bool:
        """A module that exists only for type checkers (`_typeshed`)."""
        return name in STUB_ONLY_STDLIB

    def stub_file(self, module: str) -> tuple[Path, bool] | None:
        """(typeshed stub, is_package) for a standard-library module of the target version."""
        if self.typeshed is None or self._in_range(module) is False:
            return None
        return _module_file(self.typeshed, module, ".pyi")

    def source_files(self, module: str) -> tuple[list[Path], bool] | None:
        """(files, is_package) that tell what a standard-library module defines: its typeshed
        stub, else its Python source in the target's (or, for the same version, aiguard's own)
        library. `os.path` has no file of its own: it is posixpath or ntpath (their union)."""
        stub = self.stub_file(module)
        if stub is not None or self._in_range(module) is False:
            return ([stub[0]], stub[1]) if stub else None
        files: list[Path] = []
        is_package = False
        for name in _STDLIB_ALIASES.get(module, (module,)):
            for directory in (self.stdlib_dir, self._own_dir):
                found = _module_file(directory, name, ".py") if directory is not None else None
                if found is not None:
                    files.append(found[0])
                    is_package = found[1]
                    break
        return (files, is_package) if files else None

    def runtime_sources(self, module: str) -> list[Path]:
        """The module's Python source in the target's library (or, for the same version,
        aiguard's own), read as text only: it defines names typeshed leaves out."""
        if self._in_range(module) is False:
            return []
        for directory in (self.stdlib_dir, self._own_dir):
            found = _module_file(directory, module, ".py") if directory is not None else None
            if found is not None:
                return [found[0]]
        return []

    def has_module(self, module: str) -> bool:
        """Whether the standard library has `module` (a stub, the target's or aiguard's source)."""
        if module.split(".")[0] not in self.top_level:
            return False
        if "." not in module or module in _STDLIB_ALIASES or self.stub_file(module) is not None:
            return True
        for directory in (self.stdlib_dir, self._own_dir):
            if directory is None:
                continue
            base = directory.joinpath(*module.split("."))
            if base.is_dir() or base.with_name(base.name + ".py").is_file():
                return True
        return False

    def submodules(self, module: str) -> set[str]:
        found: set[str] = set()
        dirs = []
        if self.typeshed is not None:
            dirs.append(self.typeshed.joinpath(*module.split(".")))
        for directory in (self.stdlib_dir, self._own_dir):
            if directory is not None:
                dirs.append(directory.joinpath(*module.split(".")))
        for directory in dirs:
            for entry in scan_dir(directory):
                name = module_name(entry)
                if (
                    name
                    and name != "__init__"
                    and (self._in_range(f"{module}.{name}") is not False)
                ):
                    found.add(name)
        return found


def _module_file(directory: Path, module: str, suffix: str) -> tuple[Path, bool] | None:
    base = directory.joinpath(*module.split("."))
    init = base / f"__init__{suffix}"
    if init.is_file():
        return init, True
    plain = base.with_name(base.name + suffix)
    if plain.is_file():
        return plain, False
    return None


def _typeshed_dir() -> Path | None:
    """typeshed's stdlib stubs as shipped by typeshed_client (no interpreter is started: the
    search path is given, so typeshed_client does not ask one)."""
    try:
        import typeshed_client
    except ImportError:
        return None
    context = typeshed_client.get_search_context(search_path=[])
    return Path(context.typeshed)
