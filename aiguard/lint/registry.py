"""Rule discovery through the "aiguard.rules" entry-point group (built-in rules use it too).

An entry point names a module (every concrete Rule subclass defined in it is a rule), a package
(the rules of each of its public modules), a Rule class, or a sequence of Rule classes. Plugins
load only from installed entry points or from files named on the command line - never from a
path the scanned repository's config names.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import pkgutil
import sys
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeGuard

from aiguard import __version__
from aiguard.cache import JsonStore, cache_dir, cache_key
from aiguard.errors import AiguardError
from aiguard.lint.rule import Rule, RuleRef

GROUP = "aiguard.rules"


def load_rules(plugin_files: Iterable[Path] = ()) -> dict[str, type[Rule]]:
    """Every installed rule plus those in `plugin_files`, by id; a broken plugin is an error."""
    from importlib.metadata import entry_points  # costs ~30 ms: only when the index is cold

    registry: dict[str, type[Rule]] = {}
    origins: dict[str, str] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: (e.name, e.value)):
        origin = f"entry point {ep.name!r} ({ep.value})"
        try:
            loaded = ep.load()
        except Exception as exc:  # noqa: BLE001 -- third-party plugin code: one-line error
            raise AiguardError(
                f"rule plugin {origin} failed to load: {type(exc).__name__}: {exc}"
            ) from None
        _register(registry, origins, rules_in(loaded), origin)
    for path in plugin_files:
        _register(registry, origins, rules_in(_load_file(path)), f"plugin file {path}")
    if not registry:
        # An install whose built-in rules did not register would otherwise pass every change.
        raise AiguardError(
            f'no rules are installed: nothing registers the "{GROUP}" entry point; '
            "reinstall aiguard-lint (from a source tree: pip install -e .)"
        )
    return dict(sorted(registry.items()))


def rules_in(obj: object) -> list[type[Rule]]:
    """The rules an entry point's object provides."""
    if isinstance(obj, types.ModuleType) and hasattr(obj, "__path__"):
        found: list[type[Rule]] = []
        for info in sorted(pkgutil.iter_modules(obj.__path__), key=lambda i: i.name):
            if not info.name.startswith("_"):
                found.extend(rules_in(importlib.import_module(f"{obj.__name__}.{info.name}")))
        return found
    if isinstance(obj, types.ModuleType):
        return [
            cls
            for _, cls in inspect.getmembers(obj, inspect.isclass)
            if cls.__module__ == obj.__name__ and _is_concrete_rule(cls)
        ]
    if _is_concrete_rule(obj):
        return [obj]
    if isinstance(obj, (list, tuple)):
        rules = [o for o in obj if _is_concrete_rule(o)]
        if len(rules) == len(obj):
            return rules
    raise AiguardError(f"{obj!r} is not a rule module, a Rule class, or a list of Rule classes")


def _is_concrete_rule(cls: object) -> TypeGuard[type[Rule]]:
    return (
        inspect.isclass(cls)
        and issubclass(cls, Rule)
        and not inspect.isabstract(cls)
        and bool(getattr(cls, "id", ""))
    )


def _register(
    registry: dict[str, type[Rule]], origins: dict[str, str], rules: list[type[Rule]], origin: str
) -> None:
    for rule in rules:
        problems = rule.metadata_problems()
        if problems:
            raise AiguardError(f"rule {rule.__name__} from {origin}: {'; '.join(problems)}")
        if rule.id in registry and registry[rule.id] is not rule:
            raise AiguardError(
                f"rule id {rule.id} is defined twice: by {origins[rule.id]} and {origin}"
            )
        registry[rule.id] = rule
        origins[rule.id] = origin


def _load_file(path: Path) -> types.ModuleType:
    """Load a plugin file the user named on the command line."""
    if not path.is_file():
        raise AiguardError(f"plugin file not found: {path}")
    name = f"aiguard_plugin_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise AiguardError(f"cannot load plugin file {path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 -- the user's plugin file: one-line error
        raise AiguardError(
            f"plugin file {path} failed to load: {type(exc).__name__}: {exc}"
        ) from None
    return module


class RuleRegistry(Mapping[str, type[Rule]]):
    """Rules by id; a rule's module is imported only when something asks for its class."""

    def __init__(self, refs: Iterable[RuleRef]) -> None:
        self._refs = {ref.id: ref for ref in sorted(refs, key=lambda r: r.id)}
        self._classes: dict[str, type[Rule]] = {}

    @property
    def refs(self) -> list[RuleRef]:
        return list(self._refs.values())

    def __getitem__(self, rule_id: str) -> type[Rule]:
        if rule_id not in self._classes:
            self._classes[rule_id] = self._refs[rule_id].load()
        return self._classes[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._refs)

    def __len__(self) -> int:
        return len(self._refs)


# The index of rule references is cached per interpreter and checked against the state of the
# files it was built from (rule packages) and of sys.path's directories (an install or removal
# changes a site-packages directory), so a warm start imports no rule module at all.
_INDEX_KIND = "rules"
_INDEX_FORMAT = 2


def load_registry(
    plugin_files: Sequence[Path] = (), environ: Mapping[str, str] | None = None
) -> RuleRegistry:
    """Every rule, as lazily loaded references; plugin files are always loaded afresh."""
    if plugin_files:
        return RuleRegistry(RuleRef.of(r) for r in load_rules(plugin_files).values())
    store = JsonStore(cache_dir(os.environ if environ is None else environ))
    key = cache_key(__version__, sys.executable, str(_INDEX_FORMAT))
    cached = _valid_index(store.read(_INDEX_KIND, key))
    if cached is not None:
        return RuleRegistry(cached)
    rules = load_rules()
    refs = [RuleRef.of(r) for r in rules.values()]
    store.write(_INDEX_KIND, key, _index_data(rules.values(), refs))
    return RuleRegistry(refs)


def _index_data(rules: Iterable[type[Rule]], refs: list[RuleRef]) -> dict[str, object]:
    return {
        "path": _path_state(),
        "files": [[f, *_stat(f)] for f in sorted(_source_files(rules))],
        "rules": [ref.to_json() for ref in refs],
    }


def _valid_index(data: object) -> list[RuleRef] | None:
    """The cached references, or None when the cache is missing, malformed or stale."""
    if not isinstance(data, dict):
        return None
    try:
        if data["path"] != _path_state():
            return None
        for path, mtime, size in data["files"]:
            if list(_stat(path)) != [mtime, size]:
                return None
        return [RuleRef.from_json(item) for item in data["rules"]]
    except (KeyError, TypeError, ValueError):
        return None


def _path_state() -> list[list[object]]:
    """Where distributions (and so entry points) can come from: sys.path without its first
    entry, the script's directory or the current one, whose mtime changes with every file
    created there and which holds no installed distribution of a console script."""
    return [[entry, *_stat(entry)] for entry in sys.path[1:]]


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def _source_files(rules: Iterable[type[Rule]]) -> set[str]:
    """Every Python file of the top-level packages the rules come from."""
    files: set[str] = set()
    for top in {r.__module__.split(".")[0] for r in rules}:
        module = sys.modules.get(top)
        if module is None:
            continue
        for directory in getattr(module, "__path__", []):
            for dirpath, _, filenames in os.walk(directory):
                files.update(os.path.join(dirpath, n) for n in filenames if n.endswith(".py"))
        if getattr(module, "__file__", None):
            files.add(str(module.__file__))
    return files
