"""`[tool.aiguard]` in pyproject.toml, or the top level of aiguard.toml: read and validated once."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
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

    def rule_enabled(self, rule_id: str) -> bool:
        if self.select and not any(rule_id.startswith(s) for s in self.select):
            return False
        return not any(rule_id.startswith(i) for i in self.ignore)

    def rule_ignored_for(self, rule_id: str, path: str) -> bool:
        return any(
            path_matches(path, (pattern,)) and any(rule_id.startswith(i) for i in ids)
            for pattern, ids in self.per_file_ignores.items()
        )

    def level_for(self, rule_id: str, default: Severity) -> Severity:
        """The configured severity for a rule (the longest matching id or prefix wins)."""
        matching = [k for k in self.severity if rule_id.startswith(k)]
        return self.severity[max(matching, key=len)] if matching else default

    def is_test_path(self, path: str) -> bool:
        return path_matches(path, self.test_paths)

    def is_excluded(self, path: str) -> bool:
        return path_matches(path, DEFAULT_EXCLUDE + self.exclude)

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


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


_KEYS = {
    "select",
    "ignore",
    "per-file-ignores",
    "severity",
    "fail-on",
    "exclude",
    "exclude-vendored",
    "test-paths",
    "extend-test-paths",
    "python",
}


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """Read aiguard.toml, else pyproject.toml's [tool.aiguard], at `root` (or `explicit`)."""
    if explicit is not None:
        return _from_file(explicit, in_pyproject=explicit.name == "pyproject.toml")
    dedicated = root / "aiguard.toml"
    if dedicated.is_file():
        return _from_file(dedicated, in_pyproject=False)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        return _from_file(pyproject, in_pyproject=True)
    return Config()


def _from_file(path: Path, *, in_pyproject: bool) -> Config:
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
    if in_pyproject:
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise AiguardError(f"{path.name}: `tool` must be a table, not {type(tool).__name__}")
        table = tool.get("aiguard")
        if table is None:
            return Config()
        where = f"{path.name} [tool.aiguard]"
    else:
        table = data
        where = path.name
    if not isinstance(table, dict):
        raise AiguardError(f"{where}: expected a table")
    return parse_table(table, where)


def parse_table(table: Mapping[str, Any], where: str) -> Config:
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise AiguardError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})"
        )
    config = Config(source=where)
    if "select" in table:
        config = replace(config, select=_ids(table["select"], f"{where} select"))
    if "ignore" in table:
        config = replace(config, ignore=_ids(table["ignore"], f"{where} ignore"))
    if "per-file-ignores" in table:
        pfi = _table(table["per-file-ignores"], f"{where} per-file-ignores")
        config = replace(
            config,
            per_file_ignores={
                str(glob): _ids(ids, f"{where} per-file-ignores {glob!r}")
                for glob, ids in pfi.items()
            },
        )
    if "severity" in table:
        sev = _table(table["severity"], f"{where} severity")
        levels = {}
        for rule_id, level in sev.items():
            _ids([rule_id], f"{where} severity")
            levels[rule_id] = _severity(level, f"{where} severity.{rule_id}")
        config = replace(config, severity=levels)
    if "fail-on" in table:
        config = replace(config, fail_on=parse_fail_on(table["fail-on"], f"{where} fail-on"))
    if "exclude" in table:
        config = replace(config, exclude=_strings(table["exclude"], f"{where} exclude"))
    if "exclude-vendored" in table:
        value = table["exclude-vendored"]
        if not isinstance(value, bool):
            raise AiguardError(f"{where} exclude-vendored: expected true or false")
        config = replace(config, exclude_vendored=value)
    if "test-paths" in table:
        config = replace(config, test_paths=_strings(table["test-paths"], f"{where} test-paths"))
    if "extend-test-paths" in table:
        extra = _strings(table["extend-test-paths"], f"{where} extend-test-paths")
        config = replace(config, test_paths=config.test_paths + extra)
    if "python" in table:
        if not isinstance(table["python"], str):
            raise AiguardError(f"{where} python: expected a path string")
        config = replace(config, python=table["python"])
    return config


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
        digits = rule_id[3:]
        if not (
            rule_id.startswith("AIG") and (digits == "" or digits.isdigit()) and len(digits) <= 3
        ):
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
