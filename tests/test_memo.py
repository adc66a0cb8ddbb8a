"""Typed memo keys: one key object per cached fact, compared by identity, families by part."""

from __future__ import annotations

from aiguard.config import Config
from aiguard.memo import Memo, MemoKey
from aiguard.project import Project
from aiguard.source import Source


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
