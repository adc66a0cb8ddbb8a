"""One `aiguard check`: options -> config -> changes -> engine -> report."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from aiguard import __version__
from aiguard.change.model import ChangeSet, Mode
from aiguard.change.modes import collect_changes
from aiguard.config import check_rule_ids, load_config, parse_fail_on
from aiguard.findings import Notification, Severity
from aiguard.lint.engine import Engine
from aiguard.lint.registry import load_registry
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
    check_rule_ids(config, set(registry))
    changes.files = [f for f in changes.files if not config.is_excluded(f.path)]
    if options.mode is Mode.ALL and config.exclude_vendored:
        _leave_out_vendored(changes)
    project = Project(
        root,
        config,
        overlay={f.path: f.after for f in changes.files if not f.deleted},
        in_git=changes.in_git,
        changed_paths=frozenset(f.path for f in changes.files),
        previous={f.path: f.before for f in changes.files if f.before is not None},
    )
    jobs = os.cpu_count() or 1
    outcome = Engine(registry.refs, config).check(changes, project, jobs=jobs)
    result = RunResult(
        root=str(root),
        findings=outcome.findings,
        notifications=outcome.notifications,
        rules=registry,
        levels={ref.id: config.level_for(ref.id, ref.severity) for ref in registry.refs},
        files_checked=len(changes.files),
        fail_on=config.fail_on,
        tool_version=__version__,
    )
    if options.fmt == "sarif" and not options.include_suppressed:
        result.findings = result.active
    report = render(result, options.fmt, color=color)
    return report, result.failed, [notification_line(n) for n in result.notifications]


def _leave_out_vendored(changes: ChangeSet) -> None:
    """--all checks the project's own code: vendored, generated and minified files go, in a note."""
    from aiguard.change.vendored import not_own_code

    texts = {f.path: f.after for f in changes.files}
    attributes = {p: t for p, t in texts.items() if p.rsplit("/", 1)[-1] == ".gitattributes"}
    root_file = Path(changes.root) / ".gitattributes"
    if ".gitattributes" not in attributes and root_file.is_file() and not root_file.is_symlink():
        try:
            attributes[".gitattributes"] = root_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            changes.notifications.append(
                Notification(kind="file-skipped", message=f"cannot read .gitattributes: {exc}")
            )
    skipped = not_own_code(texts, texts.get, attributes)
    if not skipped:
        return
    changes.files = [f for f in changes.files if f.path not in skipped]
    shown = ", ".join(f"{p} ({why})" for p, why in sorted(skipped.items())[:3])
    more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
    changes.notifications.append(
        Notification(
            kind="not-own-code",
            message=(
                f"left out {len(skipped)} vendored, generated or minified "
                f"file{'s' if len(skipped) != 1 else ''}: {shown}{more}; set "
                "`exclude-vendored = false` in [tool.aiguard] to check them"
            ),
            level=Severity.NOTE,
        )
    )
