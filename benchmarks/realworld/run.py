"""Run aiguard on real commits of public repositories and compare its findings with judged labels.

Each commit listed in ``commits.tsv`` is checked out (detached, from a local clone that shares the
objects of a bare mirror) and checked against its parent with
``aiguard check --base <commit>^ --format json`` (all rules, default severities) in a subprocess.
The findings are then matched with ``labels.tsv`` on (repo, commit, path, line, rule), and the
script prints, per rule, the findings, how many are judged and how (real / noise / wrong), and the
precision (real / judged) separately for warnings+errors and for notes; the share of commits with
any finding judged wrong; the findings with no label yet; and the labels that no longer match a
finding (a false positive fixed, or a labeled hazard lost: the recall on labeled hazards).

Standard library and aiguard only. Nothing of the checked repositories is imported or run: git
runs with hooks, fsmonitor and the user's and system's config (hence any filter or credential
helper) off, and aiguard only reads files. See README.md beside this file for fetching the mirrors.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = ("real", "noise", "wrong")
KINDS = ("human", "agent")
COMMIT_COLUMNS = ("repo", "commit", "kind", "agent")
LABEL_COLUMNS = ("repo", "commit", "path", "line", "rule", "verdict", "reason")
# Git must not run anything the checked repository (or this machine's git config) names.
GIT_SAFE = (
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.untrackedCache=false",
    "-c",
    "advice.detachedHead=false",
    "-c",
    "protocol.allow=never",
    "-c",
    "protocol.file.allow=always",
)


class CorpusError(Exception):
    """Bad input or a failed step: reported as one line, exit status 2."""


@dataclass(frozen=True)
class CommitEntry:
    repo: str
    commit: str
    kind: str
    agent: str


@dataclass(frozen=True)
class Label:
    repo: str
    commit: str
    path: str
    line: int
    rule: str
    verdict: str
    reason: str
    where: str  # file:line of the label, for messages

    @property
    def key(self) -> tuple[str, str, str, int, str]:
        return (self.repo, self.commit, self.path, self.line, self.rule)


@dataclass(frozen=True)
class Finding:
    repo: str
    commit: str
    path: str
    line: int
    rule: str
    severity: str
    message: str

    @property
    def key(self) -> tuple[str, str, str, int, str]:
        return (self.repo, self.commit, self.path, self.line, self.rule)


@dataclass
class CommitResult:
    entry: CommitEntry
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    incomplete: bool = False  # aiguard exit 3: some file or rule was not checked
    notifications: int = 0


# ---------------------------------------------------------------------------------------- input


def read_tsv(path: Path, columns: Sequence[str]) -> list[tuple[int, list[str]]]:
    """Rows of a tab-separated file with a header naming `columns`; '#' lines are comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from exc
    rows: list[tuple[int, list[str]]] = []
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if not header_seen:
            if tuple(cells) != tuple(columns):
                raise CorpusError(
                    f"{path}:{number}: the header must be {' TAB '.join(columns)}, got {raw!r}"
                )
            header_seen = True
            continue
        if len(cells) != len(columns):
            raise CorpusError(
                f"{path}:{number}: expected {len(columns)} tab-separated columns, got {len(cells)}"
            )
        rows.append((number, cells))
    if not header_seen:
        raise CorpusError(f"{path}: empty file (it needs the header {' TAB '.join(columns)})")
    return rows


def _check_commit_id(value: str, where: str) -> None:
    if len(value) != 40 or any(c not in "0123456789abcdef" for c in value):
        raise CorpusError(
            f"{where}: commit must be a full 40-digit lowercase hex id, got {value!r}"
        )


def read_commits(path: Path) -> list[CommitEntry]:
    entries: list[CommitEntry] = []
    seen: set[tuple[str, str]] = set()
    for number, (repo, commit, kind, agent) in read_tsv(path, COMMIT_COLUMNS):
        where = f"{path}:{number}"
        _check_commit_id(commit, where)
        if kind not in KINDS:
            raise CorpusError(f"{where}: kind must be human or agent, got {kind!r}")
        if kind == "agent" and not agent:
            raise CorpusError(f"{where}: an agent commit needs the agent's name")
        if "/" not in repo:
            raise CorpusError(f"{where}: repo must be owner/name, got {repo!r}")
        if (repo, commit) in seen:
            raise CorpusError(f"{where}: {repo} {commit} is listed twice")
        seen.add((repo, commit))
        entries.append(CommitEntry(repo, commit, kind, agent))
    return entries


