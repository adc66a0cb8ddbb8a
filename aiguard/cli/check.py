"""One `aiguard check`: options -> config -> changes -> engine -> report."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from aiguard import __version__
from aiguard.change.model import ChangeSet, FileChange, Mode
from aiguard.change.modes import collect_changes
from aiguard.config import (
    CONFIG_NAMES,
    Config,
    check_rule_ids,
    load_config,
    parse_fail_on,
    with_nested,
)
from aiguard.errors import AiguardError
from aiguard.findings import Severity
from aiguard.lint.engine import Engine, FileOutcome
from aiguard.lint.registry import load_registry
from aiguard.lint.rule import RuleRef
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
    quiet: bool = False  # findings only: no summary line, no note-level notes
    statistics: bool = False  # counts per rule instead of the findings

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
    if options.config_file is None:  # --config names the one config for every file, as in ruff
        config = with_nested(config, root, (f.path for f in changes.files))
    for each in (config, *config.nested):
        check_rule_ids(each, set(registry))
    changes.files = [f for f in changes.files if not config.is_excluded(f.path)]
    project = Project(
        root,
        config,
        overlay={f.path: f.after for f in changes.files if not f.deleted},
        in_git=changes.in_git,
        changed_paths=frozenset(f.path for f in changes.files),
    )
    outcome = _check_by_config(registry.refs, config, changes, project)
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
    if options.statistics:
        from aiguard.report import statistics

        report = statistics.render(result, options.fmt)
    elif options.quiet and options.fmt == "text":
        from aiguard.report import text

        report = text.render(result, color=color, summary=False)
    else:
        report = render(result, options.fmt, color=color)
    if options.fmt == "github":
        append_step_summary(result, os.environ.get("GITHUB_STEP_SUMMARY", ""))
    shown = [n for n in result.notifications if not (options.quiet and n.level is Severity.NOTE)]
    return report, result.failed, [notification_line(n) for n in shown]


def append_step_summary(result: RunResult, path: str) -> None:
    """Add the review summary to GitHub's `$GITHUB_STEP_SUMMARY` file, when the runner set one."""
    if not path:
        return
    from aiguard.report import step_summary

    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(step_summary.render(result))
    except OSError as exc:
        raise AiguardError(
            f"cannot write $GITHUB_STEP_SUMMARY ({path}): {exc.strerror or exc}"
        ) from None


def show_settings(options: CheckOptions, *, cwd: Path) -> str:
    """Which config file applies at the root (and in subfolders), and the resolved values."""
    from aiguard.change.git import find_repo
    from aiguard.config import config_file, load_config

    repo = find_repo(cwd)
    root = repo.root if repo is not None else cwd
    config = load_config(root, options.config_file).with_overrides(
        select=options.select, ignore=options.ignore, python=options.python
    )
    if options.fail_on is not None:
        config = replace(config, fail_on=parse_fail_on(options.fail_on, "--fail-on"))
    source = options.config_file or config_file(root)
    lines = [f"root: {root}", f"config: {source.resolve() if source else 'none (defaults)'}"]
    lines += _settings_lines(config)
    if options.config_file is None:
        lines.append("nested configs (the nearest one governs the files under its folder):")
        nested = sorted({str(p.parent.relative_to(root)) for p in _nested_files(root)})
        lines += [f"  {folder}/" for folder in nested] or ["  none"]
    return "\n".join(lines) + "\n"


def _settings_lines(config: Config) -> list[str]:
    fail_on = "never" if config.fail_on is None else config.fail_on.value
    return [
        f"select = {list(config.select) or ['AIG']}",
        f"ignore = {list(config.ignore)}",
        f"per-file-ignores = { {k: list(v) for k, v in config.per_file_ignores.items()} }",
        f"severity = { {k: v.value for k, v in config.severity.items()} }",
        f"fail-on = {fail_on!r}",
        f"exclude = {list(config.exclude)}",
        f"test-paths = {list(config.test_paths)}",
        f"python = {config.python!r}",
    ]


def _nested_files(root: Path) -> list[Path]:
    """Config files below the root that git tracks or would add (ignored folders left out)."""
    from aiguard.change.git import find_repo, ls_files
    from aiguard.config import config_file

    repo = find_repo(root)
    if repo is None:
        return []
    names = ls_files(repo.git, None, "--cached", "--others", "--exclude-standard")
    folders = {Path(n).parent for n in names if n.rsplit("/", 1)[-1] in CONFIG_NAMES}
    found = [config_file(root / f) for f in folders if str(f) != "."]
    return [f for f in found if f is not None]


def _check_by_config(
    refs: Sequence[RuleRef], config: Config, changes: ChangeSet, project: Project
) -> FileOutcome:
    """One engine per config that governs some of the files (the root's, then nested ones)."""
    jobs = os.cpu_count() or 1
    groups: dict[str, list[FileChange]] = {}
    for change in changes.files:
        groups.setdefault(config.for_path(change.path).folder, []).append(change)
    by_folder = {c.folder: c for c in config.nested}
    outcome = FileOutcome(notifications=list(changes.notifications))
    for folder, files in sorted(groups.items()):
        governing = by_folder.get(folder, config) if folder else config
        part = ChangeSet(root=changes.root, files=files, in_git=changes.in_git)
        found = Engine(refs, governing).check(part, project, jobs=jobs)
        outcome.findings.extend(found.findings)
        outcome.notifications.extend(found.notifications)
    outcome.findings.sort(key=lambda f: f.sort_key)
    unique = dict.fromkeys(outcome.notifications)  # run-wide notes arrive once per engine
    outcome.notifications = sorted(unique, key=lambda n: (n.path or "", n.kind, n.message))
    return outcome
