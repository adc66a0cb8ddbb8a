"""What every agent module provides: its events parsed into one shape, and its replies.

An agent module turns the JSON its hook sends on stdin into a `HookEvent` and turns aiguard's
verdict into a `Reply` (exit status, stdout, stderr) in that agent's own protocol.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


class EventKind(enum.Enum):
    START = "start"  # a session or turn begins: take the snapshot, say nothing
    EDIT = "edit"  # files were edited: the per-edit tier
    STOP = "stop"  # the agent ends its turn: the end-of-turn tier
    IGNORED = "ignored"  # an event aiguard has nothing to say about (another tool, a read)


@dataclass(frozen=True)
class HookEvent:
    """One hook event, as aiguard needs it.

    `paths` are the edited files as the agent named them (absolute, or relative to `cwd`).
    `continuing` is the agent's "already continuing because a stop hook asked" flag
    (Claude Code's `stop_hook_active`, Gemini's `stop_hook_active`, Cursor's `loop_count > 0`).
    """

    kind: EventKind
    session_id: str
    cwd: str
    name: str  # the agent's own name for the event, for logs
    paths: tuple[str, ...] = ()
    continuing: bool = False


@dataclass(frozen=True)
class Reply:
    """What the hook process does: exit with `exit_code`, writing `stdout` and `stderr`."""

    exit_code: int = 0
    stdout: str = ""
    stderr: str = ""


@dataclass(frozen=True)
class Verdict:
    """aiguard's answer to one event, before an agent puts it into its protocol.

    `message` is for the model (empty: nothing to say); `block` says the agent should act on
    it (fix before going on, or not stop yet); `human` is a summary for the person watching,
    shown where the agent has a place for it.
    """

    message: str = ""
    block: bool = False
    human: str = ""


@dataclass(frozen=True)
class HookEntry:
    """One hook the installer writes: the agent's event name, a tool matcher, and the command
    arguments after `aiguard` (the installer prepends the interpreter)."""

    event: str
    matcher: str | None = None
    timeout: int | None = None
    extra: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class HookConfig:
    """Where and how the installer writes an agent's hooks.

    `style` is the file's shape: "nested" (`hooks.<Event>[] = {matcher, hooks: [{type,
    command}]}`: Claude Code, Codex, Gemini CLI), "flat" (`{version: 1, hooks: {<event>:
    [{command}]}}`: Cursor), "copilot" (its own `.github/hooks/aiguard.json`) or "scripts"
    (one executable per event, named after it: Cline). `project` is relative to the
    repository root, `user` to the home directory (None: no user-level hooks).
    """

    style: str
    project: str
    user: str | None
    timeout_key: str = "timeout"


class Agent(Protocol):
    """An agent's module, seen through the attributes every one of them defines."""

    NAME: str
    # The most bytes of model-facing text the agent accepts; aiguard cuts its message to fit.
    BYTE_CAP: int
    # Whether the agent shows the model anything a hook answers after an edit; when it does
    # not, the edit is only recorded and the end-of-turn check says everything.
    EDIT_FEEDBACK: bool
    HOOKS: tuple[HookEntry, ...]
    CONFIG: HookConfig

    def parse(self, data: Mapping[str, object]) -> HookEvent: ...

    def reply(self, event: HookEvent, verdict: Verdict) -> Reply: ...

    def fail_open(self, event: HookEvent | None, error: str) -> Reply: ...
