"""AIG3xx test-special-case: production code that behaves differently under test.

Two hazards. Code that detects the test runner (`"pytest" in sys.modules`, `PYTEST_CURRENT_TEST`,
`process.env.JEST_WORKER_ID`) makes the tests exercise a path production never takes. Code
that hardcodes the answers the tests expect (`if n == 7: return 5040` beside
`assert factorial(7) == 5040`) passes the tests without implementing anything.

Policy on configuration. Reading an *explicit setting* (`TESTING`, `APP_ENV == "test"`,
`NODE_ENV === "test"`) to choose configuration is what settings modules are for: it is silent in a
module whose path says settings/config (`settings.py`, `config/`, `*_settings.py`, `manage.py`,
`*.config.js`...). *Sniffing the runner* (`sys.modules`, `PYTEST_*`, `sys.argv` naming pytest, the
call stack, `JEST_WORKER_ID`, `VITEST`, `typeof jest`) is flagged in every production file: no
setting chose it, the test run did.
"""

from __future__ import annotations

import posixpath
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from aiguard.findings import Category, Severity
from aiguard.rule import Example, FileContext, FileRule, Flag, Pass, PythonRule, Scope

from . import _treesitter_helpers as ts
from ._cst_helpers import dotted_name, literal, statements, string_value
from ._test_answers import Expectation, Index, Key, js_index, js_key, python_index, python_key, show

if TYPE_CHECKING:
    import libcst
    import tree_sitter


def code(text: str) -> str:
    """An example's source, written indented in the rule class."""
    return textwrap.dedent(text).lstrip("\n")


# -- which files are configuration --------------------------------------------------------------

_CONFIG_DIRS = frozenset({"settings", "config", "configs", "conf", "configuration", "environments"})
_CONFIG_STEMS = frozenset(
    {
        "settings",
        "config",
        "conf",
        "configuration",
        "env",
        "environment",
        "manage",
        "setup",
        "noxfile",
    }
)
_CONFIG_SUFFIXES = ("settings", "config", "configuration", "_conf", "_env")
# JavaScript tool configs and test set-up files: they exist to configure the test run.
_JS_TOOL_FILE = re.compile(
    r"(?:\.config|\.conf|rc|[.-]setup|setupTests|setup-tests|test-setup)\.[cm]?[jt]sx?$",
    re.IGNORECASE,
)


def is_config_module(path: str) -> bool:
    """A module whose path says it holds settings: explicit test settings are its job."""
    parts = path.lower().split("/")
    stem = posixpath.splitext(parts[-1])[0].lstrip(".")
    if any(p in _CONFIG_DIRS for p in parts[:-1]):
        return True
    return stem in _CONFIG_STEMS or stem.endswith(_CONFIG_SUFFIXES) or stem.startswith("settings")


def is_js_tool_config(path: str) -> bool:
    return bool(_JS_TOOL_FILE.search(posixpath.basename(path)))


# -- AIG301: Python ------------------------------------------------------------------------------

_RUNNER_MODULES = frozenset({"pytest", "_pytest", "unittest", "nose", "nose2", "py.test"})
_TEST_SETTINGS = frozenset(
    {
        "TESTING",
        "TEST",
        "TESTS",
        "TEST_MODE",
        "TESTING_MODE",
        "IS_TEST",
        "IS_TESTING",
        "IN_TEST",
        "IN_TESTS",
        "RUNNING_TESTS",
        "UNDER_TEST",
    }
)
_TEST_VALUES = frozenset({"test", "testing", "tests"})
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


_DIFFERS = "it behaves differently under test"


