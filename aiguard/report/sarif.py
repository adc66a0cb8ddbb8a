"""SARIF 2.1.0 for GitHub code scanning (design.md "SARIF contract", notes/integration.md).

The log is built in a fixed order and dumped without sorting, so the same result gives the same
bytes; the only absolute path in it is the checkout root in `originalUriBaseIds`.
`partialFingerprints` carries aiguard's own key only: GitHub computes `primaryLocationLineHash`
itself, and a tool-supplied value that differs from its own draws a warning.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from aiguard.findings import Finding, Notification, Severity, with_fingerprints
from aiguard.report.docs import RuleDoc
from aiguard.report.json_report import dumps, tool_version

if TYPE_CHECKING:
    from aiguard.report import RunResult

Json = dict[str, Any]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/aiguard-lint/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "aiguard/v1"
AUTOMATION_ID = "aiguard/"  # category "aiguard", no run id: each upload replaces the last
PROBLEM_SEVERITY = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTE: "recommendation",
}
PRECISIONS = frozenset({"very-high", "high", "medium", "low"})
MAX_NAME = 255  # GitHub's limits, in UTF-16 code units to be safe
MAX_DESCRIPTION = 1024
MAX_TAGS = 20
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def render(result: RunResult, *, include_suppressed: bool = True) -> str:
    """The SARIF log as text; `include_suppressed=False` leaves inline-suppressed results out
    (GitHub ingests them as open alerts, codeql-action#1230)."""
    return dumps(to_sarif(result, include_suppressed=include_suppressed))


def to_sarif(result: RunResult, *, include_suppressed: bool = True) -> Json:
    """The SARIF log as a JSON-ready dict (one run)."""
    # Fingerprints count repeats over every finding, so leaving suppressed ones out of an upload
    # does not change the fingerprints of the others.
    paired = with_fingerprints(result.findings)
    if not include_suppressed:
        paired = [(f, fp) for f, fp in paired if f.suppression is None]
    rule_ids = sorted({f.rule_id for f, _ in paired})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    run: Json = {
        "tool": {"driver": _driver(result, rule_ids)},
        "invocations": [_invocation(result.notifications)],
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri(result.root)}},
        "automationDetails": {"id": AUTOMATION_ID},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, fp, index[f.rule_id]) for f, fp in paired],
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


# -- the tool and its rules ---------------------------------------------------------------


def _driver(result: RunResult, rule_ids: Sequence[str]) -> Json:
    return {
        "name": "aiguard",
        "version": tool_version(result),
        "informationUri": INFORMATION_URI,
        "rules": [_descriptor(result, rule_id) for rule_id in rule_ids],
    }


def _descriptor(result: RunResult, rule_id: str) -> Json:
    """What GitHub shows for a rule: descriptions, help, default level, category and tags."""
    rule = result.rules.get(rule_id)
    if rule is None:  # a finding from a rule that is not loaded any more: still a valid index
        return _bare_descriptor(rule_id, result.levels.get(rule_id, Severity.WARNING))
    level = result.level_of(rule_id)
    doc = RuleDoc.of(rule, locate=False)  # the help needs no source location
    properties: Json = {
        "category": rule.category.value,
        "tags": _tags(["aiguard", rule.category.value, *rule.tags]),
    }
    if rule.precision in PRECISIONS:
        properties["precision"] = rule.precision
    properties["problem.severity"] = PROBLEM_SEVERITY[level]
    return {
        "id": rule_id,
        "name": truncate(rule.name, MAX_NAME),
        "shortDescription": {"text": truncate(rule.summary, MAX_DESCRIPTION)},
        "fullDescription": {"text": truncate(doc.full_description(), MAX_DESCRIPTION)},
        "help": {"text": doc.help_text(), "markdown": doc.help_markdown()},
        "defaultConfiguration": {"level": level.value},
        "properties": properties,
    }


def _bare_descriptor(rule_id: str, level: Severity) -> Json:
    text = f"aiguard rule {rule_id}."
    return {
        "id": rule_id,
        "name": truncate(f"unloaded-rule-{rule_id.lower()}", MAX_NAME),  # never equal to the id
        "shortDescription": {"text": text},
        "fullDescription": {"text": text},
        "help": {"text": text},
        "defaultConfiguration": {"level": level.value},
        "properties": {"tags": ["aiguard"], "problem.severity": PROBLEM_SEVERITY[level]},
    }