def read_labels(path: Path) -> list[Label]:
    if not path.exists():
        return []
    labels: list[Label] = []
    seen: dict[tuple[str, str, str, int, str], str] = {}
    for number, (repo, commit, fpath, line, rule, verdict, reason) in read_tsv(path, LABEL_COLUMNS):
        where = f"{path}:{number}"
        _check_commit_id(commit, where)
        if not line.isdigit():
            raise CorpusError(f"{where}: line must be a number, got {line!r}")
        if verdict not in VERDICTS:
            raise CorpusError(f"{where}: verdict must be real, noise or wrong, got {verdict!r}")
        if not reason.strip():
            raise CorpusError(f"{where}: a label needs a one-line reason")
        label = Label(repo, commit, fpath, int(line), rule, verdict, reason, where)
        if label.key in seen:
            raise CorpusError(f"{where}: the same finding is already labeled at {seen[label.key]}")
        seen[label.key] = where
        labels.append(label)
    return labels


def rule_selected(rule: str, prefixes: Sequence[str] | None) -> bool:
    return prefixes is None or any(rule.startswith(p) for p in prefixes)


# ---------------------------------------------------------------------------------------- git


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_LFS_SKIP_SMUDGE": "1",
            "LC_ALL": "C",
        }
    )
    return env


