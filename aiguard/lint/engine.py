"""Runs the rules over each changed file and keeps what the change introduced.

Per file: pick the rules whose languages, scope and `interest` fit the changed lines (a file
no rule cares about is never parsed), run the file rules, run all Python rules in one batched
libcst traversal and all JavaScript/TypeScript rules in one tree-sitter cursor walk, then keep
findings on changed lines (or marked `removal`), apply inline suppressions and configured
severities.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from aiguard.change.model import ChangeSet, FileChange
from aiguard.config import Config
from aiguard.errors import RunAborted
from aiguard.findings import Finding, Notification, Severity
from aiguard.lint import suppressions
from aiguard.lint.rule import (
    AfterRule,
    FileContext,
    FileRule,
    PythonRule,
    Rule,
    RuleRef,
    ScriptRule,
)
from aiguard.project import Project
from aiguard.source import Source, SourceError

# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 64


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


@dataclass
class FileOutcome:
    findings: list[Finding] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)


class Engine:
    """The enabled rules and the config, applied file by file."""

    def __init__(self, rules: Sequence[type[Rule] | RuleRef], config: Config) -> None:
        """`rules` are classes or references; a reference's module is imported only when one
        of the change's files needs the rule."""
        refs = [r if isinstance(r, RuleRef) else RuleRef.of(r) for r in rules]
        self.rules = [r for r in refs if config.rule_enabled(r.id)]
        self.config = config
        self._interrupts: _Interrupts | None = None  # set while `check` runs
        self._cst_order: dict[type, tuple[str, ...]] = {}  # libcst attribute order, per node type
        self._interest = {
            r.id: re.compile(r.interest, re.MULTILINE) for r in self.rules if r.interest is not None
        }

    def check(self, changes: ChangeSet, project: Project, *, jobs: int = 1) -> FileOutcome:
        """Every file of the change set; findings sorted, notifications in file order.

        With jobs > 1 and many files (an --all run, a huge change) the files are split by size
        across forked workers, each with its own Project: run-wide caches are built per worker.
        """
        outcome = FileOutcome(notifications=list(changes.notifications))
        with _Interrupts() as interrupts:
            self._interrupts = interrupts
            try:
                if jobs > 1 and len(changes.files) >= PARALLEL_MIN_FILES and _can_fork():
                    parts = self._check_parallel(changes.files, project, jobs)
                else:
                    parts = [self.check_files(changes.files, project)]
            finally:
                self._interrupts = None
        for part in parts:
            outcome.findings.extend(part.findings)
            outcome.notifications.extend(part.notifications)
        outcome.findings.sort(key=lambda f: f.sort_key)
        # Each parallel worker has its own Project: a run-wide note can arrive once per worker.
        unique = dict.fromkeys(outcome.notifications)
        outcome.notifications = sorted(unique, key=lambda n: (n.path or "", n.kind, n.message))
        return outcome

    def check_files(self, files: Sequence[FileChange], project: Project) -> FileOutcome:
        outcome = FileOutcome()
        for change in files:
            one = self.check_file(change, project)
            outcome.findings.extend(one.findings)
            outcome.notifications.extend(one.notifications)
        outcome.notifications.extend(project.notifications)  # run-wide notes (the environment)
        return outcome

    def _check_parallel(
        self, files: Sequence[FileChange], project: Project, jobs: int
    ) -> list[FileOutcome]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        chunks: list[list[FileChange]] = [[] for _ in range(jobs)]
        sizes = [0] * jobs
        for change in sorted(files, key=lambda c: len(c.after), reverse=True):
            lightest = sizes.index(min(sizes))
            chunks[lightest].append(change)
            sizes[lightest] += len(change.after)
        if any(c.path.endswith((".py", ".pyi")) for c in files):
            importlib.import_module("libcst")  # imported once here, shared by the workers
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [pool.submit(self.check_files, chunk, project.fresh()) for chunk in chunks]
            return [f.result() for f in futures]

    def check_file(self, change: FileChange, project: Project) -> FileOutcome:
        outcome = FileOutcome()
        after = Source(change.path, change.after)
        is_test = project.is_test(change.path)
        candidates = [
            r
            for r in self.rules
            if r.matches_file(change.path, after.language)
            and r.in_scope(is_test)
            and (r.reads_deleted or not change.deleted)
            and not self.config.rule_ignored_for(r.id, change.path)
        ]
        if not candidates:
            return outcome
        before = None
        if change.before is not None:
            before = Source(change.old_path or change.path, change.before)
        changed = _changed_text(change, after, before)
        interested = [
            r
            for r in candidates
            if r.id not in self._interest or self._interest[r.id].search(changed)
        ]
        if not interested:
            return outcome
        loaded = [ref.load() for ref in interested]
        context = FileContext(change, project, after, before, is_test)
        raw: list[Finding] = []
        parse_failed = False
        failed: set[str] = set()  # ids of the rules that did not run to the end
        for rule_cls in loaded:
            if issubclass(rule_cls, FileRule):
                try:
                    rule = rule_cls(context)
                    rule.check()
                except SourceError as exc:
                    failed.add(rule_cls.id)
                    note = _parse_error(change.path, exc, context)
                    if note.unchecked:
                        if parse_failed:
                            continue
                        parse_failed = True
                    if note not in outcome.notifications:
                        outcome.notifications.append(note)
                    continue
                except BaseException as exc:  # noqa: BLE001 -- a bug in one rule must not hide the others'
                    self._isolate(exc)
                    failed.add(rule_cls.id)
                    outcome.notifications.append(_rule_crashed(rule_cls, change.path, exc))
                    continue
                raw.extend(rule.findings)
        python_rules = [r for r in loaded if issubclass(r, PythonRule)]
        if python_rules and not parse_failed:
            raw.extend(self._run_python(python_rules, context, outcome, failed))
        else:
            failed.update(r.id for r in python_rules)
        script_rules = [r for r in loaded if issubclass(r, ScriptRule)]
        if script_rules and not parse_failed:
            raw.extend(self._run_script(script_rules, context, outcome, failed))
        else:
            failed.update(r.id for r in script_rules)
        after_rules = [r for r in loaded if issubclass(r, AfterRule)]
        if after_rules:
            ran = frozenset(r.id for r in loaded if r.id not in failed) - {
                r.id for r in after_rules
            }
            quiet = frozenset(r.id for r in candidates if r not in interested)
            raw.extend(self._run_after(after_rules, context, raw, (ran, quiet), outcome))
        outcome.findings = self._keep(raw, change, after)
        return outcome

    def _run_after(
        self,
        rule_classes: Sequence[type[AfterRule]],
        context: FileContext,
        raw: Sequence[Finding],
        ran: tuple[frozenset[str], frozenset[str]],
        outcome: FileOutcome,
    ) -> list[Finding]:
        """`ran`: the ids that ran to the end, and those not run for want of interest."""
        found: list[Finding] = []
        others = tuple(raw)
        for cls in rule_classes:
            try:
                rule = cls(context)
                rule.check_after(others, *ran)
            except SourceError as exc:
                note = _parse_error(context.change.path, exc, context)
                if note not in outcome.notifications:
                    outcome.notifications.append(note)
                continue
            except BaseException as exc:  # noqa: BLE001 -- a rule's failure is reported and contained (see _isolate)
                self._isolate(exc)
                outcome.notifications.append(_rule_crashed(cls, context.change.path, exc))
                continue
            found.extend(rule.findings)
        return found

    def _isolate(self, exc: BaseException) -> None:
        """Re-raise `exc` unless it is a rule's failure to be reported and contained.

        Anything a rule raises is its failure, SystemExit and KeyboardInterrupt included (a
        plugin's `sys.exit(0)` must not end the run with an empty report), except a real
        interrupt from the user: while `check` runs, SIGINT is recorded, so a KeyboardInterrupt
        that no signal caused is told apart from Ctrl-C. Called directly (no `check`), every
        KeyboardInterrupt is taken as the user's. RunAborted (a deadline around the run) always
        goes through.
        """
        if isinstance(exc, RunAborted):
            raise exc
        if isinstance(exc, KeyboardInterrupt) and (
            self._interrupts is None or self._interrupts.seen
        ):
            raise exc

    def _run_python(
        self,
        rule_classes: Sequence[type[PythonRule]],
        context: FileContext,
        outcome: FileOutcome,
        failed_ids: set[str],
    ) -> list[Finding]:
        """The Python rules' findings; the ids of those that did not finish go to `failed_ids`."""
        path = context.change.path
        failed_ids.update(cls.id for cls in rule_classes)  # until each is known to have finished
        try:
            module = context.after.cst
        except SourceError as exc:
            outcome.notifications.append(_parse_error(path, exc, context))
            return []
        python_rules: list[PythonRule] = []
        for cls in rule_classes:
            try:
                python_rules.append(cls(context))
            except BaseException as exc:  # noqa: BLE001 -- a rule's failure is reported and contained (see _isolate)
                self._isolate(exc)
                outcome.notifications.append(_rule_crashed(cls, path, exc))
        failed: dict[int, PythonRule] = {}

        def fail(rule: PythonRule, exc: BaseException) -> None:
            self._isolate(exc)
            failed[id(rule)] = rule
            outcome.notifications.append(_rule_crashed(type(rule), path, exc))

        providers = {p for r in python_rules for p in r.METADATA_DEPENDENCIES}
        try:
            if providers:
                from libcst.metadata import MetadataWrapper

                wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
                try:
                    resolved = wrapper.resolve_many(providers)
                except (SourceError, RecursionError):
                    raise
                except BaseException as exc:  # noqa: BLE001 -- a provider failed: the rules that need one lose
                    self._isolate(exc)
                    for r in python_rules:
                        if r.METADATA_DEPENDENCIES:
                            fail(r, exc)
                    resolved = {}
                for r in python_rules:
                    if id(r) not in failed:
                        r.metadata = {p: resolved[p] for p in r.METADATA_DEPENDENCIES}
            # PythonRule is duck-typed to BatchableCSTVisitor (get_visitors) so that rule modules
            # can be imported without importing libcst; the walk reads the tree without
            # rebuilding it (see aiguard.lint.walk_python). A rule that raises is left out of
            # the rest of the walk and reported; the others go on.
            from aiguard.lint.walk_python import visit_batched

            visit_batched(
                module, [r for r in python_rules if id(r) not in failed], self._cst_order, fail
            )
            found: list[Finding] = []
            for r in python_rules:
                if id(r) in failed:
                    continue  # what it collected before it broke is not to be trusted
                try:
                    r.resolve_reported()
                except SourceError:
                    raise
                except BaseException as exc:  # noqa: BLE001 -- a rule's failure is reported and contained (see _isolate)
                    fail(r, exc)
                    continue
                found.extend(r.findings)
                failed_ids.discard(r.id)
            return found
        except SourceError as exc:
            outcome.notifications.append(_parse_error(path, exc, context))
        except RecursionError:
            outcome.notifications.append(
                _parse_error(path, SourceError("too deeply nested to analyse"), context)
            )
        return []

    def _run_script(
        self,
        rule_classes: Sequence[type[ScriptRule]],
        context: FileContext,
        outcome: FileOutcome,
        failed_ids: set[str],
    ) -> list[Finding]:
        """All script rules of a file in one walk; a rule that raises loses only its own
        findings. The ids of those that did not finish go to `failed_ids`."""
        path = context.change.path
        failed_ids.update(cls.id for cls in rule_classes)  # until each is known to have finished
        try:
            root = context.after.tree.root_node
        except SourceError as exc:
            outcome.notifications.append(_parse_error(path, exc, context))
            return []
        from aiguard.lint.walk_script import ScriptWalk, Visitor

        script_rules: list[ScriptRule] = []
        for cls in rule_classes:
            try:
                script_rules.append(cls(context))
            except BaseException as exc:  # noqa: BLE001 -- a rule's failure is reported and contained (see _isolate)
                self._isolate(exc)
                outcome.notifications.append(_rule_crashed(cls, path, exc))
        failed: set[int] = set()
        parse_failed = False

        def on_error(visitor: Visitor, exc: BaseException) -> None:
            """As for file rules: a parse error once per file, else the rule's crash."""
            nonlocal parse_failed
            self._isolate(exc)
            failed.add(id(visitor))
            if isinstance(exc, SourceError):  # the rule read a version or file that does not parse
                if not parse_failed:
                    outcome.notifications.append(_parse_error(path, exc, context))
                parse_failed = True
                return
            rule = next(r for r in script_rules if r is visitor)
            outcome.notifications.append(_rule_crashed(type(rule), path, exc))

        ScriptWalk(script_rules, on_error).walk(root)
        found: list[Finding] = []
        for r in script_rules:
            if id(r) not in failed:
                found.extend(r.findings)
                failed_ids.discard(r.id)
        return found

    def _keep(self, raw: list[Finding], change: FileChange, after: Source) -> list[Finding]:
        """What the change introduced, deduplicated, with line text, suppressions, levels."""
        kept: dict[tuple[object, ...], Finding] = {}
        for f in raw:
            if not (f.removal or change.is_changed(f.line)):
                continue
            line = min(max(f.line, 1), max(len(after.lines), 1))
            level = self.config.level_for(f.rule_id, f.severity)
            f = replace(f, line=line, line_text=after.line(line), severity=level)
            kept.setdefault((f.rule_id, f.line, f.column, f.message), f)
        return suppressions.apply(sorted(kept.values(), key=lambda f: f.sort_key), after)


