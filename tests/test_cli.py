"""The command line end to end, on real git repositories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aiguard.cli import main
from tests.gitrepo import GitRepo

PY_BEFORE = "def f():\n    return 1\n\nold = f()  # type: ignore\n"
PY_AFTER = PY_BEFORE + "x = f()  # type: ignore\n"
JS_AFTER = "function f() {\n  // eslint-disable-next-line\n  return eval('1');\n}\n"
TS_AFTER = "// @ts-ignore\nconst n: number = 'x';\n"


def run_cli(
    repo: GitRepo, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.chdir(repo.root)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def three_directives(repo: GitRepo) -> GitRepo:
    repo.commit({"app.py": PY_BEFORE, "web/a.js": "function f() {}\n", "README": "x\n"}, "base")
    repo.commit({"app.py": PY_AFTER, "web/a.js": JS_AFTER, "web/b.ts": TS_AFTER}, "ai change")
    return repo


def test_base_reports_exactly_the_three_new_directives(
    three_directives: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        three_directives,
        "check",
        "--base",
        "HEAD~1",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    report = json.loads(out)
    found = sorted((f["path"], f["line"], f["category"]) for f in report["findings"])
    assert code == 1
    assert found == [
        ("app.py", 5, "suppression"),
        ("web/a.js", 2, "suppression"),
        ("web/b.ts", 1, "suppression"),
    ]


def test_all_reports_the_old_directive_too(
    three_directives: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        three_directives,
        "check",
        "--all",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    lines = sorted((f["path"], f["line"]) for f in json.loads(out)["findings"])
    assert code == 1
    assert ("app.py", 4) in lines and ("app.py", 5) in lines


def test_text_output_and_summary(
    three_directives: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        three_directives, "check", "--base", "HEAD~1", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 1
    assert "app.py:5:" in out and "web/b.ts:1:" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_clean_change_exits_zero(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"a.py": "x = 1\n"})
    repo.write({"a.py": "x = 2\n"})
    code, out, _ = run_cli(repo, "check", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert "1 file" in out


def test_fail_on_error_and_never(
    three_directives: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run_cli(
        three_directives,
        "check",
        "--base",
        "HEAD~1",
        "--fail-on",
        "never",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0


def test_inline_suppression_hides_and_keeps_in_sarif(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"a.py": "x = 1\n"})
    repo.write(
        {
            "a.py": "x = 1\n"
            "# aiguard: ignore[AIG101] -- vendored stub, see #9\n"
            "y = g()  # type: ignore\n"
        }
    )
    code, out, _ = run_cli(repo, "check", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    code, out, _ = run_cli(
        repo, "check", "--format", "sarif", monkeypatch=monkeypatch, capsys=capsys
    )
    results = json.loads(out)["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert (
        suppressed and suppressed[0]["suppressions"][0]["justification"] == "vendored stub, see #9"
    )
    code, out, _ = run_cli(
        repo,
        "check",
        "--format",
        "sarif",
        "--no-suppressed",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert not [r for r in json.loads(out)["runs"][0]["results"] if r.get("suppressions")]


def test_output_file(
    three_directives: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.sarif"
    code, out, _ = run_cli(
        three_directives,
        "check",
        "--base",
        "HEAD~1",
        "--format",
        "sarif",
        "-o",
        str(target),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


@pytest.mark.parametrize(
    ("args", "files", "message"),
    [
        (("check", "--base", "no-such-rev"), {}, "no-such-rev"),
        (("check",), {"aiguard.toml": "selct = []\n"}, "unknown key 'selct'"),
        (("check", "--ignore", "AIG999"), {}, "unknown rule 'AIG999'"),
        (("check", "--fail-on", "loud"), {}, "unknown severity 'loud'"),
        (("check", "--staged", "--all"), {}, "at most one of"),
        (("rule", "AIG999"), {}, "unknown rule"),
        (("check", "-o", "/nonexistent-dir/x.sarif"), {}, "cannot write"),
    ],
)
def test_errors_are_one_line_with_exit_2(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    files: dict[str, str],
    message: str,
) -> None:
    repo.commit({"a.py": "x = 1\n", **files})
    code, _, err = run_cli(repo, *args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) <= 3


def test_unparsable_file_is_a_note_and_the_rest_is_checked(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"a.py": "x = 1\n"})
    repo.write(
        {"bad.py": "def f(:\n    x = 1  # type: ignore\n", "b.ts": "// @ts-ignore\nlet x = 1;\n"}
    )
    (repo.root / "latin1.py").write_bytes(b"x = '\xe9'  # type: ignore\n")
    code, out, err = run_cli(
        repo, "check", "--format", "sarif", monkeypatch=monkeypatch, capsys=capsys
    )
    sarif = json.loads(out)
    assert code == 3  # files went unchecked: exit 3, not the findings' 1 (see test_unchecked.py)
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    } >= {"b.ts"}
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"] for n in notes for loc in n["locations"]
    ]
    assert "latin1.py" in uris and "bad.py" in uris
    assert "latin1.py" in err and "Traceback" not in err


def test_outside_git_implies_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text("x = f()  # type: ignore\n")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("a.py", 1)]


def test_rules_and_rule_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:4] == ["ID", "NAME", "CATEGORY", "SEVERITY"]
    assert "AIG101" in table and "suppression" in table
    assert main(["rule", "aig101"]) == 0
    text = capsys.readouterr().out
    for section in ("Why is this bad?", "How to fix", "Flagged", "Not flagged"):
        assert section in text
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id", "name", "category", "severity", "languages"} <= set(rows[0])


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "aiguard" in capsys.readouterr().out
    assert main(["check", "--help"]) == 0
    assert "--staged" in capsys.readouterr().out


def test_python_dash_m_entry_point(three_directives: GitRepo) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "aiguard", "check", "--base", "HEAD~1"],
        cwd=three_directives.root,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, proc.stderr
    assert "app.py:5:" in proc.stdout


def test_a_change_without_python_never_imports_libcst(repo: GitRepo) -> None:
    repo.commit({"a.ts": "let x = 1;\n", "b.py": "y = 1\n"})
    repo.write({"a.ts": "// @ts-ignore\nlet x: number = 'a';\n"})
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aiguard", "check"],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    imported = {
        line.split("|")[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "tree_sitter" in imported
    assert "libcst" not in imported
