"""`aiguard install AGENT` / `uninstall`: merged, idempotent, folders created, commands that run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.agenthooks import event, hook_env
from tests.gitrepo import GitRepo

CLEAN = "def total(items):\n    return sum(items)\n"
HAZARD = "def total(items):  # type: ignore\n    return sum(items)\n"

# agent -> (its project config, a hook of another tool already there, the stop fixture, event)
OTHER_NESTED = {"hooks": {"PostToolUse": [{"matcher": "Edit", "hooks": [
    {"type": "command", "command": "prettier --write"}]}]}, "model": "opus"}  # fmt: skip
CASES: dict[str, tuple[str, dict[str, Any] | None, str, str]] = {
    "claude-code": (".claude/settings.json", OTHER_NESTED, "stop", "Stop"),
    "codex": (".codex/hooks.json", OTHER_NESTED, "stop", "Stop"),
    "gemini": (".gemini/settings.json", OTHER_NESTED, "after-agent", "AfterAgent"),
    "cursor": (
        ".cursor/hooks.json",
        {"version": 1, "hooks": {"afterFileEdit": [{"command": "prettier --write"}]}},
        "stop",
        "stop",
    ),
    "copilot": (".github/hooks/aiguard.json", None, "agent-stop", "agentStop"),
    "cline": (".clinerules/hooks", None, "task-complete", "TaskComplete"),
}
# agent -> (the start fixture, the event it is installed on)
STARTS = {
    "claude-code": ("session-start", "SessionStart"),
    "codex": ("session-start", "SessionStart"),
    "gemini": ("session-start", "SessionStart"),
    "cursor": ("before-submit-prompt", "beforeSubmitPrompt"),
    "copilot": ("session-start", "sessionStart"),
    "cline": ("task-start", "TaskStart"),
}


def aiguard(cwd: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aiguard", *args],
        cwd=cwd,
        env=hook_env(tmp),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def installed_command(agent: str, config: Path, event_name: str) -> str:
    """The shell command the agent would run for `event_name`, read back from its config."""
    if agent == "cline":
        return str(config / event_name)
    data = json.loads(config.read_text())
    entries = data["hooks"][event_name]
    if agent == "copilot":
        return str(entries[0]["bash"])
    if agent == "cursor":
        return str(entries[-1]["command"])
    return str(entries[-1]["hooks"][0]["command"])


@pytest.mark.parametrize("agent", sorted(CASES))
def test_install_merges_is_idempotent_and_uninstall_restores(
    agent: str, repo: GitRepo, tmp_path: Path
) -> None:
    rel, other, _, _ = CASES[agent]
    repo.commit({"app.py": CLEAN})
    config = repo.root / rel
    if other is not None:
        repo.write({rel: json.dumps(other, indent=2) + "\n"})
    first = aiguard(repo.root, tmp_path, "install", agent)
    assert first.returncode == 0, first.stderr
    assert f"now runs `aiguard hook {agent}`" in first.stdout
    snapshot = _read(config)
    second = aiguard(repo.root, tmp_path, "install", agent)
    assert second.returncode == 0, second.stderr
    assert _read(config) == snapshot  # installing twice changes nothing
    if other is not None:
        merged = json.loads(config.read_text())
        text = json.dumps(merged)
        assert "prettier --write" in text  # the other tool's hook is kept
        assert text.count(f"hook {agent}") == 3
    removed = aiguard(repo.root, tmp_path, "uninstall", agent)
    assert removed.returncode == 0, removed.stderr
    if other is not None:
        assert json.loads(config.read_text()) == other
    elif agent == "cline":
        assert list(config.iterdir()) == []
    else:
        assert not config.exists()


def _read(config: Path) -> dict[str, str]:
    if config.is_dir():
        return {p.name: p.read_text() for p in sorted(config.iterdir())}
    return {config.name: config.read_text()}


@pytest.mark.parametrize("agent", sorted(CASES))
def test_the_installed_command_runs_and_reports(agent: str, repo: GitRepo, tmp_path: Path) -> None:
    rel, _, stop_fixture, stop_event = CASES[agent]
    repo.commit({"app.py": CLEAN})
    assert aiguard(repo.root, tmp_path, "install", agent).returncode == 0
    start_fixture, start_event = STARTS[agent]
    start = shell(
        installed_command(agent, repo.root / rel, start_event), agent, start_fixture, repo
    )
    assert start.returncode == 0, start.stderr
    repo.write({"app.py": HAZARD})
    proc = shell(installed_command(agent, repo.root / rel, stop_event), agent, stop_fixture, repo)
    assert "app.py:1 AIG101 " in proc.stdout + proc.stderr


def shell(
    command: str, agent: str, fixture: str, repo: GitRepo
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        shell=True,  # the agents run hook commands through a shell
        input=json.dumps(event(agent, fixture, repo.root)),
        cwd=repo.root,
        env=hook_env(repo.root.parent),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_user_install_creates_the_missing_folder(repo: GitRepo, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert not (home / ".claude").exists()
    proc = aiguard(repo.root, tmp_path, "install", "claude-code", "--user")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((home / ".claude" / "settings.json").read_text())
    command = data["hooks"]["Stop"][0]["hooks"][0]["command"]
    assert Path(command.split()[0]).is_file()  # an absolute path that exists


def test_dry_run_writes_nothing(repo: GitRepo, tmp_path: Path) -> None:
    proc = aiguard(repo.root, tmp_path, "install", "cursor", "--dry-run")
    assert proc.returncode == 0
    assert proc.stdout.startswith(f"would write {repo.root / '.cursor' / 'hooks.json'}\n")
    assert '"followup_message"' not in proc.stdout
    assert not (repo.root / ".cursor").exists()


def test_a_config_that_is_not_json_is_left_alone(repo: GitRepo, tmp_path: Path) -> None:
    repo.write({".claude/settings.json": "{ not json\n"})
    proc = aiguard(repo.root, tmp_path, "install", "claude-code")
    assert proc.returncode == 2
    assert proc.stderr.startswith("aiguard: error: ")
    assert "is not valid JSON" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert (repo.root / ".claude/settings.json").read_text() == "{ not json\n"


def test_another_cline_hook_is_never_replaced(repo: GitRepo, tmp_path: Path) -> None:
    repo.write({".clinerules/hooks/PostToolUse": "#!/bin/sh\necho '{\"cancel\":false}'\n"})
    proc = aiguard(repo.root, tmp_path, "install", "cline")
    assert proc.returncode == 2
    assert "is another hook" in proc.stderr
    assert "cancel" in (repo.root / ".clinerules/hooks/PostToolUse").read_text()


def test_copilot_has_no_user_level_hooks(repo: GitRepo, tmp_path: Path) -> None:
    proc = aiguard(repo.root, tmp_path, "install", "copilot", "--user")
    assert proc.returncode == 2
    assert "install with --project" in proc.stderr