def _changed_text(change: FileChange, after: Source, before: Source | None) -> str:
    """The lines the change touched (both sides), which rules' `interest` patterns search."""
    if change.changed_lines is None:
        return after.text
    parts = [after.line(n) for n in sorted(change.changed_lines)]
    if before is not None:
        parts.extend(before.line(n) for n in sorted(change.removed_lines))
    return "\n".join(parts)


def _parse_error(path: str, exc: SourceError, context: FileContext | None = None) -> Notification:
    """A parse error of the file; one of its before-version only costs the comparisons."""
    if context is not None and context.before is not None and exc.source is context.before:
        return Notification(
            kind="before-parse-error",
            message=f"the version of {path} before the change cannot be parsed ({exc}); "
            "rules comparing the two versions did not compare them",
            path=path,
        )
    return Notification(
        kind="parse-error",
        message=f"cannot parse {path}: {exc}",
        path=path,
        line=exc.line,
        level=Severity.ERROR,
    )


def _rule_crashed(rule: type[Rule], path: str, exc: BaseException) -> Notification:
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return Notification(
        kind="rule-error",
        message=f"rule {rule.id} failed on {path}: {detail}",
        path=path,
        level=Severity.ERROR,
    )


class _Interrupts:
    """Records SIGINT while installed (main thread only), then raises KeyboardInterrupt as
    Python's default handler does."""

    def __init__(self) -> None:
        self.seen = False
        self._previous: Any = None
        self._installed = False

    def __enter__(self) -> _Interrupts:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def _handle(self, signum: int, frame: object) -> None:
        self.seen = True
        raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        import signal

        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
