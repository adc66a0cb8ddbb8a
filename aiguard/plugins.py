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
import pkgutil
import sys
import types
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path
from typing import TypeGuard

from aiguard.errors import AiguardError
from aiguard.rule import Rule

GROUP = "aiguard.rules"


def load_rules(plugin_files: Iterable[Path] = ()) -> dict[str, type[Rule]]:
    """Every installed rule plus those in `plugin_files`, by id; a broken plugin is an error."""
    registry: dict[str, type[Rule]] = {}
    origins: dict[str, str] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: (e.name, e.value)):
        origin = f"entry point {ep.name!r} ({ep.value})"
        try:
            loaded = ep.load()
        except Exception as exc:  # any error in third-party code: report it, do not crash
            raise AiguardError(
                f"rule plugin {origin} failed to load: {type(exc).__name__}: {exc}"
            ) from None
        _register(registry, origins, rules_in(loaded), origin)
    for path in plugin_files:
        _register(registry, origins, rules_in(_load_file(path)), f"plugin file {path}")
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
    except Exception as exc:  # the user's plugin code: report, do not crash
        raise AiguardError(
            f"plugin file {path} failed to load: {type(exc).__name__}: {exc}"
        ) from None
    return module