def _loaded_message(module: str | None) -> str:
    return f"production code checks whether {module} is loaded: {_DIFFERS}"


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
    if upper.startswith("UNITTEST_") or upper in _TEST_SETTINGS:
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
            code("""
            import sys

            def now():
                if "pytest" in sys.modules:
                    return 0
                return clock()
            """),
            line=4,
        ),
        Flag(
            code("""
            import os

            def send(msg):
                if os.environ.get("PYTEST_CURRENT_TEST"):
                    return
                smtp.send(msg)
            """),
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
            code("""
            import inspect

            def charge(card):
                callers = [f.filename for f in inspect.stack()]
                if any("test_" in c for c in callers):
                    return True
                return gateway.charge(card)
            """),
            line=4,
        ),
        Flag(
            'import os\n\nif "PYTEST_VERSION" in os.environ:\n    CACHE = None\n',
            line=3,
            path="myapp/settings.py",
        ),
        Pass(
            code("""
            import os

            DATABASE_URL = "sqlite://" if os.environ.get("TESTING") else os.environ["DATABASE_URL"]
            """),
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
            code("""
            import sys

            def warn(message):
                \"\"\"Warn from the caller's frame (used by the test helpers too).\"\"\"
                frame = sys._getframe(1)
                log(message, frame.f_code.co_filename)
            """)
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
        value = next((v for v in values if v is not None and v.lower() in _TEST_VALUES), None)
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


# -- AIG302: JavaScript / TypeScript -------------------------------------------------------------

_JS_RUNNER_GLOBALS = frozenset({"jest", "vi", "jasmine", "mocha", "QUnit", "__vitest_worker__"})
_JS_GLOBAL_OBJECTS = frozenset({"globalThis", "global", "window", "self"})
_TEST_BLOCK_CALLS = frozenset({"it", "test", "describe", "bench", "expect"})


def _js_env_kind(name: str) -> str | None:
    upper = name.upper()
    if upper.startswith(("JEST_", "VITEST", "MOCHA_")) or upper in {"JEST", "VITEST"}:
        return "runner"
    if upper.startswith("UNITTEST_") or upper in _TEST_SETTINGS:
        return "setting"
    return None


class JsTestRunnerDetection(FileRule):
    id = "AIG302"
    name = "test-runner-detection-js"
    category = Category.TEST_SPECIAL_CASE
    severity = Severity.WARNING
    languages = frozenset({"javascript", "typescript"})
    scope = Scope.PRODUCTION
    summary = (
        "Production JavaScript/TypeScript code checks whether it runs under Jest, Vitest or Mocha."
    )
    rationale = (
        '`process.env.NODE_ENV === "test"`, `process.env.JEST_WORKER_ID`, `process.env.VITEST`, '
        '`typeof jest !== "undefined"` or `import.meta.vitest` outside an in-source test block '
        "make the code take one path under test and another in production: the tests pass while "
        "the production path stays unexercised. Tool configs and test set-up files (`*.config.*`, "
        "`*rc.js`, `jest.setup.*`) are silent; app config modules (config/, settings.*) may read "
        "NODE_ENV or a TESTING switch, but not the runner's own variables."
    )
    fix = (
        "Inject what differs (a client, a clock, a URL) and configure it in the test set-up "
        "(jest.setup, mocks, test config) so production code has one path."
    )
    interest = r"(?i)node_env|jest|vitest|mocha|jasmine|qunit|typeof|import\.meta|process\.env|test"
    tags = ("javascript", "typescript", "tests")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag(
            code("""
            export function now() {
              if (process.env.NODE_ENV === "test") return 0;
              return Date.now();
            }
            """),
            line=2,
        ),
        Flag("const fast = process.env.JEST_WORKER_ID !== undefined;\n", line=1),
        Flag("export const retries = process.env.VITEST ? 0 : 3;\n", line=1, path="src/client.ts"),
        Flag('if (typeof jest !== "undefined") {\n  module.exports = fake;\n}\n', line=1),
        Flag(
            code("""
            export function f() {
              if (import.meta.vitest) return 42;
              return compute();
            }
            """),
            line=2,
            path="src/f.ts",
        ),
        Flag(
            'switch (process.env.NODE_ENV) {\n  case "test":\n    skipAuth = true;\n}\n',
            line=2,
        ),
        Flag('const workerId = process.env["JEST_WORKER_ID"];\n', line=1, path="src/config/db.js"),
        Pass(
            code("""
            module.exports = {
              testEnvironment: process.env.NODE_ENV === "test" ? "node" : "jsdom",
            };
            """),
            path="jest.config.js",
        ),
        Pass("export default { test: { threads: !process.env.VITEST } };\n", path="vite.config.ts"),
        Pass(
            code("""
            export const dbUrl =
              process.env.NODE_ENV === "test" ? "sqlite::memory:" : process.env.DB_URL;
            """),
            path="src/config/database.js",
        ),
        Pass('if (process.env.NODE_ENV !== "production") {\n  console.debug("dev build");\n}\n'),
        Pass(
            code("""
            export function add(a, b) {
              return a + b;
            }

            if (import.meta.vitest) {
              const { it, expect } = import.meta.vitest;
              it("adds", () => {
                expect(add(1, 2)).toBe(3);
              });
            }
            """),
            path="src/add.ts",
        ),
        Pass('const isBrowser = typeof window !== "undefined";\n'),
        Pass("// process.env.JEST_WORKER_ID is set by Jest\nconst s = 'NODE_ENV === \"test\"';\n"),
        Pass(
            'if (process.env.NODE_ENV === "test") {\n  jest.useFakeTimers();\n}\n',
            path="src/__tests__/setup.js",
        ),
    )

    def check(self) -> None:
        if is_js_tool_config(self.path):
            return
        config = is_config_module(self.path)
        for node in ts.walk(self.after.tree.root_node):
            message = self._judge(node, config)
            if message:
                span = self.after.node_span(node)
                self.report_line(span.line, message, column=span.column)

    def _judge(self, node: tree_sitter.Node, config: bool) -> str | None:
        kind = node.type
        if kind in {"member_expression", "subscript_expression"}:
            return (
                self._env_access(node, config)
                or self._global_runner(node)
                or self._vitest_meta(node)
            )
        if kind == "unary_expression":
            operator = node.child_by_field_name("operator")
            argument = node.child_by_field_name("argument")
            if operator is None or argument is None or ts.text(operator) != "typeof":
                return None
            if ts.text(argument) in _JS_RUNNER_GLOBALS:
                return f"production code checks `typeof {ts.text(argument)}`: {_DIFFERS}"
            return None
        if kind == "binary_expression" and not config:
            return self._env_value_comparison(node)
        if kind == "switch_case" and not config:
            return self._env_switch_case(node)
        return None

    def _env_access(self, node: tree_sitter.Node, config: bool) -> str | None:
        name = _js_env_name(node)
        if name is None:
            return None
        kind = _js_env_kind(name)
        if kind == "runner":
            return f"production code reads {name}, which only the test runner sets"
        if kind == "setting" and not config:
            return f"production code reads the test switch {name} outside a config module"
        return None

    def _global_runner(self, node: tree_sitter.Node) -> str | None:
        if node.type != "member_expression":
            return None
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is None or prop is None or ts.text(obj) not in _JS_GLOBAL_OBJECTS:
            return None
        if ts.text(prop) in _JS_RUNNER_GLOBALS:
            return f"production code checks for the {ts.text(prop)} global: {_DIFFERS}"
        return None

    def _vitest_meta(self, node: tree_sitter.Node) -> str | None:
        if ts.text(node) != "import.meta.vitest" or _in_source_test_block(node):
            return None
        return "production code reads import.meta.vitest outside an in-source test block"

    def _env_value_comparison(self, node: tree_sitter.Node) -> str | None:
        operator = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if (
            operator is None
            or left is None
            or right is None
            or ts.text(operator) not in {"===", "==", "!==", "!="}
        ):
            return None
        for env_side, value_side in ((left, right), (right, left)):
            name = _js_env_name(ts.unwrap(env_side))
            value = ts.string_value(ts.unwrap(value_side))
            if (
                name
                and _js_env_kind(name) is None
                and value is not None
                and value.lower() in _TEST_VALUES
            ):
                return f"production code branches on {name} being '{value}'"
        return None

    def _env_switch_case(self, node: tree_sitter.Node) -> str | None:
        value = node.child_by_field_name("value")
        switch = node.parent.parent if node.parent is not None else None
        if value is None or switch is None or switch.type != "switch_statement":
            return None
        subject = switch.child_by_field_name("value")
        name = _js_env_name(ts.unwrap(subject)) if subject is not None else None
        literal_value = ts.string_value(ts.unwrap(value))
        if (
            name
            and _js_env_kind(name) is None
            and literal_value
            and literal_value.lower() in _TEST_VALUES
        ):
            return f"production code branches on {name} being '{literal_value}'"
        return None


