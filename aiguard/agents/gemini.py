"""Gemini CLI: AfterTool after `write_file`/`replace`, AfterAgent at the end of a turn.

Protocol, from the Gemini CLI hooks reference (https://geminicli.com/docs/hooks/reference,
google-gemini/gemini-cli docs/hooks/reference.md) and its tools reference
(docs/tools/file-system.md):

- Hooks live in `.gemini/settings.json` (project) or `~/.gemini/settings.json` (user), under
  `hooks.<Event>[]` with `matcher` and `hooks[]` of `{"type": "command", "command", "name",
  "timeout"}`; the timeout is in milliseconds.
- Every event carries `session_id`, `transcript_path`, `cwd`, `hook_event_name`, `timestamp`.
  AfterTool adds `tool_name` (`write_file`, `replace` edit files; both take `file_path`),
  `tool_input` and `tool_response`; AfterAgent adds `prompt`, `prompt_response` and
  `stop_hook_active`, true when the turn is already a retry a hook asked for.
- Exit 0 with JSON on stdout (nothing else may be printed there). AfterTool:
  `hookSpecificOutput.additionalContext` is appended to the tool result the model reads (exit
  2 would hide the result itself, so aiguard does not use it). AfterAgent: `decision: "deny"`
  with `reason` rejects the response and sends the reason as a new prompt. `systemMessage` is
  shown to the user. Any other exit status is a warning and the CLI goes on: aiguard fails
  open with exit 1.
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

NAME = "gemini"
BYTE_CAP = 10_000  # Gemini CLI documents no cap; aiguard keeps Claude Code's
EDIT_FEEDBACK = True
EDIT_TOOLS = frozenset({"write_file", "replace"})

HOOKS = (
    HookEntry("SessionStart"),
    HookEntry("AfterTool", matcher="write_file|replace", timeout=30_000),
    HookEntry("AfterAgent", timeout=60_000),
)
CONFIG = HookConfig("nested", ".gemini/settings.json", ".gemini/settings.json")


def parse(data: Mapping[str, object]) -> HookEvent:
    name = required_text(data, "hook_event_name")
    session_id = required_text(data, "session_id")
    cwd = required_text(data, "cwd")
    if name == "AfterTool" and optional_text(data, "tool_name") in EDIT_TOOLS:
        path = optional_text(section(data, "tool_input"), "file_path")
        return HookEvent(EventKind.EDIT, session_id, cwd, name, (path,) if path else ())
    if name == "AfterAgent":
        continuing = flag(data, "stop_hook_active")
        return HookEvent(EventKind.STOP, session_id, cwd, name, continuing=continuing)
    kind = EventKind.START if name in ("SessionStart", "BeforeAgent") else EventKind.IGNORED
    return HookEvent(kind, session_id, cwd, name)


def reply(event: HookEvent, verdict: Verdict) -> Reply:
    out: dict[str, object] = {}
    if verdict.message and event.kind is EventKind.EDIT:
        out["hookSpecificOutput"] = {"additionalContext": verdict.message}
    elif verdict.message and verdict.block:
        out.update(decision="deny", reason=verdict.message)
    if verdict.human:
        out["systemMessage"] = verdict.human
    return Reply(stdout=json.dumps(out) + "\n")


def fail_open(event: HookEvent | None, error: str) -> Reply:
    return Reply(exit_code=1, stderr=f"aiguard hook failed open (the agent goes on): {error}\n")
