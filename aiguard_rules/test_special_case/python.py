"""AIG301 and AIG303, Python: test-runner detection and hardcoded test answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from aiguard.findings import Category, Severity
from aiguard.lint.rule import Example, FileContext, Flag, Pass, PythonRule, Scope
from aiguard_rules._shared.python_syntax import dotted_name, literal, statements, string_value
from aiguard_rules.test_special_case._answers import (
    Key,
    python_index,
    python_key,
)

if TYPE_CHECKING:
    import libcst
from aiguard_rules.test_special_case._common import (
    DIFFERS,
    TEST_SETTINGS,
    TEST_VALUES,
    Branch,
    FunctionFacts,
    hardcoded_message,
    is_config_module,
)

# -- AIG301: Python ------------------------------------------------------------------------------

_RUNNER_MODULES = frozenset({"pytest", "_pytest", "unittest", "nose", "nose2", "py.test"})
_ENV_GETTERS = frozenset(
    {"os.getenv", "getenv", "os.environ.get", "environ.get", "os.environ.setdefault"}
)
_ENV_MAPPINGS = frozenset({"os.environ", "environ"})
_FRAME_CALLS = frozenset(
    {
        "inspect.stack",
        "inspect.currentframe",
        "inspect.getouterframes",
        "inspect.trace",
        "sys._getframe",
        "_getframe",
        "traceback.extract_stack",
        "traceback.walk_stack",
        "traceback.format_stack",
    }
)
_STRING_METHODS = frozenset({"endswith", "startswith", "find", "index", "count", "__contains__"})
_STRING_TESTS = _STRING_METHODS | {"match", "search", "fullmatch", "fnmatch"}
_RUNNER_TEXT = re.compile(r"py\.?test|unittest|\bnose(?:tests|2)?\b", re.IGNORECASE)
_TESTISH_TEXT = re.compile(
    r"py\.?test|unittest|conftest|(?:^|[/\\._])tests?(?:$|[/\\._])", re.IGNORECASE
)


def _loaded_message(module: str | None) -> str:
    return f"production code checks whether {module} is loaded: {DIFFERS}"


# Set by pytest (and pytest-xdist) while tests run. Other PYTEST_* variables (PYTEST_ADDOPTS,
# PYTEST_PLUGINS, PYTEST_THEME...) configure pytest itself; reading them detects nothing.
_RUNNER_VARIABLES = frozenset(
    {
        "PYTEST_CURRENT_TEST",
        "PYTEST_VERSION",
        "PYTEST_XDIST_WORKER",
        "PYTEST_XDIST_WORKER_COUNT",
        "PYTEST_XDIST_TESTRUNUID",
    }
)
_TEST_TOOLING = frozenset({"pytest", "_pytest"})


def _env_kind(name: str) -> str | None:
    """ "runner" for variables a test runner sets, "setting" for explicit test switches."""
    upper = name.upper()
    if upper in _RUNNER_VARIABLES:
        return "runner"
    if upper.startswith("UNITTEST_") or upper in TEST_SETTINGS:
        return "setting"
    return None


@dataclass
class _FrameScope:
    """The frame-inspection calls of one function (or the module), judged when it ends."""

    node: libcst.CSTNode
    calls: list[libcst.Call] = field(default_factory=list)


class PythonTestRunnerDetection(PythonRule):
    id = "AIG301"
    name = "test-runner-detection"
    category = Category.TEST_SPECIAL_CASE
    severity = Severity.WARNING
    scope = Scope.PRODUCTION
    summary = "Production Python code checks whether it runs under a test runner."
    rationale = (
        'Code that asks `"pytest" in sys.modules`, reads `PYTEST_CURRENT_TEST` or a `TESTING` '
        "switch, looks for pytest in `sys.argv` or walks the call stack for a test caller takes "
        "one path under test and another in production: the tests pass while the production path "
        "stays unexercised. It is a common shortcut when a change cannot make a test pass "
        "honestly. Settings modules (settings.py, config/, *_config.py, manage.py) may read "
        "explicit test switches such as TESTING or APP_ENV == 'test' to choose configuration; "
        "sniffing the runner (sys.modules, PYTEST_*, sys.argv, the stack) is flagged everywhere."
    )
    fix = (
        "Inject the dependency that differs (a database URL, a clock, a client) and configure it "
        "in the test set-up (fixtures, conftest.py, settings), so production code has one path."
    )
    interest = r"modules|environ|getenv|argv|_getframe|currentframe|stack\(|trace\("
    precision = "high"
    tags = ("python", "tests")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag(
            """
            import sys

            def now():
                if "pytest" in sys.modules:
                    return 0
                return clock()
            """,
            line=4,
        ),
        Flag(
            """
            import os

            def send(msg):
                if os.environ.get("PYTEST_CURRENT_TEST"):
                    return
                smtp.send(msg)
            """,
            line=4,
        ),
        Flag('import os\n\nDEBUG_DB = os.getenv("TESTING") == "1"\n', line=3, path="app/db.py"),
        Flag(
            'import os\n\nif os.environ["APP_ENV"] == "test":\n    RETRIES = 0\n',
            line=3,
            path="app/client.py",
        ),
        Flag('import sys\n\nUNDER_PYTEST = "pytest" in sys.argv[0]\n', line=3),
        Flag('import sys\n\nok = any("pytest" in arg for arg in sys.argv)\n', line=3),
        Flag(
            """
            import inspect

            def charge(card):
                callers = [f.filename for f in inspect.stack()]
                if any("test_" in c for c in callers):
                    return True
                return gateway.charge(card)
            """,
            line=4,
        ),
        Flag(
            'import os\n\nif "PYTEST_VERSION" in os.environ:\n    CACHE = None\n',
            line=3,
            path="myapp/settings.py",
        ),
        Pass(
            """
            import os

            DATABASE_URL = "sqlite://" if os.environ.get("TESTING") else os.environ["DATABASE_URL"]
            """,
            path="myapp/settings.py",
        ),
        Pass(
            'import os\n\nif os.getenv("APP_ENV") == "test":\n    DATABASES = {"db": "sqlite"}\n',
            path="config/database.py",
        ),
        Pass(
            'import sys\n\nTESTING = len(sys.argv) > 1 and sys.argv[1] == "test"\n',
            path="mysite/settings/base.py",
        ),
        Pass(
            'import sys\n\nif len(sys.argv) > 1 and sys.argv[1] == "test":\n    run_self_check()\n',
            path="tool.py",
        ),
        Pass('import sys\n\nif "pytest" in sys.modules:\n    pass\n', path="tests/helpers.py"),
        Pass('import os\n\nlevel = os.environ.get("LOG_LEVEL", "INFO")\n'),
        Pass("import inspect\n\ndef caller_name():\n    return inspect.stack()[1].function\n"),
        Pass('import sys\n\nif "numpy" in sys.modules:\n    register_numpy()\n'),
        Pass('import os\n\nTHEME = os.environ.get("PYTEST_THEME")\n'),
        # A pytest plugin shipped in a package is test tooling.
        Pass(
            'import pytest\nimport sys\n\nX = "xdist" in sys.modules or "pytest" in sys.modules\n'
        ),
        Pass(
            """
            import sys

            def warn(message):
                \"\"\"Warn from the caller's frame (used by the test helpers too).\"\"\"
                frame = sys._getframe(1)
                log(message, frame.f_code.co_filename)
            """
        ),
        Pass('"""Run under pytest: it sets PYTEST_CURRENT_TEST."""\nMESSAGE = "sys.modules"\n'),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._frames: list[_FrameScope] = []
        self._config = is_config_module(self.path)
        self._tooling = False

    # -- scopes for stack inspection ----------------------------------------------------

    def visit_Module(self, node: libcst.Module) -> None:
        self._frames.append(_FrameScope(node))

    def leave_Module(self, original_node: libcst.Module) -> None:
        self._judge_frames()
        if self._tooling:
            self.reported_nodes.clear()

    def visit_Import(self, node: libcst.Import) -> None:
        for alias in node.names:
            self._note_import(dotted_name(alias.name))

    def visit_ImportFrom(self, node: libcst.ImportFrom) -> None:
        if node.module is not None and not node.relative:
            self._note_import(dotted_name(node.module))

    def _note_import(self, module: str | None) -> None:
        """A module that imports pytest is test tooling (a plugin, fixtures): it may look."""
        if module is not None and module.split(".")[0] in _TEST_TOOLING:
            self._tooling = True

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._frames.append(_FrameScope(node))

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        self._judge_frames()

    def _judge_frames(self) -> None:
        """Stack inspection counts when the same function looks for a test-like name."""
        scope = self._frames.pop()
        if not scope.calls:
            return
        if any(_TESTISH_TEXT.search(s) for s in _tested_strings(scope.node)):
            for call in scope.calls:
                self.report(call, "production code inspects the call stack for a test caller")

    # -- the checks ---------------------------------------------------------------------

    def visit_Call(self, node: libcst.Call) -> None:
        func = dotted_name(node.func)
        if func in _FRAME_CALLS and self._frames:
            self._frames[-1].calls.append(node)
            return
        if func in {"sys.modules.get", "modules.get"} and _first_string(node) in _RUNNER_MODULES:
            self.report(node, _loaded_message(_first_string(node)))
            return
        if func in _ENV_GETTERS:
            self._env_read(node, _first_string(node))
            return
        self._argv_call(node)

    def visit_Subscript(self, node: libcst.Subscript) -> None:
        target = dotted_name(node.value)
        key = _subscript_string(node)
        if target in _ENV_MAPPINGS:
            self._env_read(node, key)
        elif target in {"sys.modules", "modules"} and key in _RUNNER_MODULES:
            self.report(node, _loaded_message(key))

    def visit_Comparison(self, node: libcst.Comparison) -> None:
        import libcst

        operands = [node.left, *(t.comparator for t in node.comparisons)]
        for left, target in zip(operands, node.comparisons, strict=False):
            right = target.comparator
            if isinstance(target.operator, (libcst.In, libcst.NotIn)):
                container = dotted_name(right)
                key = string_value(left)
                if container in {"sys.modules", "modules"} and key in _RUNNER_MODULES:
                    self.report(node, _loaded_message(key))
                    return
                if container in _ENV_MAPPINGS and key is not None:
                    self._env_read(node, key)
                    return
        if self._argv_operands(operands):
            self.report(node, "production code looks for a test runner in sys.argv")
            return
        self._env_value_comparison(node, operands)

    # -- helpers ------------------------------------------------------------------------

    def _env_read(self, node: libcst.CSTNode, name: str | None) -> None:
        kind = _env_kind(name) if name else None
        if kind == "runner":
            self.report(node, f"production code reads {name}, which only the test runner sets")
        elif kind == "setting" and not self._config:
            self.report(
                node,
                f"production code reads the test switch {name} outside a settings module: "
                "it behaves differently under test",
            )

    def _env_value_comparison(
        self, node: libcst.Comparison, operands: list[libcst.BaseExpression]
    ) -> None:
        """`os.getenv("APP_ENV") == "test"`: an explicit switch, fine in settings modules only."""
        if self._config:
            return
        names = [_env_read_name(o) for o in operands]
        values = [string_value(o) for o in operands]
        env = next((n for n in names if n), None)
        if env is None or _env_kind(env) is not None:
            return  # not an environment read, or reported where it is read
        value = next((v for v in values if v is not None and v.lower() in TEST_VALUES), None)
        if value is not None:
            self.report(
                node, f"production code branches on {env} being {value!r} outside a settings module"
            )

    def _argv_operands(self, operands: list[libcst.BaseExpression]) -> bool:
        for index, operand in enumerate(operands):
            if _mentions_argv(operand):
                others = operands[:index] + operands[index + 1 :]
                return any(_has_runner_string(o) for o in others)
        return False

    def _argv_call(self, node: libcst.Call) -> None:
        import libcst

        func = node.func
        if isinstance(func, libcst.Attribute) and func.attr.value in _STRING_METHODS:
            if _mentions_argv(func.value) and any(_has_runner_string(a.value) for a in node.args):
                self.report(node, "production code looks for a test runner in sys.argv")
            return
        if isinstance(func, libcst.Name) and func.value in {"any", "all"} and node.args:
            generator = node.args[0].value
            if isinstance(generator, (libcst.GeneratorExp, libcst.ListComp)):
                loops = _comprehension_iters(generator.for_in)
                if any(_mentions_argv(i) for i in loops) and _has_runner_string(generator.elt):
                    self.report(node, "production code looks for a test runner in sys.argv")


def _first_string(node: libcst.Call) -> str | None:
    return string_value(node.args[0].value) if node.args else None


def _subscript_string(node: libcst.Subscript) -> str | None:
    import libcst

    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, libcst.Index):
        return None
    return string_value(node.slice[0].slice.value)


def _env_read_name(node: libcst.BaseExpression) -> str | None:
    """The variable an expression reads from the environment (`.lower()` and friends unwrapped)."""
    import libcst

    while (
        isinstance(node, libcst.Call)
        and isinstance(node.func, libcst.Attribute)
        and node.func.attr.value
        in {
            "lower",
            "upper",
            "strip",
            "casefold",
        }
    ):
        node = node.func.value
    if isinstance(node, libcst.Call) and dotted_name(node.func) in _ENV_GETTERS:
        return _first_string(node)
    if isinstance(node, libcst.Subscript) and dotted_name(node.value) in _ENV_MAPPINGS:
        return _subscript_string(node)
    return None


def _mentions_argv(node: libcst.CSTNode) -> bool:
    import libcst.matchers as m

    argv = m.Attribute(value=m.Name("sys"), attr=m.Name("argv"))
    return m.matches(node, argv) or bool(m.findall(node, argv))


def _has_runner_string(node: libcst.CSTNode) -> bool:
    return any(_RUNNER_TEXT.search(s) for s in _strings_in(node))


def _strings_in(node: libcst.CSTNode) -> list[str]:
    """The values of the string literals in `node` (itself included)."""
    import libcst
    import libcst.matchers as m

    found = [node] if m.matches(node, m.SimpleString() | m.ConcatenatedString()) else []
    found.extend(m.findall(node, m.SimpleString() | m.ConcatenatedString()))
    values = []
    for string in found:
        if isinstance(string, (libcst.SimpleString, libcst.ConcatenatedString)):
            value = string_value(string)
            if value is not None:
                values.append(value)
    return values


def _tested_strings(node: libcst.CSTNode) -> list[str]:
    """Strings that `node` compares something with: comparison operands, string-test arguments."""
    import libcst
    import libcst.matchers as m

    found: list[str] = []
    for comparison in m.findall(node, m.Comparison()):
        if isinstance(comparison, libcst.Comparison):
            for operand in [comparison.left, *(t.comparator for t in comparison.comparisons)]:
                found.extend(_strings_in(operand))
    for call in m.findall(node, m.Call(func=m.Attribute())):
        if (
            isinstance(call, libcst.Call)
            and isinstance(call.func, libcst.Attribute)
            and call.func.attr.value in _STRING_TESTS
        ):
            for arg in call.args:
                found.extend(_strings_in(arg.value))
    return found


def _comprehension_iters(for_in: libcst.CompFor) -> Iterator[libcst.BaseExpression]:
    current: libcst.CompFor | None = for_in
    while current is not None:
        yield current.iter
        current = current.inner_for_in


_FACTORIAL_TEST = """
from mathlib import factorial

