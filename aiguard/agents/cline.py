"""Cline: PostToolUse after file edits, TaskComplete when a task finishes.

Protocol, from Cline's hooks documentation (cline/cline docs/customization/hooks.mdx before
it moved to the SDK pages) and its hook runner (apps/vscode/src/core/hooks/hook-factory.ts):

- A hook is an executable file named after its event (extensionless on macOS/Linux), in
  `.clinerules/hooks/` (project) or `~/Documents/Cline/Hooks/` (global).
- Every event carries `taskId`, `hookName`, `timestamp`, `workspaceRoots`, and one field
  named after the event: `postToolUse` = `{toolName, parameters, result, success,
  executionTimeMs}` (`write_to_file` and `replace_in_file` edit `parameters.path`, relative
  to the workspace); `taskStart`/`taskComplete` = `{taskMetadata: {...}}`.
- Output on stdout: `{"cancel": false, "contextModification": ..., "errorMessage": ""}`;
  `contextModification` is injected into the conversation for the model (Cline cuts it at
  50,000 characters). TaskComplete cannot keep the task going, so it cannot loop: its
  summary goes in `contextModification` for the conversation and the human reading it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiguard.agents.fields import optional_text, required_text, section
from aiguard.agents.protocol import (
    EventKind,
    HookConfig,
    HookEntry,
    HookEvent,
    Reply,
    Verdict,
)
from aiguard.errors import AiguardError

NAME = "cline"
BYTE_CAP = 10_000  # well inside Cline's 50,000-character cut
EDIT_FEEDBACK = True
EDIT_TOOLS = frozenset({"write_to_file", "replace_in_file"})

HOOKS = (HookEntry("TaskStart"), HookEntry("PostToolUse"), HookEntry("TaskComplete"))
CONFIG = HookConfig("scripts", ".clinerules/hooks", "Documents/Cline/Hooks")


def parse(data: Mapping[str, object]) -> HookEvent:
    name = required_text(data, "hookName")
    session_id = required_text(data, "taskId")
    roots = data.get("workspaceRoots")
    if not isinstance(roots, list) or not roots or not isinstance(roots[0], str):
        raise AiguardError("the hook event has no 'workspaceRoots' (is this the right agent?)")
    cwd = roots[0]
    if name == "PostToolUse":
        tool = section(data, "postToolUse")
        if optional_text(tool, "toolName") in EDIT_TOOLS:
            path = optional_text(section(tool, "parameters"), "path")
            return HookEvent(EventKind.EDIT, session_id, cwd, name, (path,) if path else ())
    if name == "TaskComplete":
        return HookEvent(EventKind.STOP, session_id, cwd, name)
    kind = EventKind.START if name in ("TaskStart", "TaskResume") else EventKind.IGNORED
    return HookEvent(kind, session_id, cwd, name)


def reply(event: HookEvent, verdict: Verdict) -> Reply:
    text = verdict.message if verdict.block else ""
    if verdict.human:
        text = f"{text}\n{verdict.human}" if text else verdict.human
    out = {"cancel": False, "contextModification": text, "errorMessage": ""}
    return Reply(stdout=json.dumps(out) + "\n")


def fail_open(event: HookEvent | None, error: str) -> Reply:
    out = {"cancel": False, "contextModification": "", "errorMessage": ""}
    return Reply(
        stdout=json.dumps(out) + "\n",
        stderr=f"aiguard hook failed open (the agent goes on): {error}\n",
    )
