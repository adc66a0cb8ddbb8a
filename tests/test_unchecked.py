"""No silent passes: what aiguard could not check is counted, reported and fails the run (exit 3)
unless --allow-unchecked; one crashing rule never silences the others."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aiguard.cli import main
from tests.gitrepo import GitRepo

RULE_HEADER = """
import sys
from aiguard.findings import Category
from aiguard.lint.rule import FileRule, Flag, Pass, PythonRule


"""


def plugin_rule(kind: str, body: str, *, method: str) -> str:
    """A plugin file holding one rule AIG491 of `kind` whose `method` runs `body`."""
    signature = "self, node" if kind == "PythonRule" else "self"
    if method == "__init__":
        signature = "self, context"
    # A FileRule without check() is abstract, and no rule at all.
    check = (
        "    def check(self):\n        pass\n" if kind == "FileRule" and method != "check" else ""
    )
    return RULE_HEADER + (
        f"class Broken({kind}):\n"
        '    id = "AIG491"\n'
        '    name = "broken"\n'
        "    category = Category.STUB\n"
        '    languages = frozenset({"python"})\n'
        '    summary = "a rule with a bug"\n'
        '    rationale = "test rule"\n'
        '    fix = "none"\n'
        '    examples = (Flag("x\\n", line=1), Pass("y\\n"))\n'
        "\n"
        f"    def {method}({signature}):\n"
        f"        {body}\n"
        f"{check}"
    )


def run_cli(
    root: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    monkeypatch.setenv("AIGUARD_CACHE_DIR", "")
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_python_syntax_error_exits_3_with_its_real_position(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"ok.py": "x = 1\n"})
    # libcst names line 2 (where it gave up); the error is the bracket opened on line 1.
    repo.write({"bad.py": "total = (1,\nother = 2\n"})
    code, out, err = run_cli(repo.root, "check", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 3
    assert "All checks passed" not in out
    assert "1 file could not be checked" in out
    assert "bad.py" in err and "line 1, column 9" in err and "was never closed" in err
    assert "Traceback" not in err


def test_allow_unchecked_lets_the_findings_decide(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"ok.py": "x = 1\n"})
    repo.write({"bad.py": "def f(:\n"})
    code, out, _ = run_cli(
        repo.root, "check", "--allow-unchecked", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert "All checks passed" not in out
    assert "1 file could not be checked" in out and "--allow-unchecked" in out
    repo.write({"ok.py": "x = 1  # type: ignore\n"})
    code, out, _ = run_cli(
        repo.root, "check", "--allow-unchecked", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 1 and "Found 1 finding" in out and "could not be checked" in out


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (".github/workflows/ci.yml", "on: [push]\njobs:\n  t: {steps: [\n    continue-on-error\n"),
        ("tsconfig.json", '{\n  "compilerOptions": {"strict": false,\n'),
        ("ruff.toml", '[lint]\nignore = ["E501"]\nignore = ["F401"]\n'),
    ],
)
def test_invalid_config_file_exits_3(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: str,
    text: str,
) -> None:
    repo.commit({"ok.py": "x = 1\n"})
    repo.write({path: text})
    code, out, err = run_cli(
        repo.root, "check", "--format", "sarif", monkeypatch=monkeypatch, capsys=capsys
    )
    sarif = json.loads(out)
    invocation = sarif["runs"][0]["invocations"][0]
    assert code == 3, err
    assert invocation["executionSuccessful"] is False
    assert [n["descriptor"]["id"] for n in invocation["toolExecutionNotifications"]] == [
        "parse-error"
    ]


def test_clean_sarif_run_is_successful(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"ok.py": "x = 1\n"})
    repo.write({"ok.py": "x = 2\n"})
    code, out, _ = run_cli(
        repo.root, "check", "--format", "sarif", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert json.loads(out)["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_unreadable_changed_file_exits_3(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"ok.py": "x = 1\n"})
    (repo.root / "latin1.py").write_bytes(b"x = '\xe9'\n")
    code, out, err = run_cli(
        repo.root, "check", "--format", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    summary = json.loads(out)["summary"]
    assert code == 3
    assert summary["files_unchecked"] == 1 and summary["incomplete"] is True
    assert "latin1.py" in err and "not valid UTF-8" in err


def test_crashing_python_rule_does_not_silence_the_others(
    repo: GitRepo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plugin = tmp_path / "broken.py"
    plugin.write_text(plugin_rule("PythonRule", "raise ValueError('bug')", method="visit_Name"))
    repo.commit({"ok.py": "x = 1\n"})
    repo.write({"app.py": "def f():\n    pass\n\n\nx = f()  # type: ignore\n"})
    code, out, err = run_cli(
        repo.root,
        "check",
        "--plugin",
        str(plugin),
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    report = json.loads(out)
    rules = sorted({f["rule_id"] for f in report["findings"]})
    assert code == 3
    # AIG401 (a libcst rule, in the same walk) and AIG101 (a comment rule) still report.
    assert {"AIG101", "AIG401"} <= set(rules) and "AIG491" not in rules
    crashed = [n for n in report["notifications"] if n["kind"] == "rule-error"]
    assert len(crashed) == 1 and "AIG491" in crashed[0]["message"]
    assert "ValueError: bug" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("kind", "method", "body", "shown"),
    [
        ("FileRule", "__init__", "raise RuntimeError('no init')", "RuntimeError: no init"),
        ("PythonRule", "__init__", "raise RuntimeError('no init')", "RuntimeError: no init"),
        ("FileRule", "check", "sys.exit(0)", "SystemExit"),
        ("PythonRule", "visit_Name", "sys.exit(0)", "SystemExit"),
        ("FileRule", "check", "raise KeyboardInterrupt", "KeyboardInterrupt"),
        ("PythonRule", "visit_Name", "raise KeyboardInterrupt", "KeyboardInterrupt"),
    ],
)
def test_plugin_that_exits_or_fails_to_start_is_reported(
    repo: GitRepo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    method: str,
    body: str,
    shown: str,
) -> None:
    plugin = tmp_path / "broken.py"
    plugin.write_text(plugin_rule(kind, body, method=method))
    repo.commit({"ok.py": "x = 1\n"})
    repo.write({"app.py": "x = f()  # type: ignore\n"})
    code, out, err = run_cli(
        repo.root, "check", "--plugin", str(plugin), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 3, out + err
    assert "AIG101" in out  # the other rules' findings are all there
    assert f"rule AIG491 failed on app.py: {shown}" in err


def test_a_real_interrupt_still_stops_the_run(repo: GitRepo, tmp_path: Path) -> None:
    marker = tmp_path / "started"
    plugin = tmp_path / "slow.py"
    body = f"open({str(marker)!r}, 'w').close(); __import__('time').sleep(60)"
    plugin.write_text(plugin_rule("FileRule", body, method="check"))
    repo.commit({"ok.py": "x = 1\n"})
    repo.write({"app.py": "x = 2\n"})
    env = {**os.environ, "AIGUARD_CACHE_DIR": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiguard", "check", "--plugin", str(plugin)],
        cwd=repo.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    assert "interrupted" in err and "All checks passed" not in out


@pytest.mark.parametrize(
    "unparsable",
    ['const m = f<typeof import("m")>();\n', 'const lazy = import.defer("./heavy.js");\n'],
)
def test_typescript_the_grammar_cannot_parse_still_has_its_comments_checked(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    unparsable: str,
) -> None:
    # tree-sitter-typescript 0.23.2 (the newest on PyPI) cannot parse these valid lines.
    repo.commit({"README": "x\n"})
    repo.write({"src/app.ts": "// @ts-ignore\nconst n: number = 'x';\n" + unparsable})
    code, out, err = run_cli(
        repo.root, "check", "--format", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    report = json.loads(out)
    assert [(f["rule_id"], f["line"]) for f in report["findings"]] == [("AIG101", 1)]
    # The rules that need the whole tree could not run: the file is counted, exit 3.
    assert code == 3 and report["summary"]["files_unchecked"] == 1, err


def test_a_broken_region_holding_comment_text_is_not_guessed(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"README": "x\n"})
    # The broken region (`>(...)`) holds the comment: whether it is one there is not known.
    repo.write({"src/app.ts": 'const m = f<typeof import("m")>(/* @ts-ignore */);\n'})
    code, out, err = run_cli(
        repo.root, "check", "--format", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    report = json.loads(out)
    assert code == 3
    assert [n["kind"] for n in report["notifications"]] == ["parse-error"]
    assert report["findings"] == [] and "line 1" in err
