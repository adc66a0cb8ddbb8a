"""aiguard's own inline suppressions: `# aiguard: ignore[AIG101] -- reason`.

A directive silences the named rules on its own line, or - when it stands alone on a line - on
the next line. It needs both rule ids and a written reason: an unexplained one silences nothing
(and rule AIG100 reports it), because a suppression nobody can review is the hazard we exist for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from aiguard.findings import Finding, Suppression
from aiguard.source import Comment, Source, SourceError

DIRECTIVE = re.compile(
    r"\baiguard:\s*ignore\b(?:\[(?P<ids>[^\]]*)\])?(?P<rest>.*)$", re.IGNORECASE | re.DOTALL
)
# What may separate a directive from its reason: "--", an em dash, ":", another "#" comment.
_REASON_SEPARATORS = re.compile(r"^\s*(?:--|\u2014|\u2013|:|#|//)\s*")  # em and en dashes too


@dataclass(frozen=True)
class Directive:
    line: int
    column: int
    ids: tuple[str, ...]
    reason: str
    standalone: bool  # the comment is the only thing on its line

    @property
    def valid(self) -> bool:
        return bool(self.ids) and bool(self.reason)

    @property
    def covers(self) -> tuple[int, ...]:
        """The lines it silences: its own, and the next one when it stands alone."""
        return (self.line, self.line + 1) if self.standalone else (self.line,)


def parse_directives(source: Source) -> list[Directive]:
    """Every aiguard directive in the file's real comments; raises SourceError like `comments`."""
    if "aiguard" not in source.text.lower():
        return []
    return [d for c in source.comments if (d := parse_comment(c, source)) is not None]


def parse_comment(comment: Comment, source: Source) -> Directive | None:
    match = DIRECTIVE.search(comment.text)
    if match is None:
        return None
    ids = tuple(i.strip().upper() for i in (match.group("ids") or "").split(",") if i.strip())
    rest = match.group("rest").strip()
    if rest.endswith("*/"):
        rest = rest[:-2].rstrip()
    reason = _REASON_SEPARATORS.sub("", rest, count=1).strip() if rest else ""
    standalone = not source.line(comment.line)[: comment.column - 1].strip()
    return Directive(comment.line, comment.column, ids, reason, standalone)


def apply(findings: Iterable[Finding], source: Source) -> list[Finding]:
    """Attach a Suppression to every finding a valid directive covers."""
    findings = list(findings)
    if not findings:
        return findings
    try:
        directives = [d for d in parse_directives(source) if d.valid]
    except SourceError:
        return findings
    if not directives:
        return findings
    by_line: dict[int, list[Directive]] = {}
    for d in directives:
        for line in d.covers:
            by_line.setdefault(line, []).append(d)
    result = []
    for f in findings:
        covering = next((d for d in by_line.get(f.line, []) if f.rule_id in d.ids), None)
        if covering is not None:
            f = _suppressed(f, covering)
        result.append(f)
    return result


def _suppressed(finding: Finding, directive: Directive) -> Finding:
    from dataclasses import replace

    return replace(finding, suppression=Suppression(directive.reason, directive.line))
