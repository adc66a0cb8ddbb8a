"""SARIF 2.1.0 for GitHub code scanning (design.md "SARIF contract", notes/integration.md).

The log is built in a fixed order and dumped without sorting, so the same result gives the same
bytes; the only absolute path in it is the checkout root in `originalUriBaseIds`.
`partialFingerprints` carries aiguard's own stable key (`aiguard/v1`) and, for a finding in a file
that can be read under the root, `primaryLocationLineHash` computed exactly as GitHub's upload
action computes it from the same checked-out file (`line_hash`): a value that differs from the
action's own would draw a warning, so a file that cannot be read gets none and the action fills it.
Every result's region has `endLine` and `endColumn` (GitHub's table marks them required).
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiguard.change.model import DEFAULT_MAX_BYTES
from aiguard.findings import Finding, Notification, Severity, with_fingerprints
from aiguard.report.docs import RuleDoc
from aiguard.report.json_report import dumps, tool_version
from aiguard.report.line_hash import decode_like_node, line_hashes

if TYPE_CHECKING:
    from aiguard.report import RunResult

Json = dict[str, Any]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/aiguard-lint/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "aiguard/v1"
LINE_HASH_KEY = "primaryLocationLineHash"
MAX_HASHED_BYTES = DEFAULT_MAX_BYTES
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
        "results": [],
    }
    hashes = _LineHashes(result.root)
    for f, fp in paired:
        sarif_result = _result(f, fp, index[f.rule_id])
        line_hash = hashes.get(f.path, max(f.line, 1))
        if line_hash is not None:
            sarif_result["partialFingerprints"][LINE_HASH_KEY] = line_hash
        run["results"].append(sarif_result)
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
    result: Json = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": finding.severity.value,
        "message": {"text": finding.message or finding.rule_id},
        "locations": [_location(finding.path, result_region(finding))],
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


def result_region(f: Finding) -> Json:
    """A finding's 1-based region, always with its end (`endColumn` one past the last character).

    A known end that is not after the start, or an unknown one, becomes the end of the start line
    (from the finding's line text): a region that runs onto unchanged lines would hide the alert
    from a pull request's checks, which show only alerts whose lines all belong to the diff.
    """
    start_line, start_column = max(f.line, 1), max(f.column, 1)
    end_line = f.end_line if f.end_line is not None else start_line
    end_column = f.end_column
    if (
        end_column is None
        or end_line < start_line
        or (end_line == start_line and end_column <= start_column)
    ):
        end_line = start_line
        line_end = len(f.line_text.rstrip("\r\n")) + 1
        end_column = max(line_end, start_column + 1)
    return {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }


class _LineHashes:
    """Line hashes of the files under `root`, each file read once, as the upload action reads it.

    Only a regular file inside the root counts (no symlink out of it); one that cannot be read
    gets no hash, and the action computes its own.
    """

    def __init__(self, root: str) -> None:
        self.root = Path(root)
        self.files: dict[str, list[str] | None] = {}

    def get(self, path: str, line: int) -> str | None:
        if path not in self.files:
            self.files[path] = self._read(path)
        hashes = self.files[path]
        if hashes is None or line > len(hashes):
            return None
        return hashes[line - 1]

    def _read(self, path: str) -> list[str] | None:
        try:
            root = self.root.resolve(strict=True)
            full = (root / path).resolve(strict=True)
            if not full.is_relative_to(root) or not full.is_file():
                return None
            with full.open("rb") as source:
                data = source.read(MAX_HASHED_BYTES + 1)
        except (OSError, RuntimeError, ValueError):  # gone, unreadable, a symlink loop, a NUL
            return None
        if len(data) > MAX_HASHED_BYTES:  # aiguard skipped it too; the action hashes it itself
            return None
        return line_hashes(decode_like_node(data))


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
        region = None if line is None else {"startLine": line}
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