def git(args: Sequence[str], cwd: Path | None = None, stdin: str | None = None) -> str:
    proc = subprocess.run(
        ["git", *GIT_SAFE, *args],
        cwd=cwd,
        env=git_env(),
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        errors="surrogateescape",
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise CorpusError(f"git {' '.join(args[:2])} failed in {cwd or '.'}: {last}")
    return proc.stdout


def find_mirror(mirrors: Path, repo: str) -> Path:
    """The bare mirror of owner/name: as `fetch` lays it out, or as `git clone --mirror` does."""
    owner, name = repo.split("/", 1)
    candidates = (
        mirrors / f"{owner}+{name}" / "repo",
        mirrors / f"{owner}+{name}",
        mirrors / owner / f"{name}.git",
        mirrors / f"{name}.git",
    )
    for candidate in candidates:
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise CorpusError(f"no mirror of {repo} (tried {tried}); see benchmarks/realworld/README.md")


def missing_blobs(clone: Path, commit: str) -> list[str]:
    """Paths of the commit's tree whose blob the (partial) mirror does not have."""
    listing = git(["ls-tree", "-r", "-z", "--full-tree", commit], cwd=clone)
    blobs: list[tuple[str, str]] = []
    for record in listing.split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        _mode, kind, oid = meta.split(" ")
        if kind == "blob":
            blobs.append((oid, path))
    if not blobs:
        return []
    answer = git(
        ["cat-file", "--batch-check"], cwd=clone, stdin="".join(o + "\n" for o, _ in blobs)
    )
    missing = {line.split(" ")[0] for line in answer.splitlines() if line.endswith(" missing")}
    return [path for oid, path in blobs if oid in missing]


def sparse_escape(path: str) -> str:
    """A path as a literal gitignore-style pattern."""
    return "".join("\\" + c if c in "\\*?[]!# " else c for c in path)


class Checkouts:
    """One shared clone per (repository, worker slot), reused across that repository's commits."""

    def __init__(self, workdir: Path, mirrors: Path, slots: int) -> None:
        self.workdir = workdir
        self.mirrors = mirrors
        self.free: queue.Queue[int] = queue.Queue()
        for slot in range(slots):
            self.free.put(slot)

    def checkout(self, slot: int, repo: str, commit: str) -> Path:
        clone = self.workdir / str(slot) / repo.replace("/", "+")
        if not (clone / ".git").is_dir():
            mirror = find_mirror(self.mirrors, repo)
            clone.parent.mkdir(parents=True, exist_ok=True)
            git(["clone", "-q", "--shared", "--no-checkout", str(mirror), str(clone)])
            git(["config", "core.sparseCheckout", "true"], cwd=clone)
            git(["config", "core.sparseCheckoutCone", "false"], cwd=clone)
        # Snapshots may lack their largest blobs: leave those files out of the working tree
        # (skip-worktree), so that git sees them as unchanged rather than failing the checkout.
        patterns = ["/*", *(f"!/{sparse_escape(p)}" for p in missing_blobs(clone, commit))]
        sparse = clone / ".git" / "info" / "sparse-checkout"
        sparse.parent.mkdir(exist_ok=True)
        sparse.write_text("\n".join(patterns) + "\n", encoding="utf-8", errors="surrogateescape")
        git(["checkout", "-q", "--detach", "--force", commit], cwd=clone)
        git(["clean", "-q", "-ffdx"], cwd=clone)
        return clone


# ---------------------------------------------------------------------------------------- aiguard


def aiguard_env() -> dict[str, str]:
    env = git_env()
    # The checked project's environment is not ours: never let aiguard judge imports against the
    # virtualenv this script runs in.
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    return env


def run_aiguard(entry: CommitEntry, clone: Path, aiguard: Sequence[str]) -> CommitResult:
    result = CommitResult(entry)
    command = [*aiguard, "check", "--base", f"{entry.commit}^", "--format", "json"]
    command += ["--fail-on", "never"]
    proc = subprocess.run(
        command,
        cwd=clone,
        env=aiguard_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1, 3):
        last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
        result.error = f"aiguard exited {proc.returncode}: {last}"
        return result
    try:
        document = json.loads(proc.stdout)
        raw_findings = document["findings"]
        result.notifications = len(document.get("notifications", []))
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        result.error = f"aiguard printed no JSON report ({exc})"
        return result
    for raw in raw_findings:
        if raw.get("suppressed"):
            continue
        result.findings.append(
            Finding(
                entry.repo,
                entry.commit,
                str(raw["path"]),
                int(raw["line"]),
                str(raw["rule_id"]),
                str(raw["severity"]),
                str(raw["message"]),
            )
        )
    result.incomplete = proc.returncode == 3
    return result


def run_all(
    entries: Sequence[CommitEntry],
    mirrors: Path,
    aiguard: Sequence[str],
    jobs: int,
    workdir: Path,
    progress: bool,
) -> list[CommitResult]:
    checkouts = Checkouts(workdir, mirrors, jobs)
    done = Counter[str]()
    lock = threading.Lock()

    def one(entry: CommitEntry) -> CommitResult:
        slot = checkouts.free.get()
        try:
            try:
                clone = checkouts.checkout(slot, entry.repo, entry.commit)
            except CorpusError as exc:
                return CommitResult(entry, error=str(exc))
            return run_aiguard(entry, clone, aiguard)
        finally:
            checkouts.free.put(slot)
            if progress:
                with lock:
                    done["n"] += 1
                    print(f"\r{done['n']}/{len(entries)} {entry.repo}", end="", file=sys.stderr)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(one, entries))
    if progress:
        print(file=sys.stderr)
    return results


