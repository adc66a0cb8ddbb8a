"""`aiguard check --statistics`: how many active findings each rule has, like ruff's."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from aiguard.report.json_report import dumps

if TYPE_CHECKING:
    from aiguard.report import RunResult


def rows(result: RunResult) -> list[tuple[int, str, str, str]]:
    """(count, rule id, severity, rule name), most frequent first, then by id."""
    counts = Counter(f.rule_id for f in result.active)
    severities = {f.rule_id: f.severity.value for f in result.active}
    out = []
    for rule_id, count in counts.items():
        rule = result.rules.get(rule_id)
        out.append((count, rule_id, severities[rule_id], rule.name if rule else ""))
    return sorted(out, key=lambda row: (-row[0], row[1]))


def render(result: RunResult, fmt: str) -> str:
    table = rows(result)
    if fmt == "json":
        return dumps([{"code": i, "name": n, "severity": s, "count": c} for c, i, s, n in table])
    if not table:
        return ""
    width = len(str(table[0][0]))
    return "".join(f"{c:>{width}}\t{i}\t[{s}]\t{n}\n" for c, i, s, n in table)
