"""`aiguard hook AGENT`: one event in, one reply out, and never a reason for the agent to stall.

Findings reach the model in the agent's protocol; aiguard's own failures (a bad event, a broken
config, a crash, a timeout) fail open: the agent goes on, the error is logged under the user
cache directory and reported in the agent's non-blocking way, which reads differently from a
finding.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiguard.agents import output
from aiguard.agents.protocol import Agent, EventKind, HookEvent, Reply, Verdict
from aiguard.agents.session import (
    Session,
    SessionState,
    prune_stale,
    session_dir,
    state_root,
    take_snapshot,
)
from aiguard.agents.tiers import edit_changes, per_edit_rule, session_changes
from aiguard.change.git import Repo, find_repo
from aiguard.change.model import ChangeSet
from aiguard.errors import AiguardError, RunAborted
from aiguard.findings import Finding, Severity

EDIT_TIMEOUT = 10.0
STOP_TIMEOUT = 45.0
MAX_BLOCKS = 2  # stop blocking after this many end-of-turn blocks about the same findings
SUMMARY_SUPPRESSIONS = 8


class HookTimeout(RunAborted):
    """aiguard ran out of its own time budget for one event.

    A RunAborted: the engine contains whatever a rule raises, but a deadline must not be
    mistaken for one rule's crash.
    """


@dataclass(frozen=True)
class HookOptions:
    plugin_files: tuple[Path, ...] = ()
    timeout: float | None = None  # seconds; None: EDIT_TIMEOUT or STOP_TIMEOUT
    max_blocks: int = MAX_BLOCKS


def run_hook(agent: Agent, raw: bytes, environ: Mapping[str, str], options: HookOptions) -> Reply:
    """Answer one event. Never raises: every failure of aiguard's own becomes a fail-open reply."""
    event: HookEvent | None = None
    try:
        event = agent.parse(_json_object(raw))
        limit = options.timeout
        if limit is None:
            limit = STOP_TIMEOUT if event.kind is EventKind.STOP else EDIT_TIMEOUT
        with _deadline(limit):
            verdict = decide(agent, event, environ, options)
        return agent.reply(event, verdict)
    except HookTimeout:
        error = f"timed out after {limit:g} s"
    except AiguardError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 -- a bug in aiguard must never stop the agent: fail open, log it
        error = f"internal error: {type(exc).__name__}: {exc}"
        _log(environ, agent.NAME, event, error, traceback.format_exc())
        return agent.fail_open(event, error)
    _log(environ, agent.NAME, event, error, "")
    return agent.fail_open(event, error)