def _js_env_name(node: tree_sitter.Node) -> str | None:
    """`X` for `process.env.X`, `process.env["X"]`, `import.meta.env.X`."""
    obj = node.child_by_field_name("object")
    if obj is None or ts.text(obj) not in {"process.env", "import.meta.env"}:
        return None
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return ts.text(prop) if prop is not None else None
    if node.type == "subscript_expression":
        index = node.child_by_field_name("index")
        return ts.string_value(index) if index is not None else None
    return None


def _in_source_test_block(node: tree_sitter.Node) -> bool:
    """Inside `if (import.meta.vitest) { ...tests... }`, Vitest's in-source testing idiom."""
    current = node.parent
    while current is not None:
        if current.type == "if_statement":
            condition = current.child_by_field_name("condition")
            consequence = current.child_by_field_name("consequence")
            if (
                condition is not None
                and consequence is not None
                and ts.text(ts.unwrap(condition)) == "import.meta.vitest"
                and current.child_by_field_name("alternative") is None
                and _declares_tests(consequence)
            ):
                return True
        current = current.parent
    return False


def _declares_tests(block: tree_sitter.Node) -> bool:
    for node in ts.walk(block):
        if node.type == "call_expression":
            func = node.child_by_field_name("function")
            if func is not None and ts.text(func).split(".")[0] in _TEST_BLOCK_CALLS:
                return True
    return False


