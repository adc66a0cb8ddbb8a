"""Reading fields of an agent's JSON event, with errors that name the field."""

from __future__ import annotations

from collections.abc import Mapping

from aiguard.errors import AiguardError


def section(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    """A nested object; an absent one reads as empty."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise AiguardError(f"the hook event's {key!r} is not an object")
    return value


def required_text(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise AiguardError(f"the hook event has no {key!r} (is this the right agent?)")
    return value


def optional_text(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise AiguardError(f"the hook event's {key!r} is not a string")
    return value


def flag(data: Mapping[str, object], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise AiguardError(f"the hook event's {key!r} is not true or false")
    return value


def number(data: Mapping[str, object], key: str) -> int:
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AiguardError(f"the hook event's {key!r} is not a whole number")
    return value
