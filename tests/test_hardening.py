"""Issue 14: hostile repositories never get code run, and never crash, hang or lose a report.

Anything that must not run writes a marker file; the tests assert no marker exists.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aiguard.cli import main
from tests.gitrepo import GitRepo

ROOT = Path(__file__).resolve().parent.parent


def _marker_script(path: Path, marker: Path) -> Path:
    path.write_text(f"#!/bin/sh\ntouch '{marker}'\ncat\n")
    path.chmod(0o755)
    return path


def _hostile_git_repo(tmp_path: Path) -> tuple[GitRepo, Path]:
    """A repository whose config names commands (fsmonitor, filters, textconv, ext diff, pager)."""
    markers = tmp_path / "markers"
    markers.mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        {
            "a.py": "x = 1\n",
            "b.py": "y = 1\n",
            ".gitattributes": "*.py filter=evil diff=evil\n",
        },
        "base",
    )
    hook = _marker_script(tmp_path / "fsmonitor.sh", markers / "fsmonitor")
    clean = _marker_script(tmp_path / "clean.sh", markers / "clean")
    smudge = _marker_script(tmp_path / "smudge.sh", markers / "smudge")
    textconv = _marker_script(tmp_path / "textconv.sh", markers / "textconv")
    external = _marker_script(tmp_path / "external.sh", markers / "external")
    pager = _marker_script(tmp_path / "pager.sh", markers / "pager")
    for key, value in (
        ("core.fsmonitor", str(hook)),
        ("filter.evil.clean", str(clean)),
        ("filter.evil.smudge", str(smudge)),
        ("filter.evil.required", "true"),
        ("diff.evil.textconv", str(textconv)),
        ("diff.evil.command", str(external)),
        ("diff.external", str(external)),
        ("core.pager", str(pager)),
    ):
        repo.git("config", key, value)
    return repo, markers


def _make_stat_dirty(repo: GitRepo) -> None:
    """Change a.py and b.py so that git must hash the working tree (through the clean filter)."""
    (repo.root / "a.py").write_text("x = 2  # type: ignore\n")
    (repo.root / "b.py").write_text("y = 1\n")
    os.utime(repo.root / "b.py", (1_000_000_000, 1_000_000_000))
    (repo.root / "new.py").write_text("z = 1\n")


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "--all"],
        ["check", "--base", "HEAD~1"],
        ["check", "--format", "json"],
    ],
)
def test_git_runs_no_command_the_scanned_repository_configures(
    tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, markers = _hostile_git_repo(tmp_path)
    repo.commit({"c.py": "c = 1\n"}, "second")  # so that HEAD~1 exists
    for leftover in markers.iterdir():  # our own commit ran the filter: only aiguard counts
        leftover.unlink()
    _make_stat_dirty(repo)
    cwd = os.getcwd()
    os.chdir(repo.root)
    try:
        code = main(args)
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert sorted(p.name for p in markers.iterdir()) == []
    assert code == 1, out  # the new `# type: ignore` in a.py is still found
    assert "a.py" in out


def test_staged_runs_no_command_the_scanned_repository_configures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, markers = _hostile_git_repo(tmp_path)
    _make_stat_dirty(repo)
    repo.git("add", "a.py", "new.py")
    for leftover in markers.iterdir():
        leftover.unlink()
    os.utime(repo.root / "a.py", (1_000_000_000, 1_000_000_000))
    cwd = os.getcwd()
    os.chdir(repo.root)
    try:
        code = main(["check", "--staged"])
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert sorted(p.name for p in markers.iterdir()) == []
    assert code == 1, out
    assert "a.py" in out


def test_filters_are_disabled_whatever_the_driver_is_called(tmp_path: Path) -> None:
    from aiguard.change.git import runner

    repo = GitRepo(tmp_path / "repo")
    repo.git("config", "filter.a=b.c.clean", "touch marker")
    repo.git("config", "filter.plain.process", "touch marker")
    git = runner(repo.root)
    keys = dict(git.overrides)
    assert keys["filter.a=b.c.clean"] == ""
    assert keys["filter.plain.process"] == ""
    assert keys["filter.plain.required"] == "false"
    shown = git.run("config", "--get", "filter.a=b.c.clean").stdout
    assert shown == b"\n"


def _hostile_import_dir(root: Path, markers: Path) -> None:
    """A checked directory holding a `click.py` and an installed-looking rule plugin."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "click.py").write_text(f"open({str(markers / 'click')!r}, 'w').close()\n")
    (root / "evil_rules.py").write_text(f"open({str(markers / 'plugin')!r}, 'w').close()\n")
    dist = root / "evil_rules-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-rules\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[aiguard.rules]\nevil = evil_rules\n")
    (root / "app.py").write_text("x = 1  # type: ignore\n")


