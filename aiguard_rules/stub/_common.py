"""Helpers of the stub rules shared by their Python and JS/TS modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiguard_rules._shared import script_syntax as ts

if TYPE_CHECKING:
    pass


def is_placeholder_constant(value: object) -> bool:
    """None/null/undefined, a boolean, zero, an empty string or container: what a stub returns."""
    if value is None or isinstance(value, (bool, ts.Undefined)):
        return True
    if isinstance(value, (int, float)):
        return value == 0
    if isinstance(value, (str, bytes, list, tuple, dict, set)):
        return not value
    return False
