"""What to check: PATHS that name nothing and a missing --config are one-line errors (exit 2);
outside git the walk keeps to what .gitignore and the default excludes leave, shows progress on
a terminal, and refuses to read a whole home or root folder."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from aiguard.cli import main
from aiguard.errors import AiguardError
from tests.gitrepo import GitRepo

IGNORED = "x = f()  # type: ignore\n"


def run_cli(
    root: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    monkeypatch.setenv("AIGUARD_CACHE_DIR", "")
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("mode", [(), ("--staged",), ("--all",), ("--base", "HEAD")])
def test_a_path_that_does_not_exist_is_an_error(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    mode: tuple[str, ...],
) -> None:
    repo.commit({"a.py": "x = 1\n"})
    code, out, err = run_cli(
        repo.root, "check", *mode, "a.py", "nosuch.py", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and out == ""
    assert one_line(err) == "aiguard: error: nosuch.py: no such file or directory"


def test_a_deleted_path_is_not_missing(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = (
        "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: mypy .\n"
    )
    repo.commit({"a.py": "x = 1\n", ".github/workflows/ci.yml": workflow})
    repo.git("rm", "-q", ".github/workflows/ci.yml")
    code, out, err = run_cli(
        repo.root,
        "check",
        "--staged",
        ".github/workflows/ci.yml",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 1, err
    assert "AIG209" in out


def test_a_path_that_does_not_exist_outside_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    code, _, err = run_cli(
        tmp_path, "check", "a.py", "src/", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2
    assert one_line(err) == "aiguard: error: src/: no such file or directory"


def test_a_missing_config_file_is_an_error(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"a.py": "x = 1\n"})
    code, _, err = run_cli(
        repo.root, "check", "--config", "nosuch.toml", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2
    assert one_line(err) == "aiguard: error: config file not found: nosuch.toml"


def test_outside_git_gitignore_files_and_default_excludes_are_respected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        ".gitignore": "build/\n*.gen.py\n",
        "app.py": IGNORED,
        "build/out.py": IGNORED,
        "api.gen.py": IGNORED,
        "node_modules/pkg/index.js": "// @ts-ignore\nx;\n",
        "sub/.gitignore": "local.py\n!keep.gen.py\n",
        "sub/local.py": IGNORED,
        "sub/keep.gen.py": IGNORED,  # re-included by the deeper file
        "sub/other.py": IGNORED,
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    code, out, _ = run_cli(
        tmp_path, "check", "--format", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 1
    paths = sorted({f["path"] for f in json.loads(out)["findings"]})
    assert paths == ["app.py", "sub/keep.gen.py", "sub/other.py"]


def test_outside_git_a_home_folder_is_not_walked_whole(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "a.py").write_text(IGNORED)
    env = {**os.environ, "HOME": str(home), "AIGUARD_CACHE_DIR": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "aiguard", "check"],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = one_line(proc.stderr)
    assert "your home folder" in line and "name the files or folders to check" in line
    named = subprocess.run(
        [sys.executable, "-m", "aiguard", "check", "a.py"],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert named.returncode == 1, named.stdout + named.stderr


def test_a_root_or_a_folder_above_home_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiguard.change.modes import _refuse_unbounded_walk

    monkeypatch.setenv("HOME", str(tmp_path / "users" / "me"))
    for folder in (Path("/"), tmp_path / "users", tmp_path / "users" / "me"):
        with pytest.raises(AiguardError, match="is not in a git repository"):
            _refuse_unbounded_walk(folder)
    _refuse_unbounded_walk(tmp_path / "users" / "me" / "project")  # an ordinary folder: fine


def test_outside_git_progress_shows_on_a_terminal(tmp_path: Path) -> None:
    for n in range(300):
        (tmp_path / f"m{n}.py").write_text(f"x = {n}\n")
    leader, follower = pty.openpty()
    env = {**os.environ, "AIGUARD_CACHE_DIR": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiguard", "check"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
    )
    os.close(follower)
    out, _ = proc.communicate(timeout=120)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert proc.returncode == 0, out
    assert b"reading files... 250" in shown and b"checking 300 files" in shown
    assert "All checks passed: 300 files checked." in out
