"""libcst helpers shared by the stub and test-special-case rules.

libcst is imported inside the functions: importing a rule module must not load it.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst

# Literal node kinds worth evaluating (ast.literal_eval is safe, this only saves the work).
_LITERAL_NODES = frozenset(
    {
        "Integer",
        "Float",
        "Imaginary",
        "SimpleString",
        "ConcatenatedString",
        "Name",
        "UnaryOperation",
        "List",
        "Tuple",
        "Set",
        "Dict",
    }
)


def dotted_name(node: libcst.BaseExpression) -> str | None:
    """`a.b.c` for a chain of names and attributes, else None."""
    import libcst

    parts: list[str] = []
    current: libcst.BaseExpression = node
    while isinstance(current, libcst.Attribute):
        parts.append(current.attr.value)
        current = current.value
    if not isinstance(current, libcst.Name):
        return None
    parts.append(current.value)
    return ".".join(reversed(parts))


def string_value(node: libcst.BaseExpression) -> str | None:
    """The value of a (non-f, non-bytes) string literal, else None."""
    import libcst

    if isinstance(node, (libcst.SimpleString, libcst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def literal(module: libcst.Module, node: libcst.BaseExpression) -> tuple[bool, object]:
    """(True, value) when `node` is a plain literal: a number, string, constant or container."""
    if type(node).__name__ not in _LITERAL_NODES:
        return False, None
    try:
        return True, ast.literal_eval(module.code_for_node(node).strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def statements(body: libcst.BaseSuite) -> list[libcst.CSTNode]:
    """A block's statements, one-liners unpacked (`if x: a; b` gives a and b)."""
    import libcst

    found: list[libcst.CSTNode] = []
    if isinstance(body, libcst.SimpleStatementSuite):
        found.extend(body.body)
        return found
    for statement in body.body:
        if isinstance(statement, libcst.SimpleStatementLine):
            found.extend(statement.body)
        else:
            found.append(statement)
    return found


def is_docstring(node: libcst.CSTNode) -> bool:
    import libcst

    return isinstance(node, libcst.Expr) and isinstance(
        node.value, (libcst.SimpleString, libcst.ConcatenatedString)
    )


def decorator_names(decorators: Sequence[libcst.Decorator]) -> set[str]:
    """The last segment of each decorator's name: `@abc.abstractmethod` gives "abstractmethod"."""
    import libcst

    names = set()
    for decorator in decorators:
        target = decorator.decorator
        if isinstance(target, libcst.Call):
            target = target.func
        name = dotted_name(target)
        if name is not None:
            names.add(name.rsplit(".", 1)[-1])
    return names


def base_names(node: libcst.ClassDef) -> list[str]:
    """The last segment of each base class (`Generic[T]` and `Protocol[T]` unwrapped)."""
    import libcst

    names = []
    for arg in node.bases:
        value = arg.value
        if isinstance(value, libcst.Subscript):
            value = value.value
        name = dotted_name(value)
        if name is not None:
            names.append(name.rsplit(".", 1)[-1])
    return names


def metaclass_name(node: libcst.ClassDef) -> str | None:
    for arg in node.keywords:
        if arg.keyword is not None and arg.keyword.value == "metaclass":
            name = dotted_name(arg.value)
            return name.rsplit(".", 1)[-1] if name else None
    return None
