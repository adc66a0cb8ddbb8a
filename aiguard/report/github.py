"""GitHub Actions workflow commands: one annotation per active finding.

`::error file=F,line=L,endLine=L2,col=C,endColumn=C2,title=T::message` (`::warning`, `::notice`).
The runner splits its log on CR and LF and reads `,` and `:` inside the property list, so a file
name or message could otherwise forge a command or a property: `%`, CR and LF are percent-escaped
everywhere and `:` and `,` in property values too (notes/integration.md); other control,
line-breaking and bidi characters are shown as backslash escapes (`text.printable`).
Columns are given only for a range on one line (the runner drops them otherwise) and `endColumn`
is the last character's column, counted like `line`/`endLine`.

GitHub shows 10 error, 10 warning and 10 notice annotations per step and drops the rest, in the
order they were printed: errors come first, at most 10 of a kind are annotations, the others are
plain log lines, and a final notice says how many were not annotated and where to find them (the
step summary, `step_summary.py`, has every finding).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiguard.findings import Finding, Notification, Severity
from aiguard.report.text import notification_line, printable

if TYPE_CHECKING:
    from aiguard.report import RunResult

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
PER_KIND = 10  # annotations GitHub shows per kind and step (actions/toolkit problem-matchers.md)


def render(result: RunResult) -> str:
    """Annotations, errors first and at most PER_KIND of a kind; one command or line per line."""
    entries: list[tuple[Severity, str, str]] = []  # (kind, annotation, plain log line)
    for f in result.active:
        entries.append((f.severity, annotation(f, result), plain_line(f)))
    plain: list[str] = []
    for n in result.notifications:
        if n.path:
            entries.append((n.level, notification(n), notification_line(n)))
        else:
            plain.append(notification_line(n))  # one line, never starting with "::"
    entries.sort(key=lambda entry: -entry[0].rank)  # stable: findings stay in report order
    overflow = any(sum(1 for e in entries if e[0] is kind) > PER_KIND for kind in Severity)
    lines, shown = [], dict.fromkeys(Severity, 0)
    left_out = 0
    for kind, command, line in entries:
        # When some must be left out, one notice slot is kept for the notice that says so.
        room = PER_KIND - 1 if overflow and kind is Severity.NOTE else PER_KIND
        if shown[kind] < room:
            shown[kind] += 1
            lines.append(command)
        else:
            left_out += 1
            lines.append(line)
    lines += plain
    if left_out:
        lines.append(
            _command(
                "notice",
                [("title", "aiguard")],
                f"{left_out} more not shown as annotations (GitHub shows {PER_KIND} of each kind "
                "per step): they are in this step's log above and in the job summary.",
            )
        )
    return "".join(f"{line}\n" for line in lines)


def plain_line(finding: Finding) -> str:
    """A finding as one plain log line (not a command), for those past the annotation cap."""
    return printable(
        f"aiguard: {finding.path}:{finding.line}:{finding.column}: {finding.rule_id} "
        f"[{finding.severity.value}] {finding.message}"
    )


def annotation(finding: Finding, result: RunResult) -> str:
    rule = result.rules.get(finding.rule_id)
    title = f"{finding.rule_id} {rule.name}" if rule else finding.rule_id
    properties = [("file", finding.path), *_position(finding), ("title", title)]
    return _command(COMMAND[finding.severity], properties, finding.message)


def notification(n: Notification) -> str:
    """A notification about a file is an annotation on it (titled "aiguard"), any other a plain
    log line: an annotation without a file would only repeat it."""
    if not n.path:
        return notification_line(n)  # one line, never starting with "::"
    properties = [("file", n.path)]
    if n.line is not None and n.line >= 1:
        properties.append(("line", str(n.line)))
    properties.append(("title", "aiguard"))
    return _command(COMMAND[n.level], properties, n.message or n.kind)


def _position(f: Finding) -> list[tuple[str, str]]:
    line = max(f.line, 1)
    position = [("line", str(line))]
    end_line = f.end_line if f.end_line is not None else line
    if end_line > line:
        return [*position, ("endLine", str(end_line))]
    position += [("endLine", str(line)), ("col", str(max(f.column, 1)))]
    if f.end_column is not None and end_line == line and f.end_column > max(f.column, 1):
        position.append(("endColumn", str(f.end_column - 1)))
    return position


def _command(name: str, properties: list[tuple[str, str]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{name} {props}::{escape_data(message)}"


def escape_data(value: str) -> str:
    """A command's message: `%` first, then CR and LF (GitHub shows %0A as a line break)."""
    escaped = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(escaped)


def escape_property(value: str) -> str:
    """A property value: as data, and `:` and `,` too, so it cannot end the property list."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
