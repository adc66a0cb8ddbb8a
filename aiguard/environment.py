"""A static index of the target Python environment: what modules exist and what they define.

aiguard judges a change against the project's own environment, not the one it runs in (under
pre-commit it runs in an isolated virtualenv). Everything here is read, never run: no target
interpreter is started, no scanned module is imported, no `.pth` line or editable finder is
executed (their mappings are read from their syntax tree as data).

Discovery, first match wins: `--python` / `[tool.aiguard] python` (an interpreter or an
environment directory) > `$VIRTUAL_ENV` (skipped under pre-commit, which points it at the hook's
own environment) > `.venv/` or `venv/` at the repository root > none.

The index of an environment (distributions, top-level modules, `.pth` directories, editable
mappings) is cached under the user's cache directory, keyed by the site-packages directories and a
cheap signature of their state, so a pre-commit run pays for it once. Module namespaces (the
names a module defines) are read lazily, one module at a time, and cached by file state too.
Standard-library names and namespaces come from the typeshed stubs that `typeshed_client` ships,
for the target's Python version.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import sys
import sysconfig
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aiguard.cache import JsonStore as _Store
from aiguard.cache import cache_dir
from aiguard.cache import cache_key as _key

CACHE_FORMAT = 4  # 4: enum exporters make a namespace dynamic
_VENV_DIR_NAMES = (".venv", "venv")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EXTENSION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\.(?:[^.]+\.)?(?:so|pyd)$")
_LIB_PYTHON = re.compile(r"^python(3)\.(\d+)t?$")
# Attributes every module has, whatever its source says.
MODULE_DUNDERS = frozenset(
    {
        "__name__", "__doc__", "__file__", "__dict__", "__spec__", "__loader__", "__package__",
        "__path__", "__all__", "__builtins__", "__cached__", "__annotations__", "__getattr__",
        "__dir__",
    }
)  # fmt: skip
# Modules typeshed ships under stdlib/ that no Python installs at run time.
STUB_ONLY_STDLIB = frozenset({"_typeshed", "typing_extensions", "mypy_extensions"})
# Standard-library modules that are another module under a second name.
_STDLIB_ALIASES = {"os.path": ("posixpath", "ntpath")}


# -- data ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Namespace:
    """The names a module defines; `complete` False when its source cannot tell them all."""

    names: frozenset[str]
    complete: bool
    why_incomplete: str = ""
    exports: frozenset[str] = frozenset()  # literal `__all__` entries
    plants_modules: bool = False  # it writes sys.modules or sys.meta_path


@dataclass(frozen=True)
class RawNamespace:
    """What one source file binds at module level, before star imports are followed."""

    names: frozenset[str]
    exports: frozenset[str]  # the literal entries of `__all__`
    stars: tuple[tuple[str, int], ...]  # `from MODULE import *` as (module, level)
    dynamic: str  # why the file's names cannot be known from its text ("" when they can)
    plants_modules: bool = False  # it writes sys.modules / sys.meta_path: submodules without files

    def to_json(self) -> dict[str, object]:
        return {
            "names": sorted(self.names),
            "exports": sorted(self.exports),
            "stars": [list(s) for s in self.stars],
            "dynamic": self.dynamic,
            "plants_modules": self.plants_modules,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> RawNamespace:
        names, exports, stars, dynamic = (
            data["names"], data["exports"], data["stars"], data["dynamic"]
        )  # fmt: skip
        if not (isinstance(names, list) and isinstance(exports, list) and isinstance(stars, list)):
            raise ValueError("malformed namespace entry")
        return cls(
            frozenset(str(n) for n in names),
            frozenset(str(n) for n in exports),
            tuple((str(s[0]), int(s[1])) for s in stars),
            str(dynamic),
            bool(data.get("plants_modules")),
        )


@dataclass(frozen=True)
class Distribution:
    """One installed distribution and the import names it provides."""

    name: str
    version: str
    import_names: tuple[str, ...]  # top-level modules and packages
    module_prefixes: tuple[str, ...]  # below a shared namespace package: "google.protobuf"
    editable: bool = False
    console_scripts: tuple[str, ...] = ()
    plugin_groups: tuple[str, ...] = ()  # entry-point groups other than scripts: it is a plug-in

    @property
    def normalized(self) -> str:
        return re.sub(r"[-_.]+", "-", self.name).lower()


@dataclass
class EnvironmentIndex:
    """The cached part: what an environment's site directories hold."""

    site_dirs: list[str]
    roots: list[str]  # site dirs, then directories named by .pth files and egg-links
    top_level: dict[str, list[str]]  # import name -> paths (dir, .py, .pyi, extension)
    stubs: dict[str, list[str]]  # import name -> "<name>-stubs" directories
    mapping: dict[str, list[str]]  # editable installs: module name -> path(s)
    distributions: list[Distribution]

    def to_json(self) -> dict[str, object]:
        return {
            "site_dirs": self.site_dirs,
            "roots": self.roots,
            "top_level": self.top_level,
            "stubs": self.stubs,
            "mapping": self.mapping,
            "distributions": [
                {
                    "name": d.name,
                    "version": d.version,
                    "import_names": list(d.import_names),
                    "module_prefixes": list(d.module_prefixes),
                    "editable": d.editable,
                    "console_scripts": list(d.console_scripts),
                    "plugin_groups": list(d.plugin_groups),
                }
                for d in self.distributions
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> EnvironmentIndex:
        dists = data["distributions"]
        if not isinstance(dists, list):
            raise ValueError("malformed index")
        return cls(
            site_dirs=_str_list(data["site_dirs"]),
            roots=_str_list(data["roots"]),
            top_level=_str_lists(data["top_level"]),
            stubs=_str_lists(data["stubs"]),
            mapping=_str_lists(data["mapping"]),
            distributions=[
                Distribution(
                    name=str(d["name"]),
                    version=str(d["version"]),
                    import_names=tuple(_str_list(d["import_names"])),
                    module_prefixes=tuple(_str_list(d["module_prefixes"])),
                    editable=bool(d["editable"]),
                    console_scripts=tuple(_str_list(d["console_scripts"])),
                    plugin_groups=tuple(_str_list(d["plugin_groups"])),
                )
                for d in dists
            ],
        )


def _str_list(value: object) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return [str(v) for v in value]


def _str_lists(value: object) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ValueError("expected a table")
    return {str(k): _str_list(v) for k, v in value.items()}


@dataclass(frozen=True)
class ModuleFiles:
    """Where one module lives: the files that define its names and, for a package, its dirs."""

    name: str
    sources: tuple[Path, ...]  # .pyi / .py files (a stub and its source: the union is used)
    package_dirs: tuple[Path, ...]  # directories holding its submodules
    opaque: bool  # an extension module without a stub: its names cannot be read
    namespace_package: bool  # a directory without __init__: other portions may exist elsewhere


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
        text = (prefix / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace")
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


# -- the index -------------------------------------------------------------------------------------


def index_signature(site_dirs: Iterable[Path]) -> str:
    """A cheap digest of the site directories' state: names, sizes and mtimes of their entries,
    and the listings of the directories their .pth files add (an editable src/ layout)."""
    digest = hashlib.sha256()
    for directory in site_dirs:
        digest.update(f"D {directory}\n".encode("utf-8", "surrogateescape"))
        for entry in _scandir(directory):
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            digest.update(
                f"{entry.name}\0{st.st_mtime_ns}\0{st.st_size}\n".encode("utf-8", "surrogateescape")
            )
            if entry.name.endswith((".pth", ".egg-link")):
                for extra in _pth_dirs(Path(entry.path), directory):
                    names = sorted(e.name for e in _scandir(extra))
                    digest.update(f"P {extra}\0{names}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _scandir(directory: Path | str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []


def _pth_dirs(pth: Path, site_dir: Path) -> list[Path]:
    """The directories a .pth file (or an .egg-link) adds to sys.path; import lines are skipped."""
    try:
        text = pth.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    lines = text.splitlines()
    if pth.name.endswith(".egg-link"):
        lines = lines[:1]
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("#", "import ", "import\t")):
            continue
        path = Path(line) if os.path.isabs(line) else site_dir / line
        if path.is_dir():
            found.append(path)
    return found


def _pth_imported_modules(pth: Path) -> list[str]:
    """Modules a .pth file's import lines would import (to read their mapping, never to run)."""
    try:
        text = pth.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    names = []
    for line in text.splitlines():
        if line.lstrip().startswith(("import ", "import\t")):
            names += re.findall(r"\bimport\s+([A-Za-z_][\w]*)", line)
    return names


def read_editable_mapping(source: str) -> dict[str, list[str]]:
    """The module -> path table of an editable-install finder, read from its syntax tree.

    Knows setuptools' `MAPPING = {...}`/`NAMESPACES = {...}` and `editables`' `map_module(name,
    path)` calls. The finder is never executed.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return {}
    mapping: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if (
            isinstance(target, ast.Name)
            and target.id in ("MAPPING", "NAMESPACES")
            and value is not None
        ):
            try:
                literal = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError, RecursionError):
                continue
            if isinstance(literal, dict):
                for name, paths in literal.items():
                    values = [paths] if isinstance(paths, str) else paths
                    if isinstance(name, str) and isinstance(values, list):
                        mapping.setdefault(name, []).extend(str(v) for v in values)
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            args = node.args
            if (
                called == "map_module"
                and len(args) == 2
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args)
            ):
                name_node, path_node = args
                assert isinstance(name_node, ast.Constant) and isinstance(path_node, ast.Constant)
                mapping.setdefault(str(name_node.value), []).append(str(path_node.value))
    return mapping


def build_index(site_dirs: list[Path]) -> EnvironmentIndex:
    """Read the site directories: distributions, top-level modules, .pth dirs, editable maps."""
    index = EnvironmentIndex(
        [str(d) for d in site_dirs], [str(d) for d in site_dirs], {}, {}, {}, []
    )
    for site in site_dirs:
        entries = _scandir(site)
        owner: dict[
            str, int
        ] = {}  # a file directly in the site dir -> the dist whose RECORD has it
        for entry in entries:
            if entry.name.endswith((".dist-info", ".egg-info")):
                dist, owned = _read_distribution(Path(entry.path))
                for name in owned:
                    owner[name] = len(index.distributions)
                index.distributions.append(dist)
        for entry in entries:
            if entry.name.endswith((".pth", ".egg-link")):
                _read_pth(index, site, Path(entry.path), owner)
            elif entry.name.endswith("-stubs") and entry.is_dir():
                index.stubs.setdefault(entry.name[: -len("-stubs")], []).append(entry.path)
        _add_top_level(index.top_level, entries)
    for module in index.mapping:
        index.top_level.setdefault(module.split(".")[0], [])
    return index


def _read_pth(index: EnvironmentIndex, site: Path, pth: Path, owner: Mapping[str, int]) -> None:
    """Directories a .pth adds, and the mapping of editable finders it would import (read only)."""
    provided: set[str] = set()
    for extra in _pth_dirs(pth, site):
        if str(extra) not in index.roots:
            index.roots.append(str(extra))
            listing = _scandir(extra)
            _add_top_level(index.top_level, listing)
            provided.update(_module_names(listing))
    for module in _pth_imported_modules(pth):
        try:
            found = read_editable_mapping(
                (site / f"{module}.py").read_text(encoding="utf-8", errors="replace")
            )
        except OSError:
            continue
        for name, paths in found.items():
            known = index.mapping.setdefault(name, [])
            known.extend(p for p in paths if p not in known)
            provided.add(name.split(".")[0])
    number = owner.get(pth.name)
    if number is not None and provided:
        dist = index.distributions[number]
        index.distributions[number] = Distribution(
            dist.name, dist.version, tuple(sorted(set(dist.import_names) | provided)),
            dist.module_prefixes, dist.editable, dist.console_scripts, dist.plugin_groups,
        )  # fmt: skip


def _module_names(entries: Iterable[os.DirEntry[str]]) -> Iterable[str]:
    for entry in entries:
        name = _module_name(entry)
        if name:
            yield name


def _module_name(entry: os.DirEntry[str]) -> str | None:
    """The import name a directory entry provides, if any."""
    name = entry.name
    if name.startswith("__editable__") or name == "__pycache__":
        return None
    try:
        is_dir = entry.is_dir()
    except OSError:
        return None
    if is_dir:
        return name if _IDENTIFIER.match(name) else None
    for suffix in (".py", ".pyi"):
        if name.endswith(suffix) and _IDENTIFIER.match(name[: -len(suffix)]):
            return name[: -len(suffix)]
    match = _EXTENSION.match(name)
    return match.group(1) if match else None


def _add_top_level(top_level: dict[str, list[str]], entries: Iterable[os.DirEntry[str]]) -> None:
    for entry in entries:
        name = _module_name(entry)
        if name and entry.path not in top_level.get(name, []):
            top_level.setdefault(name, []).append(entry.path)


def _read_distribution(path: Path) -> tuple[Distribution, list[str]]:
    """A .dist-info or .egg-info: name, version, import names, entry points; and its files."""
    metadata_file = path / ("METADATA" if path.name.endswith(".dist-info") else "PKG-INFO")
    if path.is_file():  # an old-style single-file .egg-info
        metadata_file = path
    name, version = _read_metadata_header(metadata_file)
    if not name:
        stem = path.name.rsplit(".", 1)[0]
        name, _, version = stem.partition("-")
    top_level = _read_lines(path / "top_level.txt") if path.is_dir() else []
    record = (
        [line.rsplit(",", 2)[0] for line in _read_lines(path / "RECORD")] if path.is_dir() else []
    )
    tops, prefixes = _modules_from_record(record)
    names = {n for n in top_level if _IDENTIFIER.match(n)} | tops
    editable = False
    if path.is_dir():
        try:
            direct = json.loads((path / "direct_url.json").read_text(encoding="utf-8"))
            editable = bool(direct.get("dir_info", {}).get("editable"))
        except (OSError, ValueError, AttributeError):
            editable = False
    scripts, groups = _read_entry_points(path / "entry_points.txt") if path.is_dir() else ([], [])
    owned = [r for r in record if "/" not in r]
    dist = Distribution(
        name=name,
        version=version,
        import_names=tuple(sorted(names)),
        module_prefixes=tuple(sorted(prefixes)),
        editable=editable,
        console_scripts=tuple(scripts),
        plugin_groups=tuple(groups),
    )
    return dist, owned


def _read_metadata_header(path: Path) -> tuple[str, str]:
    name = version = ""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                if key.lower() == "name" and not name:
                    name = value.strip()
                elif key.lower() == "version" and not version:
                    version = value.strip()
    except OSError:
        pass
    return name, version


def _read_lines(path: Path) -> list[str]:
    try:
        return [
            line.strip()
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if line.strip()
        ]
    except OSError:
        return []


def _modules_from_record(record: list[str]) -> tuple[set[str], set[str]]:
    """Top-level import names in a RECORD, and the `pkg.sub` prefixes under namespace packages."""
    tops: set[str] = set()
    prefixes: set[str] = set()
    files = set(record)
    for entry in record:
        if entry.startswith("..") or "__pycache__" in entry:
            continue
        first, sep, rest = entry.partition("/")
        if first.endswith((".dist-info", ".data", ".egg-info")):
            continue
        if not sep:
            if first.startswith("__editable__") or first.endswith(".pth"):
                continue
            for suffix in (".py", ".pyi"):
                if first.endswith(suffix) and _IDENTIFIER.match(first[: -len(suffix)]):
                    tops.add(first[: -len(suffix)])
            match = _EXTENSION.match(first)
            if match:
                tops.add(match.group(1))
            continue
        if not _IDENTIFIER.match(first):
            continue
        tops.add(first)
        if f"{first}/__init__.py" not in files and f"{first}/__init__.pyi" not in files:
            second = rest.split("/", 1)[0]
            second = second[:-3] if second.endswith(".py") else second
            if _IDENTIFIER.match(second):
                prefixes.add(f"{first}.{second}")
    return tops, prefixes


def _read_entry_points(path: Path) -> tuple[list[str], list[str]]:
    scripts: list[str] = []
    groups: list[str] = []
    section = ""
    for line in _read_lines(path):
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            if section not in ("console_scripts", "gui_scripts"):
                groups.append(section)
            continue
        if section in ("console_scripts", "gui_scripts") and "=" in line:
            scripts.append(line.split("=", 1)[0].strip())
    return scripts, groups


# -- namespaces read from source ------------------------------------------------------------------


def read_namespace(source: str) -> RawNamespace:
    """The names a module's source binds at module level (never executed).

    Compound statements (if/try/with/for/while/match) count both ways: a name bound on any path
    is a name the module may define. `global` statements inside functions count too. The
    namespace is dynamic - unknowable from the text - when the module defines `__getattr__`,
    writes through `globals()`, `vars()`, `locals()` or `sys.modules`, or runs `exec` at module
    level.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return RawNamespace(
            frozenset(), frozenset(), (), f"cannot be parsed ({type(exc).__name__})"
        )
    collector = _Collector()
    try:
        collector.statements(tree.body)
        dynamic, plants = _dynamic_marker(tree)
    except RecursionError:
        return RawNamespace(frozenset(), frozenset(), (), "too deeply nested to read", True)
    if "__getattr__" in collector.names and not dynamic:
        dynamic = "it defines a module-level __getattr__"
    return RawNamespace(
        frozenset(collector.names),
        frozenset(collector.exports),
        tuple(collector.stars),
        dynamic,
        plants,
    )


class _Collector:
    def __init__(self) -> None:
        self.names: set[str] = set()
        self.exports: set[str] = set()
        self.stars: list[tuple[str, int]] = []

    def statements(self, body: Iterable[ast.stmt]) -> None:
        for node in body:
            self.statement(node)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.names.add(node.name)
            if not isinstance(node, ast.ClassDef):
                self._globals_in(node)
            self._walrus(node.decorator_list)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self._target(target)
            self._exports(node.targets, node.value, augmented=False)
            self._walrus([node.value])
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            self._target(node.target)
            if node.value is not None:
                self._exports([node.target], node.value, augmented=isinstance(node, ast.AugAssign))
                self._walrus([node.value])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    self.stars.append((node.module or "", node.level))
                else:
                    self.names.add(alias.asname or alias.name)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._target(node.target)
            self.statements(node.body)
            self.statements(node.orelse)
        elif isinstance(node, (ast.While, ast.If)):
            self._walrus([node.test])
            self.statements(node.body)
            self.statements(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self._target(item.optional_vars)
            self.statements(node.body)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self._try(node)
        elif isinstance(node, ast.Match):
            for case in node.cases:
                for sub in ast.walk(case.pattern):
                    if isinstance(sub, (ast.MatchAs, ast.MatchStar)) and sub.name:
                        self.names.add(sub.name)
                    elif isinstance(sub, ast.MatchMapping) and sub.rest:
                        self.names.add(sub.rest)
                self.statements(case.body)
        elif type(node).__name__ == "TypeAlias":
            alias_name = getattr(node, "name", None)
            if isinstance(alias_name, ast.Name):
                self.names.add(alias_name.id)
        elif isinstance(node, ast.Expr):
            self._exports_call(node.value)
            self._walrus([node.value])
        elif isinstance(node, ast.Global):
            self.names.update(node.names)

    def _try(self, node: ast.stmt) -> None:
        self.statements(getattr(node, "body", []))
        for handler in getattr(node, "handlers", []):
            if handler.name:
                self.names.add(handler.name)
            self.statements(handler.body)
        self.statements(getattr(node, "orelse", []))
        self.statements(getattr(node, "finalbody", []))

    def _target(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._target(element)
        elif isinstance(target, ast.Starred):
            self._target(target.value)

    def _walrus(self, expressions: Iterable[ast.expr]) -> None:
        for expression in expressions:
            for sub in ast.walk(expression):
                if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                    self.names.add(sub.target.id)

    def _globals_in(self, function: ast.AST) -> None:
        for sub in ast.walk(function):
            if isinstance(sub, ast.Global):
                self.names.update(sub.names)

    def _exports(self, targets: list[ast.expr], value: ast.expr, *, augmented: bool) -> None:
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return
        self.exports.update(_literal_strings(value))

    def _exports_call(self, value: ast.expr) -> None:
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name)
            and value.func.value.id == "__all__"
            and value.func.attr in ("extend", "append")
        ):
            for arg in value.args:
                self.exports.update(_literal_strings(arg))


def _literal_strings(node: ast.expr) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            found.add(sub.value)
    return found


def _dynamic_marker(tree: ast.Module) -> tuple[str, bool]:
    """Why a module's namespace may hold names its statements do not show ("" if none), and
    whether it plants modules in `sys.modules` or `sys.meta_path` (submodules that have no file).
    """
    module_level = {id(n) for stmt in tree.body for n in _outside_functions(stmt)}
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    why = ""
    plants = False
    for node in ast.walk(tree):
        exporter = _enum_exporter(node)
        if exporter and not why:
            why = f"{exporter} exports enum members into the module"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            called = node.func.id
            if called == "globals" and not why and _writes_through(node, parents):
                why = "it writes names through globals()"
            elif called in ("vars", "locals", "exec") and id(node) in module_level and not why:
                why = f"it calls {called}() at module level"
        if _is_sys_attribute(node, "meta_path") or _is_sys_attribute(node, "path_hooks"):
            plants = True
        if isinstance(node, ast.Subscript) and _is_sys_attribute(node.value, "modules"):
            if isinstance(node.slice, ast.Name) and node.slice.id == "__name__" and not why:
                why = "it replaces itself in sys.modules"
            if isinstance(node.ctx, ast.Store):
                plants = True
    return why, plants


def _enum_exporter(node: ast.AST) -> str:
    """The enum helper by which a module binds names no statement shows ("" if none):
    `@enum.global_enum` (re's flags) and `IntEnum._convert_(...)` (ssl, socket, signal)."""
    if isinstance(node, ast.ClassDef):
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name == "global_enum":
                return "@global_enum"
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "_convert_"
    ):
        return "Enum._convert_()"
    return ""


def _is_sys_attribute(node: ast.AST, attribute: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attribute
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def _writes_through(call: ast.Call, parents: Mapping[int, ast.AST]) -> bool:
    """Whether a `globals()` call is written through (an item stored, updated, or passed on)."""
    parent = parents.get(id(call))
    if isinstance(parent, ast.Subscript):
        return isinstance(parent.ctx, (ast.Store, ast.Del))
    if isinstance(parent, ast.Attribute):
        return parent.attr in ("update", "setdefault", "__setitem__", "pop", "clear", "popitem")
    # Compared or discarded: a read. Handed to anything else (exec, a helper): assume a write.
    return not isinstance(parent, (ast.Compare, ast.Expr))


def _outside_functions(node: ast.AST) -> Iterable[ast.AST]:
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield from _outside_functions(child)


def combine_namespace(
    module: str,
    is_package: bool,
    raws: Iterable[RawNamespace],
    submodules: Iterable[str],
    lookup: Callable[[str], Namespace | None],
) -> Namespace:
    """A module's namespace from its source files (a stub and its source: the union), its
    submodules, and the modules it star-imports (looked up with `lookup`)."""
    names = set(submodules) | MODULE_DUNDERS
    exports: set[str] = set()
    stars: list[tuple[str, int]] = []
    why = ""
    plants = False
    for raw in raws:
        names |= raw.names
        exports |= raw.exports
        stars += raw.stars
        why = why or raw.dynamic
        plants = plants or raw.plants_modules
    for star_module, level in stars:
        if why:
            break
        target = absolute_module(star_module, level, module, is_package)
        other = lookup(target) if target else None
        if other is None or not other.complete:
            why = f"it star-imports {target or star_module}, which cannot be read completely"
        else:
            names |= star_names(other)
    return Namespace(frozenset(names), not why, why, frozenset(exports), plants)


def star_names(namespace: Namespace) -> frozenset[str]:
    """What `from M import *` may bring in: public names and `__all__` (a safe superset)."""
    return frozenset(n for n in namespace.names if not n.startswith("_")) | namespace.exports


def absolute_module(
    module: str, level: int, importer: str, importer_is_package: bool
) -> str | None:
    """The absolute name of a relative import made in module `importer` (None: above the top)."""
    if level == 0:
        return module
    parts = importer.split(".") if importer else []
    if not importer_is_package:
        parts = parts[:-1]
    if level - 1 > len(parts) or (level - 1 == len(parts) and not module):
        return None
    base = parts[: len(parts) - (level - 1)]
    full = [*base, *(module.split(".") if module else [])]
    return ".".join(full) if full else None


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
            for entry in _scandir(directory):
                name = _module_name(entry)
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


# -- one Python environment ------------------------------------------------------------------------


class PythonEnvironment:
    """A target environment read statically; its index is cached, its modules read lazily."""

    def __init__(self, prefix: Path, route: str, store: _Store) -> None:
        self.prefix = prefix
        self.route = route
        cfg = read_pyvenv_cfg(prefix)
        self.version = python_version(prefix, cfg)
        self.site_dirs = site_dirs_of(prefix, self.version, cfg)
        self.stdlib_dir = base_stdlib_dir(prefix, self.version, cfg)
        self.from_cache = False
        self.index = self._load_index(store)
        self._by_normalized = {d.normalized: d for d in self.index.distributions}

    def _load_index(self, store: _Store) -> EnvironmentIndex:
        key = _key(f"index-{CACHE_FORMAT}", *map(str, self.site_dirs))
        signature = index_signature(self.site_dirs)
        cached = store.read("index", key)
        if isinstance(cached, dict) and cached.get("signature") == signature:
            try:
                index = EnvironmentIndex.from_json(cached["index"])
            except (KeyError, ValueError, TypeError) as exc:
                store.problems.append(f"ignored a malformed environment cache entry: {exc}")
            else:
                self.from_cache = True
                return index
        index = build_index(self.site_dirs)
        store.write("index", key, {"signature": signature, "index": index.to_json()})
        return index

    @property
    def distributions(self) -> list[Distribution]:
        return self.index.distributions

    def distribution(self, name: str) -> Distribution | None:
        return self._by_normalized.get(re.sub(r"[-_.]+", "-", name).lower())

    def has_top_level(self, name: str) -> bool:
        return name in self.index.top_level

    def has_stub_package(self, name: str) -> bool:
        return name in self.index.stubs

    def distributions_providing(self, module: str) -> list[Distribution]:
        """The distributions that install `module` (narrowed by `pkg.sub` under namespaces)."""
        top = module.split(".")[0]
        candidates = [d for d in self.index.distributions if top in d.import_names]
        if len(candidates) > 1 and "." in module:
            prefix = ".".join(module.split(".")[:2])
            narrowed = [d for d in candidates if prefix in d.module_prefixes]
            if narrowed:
                return narrowed
        return candidates

    def find_module(self, module: str) -> ModuleFiles | None:
        """Where `module` lives in the environment, without importing anything."""
        parts = module.split(".")
        located = self._find_top(parts[0])
        if module in self.index.mapping and len(parts) > 1:
            located = _from_paths(module, [Path(p) for p in self.index.mapping[module]])
        else:
            for part in parts[1:]:
                if located is None:
                    return None
                located = _child(located, part)
        return located

    def _find_top(self, name: str) -> ModuleFiles | None:
        paths = [Path(p) for p in self.index.mapping.get(name, [])]
        paths += [Path(p) for p in self.index.top_level.get(name, [])]
        paths += [Path(p) for p in self.index.stubs.get(name, [])]
        return _from_paths(name, paths) if paths else None


def _from_paths(name: str, paths: list[Path]) -> ModuleFiles | None:
    """Combine the places a module was found: package dirs, .py/.pyi files, extension modules."""
    sources: list[Path] = []
    dirs: list[Path] = []
    opaque = False
    has_init = False
    for path in paths:
        if path.is_dir():
            dirs.append(path)
            for init in ("__init__.pyi", "__init__.py"):
                if (path / init).is_file():
                    sources.append(path / init)
                    has_init = True
            if not any((path / i).exists() for i in ("__init__.pyi", "__init__.py")) and any(
                (path / f"__init__{s}").exists() for s in (".so", ".pyd")
            ):
                opaque = True
        elif path.name.startswith("__init__.") and path.suffix in (".py", ".pyi"):
            sources.append(path)
            dirs.append(path.parent)
            has_init = True
        elif path.suffix in (".py", ".pyi"):
            sources.append(path)
        elif _EXTENSION.match(path.name):
            opaque = True
    if not sources and not dirs and not opaque:
        return None
    stub_only = bool(sources) and all(s.suffix == ".pyi" for s in sources)
    return ModuleFiles(
        name=name,
        sources=tuple(dict.fromkeys(sources)),
        package_dirs=tuple(dict.fromkeys(dirs)),
        opaque=opaque and not stub_only,
        namespace_package=bool(dirs) and not has_init and not opaque,
    )


def _child(parent: ModuleFiles, name: str) -> ModuleFiles | None:
    paths: list[Path] = []
    for directory in parent.package_dirs:
        for entry in _scandir(directory):
            if _module_name(entry) == name:
                paths.append(Path(entry.path))
    return _from_paths(f"{parent.name}.{name}", paths) if paths else None


def submodule_names(files: ModuleFiles) -> set[str]:
    names: set[str] = set()
    for directory in files.package_dirs:
        names.update(n for n in _module_names(_scandir(directory)) if n != "__init__")
    return names


# -- the facade rules use --------------------------------------------------------------------------


@dataclass
class TargetEnvironment:
    """The standard library and (when found) the Python environment a project runs in."""

    python: PythonEnvironment | None
    stdlib: Stdlib
    discovery: Discovery = field(default_factory=lambda: Discovery(None))
    notices: list[str] = field(default_factory=list)
    _store: _Store = field(default_factory=lambda: _Store(None))
    _namespaces: dict[str, Namespace | None] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.python is not None

    def where(self, module: str) -> str | None:
        """ "stdlib" or "environment" when the module exists there; None when neither has it."""
        top = module.split(".")[0]
        if self.stdlib.is_top_level(top):
            return "stdlib"
        if self.python is not None and self.python.has_top_level(top):
            return "environment"
        return None

    def namespace(self, module: str) -> Namespace | None:
        """The names `module` defines (None: not found, or an extension module without stubs)."""
        if module not in self._namespaces:
            self._namespaces[module] = None  # a cycle reads as "unknown"
            self._namespaces[module] = self._compute(module)
        return self._namespaces[module]

    def _compute(self, module: str) -> Namespace | None:
        if self.where(module) == "stdlib":
            found = self.stdlib.source_files(module)
            if found is None:
                return None
            paths, is_package = found
            extra = self.stdlib.submodules(module) if is_package else set()
            raws = [self._read_raw(p) for p in paths]
            return combine_namespace(module, is_package, raws, extra, self.namespace)
        if self.python is None:
            return None
        files = self.python.find_module(module)
        if files is None:
            return None
        if files.opaque or files.namespace_package:
            why = "it is an extension module" if files.opaque else "it is a namespace package"
            return Namespace(frozenset(submodule_names(files)), False, why)
        raws = [self._read_raw(source) for source in files.sources]
        is_package = bool(files.package_dirs)
        return combine_namespace(module, is_package, raws, submodule_names(files), self.namespace)

    def _read_raw(self, path: Path) -> RawNamespace:
        try:
            st = path.stat()
        except OSError as exc:
            return RawNamespace(frozenset(), frozenset(), (), f"cannot be read ({exc.strerror})")
        key = _key(f"ns-{CACHE_FORMAT}", str(path), str(st.st_mtime_ns), str(st.st_size))
        cached = self._store.read("namespaces", key)
        if isinstance(cached, dict):
            try:
                return RawNamespace.from_json(cached)
            except (KeyError, ValueError, TypeError, IndexError):
                pass
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return RawNamespace(frozenset(), frozenset(), (), f"cannot be read ({exc.strerror})")
        raw = read_namespace(text)
        self._store.write("namespaces", key, raw.to_json())
        return raw


def find_environment(
    root: Path | None, configured: str | None, environ: Mapping[str, str] | None = None
) -> TargetEnvironment:
    """Discover and index the target environment; problems become `notices`, never errors.

    With no repository root (an in-memory example project) nothing is discovered: the project
    is judged against the standard library, its own files and its declared dependencies.
    """
    env = dict(os.environ if environ is None else environ)
    store = _Store(_safe_cache_dir(env, root))
    if root is None and not configured:
        return TargetEnvironment(None, Stdlib(None, None), _store=store)
    discovery = discover(root, configured, env)
    notices = [discovery.problem] if discovery.problem else []
    python = None
    if discovery.prefix is not None:
        python = PythonEnvironment(discovery.prefix, discovery.route, store)
    stdlib = Stdlib(python.version if python else None, python.stdlib_dir if python else None)
    if python is None:
        skipped = f" ({'; '.join(discovery.skipped)})" if discovery.skipped else ""
        notices.append(
            "no Python environment found for this project" + skipped + ": imports are judged "
            "against the standard library, the project's own modules and its declared "
            "dependencies only. Point aiguard at the environment with `--python PATH` or "
            '`python = "PATH"` under [tool.aiguard] (an interpreter or a virtualenv directory).'
        )
    if stdlib.problem:
        notices.append(stdlib.problem)
    notices += store.problems
    return TargetEnvironment(python, stdlib, discovery, notices, _store=store)


def _safe_cache_dir(environ: Mapping[str, str], root: Path | None) -> Path | None:
    """The cache directory, unless it would sit inside the scanned repository."""
    directory = cache_dir(environ)
    if directory is None or root is None:
        return directory
    try:
        directory.resolve().relative_to(root.resolve())
    except ValueError:
        return directory
    return None