def test_python_m_aiguard_imports_nothing_from_the_checked_directory(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    checked = tmp_path / "checked"
    _hostile_import_dir(checked, markers)
    env = {**os.environ, "AIGUARD_CACHE_DIR": str(tmp_path / "cache")}  # a cold rule index
    env.pop("PYTHONSAFEPATH", None)
    proc = subprocess.run(
        [sys.executable, "-m", "aiguard", "check", "--all"],
        cwd=checked,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert sorted(p.name for p in markers.iterdir()) == [], proc.stderr
    assert proc.returncode == 1, proc.stderr
    assert "app.py" in proc.stdout


# -- hostile input: crashes -------------------------------------------------------------------


def _run_aiguard(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """aiguard in its own process: a crash (a segfault) or a hang cannot take pytest with it."""
    return subprocess.run(
        [sys.executable, "-P", "-m", "aiguard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "AIGUARD_CACHE_DIR": str(cwd.parent / "cache")},
    )


DEEP_PYTHON = {
    "parens.py": "x = " + "(" * 2000 + "1" + ")" * 2000 + "\n",
    "fstring.py": "x = " + 'f"{' * 3000 + "1" + '}"' * 3000 + "\n",
    "unary.py": "x = " + "-" * 3000 + "1\n",
}


@pytest.mark.parametrize("name", sorted(DEEP_PYTHON))
def test_deeply_nested_python_is_reported_not_checked(tmp_path: Path, name: str) -> None:
    checked = tmp_path / "checked"
    checked.mkdir()
    (checked / name).write_text(DEEP_PYTHON[name])
    (checked / "ok.py").write_text("x = 1  # type: ignore\n")
    proc = _run_aiguard(checked, "check", "--all", "--format", "json")
    assert proc.returncode in (1, 3), proc.stderr  # never a signal (a segfault is -11)
    report = json.loads(proc.stdout)
    assert [n["path"] for n in report["notifications"] if n["kind"] == "parse-error"] == [name]
    assert [f["path"] for f in report["findings"]] == ["ok.py"]


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    from aiguard.source import Source

    text = 'x = "' + "(" * 5000 + '"  # ' + "[" * 5000 + "\nprint((((x))))\n"
    assert Source("a.py", text).cst.code == text


DEEP = "[" * 5000 + "]" * 5000
BAD_CONFIGS = {
    "nested-toml": ("aiguard.toml", f"exclude = {DEEP}\n", "nested too deeply"),
    "long-integer": ("aiguard.toml", f"fail-on = {'1' * 5000}\n", "invalid TOML"),
    "tool-not-a-table": ("pyproject.toml", "tool = 1\n", "`tool` must be a table"),
    "nested-pyproject": ("pyproject.toml", f"[tool.aiguard]\nselect = {DEEP}\n", "nested"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_a_hostile_config_file_is_a_one_line_error(tmp_path: Path, case: str) -> None:
    name, text, expected = BAD_CONFIGS[case]
    checked = tmp_path / "checked"
    checked.mkdir()
    (checked / name).write_text(text)
    (checked / "a.py").write_text("x = 1\n")
    proc = _run_aiguard(checked, "check", "--all")
    assert proc.returncode == 2, proc.stderr
    assert expected in proc.stderr
    assert "internal error" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_the_readme_select_example_selects_every_rule(tmp_path: Path) -> None:
    checked = tmp_path / "checked"
    checked.mkdir()
    (checked / "aiguard.toml").write_text('select = ["AIG"]\n')
    (checked / "a.py").write_text("x = 1  # type: ignore\n")
    proc = _run_aiguard(checked, "check", "--all")
    assert proc.returncode == 1, proc.stderr
    assert "AIG1" in proc.stdout


def test_a_corrupt_cache_entry_is_discarded_and_rebuilt(tmp_path: Path) -> None:
    checked = tmp_path / "checked"
    checked.mkdir()
    (checked / "a.py").write_text("x = 1  # type: ignore\n")
    first = _run_aiguard(checked, "check", "--all")
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    assert first.returncode == 1 and entries, first.stderr
    for entry in entries:
        entry.write_text("[" * 100_000 + "]" * 100_000)
    second = _run_aiguard(checked, "check", "--all")
    assert second.returncode == 1, second.stderr
    assert second.stdout == first.stdout
    assert "internal error" not in second.stderr
    third = _run_aiguard(checked, "check", "--all")  # rebuilt: read back without a word
    assert third.returncode == 1 and third.stdout == first.stdout
    assert all(entry.read_text().startswith("{") for entry in entries)


# -- hangs and blow-ups -----------------------------------------------------------------------


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def _without_virtual_env() -> dict[str, str]:
    """The environment without $VIRTUAL_ENV, so that the repository's .venv is the one found."""
    return {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}


def _run_limited(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """aiguard under a 2 GiB address-space limit and a 60 s timeout, stdin an open pipe."""
    with subprocess.Popen(
        [sys.executable, "-P", "-m", "aiguard", *args],
        cwd=cwd,
        stdin=subprocess.PIPE,  # never written to: reading it would block
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limited,
        env={**_without_virtual_env(), "AIGUARD_CACHE_DIR": str(cwd.parent / "cache")},
    ) as proc:
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _venv_repo(tmp_path: Path) -> tuple[GitRepo, Path]:
    repo = GitRepo(tmp_path / "repo")
    site = repo.root / ".venv" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (repo.root / "app.py").write_text("import requests  # type: ignore\n")
    return repo, site


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/stdin"])
def test_a_pyvenv_cfg_linked_to_a_device_is_not_read(tmp_path: Path, device: str) -> None:
    repo, _ = _venv_repo(tmp_path)
    (repo.root / ".venv" / "pyvenv.cfg").symlink_to(device)
    proc = _run_limited(repo.root, "check", "--all")
    assert proc.returncode == 1, proc.stderr
    assert "app.py" in proc.stdout


ENVIRONMENT_PROBE = """
import sys
from pathlib import Path
from aiguard.facts.python.environment import find_environment
env = find_environment(Path(sys.argv[1]), None)
print("found", len(env.notices))
"""


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/stdin", "fifo"])
def test_the_environment_reader_never_opens_a_special_file(tmp_path: Path, special: str) -> None:
    repo, site = _venv_repo(tmp_path)
    cfg = repo.root / ".venv" / "pyvenv.cfg"
    if special == "fifo":
        os.mkfifo(cfg)
        os.mkfifo(site / "evil.pth")
    else:
        cfg.symlink_to(special)
        (site / "evil.pth").symlink_to(special)
    with subprocess.Popen(
        [sys.executable, "-P", "-c", ENVIRONMENT_PROBE, str(repo.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limited,
        env=_without_virtual_env(),
    ) as proc:
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
    assert proc.returncode == 0, err
    assert out.startswith("found")


def test_fifos_in_the_tree_and_the_environment_are_not_opened(tmp_path: Path) -> None:
    repo, site = _venv_repo(tmp_path)
    (repo.root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    os.mkfifo(repo.root / "pipe.py")
    os.mkfifo(repo.root / "pyproject.toml.d")
    dist = site / "requests-2.0.dist-info"
    dist.mkdir()
    for name in ("METADATA", "RECORD", "top_level.txt", "entry_points.txt"):
        os.mkfifo(dist / name)
    os.mkfifo(site / "evil.pth")
    for args in (["check"], ["check", "--all"]):
        proc = _run_limited(repo.root, *args)
        assert proc.returncode == 1, proc.stderr
        assert "app.py" in proc.stdout


def test_the_safe_reader_refuses_devices_fifos_and_large_files(tmp_path: Path) -> None:
    from aiguard.safe_read import FileTooLarge, NotRegularFile, read_bytes

    os.mkfifo(tmp_path / "fifo")
    big = tmp_path / "big"
    big.write_bytes(b"x" * 11)
    with pytest.raises(NotRegularFile):
        read_bytes(tmp_path / "fifo")
    with pytest.raises(NotRegularFile):
        read_bytes("/dev/zero")
    with pytest.raises(FileTooLarge):
        read_bytes(big, 10)
    assert read_bytes(big, 11) == b"x" * 11
    (tmp_path / "link").symlink_to(big)
    with pytest.raises(OSError):
        read_bytes(tmp_path / "link", follow=False)


# -- nothing lost -----------------------------------------------------------------------------


@pytest.fixture
def one_finding(tmp_path: Path) -> Path:
    checked = tmp_path / "checked"
    checked.mkdir()
    (checked / "a.py").write_text("x = 1  # type: ignore\n")
    return checked


@pytest.mark.parametrize("where", ["stdout", "--output"])
def test_a_full_device_is_a_clear_error_with_its_own_exit_status(
    one_finding: Path, where: str
) -> None:
    args = [sys.executable, "-P", "-m", "aiguard", "check", "--all"]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            args if where == "stdout" else [*args, "--output", "/dev/full"],
            cwd=one_finding,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert proc.returncode == 4, proc.stderr
    assert "No space left on device" in proc.stderr
    assert "internal error" not in proc.stderr


def test_a_closed_stdout_is_a_clear_error(one_finding: Path) -> None:
    proc = subprocess.run(
        f"'{sys.executable}' -P -m aiguard check --all >&-",
        shell=True,
        cwd=one_finding,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 4, proc.stderr
    assert "standard output is closed" in proc.stderr


def _small_file_limit() -> None:
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


def test_a_failed_write_leaves_the_previous_report_whole(one_finding: Path) -> None:
    report = one_finding.parent / "report.json"
    report.write_text('{"previous": "report"}\n')
    proc = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "aiguard",
            "check",
            "--all",
            "--format",
            "sarif",
            "--output",
            str(report),
        ],
        cwd=one_finding,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_small_file_limit,
        env={**os.environ, "AIGUARD_CACHE_DIR": ""},  # the cache must not hit the limit first
    )
    assert proc.returncode == 4, proc.stderr
    assert f"cannot write {report}" in proc.stderr
    assert report.read_text() == '{"previous": "report"}\n'
    assert sorted(p.name for p in report.parent.iterdir()) == ["checked", "report.json"]


def test_the_output_file_is_replaced_whole_with_its_mode_kept(one_finding: Path) -> None:
    report = one_finding.parent / "report.json"
    report.write_text("old\n")
    report.chmod(0o640)
    code = main_in(one_finding, ["check", "--all", "--format", "json", "--output", str(report)])
    assert code == 1
    assert json.loads(report.read_text())["findings"][0]["path"] == "a.py"
    assert report.stat().st_mode & 0o777 == 0o640


def main_in(cwd: Path, args: list[str]) -> int:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return main(args)
    finally:
        os.chdir(old)


def test_utf16_files_are_skipped_with_a_note(one_finding: Path) -> None:
    (one_finding / "wide.py").write_bytes("x = 1  # type: ignore\n".encode("utf-16"))
    proc = _run_aiguard(one_finding, "check", "--all", "--format", "json")
    report = json.loads(proc.stdout)
    notes = [(n["path"], n["kind"]) for n in report["notifications"]]
    assert ("wide.py", "file-skipped") in notes
    assert "UTF-16" in proc.stderr


@pytest.mark.parametrize("given", ["/etc/passwd", "/nowhere/python3"])
def test_a_python_option_that_names_no_interpreter_is_a_usage_error(
    one_finding: Path, given: str
) -> None:
    proc = _run_aiguard(one_finding, "check", "--all", "--python", given)
    assert proc.returncode == 2, proc.stderr
    assert f"--python {given}" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("inside", [True, False])
def test_a_cache_dir_inside_the_repository_or_relative_is_refused(
    one_finding: Path, inside: bool
) -> None:
    value = str(one_finding / ".cache") if inside else "relative-cache"
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "aiguard", "check", "--all"],
        cwd=one_finding,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "AIGUARD_CACHE_DIR": value},
    )
    assert proc.returncode == 2, proc.stderr
    assert "AIGUARD_CACHE_DIR" in proc.stderr
    assert sorted(p.name for p in one_finding.iterdir()) == ["a.py"]


def test_a_checked_config_with_a_huge_integer_or_deep_yaml_is_not_checked(
    one_finding: Path,
) -> None:
    checked = {
        "sub/pyproject.toml": f"[tool.coverage.report]\nfail_under = {'9' * 5000}\n",
        ".pre-commit-config.yaml": "repos: " + "[" * 10_000 + "]" * 10_000 + "\n",
    }
    for name, text in checked.items():
        (one_finding / name).parent.mkdir(exist_ok=True)
        (one_finding / name).write_text(text)
    proc = _run_aiguard(one_finding, "check", "--all", "--format", "json", timeout=30)
    report = json.loads(proc.stdout)
    assert proc.returncode in (1, 3), proc.stderr
    parse_errors = {
        n["path"]: n["message"] for n in report["notifications"] if n["kind"] == "parse-error"
    }
    assert sorted(parse_errors) == sorted(checked)
    assert "TOML error" in parse_errors["sub/pyproject.toml"]
    assert "nested more than 200 levels" in parse_errors[".pre-commit-config.yaml"]


def test_a_broken_nested_pyproject_that_names_aiguard_is_a_config_error(tmp_path: Path) -> None:
    checked = tmp_path / "checked"
    (checked / "sub").mkdir(parents=True)
    (checked / "sub" / "pyproject.toml").write_text(f"[tool.aiguard]\nselect = {'1' * 5000}\n")
    (checked / "a.py").write_text("x = 1\n")
    proc = _run_aiguard(checked, "check", "--all")
    assert proc.returncode == 2, proc.stderr
    assert "invalid TOML" in proc.stderr
