"""benchmarks/realworld/run.py on a tiny two-commit repository mirrored into a tmp dir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.gitrepo import GitRepo

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "realworld" / "run.py"

BEFORE = "def load(path):\n    return open(path).read()\n"
AFTER = (
    "def load(path):\n"
    "    try:\n"
    "        return open(path).read()\n"
    "    except Exception:\n"
    "        pass\n"
    "\n"
    "\n"
    "VALUE = load('x')  # type: ignore\n"
)


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--quiet", "--jobs", "1", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def corpus(tmp_path: Path) -> tuple[Path, str]:
    """A bare mirror of a repository whose second commit adds two hazards; its commit id."""
    repo = GitRepo(tmp_path / "work")
    repo.commit({"pkg/load.py": BEFORE}, "first")
    commit = repo.commit({"pkg/load.py": AFTER}, "second: hide errors, silence the checker")
    mirrors = tmp_path / "mirrors"
    (mirrors / "acme").mkdir(parents=True)
    subprocess.run(
        ["git", "clone", "-q", "--mirror", str(repo.root), str(mirrors / "acme" / "tiny.git")],
        check=True,
    )
    (tmp_path / "commits.tsv").write_text(
        f"repo\tcommit\tkind\tagent\nacme/tiny\t{commit}\tagent\ttest-agent\n"
    )
    return mirrors, commit


def test_findings_compared_with_labels(tmp_path: Path) -> None:
    mirrors, commit = corpus(tmp_path)
    labels = tmp_path / "labels.tsv"
    labels.write_text(
        "repo\tcommit\tpath\tline\trule\tverdict\treason\n"
        f"acme/tiny\t{commit}\tpkg/load.py\t8\tAIG101\twrong\tjudged wrong for the test\n"
        f"acme/tiny\t{commit}\tpkg/load.py\t30\tAIG403\treal\ta hazard no longer reported\n"
    )
    unlabeled = tmp_path / "unlabeled.tsv"
    proc = run_script(
        "--mirrors",
        str(mirrors),
        "--commits",
        str(tmp_path / "commits.tsv"),
        "--labels",
        str(labels),
        "--write-unlabeled",
        str(unlabeled),
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "commits: 1 listed, 1 checked" in out
    lines = out.splitlines()
    row = next(line for line in lines if line.startswith("AIG101 "))
    # findings, judged, real, noise, wrong, precision, not-wrong
    assert row.split()[1:] == ["1", "1", "0", "0", "1", "0%", "0%"]
    assert "  agent  1/1 = 100%" in out
    # The except-pass finding has no label: it is listed, and written as a row to fill in.
    assert f"acme/tiny {commit} pkg/load.py:4 AIG403" in out
    written = unlabeled.read_text().splitlines()
    assert written[0] == "repo\tcommit\tpath\tline\trule\tverdict\treason"
    assert written[1].startswith(f"acme/tiny\t{commit}\tpkg/load.py\t4\tAIG403\t\t[")
    # The label on line 30 matches nothing: a lost hazard, and recall says so.
    assert "== recall on labeled hazards: 0/1 = 0%" in out
    assert f"LOST HAZARD: acme/tiny {commit} pkg/load.py:30 AIG403" in out


def test_saved_results_and_rule_filter(tmp_path: Path) -> None:
    mirrors, _commit = corpus(tmp_path)
    saved = tmp_path / "saved.json"
    common = ["--commits", str(tmp_path / "commits.tsv"), "--labels", str(tmp_path / "none.tsv")]
    first = run_script("--mirrors", str(mirrors), *common, "--save", str(saved))
    assert first.returncode == 0, first.stderr
    # Reloaded without a mirror, filtered to one rule: the other rule's finding is gone.
    again = run_script("--mirrors", str(tmp_path / "nowhere"), *common, "--load", str(saved))
    assert again.stdout == first.stdout
    only = run_script(*common, "--load", str(saved), "--rules", "AIG403")
    assert "pkg/load.py:4 AIG403" in only.stdout
    assert "AIG101" not in only.stdout


def test_bad_label_is_one_line_error(tmp_path: Path) -> None:
    mirrors, commit = corpus(tmp_path)
    labels = tmp_path / "labels.tsv"
    labels.write_text(
        "repo\tcommit\tpath\tline\trule\tverdict\treason\n"
        f"acme/tiny\t{commit}\tpkg/load.py\t8\tAIG101\tmaybe\tunsure\n"
    )
    proc = run_script(
        "--mirrors",
        str(mirrors),
        "--commits",
        str(tmp_path / "commits.tsv"),
        "--labels",
        str(labels),
    )
    assert proc.returncode == 2
    assert proc.stderr == f"error: {labels}:2: verdict must be real, noise or wrong, got 'maybe'\n"
    assert proc.stdout == ""


def test_missing_mirror_is_one_line_error(tmp_path: Path) -> None:
    corpus(tmp_path)
    proc = run_script(
        "--mirrors",
        str(tmp_path / "nowhere"),
        "--commits",
        str(tmp_path / "commits.tsv"),
        "--labels",
        str(tmp_path / "none.tsv"),
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: no mirror of acme/tiny (tried ")
    assert proc.stderr.count("\n") == 1
