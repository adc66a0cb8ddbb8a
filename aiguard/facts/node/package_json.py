"""package.json as data: dependencies by section with their lines, `exports` and `imports` maps."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass
from aiguard.facts.node.jsonc import JsonDocument, JsonValue, parse_jsonc

# ---------------------------------------------------------------------------------------------
# package.json
# ---------------------------------------------------------------------------------------------

DEPENDENCY_SECTIONS = (
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
)


@dataclass(frozen=True)
class Dependency:
    name: str
    section: str
    spec: str  # the version range, or a protocol such as `workspace:*`, `file:..`, `npm:x@1`
    line: int | None


@dataclass(frozen=True)
class PackageJson:
    """The parts of one package.json that resolution and dependency rules read.

    `broken` marks a file that exists but is not JSON: what it declares is unknown, so the
    rules must not call anything undeclared next to it.
    """

    path: str
    directory: str
    name: str | None = None
    dependencies: Mapping[str, Dependency] = field(default_factory=dict)
    exports: JsonValue = None
    imports: JsonValue = None
    scripts: Mapping[str, str] = field(default_factory=dict)
    bin_names: frozenset[str] = frozenset()
    has_types_versions: bool = False
    document: JsonDocument | None = None
    broken: bool = False


def parse_package_json(path: str, text: str, *, key_lines: bool = True) -> PackageJson:
    """Read a package.json's text; raises JsonError when it is not JSON.

    Without `key_lines` (facts about other packages, never reported on) the C parser reads
    it, which matters when a rule looks through dozens of installed packages.
    """
    document = parse_jsonc(text) if key_lines else _parse_fast(text)
    value = document.value
    directory = posixpath.dirname(path)
    if not isinstance(value, dict):
        return PackageJson(path, directory, document=document)
    dependencies: dict[str, Dependency] = {}
    for section in DEPENDENCY_SECTIONS:
        entries = value.get(section)
        if not isinstance(entries, dict):
            continue
        for dep, spec in entries.items():
            if dep and dep not in dependencies:
                line = document.line_of(section, dep)
                dependencies[dep] = Dependency(
                    dep, section, spec if isinstance(spec, str) else "", line
                )
    scripts = value.get("scripts")
    name = value.get("name")
    return PackageJson(
        path=path,
        directory=directory,
        name=name if isinstance(name, str) else None,
        dependencies=dependencies,
        exports=value.get("exports"),
        imports=value.get("imports"),
        scripts={k: v for k, v in scripts.items() if isinstance(v, str)}
        if isinstance(scripts, dict)
        else {},
        bin_names=_bin_names(name if isinstance(name, str) else None, value.get("bin")),
        has_types_versions="typesVersions" in value,
        document=document,
    )


def _parse_fast(text: str) -> JsonDocument:
    try:
        return JsonDocument(json.loads(text.lstrip("\ufeff")))
    except (json.JSONDecodeError, RecursionError):
        return parse_jsonc(text)  # comments, trailing commas - or a real error, raised here


def _bin_names(name: str | None, bin_field: JsonValue) -> frozenset[str]:
    if isinstance(bin_field, dict):
        return frozenset(k for k in bin_field if isinstance(k, str))
    if isinstance(bin_field, str) and name:
        return frozenset({name.rsplit("/", 1)[-1]})
    return frozenset()


def match_subpath_map(mapping: Mapping[str, JsonValue], key: str) -> tuple[JsonValue, str] | None:
    """The entry of an `exports`/`imports` map for `key` and the text `*` stood for, or None.

    Exact keys win; then the `*` pattern with the longest prefix (Node's order); then legacy
    folder keys ending in "/".
    """
    if key in mapping:
        return mapping[key], ""
    best: tuple[int, JsonValue, str] | None = None
    for pattern, target in mapping.items():
        if pattern.count("*") != 1:
            continue
        prefix, suffix = pattern.split("*")
        fits = key.startswith(prefix) and key.endswith(suffix) and len(key) >= len(pattern) - 1
        if fits and (best is None or len(prefix) > best[0]):
            best = (len(prefix), target, key[len(prefix) : len(key) - len(suffix)])
    if best is not None:
        return best[1], best[2]
    for pattern, target in mapping.items():
        if pattern.endswith("/") and key.startswith(pattern):
            return target, key[len(pattern) :]
    return None


def exports_allow(exports: JsonValue, subpath: str) -> bool:
    """Whether a package's `exports` field lets importers reach `subpath` ("." or "./x")."""
    if not isinstance(exports, dict) or not any(k.startswith(".") for k in exports):
        return subpath == "."  # a string, an array or a conditions object: the root only
    found = match_subpath_map(exports, subpath)
    return found is not None and _has_target(found[0])


def _has_target(value: JsonValue) -> bool:
    """A mapping target is live unless it is null (or only nulls): `"./internal/*": null` blocks."""
    return bool(target_strings(value))


def target_strings(value: JsonValue) -> list[str]:
    """Every path string in an exports/imports target, through arrays and condition objects."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in target_strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in target_strings(item)]
    return []
