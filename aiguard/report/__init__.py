"""Reports: one result model, five renderings (text, json, sarif, github, gitlab)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiguard.findings import Finding, Notification, Severity

if TYPE_CHECKING:
    from aiguard.lint.rule import Rule

FORMATS = ("text", "json", "sarif", "github", "gitlab")


@dataclass
class RunResult:
    """What one `aiguard check` found; every renderer reads only this."""

    root: str  # absolute path the findings' paths are relative to
    findings: list[Finding]  # sorted by Finding.sort_key; suppressed ones included
    notifications: list[Notification]
    rules: Mapping[str, type[Rule]]  # every loaded rule, by id
    levels: Mapping[str, Severity] = field(default_factory=dict)  # configured default levels
    files_checked: int = 0
    fail_on: Severity | None = Severity.WARNING
    tool_version: str = ""
    # Whether files that could not be checked still let the gate pass (--allow-unchecked).
    allow_unchecked: bool = False

    @property
    def active(self) -> list[Finding]:
        """Findings not suppressed inline: these are shown and decide the exit status."""
        return [f for f in self.findings if f.suppression is None]

    @property
    def failed(self) -> bool:
        if self.fail_on is None:
            return False
        threshold = self.fail_on.rank
        return any(f.severity.rank >= threshold for f in self.active)

    @property
    def unchecked(self) -> list[str]:
        """The files not (completely) checked: unparseable or unreadable, or a rule crashed on
        them (a failure tied to no file counts under its notification kind)."""
        return sorted({n.path or n.kind for n in self.notifications if n.unchecked})

    @property
    def incomplete(self) -> bool:
        """Whether the run must not pass because it could not check everything it was asked."""
        return bool(self.unchecked) and not self.allow_unchecked

    def level_of(self, rule_id: str) -> Severity:
        if rule_id in self.levels:
            return self.levels[rule_id]
        return self.rules[rule_id].severity


def render(
    result: RunResult, fmt: str, *, color: bool = False, include_suppressed: bool = True
) -> str:
    """Render `result` in one of FORMATS (imports only the renderer it needs).

    `include_suppressed=False` leaves suppressed findings out of SARIF only after their
    fingerprints are counted, so that the others' fingerprints do not depend on it."""
    if fmt == "text":
        from aiguard.report import text

        return text.render(result, color=color)
    if fmt == "json":
        from aiguard.report import json_report

        return json_report.render(result)
    if fmt == "sarif":
        from aiguard.report import sarif

        return sarif.render(result, include_suppressed=include_suppressed)
    if fmt == "github":
        from aiguard.report import github

        return github.render(result)
    if fmt == "gitlab":
        from aiguard.report import gitlab

        return gitlab.render(result)
    raise ValueError(f"unknown format {fmt!r}")
