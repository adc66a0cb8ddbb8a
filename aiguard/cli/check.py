"""One `aiguard check`: options -> config -> changes -> engine -> report."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from aiguard import __version__
from aiguard.cache import check_cache_dir
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
from aiguard.findings import Notification, Severity
from aiguard.lint.engine import Engine, FileOutcome
from aiguard.lint.registry import RuleRegistry, load_registry
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
    allow_unchecked: bool = False
    until: str | None = None  # with base: the range pre-commit asked for (--pre-commit)
    quiet: bool = False  # findings only: no summary line, no note-level notes
    statistics: bool = False  # counts per rule instead of the findings

    @property
    def mode(self) -> Mode:
        if self.base is not None and self.until is not None:
            return Mode.RANGE
        if self.staged:
            return Mode.STAGED
        if self.base is not None:
            return Mode.BASE
        if self.all_files:
            return Mode.ALL
        return Mode.WORKING


# Exit statuses of `aiguard check` (2, a usage or configuration error, is raised as AiguardError).
EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNCHECKED = 0, 1, 3


class _Progress:
    """`aiguard: reading files... N` on a terminal's stderr, on one line it rewrites."""

    EVERY = 250

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, count: int) -> None:
        if count % self.EVERY == 0:
            sys.stderr.write(f"\raiguard: reading files... {count}")
            sys.stderr.flush()
            self.shown = True

    def checking(self, count: int) -> None:
        if count >= self.EVERY:
            sys.stderr.write(f"\r\x1b[Kaiguard: checking {count} files...")
            sys.stderr.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _check_missing_paths(
    missing: list[str], cwd: Path, root: Path, files: list[FileChange]
) -> None:
    """A PATH that names nothing on disk is a typo, unless the change deletes it."""
    for given in missing:
        rel = os.path.relpath(os.path.join(cwd, given), root).replace(os.sep, "/")
        if not any(f.path == rel or f.path.startswith(rel + "/") for f in files):
            raise AiguardError(f"{given}: no such file or directory")


def pre_commit_options(environ: Mapping[str, str]) -> dict[str, object]:
    """What `aiguard check --pre-commit` checks: the range pre-commit names, else the index.

    pre-commit sets PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF for pre-push and for
    `pre-commit run --from-ref/--to-ref`; for a commit, and for `--all-files` (which sets no
    variable of its own), the hook checks the staged change.
    """
    start, end = environ.get("PRE_COMMIT_FROM_REF"), environ.get("PRE_COMMIT_TO_REF")
    if start and end:
        return {"base": start, "until": end}
    return {"staged": True}


def describe_mode(options: CheckOptions) -> str:
    """One line for the hook's output: what was compared."""
    if options.mode is Mode.RANGE:
        return f"aiguard: checked the commits from {options.base} to {options.until}"
    return (
        "aiguard: checked the staged change (HEAD vs the index); pre-commit's --all-files "
        "does not reach a hook, run `aiguard check --all` to check every file"
    )