# -- AIG303 / AIG304: hardcoded answers ---------------------------------------------------------

# Inputs that are base cases, not answers: `if n == 0: return 1` is how factorial starts.
_TRIVIAL_INPUTS = frozenset(
    {
        ("null",),
        ("undefined",),
        ("bool", True),
        ("bool", False),
        ("str", ""),
        ("num", 0.0),
        ("num", 1.0),
        ("num", -1.0),
        ("num", 2.0),
        ("list",),
        ("tuple",),
    }
)
# Comparing one parameter with this many literals is a lookup table, not a special case.
_LOOKUP_TABLE_SIZE = 3


@dataclass(frozen=True)
class _Branch:
    """`if p == IN [and q == IN2]: return OUT`, found in one function."""

    # The condition, and the literal it produces: libcst nodes (AIG303) or tree-sitter nodes
    # (AIG304). The finding goes on the condition, or on the literal when only that changed.
    node: Any
    output_node: Any
    conditions: tuple[tuple[str, Key], ...]
    output: Key
    general: bool  # the branch itself has a computed alternative (a ternary's else)


@dataclass
class _FunctionFacts:
    name: str
    positions: dict[str, int | None]
    branches: list[_Branch] = field(default_factory=list)
    compared: dict[str, set[Key]] = field(default_factory=dict)
    computes: bool = False  # returns something other than a literal somewhere

    def note_comparison(self, param: str, key: Key) -> None:
        self.compared.setdefault(param, set()).add(key)

    def hardcoded(self, index: Index) -> Iterator[tuple[_Branch, Expectation]]:
        """The branches whose exact (input, output) pair a test of the repository asserts."""
        expectations = index.get(self.name)
        for branch in self.branches:
            if not (branch.general or self.computes):
                continue
            if any(
                len(self.compared.get(p, ())) >= _LOOKUP_TABLE_SIZE for p, _ in branch.conditions
            ):
                continue
            if all(key in _TRIVIAL_INPUTS for _, key in branch.conditions):
                continue
            for expectation in expectations:
                if expectation.expected == branch.output and all(
                    expectation.argument(self.positions.get(p), p) == key
                    for p, key in branch.conditions
                ):
                    yield branch, expectation
                    break

    def candidates(self) -> bool:
        return any(
            not all(key in _TRIVIAL_INPUTS for _, key in b.conditions)
            and (b.general or self.computes)
            for b in self.branches
        )


