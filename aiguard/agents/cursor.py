"""Cursor: afterFileEdit after each edit, stop at the end of the agent loop.

Protocol, from Cursor's hooks documentation (https://cursor.com/docs/agent/hooks), as
reproduced by the hook harnesses that integrate with it (Cupcake's Cursor reference,
https://cupcake.eqtylab.io/reference/harnesses/cursor; CorridorSecurity/hookshot
docs/reference-cursor.md):

- Hooks live in `.cursor/hooks.json` (project) or `~/.cursor/hooks.json` (user):
  `{"version": 1, "hooks": {"<event>": [{"command": ...}]}}`; a `stop` hook may set
  `loop_limit`, Cursor's own cap on follow-ups.
- Every event carries `hook_event_name`, `conversation_id`, `generation_id` and
  `workspace_roots`. afterFileEdit adds `file_path` and `edits` (old/new strings); stop adds
  `status` ("completed", "aborted", "error") and `loop_count`, how many follow-ups this
  hook already caused (aiguard's "already continuing" flag when above zero).
- afterFileEdit's output is not read (fire-and-forget): the edit is recorded and the stop
  check says everything. stop answers `{"followup_message": ...}` on stdout, which Cursor
  submits as the next user message. aiguard fails open with `{}` and a line on stderr.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiguard.agents.fields import number, optional_text, required_text
from aiguard.agents.protocol import (
    EventKind,
    HookConfig,
    HookEntry,
    HookEvent,
    Reply,
    Verdict,
)
from aiguard.errors import AiguardError

NAME = "cursor"
BYTE_CAP = 10_000  # Cursor documents no cap; aiguard keeps Claude Code's
EDIT_FEEDBACK = False

HOOKS = (
    HookEntry("beforeSubmitPrompt"),
    HookEntry("afterFileEdit"),
    HookEntry("stop", extra={"loop_limit": 3}),
)
CONFIG = HookConfig("flat", ".cursor/hooks.json", ".cursor/hooks.json")


def _workspace(data: Mapping[str, object]) -> str:
    roots = data.get("workspace_roots")
    if not isinstance(roots, list) or not roots or not isinstance(roots[0], str):
        raise AiguardError("the hook event has no 'workspace_roots' (is this the right agent?)")
    return roots[0]


def parse(data: Mapping[str, object]) -> HookEvent:
    name = required_text(data, "hook_event_name")
    session_id = required_text(data, "conversation_id")
    cwd = _workspace(data)
    if name == "afterFileEdit":
        path = optional_text(data, "file_path")
        return HookEvent(EventKind.EDIT, session_id, cwd, name, (path,) if path else ())
    if name == "stop":
        if optional_text(data, "status") not in (None, "completed"):
            return HookEvent(EventKind.IGNORED, session_id, cwd, name)  # aborted or failed
        continuing = number(data, "loop_count") > 0
        return HookEvent(EventKind.STOP, session_id, cwd, name, continuing=continuing)
    kind = EventKind.START if name == "beforeSubmitPrompt" else EventKind.IGNORED
    return HookEvent(kind, session_id, cwd, name)


def reply(event: HookEvent, verdict: Verdict) -> Reply:
    out: dict[str, object] = {}
    if event.name == "beforeSubmitPrompt":
        out["continue"] = True  # the one output beforeSubmitPrompt reads
    if event.kind is EventKind.STOP and verdict.block and verdict.message:
        out["followup_message"] = verdict.message
    # Cursor has no place for a note to the human at stop: it goes to stderr (the hook log).
    return Reply(
        stdout=json.dumps(out) + "\n", stderr=verdict.human + "\n" if verdict.human else ""
    )


def fail_open(event: HookEvent | None, error: str) -> Reply:
    out = {"continue": True} if event is not None and event.name == "beforeSubmitPrompt" else {}
    return Reply(
        stdout=json.dumps(out) + "\n",
        stderr=f"aiguard hook failed open (the agent goes on): {error}\n",
    )
