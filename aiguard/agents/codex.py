"""OpenAI Codex CLI: PostToolUse after `apply_patch`, Stop at the end of a turn.

Protocol, from Codex's hooks documentation (https://developers.openai.com/codex/hooks) and the
JSON schemas it generates (openai/codex, codex-rs/hooks/schema/generated/
post-tool-use.command.input.schema.json, stop.command.input.schema.json and their
`.output.` counterparts):

- Hooks live in `~/.codex/hooks.json` or `<repo>/.codex/hooks.json`, in Claude Code's shape
  (`hooks.<Event>[].matcher`, `hooks[].type = "command"`, `command`, `timeout`).
- Every event carries `session_id`, `cwd`, `hook_event_name`, `turn_id`, `model`. PostToolUse
  adds `tool_name` (`apply_patch` for file edits), `tool_input` and `tool_response`;
  `tool_input.command` is the raw patch envelope (`*** Begin Patch`, `*** Add File: PATH`,
  `*** Update File: PATH`, `*** Move to: PATH`, `*** Delete File: PATH`, `*** End Patch`),
  whose paths are relative to `cwd`. Stop adds `stop_hook_active` and
  `last_assistant_message`.
- Output on stdout (exit 0): `{"decision": "block", "reason": ...}` feeds the reason to the
  model (PostToolUse) or keeps the turn going with it (Stop); `systemMessage` is shown to the
  user. aiguard fails open with a `systemMessage` and no decision.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiguard.agents.fields import flag, optional_text, required_text, section
from aiguard.agents.protocol import (
    EventKind,
    HookConfig,
    HookEntry,
    HookEvent,
    Reply,
    Verdict,
)

NAME = "codex"
BYTE_CAP = 10_000  # Codex documents no cap; aiguard keeps Claude Code's
EDIT_FEEDBACK = True
EDIT_TOOLS = frozenset({"apply_patch"})
START_EVENTS = frozenset({"SessionStart", "UserPromptSubmit"})

HOOKS = (
    HookEntry("SessionStart"),
    HookEntry("PostToolUse", matcher="apply_patch", timeout=30),
    HookEntry("Stop", timeout=60),
)
CONFIG = HookConfig("nested", ".codex/hooks.json", ".codex/hooks.json")

_PATCH_HEADERS = ("*** Add File: ", "*** Update File: ", "*** Move to: ")


def patch_paths(patch: str) -> tuple[str, ...]:
    """The files an apply_patch envelope adds, updates or moves to (deleted ones are gone)."""
    found: list[str] = []
    for line in patch.splitlines():
        for header in _PATCH_HEADERS:
            if line.startswith(header):
                path = line[len(header) :].strip()
                if path and path not in found:
                    found.append(path)
    return tuple(found)


def parse(data: Mapping[str, object]) -> HookEvent:
    name = required_text(data, "hook_event_name")
    session_id = required_text(data, "session_id")
    cwd = required_text(data, "cwd")
    if name == "PostToolUse" and optional_text(data, "tool_name") in EDIT_TOOLS:
        tool_input = data.get("tool_input")
        # The patch is `tool_input.command`; a freeform call may send the text itself.
        patch = tool_input if isinstance(tool_input, str) else None
        if isinstance(tool_input, Mapping):
            patch = optional_text(section(data, "tool_input"), "command")
        return HookEvent(EventKind.EDIT, session_id, cwd, name, patch_paths(patch or ""))
    if name == "Stop":
        continuing = flag(data, "stop_hook_active")
        return HookEvent(EventKind.STOP, session_id, cwd, name, continuing=continuing)
    kind = EventKind.START if name in START_EVENTS else EventKind.IGNORED
    return HookEvent(kind, session_id, cwd, name)


def reply(event: HookEvent, verdict: Verdict) -> Reply:
    if verdict.block and verdict.message:
        return Reply(stdout=json.dumps({"decision": "block", "reason": verdict.message}) + "\n")
    if verdict.human:
        return Reply(stdout=json.dumps({"systemMessage": verdict.human}) + "\n")
    return Reply()


def fail_open(event: HookEvent | None, error: str) -> Reply:
    message = f"aiguard hook failed open (the agent goes on): {error}"
    return Reply(stdout=json.dumps({"systemMessage": message}) + "\n", stderr=message + "\n")
