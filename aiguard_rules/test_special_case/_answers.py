"""The answers the repository's tests expect: `f(LITERALS) -> LITERAL` pairs, read once per run.

The hardcoded-answer rules (AIG303, AIG304) compare a production branch `if n == 7: return 5040`
with these pairs. Python tests are read with `ast` (cheap, no positions needed); JavaScript and
TypeScript tests with tree-sitter. Only exact literal pairs count: a test that computes its
input or its expectation tells nothing about a hardcoded literal.
"""

from __future__ import annotations

import ast
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiguard.memo import MemoKey
from aiguard.source import TREE_SITTER_LANGUAGES, Source, SourceError, language_of
from aiguard_rules._shared import script_syntax as ts

if TYPE_CHECKING:
    import tree_sitter

    from aiguard.project import Project

# A literal value made comparable across Python's `1 == 1.0` and kept apart from `True`.
Key = tuple[object, ...]
MAX_PARAMETRIZE_ROWS = 2000


@dataclass(frozen=True)
class Expectation:
    """One test's claim: `function(*args, **kwargs)` returns `expected`. None: not a literal."""

    function: str
    args: tuple[Key | None, ...]
    kwargs: tuple[tuple[str, Key | None], ...]
    expected: Key
    where: str  # "tests/test_x.py:12"

    def argument(self, position: int | None, name: str) -> Key | None:
        """The literal passed for a parameter (by position or by keyword), None if unknown."""
        if position is not None and position < len(self.args):
            return self.args[position]
        return dict(self.kwargs).get(name)


def python_key(value: object) -> Key | None:
    """A hashable, type-aware key for a Python literal; None for values tests cannot pin."""
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("num", float(value))
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, bytes):
        return ("bytes", value)
    if isinstance(value, (list, tuple)):
        items = [python_key(v) for v in value]
        if any(i is None for i in items):
            return None
        return ("list" if isinstance(value, list) else "tuple", *items)
    return None


def show(key: Key, *, js: bool = False) -> str:
    """A literal key back in source-like form (Python's, or JavaScript's), for messages."""
    kind = key[0]
    if kind == "null":
        return "null" if js else "None"
    if kind == "bool" and js:
        return "true" if key[1] else "false"
    if kind == "str" and js:
        return json.dumps(key[1], ensure_ascii=False)
    if kind == "undefined":
        return "undefined"
    if kind == "num":
        number = key[1]
        return (
            str(int(number)) if isinstance(number, float) and number.is_integer() else repr(number)
        )
    if kind in {"list", "tuple"}:
        return "[" + ", ".join(show(k, js=js) for k in key[1:] if isinstance(k, tuple)) + "]"
    return repr(key[1])


class Index:
    """The tests' literal expectations, by called function name, read lazily once per run.

    A query for a name parses only the test files whose text mentions it (each file at most
    once): a run that meets one candidate branch does not parse every test of a large repository.
    """

    def __init__(self, project: Project, python: bool) -> None:
        self._project = project
        self._python = python
        self._pending: dict[str, Source] = {}  # test files not read for answers yet
        self._found: dict[str, list[Expectation]] = {}
        self._texts_read = False

    def get(self, name: str) -> Sequence[Expectation]:
        if not self._texts_read:
            self._read_texts()
        for path in [p for p, source in self._pending.items() if name in source.text]:
            source = self._pending.pop(path)
            found = _python_file(source) if self._python else _js_file(source)
            for expectation in found:
                self._found.setdefault(expectation.function, []).append(expectation)
        return self._found.get(name, ())

    def _read_texts(self) -> None:
        self._texts_read = True
        for path in self._project.files:
            language = language_of(path)
            wanted = language == "python" if self._python else language in TREE_SITTER_LANGUAGES
            if not wanted or path.endswith(".pyi") or not self._project.is_test(path):
                continue
            source = self._project.source(path)
            if source is not None:
                self._pending[path] = source


_PYTHON_ANSWERS: MemoKey[Index] = MemoKey("test-special-case: Python test answers")
_JS_ANSWERS: MemoKey[Index] = MemoKey("test-special-case: JS/TS test answers")


def python_index(project: Project) -> Index:
    """The literal expectations of the project's Python tests."""
    return project.memo(_PYTHON_ANSWERS, lambda: Index(project, python=True))


