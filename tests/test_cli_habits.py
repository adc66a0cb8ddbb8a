"""What ruff users expect of a linter's command line: -q, --statistics, --show-settings,
--output-format, --color always|never|auto with NO_COLOR/FORCE_COLOR, shell completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aiguard.cli import use_colour
from tests.gitrepo import GitRepo

AIGUARD = str(Path(sys.executable).parent / "aiguard")
HAZARD = (
    "import json\n\n\ndef f():\n    pass\n\n\nx = f()  # type: ignore\ny = f()  # type: ignore\n"
)


def run(repo: GitRepo, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real console script through a pipe (never a terminal)."""
    base = {
        k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "VIRTUAL_ENV")
    }
    return subprocess.run(
        [AIGUARD, *args],
        cwd=repo.root,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def hazard(repo: GitRepo) -> GitRepo:
    repo.commit({"README.md": "x\n"}, "base")
    repo.write({"app.py": HAZARD})
    return repo


def test_quiet_prints_findings_only(hazard: GitRepo) -> None:
    loud = run(hazard, "check")
    quiet = run(hazard, "check", "-q")
    assert quiet.returncode == loud.returncode == 1
    assert "Found 3 findings" in loud.stdout and "Found" not in quiet.stdout
    assert quiet.stdout.strip() == loud.stdout.rsplit("\n\n", 1)[0].strip()
    # A warning about what could not be judged is never hidden, not even by -q.
    assert "no Python environment" in loud.stderr and quiet.stderr == loud.stderr


def test_quiet_clean_run_prints_nothing(repo: GitRepo) -> None:
    repo.commit({"a.py": "x = 1\n"}, "base")
    done = run(repo, "check", "--quiet")
    assert (done.returncode, done.stdout) == (0, "")


def test_statistics(hazard: GitRepo) -> None:
    done = run(hazard, "check", "--statistics")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "2\tAIG101\t[error]\tblanket-suppression",
        "1\tAIG401\t[warning]\tstub-body",
    ]
    rows = json.loads(run(hazard, "check", "--statistics", "--output-format", "json").stdout)
    assert rows[0] == {
        "code": "AIG101",
        "name": "blanket-suppression",
        "severity": "error",
        "count": 2,
    }
    bad = run(hazard, "check", "--statistics", "--format", "sarif")
    assert bad.returncode == 2 and "--statistics prints text or json" in bad.stderr


def test_output_format_is_format(hazard: GitRepo) -> None:
    assert (
        run(hazard, "check", "--output-format", "json").stdout
        == run(hazard, "check", "--format", "json").stdout
    )


def test_show_settings_names_the_winning_file_and_values(hazard: GitRepo) -> None:
    hazard.write(
        {
            "pyproject.toml": '[tool.aiguard]\nignore = ["AIG101"]\n',
            "aiguard.toml": 'ignore = ["AIG104"]\nfail-on = "error"\n',
            "web/aiguard.toml": 'select = ["AIG1"]\n',
        }
    )
    done = run(hazard, "check", "--show-settings", "--select", "AIG1,AIG4")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"config: {hazard.root.resolve() / 'aiguard.toml'}" in lines
    assert "ignore = ['AIG104']" in lines and "fail-on = 'error'" in lines
    assert "select = ['AIG1', 'AIG4']" in lines  # the command line wins
    assert lines[-1] == "  web/"


def test_color_always_survives_a_pipe_never_and_the_environment(hazard: GitRepo) -> None:
    assert "\x1b[" in run(hazard, "check", "--color", "always").stdout
    assert "\x1b[" in run(hazard, "check", "--color").stdout
    assert "\x1b[" not in run(hazard, "check").stdout  # auto, and a pipe
    assert "\x1b[" in run(hazard, "check", FORCE_COLOR="1").stdout
    assert "\x1b[" not in run(hazard, "check", "--color", "never", FORCE_COLOR="1").stdout
    assert "\x1b[" not in run(hazard, "check", "--no-color", FORCE_COLOR="1").stdout
    assert "\x1b[" in run(hazard, "check", "--color", "always", NO_COLOR="1").stdout


@pytest.mark.parametrize(
    ("choice", "environ", "terminal", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # set but empty: no-color.org says ignore it
        ("auto", {"FORCE_COLOR": "0"}, False, True),  # any non-empty value forces
        ("auto", {"FORCE_COLOR": ""}, False, False),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_use_colour(choice: str, environ: dict[str, str], terminal: bool, expected: bool) -> None:
    assert use_colour(choice, environ=environ, terminal=terminal) is expected


def test_shell_completion(tmp_path: Path) -> None:
    env = {**os.environ, "_AIGUARD_COMPLETE": "bash_source"}
    script = subprocess.run([AIGUARD], env=env, capture_output=True, text=True, timeout=60)
    assert script.returncode == 0 and "_aiguard_completion" in script.stdout
    env = {
        **os.environ,
        "_AIGUARD_COMPLETE": "bash_complete",
        "COMP_WORDS": "aiguard check --output-f",
        "COMP_CWORD": "2",
    }
    done = subprocess.run([AIGUARD], env=env, capture_output=True, text=True, timeout=60)
    assert "--output-format" in done.stdout
