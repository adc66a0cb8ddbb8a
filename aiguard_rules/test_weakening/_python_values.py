"""Small libcst predicates of the Python test reader: literals, constants, markers, arguments."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

import libcst as cst

# -- pure helpers over libcst nodes -------------------------------------------------------


def dotted_of(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_of(node.value)}.{node.attr.value}"
    return ""


def nested_small_statements(stmt: cst.If | cst.Try) -> list[cst.BaseSmallStatement]:
    """The simple statements one level inside an `if` or `try` (optional imports live there)."""
    blocks: list[cst.BaseSuite] = [stmt.body]
    if isinstance(stmt, cst.Try):
        blocks.extend(h.body for h in stmt.handlers)
    if stmt.orelse is not None:
        blocks.append(
            stmt.orelse.body if isinstance(stmt.orelse, (cst.Else, cst.If)) else stmt.orelse
        )
    found: list[cst.BaseSmallStatement] = []
    for block in blocks:
        if isinstance(block, cst.IndentedBlock):
            for line in block.body:
                if isinstance(line, cst.SimpleStatementLine):
                    found.extend(line.body)
        elif isinstance(block, cst.SimpleStatementSuite):
            found.extend(block.body)
    return found


def body_empty(body: cst.BaseSuite) -> bool:
    """Whether a body does nothing: only a docstring, `pass` or `...`."""
    if isinstance(body, cst.SimpleStatementSuite):
        return all(_does_nothing(s) for s in body.body)
    for stmt in body.body:
        smalls = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else [stmt]
        if not all(_does_nothing(s) for s in smalls):
            return False
    return True


def _does_nothing(small: cst.CSTNode) -> bool:
    if isinstance(small, cst.Pass):
        return True
    return isinstance(small, cst.Expr) and isinstance(
        small.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)
    )


def case_count(call: cst.Call) -> int | None:
    values = _arg(call, 1, "argvalues")
    if isinstance(values, (cst.List, cst.Tuple)) and not any(
        isinstance(e, cst.StarredElement) for e in values.elements
    ):
        return len(values.elements)
    return None


def _arg(call: cst.Call, index: int, keyword: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    return positional[index] if index < len(positional) else None


def first_arg(call: cst.Call, keyword: str) -> cst.BaseExpression | None:
    return _arg(call, 0, keyword)


def mark_problem(name: str, call: cst.Call | None, written: str) -> str:
    """Why a pytest mark or unittest decorator stops a test from failing; "" when it does not.

    A conditional skip with a reason (platform, version, optional dependency) is how a test
    says it cannot run here, not a way to hide a failure.
    """
    if name in ("pytest.mark.skip", "unittest.skip"):
        return f"`{written}` skips the test unconditionally: it can no longer fail"
    if name == "unittest.expectedFailure":
        return f"`{written}` turns the test's failure into a pass"
    if name in ("pytest.mark.xfail", "pytest.mark.skipif"):
        condition = first_arg(call, "condition") if call is not None else None
        what = "expects the test to fail" if name.endswith("xfail") else "skips the test"
        if condition is None:
            if name.endswith("xfail"):
                return f"`{written}` expects the test to fail: its failure no longer fails the run"
            return f"`{written}` without a condition skips the test unconditionally"
        if _always(condition):
            return f"`{written}` with an always-true condition {what} unconditionally"
        if call is not None and _arg(call, 99, "reason") is None:
            return f"`{written}` gives no reason=: say why the test cannot run here"
        return ""
    if name in ("unittest.skipIf", "unittest.skipUnless") and call is not None:
        condition = first_arg(call, "condition")
        if condition is None:
            return ""
        if (name.endswith("If") and _always(condition)) or (
            name.endswith("Unless") and falsy_constant(condition)
        ):
            return f"`{written}` with a constant condition skips the test unconditionally"
    return ""


def _always(condition: cst.BaseExpression) -> bool:
    """A skipif/xfail condition that always holds. A string is pytest's condition expression."""
    if isinstance(condition, cst.SimpleString):
        text = _string_value(condition)
        return text is not None and text.strip() in ("True", "1")
    return truthy_constant(condition)


