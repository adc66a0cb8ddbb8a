"""Typed memo keys: one key object per cached fact, compared by identity, families by part."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiguard.config import Config
from aiguard.memo import Memo, MemoKey
from aiguard.project import Project
from aiguard.source import Source, SourceError


def test_keys_with_the_same_name_are_different_facts() -> None:
    memo = Memo()
    first: MemoKey[int] = MemoKey("index")
    second: MemoKey[int] = MemoKey("index")
    assert memo.get(first, lambda: 1) == 1
    assert memo.get(second, lambda: 2) == 2
    assert memo.get(first, lambda: 3) == 1


def test_a_family_member_is_one_fact_per_part() -> None:
    memo = Memo()
    usage: MemoKey[list[str]] = MemoKey("usage")
    calls: list[str] = []

    def build(directory: str) -> list[str]:
        calls.append(directory)
        return [directory]

    assert memo.get(usage.at("web"), lambda: build("web")) == ["web"]
    assert memo.get(usage.at("web"), lambda: build("web")) == ["web"]
    assert memo.get(usage.at("api"), lambda: build("api")) == ["api"]
    assert calls == ["web", "api"]
    assert usage.at("web") == usage.at("web") and usage.at("web") != usage.at("api")
    assert usage.at("web") != MemoKey[list[str]]("usage").at("web")
    assert usage.at("web") != usage


def test_project_and_source_compute_each_fact_once() -> None:
    project = Project(None, Config(), overlay={"a.py": "x = 1\n"})
    key: MemoKey[object] = MemoKey("a fact")
    made = [object()]
    assert project.memo(key, made.pop) is project.memo(key, lambda: object())
    source = Source("a.py", "x = 1\n")
    assert source.cst is source.cst
    assert source.memo(key, lambda: 5) == 5
    assert source.memo(key, lambda: 6) == 5


def test_a_project_reads_and_parses_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("class A:\n    pass\n", encoding="utf-8")
    (tmp_path / "bad.py").write_text("def broken(:\n", encoding="utf-8")
    project = Project(tmp_path, Config(), in_git=False)
    source = project.source("a.py")
    assert source is not None and project.source("a.py") is source
    assert source.python_ast is source.python_ast
    # Read once per run: a later edit on disk is not seen, the first text stays shared.
    (tmp_path / "a.py").write_text("changed = 1\n", encoding="utf-8")
    assert project.read_text("a.py") == "class A:\n    pass\n"
    assert project.source("missing.py") is None and project.read_text("missing.py") is None
    bad = project.source("bad.py")
    assert bad is not None
    with pytest.raises(SourceError, match="syntax error at line 1"):
        _ = bad.python_ast
    # An overlay replaces what was read before.
    project.add_overlay({"a.py": "b = 2\n"})
    assert project.read_text("a.py") == "b = 2\n"
    assert project.source("a.py") is not source
