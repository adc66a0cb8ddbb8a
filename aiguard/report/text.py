"""The human report, laid out like ruff: one block per active finding, then a summary line.

Everything taken from the scanned repository (paths, messages, source lines) goes through
`printable` first: a file name or a line of code must not be able to move the cursor, recolour the
terminal, reorder text with bidi controls, or start a new line that a CI runner would read as a
command.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from aiguard.findings import Finding, Notification, Severity

if TYPE_CHECKING:
    from aiguard.report import RunResult

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_COLOR = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.NOTE: "\x1b[34m"}
_INDENT = "    "
_ORDER = (Severity.ERROR, Severity.WARNING, Severity.NOTE)
# Invisible characters that reorder displayed text ("trojan source"): shown escaped.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def render(result: RunResult, *, color: bool, summary: bool = True) -> str:
    """Every active finding with its source line, then the summary (notifications go to stderr).

    Without the summary (`--quiet`) a clean run prints nothing at all."""
    lines: list[str] = []
    for finding in result.active:
        lines.extend(finding_block(finding, color=color))
        lines.append("")
    if summary:
        lines.append(summary_line(result))
    elif lines:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def notification_line(n: Notification) -> str:
    """One line for stderr, e.g. `aiguard: cannot parse a.py: ...` (never more than one line)."""
    where = n.path if n.line is None or n.path is None else f"{n.path}:{n.line}"
    # Engine messages usually name the file already; do not say it twice.
    prefix = f"{where}: " if where is not None and n.path and n.path not in n.message else ""
    level = "error: " if n.level is Severity.ERROR else ""
    return printable(f"aiguard: {level}{prefix}{n.message}")


def printable(text: str, *, keep: str = "\t") -> str:
    """`text` with control, line-breaking, bidi and lone-surrogate characters shown as escapes.

    A lone surrogate from a `surrogateescape`-decoded file name shows as the byte it stands for.
    """
    if text.isprintable() and not _BIDI.intersection(text):
        return text  # the common case, checked in C
    return "".join(ch if ch in keep else _escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp") or ch in _BIDI:
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return ch


def finding_block(finding: Finding, *, color: bool) -> list[str]:
    """The heading `path:line:col: ID [severity] message`, then the source line and its carets."""
    severity = finding.severity
    path = _paint(printable(finding.path), _BOLD, color=color)
    tag = _paint(f"[{severity.value}]", _COLOR[severity], color=color)
    head = f"{path}:{finding.line}:{finding.column}: {finding.rule_id} {tag} "
    head += printable(finding.message)
    source = finding.line_text.rstrip("\r\n")
    if not source.strip():
        return [head]
    pad, marker = _caret(source, finding)
    carets = _paint("^" * marker, _COLOR[severity], color=color)
    return [head, _INDENT + printable(source), _INDENT + pad + carets]


def _caret(source: str, finding: Finding) -> tuple[str, int]:
    """The padding before the marker (tabs kept so it lines up) and the marker's width."""
    start = max(finding.column, 1) - 1
    if finding.end_column is not None and finding.end_line in (None, finding.line):
        stop = finding.end_column - 1
    elif finding.end_line is not None and finding.end_line > finding.line:
        stop = len(source)  # the range runs on past this line: mark to its end
    else:
        stop = start + 1
    pad = "".join("\t" if ch == "\t" else " " * _width(ch) for ch in source[:start])
    pad += " " * max(start - len(source), 0)
    return pad, max(sum(_width(ch) for ch in source[start:stop]), 1)


def _width(ch: str) -> int:
    """Terminal columns `ch` takes once printed through `printable` (a tab: one caret)."""
    if ch == "\t":
        return 1
    shown = printable(ch, keep="")
    if shown != ch:
        return len(shown)
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _paint(text: str, style: str, *, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def summary_line(result: RunResult) -> str:
    """`Found 3 findings (2 errors, 1 warning) in 5 files checked.` or `All checks passed: ...`.

    When files could not be checked it never says "All checks passed": it counts them.
    """
    active = result.active
    files = _plural(result.files_checked, "file")
    suppressed = len(result.findings) - len(active)
    tail = f"; {suppressed} suppressed inline" if suppressed else ""
    unchecked = len(result.unchecked)
    if unchecked:
        missed = f"{_plural(unchecked, 'file')} could not be checked (see the notes on stderr)"
        if result.allow_unchecked:
            missed += ", allowed by --allow-unchecked"
        if not active:
            return f"No findings in {files} checked{tail}, but {missed}."
        return f"{_found(active)} in {files} checked{tail}; {missed}."
    if not active:
        return f"All checks passed: {files} checked{tail}."
    return f"{_found(active)} in {files} checked{tail}."


def _found(active: list[Finding]) -> str:
    counts = severity_counts(active)
    detail = ", ".join(_plural(counts[s], s.value) for s in _ORDER if counts[s])
    return f"Found {_plural(len(active), 'finding')} ({detail})"


def severity_counts(findings: Iterable[Finding]) -> Counter[Severity]:
    """How many findings of each severity (zero for the absent ones)."""
    return Counter(f.severity for f in findings)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
