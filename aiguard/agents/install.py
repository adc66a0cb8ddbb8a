"""`aiguard install AGENT` and `aiguard uninstall AGENT`: aiguard's hooks in an agent's config.

Idempotent (installing twice leaves one copy; a changed interpreter path is updated in place),
never touches another tool's hooks, creates the folders it needs, and writes a command path
that exists: the `aiguard` script beside the running interpreter, else `python -m aiguard`.
A config file that is not valid JSON is an error, never overwritten.
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiguard.agents.protocol import Agent, HookEntry
from aiguard.errors import AiguardError

# Marks aiguard's own scripts (Cline) so that uninstall removes nothing else.
SCRIPT_MARKER = "# written by `aiguard install cline`"


@dataclass(frozen=True)
class Planned:
    """One file the installer writes (None: deletes it), and what it says about it."""

    path: Path
    text: str | None
    summary: str
    executable: bool = False


def command_words(agent: str) -> list[str]:
    """The command line of `aiguard hook AGENT`, by absolute path."""
    script = Path(sys.executable).parent / ("aiguard.exe" if os.name == "nt" else "aiguard")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script), "hook", agent]
    return [sys.executable, "-m", "aiguard", "hook", agent]


def command_line(agent: str) -> str:
    return shlex.join(command_words(agent))


def is_ours(command: object, agent: str) -> bool:
    """Whether a hook command is aiguard's hook for `agent` (whatever interpreter ran it)."""
    if not isinstance(command, str):
        return False
    words = command.split()
    return "aiguard" in command and words[-2:] == ["hook", agent]


def config_path(agent: Agent, *, user: bool, root: Path, home: Path) -> Path:
    if not user:
        return root / agent.CONFIG.project
    if agent.CONFIG.user is None:
        raise AiguardError(
            f"{agent.NAME} reads hooks only from the repository ({agent.CONFIG.project}); "
            "install with --project"
        )
    if agent.NAME == "codex" and os.environ.get("CODEX_HOME"):
        return Path(os.environ["CODEX_HOME"]) / "hooks.json"
    return home / agent.CONFIG.user


def plan(agent: Agent, path: Path, *, remove: bool) -> list[Planned]:
    style = agent.CONFIG.style
    if style == "scripts":
        return _plan_scripts(agent, path, remove=remove)
    data = _read_json(path)
    if style == "nested":
        hooks = _nested(data, agent, remove=remove)
    elif style == "flat":
        hooks = _flat(data, agent, remove=remove)
    elif style == "copilot":
        if remove:
            return [Planned(path, None, f"removed {path}")] if path.exists() else []
        hooks = _copilot(agent)
        data = {"version": 1}
    else:
        raise AiguardError(f"unknown hook config style {style!r}")
    if hooks:
        data["hooks"] = hooks
    else:
        data.pop("hooks", None)
    if style == "flat":
        data.setdefault("version", 1)
    verb = "removed aiguard's hooks from" if remove else "wrote aiguard's hooks into"
    return [Planned(path, json.dumps(data, indent=2) + "\n", f"{verb} {path}")]


