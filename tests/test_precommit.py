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


def try_repo(project: GitRepo, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "AIGUARD_CACHE_DIR": ""}
    env.pop("VIRTUAL_ENV", None)
    for name in ("PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        env.pop(name, None)
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "aiguard"]
    return subprocess.run(
        [*command, "--color", "never", *args],
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


WORKFLOW = (
    "on: [pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - run: pytest -q\n      - run: mypy src\n"
)


@pytest.mark.slow
def test_a_commit_that_only_deletes_a_workflow_still_runs_the_hook(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    project = GitRepo(tmp_path / "project")
    project.commit({"app.py": "x = 1\n", ".github/workflows/ci.yml": WORKFLOW})
    project.git("rm", "-q", ".github/workflows/ci.yml")
    proc = try_repo(project, pre_commit_home)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Skipped" not in proc.stdout
    assert "AIG209" in proc.stdout and "ci.yml" in proc.stdout


@pytest.mark.slow
def test_from_ref_to_ref_checks_that_range(tmp_path: Path, pre_commit_home: Path) -> None:
    project = GitRepo(tmp_path / "project")
    start = project.commit({"app.py": "def f() -> int:\n    return 1\n"})
    end = project.commit(
        {"app.py": "def f() -> int:\n    return 1\n\n\nx: str = f()  # type: ignore\n"}
    )
    proc = try_repo(project, pre_commit_home, "--from-ref", start, "--to-ref", end)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "app.py:5:" in proc.stdout and "AIG101" in proc.stdout
    assert f"checked the commits from {start} to {end}" in proc.stdout


@pytest.mark.slow
def test_all_files_says_plainly_what_it_checked(tmp_path: Path, pre_commit_home: Path) -> None:
    project = GitRepo(tmp_path / "project")
    project.commit({"app.py": "x: str = f()  # type: ignore\n"})
    # pre-commit shows a passing hook's output only with --verbose.
    proc = try_repo(project, pre_commit_home, "--all-files", "--verbose")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "checked the staged change" in proc.stdout and "aiguard check --all" in proc.stdout
