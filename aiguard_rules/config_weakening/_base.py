"""What every config-weakening rule shares: parsing both versions, mapping lines, reporting.

A rule compares the meaning of the before- and after-version. A weakened setting that is still
present is reported on its after-line; a removed one on the nearest surviving line with
`removal=True`. A finding whose after-line the change did not touch (the meaning changed through
another line - a table header, a moved key) is marked as a removal too, so the engine keeps it:
the comparison already proved the change introduced it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from typing import Any

from aiguard.findings import Severity
from aiguard.lint.rule import FileRule
from aiguard.memo import MemoKey
from aiguard.source import Source, SourceError

from ._doc import MISSING, UNKNOWN, Doc, parsed

UNSET = "(unset)"
REMOVED = "(removed)"

# Path components that name build output, dependencies, caches, vendored or generated code:
# leaving those out of a linter, a type checker or coverage is housekeeping, not weakening.
_GENERATED_PARTS = frozenset(
    {
        "build", "dist", "out", "target", "coverage", "htmlcov", "node_modules", "bower_components",
        ".venv", "venv", "env", ".env", ".git", ".hg", ".svn", ".tox", ".nox", "__pycache__",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "site-packages", "vendor",
        "vendored", "third_party", "third-party", "external", ".next", ".nuxt", ".output",
        ".svelte-kit", ".cache", ".turbo", ".parcel-cache", ".idea", ".vscode", "_build",
        "migrations", "generated", "__generated__", "gen", "storybook-static", ".docusaurus",
        "public", "static", "assets", "docs", "site", "tmp", ".tmp", "typings", "stubs",
    }
)  # fmt: skip
_GENERATED_FILE = re.compile(
    r"(_pb2(_grpc)?\.pyi?|\.min\.(js|css)|\.d\.ts|\.egg-info|\.generated\.\w+|\.gen\.\w+|"
    r"\.map|\.lock|\.snap)$",
    re.IGNORECASE,
)


def is_generated_path(pattern: str) -> bool:
    """Whether an exclude/ignore entry names build output, dependencies, caches, generated code."""
    cleaned = pattern.strip().strip("!").strip()
    if not cleaned or cleaned in ("*", "**", "**/*", "./**", "."):
        return False
    parts = [p for p in re.split(r"[/\\]+", cleaned) if p not in ("", ".", "**", "*")]
    if not parts:
        return False
    names = [p.strip("*").strip(".") if p.startswith("*.") else p.strip("*") for p in parts]
    if any(
        n.lower() in _GENERATED_PARTS or f".{n.lower()}" in _GENERATED_PARTS for n in names if n
    ):
        return True
    if any(p.lower().endswith(".egg-info") for p in parts):
        return True
    return bool(_GENERATED_FILE.search(parts[-1].rstrip("*")))


class Verbatim(str):
    """A description shown as is in a message (`true (via strict)`), never quoted."""


def show(value: Any) -> str:
    """A setting's value as the user wrote it, compactly (`true`, `"basic"`, `80`)."""
    if isinstance(value, Verbatim):
        return str(value)
    if value is MISSING:
        return UNSET
    if value is UNKNOWN:
        return "(computed)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value if re.fullmatch(r"[\w.+:/@*-]+", value) else json.dumps(value)
    return json.dumps(value, default=str)


_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def as_bool(value: Any) -> bool | None:
    """A boolean from TOML/JSON/YAML or an INI string; None when absent or not a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return None


def as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().rstrip("%"))
        except ValueError:
            return None
    return None


def as_list(value: Any, *, separators: str = r"[,\s]+") -> list[str]:
    """A list setting: a TOML/JSON list, or an INI/TOML string split on commas and whitespace."""
    if value is MISSING or value is None or value is UNKNOWN:
        return []
    if isinstance(value, list):
        items: list[str] = []
        for item in value:
            if isinstance(item, str):
                items.extend(s for s in re.split(separators, item.strip()) if s)
            elif item is not UNKNOWN:
                items.append(show(item))
        return items
    if isinstance(value, str):
        without_comments = "\n".join(re.sub(r"\s[#;].*$", "", ln) for ln in value.splitlines())
        return [s for s in re.split(separators, without_comments.strip()) if s]
    return [show(value)]


def _first_parse(source: Source, kinds: tuple[str, ...]) -> Doc:
    """The source parsed as the first kind that accepts it (`.eslintrc` is JSON or YAML)."""
    error: SourceError | None = None
    for kind in kinds:
        try:
            return parsed(source, kind)
        except SourceError as exc:
            error = error or exc
    raise error or SourceError("no parser given")


_OPCODES: MemoKey[Sequence[tuple[str, int, int, int, int]]] = MemoKey(
    "config-weakening: before-to-after line opcodes"
)


class ConfigRule(FileRule):
    """A FileRule that compares a configuration's meaning before and after the change."""

    compared = False  # True once a before-version parsed: untouched lines may then be reported

    def versions(self, *kinds: str) -> tuple[Doc | None, Doc]:
        """(before, after) parsed as the first of `kinds` that fits. A broken after-version raises
        SourceError; a broken before-version counts as absent (nothing to compare against)."""
        after = _first_parse(self.after, kinds)
        before: Doc | None = None
        if self.before is not None:
            try:
                before = _first_parse(self.before, kinds)
            except SourceError:
                before = None
        self.compared = before is not None
        return before, after

    def weaker(self, line: int, message: str, *, severity: Severity | None = None) -> None:
        """Report a weakened setting that stands on after-line `line`."""
        removal = self.compared and not self.context.change.is_changed(line)
        self.report_line(line, message, severity=severity, removal=removal)

    def removed(self, before_line: int, message: str, *, severity: Severity | None = None) -> None:
        """Report a setting the change took away, on the nearest surviving after-line."""
        self.report_line(self.after_line(before_line), message, severity=severity, removal=True)

    def after_line(self, before_line: int) -> int:
        """The after-line nearest to where `before_line` of the before-version stood."""
        if self.before is None:
            return 1
        before_lines = self.before.lines
        after_lines = self.after.lines
        opcodes = self.after.memo(
            _OPCODES,
            lambda: difflib.SequenceMatcher(
                None, before_lines, after_lines, autojunk=False
            ).get_opcodes(),
        )
        index = before_line - 1
        last = max(len(after_lines), 1)
        for tag, i1, i2, j1, j2 in opcodes:
            if not i1 <= index < i2:
                continue
            if tag == "equal":
                return min(j1 + (index - i1) + 1, last)
            if tag == "replace":
                return min(j1 + min(index - i1, j2 - j1 - 1) + 1, last)
            return min(max(j1, 1), last)  # deleted: the line just above the gap
        return last
