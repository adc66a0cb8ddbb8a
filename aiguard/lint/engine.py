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

from aiguard.change.model import ChangeSet, FileChange
from aiguard.config import Config
from aiguard.findings import Finding, Notification, Severity
from aiguard.lint import suppressions
from aiguard.lint.rule import FileContext, FileRule, PythonRule, Rule, RuleRef, ScriptRule
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
        if jobs > 1 and len(changes.files) >= PARALLEL_MIN_FILES and _can_fork():
            parts = self._check_parallel(changes.files, project, jobs)
        else:
            parts = [self.check_files(changes.files, project)]
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
        for rule_cls in loaded:
            if issubclass(rule_cls, FileRule):
                rule = rule_cls(context)
                try:
                    rule.check()
                except SourceError as exc:
                    if not parse_failed:
                        outcome.notifications.append(_parse_error(change.path, exc))
                    parse_failed = True
                    continue
                except Exception as exc:  # noqa: BLE001 -- a crashing rule hides no other findings
                    outcome.notifications.append(_rule_crashed(rule_cls, change.path, exc))
                    continue
                raw.extend(rule.findings)
        python_rules = [r for r in loaded if issubclass(r, PythonRule)]
        if python_rules and not parse_failed:
            raw.extend(self._run_python(python_rules, context, outcome))
        script_rules = [r for r in loaded if issubclass(r, ScriptRule)]
        if script_rules and not parse_failed:
            raw.extend(_run_script(script_rules, context, outcome))
        outcome.findings = self._keep(raw, change, after)
        return outcome

    def _run_python(
        self, rule_classes: Sequence[type[Rule]], context: FileContext, outcome: FileOutcome
    ) -> list[Finding]:
        try:
            module = context.after.cst
        except SourceError as exc:
            outcome.notifications.append(_parse_error(context.change.path, exc))
            return []
        python_rules = [cls(context) for cls in rule_classes if issubclass(cls, PythonRule)]
        providers = {p for r in python_rules for p in r.METADATA_DEPENDENCIES}
        try:
            if providers:
                from libcst.metadata import MetadataWrapper

                wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
                resolved = wrapper.resolve_many(providers)
                for r in python_rules:
                    r.metadata = {p: resolved[p] for p in r.METADATA_DEPENDENCIES}
            # PythonRule is duck-typed to BatchableCSTVisitor (get_visitors) so that rule modules
            # can be imported without importing libcst; the walk reads the tree without
            # rebuilding it (see aiguard.lint.walk_python).
            from aiguard.lint.walk_python import visit_batched

            visit_batched(module, python_rules, self._cst_order)
            found: list[Finding] = []
            for r in python_rules:
                r.resolve_reported()
                found.extend(r.findings)
            return found
        except SourceError as exc:
            outcome.notifications.append(_parse_error(context.change.path, exc))
        except RecursionError:
            outcome.notifications.append(
                _parse_error(context.change.path, SourceError("too deeply nested to analyse"))
            )
        except Exception as exc:  # noqa: BLE001 -- a rule's bug: a notification, not a crash
            ids = ", ".join(r.id for r in python_rules)
            outcome.notifications.append(
                Notification(
                    kind="rule-error",
                    message=f"Python rules {ids} failed on {context.change.path}: "
                    f"{type(exc).__name__}: {exc}",
                    path=context.change.path,
                    level=Severity.ERROR,
                )
            )
        return []

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


def _run_script(
    rule_classes: Sequence[type[Rule]], context: FileContext, outcome: FileOutcome
) -> list[Finding]:
    """All script rules of a file in one walk; a rule that raises loses only its own findings."""
    try:
        root = context.after.tree.root_node
    except SourceError as exc:
        outcome.notifications.append(_parse_error(context.change.path, exc))
        return []
    from aiguard.lint.walk_script import ScriptWalk, Visitor

    script_rules = [cls(context) for cls in rule_classes if issubclass(cls, ScriptRule)]
    failed: set[int] = set()
    parse_failed = False

    def on_error(visitor: Visitor, exc: Exception) -> None:
        """As for file rules: a parse error once per file, else the rule's crash."""
        nonlocal parse_failed
        failed.add(id(visitor))
        if isinstance(exc, SourceError):  # the rule read a version or file that does not parse
            if not parse_failed:
                outcome.notifications.append(_parse_error(context.change.path, exc))
            parse_failed = True
            return
        rule = next(r for r in script_rules if r is visitor)
        outcome.notifications.append(_rule_crashed(type(rule), context.change.path, exc))

    ScriptWalk(script_rules, on_error).walk(root)
    return [f for r in script_rules if id(r) not in failed for f in r.findings]


def _changed_text(change: FileChange, after: Source, before: Source | None) -> str:
    """The lines the change touched (both sides), which rules' `interest` patterns search."""
    if change.changed_lines is None:
        return after.text
    parts = [after.line(n) for n in sorted(change.changed_lines)]
    if before is not None:
        parts.extend(before.line(n) for n in sorted(change.removed_lines))
    return "\n".join(parts)


def _parse_error(path: str, exc: SourceError) -> Notification:
    return Notification(kind="parse-error", message=f"cannot parse {path}: {exc}", path=path)


def _rule_crashed(rule: type[Rule], path: str, exc: Exception) -> Notification:
    return Notification(
        kind="rule-error",
        message=f"rule {rule.id} failed on {path}: {type(exc).__name__}: {exc}",
        path=path,
        level=Severity.ERROR,
    )
