"""The real pre-commit hook: `pre-commit try-repo` pip-installs this repository into its own
virtualenv and runs the `aiguard` hook on a throwaway project's staged change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import GIT_ENV, GitRepo

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the module: installing it is the slow part (~20 s)."""
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(project: GitRepo, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "aiguard", "--color", "never"],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_manifest_is_valid() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "validate-manifest",
            str(ROOT / ".pre-commit-hooks.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_staged_type_ignore_fails_the_commit(tmp_path: Path, pre_commit_home: Path) -> None:
    project = GitRepo(tmp_path / "project")
    project.commit({"app.py": "def f() -> int:\n    return 1\n"})
    project.write({"app.py": "def f() -> int:\n    return 1\n\nx: str = f()  # type: ignore\n"})
    project.git("add", "app.py")
    proc = try_repo(project, pre_commit_home)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "app.py:4:" in proc.stdout and "AIG101" in proc.stdout


@pytest.mark.slow
def test_clean_staged_change_passes(tmp_path: Path, pre_commit_home: Path) -> None:
    project = GitRepo(tmp_path / "project")
    project.commit({"app.py": "def f() -> int:\n    return 1\n"})
    project.write({"app.py": "def f() -> int:\n    return 2\n"})
    project.git("add", "app.py")
    proc = try_repo(project, pre_commit_home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