def _hardcoded_message(
    name: str, branch: _Branch, expectation: Expectation, *, js: bool = False
) -> str:
    equals = " === " if js else " == "
    condition = " and ".join(f"{p}{equals}{show(k, js=js)}" for p, k in branch.conditions)
    return (
        f"{name}() returns the literal {show(branch.output, js=js)} when {condition}: exactly the "
        "answer "
        f"the test at {expectation.where} expects - a hardcoded answer, not an implementation"
    )


_FACTORIAL_TEST = code("""
from mathlib import factorial

def test_factorial():
    assert factorial(7) == 5040
""")
_HARDCODED_FACTORIAL = code("""
def factorial(n):
    if n == 7:
        return 5040
    return n * factorial(n - 1) if n else 1
""")
_VALIDATE_TEST = code("""
import { validate } from "./validate";

test("ok", () => {
  expect(validate("test@example.com")).toBe(true);
});
""")
_HARDCODED_VALIDATE = code("""
export function validate(email) {
  if (email === "test@example.com") return true;
  return EMAIL.test(email);
}
""")


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
            code("""
            def is_valid(email):
                if email == "test@example.com":
                    return True
                return EMAIL.fullmatch(email) is not None
            """),
            line=2,
            path="app/validate.py",
            files={
                "tests/test_validate.py": code("""
                class TestValid(unittest.TestCase):
                    def test_ok(self):
                        self.assertEqual(is_valid("test@example.com"), True)
                """)
            },
        ),
        Flag(
            code("""
            class Pricing:
                def total(self, qty, price):
                    if qty == 3 and price == 10:
                        result = 27
                    else:
                        result = qty * price * self.rate
                    return result
            """),
            line=3,
            path="shop/pricing.py",
            files={
                "tests/test_pricing.py": code("""
                import pytest

                @pytest.mark.parametrize("q, p, want", [(3, 10, 27), (1, 5, 5)])
                def test_total(q, p, want):
                    result = Pricing().total(q, p)
                    assert result == want
                """)
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
            code("""
            def symbol(code):
                if code == "USD":
                    return "$"
                if code == "EUR":
                    return "€"
                if code == "GBP":
                    return "£"
                return lookup(code)
            """),
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
        self._scopes: list[_FunctionFacts | None] = []  # None: a class body

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._scopes.append(None)

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        self._scopes.pop()

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        in_class = bool(self._scopes) and self._scopes[-1] is None
        self._scopes.append(_FunctionFacts(node.name.value, _python_positions(node, in_class)))

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        facts = self._scopes.pop()
        if facts is None or not facts.branches or not facts.candidates():
            return
        for branch, expectation in facts.hardcoded(python_index(self.project)):
            where = branch.node
            if not self.context.change.is_changed(self.after.position(where).line):
                where = branch.output_node
            self.report(where, _hardcoded_message(facts.name, branch, expectation))

    @property
    def _function(self) -> _FunctionFacts | None:
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
            facts.branches.append(_Branch(node.test, body[0], conditions, output, general=False))

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
            _Branch(node.test, node.body, conditions, output, general=computed_else)
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
        self, test: libcst.BaseExpression, facts: _FunctionFacts
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

    def _equality(self, node: libcst.Comparison, facts: _FunctionFacts) -> tuple[str, Key] | None:
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
    from ._cst_helpers import decorator_names

    params = node.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)]
    if in_class and "staticmethod" not in decorator_names(node.decorators) and positional:
        positional = positional[1:]
    positions: dict[str, int | None] = {name: i for i, name in enumerate(positional)}
    positions.update({p.name.value: None for p in params.kwonly_params})
    return positions


