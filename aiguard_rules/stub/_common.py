"""Helpers of the stub rules shared by their Python and JS/TS modules."""

from __future__ import annotations

import re

from aiguard_rules._shared import script_syntax as ts

# Releasing a resource: a failure there is usually harmless (it is already being let go).
# Matched against snake_case names; camelCase ones are split first (`closeAll` -> `close_all`).
_CLEANUP = re.compile(
    r"(?i)^_*(?:a?close|clean_?up|tear_?down|shut_?down|dispose|release|disconnect|terminate|"
    r"kill|stop|unlink|remove|rmtree|rm|rmdir|unregister|unsubscribe|unmount|abort|"
    r"finali[sz]e|cancel|destroy|__a?exit__)(?:_|$)"
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Names of functions that do nothing on purpose, and of classes that stand in for a real one.
NO_OP_NAMES = re.compile(r"^_*(?:noop|no_op|nop|do_nothing|ignore|null_\w+)_*$", re.IGNORECASE)
STAND_IN_CLASSES = re.compile(
    r"(?:^_*|[a-z0-9_])(?:Null|Noop|NoOp|Nop|Fake|Dummy|Stub|Mock|ReadOnly|Disabled|Silent|Dont)"
    r"(?:[A-Z0-9_]|$)|^_*No[A-Z]"
)
CLEANUP_NOTE = " (in clean-up code, where that is usually harmless: say why in a comment)"


def is_cleanup_name(name: str) -> bool:
    """A function or method that releases something: `close`, `tear_down`, `unlinkSync`."""
    return bool(_CLEANUP.match(_CAMEL.sub("_", name)))


def is_placeholder_constant(value: object) -> bool:
    """None/null/undefined, a boolean, zero, an empty string or container: what a stub returns."""
    if value is None or isinstance(value, (bool, ts.Undefined)):
        return True
    if isinstance(value, (int, float)):
        return value == 0
    if isinstance(value, (str, bytes, list, tuple, dict, set)):
        return not value
    return False