def js_index(project: Project) -> Index:
    """The literal expectations of the project's JavaScript/TypeScript tests."""
    return project.memo(_JS_ANSWERS, lambda: Index(project, python=False))


# -- Python tests -------------------------------------------------------------------------------

# A term of an assertion template: a literal, a parametrize name, or unknown (None).
_Term = tuple[str, Key] | tuple[str, str] | None


@dataclass(frozen=True)
class _Template:
    function: str
    args: tuple[_Term, ...]
    kwargs: tuple[tuple[str, _Term], ...]
    expected: _Term
    line: int


def _python_file(source: Source) -> list[Expectation]:
    path = source.path
    try:
        tree = source.python_ast
    except SourceError:
        # A test file that does not parse pins no answers; the file itself is reported as a
        # parse error when a change touches it.
        return []
    found: list[Expectation] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            rows = _parametrize_rows(node)
            for template in _templates(node):
                found.extend(_expand(template, rows, path))
    return found


def _templates(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[_Template]:
    """The assertions of one test function that pin a call's result."""
    params = {a.arg for a in function.args.args + function.args.kwonlyargs}
    results = _single_call_assignments(function)
    for node in ast.walk(function):
        if not isinstance(node, (ast.stmt, ast.expr)):
            continue
        pair = _assertion(node)
        if pair is None:
            continue
        subject, expected = pair
        if isinstance(subject, ast.Name) and subject.id in results:
            subject = results[subject.id]
        if not isinstance(subject, ast.Call):
            continue
        name = _callee(subject.func)
        if name is None or any(isinstance(a, ast.Starred) for a in subject.args):
            continue
        expected_term = _term(expected, params)
        if expected_term is None:
            continue
        args = tuple(_term(a, params) for a in subject.args)
        kwargs = tuple(
            (k.arg, _term(k.value, params)) for k in subject.keywords if k.arg is not None
        )
        yield _Template(name, args, kwargs, expected_term, node.lineno)


def _assertion(node: ast.AST) -> tuple[ast.expr, ast.expr] | None:
    """(subject, expected) of `assert s == e`, `assert s is e`, `assert s`, `assertEqual(s, e)`."""
    if isinstance(node, ast.Assert):
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            if isinstance(test.ops[0], (ast.Eq, ast.Is)):
                return _subject_first(test.left, test.comparators[0])
            return None
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return test.operand, ast.Constant(False)
        if isinstance(test, ast.Call):
            return test, ast.Constant(True)
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        method = node.func.attr
        if method in {"assertEqual", "assertEquals", "assertIs"} and len(node.args) >= 2:
            return _subject_first(node.args[0], node.args[1])
        if method in {"assertTrue", "assertFalse", "assertIsNone"} and node.args:
            constant = {"assertTrue": True, "assertFalse": False, "assertIsNone": None}[method]
            return node.args[0], ast.Constant(constant)
    return None


def _subject_first(first: ast.expr, second: ast.expr) -> tuple[ast.expr, ast.expr]:
    """(subject, expected): `assert 5040 == f(7)` is written both ways round."""
    if _python_literal(first) is not None and _python_literal(second) is None:
        return second, first
    return first, second


def _python_literal(node: ast.expr) -> Key | None:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return python_key(value)


def _term(node: ast.expr, params: set[str]) -> _Term:
    if isinstance(node, ast.Name) and node.id in params:
        return ("param", node.id)
    key = _python_literal(node)
    return ("lit", key) if key is not None else None


def _callee(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _single_call_assignments(function: ast.AST) -> dict[str, ast.Call]:
    """`result = f(7)` bindings of names assigned exactly once in the function."""
    calls: dict[str, ast.Call] = {}
    counts: dict[str, int] = {}
    for node in ast.walk(function):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                counts[target.id] = counts.get(target.id, 0) + 1
                value = getattr(node, "value", None)
                if isinstance(node, ast.Assign) and isinstance(value, ast.Call):
                    calls[target.id] = value
    return {name: call for name, call in calls.items() if counts.get(name) == 1}


def _parametrize_rows(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
) -> list[dict[str, Key | None]]:
    """The bindings `@pytest.mark.parametrize` decorators give the test (their product)."""
    tables: list[list[dict[str, Key | None]]] = []
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and _callee(decorator.func) == "parametrize"):
            continue
        if len(decorator.args) < 2:
            continue
        names = _argnames(decorator.args[0])
        values = decorator.args[1]
        if not names or not isinstance(values, (ast.List, ast.Tuple)):
            continue
        table = []
        for row in values.elts:
            if isinstance(row, ast.Call) and _callee(row.func) == "param":
                items = list(row.args)
            elif len(names) == 1:
                items = [row]
            elif isinstance(row, (ast.Tuple, ast.List)):
                items = list(row.elts)
            else:
                continue
            if len(items) == len(names):
                table.append({n: _python_literal(v) for n, v in zip(names, items, strict=True)})
        tables.append(table)
    if not tables:
        return [{}]
    rows = []
    for combination in itertools.islice(itertools.product(*tables), MAX_PARAMETRIZE_ROWS):
        merged: dict[str, Key | None] = {}
        for part in combination:
            merged.update(part)
        rows.append(merged)
    return rows


def _argnames(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [n.strip() for n in node.value.split(",") if n.strip()]
    if isinstance(node, (ast.List, ast.Tuple)):
        names = [
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
        return names if len(names) == len(node.elts) else []
    return []


def _expand(
    template: _Template, rows: Iterable[Mapping[str, Key | None]], path: str
) -> Iterator[Expectation]:
    for row in rows:
        expected = _resolve(template.expected, row)
        if expected is None:
            continue
        yield Expectation(
            function=template.function,
            args=tuple(_resolve(a, row) for a in template.args),
            kwargs=tuple((k, _resolve(v, row)) for k, v in template.kwargs),
            expected=expected,
            where=f"{path}:{template.line}",
        )


def _resolve(term: _Term, row: Mapping[str, Key | None]) -> Key | None:
    if term is None:
        return None
    kind, value = term
    if kind == "lit":
        return value if isinstance(value, tuple) else None
    return row.get(value) if isinstance(value, str) else None


# -- JavaScript / TypeScript tests --------------------------------------------------------------

_MATCHERS = frozenset({"toBe", "toEqual", "toStrictEqual", "equal", "equals", "eql"})
_NULLARY_MATCHERS = {
    "toBeNull": ("null",),
    "toBeUndefined": ("undefined",),
    "toBeTrue": ("bool", True),
    "toBeFalse": ("bool", False),
}
_ASSERT_METHODS = frozenset({"equal", "strictEqual", "deepEqual", "deepStrictEqual"})


def js_key(value: object) -> Key | None:
    """The key of a JavaScript literal value (see _treesitter_helpers.literal_value)."""
    if value is None:
        return ("null",)
    if isinstance(value, ts.Undefined):
        return ("undefined",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, float):
        return ("num", value)
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, tuple):
        items = [js_key(v) for v in value]
        if any(i is None for i in items):
            return None
        return ("list", *items)
    return None


def _js_file(source: Source) -> list[Expectation]:
    path = source.path
    try:
        root = source.tree.root_node
    except SourceError:
        # As for Python: a test that does not parse pins no answers.
        return []
    from aiguard.lint.walk_script import nodes_of

    found: list[Expectation] = []
    for node in nodes_of(root, ("call_expression",)):
        pair = _js_assertion(node)
        if pair is None:
            continue
        scope = _enclosing_function(node)
        bindings = _js_each_rows(scope) if scope is not None else [{}]
        call = _js_resolve_result(pair[0], scope)
        if call is not None:
            where = f"{path}:{node.start_point[0] + 1}"
            found.extend(_js_expectations(call, pair[1], bindings, where))
    return found


def _js_assertion(call: tree_sitter.Node) -> tuple[tree_sitter.Node, Key | tree_sitter.Node] | None:
    """(subject, expected node or key) of `expect(s).toBe(e)`, `assert.equal(s, e)`..."""
    func = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if func is None or arguments is None or func.type != "member_expression":
        return None
    method_node = func.child_by_field_name("property")
    method = ts.text(method_node) if method_node is not None else ""
    args = [a for a in arguments.named_children if a.type != "comment"]
    receiver = func.child_by_field_name("object")
    if (
        receiver is not None
        and ts.text(receiver) == "assert"
        and method in _ASSERT_METHODS
        and len(args) >= 2
    ):
        return args[0], args[1]
    if method not in _MATCHERS and method not in _NULLARY_MATCHERS:
        return None
    subject = _expect_subject(receiver)
    if subject is None:
        return None
    if method in _NULLARY_MATCHERS:
        return (subject, _NULLARY_MATCHERS[method]) if not args else None
    return (subject, args[0]) if len(args) == 1 else None


def _expect_subject(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    """The argument of the `expect(x)` at the bottom of `expect(x).resolves.to.deep...`."""
    while node is not None and node.type == "member_expression":
        prop = node.child_by_field_name("property")
        if prop is not None and ts.text(prop) in {"not", "rejects"}:
            return None  # a negated or rejected expectation pins no answer
        node = node.child_by_field_name("object")
    if node is None or node.type != "call_expression":
        return None
    func = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if func is None or ts.text(func) != "expect" or arguments is None:
        return None
    args = [a for a in arguments.named_children if a.type != "comment"]
    return ts.unwrap(args[0]) if len(args) == 1 else None


def _enclosing_function(node: tree_sitter.Node) -> tree_sitter.Node | None:
    parent = node.parent
    while parent is not None and parent.type not in ts.FUNCTION_TYPES:
        parent = parent.parent
    return parent


def _js_resolve_result(
    subject: tree_sitter.Node, scope: tree_sitter.Node | None
) -> tree_sitter.Node | None:
    """The call whose result is asserted: the subject itself, or `const r = f(7)` before it."""
    subject = ts.unwrap(subject)
    if subject.type == "call_expression":
        return subject
    if subject.type != "identifier" or scope is None:
        return None
    name = ts.text(subject)
    bound = []
    for node in ts.walk_scope(scope):
        if node.type == "variable_declarator":
            target = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if target is not None and ts.text(target) == name:
                bound.append(ts.unwrap(value) if value is not None else None)
        elif node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            if left is not None and ts.text(left) == name:
                bound.append(None)
    if len(bound) == 1 and bound[0] is not None and bound[0].type == "call_expression":
        return bound[0]
    return None


def _js_each_rows(function: tree_sitter.Node) -> list[dict[str, Key | None]]:
    """Bindings from `test.each([[7, 5040]])("...", (n, expected) => ...)` around `function`."""
    arguments = function.parent
    call = arguments.parent if arguments is not None else None
    if (
        call is None
        or call.type != "call_expression"
        or arguments is None
        or arguments.type != "arguments"
    ):
        return [{}]
    each = call.child_by_field_name("function")
    if each is None or each.type != "call_expression":
        return [{}]
    each_func = each.child_by_field_name("function")
    each_args = each.child_by_field_name("arguments")
    if each_func is None or each_args is None or not ts.text(each_func).endswith(".each"):
        return [{}]
    tables = [a for a in each_args.named_children if a.type == "array"]
    names = ts.parameter_names(function)
    if len(tables) != 1:
        return [{}]
    rows: list[dict[str, Key | None]] = []
    for row in tables[0].named_children:
        if row.type != "array":
            items = [row]
        else:
            items = [c for c in row.named_children if c.type != "comment"]
        if len(items) != len(names):
            continue
        binding: dict[str, Key | None] = {}
        for name, item in zip(names, items, strict=True):
            if name is not None:
                ok, value = ts.literal_value(item)
                binding[name] = js_key(value) if ok else None
        rows.append(binding)
    return rows or [{}]


def _js_expectations(
    call: tree_sitter.Node,
    expected: Key | tree_sitter.Node,
    rows: list[dict[str, Key | None]],
    where: str,
) -> Iterator[Expectation]:
    func = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if func is None or arguments is None:
        return
    if func.type == "member_expression":
        prop = func.child_by_field_name("property")
        name = ts.text(prop) if prop is not None else ""
    elif func.type == "identifier":
        name = ts.text(func)
    else:
        return
    args = [a for a in arguments.named_children if a.type != "comment"]
    if not name or any(a.type == "spread_element" for a in args):
        return
    for row in rows:
        expected_key = expected if isinstance(expected, tuple) else _js_term(expected, row)
        if expected_key is None:
            continue
        yield Expectation(
            function=name,
            args=tuple(_js_term(a, row) for a in args),
            kwargs=(),
            expected=expected_key,
            where=where,
        )


def _js_term(node: tree_sitter.Node, row: Mapping[str, Key | None]) -> Key | None:
    node = ts.unwrap(node)
    if node.type == "identifier" and ts.text(node) in row:
        return row[ts.text(node)]
    ok, value = ts.literal_value(node)
    return js_key(value) if ok else None