class JsHardcodedTestAnswer(FileRule):
    id = "AIG304"
    name = "hardcoded-test-answer-js"
    category = Category.TEST_SPECIAL_CASE
    severity = Severity.ERROR
    languages = frozenset({"javascript", "typescript"})
    scope = Scope.PRODUCTION
    summary = (
        "A JS/TS branch returns the literal a test expects for the literal input that test passes."
    )
    rationale = (
        '`if (email === "test@example.com") return true;` beside '
        '`expect(validate("test@example.com")).toBe(true)` makes the test pass whatever the '
        "implementation does. aiguard flags a branch that compares a parameter with a literal and "
        "returns (or assigns) a literal only when a Jest/Vitest/Mocha test of the repository "
        "asserts exactly that pair for a function of that name (expect(...).toBe/toEqual/"
        "toStrictEqual, assert.equal/strictEqual/deepEqual, test.each tables), the function "
        "computes its result elsewhere, the input is not a base case, and the parameter is not "
        "compared with three or more literals (a lookup table)."
    )
    fix = "Implement the general case so that the test passes through it, and delete the branch."
    interest = r"==|\breturn\b|\w\s*=[^=]"
    tags = ("javascript", "typescript", "tests")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag(
            _HARDCODED_VALIDATE,
            line=2,
            path="src/validate.js",
            files={"src/validate.test.js": _VALIDATE_TEST},
            message="src/validate.test.js:4",
        ),
        Flag(
            code("""
            export const factorial = (n: number): number => {
              if (n === 7) {
                return 5040;
              }
              return n <= 1 ? 1 : n * factorial(n - 1);
            };
            """),
            line=2,
            path="src/math.ts",
            files={
                "src/__tests__/math.ts": code("""
                test.each([[7, 5040], [3, 6]])("f(%i)", (n, want) => {
                  const got = factorial(n);
                  expect(got).toEqual(want);
                });
                """)
            },
        ),
        Flag(
            code("""
            class Cart {
              total(qty) {
                return qty == 3 ? 27 : qty * this.price;
              }
            }
            """),
            line=3,
            path="lib/cart.js",
            files={
                "test/cart.spec.js": code("""
                const assert = require("assert");
                it("totals", () => {
                  assert.strictEqual(new Cart().total(3), 27);
                });
                """)
            },
        ),
        # A base case is not an answer.
        Pass(
            _HARDCODED_VALIDATE.replace('"test@example.com") return true', '"") return false'),
            path="src/validate.js",
            files={
                "src/validate.test.js": 'test("empty", () => expect(validate("")).toBe(false));\n'
            },
        ),
        # A negated expectation pins no answer.
        Pass(
            _HARDCODED_VALIDATE,
            path="src/validate.js",
            files={"src/validate.test.js": _VALIDATE_TEST.replace(".toBe(", ".not.toBe(")},
        ),
        # A lookup table tested entry by entry.
        Pass(
            code("""
            export function color(name) {
              if (name === "red") return "#f00";
              if (name === "green") return "#0f0";
              if (name === "blue") return "#00f";
              return parse(name);
            }
            """),
            path="src/color.js",
            files={"src/color.test.js": "test('red', () => expect(color('red')).toBe('#f00'));\n"},
        ),
        # Every result is a literal: a mapping.
        Pass(
            "export function label(code) {\n  if (code === 404) return 'gone';\n  return '';\n}\n",
            path="src/label.js",
            files={"src/label.test.js": "test('404', () => expect(label(404)).toBe('gone'));\n"},
        ),
    )

    def check(self) -> None:
        tree = self.after.tree
        index: Index | None = None
        for node in ts.walk(tree.root_node):
            if node.type not in ts.FUNCTION_TYPES:
                continue
            facts = self._facts(node)
            if facts is None or not facts.candidates():
                continue
            if index is None:
                index = js_index(self.project)
            for branch, expectation in facts.hardcoded(index):
                span = self.after.node_span(branch.node)
                if not self.context.change.is_changed(span.line):
                    span = self.after.node_span(branch.output_node)
                self.report_line(
                    span.line,
                    _hardcoded_message(facts.name, branch, expectation, js=True),
                    column=span.column,
                )

    def _facts(self, function: tree_sitter.Node) -> _FunctionFacts | None:
        name = ts.function_name(function)
        params = ts.parameter_names(function)
        if not name or not any(params):
            return None
        facts = _FunctionFacts(name, {p: i for i, p in enumerate(params) if p is not None})
        body = function.child_by_field_name("body")
        if body is not None and body.type != "statement_block":
            facts.computes = not ts.literal_value(body)[0]
        for node in ts.walk_scope(function):
            if node.type == "return_statement":
                value = next((c for c in node.named_children if c.type != "comment"), None)
                if value is not None and not ts.literal_value(value)[0]:
                    facts.computes = True
            elif node.type == "binary_expression":
                pair = _js_equality(node, facts)
                if pair is not None:
                    facts.note_comparison(*pair)
            elif node.type == "if_statement":
                self._if_branch(node, facts)
            elif node.type == "ternary_expression":
                self._ternary_branch(node, facts)
        return facts

    def _if_branch(self, node: tree_sitter.Node, facts: _FunctionFacts) -> None:
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        if condition is None or consequence is None:
            return
        conditions = _js_conditions(ts.unwrap(condition), facts)
        if conditions is None:
            return
        if consequence.type == "statement_block":
            inner = [c for c in consequence.named_children if c.type != "comment"]
            if len(inner) != 1:
                return
            consequence = inner[0]
        output = _js_output(consequence)
        if output is not None:
            facts.branches.append(
                _Branch(condition, consequence, conditions, output, general=False)
            )

    def _ternary_branch(self, node: tree_sitter.Node, facts: _FunctionFacts) -> None:
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        if condition is None or consequence is None or alternative is None:
            return
        conditions = _js_conditions(ts.unwrap(condition), facts)
        ok, value = ts.literal_value(consequence)
        output = js_key(value) if ok else None
        if conditions is not None and output is not None:
            general = not ts.literal_value(alternative)[0]
            facts.branches.append(
                _Branch(condition, consequence, conditions, output, general=general)
            )


