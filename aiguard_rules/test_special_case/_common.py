"""What the AIG3xx Python and JS/TS rules share: configuration files, messages,
branch facts."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiguard_rules.test_special_case._answers import (
    Expectation,
    Index,
    Key,
    show,
)

if TYPE_CHECKING:
    pass


# -- which files are configuration --------------------------------------------------------------

_CONFIG_DIRS = frozenset({"settings", "config", "configs", "conf", "configuration", "environments"})
_CONFIG_STEMS = frozenset(
    {
        "settings",
        "config",
        "conf",
        "configuration",
        "env",
        "environment",
        "manage",
        "setup",
        "noxfile",
    }
)
_CONFIG_SUFFIXES = ("settings", "config", "configuration", "_conf", "_env")


def is_config_module(path: str) -> bool:
    """A module whose path says it holds settings: explicit test settings are its job."""
    parts = path.lower().split("/")
    stem = posixpath.splitext(parts[-1])[0].lstrip(".")
    if any(p in _CONFIG_DIRS for p in parts[:-1]):
        return True
    return stem in _CONFIG_STEMS or stem.endswith(_CONFIG_SUFFIXES) or stem.startswith("settings")


TEST_SETTINGS = frozenset(
    {
        "TESTING",
        "TEST",
        "TESTS",
        "TEST_MODE",
        "TESTING_MODE",
        "IS_TEST",
        "IS_TESTING",
        "IN_TEST",
        "IN_TESTS",
        "RUNNING_TESTS",
        "UNDER_TEST",
    }
)
TEST_VALUES = frozenset({"test", "testing", "tests"})


DIFFERS = "it behaves differently under test"


# -- AIG303 / AIG304: hardcoded answers ---------------------------------------------------------

# Inputs that are base cases, not answers: `if n == 0: return 1` is how factorial starts.
_TRIVIAL_INPUTS = frozenset(
    {
        ("null",),
        ("undefined",),
        ("bool", True),
        ("bool", False),
        ("str", ""),
        ("num", 0.0),
        ("num", 1.0),
        ("num", -1.0),
        ("num", 2.0),
        ("list",),
        ("tuple",),
    }
)
# Comparing one parameter with this many literals is a lookup table, not a special case.
_LOOKUP_TABLE_SIZE = 3


@dataclass(frozen=True)
class Branch:
    """`if p == IN [and q == IN2]: return OUT`, found in one function."""

    # The condition, and the literal it produces: libcst nodes (AIG303) or tree-sitter nodes
    # (AIG304). The finding goes on the condition, or on the literal when only that changed.
    node: Any
    output_node: Any
    conditions: tuple[tuple[str, Key], ...]
    output: Key
    general: bool  # the branch itself has a computed alternative (a ternary's else)


@dataclass
class FunctionFacts:
    name: str
    positions: dict[str, int | None]
    branches: list[Branch] = field(default_factory=list)
    compared: dict[str, set[Key]] = field(default_factory=dict)
    computes: bool = False  # returns something other than a literal somewhere

    def note_comparison(self, param: str, key: Key) -> None:
        self.compared.setdefault(param, set()).add(key)

    def hardcoded(self, index: Index) -> Iterator[tuple[Branch, Expectation]]:
        """The branches whose exact (input, output) pair a test of the repository asserts."""
        expectations = index.get(self.name)
        for branch in self.branches:
            if not (branch.general or self.computes):
                continue
            if any(
                len(self.compared.get(p, ())) >= _LOOKUP_TABLE_SIZE for p, _ in branch.conditions
            ):
                continue
            if all(key in _TRIVIAL_INPUTS for _, key in branch.conditions):
                continue
            for expectation in expectations:
                if expectation.expected == branch.output and all(
                    expectation.argument(self.positions.get(p), p) == key
                    for p, key in branch.conditions
                ):
                    yield branch, expectation
                    break

    def candidates(self) -> bool:
        return any(
            not all(key in _TRIVIAL_INPUTS for _, key in b.conditions)
            and (b.general or self.computes)
            for b in self.branches
        )


def hardcoded_message(
    name: str, branch: Branch, expectation: Expectation, *, js: bool = False
) -> str:
    equals = " === " if js else " == "
    condition = " and ".join(f"{p}{equals}{show(k, js=js)}" for p, k in branch.conditions)
    return (
        f"{name}() returns the literal {show(branch.output, js=js)} when {condition}: exactly the "
        "answer "
        f"the test at {expectation.where} expects - a hardcoded answer, not an implementation"
    )
