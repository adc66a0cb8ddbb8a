"""A stable JSON document for scripts: findings (suppressed ones flagged), notifications, summary.

Also the JSON writer the SARIF and GitLab renderers share, so that all three encode the same way.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import aiguard
from aiguard.findings import Finding, Notification, Severity, with_fingerprints
from aiguard.report.text import severity_counts

if TYPE_CHECKING:
    from aiguard.report import RunResult

# A Python str may hold lone surrogates (file names decoded with surrogateescape); UTF-8 cannot.
_SURROGATE = re.compile("[\ud800-\udfff]")


def render(result: RunResult) -> str:
    """The whole result as JSON with sorted keys, indent 2, and a trailing newline."""
    document = {
        "version": tool_version(result),
        "findings": [_finding(result, f, fp) for f, fp in with_fingerprints(result.findings)],
        "notifications": [_notification(n) for n in result.notifications],
        "summary": _summary(result),
    }
    return dumps(document, sort_keys=True)


def dumps(value: Any, *, sort_keys: bool = False) -> str:
    """Deterministic UTF-8-safe JSON text: indent 2, non-ASCII kept, trailing newline."""
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)
    return _SURROGATE.sub("\ufffd", text) + "\n"


def tool_version(result: RunResult) -> str:
    """The version the CLI put in the result, else the installed package's."""
    return result.tool_version or aiguard.__version__


def _finding(result: RunResult, f: Finding, fingerprint: str) -> dict[str, Any]:
    rule = result.rules.get(f.rule_id)
    return {
        "rule_id": f.rule_id,
        "rule_name": rule.name if rule else None,
        "category": rule.category.value if rule else None,
        "severity": f.severity.value,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "message": f.message,
        "fingerprint": fingerprint,
        "suppressed": f.suppression is not None,
        "justification": f.suppression.justification if f.suppression else None,
    }


def _notification(n: Notification) -> dict[str, Any]:
    return {
        "kind": n.kind,
        "level": n.level.value,
        "message": n.message,
        "path": n.path,
        "line": n.line,
    }


def _summary(result: RunResult) -> dict[str, Any]:
    active = result.active
    counts = severity_counts(active)
    return {
        "files_checked": result.files_checked,
        "files_unchecked": len(result.unchecked),
        "findings": len(active),
        "suppressed": len(result.findings) - len(active),
        "by_severity": {s.value: counts[s] for s in Severity},
        "notifications": len(result.notifications),
        "fail_on": result.fail_on.value if result.fail_on else None,
        "failed": result.failed,
        "incomplete": result.incomplete,
    }