def save_results(results: Sequence[CommitResult], path: Path) -> None:
    rows = [
        {
            "repo": r.entry.repo,
            "commit": r.entry.commit,
            "error": r.error,
            "incomplete": r.incomplete,
            "notifications": r.notifications,
            "findings": [
                {
                    "path": f.path,
                    "line": f.line,
                    "rule": f.rule,
                    "severity": f.severity,
                    "message": f.message,
                }
                for f in r.findings
            ],
        }
        for r in results
    ]
    path.write_text(json.dumps(rows, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def load_results(path: Path, entries: Sequence[CommitEntry]) -> list[CommitResult]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        by_key = {(row["repo"], row["commit"]): row for row in rows}
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise CorpusError(f"cannot read saved results {path}: {exc}") from exc
    results: list[CommitResult] = []
    for entry in entries:
        row = by_key.get((entry.repo, entry.commit))
        if row is None:
            raise CorpusError(f"{path} has no result for {entry.repo} {entry.commit}; run again")
        result = CommitResult(
            entry,
            error=row["error"],
            incomplete=row["incomplete"],
            notifications=row["notifications"],
        )
        result.findings = [
            Finding(
                entry.repo,
                entry.commit,
                f["path"],
                f["line"],
                f["rule"],
                f["severity"],
                f["message"],
            )
            for f in row["findings"]
        ]
        results.append(result)
    return results


# ---------------------------------------------------------------------------------------- report


def level_class(severity: str) -> str:
    return "note" if severity == "note" else "warning+error"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


@dataclass
class Tally:
    findings: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)

    @property
    def judged(self) -> int:
        return sum(self.verdicts.values())

    def row(self, name: str) -> str:
        real, noise, wrong = (self.verdicts[v] for v in VERDICTS)
        return (
            f"{name:<16} {self.findings:>8} {self.judged:>6} {real:>5} {noise:>5} {wrong:>5}"
            f" {percent(real, self.judged):>9} {percent(real + noise, self.judged):>9}"
        )


TABLE_HEADER = (
    f"{'rule':<16} {'findings':>8} {'judged':>6} {'real':>5} {'noise':>5} {'wrong':>5}"
    f" {'precision':>9} {'not-wrong':>9}"
)


def report(
    results: Sequence[CommitResult],
    labels: Sequence[Label],
    prefixes: Sequence[str] | None,
    out: list[str],
    write_unlabeled: Path | None,
) -> None:
    by_key = {label.key: label for label in labels}
    findings = [f for r in results for f in r.findings if rule_selected(f.rule, prefixes)]
    matched: set[tuple[str, str, str, int, str]] = set()
    tallies: dict[str, dict[str, Tally]] = {"warning+error": {}, "note": {}}
    totals = {"warning+error": Tally(), "note": Tally()}
    unlabeled: list[Finding] = []
    wrong_commits: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for f in findings:
        cls = level_class(f.severity)
        tally = tallies[cls].setdefault(f.rule, Tally())
        tally.findings += 1
        totals[cls].findings += 1
        label = by_key.get(f.key)
        if label is None:
            unlabeled.append(f)
            continue
        matched.add(f.key)
        tally.verdicts[label.verdict] += 1
        totals[cls].verdicts[label.verdict] += 1
        if label.verdict == "wrong":
            wrong_commits[cls].add((f.repo, f.commit))

    ran = [r for r in results if r.error is None]
    partial = sum(1 for r in results if r.incomplete)
    out.append(
        f"commits: {len(results)} listed, {len(ran)} checked"
        f" ({partial} of them incompletely: aiguard exit 3)"
    )
    for kind in KINDS:
        n = sum(1 for r in results if r.entry.kind == kind)
        out.append(f"  {kind}: {n}")
    out.append("")
    for cls in ("warning+error", "note"):
        out.append(f"== {cls} (precision = real / judged; not-wrong = (real + noise) / judged)")
        out.append(TABLE_HEADER)
        for rule in sorted(tallies[cls]):
            out.append(tallies[cls][rule].row(rule))
        out.append(totals[cls].row("all"))
        out.append("")

    commit_kind = {(r.entry.repo, r.entry.commit): r.entry.kind for r in results}
    any_wrong = wrong_commits["warning+error"] | wrong_commits["note"]
    out.append("== commits with any finding judged wrong")
    for kind in (*KINDS, "all"):
        pool = [k for k, v in commit_kind.items() if kind in ("all", v)]
        hit = sum(1 for k in pool if k in any_wrong)
        hit_we = sum(1 for k in pool if k in wrong_commits["warning+error"])
        out.append(
            f"  {kind:<6} {hit}/{len(pool)} = {percent(hit, len(pool))}"
            f" (at warning/error: {hit_we}/{len(pool)} = {percent(hit_we, len(pool))})"
        )
    with_findings = {(f.repo, f.commit) for f in findings}
    out.append(f"  commits with any finding: {len(with_findings)}/{len(commit_kind)}")
    out.append("")

    out.append(f"== findings with no label yet: {len(unlabeled)}")
    for f in unlabeled:
        out.append(f"  {f.repo} {f.commit} {f.path}:{f.line} {f.rule} [{f.severity}] {f.message}")
    out.append("")

    checked = set(commit_kind)
    stale = [
        label
        for label in labels
        if (label.repo, label.commit) in checked
        and rule_selected(label.rule, prefixes)
        and label.key not in matched
    ]
    real_labels = [
        label
        for label in labels
        if (label.repo, label.commit) in checked
        and rule_selected(label.rule, prefixes)
        and label.verdict == "real"
    ]
    lost = [label for label in stale if label.verdict == "real"]
    out.append(
        f"== recall on labeled hazards: {len(real_labels) - len(lost)}/{len(real_labels)}"
        f" = {percent(len(real_labels) - len(lost), len(real_labels))}"
    )
    out.append(f"== labels that no longer match a finding: {len(stale)}")
    for label in stale:
        what = "LOST HAZARD" if label.verdict == "real" else f"gone ({label.verdict})"
        out.append(
            f"  {what}: {label.repo} {label.commit} {label.path}:{label.line} {label.rule}"
            f" ({label.where}: {label.reason})"
        )
    errors = [r for r in results if r.error]
    if errors:
        out.append("")
        out.append(f"== commits with errors: {len(errors)}")
        for r in errors:
            out.append(f"  {r.entry.repo} {r.entry.commit}: {r.error}")
    if write_unlabeled is not None:
        lines = ["\t".join(LABEL_COLUMNS)]
        for f in unlabeled:
            message = " ".join(f.message.split())
            lines.append(
                "\t".join(
                    [f.repo, f.commit, f.path, str(f.line), f.rule, "", f"[{f.severity}] {message}"]
                )
            )
        write_unlabeled.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--commits", type=Path, default=HERE / "commits.tsv")
    parser.add_argument("--labels", type=Path, default=HERE / "labels.tsv")
    parser.add_argument(
        "--mirrors",
        type=Path,
        default=Path(os.environ.get("AIGUARD_MIRRORS", "/work/.mirror")),
        help="folder of bare mirrors: OWNER+NAME/repo, OWNER+NAME, OWNER/NAME.git or NAME.git"
        " (default: $AIGUARD_MIRRORS, else /work/.mirror)",
    )
    parser.add_argument("--repo", action="append", help="only this owner/name (repeatable)")
    parser.add_argument(
        "--rules", help="comma-separated rule ids or prefixes to report on (aiguard runs all)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="commits checked at once (default 2)")
    parser.add_argument(
        "--aiguard",
        default=f"{sys.executable} -m aiguard",
        help="the aiguard command (default: this interpreter's -m aiguard)",
    )
    parser.add_argument("--workdir", type=Path, help="where the clones go (default: a temp dir)")
    parser.add_argument("--save", type=Path, help="write the raw findings of this run as JSON")
    parser.add_argument(
        "--load", type=Path, help="compare saved findings (from --save) instead of running aiguard"
    )
    parser.add_argument(
        "--write-unlabeled", type=Path, help="write the unlabeled findings as label rows to fill in"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.jobs < 1:
            raise CorpusError("--jobs must be at least 1")
        entries = read_commits(args.commits)
        labels = read_labels(args.labels)
        if args.repo:
            known = {e.repo for e in entries}
            for repo in args.repo:
                if repo not in known:
                    raise CorpusError(f"--repo {repo}: not in {args.commits}")
            entries = [e for e in entries if e.repo in args.repo]
        prefixes = [p.strip() for p in args.rules.split(",") if p.strip()] if args.rules else None
        if args.load is not None:
            results = load_results(args.load, entries)
        else:
            for repo in sorted({e.repo for e in entries}):
                find_mirror(args.mirrors, repo)  # all of them there before hours of work
            results = checked(entries, args)
        if args.save is not None:
            save_results(results, args.save)
        out: list[str] = []
        report(results, labels, prefixes, out, args.write_unlabeled)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(out))
    return 0


def checked(entries: Sequence[CommitEntry], args: argparse.Namespace) -> list[CommitResult]:
    """Every entry checked (grouped by repository so clones are reused), in the listed order."""
    by_repo = sorted(entries, key=lambda e: e.repo)
    aiguard = str(args.aiguard).split()
    progress = not args.quiet
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        results = run_all(by_repo, args.mirrors, aiguard, args.jobs, args.workdir, progress)
    else:
        with tempfile.TemporaryDirectory(prefix="aiguard-realworld-") as tmp:
            results = run_all(by_repo, args.mirrors, aiguard, args.jobs, Path(tmp), progress)
    position = {(e.repo, e.commit): i for i, e in enumerate(entries)}
    return sorted(results, key=lambda r: position[(r.entry.repo, r.entry.commit)])


if __name__ == "__main__":
    raise SystemExit(main())