def test_factorial():
    assert factorial(7) == 5040
"""
_HARDCODED_FACTORIAL = """
def factorial(n):
    if n == 7:
        return 5040
    return n * factorial(n - 1) if n else 1
"""


class PythonHardcodedTestAnswer(PythonRule):
    id = "AIG303"
    name = "hardcoded-test-answer"
    category = Category.TEST_SPECIAL_CASE
    severity = Severity.ERROR
    scope = Scope.PRODUCTION
    summary = (
        "A Python branch returns the literal a test expects for the literal input that test passes."
    )
    rationale = (
        "`if n == 7: return 5040` in front of the real computation, beside a test asserting "
        "`factorial(7) == 5040`, makes the test pass whatever the implementation does: the test "
        "no longer checks anything. aiguard flags a branch that compares a parameter with a "
        "literal and returns (or assigns) a literal only when a test of the repository asserts "
        "exactly that (input, output) pair for a function of that name, the function computes "
        "its result elsewhere, the input is not a base case (None, booleans, '', -1..2, empty "
        "containers), and the parameter is not compared with three or more literals (a lookup "
        "table)."
    )
    fix = "Implement the general case so that the test passes through it, and delete the branch."
    interest = r"==|\breturn\b|\w\s*=[^=]"
    tags = ("python", "tests")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag(
            _HARDCODED_FACTORIAL,
            line=2,
            path="mathlib.py",
            files={"tests/test_mathlib.py": _FACTORIAL_TEST},
            message="tests/test_mathlib.py:4",
        ),
        # Only the answer changed: the finding goes on the literal.
        Flag(
            _HARDCODED_FACTORIAL,
            before=_HARDCODED_FACTORIAL.replace("5040", "n"),
            line=3,
            path="mathlib.py",
            files={"tests/test_mathlib.py": _FACTORIAL_TEST},
        ),
        Flag(
            """
            def is_valid(email):
                if email == "test@example.com":
                    return True
                return EMAIL.fullmatch(email) is not None
            """,
            line=2,
            path="app/validate.py",
            files={
                "tests/test_validate.py": """
                class TestValid(unittest.TestCase):
                    def test_ok(self):
                        self.assertEqual(is_valid("test@example.com"), True)
                """
            },
        ),
        Flag(
            """
            class Pricing:
                def total(self, qty, price):
                    if qty == 3 and price == 10:
                        result = 27
                    else:
                        result = qty * price * self.rate
                    return result
            """,
            line=3,
            path="shop/pricing.py",
            files={
                "tests/test_pricing.py": """
                import pytest

                @pytest.mark.parametrize("q, p, want", [(3, 10, 27), (1, 5, 5)])
                def test_total(q, p, want):
                    result = Pricing().total(q, p)
                    assert result == want
                """
            },
        ),
        Flag(
            "def fib(n):\n    return 6765 if n == 20 else fib(n - 1) + fib(n - 2)\n",
            line=2,
            path="seq.py",
            files={"test_seq.py": "def test_fib():\n    assert 6765 == fib(20)\n"},
        ),
        # A base case is not an answer.
        Pass(
            _HARDCODED_FACTORIAL.replace("7", "0").replace("5040", "1"),
            path="mathlib.py",
            files={"tests/test_mathlib.py": "def test_zero():\n    assert factorial(0) == 1\n"},
        ),
        # The test expects another answer: the pair must match exactly.
        Pass(
            _HARDCODED_FACTORIAL,
            path="mathlib.py",
            files={"tests/test_mathlib.py": _FACTORIAL_TEST.replace("5040", "5041")},
        ),
        # A lookup table tested entry by entry.
        Pass(
            """
            def symbol(code):
                if code == "USD":
                    return "$"
                if code == "EUR":
                    return "€"
                if code == "GBP":
                    return "£"
                return lookup(code)
            """,
            path="money.py",
            files={"tests/test_money.py": "def test_usd():\n    assert symbol('USD') == '$'\n"},
        ),
        # Every result is a literal: a mapping, there is no general case to bypass.
        Pass(
            "def status(code):\n    if code == 404:\n        return 'missing'\n    return 'ok'\n",
            path="web.py",
            files={
                "tests/test_web.py": "def test_missing():\n    assert status(404) == 'missing'\n"
            },
        ),
        # Same literals, another function.
        Pass(
            _HARDCODED_FACTORIAL,
            path="mathlib.py",
            files={
                "tests/test_other.py": "def test_other():\n    assert permutations(7) == 5040\n"
            },
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._scopes: list[FunctionFacts | None] = []  # None: a class body

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._scopes.append(None)

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        self._scopes.pop()

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        in_class = bool(self._scopes) and self._scopes[-1] is None
        self._scopes.append(FunctionFacts(node.name.value, _python_positions(node, in_class)))

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        facts = self._scopes.pop()
        if facts is None or not facts.branches or not facts.candidates():
            return
        for branch, expectation in facts.hardcoded(python_index(self.project)):
            where = branch.node
            if not self.context.change.is_changed(self.after.position(where).line):
                where = branch.output_node
            self.report(where, hardcoded_message(facts.name, branch, expectation))

    @property
    def _function(self) -> FunctionFacts | None:
        return self._scopes[-1] if self._scopes else None

    def visit_Return(self, node: libcst.Return) -> None:
        facts = self._function
        if facts is not None and node.value is not None:
            ok, _ = literal(self.after.cst, node.value)
            facts.computes = facts.computes or not ok

    def visit_Comparison(self, node: libcst.Comparison) -> None:
        facts = self._function
        if facts is None:
            return
        pair = self._equality(node, facts)
        if pair is not None:
            facts.note_comparison(*pair)

    def visit_If(self, node: libcst.If) -> None:
        facts = self._function
        if facts is None:
            return
        conditions = self._conditions(node.test, facts)
        body = statements(node.body)
        if conditions is None or len(body) != 1:
            return
        output = self._assigned_or_returned(body[0])
        if output is not None:
            facts.branches.append(Branch(node.test, body[0], conditions, output, general=False))

    def visit_IfExp(self, node: libcst.IfExp) -> None:
        facts = self._function
        if facts is None:
            return
        conditions = self._conditions(node.test, facts)
        ok, value = literal(self.after.cst, node.body)
        output = python_key(value) if ok else None
        if conditions is None or output is None:
            return
        computed_else = not literal(self.after.cst, node.orelse)[0]
        facts.branches.append(
            Branch(node.test, node.body, conditions, output, general=computed_else)
        )

    def _assigned_or_returned(self, statement: libcst.CSTNode) -> Key | None:
        import libcst

        value: libcst.BaseExpression | None = None
        if isinstance(statement, libcst.Return) or (
            isinstance(statement, libcst.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0].target, libcst.Name)
        ):
            value = statement.value
        if value is None:
            return None
        ok, result = literal(self.after.cst, value)
        return python_key(result) if ok else None

    def _conditions(
        self, test: libcst.BaseExpression, facts: FunctionFacts
    ) -> tuple[tuple[str, Key], ...] | None:
        import libcst

        if isinstance(test, libcst.BooleanOperation) and isinstance(test.operator, libcst.And):
            left = self._conditions(test.left, facts)
            right = self._conditions(test.right, facts)
            return left + right if left is not None and right is not None else None
        if isinstance(test, libcst.Comparison):
            pair = self._equality(test, facts)
            return (pair,) if pair is not None else None
        return None

    def _equality(self, node: libcst.Comparison, facts: FunctionFacts) -> tuple[str, Key] | None:
        import libcst

        if len(node.comparisons) != 1 or not isinstance(node.comparisons[0].operator, libcst.Equal):
            return None
        left, right = node.left, node.comparisons[0].comparator
        for name_side, value_side in ((left, right), (right, left)):
            if isinstance(name_side, libcst.Name) and name_side.value in facts.positions:
                ok, value = literal(self.after.cst, value_side)
                key = python_key(value) if ok else None
                if key is not None:
                    return name_side.value, key
        return None


def _python_positions(node: libcst.FunctionDef, in_class: bool) -> dict[str, int | None]:
    """Parameter name -> position in a call (None: keyword-only), without a method's `self`."""
    from aiguard_rules._shared.python_syntax import decorator_names

    params = node.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)]
    if in_class and "staticmethod" not in decorator_names(node.decorators) and positional:
        positional = positional[1:]
    positions: dict[str, int | None] = {name: i for i, name in enumerate(positional)}
    positions.update({p.name.value: None for p in params.kwonly_params})
    return positions
