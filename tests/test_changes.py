"""collect_changes against real git repositories built in temporary directories."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiguard.change.model import ChangeSet, FileChange, Mode
from aiguard.change.modes import collect_changes
from aiguard.errors import AiguardError
from aiguard.source import split_lines

GIT_ENV_TO_DROP = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)


@pytest.fixture(scope="module", autouse=True)
def hermetic_git(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Git with a known global config, blind to repositories above the test directories."""
    home = tmp_path_factory.mktemp("home")
    config = home / "gitconfig"
    config.write_text(
        "[user]\n\tname = Test\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n"
        "[commit]\n\tgpgsign = false\n"
        '[protocol "file"]\n\tallow = always\n'
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_CONFIG_GLOBAL", str(config))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path_factory.getbasetemp()))
        for name in GIT_ENV_TO_DROP:
            mp.delenv(name, raising=False)
        yield


class Repo:
    """A throwaway repository with terse helpers."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str) -> str:
        proc = subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, check=True, stdin=subprocess.DEVNULL
        )
        return proc.stdout.decode("utf-8", "surrogateescape").strip()

    def write(self, name: str, content: str | bytes) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)

    def commit(self, message: str = "c") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def changes(
        self, mode: Mode = Mode.WORKING, paths: tuple[str, ...] = (), **kwargs: Any
    ) -> ChangeSet:
        return collect_changes(mode, paths, cwd=kwargs.pop("cwd", self.path), **kwargs)


def init_repo(path: Path, files: dict[str, str | bytes] | None = None) -> Repo:
    path.mkdir(parents=True, exist_ok=True)
    repo = Repo(path)
    repo.git("init", "-q")
    for name, content in (files or {}).items():
        repo.write(name, content)
    if files:
        repo.commit("initial")
    return repo


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Repo]:
    def make(files: dict[str, str | bytes] | None = None, name: str = "repo") -> Repo:
        return init_repo(tmp_path / name, files)

    return make


def by_path(changes: ChangeSet) -> dict[str, FileChange]:
    return {f.path: f for f in changes.files}


def nums(*numbers: int) -> frozenset[int]:
    return frozenset(numbers)


def paths_of(changes: ChangeSet) -> list[str]:
    return [f.path for f in changes.files]


TEN = "".join(f"line {n}\n" for n in range(1, 11))


def edit(text: str, line: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[line - 1] = new
    return "".join(lines)


# -- the four modes -----------------------------------------------------------------------


def test_working_mode_sees_staged_unstaged_and_untracked(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo(
        {"a.py": "1\n2\n3\n", "b.py": "x\n", "same.py": "s\n", ".gitignore": "*.log\n"}
    )
    repo.write("a.py", "1\nTWO\n3\n")
    repo.git("add", "a.py")
    repo.write("b.py", "x\ny\n")
    repo.write("c.py", "n\nm\n")
    repo.write("debug.log", "ignored\n")

    changes = repo.changes(Mode.WORKING)

    assert changes.in_git and Path(changes.root) == repo.path.resolve()
    assert paths_of(changes) == ["a.py", "b.py", "c.py"]
    files = by_path(changes)
    assert files["a.py"] == FileChange(
        "a.py", "1\nTWO\n3\n", "1\n2\n3\n", "a.py", frozenset({2}), frozenset({2})
    )
    assert files["b.py"].changed_lines == nums(2) and files["b.py"].removed_lines == nums()
    assert files["c.py"] == FileChange("c.py", "n\nm\n", changed_lines=frozenset({1, 2}))
    assert changes.notifications == []


def test_staged_mode_reads_the_index_not_the_worktree(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"a.py": "1\n2\n3\n", "b.py": "b\n"})
    repo.write("a.py", "1\nTWO\n3\n")
    repo.git("add", "a.py")
    repo.write("a.py", "1\nTWO\n3\nWORKTREE ONLY\n")
    repo.write("b.py", "unstaged\n")
    repo.write("untracked.py", "u\n")

    changes = repo.changes(Mode.STAGED)

    assert paths_of(changes) == ["a.py"]
    (a,) = changes.files
    assert (a.after, a.before, a.changed_lines) == ("1\nTWO\n3\n", "1\n2\n3\n", nums(2))


def test_base_mode_compares_with_the_merge_base(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"f.py": "a\nb\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("f.py", "a\nB\n")
    repo.commit("feature")
    repo.git("checkout", "-q", "main")
    repo.write("f.py", "A\nb\n")
    repo.write("main_only.py", "m\n")
    repo.commit("main moves on")
    repo.git("checkout", "-q", "feature")
    repo.write("f.py", "a\nB\nc\n")
    repo.write("new.py", "n\n")

    changes = repo.changes(Mode.BASE, base="main")

    files = by_path(changes)
    assert sorted(files) == ["f.py", "new.py"]
    assert files["f.py"].before == "a\nb\n"
    assert files["f.py"].changed_lines == nums(2, 3)
    assert files["new.py"].before is None and files["new.py"].changed_lines == nums(1)


def test_all_mode_lists_every_file_with_every_line_changed(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"a.py": "1\n", "sub/b.py": "2\n", "gone.py": "g\n", ".gitignore": "*.log\n"})
    repo.write("a.py", "1 modified\n")
    (repo.path / "gone.py").unlink()
    repo.write("new.py", "n\n")
    repo.write("x.log", "ignored\n")

    changes = repo.changes(Mode.ALL)

    assert paths_of(changes) == [".gitignore", "a.py", "new.py", "sub/b.py"]
    assert all(f.changed_lines is None and f.before is None for f in changes.files)
    assert by_path(changes)["a.py"].after == "1 modified\n"
    assert by_path(changes)["a.py"].is_changed(1)


@pytest.mark.parametrize("mode", [Mode.WORKING, Mode.STAGED, Mode.BASE, Mode.ALL])
def test_paths_limit_files_in_every_mode(make_repo: Callable[..., Repo], mode: Mode) -> None:
    files = {"top.py": "t\n", "sub/x.py": "x\n", "sub/deep/y.py": "y\n", "other/z.py": "z\n"}
    repo = make_repo(files)
    for name in files:
        repo.write(name, "changed\n")
    repo.git("add", "-A")

    changes = repo.changes(mode, ("sub/", "./top.py", "missing.py"), base="HEAD")

    assert paths_of(changes) == ["sub/deep/y.py", "sub/x.py", "top.py"]


def test_paths_are_relative_to_cwd_and_reported_from_the_root(
    make_repo: Callable[..., Repo],
) -> None:
    repo = make_repo({"top.py": "t\n", "sub/x.py": "x\n", "sub/y.py": "y\n"})
    for name in ("top.py", "sub/x.py", "sub/y.py"):
        repo.write(name, "changed\n")
    sub = repo.path / "sub"

    assert paths_of(repo.changes(paths=("x.py",), cwd=sub)) == ["sub/x.py"]
    assert paths_of(repo.changes(paths=("../top.py",), cwd=sub)) == ["top.py"]
    assert paths_of(repo.changes(paths=(str(sub / "y.py"),), cwd=sub)) == ["sub/y.py"]
    assert len(repo.changes(cwd=sub).files) == 3  # no PATHS: the whole repository
    with pytest.raises(AiguardError, match="outside the repository"):
        repo.changes(paths=("../../elsewhere.py",), cwd=sub)


def test_paths_are_literal_not_glob_patterns(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"a*.py": "1\n", "ab.py": "2\n", "[x].py": "3\n", "x.py": "4\n"})
    for name in ("a*.py", "ab.py", "[x].py", "x.py"):
        repo.write(name, "changed\n")
        repo.write("new " + name, "new\n")

    for mode in (Mode.WORKING, Mode.ALL):
        got = paths_of(repo.changes(mode, ("a*.py", "[x].py", "new a*.py")))
        assert got == ["[x].py", "a*.py", "new a*.py"]


# -- what a diff can hold -----------------------------------------------------------------


@pytest.mark.parametrize("mode", [Mode.WORKING, Mode.STAGED])
def test_rename_with_modification_compares_with_the_old_file(
    make_repo: Callable[..., Repo], mode: Mode
) -> None:
    repo = make_repo({"old.py": TEN})
    repo.git("mv", "old.py", "new.py")
    repo.write("new.py", edit(TEN, 5, "line five\n"))
    repo.git("add", "new.py")

    # pre-commit passes only the new name: the rename must still be found.
    for paths in ((), ("new.py",)):
        (change,) = repo.changes(mode, paths).files
        assert (change.path, change.old_path, change.before) == ("new.py", "old.py", TEN)
        assert change.changed_lines == nums(5) and change.removed_lines == nums(5)


def test_deleted_files_come_with_their_last_version(make_repo: Callable[..., Repo]) -> None:
    """Only rules that ask see deleted files (Rule.reads_deleted); they get the old text."""
    repo = make_repo({"gone.py": "g\n", "removed.py": "r\nr2\n", "kept.py": "k\n"})
    repo.git("rm", "-q", "gone.py")
    (repo.path / "removed.py").unlink()
    repo.write("kept.py", "k2\n")

    working = by_path(repo.changes(Mode.WORKING))
    assert sorted(working) == ["gone.py", "kept.py", "removed.py"]
    assert not working["kept.py"].deleted
    removed = working["removed.py"]
    assert removed.deleted and removed.after == "" and removed.before == "r\nr2\n"
    assert removed.changed_lines == nums() and removed.removed_lines == nums(1, 2)
    staged = by_path(repo.changes(Mode.STAGED))
    assert sorted(staged) == ["gone.py"] and staged["gone.py"].before == "g\n"


@pytest.mark.parametrize("mode", [Mode.WORKING, Mode.STAGED, Mode.ALL])
def test_binary_files_are_skipped_silently(make_repo: Callable[..., Repo], mode: Mode) -> None:
    repo = make_repo({"img.png": b"\x89PNG\0\0\x01", "a.py": "1\n"})
    repo.write("img.png", b"\x89PNG\0\0\x02")
    repo.write("new.bin", b"\0\1\2")
    repo.write("a.py", "2\n")
    repo.git("add", "-A")

    changes = repo.changes(mode)

    assert paths_of(changes) == ["a.py"]
    assert changes.notifications == []


ODD_NAMES = ["with space.py", "tab\there.py", "new\nline.py", "ünïcödé.py", 'quote"d.py']


@pytest.mark.parametrize("mode", [Mode.WORKING, Mode.STAGED, Mode.ALL])
def test_odd_file_names(make_repo: Callable[..., Repo], mode: Mode) -> None:
    repo = make_repo({name: "1\n2\n" for name in ODD_NAMES})
    for name in ODD_NAMES:
        repo.write(name, "1\nchanged\n")
    repo.write("dir ü/new\tfile.py", "n\n")
    repo.git("add", "-A")

    changes = repo.changes(mode)

    assert paths_of(changes) == sorted([*ODD_NAMES, "dir ü/new\tfile.py"])
    for change in changes.files:
        if mode is not Mode.ALL and change.path in ODD_NAMES:
            assert change.before == "1\n2\n" and change.changed_lines == nums(2)
    assert paths_of(repo.changes(mode, ("tab\there.py", "dir ü"))) == [
        "dir ü/new\tfile.py",
        "tab\there.py",
    ]


def test_crlf_files_keep_their_line_numbers(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"w.py": "a\r\nb\r\nc\r\n"})
    repo.write("w.py", "a\r\nB\r\nc\r\nd\r\n")

    (change,) = repo.changes().files

    assert change.after == "a\r\nB\r\nc\r\nd\r\n"
    assert change.changed_lines == nums(2, 4)
    assert [change.after.splitlines()[n - 1] for n in sorted(change.changed_lines)] == ["B", "d"]


def test_autocrlf_checkout_is_not_all_changed(make_repo: Callable[..., Repo]) -> None:
    """With core.autocrlf=true the worktree has CRLF and the blobs LF; git's own view counts."""
    repo = make_repo()
    repo.git("config", "core.autocrlf", "true")
    repo.write("w.py", "a\r\nb\r\nc\r\n")
    repo.commit()
    repo.write("w.py", "a\r\nB\r\nc\r\n")

    (change,) = repo.changes().files

    assert change.changed_lines == nums(2) and change.before == "a\nb\nc\n"


def test_line_numbers_are_gits_even_with_form_feeds_and_lone_crs(
    make_repo: Callable[..., Repo],
) -> None:
    """Lines split on LF only, as git, tokenize and tree-sitter count them."""
    before = "a\nb\x0cc\nd\re\nf\n"
    repo = make_repo({"ff.py": before})
    repo.write("ff.py", "a\nb\x0cC\nd\re\nF\n")

    (change,) = repo.changes().files

    assert split_lines(change.after) == ["a", "b\x0cC", "d\re", "F"]
    assert change.changed_lines == nums(2, 4)
    assert change.removed_lines == nums(2, 4)


def test_pure_deletion_hunk_gives_removed_lines_only(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"d.py": "a\nb\nc\nd\ne\n"})
    repo.write("d.py", "a\nd\nE\n")

    (change,) = repo.changes().files

    assert change.changed_lines == nums(3)
    assert change.removed_lines == nums(2, 3, 5)


