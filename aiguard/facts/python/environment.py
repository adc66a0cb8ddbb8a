"""The target environment as rules see it: module lookup, namespaces, caching of the index."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aiguard.cache import JsonStore as _Store
from aiguard.cache import cache_dir
from aiguard.cache import cache_key as _key
from aiguard.facts.python.discovery import (
    Discovery,
    base_stdlib_dir,
    discover,
    python_version,
    read_pyvenv_cfg,
    site_dirs_of,
)
from aiguard.facts.python.index import (
    EXTENSION,
    Distribution,
    EnvironmentIndex,
    build_index,
    index_signature,
    module_name,
    module_names,
    scan_dir,
)
from aiguard.facts.python.namespace import (
    Namespace,
    RawNamespace,
    combine_namespace,
    read_namespace,
)
from aiguard.facts.python.stdlib import Stdlib
from aiguard.safe_read import read_text

CACHE_FORMAT = 6  # 4: enum exporters dynamic; 5: Requires-Dist; 6: extend_path namespaces


@dataclass(frozen=True)
class ModuleFiles:
    """Where one module lives: the files that define its names and, for a package, its dirs."""

    name: str
    sources: tuple[Path, ...]  # .pyi / .py files (a stub and its source: the union is used)
    package_dirs: tuple[Path, ...]  # directories holding its submodules
    opaque: bool  # an extension module without a stub: its names cannot be read
    namespace_package: bool  # a directory without __init__: other portions may exist elsewhere


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
        elif EXTENSION.match(path.name):
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
        for entry in scan_dir(directory):
            if module_name(entry) == name:
                paths.append(Path(entry.path))
    return _from_paths(f"{parent.name}.{name}", paths) if paths else None


def submodule_names(files: ModuleFiles) -> set[str]:
    names: set[str] = set()
    for directory in files.package_dirs:
        names.update(n for n in module_names(scan_dir(directory)) if n != "__init__")
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
            if any(p.suffix == ".pyi" for p in paths):
                # Names that exist at run time but typeshed omits: the real source's own
                # top-level names count too (its star imports and dynamic parts do not,
                # so a C module behind it cannot make the whole namespace unknown).
                for source in self.stdlib.runtime_sources(module):
                    runtime = self._read_raw(source)
                    raws.append(RawNamespace(runtime.names, frozenset(), (), ""))
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
            text = read_text(path, errors="replace")
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
