"""AIG302 and AIG304, JavaScript/TypeScript: test-runner detection and hardcoded test answers."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, ClassVar

from aiguard.findings import Category, Severity
from aiguard.lint.rule import Example, FileContext, Flag, Pass, Scope, ScriptRule
from aiguard_rules._shared import script_syntax as ts
from aiguard_rules.test_special_case._answers import (
    Index,
    Key,
    js_index,
    js_key,
)

if TYPE_CHECKING:
    import tree_sitter
from aiguard_rules.test_special_case._common import (
    DIFFERS,
    TEST_SETTINGS,
    TEST_VALUES,
    Branch,
    FunctionFacts,
    hardcoded_message,
    is_config_module,
)

# JavaScript tool configs and test set-up files: they exist to configure the test run.
_JS_TOOL_FILE = re.compile(
    r"(?:\.config|\.conf|rc|[.-]setup|setupTests|setup-tests|test-setup)\.[cm]?[jt]sx?$",
    re.IGNORECASE,
)


def is_js_tool_config(path: str) -> bool:
    return bool(_JS_TOOL_FILE.search(posixpath.basename(path)))


# -- AIG302: JavaScript / TypeScript -------------------------------------------------------------

_JS_RUNNER_GLOBALS = frozenset({"jest", "vi", "jasmine", "mocha", "QUnit", "__vitest_worker__"})
_JS_GLOBAL_OBJECTS = frozenset({"globalThis", "global", "window", "self"})
_TEST_BLOCK_CALLS = frozenset({"it", "test", "describe", "bench", "expect"})


def _js_env_kind(name: str) -> str | None:
    upper = name.upper()
    if upper.startswith(("JEST_", "VITEST", "MOCHA_")) or upper in {"JEST", "VITEST"}:
        return "runner"
    if upper.startswith("UNITTEST_") or upper in TEST_SETTINGS:
        return "setting"
    return None


class JsTestRunnerDetection(ScriptRule):
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
            """
            export function now() {
              if (process.env.NODE_ENV === "test") return 0;
              return Date.now();
            }
            """,
            line=2,
        ),
        Flag("const fast = process.env.JEST_WORKER_ID !== undefined;\n", line=1),
        Flag("export const retries = process.env.VITEST ? 0 : 3;\n", line=1, path="src/client.ts"),
        Flag('if (typeof jest !== "undefined") {\n  module.exports = fake;\n}\n', line=1),
        Flag(
            """
            export function f() {
              if (import.meta.vitest) return 42;
              return compute();
            }
            """,
            line=2,
            path="src/f.ts",
        ),
        Flag(
            'switch (process.env.NODE_ENV) {\n  case "test":\n    skipAuth = true;\n}\n',
            line=2,
        ),
        Flag('const workerId = process.env["JEST_WORKER_ID"];\n', line=1, path="src/config/db.js"),
        Pass(
            """
            module.exports = {
              testEnvironment: process.env.NODE_ENV === "test" ? "node" : "jsdom",
            };
            """,
            path="jest.config.js",
        ),
        Pass("export default { test: { threads: !process.env.VITEST } };\n", path="vite.config.ts"),
        Pass(
            """
            export const dbUrl =
              process.env.NODE_ENV === "test" ? "sqlite::memory:" : process.env.DB_URL;
            """,
            path="src/config/database.js",
        ),
        Pass('if (process.env.NODE_ENV !== "production") {\n  console.debug("dev build");\n}\n'),
        Pass(
            """
            export function add(a, b) {
              return a + b;
            }

            if (import.meta.vitest) {
              const { it, expect } = import.meta.vitest;
              it("adds", () => {
                expect(add(1, 2)).toBe(3);
              });
            }
            """,
            path="src/add.ts",
        ),
        Pass('const isBrowser = typeof window !== "undefined";\n'),
        Pass("// process.env.JEST_WORKER_ID is set by Jest\nconst s = 'NODE_ENV === \"test\"';\n"),
        Pass(
            'if (process.env.NODE_ENV === "test") {\n  jest.useFakeTimers();\n}\n',
            path="src/__tests__/setup.js",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._config = is_config_module(self.path)

    def get_visitors(self) -> Mapping[str, Callable[[tree_sitter.Node], object]]:
        if is_js_tool_config(self.path):
            return {}
        kinds = ["member_expression", "subscript_expression", "unary_expression"]
        if not self._config:
            kinds += ["binary_expression", "switch_case"]
        return {f"visit_{kind}": self._visit for kind in kinds}

    def _visit(self, node: tree_sitter.Node) -> None:
        message = self._judge(node, self._config)
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
                return f"production code checks `typeof {ts.text(argument)}`: {DIFFERS}"
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
            return f"production code checks for the {ts.text(prop)} global: {DIFFERS}"
        return None

    def _vitest_meta(self, node: tree_sitter.Node) -> str | None:
        if ts.text(node) != "import.meta.vitest" or _in_source_test_block(node, self.path):
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
                and value.lower() in TEST_VALUES
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
            and literal_value.lower() in TEST_VALUES
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


def _in_source_test_block(node: tree_sitter.Node, path: str) -> bool:
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
                and _declares_tests(consequence, path)
            ):
                return True
        current = current.parent
    return False


def _declares_tests(block: tree_sitter.Node, path: str) -> bool:
    """Whether `block` calls it/test/describe/bench/expect. Asked only about a block under
    `if (import.meta.vitest)`, so tree-sitter's own query engine searches it (no second walk)."""
    import tree_sitter

    from aiguard.source import tree_sitter_language

    query = tree_sitter.Query(tree_sitter_language(path), "(call_expression function: _ @f)")
    functions = tree_sitter.QueryCursor(query).captures(block).get("f", [])
    return any(ts.text(func).split(".")[0] in _TEST_BLOCK_CALLS for func in functions)


