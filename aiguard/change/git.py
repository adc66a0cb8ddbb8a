"""The git runner: one repository, asked in forms that user configuration cannot bend."""

from __future__ import annotations

import os
import posixpath
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiguard.errors import AiguardError

# Settings that would change the shape of git's output, or make git run a command the scanned
# repository names (a file-system monitor hook, a pager): the user's own values must not apply.
_GIT_CONFIG = (
    "--no-pager",
    "-c", "core.quotePath=false",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "diff.relative=false",
    "-c", "core.fsmonitor=false",
    "-c", "core.pager=cat",
    "-c", "diff.external=",
)  # fmt: skip
# The parts of a `filter.<driver>` that name a command git would run on file contents.
_FILTER_COMMANDS = ("clean", "smudge", "process")


# -- running git --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Git:
    """Runs git in one directory, in the C locale, never taking optional locks.

    `overrides` are config settings passed through GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n (no
    quoting to get wrong, whatever a driver is called); `with_filters_disabled` fills them.
    """

    cwd: Path
    overrides: tuple[tuple[str, str], ...] = ()

    def run(
        self, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)
    ) -> subprocess.CompletedProcess[bytes]:
        command = ["git", *_GIT_CONFIG, *args]
        env = _environment(self.overrides)
        try:
            if stdin is None:
                proc = subprocess.run(
                    command, cwd=self.cwd, env=env, stdin=subprocess.DEVNULL,
                    capture_output=True, check=False,
                )  # fmt: skip
            else:
                proc = subprocess.run(
                    command, cwd=self.cwd, env=env, input=stdin, capture_output=True, check=False
                )
        except FileNotFoundError:
            raise AiguardError(
                "git is not installed (no `git` on PATH); install git to check changes"
            ) from None
        except OSError as exc:
            raise AiguardError(f"cannot run git: {exc.strerror or exc}") from None
        if proc.returncode not in ok:
            raise AiguardError(_git_failure(args, proc))
        return proc


def _environment(overrides: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The environment git runs in: ours after the caller's GIT_CONFIG_* entries, so ours win."""
    env = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    env.pop("GIT_EXTERNAL_DIFF", None)
    try:
        count = int(env.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    count = max(count, 0)
    for index, (key, value) in enumerate(overrides, start=count):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    if overrides or count:
        env["GIT_CONFIG_COUNT"] = str(count + len(overrides))
    return env


def with_filters_disabled(git: _Git) -> _Git:
    """`git` with every configured content filter emptied, so no driver command ever runs.

    `.gitattributes` in the scanned tree chooses a driver by name and the config (any scope)
    says what it runs; git cannot be told to ignore attributes (before 2.40), so each driver
    that names a command gets an empty one, and `required` off so that an empty one is no
    error. Reading config runs nothing.
    """
    proc = git.run("config", "-z", "--get-regexp", r"^filter\.", ok=(0, 1))
    drivers: set[str] = set()
    for entry in proc.stdout.split(b"\0"):
        key = entry.split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
        name, dot, leaf = key[len("filter.") :].rpartition(".")
        if dot and name and leaf.lower() in _FILTER_COMMANDS:
            drivers.add(name)
    overrides = [
        (f"filter.{name}.{leaf}", value)
        for name in sorted(drivers)
        for leaf, value in (*((c, "") for c in _FILTER_COMMANDS), ("required", "false"))
    ]
    return _Git(git.cwd, (*git.overrides, *overrides))


def runner(cwd: Path) -> _Git:
    """The hardened git runner for `cwd` (filters disabled), for callers outside this package."""
    return with_filters_disabled(_Git(cwd))


def _git_failure(args: Sequence[str], proc: subprocess.CompletedProcess[bytes]) -> str:
    command = next((a for a in args if not a.startswith("-")), "")
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    if not lines:
        return f"git {command} failed with exit status {proc.returncode}"
    detail = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[0])
    return f"git {command} failed: {detail.split(': ', 1)[-1] if ': ' in detail else detail}"


@dataclass(frozen=True)
class Repo:
    git: _Git  # runs at the top of the working tree
    root: Path
    prefix: str  # cwd relative to the root: "" or "dir/"
    shallow: bool
    head: str | None  # None before the first commit


def find_repo(cwd: Path) -> Repo | None:
    """The repository around `cwd`, or None outside any; one git process for all of it."""
    proc = _Git(cwd).run(
        "rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository",
        "--verify", "--quiet", "HEAD^{commit}", ok=(0, 1, 128),
    )  # fmt: skip
    if proc.returncode == 128:
        if b"not a git repository" in proc.stderr:
            return None
        raise AiguardError(_git_failure(["rev-parse"], proc))
    lines = proc.stdout.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) < 3 or lines[2] not in ("true", "false"):
        raise AiguardError("git rev-parse gave unexpected output; aiguard needs git 2.15 or later")
    head = lines[3] if proc.returncode == 0 and len(lines) > 3 and lines[3] else None
    root = Path(lines[0])
    return Repo(with_filters_disabled(_Git(root)), root, lines[1], lines[2] == "true", head)


