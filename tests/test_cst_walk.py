"""The read-only walk calls exactly what libcst.visit_batched calls, in the same order."""

from __future__ import annotations

import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hypothesmith
import libcst
import pytest
from hypothesis import HealthCheck, given, settings

from aiguard.lint.walk_python import visit_batched


class Recorder(libcst.BatchableCSTVisitor):
    """Records every visit/leave call (of nodes and attributes) the traversal makes."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, int]] = []

    def get_visitors(self) -> dict[str, Callable[[libcst.CSTNode], None]]:
        names = [n for n in dir(libcst) if isinstance(getattr(libcst, n), type)]
        node_types = [n for n in names if issubclass(getattr(libcst, n), libcst.CSTNode)]
        methods: dict[str, Callable[[libcst.CSTNode], None]] = {}
        for name in node_types:
            for prefix in ("visit", "leave"):
                methods[f"{prefix}_{name}"] = self._recorder(f"{prefix}_{name}")
                for attribute in getattr(getattr(libcst, name), "__dataclass_fields__", {}):
                    key = f"{prefix}_{name}_{attribute}"
                    methods[key] = self._recorder(key)
        return methods

    def _recorder(self, event: str) -> Callable[[libcst.CSTNode], None]:
        def record(node: libcst.CSTNode) -> None:
            self.events.append((event, id(node)))

        return record


def events(source: str, walker: Callable[[libcst.Module, list[Any]], Any]) -> list[tuple[str, int]]:
    module = libcst.parse_module(source)
    recorder = Recorder()
    walker(module, [recorder])
    return recorder.events


def same_as_libcst(source: str) -> None:
    ours = events(source, visit_batched)
    theirs = events(source, libcst.visit_batched)
    assert [e for e, _ in ours] == [e for e, _ in theirs]


STDLIB = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:25]
SAMPLES = [
    "from . import a\nfrom .b import (c as d, e)\nfrom f import *\n",
    "x = f'{a!r:>{width}} {b=}'\n",
    "@dec\nasync def f(a, /, b=1, *c, d, **e) -> int:\n    async with x as y:\n        yield\n",
    "match p:\n    case [1, *rest] if rest: pass\n    case {'k': v, **kw}: pass\n"
    "    case C(a=1) | D(): pass\n",
    "class A(B, metaclass=M):\n    x: int = 1\n    def f(self): return lambda q, *r: q[1:2, ...]\n",
    "try:\n    pass\nexcept* (E, F) as g:\n    raise X from y\nelse:\n    del a[0]\n"
    "finally:\n    global z\n",
]


@pytest.mark.parametrize("source", SAMPLES)
def test_same_events_as_libcst_on_samples(source: str) -> None:
    same_as_libcst(source)


@pytest.mark.parametrize("path", STDLIB, ids=[p.name for p in STDLIB])
def test_same_events_as_libcst_on_real_modules(path: Path) -> None:
    same_as_libcst(path.read_text(encoding="utf-8"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=hypothesmith.from_grammar())
def test_same_events_as_libcst_on_generated_code(source: str) -> None:
    try:
        libcst.parse_module(source)
    except libcst.ParserSyntaxError:
        return  # hypothesmith's grammar is looser than Python's
    same_as_libcst(source)


def test_deep_nesting_does_not_overflow_sooner_than_libcst() -> None:
    depth = sys.getrecursionlimit() // 20
    source = "x = " + "(" * depth + "1" + ")" * depth + "\n"
    same_as_libcst(source)