def test_mode_change_alone_has_no_changed_lines(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"run.sh": "echo\n"})
    (repo.path / "run.sh").chmod(0o755)
    repo.git("add", "run.sh")

    (change,) = repo.changes(Mode.STAGED).files

    assert change.changed_lines == nums() and change.before == change.after == "echo\n"


def test_empty_file_is_a_normal_file(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"a.py": "1\n"})
    repo.write("empty.py", "")
    repo.write("staged_empty.py", "")
    repo.git("add", "staged_empty.py")

    assert by_path(repo.changes())["empty.py"] == FileChange(
        "empty.py", "", None, None, frozenset()
    )
    (staged,) = repo.changes(Mode.STAGED).files
    assert (staged.path, staged.after, staged.changed_lines) == ("staged_empty.py", "", nums())


def test_repo_without_commits(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    repo.write("a.py", "1\n2\n")
    repo.git("add", "a.py")
    repo.write("a.py", "1\n2\n3\n")
    repo.write("b.py", "b\n")

    staged = repo.changes(Mode.STAGED)
    working = repo.changes(Mode.WORKING)

    assert [(f.path, f.after, f.before, f.changed_lines) for f in staged.files] == [
        ("a.py", "1\n2\n", None, nums(1, 2))
    ]
    assert [(f.path, f.after, f.changed_lines) for f in working.files] == [
        ("a.py", "1\n2\n3\n", nums(1, 2, 3)),
        ("b.py", "b\n", nums(1)),
    ]
    with pytest.raises(AiguardError, match="no commits yet"):
        repo.changes(Mode.BASE, base="main")


def test_detached_head(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"a.py": "1\n"})
    repo.write("a.py", "2\n")
    repo.commit()
    repo.git("checkout", "-q", "--detach", "HEAD~1")
    repo.write("a.py", "1\nmore\n")
    repo.git("add", "a.py")

    for mode in (Mode.WORKING, Mode.STAGED):
        (change,) = repo.changes(mode).files
        assert change.before == "1\n" and change.changed_lines == nums(2)


