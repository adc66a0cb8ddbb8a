"""Small tree-sitter helpers shared by the JavaScript/TypeScript rules.

Everything here takes nodes the caller already has: tree_sitter itself is imported only inside
functions, so that importing a rule module never loads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tree_sitter

# The node types that open a new function scope (JavaScript and TypeScript grammars).
FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "generator_function_declaration",
        "generator_function",
        "arrow_function",
        "method_definition",
    }
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


class Undefined:
    """The JavaScript value `undefined` (distinct from `null`, which is None)."""

    def __repr__(self) -> str:
        return "undefined"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Undefined)

    def __hash__(self) -> int:
        return hash("undefined")


JsValue = str | float | bool | None | Undefined | tuple["JsValue", ...]


def text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "surrogatepass")


def walk_scope(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """The named nodes under `node` (not itself), depth first, in document order, without
    entering nested functions (their statements are not this scope's). For a look-up inside
    one function; a rule reads a whole file through aiguard.lint.walk_script."""
    stack = list(reversed(node.named_children))
    while stack:
        current = stack.pop()
        yield current
        if current.type not in FUNCTION_TYPES:
            stack.extend(reversed(current.named_children))


def unwrap(node: tree_sitter.Node) -> tree_sitter.Node:
    """The expression inside parentheses, `await`, TypeScript `as`/`!`/`satisfies` wrappers."""
    while (
        node.type
        in {
            "parenthesized_expression",
            "await_expression",
            "non_null_expression",
            "as_expression",
            "satisfies_expression",
        }
        and node.named_children
    ):
        node = node.named_children[0]
    return node


def string_value(node: tree_sitter.Node) -> str | None:
    """The value of a string literal or a template string without substitutions."""
    if node.type == "string":
        parts = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(text(child)))
            else:
                return None
        return "".join(parts)
    if node.type == "template_string":
        if any(c.type == "template_substitution" for c in node.named_children):
            return None
        raw = text(node)[1:-1]
        return re.sub(r"\\(.)", lambda m: _unescape(m.group(0)), raw)
    return None


def _unescape(escape: str) -> str:
    body = escape[1:]
    if body in _ESCAPES:
        return _ESCAPES[body]
    if body[:1] in "xu" and len(body) > 1:
        digits = body[1:].strip("{}")
        try:
            return chr(int(digits, 16))
        except ValueError:
            return escape
    return body


def number_value(raw: str) -> float | None:
    cleaned = raw.replace("_", "").lower()
    if cleaned.endswith("n"):  # BigInt
        cleaned = cleaned[:-1]
    try:
        if cleaned.startswith(("0x", "0o", "0b")):
            return float(int(cleaned, 0))
        return float(cleaned)
    except ValueError:
        return None


class _NotLiteral(Exception):
    """Raised inside `literal_value` when part of an expression is not a literal."""


def literal_value(node: tree_sitter.Node) -> tuple[bool, JsValue]:
    """(True, value) when `node` is a literal (a scalar or an array of them), else (False, None)."""
    try:
        return True, _literal(unwrap(node), depth=0)
    except _NotLiteral:
        return False, None


def _literal(node: tree_sitter.Node, depth: int) -> JsValue:
    if depth > 20:
        raise _NotLiteral
    kind = node.type
    if kind in {"string", "template_string"}:
        value = string_value(node)
        if value is None:
            raise _NotLiteral
        return value
    if kind == "number":
        number = number_value(text(node))
        if number is None:
            raise _NotLiteral
        return number
    if kind in {"true", "false"}:
        return kind == "true"
    if kind == "null":
        return None
    if kind == "undefined" or (kind == "identifier" and text(node) == "undefined"):
        return Undefined()
    if kind == "unary_expression":
        operator = node.child_by_field_name("operator")
        argument = node.child_by_field_name("argument")
        if operator is not None and argument is not None and text(operator) == "-":
            inner = _literal(unwrap(argument), depth + 1)
            if isinstance(inner, float):
                return -inner
        raise _NotLiteral
    if kind == "array":
        return tuple(
            _literal(unwrap(child), depth + 1)
            for child in node.named_children
            if child.type != "comment"
        )
    raise _NotLiteral


def function_name(node: tree_sitter.Node) -> str | None:
    """The name a function is known by: its own, or the variable or property it is bound to."""
    name = node.child_by_field_name("name")
    if name is not None:
        return text(name)
    parent = node.parent
    while parent is not None and parent.type in {"parenthesized_expression", "as_expression"}:
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
        return text(target) if target is not None and target.type == "identifier" else None
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return text(key).strip("\"'") if key is not None else None
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        if left is not None and left.type == "member_expression":
            prop = left.child_by_field_name("property")
            return text(prop) if prop is not None else None
        return text(left) if left is not None and left.type == "identifier" else None
    return None


def parameter_names(node: tree_sitter.Node) -> list[str | None]:
    """A function's positional parameters by name (None for a destructured or rest parameter)."""
    single = node.child_by_field_name("parameter")
    if single is not None:
        return [text(single) if single.type == "identifier" else None]
    params = node.child_by_field_name("parameters")
    if params is None:
        return []
    names: list[str | None] = []
    for param in params.named_children:
        if param.type == "comment":
            continue
        target = param
        if target.type in {"required_parameter", "optional_parameter"}:
            pattern = target.child_by_field_name("pattern")
            if pattern is not None and text(pattern) == "this":
                continue  # TypeScript's `this` parameter is not an argument
            target = pattern if pattern is not None else target
        if target.type == "assignment_pattern":
            left = target.child_by_field_name("left")
            target = left if left is not None else target
        names.append(text(target) if target.type == "identifier" else None)
    return names


def body_statements(node: tree_sitter.Node) -> list[tree_sitter.Node] | None:
    """The statements of a function's block body, comments left out; None for an expression."""
    body = node.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    return [child for child in body.named_children if child.type != "comment"]