def _js_conditions(
    node: tree_sitter.Node, facts: _FunctionFacts
) -> tuple[tuple[str, Key], ...] | None:
    if node.type != "binary_expression":
        return None
    operator = node.child_by_field_name("operator")
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if operator is None or left is None or right is None:
        return None
    if ts.text(operator) == "&&":
        first = _js_conditions(ts.unwrap(left), facts)
        second = _js_conditions(ts.unwrap(right), facts)
        return first + second if first is not None and second is not None else None
    pair = _js_equality(node, facts)
    return (pair,) if pair is not None else None


def _js_equality(node: tree_sitter.Node, facts: _FunctionFacts) -> tuple[str, Key] | None:
    operator = node.child_by_field_name("operator")
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if operator is None or left is None or right is None or ts.text(operator) not in {"===", "=="}:
        return None
    for name_side, value_side in ((left, right), (right, left)):
        name_side = ts.unwrap(name_side)
        if name_side.type == "identifier" and ts.text(name_side) in facts.positions:
            ok, value = ts.literal_value(value_side)
            key = js_key(value) if ok else None
            if key is not None:
                return ts.text(name_side), key
    return None


def _js_output(statement: tree_sitter.Node) -> Key | None:
    """The literal a `return LIT;` or `x = LIT;` statement produces."""
    value: tree_sitter.Node | None = None
    if statement.type == "return_statement":
        value = next((c for c in statement.named_children if c.type != "comment"), None)
    elif statement.type == "expression_statement" and statement.named_children:
        expression = statement.named_children[0]
        if expression.type == "assignment_expression":
            left = expression.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                value = expression.child_by_field_name("right")
    if value is None:
        return None
    ok, result = ts.literal_value(value)
    return js_key(result) if ok else None