def apply(planned: list[Planned]) -> None:
    for item in planned:
        try:
            if item.text is None:
                if item.path.exists():
                    item.path.unlink()
                continue
            item.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = item.path.with_name(f".{item.path.name}.{os.getpid()}.tmp")
            tmp.write_text(item.text, encoding="utf-8")
            if item.executable:
                tmp.chmod(tmp.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            os.replace(tmp, item.path)
        except OSError as exc:
            raise AiguardError(f"cannot write {item.path}: {exc.strerror or exc}") from None


# -- the config shapes --------------------------------------------------------------------


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise AiguardError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise AiguardError(
            f"{path} is not valid JSON ({exc}); fix it, then run the install again"
        ) from None
    if not isinstance(data, dict):
        raise AiguardError(f"{path} does not hold a JSON object; fix it first")
    return data


def _hooks_table(data: Mapping[str, Any], path_hint: str) -> dict[str, Any]:
    hooks = data.get("hooks", {})
    if not isinstance(hooks, dict):
        raise AiguardError(f'"hooks" in {path_hint} is not an object; fix it first')
    return dict(hooks)


def _entry_list(hooks: Mapping[str, Any], event: str) -> list[Any]:
    entries = hooks.get(event, [])
    if not isinstance(entries, list):
        raise AiguardError(f'hooks."{event}" is not a list; fix it first')
    return list(entries)


def _nested(data: dict[str, Any], agent: Agent, *, remove: bool) -> dict[str, Any]:
    """Claude Code, Codex, Gemini CLI: hooks.<Event> = [{matcher, hooks: [{type, command}]}]."""
    hooks = _hooks_table(data, agent.CONFIG.project)
    for event in list(hooks):
        kept = []
        for group in _entry_list(hooks, event):
            inner = group.get("hooks") if isinstance(group, dict) else None
            if not isinstance(inner, list):
                kept.append(group)  # not a shape aiguard knows: leave it as it is
                continue
            others = [
                h
                for h in inner
                if not (isinstance(h, dict) and is_ours(h.get("command"), agent.NAME))
            ]
            if others or not inner:
                kept.append({**group, "hooks": others})
            # a group that held only aiguard's hook goes with it
        if kept:
            hooks[event] = kept
        else:
            del hooks[event]
    if remove:
        return hooks
    for entry in agent.HOOKS:
        hook: dict[str, Any] = {"type": "command", "command": command_line(agent.NAME)}
        if agent.NAME == "gemini":
            hook["name"] = "aiguard"
        if entry.timeout is not None:
            hook[agent.CONFIG.timeout_key] = entry.timeout
        added: dict[str, Any] = {}
        if entry.matcher is not None:
            added["matcher"] = entry.matcher
        added["hooks"] = [hook]
        hooks.setdefault(entry.event, []).append(added)
    return hooks


def _flat(data: dict[str, Any], agent: Agent, *, remove: bool) -> dict[str, Any]:
    """Cursor: {version: 1, hooks: {<event>: [{command, ...}]}}."""
    hooks = _hooks_table(data, agent.CONFIG.project)
    for event in list(hooks):
        kept = [
            h
            for h in _entry_list(hooks, event)
            if not (isinstance(h, dict) and is_ours(h.get("command"), agent.NAME))
        ]
        if kept:
            hooks[event] = kept
        else:
            del hooks[event]
    if remove:
        return hooks
    for entry in agent.HOOKS:
        hooks.setdefault(entry.event, []).append(
            {"command": command_line(agent.NAME), **dict(entry.extra)}
        )
    return hooks


def _copilot(agent: Agent) -> dict[str, Any]:
    """Copilot: aiguard's own `.github/hooks/aiguard.json`, one command per event."""
    words = command_words(agent.NAME)
    powershell = "& " + " ".join(f"'{w}'" for w in words)
    hooks: dict[str, Any] = {}
    for entry in agent.HOOKS:
        hook: dict[str, Any] = {
            "type": "command",
            "bash": shlex.join(words),
            "powershell": powershell,
        }
        if entry.timeout is not None:
            hook[agent.CONFIG.timeout_key] = entry.timeout
        hooks[entry.event] = [hook]
    return hooks


def _plan_scripts(agent: Agent, folder: Path, *, remove: bool) -> list[Planned]:
    """Cline: one executable per event, named after it; someone else's is never replaced."""
    planned = []
    for entry in agent.HOOKS:
        path = folder / entry.event
        existing = _script_text(path)
        if existing is not None and SCRIPT_MARKER not in existing:
            if remove:
                continue
            raise AiguardError(
                f"{path} is another hook; add `{command_line(agent.NAME)}` to it by hand "
                "(it reads the event on stdin and prints Cline's JSON reply)"
            )
        if remove:
            if existing is not None:
                planned.append(Planned(path, None, f"removed {path}"))
            continue
        text = f"#!/bin/sh\n{SCRIPT_MARKER}\nexec {command_line(agent.NAME)}\n"
        planned.append(Planned(path, text, f"wrote {path}", executable=True))
    return planned


def _script_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AiguardError(f"cannot read {path}: {exc.strerror or exc}") from None


def describe(entries: tuple[HookEntry, ...]) -> str:
    return ", ".join(e.event for e in entries)