def run_check(options: CheckOptions, *, cwd: Path, color: bool) -> tuple[str, int, list[str]]:
    """The rendered report, the exit status, and notes for stderr.

    The status is 3 when part of the change could not be checked (unless allowed), whatever
    the findings: a pass or a fail over an incomplete check would both claim too much.
    """
    from aiguard.report.text import notification_line

    missing = [p for p in options.paths if not os.path.lexists(cwd / p)]
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        changes = collect_changes(
            options.mode,
            options.paths,
            cwd=cwd,
            base=options.base,
            progress=progress,
            until=options.until,
        )
    except BaseException:
        if progress is not None:
            progress.done()
        raise
    root = Path(changes.root)
    _check_missing_paths(missing, cwd, root, changes.files)
    check_cache_dir(os.environ, root)  # before the rule index is written there
    registry = load_registry(options.plugin_files)
    if options.python:
        from aiguard.facts.python.discovery import check_python_option

        check_python_option(options.python, root)
    config = load_config(root, options.config_file).with_overrides(
        select=options.select, ignore=options.ignore, python=options.python
    )
    if options.fail_on is not None:
        config = replace(config, fail_on=parse_fail_on(options.fail_on, "--fail-on"))
    result = check_change_set(
        changes,
        config,
        registry,
        jobs=os.cpu_count() or 1,
        nested=options.config_file is None,  # --config names the one config for every file
        leave_out_vendored=options.mode is Mode.ALL,
        allow_unchecked=options.allow_unchecked,
        progress=progress,
    )
    # Never drop suppressed findings from the result: fingerprints count repeats over them all.
    if options.statistics:
        from aiguard.report import statistics

        report = statistics.render(result, options.fmt)
    elif options.quiet and options.fmt == "text":
        from aiguard.report import text

        report = text.render(result, color=color, summary=False)
    else:
        report = render(
            result, options.fmt, color=color, include_suppressed=options.include_suppressed
        )
    if options.fmt == "github":
        append_step_summary(result, os.environ.get("GITHUB_STEP_SUMMARY", ""))
    shown = [n for n in result.notifications if not (options.quiet and n.level is Severity.NOTE)]
    notes = [notification_line(n) for n in shown]
    status = EXIT_FINDINGS if result.failed else EXIT_CLEAN
    return report, EXIT_UNCHECKED if result.incomplete else status, notes


def check_change_set(
    changes: ChangeSet,
    config: Config,
    registry: RuleRegistry,
    *,
    only: Callable[[str], bool] | None = None,
    jobs: int = 1,
    nested: bool = True,
    leave_out_vendored: bool = False,
    allow_unchecked: bool = False,
    progress: _Progress | None = None,
) -> RunResult:
    """Check a change set however it was collected (a mode, or a coding agent's session).

    `only` narrows the rules further than the config does (the per-edit tier of the agent
    hooks runs only the rules that are certain on one file). `nested`: the config files of
    subfolders govern their files; `leave_out_vendored` (for --all): vendored, generated and
    minified files are left out in one note, unless the config says `exclude-vendored = false`.
    """
    root = Path(changes.root)
    if nested:
        config = with_nested(config, root, (f.path for f in changes.files))
    for each in (config, *config.nested):
        check_rule_ids(each, set(registry))
    changes.files = [f for f in changes.files if not config.is_excluded(f.path)]
    if leave_out_vendored and config.exclude_vendored:
        _leave_out_vendored(changes)
    project = Project(
        root,
        config,
        overlay={f.path: f.after for f in changes.files if not f.deleted},
        in_git=changes.in_git,
        changed_paths=frozenset(f.path for f in changes.files),
        previous={f.path: f.before for f in changes.files if f.before is not None},
    )
    refs = [ref for ref in registry.refs if only is None or only(ref.id)]
    if progress is not None:
        progress.checking(len(changes.files))
    try:
        outcome = _check_by_config(refs, config, changes, project, jobs=jobs)
    finally:
        if progress is not None:
            progress.done()
    result = RunResult(
        root=str(root),
        findings=outcome.findings,
        notifications=outcome.notifications,
        rules=registry,
        levels={ref.id: config.level_for(ref.id, ref.severity) for ref in registry.refs},
        fail_on=config.fail_on,
        tool_version=__version__,
        allow_unchecked=allow_unchecked,
    )
    checked = {f.path for f in changes.files}
    result.files_checked = len(checked - set(result.unchecked))
    return result


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
    found = [config_file(root / f, nested=True) for f in folders if str(f) != "."]
    return [f for f in found if f is not None]


def _check_by_config(
    refs: Sequence[RuleRef], config: Config, changes: ChangeSet, project: Project, *, jobs: int
) -> FileOutcome:
    """One engine per config that governs some of the files (the root's, then nested ones)."""
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
