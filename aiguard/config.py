"""`[tool.aiguard]` in pyproject.toml, or the top level of aiguard.toml: read and validated once."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aiguard import tomlcompat as tomllib
from aiguard.errors import AiguardError
from aiguard.findings import Severity
from aiguard.safe_read import read_text

DEFAULT_TEST_PATHS = (
    "tests/**",
    "test/**",
    "**/tests/**",
    "**/test/**",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "**/__tests__/**",
    "*.test.*",
    "*.spec.*",
    "e2e/**",
    "**/e2e/**",
    "cypress/**",
    "**/cypress/**",
)
DEFAULT_EXCLUDE = (
    ".git/**",
    "**/node_modules/**",
    "node_modules/**",
    ".venv/**",
    "venv/**",
    "**/__pycache__/**",
)
FAIL_ON_NEVER = "never"


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()  # rule ids or prefixes ("AIG1"); empty: every rule
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity | None = Severity.WARNING  # None: never fail on findings
    exclude: tuple[str, ...] = ()
    # --all leaves out vendored, generated and minified files (see aiguard.change.vendored).
    exclude_vendored: bool = True
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    python: str | None = None
    source: str | None = None  # the file it was read from, for messages
    # The folder this config governs, repo-relative ("" the root); its patterns are relative to it.
    folder: str = ""
    # The root config only: the configs of subfolders (`web/aiguard.toml`), deepest first. The
    # nearest one governs the files under its folder, as in ruff; nothing is merged.
    nested: tuple[Config, ...] = ()

    def for_path(self, path: str) -> Config:
        """The config that governs `path`: the nearest nested one above it, else this one."""
        for config in self.nested:
            if path.startswith(config.folder + "/"):
                return config
        return self

    def local(self, path: str) -> str:
        """`path` relative to this config's folder (the form its patterns are written in)."""
        if self.folder and path.startswith(self.folder + "/"):
            return path[len(self.folder) + 1 :]
        return path

    def rule_enabled(self, rule_id: str) -> bool:
        if self.select and not any(rule_id.startswith(s) for s in self.select):
            return False
        return not any(rule_id.startswith(i) for i in self.ignore)

    def rule_ignored_for(self, rule_id: str, path: str) -> bool:
        local = self.local(path)
        return any(
            path_matches(local, (pattern,)) and any(rule_id.startswith(i) for i in ids)
            for pattern, ids in self.per_file_ignores.items()
        )

    def level_for(self, rule_id: str, default: Severity) -> Severity:
        """The configured severity for a rule (the longest matching id or prefix wins)."""
        matching = [k for k in self.severity if rule_id.startswith(k)]
        return self.severity[max(matching, key=len)] if matching else default

    def is_test_path(self, path: str) -> bool:
        """Whether `path` is test code, by the test-paths of the config that governs it."""
        config = self.for_path(path)
        return path_matches(config.local(path), config.test_paths)

    def is_excluded(self, path: str) -> bool:
        """Excluded by this config, or by the nested config that governs `path`."""
        if path_matches(path, DEFAULT_EXCLUDE) or path_matches(self.local(path), self.exclude):
            return True
        config = self.for_path(path)
        return config is not self and config.is_excluded(path)

    def with_overrides(self, **changes: Any) -> Config:
        """Command-line values: they win over every config file, nested ones too."""
        given = {k: v for k, v in changes.items() if v is not None}
        rule_choice = {k: v for k, v in given.items() if k in ("select", "ignore")}
        nested = tuple(replace(c, **rule_choice) for c in self.nested)
        return replace(self, **given, nested=nested)


def path_matches(path: str, patterns: tuple[str, ...]) -> bool:
    """gitignore-like globs: a pattern without "/" matches the base name, "**/" any depth."""
    name = path.rsplit("/", 1)[-1]
    for pattern in patterns:
        if "/" not in pattern:
            if fnmatch.fnmatchcase(name, pattern):
                return True
            continue
        if fnmatch.fnmatchcase(path, pattern):
            return True
        if pattern.startswith("**/") and fnmatch.fnmatchcase(path, pattern[3:]):
            return True
        if pattern.endswith("/**") and (path + "/").startswith(pattern[:-2]):
            return True
    return False


@dataclass(frozen=True)
class Setting:
    """One key of `[tool.aiguard]`: what its value must be, and what it means (the JSON Schema,
    `aiguard schema`, is built from this table; `parse_table` checks the same kinds)."""

    kind: str  # ids | strings | ids-by-glob | level-by-id | fail-on | path | bool
    description: str
    root_only: bool = False  # one value per run: only the repository's root config may set it


