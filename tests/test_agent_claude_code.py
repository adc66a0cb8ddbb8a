"""Claude Code's hooks end to end: real processes, recorded events, real git repositories."""

from __future__ import annotations

import json
from pathlib import Path

from tests.agenthooks import event, run_hook
from tests.gitrepo import GitRepo

AGENT = "claude-code"
CLEAN = "import os\n\n\ndef total(items):\n    return sum(items)\n"
HAZARD = "import os\n\n\ndef total(items):  # type: ignore\n    return sum(items)\n"


def start(repo: GitRepo, tmp: Path) -> None:
    proc = run_hook(AGENT, event(AGENT, "session-start", repo.root), tmp)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def edit(repo: GitRepo, tmp: Path, text: str, name: str = "post-tool-use-edit") -> object:
    repo.write({"app.py": text})
    return run_hook(AGENT, event(AGENT, name, repo.root), tmp)


def test_a_hazardous_edit_reaches_the_model_on_stderr_with_exit_2(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.commit({"app.py": CLEAN})
    start(repo, tmp_path)
    repo.write({"app.py": HAZARD})
    proc = run_hook(AGENT, event(AGENT, "post-tool-use-edit", repo.root), tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert lines[0] == "aiguard: this edit introduced 1 error:"
    assert lines[1].startswith("app.py:4 AIG101 ")
    assert lines[2].startswith("  fix: ")
    assert "reported to the human reviewers" in lines[-1]
    assert len(lines) <= 20


def test_a_clean_edit_passes_silently(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit({"app.py": CLEAN})
    start(repo, tmp_path)
    repo.write({"app.py": CLEAN + "\n\ndef mean(items):\n    return total(items) / len(items)\n"})
    proc = run_hook(AGENT, event(AGENT, "post-tool-use-write", repo.root), tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_only_the_lines_this_edit_changed_count(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit({"app.py": HAZARD})  # the old suppression is not this edit's
    start(repo, tmp_path)
    repo.write({"app.py": HAZARD + "\n\ndef mean(items):\n    return total(items) / len(items)\n"})
    proc = run_hook(AGENT, event(AGENT, "post-tool-use-edit", repo.root), tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")


def test_the_same_finding_is_told_once_per_session(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit({"app.py": CLEAN})
    start(repo, tmp_path)
    repo.write({"app.py": HAZARD})
    first = run_hook(AGENT, event(AGENT, "post-tool-use-edit", repo.root), tmp_path)
    assert first.returncode == 2
    # The next edit rewrites the line (same text) and adds another: nothing new to say.
    repo.write({"app.py": HAZARD.replace("import os\n", "import os\nimport sys\n")})
    second = run_hook(AGENT, event(AGENT, "post-tool-use-edit", repo.root), tmp_path)
    assert (second.returncode, second.stderr) == (0, "")


def test_per_edit_tier_leaves_noisy_judgements_to_the_end_of_the_turn(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.commit({"app.py": CLEAN})
    start(repo, tmp_path)
    swallow = CLEAN + "\n\ndef load(path):\n    try:\n        return open(path).read()\n"
    swallow += "    except Exception:\n        pass\n"
    repo.write({"app.py": swallow})
    proc = run_hook(AGENT, event(AGENT, "post-tool-use-edit", repo.root), tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")  # AIG403 is not a per-edit rule
    stop = run_hook(AGENT, event(AGENT, "stop", repo.root), tmp_path)
    assert stop.returncode == 2
    assert "app.py:11 AIG403 " in stop.stderr


def test_stop_blocks_then_cannot_loop(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit({"app.py": CLEAN})
    start(repo, tmp_path)
    repo.write({"app.py": HAZARD})
    first = run_hook(AGENT, event(AGENT, "stop", repo.root), tmp_path)
    assert first.returncode == 2
    assert "aiguard: the changes of this session have 1 error" in first.stderr
    assert "app.py:4 AIG101 " in first.stderr
    # Claude continues because of the block: the next Stop says so, and must pass.
    again = run_hook(AGENT, event(AGENT, "stop", repo.root, stop_hook_active=True), tmp_path)
    assert again.returncode == 0
    summary = json.loads(again.stdout)["systemMessage"]
    assert "already continuing" in summary
    assert "app.py:4 AIG101 " in summary


def test_stop_gives_up_after_unchanged_blocks_and_leaves_a_summary(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.commit({"app.py": CLEAN})
    start(repo, tmp_path)
    repo.write({"app.py": HAZARD})
    codes = [
        run_hook(AGENT, event(AGENT, "stop", repo.root), tmp_path, "--max-blocks", "2")
        for _ in range(3)
    ]
    assert [p.returncode for p in codes] == [2, 2, 0]
    summary = json.loads(codes[2].stdout)["systemMessage"]
    assert "asked 2 times about the same findings" in summary
    assert "Suppressions the agent added this session (1):" in summary


def test_the_users_uncommitted_work_is_not_blamed_on_the_agent(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.commit({"app.py": CLEAN, "mine.py": CLEAN})
    repo.write({"mine.py": HAZARD})  # the user's own work in progress, before the session
    start(repo, tmp_path)
    repo.write({"app.py": CLEAN + "\nLIMIT = 3\n"})
    proc = run_hook(AGENT, event(AGENT, "post-tool-use-edit", repo.root), tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")
    stop = run_hook(AGENT, event(AGENT, "stop", repo.root), tmp_path)
    assert (stop.returncode, stop.stdout, stop.stderr) == (0, "", "")


def test_the_stop_summary_lists_justified_suppressions_too(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit({"app.py": CLEAN})
    start(repo, tmp_path)
    repo.write({"app.py": CLEAN.replace("import os", "import os  # noqa: F401 -- re-exported")})
    stop = run_hook(AGENT, event(AGENT, "stop", repo.root), tmp_path)
    assert stop.returncode == 0
    summary = json.loads(stop.stdout)["systemMessage"]
    assert summary.startswith("aiguard: suppressions the agent added this session (1):")
    assert "app.py:1 AIG104 " in summary


def test_aiguards_own_crash_fails_open(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit({"app.py": CLEAN})
    broken = tmp_path / "broken_rule.py"
    broken.write_text("raise RuntimeError('this plugin is broken')\n")
    repo.write({"app.py": HAZARD})
    payload = event(AGENT, "post-tool-use-edit", repo.root)
    proc = run_hook(AGENT, payload, tmp_path, "--plugin", str(broken))
    assert proc.returncode == 1  # Claude Code: a non-blocking error, shown to the user only
    assert proc.stderr.startswith("aiguard hook failed open (the agent goes on): ")
    assert "this plugin is broken" in proc.stderr
    log = (tmp_path / "cache" / "agents" / "hook.log").read_text()
    assert "this plugin is broken" in log


def test_a_rule_that_hangs_times_out_and_fails_open(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit({"app.py": CLEAN})
    slow = tmp_path / "slow_rule.py"
    slow.write_text(
        "import time\n"
        "from aiguard.findings import Category\n"
        "from aiguard.lint.rule import FileRule, Flag, Pass\n\n\n"
        "class Slow(FileRule):\n"
        "    id = 'AIG199'\n"
        "    name = 'slow'\n"
        "    category = Category.SUPPRESSION\n"
        "    summary = 'sleeps'\n"
        "    rationale = 'to test the deadline'\n"
        "    fix = 'none'\n"
        "    languages = frozenset({'python'})\n"
        "    examples = (Flag('x = 1\\n', line=1), Pass('y = 2\\n'))\n\n"
        "    def check(self) -> None:\n"
        "        time.sleep(30)\n"
    )
    repo.write({"app.py": HAZARD})
    payload = event(AGENT, "post-tool-use-edit", repo.root)
    proc = run_hook(AGENT, payload, tmp_path, "--plugin", str(slow), "--timeout", "2")
    assert proc.returncode == 1
    assert "timed out after 2 s" in proc.stderr


def test_an_event_that_is_not_json_fails_open(tmp_path: Path) -> None:
    proc = run_hook(AGENT, "not json", tmp_path)
    assert proc.returncode == 1
    assert "the hook event on stdin is not JSON" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_other_tools_are_ignored(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit({"app.py": HAZARD})
    payload = event(AGENT, "post-tool-use-edit", repo.root, tool_name="Read")
    proc = run_hook(AGENT, payload, tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