def test_submodules_and_type_changes_are_skipped(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"a.py": "1\n", "t.py": "t\n"})
    head = repo.git("rev-parse", "HEAD")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{head},vendored")
    (repo.path / "t.py").unlink()
    (repo.path / "t.py").symlink_to("a.py")
    repo.git("add", "t.py")

    for mode in (Mode.WORKING, Mode.STAGED, Mode.ALL):
        changes = repo.changes(mode)
        assert paths_of(changes) == (["a.py"] if mode is Mode.ALL else [])
        assert changes.notifications == []


# -- files that cannot be checked ---------------------------------------------------------

BAD_FILES: dict[str, bytes] = {
    "latin1.py": "caf\xe9\n".encode("latin-1"),
    "nul.txt": b"x" * 9000 + b"\0\n",  # past git's binary probe: git diffs it as text
    "big.txt": b"y\n" * 10000,
}


@pytest.mark.parametrize("mode", [Mode.WORKING, Mode.STAGED, Mode.ALL])
def test_bad_files_give_notifications_and_the_rest_is_returned(
    make_repo: Callable[..., Repo], mode: Mode
) -> None:
    repo = make_repo({"good.py": "g\n", **{name: "fine\n" for name in BAD_FILES}})
    repo.write("good.py", "g2\n")
    for name, content in BAD_FILES.items():
        repo.write(name, content)
    repo.git("add", "-A")

    changes = repo.changes(mode, max_bytes=16 * 1024)

    assert paths_of(changes) == ["good.py"]
    notes = {str(n.path): n for n in changes.notifications}
    assert sorted(notes) == sorted(BAD_FILES)
    assert all(n.kind == "file-skipped" and "\n" not in n.message for n in notes.values())
    assert "not valid UTF-8" in notes["latin1.py"].message
    assert "NUL byte" in notes["nul.txt"].message
    assert "larger than 16 KiB (20000 bytes)" in notes["big.txt"].message