SETTINGS: dict[str, Setting] = {
    "select": Setting("ids", "Rule ids or prefixes to run (`AIG1`, `AIG101`, `AIG` for all)."),
    "ignore": Setting("ids", "Rule ids or prefixes not to run; wins over select."),
    "per-file-ignores": Setting(
        "ids-by-glob", "Rules not to run on the files a glob matches: glob -> rule ids or prefixes."
    ),
    "severity": Setting(
        "level-by-id",
        "Severity per rule id or prefix (the longest match wins): note|warning|error.",
    ),
    "fail-on": Setting(
        "fail-on",
        "Exit 1 when a finding is at or above this severity (default warning); never: do not fail.",
        root_only=True,
    ),
    "exclude": Setting(
        "strings", "Globs of files not to check (gitignore-like, relative to the config)."
    ),
    "exclude-vendored": Setting(
        "bool",
        "With --all, leave out vendored, generated and minified files (default true).",
        root_only=True,
    ),
    "test-paths": Setting(
        "strings",
        "Globs of test files; replaces the defaults (tests/**, test_*.py, *.test.*, ...).",
    ),
    "extend-test-paths": Setting("strings", "Globs of test files, added to test-paths."),
    "python": Setting(
        "path",
        "The project's Python interpreter or virtualenv, read statically for import checks.",
        root_only=True,
    ),
}
_KEYS = set(SETTINGS)
ID_PATTERN = r"^AIG[0-9]{0,3}$"  # a rule id or a prefix of one; "AIG" alone: every rule
LEVELS = tuple(s.value for s in Severity)
CONFIG_NAMES = ("aiguard.toml", "pyproject.toml")  # in a folder, aiguard.toml wins


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """Read aiguard.toml, else pyproject.toml's [tool.aiguard], at `root` (or `explicit`)."""
    if explicit is not None:
        return _from_file(explicit, in_pyproject=explicit.name == "pyproject.toml")
    found = config_file(root)
    if found is None:
        return Config()
    return _from_file(found, in_pyproject=found.name == "pyproject.toml")


def config_file(folder: Path, *, nested: bool = False) -> Path | None:
    """The config file of one folder: aiguard.toml, else a pyproject.toml with [tool.aiguard]
    (a pyproject.toml without that table configures nothing and is passed over). Below the
    root (`nested`), a pyproject.toml that does not parse is passed over too unless its text
    names the table: a subproject's broken file is a finding on that file, not a config error."""
    dedicated = folder / "aiguard.toml"
    if dedicated.is_file():
        return dedicated
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and _has_table(pyproject, nested=nested):
        return pyproject
    return None


def with_nested(config: Config, root: Path, paths: Iterable[str]) -> Config:
    """`config` (the root's) with the config files of the folders above `paths`, below the root.

    Each is read once; the nearest one to a file governs it. A nested config may not set a
    root-only key (`fail-on`, `python`): one value serves the whole run.
    """
    folders: set[str] = set()
    for path in paths:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[:n]) for n in range(1, len(parts) + 1))
    nested = []
    for folder in sorted(folders):
        found = config_file(root / folder, nested=True)
        if found is None:
            continue
        where = f"{folder}/{found.name}" + (
            " [tool.aiguard]" if found.name == "pyproject.toml" else ""
        )
        table = _read_table(found, in_pyproject=found.name == "pyproject.toml", where=where)
        if table is None:
            continue
        for key in sorted(set(table) & _KEYS):
            if SETTINGS[key].root_only:
                raise AiguardError(
                    f"{where}: {key} can only be set in the repository's root config "
                    "(one value serves the whole run)"
                )
        nested.append(replace(parse_table(table, where), folder=folder))
    nested.sort(key=lambda c: -c.folder.count("/"))  # deepest first: the nearest one wins
    return replace(config, nested=tuple(nested))


def _has_table(pyproject: Path, *, nested: bool) -> bool:
    try:
        return _read_table(pyproject, in_pyproject=True, where=pyproject.name) is not None
    except AiguardError:
        if not nested:
            raise
        try:
            text = read_text(pyproject, errors="replace")
        except OSError:
            return False
        if re.search(r"^\s*\[\s*tool\s*\.\s*aiguard\b", text, re.M):
            raise
        return False


def _from_file(path: Path, *, in_pyproject: bool) -> Config:
    where = f"{path.name} [tool.aiguard]" if in_pyproject else path.name
    table = _read_table(path, in_pyproject=in_pyproject, where=where)
    return Config() if table is None else parse_table(table, where)