def _tags(tags: Iterable[str]) -> list[str]:
    """Unique (the schema demands it), in order, at most MAX_TAGS."""
    return list(dict.fromkeys(t for t in tags if t))[:MAX_TAGS]


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-16 code units (JavaScript's count), at a space if one is near."""
    if _utf16_len(text) <= limit:
        return text
    kept, used = [], 1  # room for the ellipsis
    for ch in text:
        used += _utf16_len(ch)
        if used > limit:
            break
        kept.append(ch)
    cut = "".join(kept)
    space = cut.rfind(" ")
    if space >= len(cut) * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + "\u2026"


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


# -- results ------------------------------------------------------------------------------


def _result(finding: Finding, fingerprint: str, rule_index: int) -> Json:
    region = _region(finding.line, finding.column, finding.end_line, finding.end_column)
    result: Json = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": finding.severity.value,
        "message": {"text": finding.message or finding.rule_id},
        "locations": [_location(finding.path, region)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.suppression is not None:
        suppression = {"kind": "inSource", "justification": finding.suppression.justification}
        result["suppressions"] = [suppression]
    return result


def _location(path: str, region: Json | None) -> Json:
    physical: Json = {"artifactLocation": {"uri": relative_uri(path), "uriBaseId": SRCROOT}}
    if region is not None:
        physical["region"] = region
    return {"physicalLocation": physical}


def _region(line: int, column: int | None, end_line: int | None, end_column: int | None) -> Json:
    """A 1-based region; the end only when it is known and not before the start."""
    start_line = max(line, 1)
    region: Json = {"startLine": start_line}
    if column is None:
        return region
    start_column = max(column, 1)
    region["startColumn"] = start_column
    if end_line is None and end_column is not None:
        end_line = line
    if end_line is None or end_line < start_line:
        return region
    if end_column is None:
        region["endLine"] = end_line  # to the end of that line
    elif end_line > start_line or end_column >= start_column:
        region["endLine"] = end_line
        region["endColumn"] = max(end_column, 1)
    return region


# -- the invocation -----------------------------------------------------------------------


def _invocation(notifications: Sequence[Notification]) -> Json:
    """Skipped or unparseable files are notifications; the run failed when part of the change
    went unchecked (Notification.unchecked) or a notification is an error."""
    return {
        "executionSuccessful": not any(
            n.level is Severity.ERROR or n.unchecked for n in notifications
        ),
        "toolExecutionNotifications": [_notification(n) for n in notifications],
    }


def _notification(n: Notification) -> Json:
    notification: Json = {
        "level": n.level.value,
        "message": {"text": n.message or n.kind},
        "descriptor": {"id": n.kind},
    }
    if n.path:
        line = n.line if n.line is not None and n.line >= 1 else None
        region = None if line is None else _region(line, None, None, None)
        notification["locations"] = [_location(n.path, region)]
    return notification


# -- URIs ---------------------------------------------------------------------------------


def relative_uri(path: str) -> str:
    """A repo-relative path as a URI reference: every byte but unreserved ones and `/` escaped.

    Escaping `:` too keeps a first segment like `a:b.py` from reading as a scheme.
    """
    return _quote(_fs_bytes(path), keep=b"/")


def root_uri(root: str) -> str:
    """`file:///abs/root/` for the checkout root (POSIX or Windows), with its trailing slash."""
    if _WINDOWS_DRIVE.match(root):
        drive, rest = root[:2], ntpath.normpath(root[2:]).replace("\\", "/")
        path = f"/{drive}" + _quote(_fs_bytes(rest), keep=b"/")
    else:
        absolute = root if posixpath.isabs(root) else os.path.abspath(root)
        path = _quote(_fs_bytes(absolute), keep=b"/")
        path = "/" + path.lstrip("/")
    return f"file://{path.rstrip('/')}/"


def _fs_bytes(path: str) -> bytes:
    """The file name's bytes: undecodable ones come back from `surrogateescape`."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return path.encode("utf-8", "replace")


def _quote(raw: bytes, *, keep: bytes) -> str:
    return "".join(chr(b) if b in _UNRESERVED or b in keep else f"%{b:02X}" for b in raw)
