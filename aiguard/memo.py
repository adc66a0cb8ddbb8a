"""Typed keys for the per-run caches of `Project.memo` and the per-file ones of `Source.memo`.

A cached fact is named by one `MemoKey[T]` object, defined once beside the code that computes
it (`_ANSWERS: MemoKey[Index] = MemoKey("test-special-case: Python test answers")`). Keys compare
by identity, so two rule packages can never collide on a name, and the key carries the type of
its value, so `project.memo(_ANSWERS, build)` is an `Index` to mypy. A family of facts (one
usage index per directory) is `key.at(part)`: equal to every other `at(part)` of that key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class MemoKey(Generic[T]):
    """Names one cached fact whose value is a `T`; `name` is only for people (reprs, errors)."""

    __slots__ = ("_family", "_part", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._family: MemoKey[T] = self
        self._part: Hashable = None

    def at(self, part: Hashable) -> MemoKey[T]:
        """The key of one member of this family of facts (`part`: a directory, a kind)."""
        key: MemoKey[T] = MemoKey(f"{self.name}[{part!r}]")
        key._family = self._family
        key._part = part
        return key

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, MemoKey)
            and other._family is self._family
            and other._part == self._part
        )

    def __hash__(self) -> int:
        return hash((id(self._family), self._part))

    def __repr__(self) -> str:
        return f"MemoKey({self.name!r})"


class Memo:
    """Values computed once, by key (what `Project.memo` and `Source.memo` keep)."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[MemoKey[Any], Any] = {}

    def get(self, key: MemoKey[T], factory: Callable[[], T]) -> T:
        if key not in self._values:
            self._values[key] = factory()
        value: T = self._values[key]
        return value

    def peek(self, key: MemoKey[T]) -> T | None:
        """The value if it was already computed, else None (nothing is computed)."""
        value: T | None = self._values.get(key)
        return value