def test_untracked_bad_files_and_the_default_limit(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"a.py": "1\n"})
    repo.write("huge.txt", b"z" * (1024 * 1024 + 1))
    repo.write("bad.py", b"\xff\xfe\n")
    repo.write("ok.py", "ok\n")
    locked = repo.path / "locked.py"
    locked.write_text("secret\n")
    locked.chmod(0)
    try:
        changes = repo.changes()
    finally:
        locked.chmod(0o644)

    notes = {n.path: n.message for n in changes.notifications}
    assert notes["huge.txt"] == "skipped: larger than 1 MiB (1048577 bytes)"
    assert "not valid UTF-8" in notes["bad.py"]
    if getattr(os, "geteuid", lambda: 0)() != 0:  # root reads anything
        assert "unreadable" in notes["locked.py"]
    assert "ok.py" in paths_of(changes)


def test_before_version_that_cannot_be_read_makes_the_file_new(
    make_repo: Callable[..., Repo],
) -> None:
    repo = make_repo({"enc.py": "caf\xe9\nx\n".encode("latin-1")})
    repo.write("enc.py", "café\nx\n")

    changes = repo.changes()

    (change,) = changes.files
    assert change.before is None and change.old_path is None and change.changed_lines == nums(1)
    (note,) = changes.notifications
    assert note.kind == "before-skipped" and "not valid UTF-8" in note.message