def repo_specs(repo: Repo, paths: Sequence[str]) -> list[str] | None:
    """PATHS as repo-relative literal pathspecs; None when they cover the whole repository."""
    if not paths:
        return None
    specs = []
    for given in paths:
        if os.path.isabs(given):
            spec = _absolute_to_repo(repo.root, given)
        else:
            spec = posixpath.normpath(repo.prefix + given.replace(os.sep, "/"))
        if spec == ".." or spec.startswith("../"):
            raise AiguardError(f"{given} is outside the repository {repo.root}")
        if spec == ".":
            return None
        specs.append(spec)
    return specs


def _absolute_to_repo(root: Path, given: str) -> str:
    rel = os.path.relpath(given, root)
    if rel.startswith(".."):
        # The root git reports is resolved; resolve the path's directory (not the file) too.
        head, tail = os.path.split(os.path.normpath(given))
        rel = os.path.relpath(os.path.join(os.path.realpath(head), tail), os.path.realpath(root))
    return rel.replace(os.sep, "/")


def is_selected(path: str, specs: list[str] | None) -> bool:
    return specs is None or any(path == s or path.startswith(s + "/") for s in specs)


def ls_files(git: _Git, specs: list[str] | None, *flags: str) -> list[str]:
    if specs is not None and not specs:
        return []
    pathspecs = ["--", *specs] if specs is not None else []
    out = git.run("--literal-pathspecs", "ls-files", "-z", *flags, *pathspecs).stdout
    return sorted({path_name(raw) for raw in out.split(b"\0") if raw and not raw.endswith(b"/")})


def path_name(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def head_or_empty(repo: Repo) -> str:
    """HEAD, or the empty tree before the first commit (so everything staged is new)."""
    if repo.head is not None:
        return repo.head
    return repo.git.run("hash-object", "-t", "tree", "--stdin", stdin=b"").stdout.decode().strip()


_FETCH_HINT = (
    "fetch more history with `git fetch --unshallow` (or `git fetch --deepen=N`),"
    " or set `fetch-depth: 0` in actions/checkout"
)


def resolve_commit(repo: Repo, rev: str, what: str) -> str:
    """The commit `rev` names (for `until` of a range), or an error that names `what`."""
    if rev.startswith("-"):
        raise AiguardError(f"{what} {rev}: not a revision")
    found = repo.git.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", ok=(0, 1, 128))
    if found.returncode != 0:
        raise AiguardError(f"{what} {rev}: unknown revision; check the name, or fetch it first")
    return found.stdout.decode().strip()


def merge_base(repo: Repo, base: str, head: str | None = None) -> str:
    """merge-base(base, head or HEAD), with errors that say how to get one."""
    if head is None:
        head = repo.head
    if head is None:
        raise AiguardError(
            f"--base {base}: HEAD has no commits yet, so there is nothing to compare;"
            " commit first, or run without --base"
        )
    if base.startswith("-"):
        raise AiguardError(f"--base {base}: not a revision")
    found = repo.git.run("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", ok=(0, 1, 128))
    if found.returncode != 0:
        if repo.shallow:
            raise AiguardError(
                f"--base {base}: unknown revision, and this is a shallow clone; {_FETCH_HINT}"
            )
        raise AiguardError(
            f"--base {base}: unknown revision; check the name, or fetch it first"
            f" (for example `git fetch origin {base}`)"
        )
    commit = found.stdout.decode().strip()
    merged = repo.git.run("merge-base", commit, head, ok=(0, 1))
    if merged.returncode != 0 or not merged.stdout.strip():
        if repo.shallow:
            raise AiguardError(
                f"--base {base}: no merge base with HEAD because this is a shallow clone;"
                f" {_FETCH_HINT}"
            )
        raise AiguardError(
            f"--base {base}: no common ancestor with HEAD (unrelated histories);"
            " choose the branch HEAD was started from"
        )
    return merged.stdout.decode().strip()


def read_blobs(git: _Git, oids: Iterable[str]) -> dict[str, bytes]:
    """The contents of many blobs from one `git cat-file --batch`; missing ones are left out."""
    wanted = sorted(set(oids))
    if not wanted:
        return {}
    out = git.run("cat-file", "--batch", stdin="".join(f"{o}\n" for o in wanted).encode()).stdout
    blobs: dict[str, bytes] = {}
    pos = 0
    try:
        for oid in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                blobs[oid] = out[pos : pos + size]
                pos += size + 1
            elif len(header) == 3:  # another object type: skip its contents
                pos += int(header[2]) + 1
    except ValueError:
        raise AiguardError("could not read the output of git cat-file --batch") from None
    return blobs