_VALIDATE_TEST = """
import { validate } from "./validate";

test("ok", () => {
  expect(validate("test@example.com")).toBe(true);
});
"""
_HARDCODED_VALIDATE = """
export function validate(email) {
  if (email === "test@example.com") return true;
  return EMAIL.test(email);
}
"""


class JsHardcodedTestAnswer(ScriptRule):
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
            """
            export const factorial = (n: number): number => {
              if (n === 7) {
                return 5040;
              }
              return n <= 1 ? 1 : n * factorial(n - 1);
            };
            """,
            line=2,
            path="src/math.ts",
            files={
                "src/__tests__/math.ts": """
                test.each([[7, 5040], [3, 6]])("f(%i)", (n, want) => {
                  const got = factorial(n);
                  expect(got).toEqual(want);
                });
                """
            },
        ),
        Flag(
            """
            class Cart {
              total(qty) {
                return qty == 3 ? 27 : qty * this.price;
              }
            }
            """,
            line=3,
            path="lib/cart.js",
            files={
                "test/cart.spec.js": """
                const assert = require("assert");
                it("totals", () => {
                  assert.strictEqual(new Cart().total(3), 27);
                });
                """
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
            """
            export function color(name) {
              if (name === "red") return "#f00";
              if (name === "green") return "#0f0";
              if (name === "blue") return "#00f";
              return parse(name);
            }
            """,
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

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # The facts of each function the walk is in, innermost last (None: not a candidate).
        self._functions: list[FunctionFacts | None] = []
        self._index: Index | None = None

    def get_visitors(self) -> Mapping[str, Callable[[tree_sitter.Node], object]]:
        visitors: dict[str, Callable[[tree_sitter.Node], object]] = {}
        for kind in ts.FUNCTION_TYPES:
            visitors[f"visit_{kind}"] = self._enter_function
            visitors[f"leave_{kind}"] = self._leave_function
        visitors["visit_return_statement"] = self._scoped(self._return_statement)
        visitors["visit_binary_expression"] = self._scoped(self._binary_expression)
        visitors["visit_if_statement"] = self._scoped(self._if_branch)
        visitors["visit_ternary_expression"] = self._scoped(self._ternary_branch)
        return visitors

    def _enter_function(self, function: tree_sitter.Node) -> None:
        self._functions.append(self._facts(function))

    def _leave_function(self, function: tree_sitter.Node) -> None:
        facts = self._functions.pop()
        if facts is None or not facts.candidates():
            return
        if self._index is None:
            self._index = js_index(self.project)
        for branch, expectation in facts.hardcoded(self._index):
            span = self.after.node_span(branch.node)
            if not self.context.change.is_changed(span.line):
                span = self.after.node_span(branch.output_node)
            self.report_line(
                span.line,
                hardcoded_message(facts.name, branch, expectation, js=True),
                column=span.column,
            )

    def _facts(self, function: tree_sitter.Node) -> FunctionFacts | None:
        """The facts the walk gathers on `function`'s own scope (nested functions have theirs)."""
        name = ts.function_name(function)
        params = ts.parameter_names(function)
        if not name or not any(params):
            return None
        facts = FunctionFacts(name, {p: i for i, p in enumerate(params) if p is not None})
        body = function.child_by_field_name("body")
        if body is not None and body.type != "statement_block":
            facts.computes = not ts.literal_value(body)[0]
        return facts

    def _scoped(
        self, method: Callable[[tree_sitter.Node, FunctionFacts], None]
    ) -> Callable[[tree_sitter.Node], None]:
        """`method` called with the facts of the innermost function, when it is a candidate."""

        def visit(node: tree_sitter.Node) -> None:
            facts = self._functions[-1] if self._functions else None
            if facts is not None:
                method(node, facts)

        return visit

    def _return_statement(self, node: tree_sitter.Node, facts: FunctionFacts) -> None:
        value = next((c for c in node.named_children if c.type != "comment"), None)
        if value is not None and not ts.literal_value(value)[0]:
            facts.computes = True

    def _binary_expression(self, node: tree_sitter.Node, facts: FunctionFacts) -> None:
        pair = _js_equality(node, facts)
        if pair is not None:
            facts.note_comparison(*pair)

    def _if_branch(self, node: tree_sitter.Node, facts: FunctionFacts) -> None:
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
            facts.branches.append(Branch(condition, consequence, conditions, output, general=False))

    def _ternary_branch(self, node: tree_sitter.Node, facts: FunctionFacts) -> None:
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
                Branch(condition, consequence, conditions, output, general=general)
            )


def _js_conditions(
    node: tree_sitter.Node, facts: FunctionFacts
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


def _js_equality(node: tree_sitter.Node, facts: FunctionFacts) -> tuple[str, Key] | None:
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