def _string_value(node: cst.SimpleString) -> str | None:
    try:
        value = node.evaluated_value
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def truthy_constant(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value == "True"
    if isinstance(node, cst.Ellipsis):
        return True
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
        number = number_of(node)
        return number is not None and number != 0
    if isinstance(node, cst.SimpleString):
        try:
            return bool(node.evaluated_value)
        except (ValueError, SyntaxError):
            return False
    if isinstance(node, (cst.Tuple, cst.List, cst.Set, cst.Dict)):
        return bool(node.elements)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        return falsy_constant(node.expression)
    return False


def falsy_constant(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value in ("False", "None")
    if isinstance(node, (cst.Integer, cst.Float)):
        return number_of(node) == 0
    if isinstance(node, cst.SimpleString):
        try:
            return not node.evaluated_value
        except (ValueError, SyntaxError):
            return False
    if isinstance(node, (cst.Tuple, cst.List, cst.Dict)):
        return not node.elements
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        return truthy_constant(node.expression)
    return False


def passes_self(call: cst.Call) -> bool:
    return any(isinstance(a.value, cst.Name) and a.value.value == "self" for a in call.args)


def or_with_true(node: cst.BaseExpression) -> bool:
    """`x or True`: an `or` one of whose operands is a true constant."""
    return (
        isinstance(node, cst.BooleanOperation)
        and isinstance(node.operator, cst.Or)
        and any(truthy_constant(o) for o in _or_operands(node))
    )


def _signed(node: cst.UnaryOperation) -> bool:
    return isinstance(node.operator, (cst.Minus, cst.Plus))


def is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _or_operands(node: cst.BooleanOperation) -> list[cst.BaseExpression]:
    operands: list[cst.BaseExpression] = []
    for side in (node.left, node.right):
        if isinstance(side, cst.BooleanOperation) and isinstance(side.operator, cst.Or):
            operands.extend(_or_operands(side))
        else:
            operands.append(side)
    return operands


def is_literal(node: cst.BaseExpression) -> bool:
    """A value written out in full: numbers, strings, True/False/None, displays of those."""
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString)):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return is_literal(node.left) and is_literal(node.right)
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return is_literal(node.expression)
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return all(isinstance(e, cst.Element) and is_literal(e.value) for e in node.elements)
    if isinstance(node, cst.Dict):
        return all(
            isinstance(e, cst.DictElement) and is_literal(e.key) and is_literal(e.value)
            for e in node.elements
        )
    return False


def is_plain(node: cst.BaseExpression) -> bool:
    """A value read without calling anything: a name, an attribute, a constant subscript."""
    if isinstance(node, cst.Name) or is_literal(node):
        return True
    if isinstance(node, cst.Attribute):
        return is_plain(node.value)
    if isinstance(node, cst.Subscript):
        return is_plain(node.value) and all(
            isinstance(s.slice, cst.Index) and is_literal(s.slice.value) for s in node.slice
        )
    return False


def assigned_literal(previous: cst.BaseSmallStatement | None, name: str, *, truthy: bool) -> bool:
    """Whether the statement just before set `name` to a literal (a truthy one, if asked)."""
    if not isinstance(previous, cst.Assign) or len(previous.targets) != 1:
        return False
    target = previous.targets[0].target
    if not (isinstance(target, cst.Name) and target.value == name):
        return False
    value = previous.value
    if truthy:
        return truthy_constant(value)
    if isinstance(value, (cst.List, cst.Tuple, cst.Set, cst.Dict, cst.FormattedString)):
        return True
    return is_literal(value) and not is_none(value)


_COMPARE: dict[type[cst.BaseCompOp], Callable[[Any, Any], Any]] = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.GreaterThan: operator.gt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThanEqual: operator.ge,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
}


def evaluate_literal_comparison(left: str, right: str, op: cst.BaseCompOp) -> bool | None:
    """The truth of a comparison of two literals (read with ast.literal_eval, never executed)."""
    compare = _COMPARE.get(type(op))
    if compare is None:
        return None
    try:
        result = compare(ast.literal_eval(left.strip()), ast.literal_eval(right.strip()))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return bool(result)


def number_of(node: cst.BaseExpression) -> float | None:
    """The value of a numeric literal expression (`1e-6`, `10 ** -3`, `1 / 1000`), else None."""
    try:
        if isinstance(node, (cst.Integer, cst.Float)):
            return float(ast.literal_eval(node.value))
        if isinstance(node, cst.UnaryOperation) and isinstance(
            node.operator, (cst.Minus, cst.Plus)
        ):
            inner = number_of(node.expression)
            if inner is None:
                return None
            return -inner if isinstance(node.operator, cst.Minus) else inner
        if isinstance(node, cst.BinaryOperation):
            left, right = number_of(node.left), number_of(node.right)
            if left is None or right is None:
                return None
            return _arithmetic(node.operator, left, right)
    except (ValueError, SyntaxError, ZeroDivisionError, OverflowError):
        return None
    return None


def _arithmetic(op: cst.BaseBinaryOp, left: float, right: float) -> float | None:
    if isinstance(op, cst.Add):
        return left + right
    if isinstance(op, cst.Subtract):
        return left - right
    if isinstance(op, cst.Multiply):
        return left * right
    if isinstance(op, cst.Divide):
        return left / right
    if isinstance(op, cst.Power) and abs(right) <= 400 and abs(left) <= 1e6:
        value = left**right
        return value if isinstance(value, float) else None
    return None
