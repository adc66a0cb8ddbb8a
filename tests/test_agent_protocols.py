"""Every agent end to end: a recorded edit with a hazard gets its finding back in the agent's own
protocol, a clean edit passes silently, the end of a turn cannot loop, a crash fails open."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.agenthooks import event, run_hook
from tests.gitrepo import GitRepo

CLEAN = "import os\n\n\ndef total(items):\n    return sum(items)\n"
HAZARD = "import os\n\n\ndef total(items):  # type: ignore\n    return sum(items)\n"
FINDING = "app.py:4 AIG101 "


def _json(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert proc.stdout.strip(), proc.stderr
    data = json.loads(proc.stdout)
    assert isinstance(data, dict)
    return data


@dataclass(frozen=True)
class Agent:
    name: str
    start: str
    edit: str
    stop: str
    # What the model reads after an edit (None: the agent reads nothing after edits).
    edit_text: Callable[[subprocess.CompletedProcess[str]], str] | None
    stop_text: Callable[[subprocess.CompletedProcess[str]], str]
    continuing: dict[str, Any] | None  # the stop event's "already continuing" fields
    fail_open_code: int = 0


def _exit2(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    return proc.stderr


def _decision(key: str, value: str) -> Callable[[subprocess.CompletedProcess[str]], str]:
    def read(proc: subprocess.CompletedProcess[str]) -> str:
        assert proc.returncode == 0, proc.stderr
        data = _json(proc)
        assert data.get(key) == value, data
        return str(data["reason"])

    return read


def _field(*keys: str) -> Callable[[subprocess.CompletedProcess[str]], str]:
    def read(proc: subprocess.CompletedProcess[str]) -> str:
        assert proc.returncode == 0, proc.stderr
        value: Any = _json(proc)
        for key in keys:
            value = value[key]
        return str(value)

    return read


AGENTS = [
    Agent(
        "claude-code", "session-start", "post-tool-use-edit", "stop",
        _exit2, _exit2, {"stop_hook_active": True}, fail_open_code=1,
    ),
    Agent(
        "codex", "session-start", "post-tool-use-apply-patch", "stop",
        _decision("decision", "block"), _decision("decision", "block"),
        {"stop_hook_active": True},
    ),
    Agent(
        "gemini", "session-start", "after-tool-replace", "after-agent",
        _field("hookSpecificOutput", "additionalContext"), _decision("decision", "deny"),
        {"stop_hook_active": True}, fail_open_code=1,
    ),
    Agent(
        "cursor", "before-submit-prompt", "after-file-edit", "stop",
        None, _field("followup_message"), {"loop_count": 1},
    ),
    Agent(
        "copilot", "session-start", "post-tool-use-edit", "agent-stop",
        None, _decision("decision", "block"), None,
    ),
    Agent(
        "cline", "task-start", "post-tool-use-replace", "task-complete",
        _field("contextModification"), _field("contextModification"), None,
    ),
]  # fmt: skip
IDS = [a.name for a in AGENTS]


def _start(agent: Agent, repo: GitRepo, tmp: Path) -> None:
    repo.commit({"app.py": CLEAN})
    proc = run_hook(agent.name, event(agent.name, agent.start, repo.root), tmp)
    assert proc.returncode == 0, proc.stderr
    assert "app.py" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("agent", AGENTS, ids=IDS)
def test_a_hazardous_edit_gets_the_finding_back(
    agent: Agent, repo: GitRepo, tmp_path: Path
) -> None:
    _start(agent, repo, tmp_path)
    repo.write({"app.py": HAZARD})
    proc = run_hook(agent.name, event(agent.name, agent.edit, repo.root), tmp_path)
    if agent.edit_text is None:  # the agent shows the model nothing after an edit
        assert proc.returncode == 0
        assert FINDING not in proc.stdout + proc.stderr
    else:
        text = agent.edit_text(proc)
        assert FINDING in text
        assert "reported to the human reviewers" in text
        assert len(text.splitlines()) <= 20
    stop = run_hook(agent.name, event(agent.name, agent.stop, repo.root), tmp_path)
    text = agent.stop_text(stop)
    assert FINDING in text
    assert "Suppressions added this session: 1" in text


@pytest.mark.parametrize("agent", AGENTS, ids=IDS)
def test_a_clean_edit_passes_silently(agent: Agent, repo: GitRepo, tmp_path: Path) -> None:
    _start(agent, repo, tmp_path)
    repo.write({"app.py": CLEAN + "\n\nLIMIT = 3\n"})
    proc = run_hook(agent.name, event(agent.name, agent.edit, repo.root), tmp_path)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert "AIG" not in proc.stdout
    stop = run_hook(agent.name, event(agent.name, agent.stop, repo.root), tmp_path)
    assert stop.returncode == 0
    assert stop.stderr == ""
    assert "AIG" not in stop.stdout


@pytest.mark.parametrize("agent", AGENTS, ids=IDS)
def test_the_end_of_a_turn_cannot_loop(agent: Agent, repo: GitRepo, tmp_path: Path) -> None:
    _start(agent, repo, tmp_path)
    repo.write({"app.py": HAZARD})
    first = run_hook(agent.name, event(agent.name, agent.stop, repo.root), tmp_path)
    assert FINDING in agent.stop_text(first)
    if agent.continuing is not None:
        # The agent says it is already continuing because of a stop hook: never block again.
        payload = event(agent.name, agent.stop, repo.root, **agent.continuing)
        again = run_hook(agent.name, payload, tmp_path)
        assert again.returncode == 0
        assert '"decision"' not in again.stdout
        assert "followup_message" not in again.stdout
    # Whatever the agent sends, unchanged findings block at most --max-blocks times.
    rounds = [
        run_hook(
            agent.name, event(agent.name, agent.stop, repo.root), tmp_path, "--max-blocks", "2"
        )
        for _ in range(3)
    ]
    last = rounds[-1]
    assert last.returncode == 0
    assert '"decision"' not in last.stdout
    assert "followup_message" not in last.stdout
    assert FINDING not in _model_part(agent, last)


def _model_part(agent: Agent, proc: subprocess.CompletedProcess[str]) -> str:
    """What the model would read from a reply that does not block (Cline's context always)."""
    if agent.name == "cline":
        return ""  # TaskComplete cannot continue the task; its context is the human's summary
    if agent.name == "claude-code":
        return proc.stderr if proc.returncode == 2 else ""
    return proc.stdout if '"decision"' in proc.stdout or "followup" in proc.stdout else ""


@pytest.mark.parametrize("agent", AGENTS, ids=IDS)
def test_aiguards_own_crash_fails_open(agent: Agent, repo: GitRepo, tmp_path: Path) -> None:
    _start(agent, repo, tmp_path)
    broken = tmp_path / "broken_rule.py"
    broken.write_text("raise RuntimeError('this plugin is broken')\n")
    repo.write({"app.py": HAZARD})
    # An agent that reads nothing after an edit only has its edit recorded: nothing to crash.
    events = (agent.edit, agent.stop) if agent.edit_text is not None else (agent.stop,)
    for name in events:
        payload = event(agent.name, name, repo.root)
        proc = run_hook(agent.name, payload, tmp_path, "--plugin", str(broken))
        assert proc.returncode == agent.fail_open_code
        assert "aiguard hook failed open (the agent goes on)" in proc.stderr
        assert '"decision"' not in proc.stdout
        assert "followup_message" not in proc.stdout
        assert FINDING not in proc.stdout


def test_codex_patch_paths_come_from_the_envelope() -> None:
    from aiguard.agents.codex import patch_paths

    patch = (
        "*** Begin Patch\n*** Add File: src/new.py\n+x = 1\n*** Update File: src/old.py\n"
        "*** Move to: src/moved.py\n@@\n-a\n+b\n*** Delete File: gone.py\n*** End Patch\n"
    )
    assert patch_paths(patch) == ("src/new.py", "src/old.py", "src/moved.py")
