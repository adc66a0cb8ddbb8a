"""GitLab Code Quality: a JSON array of Code Climate issues, one per active finding.

Severity mapping (GitLab knows info, minor, major, critical, blocker):

    error   -> critical   a hazard that fails the check by default
    warning -> major
    note    -> info

`fingerprint` is aiguard's own (rule, path, line text without white space, occurrence), so an
issue keeps its identity across merge requests while unrelated lines move. The MR widget collapses
equal fingerprints; the occurrence count already separates repeats, and any collision left over
(two findings the engine could not tell apart) is rehashed until unique.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from aiguard.findings import Finding, Severity, with_fingerprints
from aiguard.report.json_report import dumps

if TYPE_CHECKING:
    from aiguard.report import RunResult

SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "info"}


def render(result: RunResult) -> str:
    """The Code Quality report as JSON text (indent 2, trailing newline)."""
    return dumps(issues(result))


def issues(result: RunResult) -> list[dict[str, Any]]:
    # Fingerprints count repeats over all findings, as in the SARIF and JSON reports.
    paired = [(f, fp) for f, fp in with_fingerprints(result.findings) if f.suppression is None]
    seen: set[str] = set()
    out = []
    for finding, fingerprint in paired:
        unique = _unique(fingerprint, seen)
        seen.add(unique)
        out.append(_issue(finding, unique))
    return out


def _unique(fingerprint: str, seen: set[str]) -> str:
    candidate, n = fingerprint, 0
    while candidate in seen:
        n += 1
        candidate = hashlib.sha256(f"{fingerprint}\0{n}".encode()).hexdigest()[:32]
    return candidate


def _issue(f: Finding, fingerprint: str) -> dict[str, Any]:
    line = max(f.line, 1)
    end = f.end_line if f.end_line is not None and f.end_line >= line else line
    return {
        "type": "issue",
        "description": f"{f.rule_id}: {f.message}",
        "check_name": f.rule_id,
        "fingerprint": fingerprint,
        "severity": SEVERITY[f.severity],
        "location": {"path": f.path, "lines": {"begin": line, "end": end}},
    }