@pytest.mark.parametrize("mode", [Mode.WORKING, Mode.STAGED, Mode.ALL])
def test_symlinks_are_never_followed(
    make_repo: Callable[..., Repo], tmp_path: Path, mode: Mode
) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("password = 1\n")
    repo = make_repo({"a.py": "1\n", "sub/b.py": "b\n"})
    (repo.path / "inside").symlink_to("a.py")
    (repo.path / "absolute_out").symlink_to(secret)
    (repo.path / "sub" / "relative_out").symlink_to("../../secret.py")
    repo.write("a.py", "2\n")
    repo.git("add", "-A")

    changes = repo.changes(mode)

    assert paths_of(changes) == (["a.py", "sub/b.py"] if mode is Mode.ALL else ["a.py"])
    notes = {str(n.path): n for n in changes.notifications}
    assert sorted(notes) == ["absolute_out", "sub/relative_out"]
    assert all("outside the repository" in n.message for n in notes.values())


# -- errors -------------------------------------------------------------------------------


def test_shallow_clone_without_the_base_says_how_to_fetch(
    make_repo: Callable[..., Repo], tmp_path: Path
) -> None:
    origin = make_repo({"a.py": "1\n"}, name="origin")
    first = origin.git("rev-parse", "HEAD")
    origin.git("branch", "other")
    for n in (2, 3):
        origin.write("a.py", f"{n}\n")
        origin.commit()
    origin.git("checkout", "-q", "other")
    origin.write("b.py", "b\n")
    origin.commit()
    origin.git("checkout", "-q", "main")
    clone = Repo(tmp_path / "clone")
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--no-single-branch", origin.path.as_uri(), "clone"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    with pytest.raises(AiguardError, match=r"shallow clone.*git fetch --unshallow.*fetch-depth: 0"):
        clone.changes(Mode.BASE, base=first)
    with pytest.raises(AiguardError, match=r"no merge base .*shallow clone.*git fetch"):
        clone.changes(Mode.BASE, base="origin/other")


def test_unknown_or_unrelated_base(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"a.py": "1\n"})
    repo.git("checkout", "-q", "--orphan", "lonely")
    repo.commit("unrelated")

    with pytest.raises(AiguardError, match=r"--base nosuch: unknown revision; .*git fetch"):
        repo.changes(Mode.BASE, base="nosuch")
    with pytest.raises(AiguardError, match="no common ancestor"):
        repo.changes(Mode.BASE, base="main")
    with pytest.raises(AiguardError, match="not a revision"):
        repo.changes(Mode.BASE, base="--output=x")
    with pytest.raises(AiguardError, match="needs a revision"):
        repo.changes(Mode.BASE)


