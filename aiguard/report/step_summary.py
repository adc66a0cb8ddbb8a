"""The review summary GitHub shows on a workflow run's page (`$GITHUB_STEP_SUMMARY`, Markdown).

What a reviewer of an AI-assisted change wants to see at a glance: the suppressions it added, the
configs and tests it weakened, the dependencies it added, and so on, counted per file, then every
finding (not just the 10 of a kind GitHub annotates), the findings suppressed inline with their
justifications, and the files aiguard could not check.

Everything from the scanned repository is made printable and then every ASCII punctuation
character is backslash-escaped (CommonMark allows it for all of them), so a file name or message
cannot close a table cell, open a link or an HTML tag, or @-mention anyone.
GitHub accepts at most 1 MiB per step: past `BUDGET` bytes the tables stop and say how many rows
are left out.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from aiguard.findings import Category, Finding, Notification
from aiguard.report.text import printable, summary_line

if TYPE_CHECKING:
    from aiguard.report import RunResult

BUDGET = 1_000_000  # bytes; GitHub's limit is 1 MiB a step
TITLES = {
    Category.SUPPRESSION: "Suppressions added",
    Category.CONFIG_WEAKENING: "Configuration weakened",
    Category.TEST_SPECIAL_CASE: "Production code special-casing tests",
    Category.STUB: "Stubs and swallowed errors",
    Category.TEST_WEAKENING: "Tests weakened",
    Category.HALLUCINATED_IMPORT: "Imports that resolve to nothing",
    Category.HALLUCINATED_API: "APIs that do not exist",
    Category.DEPENDENCY_HYGIENE: "Dependencies added or undeclared",
}
OTHER = "Other findings"
_PUNCTUATION = frozenset(string.punctuation)


def render(result: RunResult) -> str:
    """The whole summary as Markdown, ending in a newline."""
    active = result.active
    by_category: dict[str, list[Finding]] = {}
    for f in active:
        by_category.setdefault(category_title(result, f.rule_id), []).append(f)
    order = [t for t in (*TITLES.values(), OTHER) if t in by_category]
    out = _Budget()
    out.add("## aiguard review summary", "", summary_line(result), "")  # no repository text
    if active:
        out.add("| what the change does | findings |", "| --- | ---: |")
        out.add(*(f"| {title} | {len(by_category[title])} |" for title in order))
        out.add("")
        out.add("### By file", "")
        short = [_short(title) for title in order]
        out.add("| file | " + " | ".join(short) + " |", "| --- |" + " ---: |" * len(order))
        per_file: dict[str, Counter[str]] = {}
        for title in order:
            for f in by_category[title]:
                per_file.setdefault(f.path, Counter())[title] += 1
        out.rows(
            f"| {md(path)} | " + " | ".join(str(counts[t] or "") for t in order) + " |"
            for path, counts in sorted(per_file.items())
        )
        out.add("")
        for title in order:
            out.add(f"### {title} ({len(by_category[title])})", "")
            out.add("| where | rule | severity | message |", "| --- | --- | --- | --- |")
            out.rows(_finding_row(result, f) for f in by_category[title])
            out.add("")
    suppressed = [f for f in result.findings if f.suppression is not None]
    if suppressed:
        out.add(f"### Suppressed inline with `aiguard: ignore` ({len(suppressed)})", "")
        out.add("| where | rule | justification |", "| --- | --- | --- |")
        out.rows(
            f"| {_where(f)} | {md(f.rule_id)} | {md(f.suppression.justification)} |"
            for f in suppressed
            if f.suppression is not None
        )
        out.add("")
    if result.notifications:
        out.add(f"### Not checked or worth knowing ({len(result.notifications)})", "")
        out.rows(f"- {_notification(n)}" for n in result.notifications)
        out.add("")
    return out.text()


def category_title(result: RunResult, rule_id: str) -> str:
    rule = result.rules.get(rule_id)
    if rule is not None:
        return TITLES[rule.category]
    return OTHER


def md(text: str) -> str:
    """Repository text as inert Markdown inside a table cell or a list item."""
    return "".join(f"\\{ch}" if ch in _PUNCTUATION else ch for ch in printable(text, keep=""))


def _short(title: str) -> str:
    return title.split(" ")[0].lower() if title != OTHER else "other"


def _where(f: Finding) -> str:
    return f"{md(f.path)}:{f.line}"


def _finding_row(result: RunResult, f: Finding) -> str:
    rule = result.rules.get(f.rule_id)
    name = f"{f.rule_id} {rule.name}" if rule is not None else f.rule_id
    return f"| {_where(f)} | {md(name)} | {f.severity.value} | {md(f.message)} |"


def _notification(n: Notification) -> str:
    where = ""
    if n.path:
        where = md(n.path) + ("" if n.line is None else f":{n.line}") + ": "
    return f"{n.level.value}: {where}{md(n.message or n.kind)}"


class _Budget:
    """Lines up to BUDGET bytes; rows past it are counted, and the count said once per table."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.full = False

    def add(self, *lines: str) -> None:
        for line in lines:
            self.lines.append(line)
            self.size += len(line.encode("utf-8", "surrogatepass")) + 1

    def rows(self, rows: Iterable[str]) -> None:
        left_out = 0
        for row in rows:
            if self.full or self.size + len(row.encode("utf-8", "surrogatepass")) > BUDGET:
                self.full = True
                left_out += 1
            else:
                self.add(row)
        if left_out:
            self.lines.append(f"\n{left_out} more not shown: the summary is limited to 1 MiB.\n")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"
