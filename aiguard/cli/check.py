"""One `aiguard check`: options -> config -> changes -> engine -> report."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from aiguard import __version__
from aiguard.change.model import ChangeSet, Mode
from aiguard.change.modes import collect_changes
from aiguard.config import Config, check_rule_ids, load_config, parse_fail_on
from aiguard.lint.engine import Engine
from aiguard.lint.registry import RuleRegistry, load_registry
from aiguard.project import Project
from aiguard.report import RunResult, render


@dataclass(frozen=True)
class CheckOptions:
    paths: tuple[str, ...] = ()
    staged: bool = False
    base: str | None = None
    all_files: bool = False
    fmt: str = "text"
    fail_on: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    config_file: Path | None = None
    python: str | None = None
    include_suppressed: bool = True
    plugin_files: tuple[Path, ...] = ()

    @property
    def mode(self) -> Mode:
        if self.staged:
            return Mode.STAGED
        if self.base is not None:
            return Mode.BASE
        if self.all_files:
            return Mode.ALL
        return Mode.WORKING


def run_check(options: CheckOptions, *, cwd: Path, color: bool) -> tuple[str, bool, list[str]]:
    """The rendered report, whether the run failed the gate, and notes for stderr."""
    from aiguard.report.text import notification_line

    registry = load_registry(options.plugin_files)
    changes = collect_changes(options.mode, options.paths, cwd=cwd, base=options.base)
    root = Path(changes.root)
    config = load_config(root, options.config_file).with_overrides(
        select=options.select, ignore=options.ignore, python=options.python
    )
    if options.fail_on is not None:
        config = replace(config, fail_on=parse_fail_on(options.fail_on, "--fail-on"))
    result = check_change_set(changes, config, registry, jobs=os.cpu_count() or 1)
    if options.fmt == "sarif" and not options.include_suppressed:
        result.findings = result.active
    report = render(result, options.fmt, color=color)
    return report, result.failed, [notification_line(n) for n in result.notifications]


def check_change_set(
    changes: ChangeSet,
    config: Config,
    registry: RuleRegistry,
    *,
    only: Callable[[str], bool] | None = None,
    jobs: int = 1,
) -> RunResult:
    """Check a change set however it was collected (a mode, or a coding agent's session).

    `only` narrows the rules further than the config does (the per-edit tier of the agent
    hooks runs only the rules that are certain on one file).
    """
    check_rule_ids(config, set(registry))
    changes.files = [f for f in changes.files if not config.is_excluded(f.path)]
    root = Path(changes.root)
    project = Project(
        root,
        config,
        overlay={f.path: f.after for f in changes.files if not f.deleted},
        in_git=changes.in_git,
        changed_paths=frozenset(f.path for f in changes.files),
    )
    refs = [ref for ref in registry.refs if only is None or only(ref.id)]
    outcome = Engine(refs, config).check(changes, project, jobs=jobs)
    return RunResult(
        root=str(root),
        findings=outcome.findings,
        notifications=outcome.notifications,
        rules=registry,
        levels={ref.id: config.level_for(ref.id, ref.severity) for ref in registry.refs},
        files_checked=len(changes.files),
        fail_on=config.fail_on,
        tool_version=__version__,
    )