def _json_object(raw: bytes) -> dict[str, object]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise AiguardError(f"the hook event on stdin is not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise AiguardError("the hook event on stdin is not a JSON object")
    return data


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise HookTimeout in the main thread after `seconds` (where POSIX timers exist)."""
    if sys.platform == "win32" or seconds <= 0:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise HookTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _log(
    environ: Mapping[str, str], agent: str, event: HookEvent | None, error: str, trace: str
) -> None:
    """Append the failure to `<cache>/agents/hook.log`; a log that cannot be written is
    reported on stderr instead (the reply still fails open)."""
    where = event.name if event is not None else "unparsed event"
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    entry = f"{stamp} {agent} {where}: {error}\n{trace}"
    try:
        root = state_root(environ)
        root.mkdir(parents=True, exist_ok=True)
        with open(root / "hook.log", "a", encoding="utf-8") as handle:
            handle.write(entry)
    except (AiguardError, OSError) as exc:
        print(f"aiguard: cannot write the hook log: {exc}", file=sys.stderr)


# -- deciding -----------------------------------------------------------------------------


def decide(
    agent: Agent, event: HookEvent, environ: Mapping[str, str], options: HookOptions
) -> Verdict:
    if not event.cwd or not os.path.isdir(event.cwd):
        raise AiguardError(f"the event's working directory {event.cwd!r} does not exist")
    repo = find_repo(Path(event.cwd))
    root = repo.root if repo is not None else Path(os.path.abspath(event.cwd))
    edited = _relative(root, event.cwd, event.paths)
    session = Session(session_dir(environ, agent.NAME, event.session_id))
    with session.locked():
        state = session.load()
        if state is None or state.root != str(root):
            skip = frozenset(edited) if event.kind is EventKind.EDIT else frozenset()
            state = take_snapshot(session, root, repo, skip)
            prune_stale(environ, agent.NAME, session.directory)
        if event.kind is EventKind.EDIT and edited and agent.EDIT_FEEDBACK:
            verdict = _edit(agent, state, session, repo, root, edited, options)
        elif event.kind is EventKind.STOP:
            verdict = _stop(agent, event, state, session, repo, root, options)
        else:
            verdict = Verdict()
        session.save(state)
    return verdict


def _relative(root: Path, cwd: str, paths: Sequence[str]) -> list[str]:
    """The edited files relative to the root; files outside it are not this change's."""
    real_root = os.path.realpath(root)
    out = []
    for given in paths:
        full = os.path.realpath(os.path.join(cwd, given))
        rel = os.path.relpath(full, real_root)
        if rel != ".." and not rel.startswith(".." + os.sep) and not os.path.isabs(rel):
            out.append(rel.replace(os.sep, "/"))
    return out


def _check(
    repo_root: Path, changes: ChangeSet, options: HookOptions, *, per_edit: bool
) -> tuple[list[Finding], Severity | None, dict[str, str]]:
    """All findings of the change set, the config's threshold, and each rule's fix hint."""
    from aiguard.cli.check import check_change_set
    from aiguard.config import load_config
    from aiguard.lint.registry import load_registry

    registry = load_registry(options.plugin_files)
    config = load_config(repo_root)
    if not changes.files:
        return [], config.fail_on, {}
    result = check_change_set(changes, config, registry, only=per_edit_rule if per_edit else None)
    fixes = {f.rule_id: registry[f.rule_id].fix for f in result.findings}
    return result.findings, config.fail_on, fixes


def _shown(findings: Sequence[Finding], fail_on: Severity | None) -> list[Finding]:
    """Findings the model must act on: not suppressed, at or above the gate (default warning)."""
    threshold = (fail_on or Severity.WARNING).rank
    return [f for f in findings if f.suppression is None and f.severity.rank >= threshold]


def _edit(
    agent: Agent,
    state: SessionState,
    session: Session,
    repo: Repo | None,
    root: Path,
    edited: list[str],
    options: HookOptions,
) -> Verdict:
    changes = edit_changes(session, state, repo, root, edited)
    findings, fail_on, fixes = _check(root, changes, options, per_edit=True)
    shown = _shown(findings, fail_on)
    new = [f for f in shown if output.finding_key(f) not in state.reported]
    state.reported.extend(output.finding_key(f) for f in new)
    if not new:
        return Verdict()
    header = f"aiguard: this edit introduced {output.count(new)}:"
    message = output.model_message(header, new, fixes.__getitem__, agent.BYTE_CAP)
    return Verdict(message=message, block=fail_on is not None)


def _stop(
    agent: Agent,
    event: HookEvent,
    state: SessionState,
    session: Session,
    repo: Repo | None,
    root: Path,
    options: HookOptions,
) -> Verdict:
    changes = session_changes(session, state, repo, root)
    findings, fail_on, fixes = _check(root, changes, options, per_edit=False)
    shown = _shown(findings, fail_on)
    added = [f for f in findings if f.rule_id.startswith("AIG1") or f.suppression is not None]
    suppressions = output.suppression_lines(added, SUMMARY_SUPPRESSIONS)
    if not shown:
        state.last_block, state.unchanged_blocks = "", 0
        if not suppressions:
            return Verdict()
        human = "\n".join(
            [f"aiguard: suppressions the agent added this session ({len(added)}):", *suppressions]
        )
        return Verdict(human=human)
    key = output.digest(shown)
    repeats = state.unchanged_blocks if key == state.last_block else 0
    if fail_on is not None and not event.continuing and repeats < options.max_blocks:
        state.last_block, state.unchanged_blocks = key, repeats + 1
        header = (
            f"aiguard: the changes of this session have {output.count(shown)};"
            " fix them before finishing:"
        )
        lines = output.finding_lines(shown, fixes.__getitem__, output.MAX_LINES - 4)
        if suppressions:
            lines.append(f"Suppressions added this session: {len(added)} (listed for reviewers).")
        message = output.cap_bytes([header, *lines, output.SUPPRESSION_NOTE], agent.BYTE_CAP)
        return Verdict(message=message, block=True)
    why = (
        "the agent is already continuing because of a stop hook"
        if event.continuing
        else f"asked {repeats} times about the same findings; not blocking again"
    )
    if fail_on is None:
        why = "fail-on is never"
    summary = [f"aiguard: {output.count(shown)} left for you to review ({why}):"]
    summary += output.finding_lines(shown, fixes.__getitem__, output.MAX_LINES)
    if suppressions:
        summary += [f"Suppressions the agent added this session ({len(added)}):", *suppressions]
    return Verdict(human="\n".join(summary))