def _read_table(path: Path, *, in_pyproject: bool, where: str) -> Mapping[str, Any] | None:
    """The aiguard table of a config file; None for a pyproject.toml without one."""
    try:
        data = tomllib.loads(read_text(path))
    except FileNotFoundError:
        raise AiguardError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AiguardError(f"cannot read {path}: {exc}") from None
    except (tomllib.TOMLDecodeError, ValueError) as exc:  # ValueError: a 5,000-digit integer
        raise AiguardError(f"{path}: invalid TOML: {exc}") from None
    except (RecursionError, MemoryError):
        raise AiguardError(f"{path}: invalid TOML: nested too deeply to read") from None
    if not in_pyproject:
        table: Any = data
    else:
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise AiguardError(f"{path.name}: `tool` must be a table, not {type(tool).__name__}")
        table = tool.get("aiguard")
        if table is None:
            return None
    if not isinstance(table, dict):
        raise AiguardError(f"{where}: expected a table")
    return table


def parse_table(table: Mapping[str, Any], where: str) -> Config:
    """A config from its table, each key checked by its kind in SETTINGS."""
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise AiguardError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})"
        )
    value = {key: _PARSERS[SETTINGS[key].kind](table[key], f"{where} {key}") for key in table}
    config = Config(source=where)
    for key, field_name in _FIELDS.items():
        if key in value:
            config = replace(config, **{field_name: value[key]})
    if "extend-test-paths" in value:
        config = replace(config, test_paths=config.test_paths + value["extend-test-paths"])
    return config


def _ids_by_glob(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    table = _table(value, where)
    return {str(glob): _ids(ids, f"{where} {glob!r}") for glob, ids in table.items()}


def _level_by_id(value: Any, where: str) -> dict[str, Severity]:
    table = _table(value, where)
    levels = {}
    for rule_id, level in table.items():
        _ids([rule_id], where)
        levels[rule_id] = _level(level, f"{where}.{rule_id}", LEVELS)
    return levels


def _config_fail_on(value: Any, where: str) -> Severity | None:
    if value == FAIL_ON_NEVER:
        return None
    return _level(value, where, (*LEVELS, FAIL_ON_NEVER))


def _level(value: Any, where: str, choices: tuple[str, ...]) -> Severity:
    """Exactly one of the lower-case names, as the JSON Schema's enum has them."""
    if not isinstance(value, str) or value not in LEVELS:
        raise AiguardError(
            f"{where}: unknown severity {value!r} (choose from {', '.join(choices)})"
        )
    return Severity(value)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise AiguardError(f"{where}: expected true or false")
    return value


def _path(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise AiguardError(f"{where}: expected a path string")
    return value


def parse_fail_on(value: Any, where: str) -> Severity | None:
    if isinstance(value, str) and value.strip().lower() == FAIL_ON_NEVER:
        return None
    return _severity(value, where)


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as exc:
        raise AiguardError(f"{where}: {exc}") from None


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list):
        raise AiguardError(f"{where}: expected a list of strings")
    if not all(isinstance(v, str) for v in value):
        raise AiguardError(f"{where}: expected a list of strings")
    return tuple(value)


def _ids(value: Any, where: str) -> tuple[str, ...]:
    ids = _strings(value, where)
    for rule_id in ids:
        if not _ID.fullmatch(rule_id):
            raise AiguardError(
                f"{where}: {rule_id!r} is not a rule id or prefix (like AIG101, AIG1 or AIG)"
            )
    return ids


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise AiguardError(f"{where}: expected a table")
    return value


def check_rule_ids(config: Config, known: set[str]) -> None:
    """Every id or prefix the config names must match a known rule: a typo is an error."""
    named = [*config.select, *config.ignore, *config.severity]
    for ids in config.per_file_ignores.values():
        named.extend(ids)
    for rule_id in named:
        if not any(k.startswith(rule_id) for k in known):
            where = config.source or "configuration"
            raise AiguardError(f"{where}: unknown rule {rule_id!r} (see `aiguard rules`)")


_ID = re.compile(ID_PATTERN[1:-1])
_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "ids": _ids,
    "strings": _strings,
    "ids-by-glob": _ids_by_glob,
    "level-by-id": _level_by_id,
    "fail-on": _config_fail_on,
    "path": _path,
    "bool": _bool,
}
_FIELDS = {  # key -> Config field; extend-test-paths is added to test-paths instead
    "select": "select",
    "ignore": "ignore",
    "per-file-ignores": "per_file_ignores",
    "severity": "severity",
    "fail-on": "fail_on",
    "exclude": "exclude",
    "exclude-vendored": "exclude_vendored",
    "test-paths": "test_paths",
    "python": "python",
}
