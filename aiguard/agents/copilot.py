"""GitHub Copilot coding agent and Copilot CLI: postToolUse after edits, agentStop at the end.

Protocol, from GitHub's documentation (docs.github.com/en/copilot/reference/
copilot-cli-reference/cli-hooks-reference and /copilot/reference/hooks-configuration; the
github/docs repository, content/copilot/reference/...):

- Hooks live in `.github/hooks/*.json` (the coding agent reads them from the default branch;
  the CLI from the working directory): `{"version": 1, "hooks": {"<event>": [{"type":
  "command", "bash": ..., "powershell": ..., "timeoutSec": 30}]}}`.
- camelCase events carry `sessionId`, `timestamp`, `cwd`; postToolUse adds `toolName`
  (`edit` and `create` change files), `toolArgs` (a JSON string, or an object, whose `path`
  names the file) and `toolResult`; agentStop adds `transcriptPath` and `stopReason`.
- postToolUse output from a command hook is ignored ("result modification is not currently
  supported"): the edit is recorded and agentStop says everything. agentStop answers
  `{"decision": "block", "reason": ...}` to force another turn with the reason as its prompt.
  Copilot sends no "already continuing" flag, so aiguard's own limit on unchanged blocks is
  what ends a loop. Hook failures (non-zero exits, timeouts) are logged and skipped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from aiguard.agents.fields import optional_text, required_text
from aiguard.agents.protocol import (
    EventKind,
    HookConfig,
    HookEntry,
    HookEvent,
    Reply,
    Verdict,
)

NAME = "copilot"
BYTE_CAP = 10_000  # the 10 KB limit issue 12 gives for what a Copilot hook returns
EDIT_FEEDBACK = False
EDIT_TOOLS = frozenset({"edit", "create"})

HOOKS = (
    HookEntry("sessionStart", timeout=30),
    HookEntry("postToolUse", timeout=30),
    HookEntry("agentStop", timeout=60),
)
CONFIG = HookConfig("copilot", ".github/hooks/aiguard.json", None, timeout_key="timeoutSec")


def _tool_path(data: Mapping[str, object]) -> str | None:
    args = data.get("toolArgs")
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except ValueError:
            return None
    if isinstance(args, Mapping):
        path = args.get("path")
        return path if isinstance(path, str) and path else None
    return None


def parse(data: Mapping[str, object]) -> HookEvent:
    name = optional_text(data, "hook_event_name") or _camel_event(data)
    cwd = required_text(data, "cwd")
    # The coding agent's payloads may lack `sessionId`: one run works in one checkout.
    session_id = optional_text(data, "sessionId") or f"cwd:{os.path.abspath(cwd)}"
    if name == "postToolUse" and optional_text(data, "toolName") in EDIT_TOOLS:
        path = _tool_path(data)
        return HookEvent(EventKind.EDIT, session_id, cwd, name, (path,) if path else ())
    if name == "agentStop":
        return HookEvent(EventKind.STOP, session_id, cwd, name)
    kind = EventKind.START if name == "sessionStart" else EventKind.IGNORED
    return HookEvent(kind, session_id, cwd, name)


def _camel_event(data: Mapping[str, object]) -> str:
    """camelCase payloads do not name their event; their fields do."""
    if "toolResult" in data:
        return "postToolUse"
    if "toolName" in data:
        return "preToolUse"
    if "stopReason" in data and "agentName" not in data:
        return "agentStop"
    if "source" in data:
        return "sessionStart"
    return "other"


def reply(event: HookEvent, verdict: Verdict) -> Reply:
    if event.kind is EventKind.STOP and verdict.block and verdict.message:
        return Reply(stdout=json.dumps({"decision": "block", "reason": verdict.message}) + "\n")
    return Reply(stderr=verdict.human + "\n" if verdict.human else "")


def fail_open(event: HookEvent | None, error: str) -> Reply:
    return Reply(stderr=f"aiguard hook failed open (the agent goes on): {error}\n")
