"""What the AIG5xx rules know about one version of a test file, whatever its language.

The Python (libcst) and JavaScript/TypeScript (tree-sitter) readers both produce a `FileFacts`;
the rules compare the before- and after-versions' `FileFacts`s by meaning (a test by its name, a
marker by its normalized text, a tolerance by its function and place) and never by line number.
Nodes are kept opaque (`anchor`) and turned into lines only when a rule reports, so reading the
before-version never pays for libcst's position metadata.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiguard.source import Source, Span

# Words in a test's name that say it checks equality semantics itself, where `x == x` is the point.
EQUALITY_TEST_NAME = re.compile(r"(?i)eq|equal|reflex|ident|compar|hash|same|symmetr")
# A helper whose name says it checks something counts as an assertion.
HELPER_PREFIXES = ("assert", "check", "verify", "expect")


@dataclass(frozen=True)
class Marker:
    """Something a rule may report: a skip, a focus, a tautology, a broad expectation.

    `key` is the marker's meaning as normalized text: a marker whose (scope, kind, key) the
    before-version already had is not new, wherever it now stands.
    """

    kind: str
    key: str
    message: str
    anchor: object
    scope: str


@dataclass(frozen=True)
class Bound:
    """One component of a tolerance: its value (None when it is not a literal) and its text."""

    value: float | None
    text: str
    # Where the value was written when it comes from a module constant (`TOL = 1e-3`).
    constant: str | None = None
    constant_anchor: object | None = None


@dataclass(frozen=True)
class Tolerance:
    """A tolerant comparison; every bound is a distance, so bigger means looser."""

    function: str
    subject: str  # the compared values' text: pairs a call with its before-version
    bounds: dict[str, Bound]
    anchor: object
    scope: str


@dataclass(frozen=True)
class Target:
    """A name a test calls that was imported from another file of the project.

    `paths` are the files the import may name: exact repo-relative paths, or, when `suffix` is
    set, path endings (`pkg/mod.py` also matches `src/pkg/mod.py`).
    """

    name: str
    paths: tuple[str, ...]
    suffix: bool = False


@dataclass
class Case:
    """One test function or test block (or, with `is_test` False, a helper function)."""

    name: str  # qualified: `Class.test_x`, `suite > case`
    anchor: object  # reported at: the def's name, the test call
    node: object  # the whole test, for its line range
    first_anchor: object  # its first line (a decorator, when it has one)
    is_test: bool = True
    assertions: int = 0  # direct assertions
    looped: bool = False  # an assertion runs in a loop
    cases: int | None = 1  # parametrized cases (None: not written as a literal list)
    empty: bool = False  # the body does nothing
    body_node: object | None = None  # its body, rendered on demand by `FileFacts.body`
    local_calls: list[str] = field(default_factory=list)  # helpers of this file it calls
    unknown_helpers: int = 0  # calls that may assert (inherited self.methods)
    targets: list[Target] = field(default_factory=list)
    specific_throws: int = 0  # toThrow(X) / raises(X) with a specific X
    uses_benchmark: bool = False
    # Its body is a function this file does not show (`it("x", sharedCheck)` of another file):
    # what it asserts is unknown, so no rule may say it lost or lacks assertions.
    opaque: bool = False


@dataclass
class FileFacts:
    """Every test, marker and tolerance of one version of one file."""

    source: Source
    locate: Callable[[Any], Span]
    render: Callable[[Any], str]  # a node's text
    functions: dict[str, Case] = field(default_factory=dict)
    markers: list[Marker] = field(default_factory=list)
    tolerances: list[Tolerance] = field(default_factory=list)
    _bodies: dict[str, str] = field(default_factory=dict)

    @property
    def tests(self) -> dict[str, Case]:
        return {name: case for name, case in self.functions.items() if case.is_test}

    def span(self, anchor: object) -> Span:
        return self.locate(anchor)

    def total_assertions(self, name: str) -> int:
        """A function's assertions, counting those of the helpers of this file it calls."""
        return self._weigh(name, frozenset())

    def _weigh(self, name: str, seen: frozenset[str]) -> int:
        case = self.functions.get(name)
        if case is None or name in seen:
            return 0
        seen = seen | {name}
        total = case.assertions + case.unknown_helpers
        for callee in case.local_calls:
            total += self._weigh(callee, seen)
        return total

    def body(self, case: Case) -> str:
        """A test's body without whitespace, to recognise it renamed or moved ("" if none).

        Rendered only when asked: most runs never compare bodies.
        """
        if case.body_node is None:
            return ""
        if case.name not in self._bodies:
            self._bodies[case.name] = squash(self.render(case.body_node))
        return self._bodies[case.name]


def new_markers(after: FileFacts, before: FileFacts | None, kinds: Iterable[str]) -> list[Marker]:
    """The after-version's markers of these kinds that the before-version did not have.

    Markers match by (scope, kind, key): a skip that only moved or was re-indented is not new.
    Then what is left matches without its reason text: a skip whose reason was reworded
    (`reason='flaky'` -> `reason='2025-10-07: flaky'`) is the same skip of the same test.
    """
    wanted = set(kinds)
    seen: Counter[tuple[str, str, str]] = Counter()
    if before is not None:
        seen.update((m.scope, m.kind, m.key) for m in before.markers if m.kind in wanted)
    exact_fresh = []
    for marker in after.markers:
        if marker.kind not in wanted:
            continue
        key = (marker.scope, marker.kind, marker.key)
        if seen[key] > 0:
            seen[key] -= 1
        else:
            exact_fresh.append(marker)
    reworded = Counter(
        (scope, kind, unquoted(key)) for (scope, kind, key), n in seen.items() for _ in range(n)
    )
    fresh = []
    for marker in exact_fresh:
        loose = (marker.scope, marker.kind, unquoted(marker.key))
        if reworded[loose] > 0:
            reworded[loose] -= 1
        else:
            fresh.append(marker)
    return fresh


_QUOTED = r"""[rbuf]{0,2}(?:'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*")"""
# A reason: `reason=` text, or the only argument (`pytest.skip("flaky")`, `@unittest.skip("x")`).
_REASON = re.compile(rf"(?<=reason=){_QUOTED}|(?<=\(){_QUOTED}(?=\))")


def unquoted(key: str) -> str:
    """A marker's key with its reason text emptied: what it does, not what it says."""
    return _REASON.sub("''", key)


def squash(text: str) -> str:
    """Code without its whitespace: a key that survives re-indenting and re-wrapping."""
    return "".join(text.split())


def display(text: str, limit: int = 80) -> str:
    """Code for a message: on one line, and shortened when long."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def format_number(value: float) -> str:
    return f"{value:g}"