def test_git_not_installed(make_repo: Callable[..., Repo], monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo({"a.py": "1\n"})
    monkeypatch.setenv("PATH", str(repo.path / "no-such-bin"))

    with pytest.raises(AiguardError, match="git is not installed"):
        repo.changes()


def test_outside_git_walks_the_filesystem(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    (plain / "sub").mkdir(parents=True)
    (plain / ".venv").mkdir()
    (plain / "a.py").write_text("1\n")
    (plain / "sub" / "b.py").write_text("2\n")
    (plain / ".venv" / "lib.py").write_text("skip\n")
    (plain / "bad.py").write_bytes(b"\xff")
    (plain / "link.py").symlink_to(tmp_path / "elsewhere.py")

    changes = collect_changes(Mode.WORKING, cwd=plain)

    assert not changes.in_git and changes.root == str(plain)
    assert paths_of(changes) == ["a.py", "sub/b.py"]
    assert all(f.changed_lines is None for f in changes.files)
    assert {n.path for n in changes.notifications} == {"bad.py", "link.py"}
    assert paths_of(collect_changes(Mode.ALL, ("sub", "missing.py"), cwd=plain)) == ["sub/b.py"]
    above = collect_changes(Mode.ALL, ("../a.py",), cwd=plain / "sub")
    assert above.root == str(plain) and paths_of(above) == ["a.py"]
    for mode, flag in ((Mode.STAGED, "--staged"), (Mode.BASE, "--base")):
        with pytest.raises(AiguardError, match=f"{flag} needs a git repository"):
            collect_changes(mode, cwd=plain, base="main")


# -- robustness and cost ------------------------------------------------------------------


def test_user_git_config_cannot_bend_the_output(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"sub/ü old.py": TEN, "sub/other.py": "o\n"})
    for key, value in {
        "diff.noprefix": "true",
        "diff.mnemonicPrefix": "true",
        "diff.relative": "true",
        "diff.renames": "false",
        "diff.interHunkContext": "10",
        "diff.context": "5",
        "diff.suppressBlankEmpty": "true",
        "diff.external": "false",
        "diff.algorithm": "patience",
        "core.quotePath": "true",
        "color.ui": "always",
        "color.diff": "always",
        "core.pager": "false",
    }.items():
        repo.git("config", key, value)
    repo.git("mv", "sub/ü old.py", "sub/ü new.py")
    repo.write("sub/ü new.py", edit(edit(TEN, 2, "two\n"), 6, "six\n"))
    repo.git("add", "-A")
    repo.write("top.py", "t\n")

    for mode in (Mode.WORKING, Mode.STAGED):
        changes = repo.changes(mode, cwd=repo.path / "sub")
        files = by_path(changes)
        assert files["sub/ü new.py"].old_path == "sub/ü old.py"
        assert files["sub/ü new.py"].changed_lines == nums(2, 6)
        assert ("top.py" in files) is (mode is Mode.WORKING)


def test_a_staged_run_costs_a_handful_of_git_processes(
    make_repo: Callable[..., Repo], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo({f"m{n}.py": f"{n}\n" for n in range(20)})
    for n in range(20):
        repo.write(f"m{n}.py", f"{n}\nmore\n")
        repo.write(f"new{n}.py", "new\n")
    repo.git("add", "-A")
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(*args: Any, **kwargs: Any) -> Any:
        calls.append(list(args[0]))
        return real_run(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    staged = repo.changes(Mode.STAGED)
    staged_calls = len(calls)
    working = repo.changes(Mode.WORKING)

    assert len(staged.files) == len(working.files) == 40
    # rev-parse, config (the filter drivers to disable, so none runs), diff, cat-file
    assert staged_calls <= 4
    assert len(calls) - staged_calls <= 5  # and ls-files for untracked files


# -- property: changed lines agree with the texts ----------------------------------------


@pytest.fixture(scope="module")
def property_repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return init_repo(tmp_path_factory.mktemp("property") / "repo")


LINE = st.sampled_from(["a", "b", "c", "", "x = 1", "    pass", "d\r", "e\x0cf"])
TEXT = st.tuples(st.lists(LINE, max_size=8), st.booleans()).map(
    lambda parts: "\n".join(parts[0]) + ("\n" if parts[0] and parts[1] else "")
)


@settings(max_examples=25, deadline=None, database=None)
@given(before=TEXT, after=TEXT)
def test_changed_lines_agree_with_the_texts(property_repo: Repo, before: str, after: str) -> None:
    property_repo.write("f.txt", before)
    property_repo.commit()
    property_repo.write("f.txt", after)

    changes = property_repo.changes(Mode.WORKING, ("f.txt",))

    before_lines, after_lines = split_lines(before), split_lines(after)
    found = by_path(changes).get("f.txt")
    if found is None:
        assert before == after
        return
    assert found.after == after
    assert found.changed_lines is not None
    assert all(1 <= n <= len(after_lines) for n in found.changed_lines)
    assert all(1 <= n <= len(before_lines) for n in found.removed_lines)
    for n, line in enumerate(after_lines, start=1):
        assert n in found.changed_lines or line in before_lines
    for n, line in enumerate(before_lines, start=1):
        assert n in found.removed_lines or line in after_lines
    if before == after:
        assert found.changed_lines == nums() and found.removed_lines == nums()
