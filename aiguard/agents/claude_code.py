"""Claude Code: PostToolUse after Edit/Write/MultiEdit, Stop/SubagentStop at the end of a turn.

Protocol, from the hooks reference (https://code.claude.com/docs/en/hooks, formerly
https://docs.anthropic.com/en/docs/claude-code/hooks):

- Every event on stdin carries `session_id`, `transcript_path`, `cwd` and `hook_event_name`.
  PostToolUse adds `tool_name`, `tool_input` (Edit/Write/MultiEdit: `file_path`) and
  `tool_response`; Stop and SubagentStop add `stop_hook_active`, true when Claude is already
  continuing because a stop hook blocked before.
- Exit 0: success (stdout JSON is read: `systemMessage` is shown to the user). Exit 2: a
  blocking error whose stderr is fed to Claude (PostToolUse: the edit is done, Claude reads
  the feedback; Stop: Claude does not stop). Any other status is a non-blocking error shown
  to the user only: that is how aiguard fails open.
- Stop can also answer `{"decision": "block", "reason": ...}` on stdout with exit 0; aiguard
  uses exit 2 + stderr for both events, the form the reference documents for all of them.
- Hook output shown to Claude is capped at 10,000 characters.
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

NAME = "claude-code"
BYTE_CAP = 10_000
EDIT_FEEDBACK = True
EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit"})
START_EVENTS = frozenset({"SessionStart", "UserPromptSubmit"})
STOP_EVENTS = frozenset({"Stop", "SubagentStop"})

# What `aiguard install claude-code` writes into .claude/settings.json ("hooks").
HOOKS = (
    HookEntry("SessionStart"),
    HookEntry("PostToolUse", matcher="Edit|Write|MultiEdit", timeout=30),
    HookEntry("Stop", timeout=60),
)
CONFIG = HookConfig("nested", ".claude/settings.json", ".claude/settings.json")


def parse(data: Mapping[str, object]) -> HookEvent:
    name = required_text(data, "hook_event_name")
    session_id = required_text(data, "session_id")
    cwd = required_text(data, "cwd")
    if name == "PostToolUse" and optional_text(data, "tool_name") in EDIT_TOOLS:
        path = optional_text(section(data, "tool_input"), "file_path")
        paths = (path,) if path else ()
        return HookEvent(EventKind.EDIT, session_id, cwd, name, paths)
    if name in STOP_EVENTS:
        continuing = flag(data, "stop_hook_active")
        return HookEvent(EventKind.STOP, session_id, cwd, name, continuing=continuing)
    kind = EventKind.START if name in START_EVENTS else EventKind.IGNORED
    return HookEvent(kind, session_id, cwd, name)


def reply(event: HookEvent, verdict: Verdict) -> Reply:
    if verdict.block and verdict.message:
        return Reply(exit_code=2, stderr=verdict.message + "\n")
    if verdict.human:
        return Reply(stdout=json.dumps({"systemMessage": verdict.human}) + "\n")
    return Reply()


def fail_open(event: HookEvent | None, error: str) -> Reply:
    return Reply(exit_code=1, stderr=f"aiguard hook failed open (the agent goes on): {error}\n")
