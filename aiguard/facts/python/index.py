"""The index of an environment's site-packages: distributions, top-level modules, `.pth`
directories and editable-install mappings, read as data."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from aiguard.safe_read import read_text

EXTENSION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\.(?:[^.]+\.)?(?:so|pyd)$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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
    requires: tuple[str, ...] = ()  # normalized names of its unconditional Requires-Dist

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
                    "requires": list(d.requires),
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
                    requires=tuple(_str_list(d.get("requires", []))),
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


# -- the index -------------------------------------------------------------------------------------


def index_signature(site_dirs: Iterable[Path]) -> str:
    """A cheap digest of the site directories' state: names, sizes and mtimes of their entries,
    and the listings of the directories their .pth files add (an editable src/ layout)."""
    digest = hashlib.sha256()
    for directory in site_dirs:
        digest.update(f"D {directory}\n".encode("utf-8", "surrogateescape"))
        for entry in scan_dir(directory):
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            digest.update(
                f"{entry.name}\0{st.st_mtime_ns}\0{st.st_size}\n".encode("utf-8", "surrogateescape")
            )
            if entry.name.endswith((".pth", ".egg-link")):
                for extra in _pth_dirs(Path(entry.path), directory):
                    names = sorted(e.name for e in scan_dir(extra))
                    digest.update(f"P {extra}\0{names}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def scan_dir(directory: Path | str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []


def _pth_dirs(pth: Path, site_dir: Path) -> list[Path]:
    """The directories a .pth file (or an .egg-link) adds to sys.path; import lines are skipped."""
    try:
        text = read_text(pth, errors="replace")
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
        text = read_text(pth, errors="replace")
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
        entries = scan_dir(site)
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
            listing = scan_dir(extra)
            _add_top_level(index.top_level, listing)
            provided.update(module_names(listing))
    for module in _pth_imported_modules(pth):
        try:
            found = read_editable_mapping(read_text(site / f"{module}.py", errors="replace"))
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
            dist.requires,
        )  # fmt: skip


def module_names(entries: Iterable[os.DirEntry[str]]) -> Iterable[str]:
    for entry in entries:
        name = module_name(entry)
        if name:
            yield name


def module_name(entry: os.DirEntry[str]) -> str | None:
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
    match = EXTENSION.match(name)
    return match.group(1) if match else None


def _add_top_level(top_level: dict[str, list[str]], entries: Iterable[os.DirEntry[str]]) -> None:
    for entry in entries:
        name = module_name(entry)
        if name and entry.path not in top_level.get(name, []):
            top_level.setdefault(name, []).append(entry.path)


def _read_distribution(path: Path) -> tuple[Distribution, list[str]]:
    """A .dist-info or .egg-info: name, version, import names, entry points; and its files."""
    metadata_file = path / ("METADATA" if path.name.endswith(".dist-info") else "PKG-INFO")
    if path.is_file():  # an old-style single-file .egg-info
        metadata_file = path
    name, version, requires = _read_metadata_header(metadata_file)
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
            direct = json.loads(read_text(path / "direct_url.json"))
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
        requires=tuple(requires),
    )
    return dist, owned


def _read_metadata_header(path: Path) -> tuple[str, str, list[str]]:
    """Name, version and the normalized names of the Requires-Dist entries that hold whatever
    extras are chosen (an `extra == ...` marker makes one optional)."""
    name = version = ""
    requires: list[str] = []
    try:
        lines = read_text(path, errors="replace").splitlines()
    except OSError:  # unreadable, not a regular file or too large: no name from it
        return name, version, requires
    for line in lines:
        if not line.strip():
            break
        key, _, value = line.partition(":")
        if key.lower() == "name" and not name:
            name = value.strip()
        elif key.lower() == "version" and not version:
            version = value.strip()
        elif key.lower() == "requires-dist" and "extra" not in value.partition(";")[2]:
            required = _REQUIREMENT_NAME.match(value.strip())
            if required:
                requires.append(re.sub(r"[-_.]+", "-", required.group(0)).lower())
    return name, version, requires


_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _read_lines(path: Path) -> list[str]:
    try:
        return [
            line.strip() for line in read_text(path, errors="replace").splitlines() if line.strip()
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
            match = EXTENSION.match(first)
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
