"""libcst helpers shared by the stub and test-special-case rules.

libcst is imported inside the functions: importing a rule module must not load it.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst

# Leaf literals, and the containers whose elements may be literals: only a node of this shape is
# turned back into code for ast.literal_eval (which is safe; this saves the work).
_LEAVES = frozenset({"Integer", "Float", "Imaginary", "SimpleString", "ConcatenatedString"})
_CONTAINERS = frozenset({"List", "Tuple", "Set"})
_CONSTANTS = frozenset({"None", "True", "False"})
_MAX_LITERAL_DEPTH = 20


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
    if not _literal_shape(node, 0):
        return False, None
    try:
        return True, ast.literal_eval(module.code_for_node(node).strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _literal_shape(node: libcst.CSTNode, depth: int) -> bool:
    """Cheap structural test run before generating any code: called on every return value."""
    import libcst

    kind = type(node).__name__
    if kind in _LEAVES:
        return True
    if isinstance(node, libcst.Name):
        return node.value in _CONSTANTS
    if isinstance(node, libcst.UnaryOperation):
        return isinstance(node.operator, (libcst.Minus, libcst.Plus)) and _literal_shape(
            node.expression, depth + 1
        )
    if depth > _MAX_LITERAL_DEPTH:
        return False
    if kind in _CONTAINERS and isinstance(node, (libcst.List, libcst.Tuple, libcst.Set)):
        return all(
            isinstance(e, libcst.Element) and _literal_shape(e.value, depth + 1)
            for e in node.elements
        )
    if isinstance(node, libcst.Dict):
        return all(
            isinstance(e, libcst.DictElement)
            and _literal_shape(e.key, depth + 1)
            and _literal_shape(e.value, depth + 1)
            for e in node.elements
        )
    return False


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


def comments_in(node: libcst.CSTNode) -> list[str]:
    """The comments inside `node` (its leading lines included), read from the tree: no positions."""
    import libcst
    import libcst.matchers as m

    return [c.value for c in m.findall(node, m.Comment()) if isinstance(c, libcst.Comment)]


def comments_above(node: libcst.CSTNode, module: libcst.Module) -> list[str]:
    """The block of comment lines right above a statement (its last leading lines).

    Above a module's first statement they are the module's header, not the statement's.
    """
    lines = list(getattr(node, "leading_lines", ()))
    if module.body and module.body[0] is node:
        lines = [*module.header, *lines]
    found: list[str] = []
    for line in reversed(lines):
        if line.comment is None:
            break
        found.append(line.comment.value)
    return found


def header_comments(body: libcst.BaseSuite) -> list[str]:
    """The comment after the colon of a compound statement (`with x:  # why`)."""
    import libcst

    comment = None
    if isinstance(body, libcst.IndentedBlock):
        comment = body.header.comment
    elif isinstance(body, libcst.SimpleStatementSuite):
        comment = body.trailing_whitespace.comment
    return [comment.value] if comment is not None else []


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
