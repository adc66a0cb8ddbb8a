"""Suppressions on the record: an `aiguard: ignore` on AIG403/AIG405 records the finding as
suppressed (it does not vanish), a comment that only restates the handler is no reason, a
directive that suppresses nothing is reported (AIG105), and --no-suppressed leaves every other
finding's fingerprint alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiguard.cli import main
from tests.gitrepo import GitRepo

HANDLER = "def load():\n    try:\n        return read()\n{except_line}\n        pass\n"


def run_cli(
    root: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    monkeypatch.setenv("AIGUARD_CACHE_DIR", "")
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def json_report(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    code, out, _ = run_cli(
        repo.root, "check", "--format", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    return code, json.loads(out)


@pytest.mark.parametrize(
    ("path", "code", "rule"),
    [
        (
            "src/store.py",
            HANDLER.format(
                except_line="    except Exception:  # aiguard: ignore[AIG403] -- "
                "a missing cache is rebuilt on the next call"
            ),
            "AIG403",
        ),
        (
            "src/store.js",
            "fetchUser(id).catch(() => {}); "
            "// aiguard: ignore[AIG405] -- the preload is optional, the page loads it again\n",
            "AIG405",
        ),
    ],
)
def test_directive_on_error_hiding_records_the_finding_as_suppressed(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: str,
    code: str,
    rule: str,
) -> None:
    repo.commit({"README": "x\n"})
    repo.write({path: code})
    status, report = json_report(repo, monkeypatch, capsys)
    found = [f for f in report["findings"] if f["rule_id"] == rule]
    assert status == 0
    assert len(found) == 1 and found[0]["suppressed"]
    assert "optional" in json.dumps(found[0]) or "rebuilt" in json.dumps(found[0])
    assert not [f for f in report["findings"] if f["rule_id"] == "AIG105"]
    _, text, _ = run_cli(repo.root, "check", monkeypatch=monkeypatch, capsys=capsys)
    assert "1 suppressed inline" in text


@pytest.mark.parametrize(
    "comment",
    ["# ignore errors here", "# intentionally swallow all exceptions", "# just ignore it"],
)
def test_a_comment_that_only_restates_the_handler_is_no_reason(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    comment: str,
) -> None:
    repo.commit({"README": "x\n"})
    repo.write({"src/store.py": HANDLER.format(except_line=f"    except Exception:  {comment}")})
    status, report = json_report(repo, monkeypatch, capsys)
    assert status == 1
    assert [(f["rule_id"], f["suppressed"]) for f in report["findings"]] == [("AIG403", False)]


def test_a_reason_that_says_why_still_explains(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"README": "x\n"})
    comment = "# best effort: telemetry must never break the command"
    repo.write({"src/store.py": HANDLER.format(except_line=f"    except Exception:  {comment}")})
    status, report = json_report(repo, monkeypatch, capsys)
    assert status == 0 and report["findings"] == []


def test_a_directive_that_suppresses_nothing_is_reported(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"README": "x\n"})
    repo.write(
        {
            "src/store.py": "def load():\n    try:\n        return read()\n"
            "    except OSError:  # aiguard: ignore[AIG403] -- the cache is optional here\n"
            "        pass\n"
        }
    )
    status, report = json_report(repo, monkeypatch, capsys)
    assert status == 1
    assert [(f["rule_id"], f["line"]) for f in report["findings"]] == [("AIG105", 4)]
    assert "AIG403" in report["findings"][0]["message"]


def test_no_suppressed_leaves_the_other_fingerprints_alone(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"README": "x\n"})
    # Two findings with the same line text: the first is suppressed, the second is not.
    code = (
        "def load():\n    try:\n        return read()\n"
        "    # aiguard: ignore[AIG403] -- a missing cache is rebuilt on the next call\n"
        "    except Exception:\n        pass\n\n\n"
        "def save():\n    try:\n        return write()\n"
        "    except Exception:\n        pass\n"
    )
    repo.write({"src/store.py": code})

    def fingerprints(*extra: str) -> dict[int, str]:
        _, out, _ = run_cli(
            repo.root,
            "check",
            "--format",
            "sarif",
            *extra,
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        results = json.loads(out)["runs"][0]["results"]
        return {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]: json.dumps(
                r["partialFingerprints"], sort_keys=True
            )
            for r in results
        }

    everything = fingerprints()
    open_only = fingerprints("--no-suppressed")
    assert sorted(everything) == [5, 12] and sorted(open_only) == [12]
    assert open_only[12] == everything[12]
