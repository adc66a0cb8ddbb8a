"""Reads one version of a Python test file into a `FileFacts` (imported only when a rule needs it).

One libcst traversal collects, per top-level function (a test, or a helper the tests call): its
assertions, the helpers it calls, the skips, tautologies, broad `raises` and tolerances it holds.
Names are resolved through the file's imports, so `from pytest import approx` and
`import numpy as np` are understood; nothing is imported from the scanned project.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from aiguard.lint.walk_python import visit_batched
from aiguard.source import Source
from aiguard_rules.test_weakening._model import (
    EQUALITY_TEST_NAME,
    HELPER_PREFIXES,
    Bound,
    Case,
    FileFacts,
    Marker,
    Target,
    Tolerance,
    display,
    squash,
)
from aiguard_rules.test_weakening._python_values import (
    assigned_literal,
    body_empty,
    case_count,
    dotted_of,
    evaluate_literal_comparison,
    falsy_constant,
    first_arg,
    is_literal,
    is_none,
    is_plain,
    mark_problem,
    nested_small_statements,
    number_of,
    or_with_true,
    passes_self,
    truthy_constant,
)

SKIP_CALLS = {"pytest.skip": "pytest.skip()", "pytest.xfail": "pytest.xfail()"}
ASSERTION_CALLS = frozenset(
    {"pytest.raises", "pytest.warns", "pytest.deprecated_call", "pytest.fail", "self.fail"}
)
SKIP_EXCEPTIONS = frozenset({"unittest.SkipTest", "pytest.skip.Exception", "SkipTest"})
BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException", "builtins.Exception"})
# unittest.TestCase methods that do not assert: a call to an unknown `self.x()` may be an
# assertion helper inherited from a project base class, these never are.
PLAIN_TESTCASE_METHODS = frozenset(
    {
        "addCleanup",
        "subTest",
        "setUp",
        "tearDown",
        "skipTest",
        "enterContext",
        "id",
        "run",
        "debug",
        "doCleanups",
        "shortDescription",
        "addTypeEqualityFunc",
        "countTestCases",
        "asyncSetUp",
        "asyncTearDown",
        "addAsyncCleanup",
        "enterAsyncContext",
    }
)
SAME_OPERAND_ASSERTS = frozenset(
    {
        "assertEqual",
        "assertEquals",
        "assertIs",
        "assertAlmostEqual",
        "assertAlmostEquals",
        "assertCountEqual",
        "assertListEqual",
        "assertDictEqual",
        "assertSetEqual",
        "assertSequenceEqual",
        "assertTupleEqual",
        "assertMultiLineEqual",
        "assertLessEqual",
        "assertGreaterEqual",
    }
)
REFLEXIVE_OPERATORS = (cst.Equal, cst.Is, cst.LessThanEqual, cst.GreaterThanEqual)


@dataclass(frozen=True)
class ToleranceSpec:
    """How a tolerant function takes its tolerances: parameter -> (bound, positional index).

    `defaults` are the bounds when a parameter is absent; `digits` parameters count decimal
    places (a distance of 10**-n); `abs_only` names the parameter that, given alone, turns the
    relative bound off (pytest.approx).
    """

    params: dict[str, tuple[str, int]]
    defaults: dict[str, tuple[float, str]]
    digits: frozenset[str] = frozenset()
    subject_args: int = 2
    abs_only: str | None = None


_REL_ABS = {"rtol": ("rel", 2), "atol": ("abs", 3)}
TOLERANCES = {
    "pytest.approx": ToleranceSpec(
        {"rel": ("rel", 1), "abs": ("abs", 2)},
        {"rel": (1e-6, "rel=1e-6"), "abs": (1e-12, "abs=1e-12")},
        subject_args=1,
        abs_only="abs",
    ),
    "math.isclose": ToleranceSpec(
        {"rel_tol": ("rel", -1), "abs_tol": ("abs", -1)},
        {"rel": (1e-9, "rel_tol=1e-9"), "abs": (0.0, "abs_tol=0")},
    ),
    "numpy.isclose": ToleranceSpec(
        _REL_ABS, {"rel": (1e-5, "rtol=1e-5"), "abs": (1e-8, "atol=1e-8")}
    ),
    "numpy.allclose": ToleranceSpec(
        _REL_ABS, {"rel": (1e-5, "rtol=1e-5"), "abs": (1e-8, "atol=1e-8")}
    ),
    "numpy.testing.assert_allclose": ToleranceSpec(
        _REL_ABS, {"rel": (1e-7, "rtol=1e-7"), "abs": (0.0, "atol=0")}
    ),
    "numpy.testing.assert_almost_equal": ToleranceSpec(
        {"decimal": ("abs", 2)}, {"abs": (1e-7, "decimal=7")}, digits=frozenset({"decimal"})
    ),
    "numpy.testing.assert_array_almost_equal": ToleranceSpec(
        {"decimal": ("abs", 2)}, {"abs": (1e-6, "decimal=6")}, digits=frozenset({"decimal"})
    ),
    "self.assertAlmostEqual": ToleranceSpec(
        {"places": ("abs", 2), "delta": ("abs", 4)},
        {"abs": (1e-7, "places=7")},
        digits=frozenset({"places"}),
    ),
}
TOLERANCES["self.assertAlmostEquals"] = TOLERANCES["self.assertAlmostEqual"]


@dataclass(frozen=True)
class Imported:
    """What an import bound a local name to: `module` (dotted), the `name` taken from it, if
    any, and the relative `level` (number of leading dots)."""

    module: str
    name: str | None
    level: int

    @property
    def qualified(self) -> str:
        dots = "." * self.level
        if self.name is None:
            return dots + self.module
        return f"{dots}{self.module}.{self.name}" if self.module else dots + self.name


def read_python(source: Source) -> FileFacts:
    """The tests, helpers and markers of one version of a Python file."""
    module = source.cst
    facts = FileFacts(source=source, locate=source.position, render=module.code_for_node)
    reader = _Reader(module, facts, source.path)
    # The read-only batched walk: libcst's own `module.visit` would rebuild every node.
    visit_batched(module, [reader])
    reader.finish()
    return facts


@dataclass
class _Frame:
    case: Case
    klass: str | None
    outer_conditional: int
    outer_loops: int
    names_used: dict[str, int] = field(default_factory=dict)
    pending_raises: list[tuple[str, Marker]] = field(default_factory=list)


class _Reader(cst.BatchableCSTVisitor):
    """One read-only walk over the module (aiguard.lint.walk_python). Only the outermost
    function of a nesting is a `Case`: the callbacks and closures inside a test belong to it."""

    def __init__(self, module: cst.Module, facts: FileFacts, path: str) -> None:
        super().__init__()
        self.module = module
        self.facts = facts
        self.path = path
        self.imports: dict[str, Imported] = {}
        self.constants: dict[str, tuple[cst.BaseExpression, cst.CSTNode]] = {}
        self.classes: list[str] = []
        self.class_methods: dict[str, set[str]] = {}
        self.frame: _Frame | None = None
        self.depth = 0  # functions nested inside the current frame's function
        self.conditional = 0  # enclosing if / except / conditional expression
        self.loops = 0
        self.previous: dict[int, cst.BaseSmallStatement | None] = {}
        self.expr_previous: dict[int, cst.BaseSmallStatement | None] = {}
        self.asnames: dict[int, str] = {}  # a `with` item's call -> its `as` name
        self.module_defs: set[str] = set()
        self._collect_module_facts(module)

    # -- module facts read before the walk ------------------------------------------------

    def _collect_module_facts(self, module: cst.Module) -> None:
        for stmt in module.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    self._note_import(small)
                    self._note_constant(small)
            elif isinstance(stmt, (cst.If, cst.Try)):
                for inner in nested_small_statements(stmt):
                    self._note_import(inner)
            elif isinstance(stmt, cst.FunctionDef):
                self.module_defs.add(stmt.name.value)
        self._collect_methods(module.body, [])

    def _collect_methods(self, body: Sequence[cst.BaseStatement], outer: list[str]) -> None:
        for stmt in body:
            if isinstance(stmt, cst.ClassDef):
                name = ".".join([*outer, stmt.name.value])
                methods = self.class_methods.setdefault(name, set())
                inner = stmt.body.body if isinstance(stmt.body, cst.IndentedBlock) else ()
                for member in inner:
                    if isinstance(member, cst.FunctionDef):
                        methods.add(member.name.value)
                self._collect_methods(
                    [s for s in inner if isinstance(s, cst.BaseStatement)],
                    [*outer, stmt.name.value],
                )

    def _note_import(self, small: cst.CSTNode) -> None:
        if isinstance(small, cst.Import):
            for alias in small.names:
                dotted = dotted_of(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.imports[alias.asname.name.value] = Imported(dotted, None, 0)
                else:
                    top = dotted.split(".")[0]
                    self.imports[top] = Imported(top, None, 0)
        elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            module = dotted_of(small.module) if small.module is not None else ""
            for alias in small.names:
                name = dotted_of(alias.name)
                local = name
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    local = alias.asname.name.value
                self.imports[local] = Imported(module, name, len(small.relative))

    def _note_constant(self, small: cst.CSTNode) -> None:
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
        ):
            self.constants[small.targets[0].target.value] = (small.value, small)
        elif (
            isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value
        ):
            self.constants[small.target.value] = (small.value, small)

    # -- names ----------------------------------------------------------------------------

    def qualname(self, node: cst.BaseExpression) -> str | None:
        """`np.testing.assert_allclose` -> `numpy.testing.assert_allclose`, through the imports."""
        if isinstance(node, cst.Name):
            imported = self.imports.get(node.value)
            return imported.qualified if imported is not None else node.value
        if isinstance(node, cst.Attribute):
            base = self.qualname(node.value)
            return None if base is None else f"{base}.{node.attr.value}"
        return None

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def shown(self, node: cst.CSTNode) -> str:
        return display(self.code(node))

    def key(self, node: cst.CSTNode) -> str:
        return squash(self.code(node))

    @property
    def scope(self) -> str:
        if self.frame is not None:
            return self.frame.case.name
        return ".".join(self.classes)

    # -- structure ------------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.frame is None:
            self.classes.append(node.name.value)
            for decorator in node.decorators:
                self._check_mark(decorator.decorator)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if self.frame is None:
            self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.frame is not None:
            self.depth += 1
            return
        name = ".".join([*self.classes, node.name.value])
        case = Case(
            name=name,
            anchor=node.name,
            node=node,
            first_anchor=node.decorators[0] if node.decorators else node,
            is_test=node.name.value.startswith("test"),
            body_node=node.body,
            uses_benchmark=any(p.name.value == "benchmark" for p in node.params.params),
        )
        case.empty = body_empty(node.body)
        self.facts.functions[name] = case
        self.frame = _Frame(case, ".".join(self.classes) or None, self.conditional, self.loops)
        self.conditional = 0
        self.loops = 0
        for decorator in node.decorators:
            self._read_decorator(decorator.decorator, case)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self.depth:
            self.depth -= 1
            return
        frame = self.frame
        if frame is None:
            return
        for asname, marker in frame.pending_raises:
            if frame.names_used.get(asname, 0) <= 1:  # only the `as` target: never inspected
                self.facts.markers.append(marker)
        self.conditional, self.loops = frame.outer_conditional, frame.outer_loops
        self.frame = None

    def visit_Import(self, node: cst.Import) -> None:
        if self.frame is not None:  # a test's own import: `from shop.cart import total`
            self._note_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if self.frame is not None:
            self._note_import(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._link_statements(node.body)

    def visit_Module(self, node: cst.Module) -> None:
        self._link_statements(node.body)

    def _link_statements(self, body: Sequence[cst.BaseStatement]) -> None:
        """Remember each small statement's predecessor (for `x = 1; assert x is not None`)."""
        previous: cst.BaseSmallStatement | None = None
        for stmt in body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                previous = None
                continue
            for small in stmt.body:
                self.previous[id(small)] = previous
                previous = small

    def visit_Name(self, node: cst.Name) -> None:
        if self.frame is not None:
            used = self.frame.names_used
            used[node.value] = used.get(node.value, 0) + 1

    # -- conditions and loops -------------------------------------------------------------

    def visit_If(self, node: cst.If) -> None:
        self.conditional += 1

    def leave_If(self, original_node: cst.If) -> None:
        self.conditional -= 1

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self.conditional += 1

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        self.conditional -= 1

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self.conditional += 1

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self.conditional -= 1

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self.conditional += 1

    def leave_BooleanOperation(self, original_node: cst.BooleanOperation) -> None:
        self.conditional -= 1

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        self.conditional += 1

    def leave_MatchCase(self, original_node: cst.MatchCase) -> None:
        self.conditional -= 1

    def visit_For(self, node: cst.For) -> None:
        self.loops += 1

    def leave_For(self, original_node: cst.For) -> None:
        self.loops -= 1

    def visit_While(self, node: cst.While) -> None:
        self.loops += 1

    def leave_While(self, original_node: cst.While) -> None:
        self.loops -= 1

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self.loops += 1

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self.loops -= 1

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self.loops += 1

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self.loops -= 1

    # -- statements -----------------------------------------------------------------------

    def visit_Assert(self, node: cst.Assert) -> None:
        self._count_assertion()
        problem = self._tautology(node.test, self.previous.get(id(node)))
        if problem:
            self._mark("tautology", node, problem)

    def visit_Raise(self, node: cst.Raise) -> None:
        exc = node.exc
        target = exc.func if isinstance(exc, cst.Call) else exc
        name = self.qualname(target) if target is not None else None
        if name in ("AssertionError", "builtins.AssertionError"):
            self._count_assertion()
        elif name in SKIP_EXCEPTIONS and not self.conditional:
            self._mark("skip", node, f"raises {name}: the test is skipped unconditionally")

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.frame is None and any(
            isinstance(t.target, cst.Name) and t.target.value == "pytestmark" for t in node.targets
        ):
            values = node.value.elements if isinstance(node.value, (cst.List, cst.Tuple)) else None
            for value in [e.value for e in values] if values is not None else [node.value]:
                self._check_mark(value, "pytestmark = ")

    def visit_Call(self, node: cst.Call) -> None:
        if self.frame is not None and self.frame.klass is not None and passes_self(node):
            # `Checker(test=self).run()`: the callee can assert through the test case.
            self.frame.case.unknown_helpers += 1
        name = self.qualname(node.func)
        if name is None:
            self._count_call_of_unknown(node)
            return
        if name == "pytest.param":
            self._check_param_marks(node)
        if name in SKIP_CALLS:
            if not self.conditional:
                what = SKIP_CALLS[name]
                self._mark(
                    "skip", node, f"{what} runs unconditionally: the test never checks anything"
                )
            return
        if name == "self.skipTest":
            if not self.conditional:
                self._mark(
                    "skip",
                    node,
                    "self.skipTest() runs unconditionally: the test never checks anything",
                )
            return
        if name in TOLERANCES:
            self._read_tolerance(name, node)
        if name in ("pytest.raises", "self.assertRaises"):
            self._check_raises(name, node)
        if name.startswith("self.") and name.count(".") == 1:
            self._check_unittest_call(name[5:], node)
        self._count_call(name, node)

    def visit_With(self, node: cst.With) -> None:
        if self.frame is None:
            return
        for item in node.items:
            call = item.item
            if not isinstance(call, cst.Call) or item.asname is None:
                continue
            if isinstance(item.asname.name, cst.Name):
                self.asnames[id(call)] = item.asname.name.value

    # -- assertions and calls -------------------------------------------------------------

    def _count_assertion(self) -> None:
        if self.frame is not None:
            self.frame.case.assertions += 1
            if self.loops:
                self.frame.case.looped = True

    def _count_call(self, name: str, node: cst.Call) -> None:
        frame = self.frame
        if frame is None:
            return
        last = name.rsplit(".", 1)[-1]
        if name in ASSERTION_CALLS or last.lower().startswith(HELPER_PREFIXES):
            self._count_assertion()
            return
        if isinstance(node.func, cst.Name) and node.func.value in self.module_defs:
            frame.case.local_calls.append(node.func.value)
            return
        if name.startswith("self.") and name.count(".") == 1 and frame.klass is not None:
            method = name[5:]
            owner = self._owner_of(frame.klass, method)
            if owner is not None:
                frame.case.local_calls.append(f"{owner}.{method}")
            elif method not in PLAIN_TESTCASE_METHODS:
                frame.case.unknown_helpers += 1
            return
        target = self._target(node.func)
        if target is not None:
            frame.case.targets.append(target)

    def _count_call_of_unknown(self, node: cst.Call) -> None:
        """A call through an expression (`obj.get().check()`): only its name says it asserts."""
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else None
        if last is not None and last.lower().startswith(HELPER_PREFIXES):
            self._count_assertion()

    def _owner_of(self, klass: str, method: str) -> str | None:
        parts = klass.split(".")
        while parts:
            candidate = ".".join(parts)
            if method in self.class_methods.get(candidate, set()):
                return candidate
            parts.pop()
        return None

    def _target(self, func: cst.BaseExpression) -> Target | None:
        """The project file a called name was imported from, if an import names one."""
        if isinstance(func, cst.Name):
            imported = self.imports.get(func.value)
            if imported is None or imported.name is None:
                return None
            return self._target_in(imported.module, imported.level, imported.name)
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            imported = self.imports.get(func.value.value)
            if imported is None:
                return None
            module = imported.module
            if imported.name is not None:
                module = f"{module}.{imported.name}" if module else imported.name
            return self._target_in(module, imported.level, func.attr.value)
        return None

    def _target_in(self, module: str, level: int, name: str) -> Target | None:
        parts = [p for p in module.split(".") if p]
        if level == 0:
            if not parts:
                return None
            stem = "/".join(parts)
            return Target(name, (f"{stem}.py", f"{stem}/__init__.py"), suffix=True)
        base = posixpath.dirname(self.path)
        for _ in range(level - 1):
            base = posixpath.dirname(base)
        stem = posixpath.join(base, *parts) if parts else base
        if not parts:
            return None
        return Target(name, (f"{stem}.py", f"{stem}/__init__.py"))

    # -- skips ----------------------------------------------------------------------------

    def _read_decorator(self, expr: cst.BaseExpression, case: Case) -> None:
        func = expr.func if isinstance(expr, cst.Call) else expr
        name = self.qualname(func)
        if name in ("pytest.fixture", "pytest.yield_fixture"):
            case.is_test = False  # a fixture named test_*: pytest never runs it as a test
            return
        if name == "pytest.mark.parametrize" and isinstance(expr, cst.Call):
            count = case_count(expr)
            case.cases = None if count is None or case.cases is None else case.cases * count
            return
        self._check_mark(expr)

    def _check_mark(self, expr: cst.BaseExpression, where: str = "@") -> None:
        """A pytest mark or unittest decorator that skips (or expects failure) for no reason.

        `where` is how the mark was applied: "@" (a decorator), "marks=", "pytestmark = ".
        """
        call = expr if isinstance(expr, cst.Call) else None
        name = self.qualname(call.func if call is not None else expr)
        if name is None:
            return
        written = where + self.shown(call.func if call is not None else expr)
        problem = mark_problem(name, call, written)
        if problem:
            self._mark("skip", expr, problem)

    def _check_param_marks(self, node: cst.Call) -> None:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "marks":
                value = arg.value
                elements = value.elements if isinstance(value, (cst.List, cst.Tuple)) else None
                for mark in [e.value for e in elements] if elements is not None else [value]:
                    self._check_mark(mark, "marks=")

    # -- tautologies ----------------------------------------------------------------------

    def _tautology(self, test: cst.BaseExpression, previous: cst.BaseSmallStatement | None) -> str:
        text = self.shown(test)
        if isinstance(test, cst.Tuple) and test.elements:
            return f"`assert {text}` asserts a non-empty tuple, which is always true"
        if truthy_constant(test):
            return f"`assert {text}` is always true"
        if or_with_true(test):
            return f"`assert {text}` is always true (an `or` with a true constant)"
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            return self._tautological_comparison(test, text, previous)
        if isinstance(test, cst.Name) and assigned_literal(previous, test.value, truthy=True):
            return f"`assert {text}` checks a value the test itself just set to a literal"
        return ""

    def _tautological_comparison(
        self, test: cst.Comparison, text: str, previous: cst.BaseSmallStatement | None
    ) -> str:
        target = test.comparisons[0]
        left, right, op = test.left, target.comparator, target.operator
        # `obj.cached is obj.cached` reads the attribute twice: a property may compute it each
        # time, so identity is what a caching test checks, not a tautology.
        rereads = isinstance(op, cst.Is) and isinstance(left, cst.Attribute)
        if isinstance(op, REFLEXIVE_OPERATORS) and not rereads and self._same_operand(left, right):
            return f"`assert {text}` compares a value with itself"
        if is_literal(left) and is_literal(right):
            value = evaluate_literal_comparison(self.code(left), self.code(right), op)
            if value is True:
                return f"`assert {text}` compares two constants and is always true"
        if (
            isinstance(op, cst.IsNot)
            and isinstance(right, cst.Name)
            and right.value == "None"
            and isinstance(left, cst.Name)
            and assigned_literal(previous, left.value, truthy=False)
        ):
            return f"`assert {text}` checks a value the test itself just set to a literal"
        return ""

    def _same_operand(self, left: cst.BaseExpression, right: cst.BaseExpression) -> bool:
        """The same plain value on both sides, in a test that is not about equality itself."""
        if not (is_plain(left) and is_plain(right)) or self.key(left) != self.key(right):
            return False
        if is_literal(left):
            return True
        scope = self.frame.case.name if self.frame is not None else ""
        return not EQUALITY_TEST_NAME.search(scope.rsplit(".", 1)[-1].removeprefix("test"))

    def _check_unittest_call(self, method: str, node: cst.Call) -> None:
        args = [a.value for a in node.args if a.keyword is None and not a.star]
        if args:
            problem = self._unittest_tautology(method, args, node)
            if problem:
                self._mark("tautology", node, problem)

    def _unittest_tautology(
        self, method: str, args: list[cst.BaseExpression], node: cst.Call
    ) -> str:
        text = self.shown(node)
        first = args[0]
        if method in ("assertTrue", "assert_") and (truthy_constant(first) or or_with_true(first)):
            return f"`{text}` is always true"
        if method == "assertFalse" and falsy_constant(first):
            return f"`{text}` is always true"
        if method in SAME_OPERAND_ASSERTS and len(args) >= 2 and self._same_operand(first, args[1]):
            return f"`{text}` compares a value with itself"
        if method == "assertIsNotNone":
            previous = self.expr_previous.get(id(node))
            if (is_literal(first) and not is_none(first)) or (
                isinstance(first, cst.Name)
                and assigned_literal(previous, first.value, truthy=False)
            ):
                return f"`{text}` checks a value the test itself just set to a literal"
        return ""

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.Call):
            self.expr_previous[id(node.value)] = self.previous.get(id(node))

    # -- broad expectations ---------------------------------------------------------------

    def _check_raises(self, name: str, node: cst.Call) -> None:
        if any(a.keyword is not None and a.keyword.value == "match" for a in node.args):
            return
        expected = first_arg(node, "expected_exception")
        if expected is None:
            return
        classes = (
            [e.value for e in expected.elements] if isinstance(expected, cst.Tuple) else [expected]
        )
        broad = [c for c in classes if self.qualname(c) in BROAD_EXCEPTIONS]
        if not broad:
            return
        what = "pytest.raises" if name == "pytest.raises" else "assertRaises"
        marker = Marker(
            kind="broad-raises",
            key=self.key(node),
            message=(
                f"`{what}({self.shown(expected)})` passes on any error, including the test's own "
                "bugs (a typo, a wrong argument)"
            ),
            anchor=node,
            scope=self.scope,
        )
        asname = self.asnames.get(id(node))
        if asname is not None and self.frame is not None:
            self.frame.pending_raises.append((asname, marker))
        else:
            self.facts.markers.append(marker)

    # -- tolerances -----------------------------------------------------------------------

    def _read_tolerance(self, name: str, node: cst.Call) -> None:
        spec = TOLERANCES[name]
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if any(a.star for a in node.args):
            return  # *args / **kwargs: the tolerances are not written here
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        given: dict[str, tuple[str, cst.BaseExpression]] = {}
        for param, (bound, index) in spec.params.items():
            value = keywords.get(param)
            if value is None and 0 <= index < len(positional):
                value = positional[index]
            if value is not None and not is_none(value):
                given[param] = (bound, value)
        bounds = {b: Bound(v, f"the default {text}") for b, (v, text) in spec.defaults.items()}
        if spec.abs_only is not None and set(given) == {spec.abs_only}:
            bounds["rel"] = Bound(0.0, "no rel (abs= given alone)")
        for param, (bound, value) in given.items():
            bounds[bound] = self._bound(param, value, digits=param in spec.digits)
        subject = ",".join(self.key(v) for v in positional[: spec.subject_args])
        self.facts.tolerances.append(Tolerance(name, subject, bounds, node, self.scope))

    def _bound(self, param: str, value: cst.BaseExpression, *, digits: bool) -> Bound:
        constant: str | None = None
        anchor: cst.CSTNode | None = None
        expr = value
        if isinstance(value, cst.Name) and value.value in self.constants:
            constant = value.value
            expr, anchor = self.constants[value.value]
        number = number_of(expr)
        if number is not None and digits:
            number = 10.0**-number if -300 < number < 300 else None
        return Bound(number, f"{param}={self.shown(value)}", constant, anchor)

    # -- reporting ------------------------------------------------------------------------

    def _mark(self, kind: str, node: cst.CSTNode, message: str) -> None:
        self.facts.markers.append(Marker(kind, self.key(node), message, node, self.scope))

    def finish(self) -> None:
        """Drop calls to names that turned out not to be this file's functions."""
        known = set(self.facts.functions)
        for case in self.facts.functions.values():
            case.local_calls = [c for c in case.local_calls if c in known]
