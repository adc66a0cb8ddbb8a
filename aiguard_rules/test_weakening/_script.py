"""Reads one version of a JavaScript/TypeScript test file into a `FileFacts` (tree-sitter).

Jest, Vitest, Mocha, Jasmine, node:test, AVA and Playwright share one shape: `describe(name,
fn)` suites holding `it(name, fn)`/`test(name, fn)` blocks, with modifiers in the callee
(`it.skip`, `describe.only`, `test.each(table)`) or in its name (`xit`, `fdescribe`). A test is
named by its suite path (`suite > case`), which is how the before- and after-versions meet.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from tree_sitter import Node

TEST_ROOTS = frozenset({"it", "test", "specify", "xit", "xtest", "xspecify", "fit"})
SUITE_ROOTS = frozenset({"describe", "context", "suite", "xdescribe", "xcontext", "fdescribe"})
SKIPPING_ROOTS = frozenset({"xit", "xtest", "xspecify", "xdescribe", "xcontext"})
FOCUSING_ROOTS = frozenset({"fit", "fdescribe"})
# Modules whose named exports are the test functions: `import { xit as later } from 'vitest'`
# makes `later` an `xit`, `import { describe as fdescribe }` makes `fdescribe` a `describe`.
FRAMEWORK_MODULES = frozenset(
    {"@jest/globals", "vitest", "bun:test", "mocha", "node:test", "@playwright/test"}
)
# Globals of Jest/Jasmine that a file may also define for itself (`import { fit } from
# './curve'`, `const pending = getPending()`): then they are that file's own functions.
SHADOWABLE = SKIPPING_ROOTS | FOCUSING_ROOTS | {"pending"}
# What may follow `expect(x)` before its matcher: `expect(x).not.resolves.toBe(1)`.
EXPECT_MODIFIERS = frozenset({"not", "resolves", "rejects"})
# A Jest/Vitest matcher's name (`toBe`, `toHaveLength`, jest-extended's `toBeArray`).
JEST_MATCHER = re.compile(r"to[A-Z]\w*$")
# What a modifier does to the test or suite it is applied to, as a message template.
SKIPPING_MODIFIERS = {
    "skip": "`{callee}` skips the {what} {name!r}: it can no longer fail",
    "todo": "`{callee}` declares the test {name!r} as a to-do: nothing of it runs",
    "fixme": "`{callee}` skips the {what} {name!r} (fixme): it can no longer fail",
    "failing": "`{callee}` expects the test {name!r} to fail: its failure no longer fails the run",
    "fails": "`{callee}` expects the test {name!r} to fail: its failure no longer fails the run",
}
FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
CONDITIONALS = frozenset({"if_statement", "ternary_expression", "catch_clause", "switch_case"})
LOOPS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
ITERATING_METHODS = frozenset({"forEach", "map", "flatMap", "every", "some", "filter", "reduce"})
LITERALS = frozenset(
    {"number", "string", "true", "false", "null", "undefined", "regex", "array", "object"}
)
EQUALITY_MATCHERS = frozenset({"toBe", "toEqual", "toStrictEqual"})
NODE_ASSERT_EQUALITIES = frozenset({"equal", "strictEqual", "deepEqual", "deepStrictEqual"})
DEFINED_MATCHERS = frozenset({"toBeDefined", "toBeTruthy"})
THROW_MATCHERS = frozenset({"toThrow", "toThrowError"})
# Methods of an AVA / tap / node:test context object `t` that do not assert.
PLAIN_CONTEXT_METHODS = frozenset(
    {
        "plan",
        "end",
        "teardown",
        "log",
        "timeout",
        "context",
        "test",
        "diagnostic",
        "mock",
        "before",
        "after",
        "beforeEach",
        "afterEach",
        "skip",
        "todo",
        "comment",
        "name",
        "signal",
    }
)
# Testing Library queries that throw when nothing matches: `screen.getByText("Saved")` checks.
THROWING_QUERIES = ("getBy", "getAllBy", "findBy", "findAllBy")
SCRIPT_SUFFIXES = (".js", ".ts", ".jsx", ".tsx", ".mjs", ".cjs", ".mts", ".cts")


# The node types `_ScriptReader._visit` treats specially, besides CONDITIONALS and LOOPS.
_HANDLED = frozenset(
    {
        "call_expression",
        "function_declaration",
        "generator_function_declaration",
        "variable_declarator",
        "binary_expression",
    }
)


@dataclass(frozen=True)
class _Context:
    """Where the walk stands: the suite path, the test or helper it is in, and its guards."""

    suite: tuple[str, ...] = ()
    case: Case | None = None
    conditional: bool = False
    looped: bool = False
    context_param: str | None = None  # AVA/tap's `t`

    @property
    def scope(self) -> str:
        if self.case is not None:
            return self.case.name
        return " > ".join(self.suite)


@dataclass(frozen=True)
class _Imported:
    spec: str  # the module specifier ("./math")
    name: str | None  # the exported name; None for a namespace or whole-module import


def read_script(source: Source) -> FileFacts:
    """The test blocks, helpers and markers of one version of a JS/TS file."""
    reader = _ScriptReader(source)
    reader.read()
    return reader.facts


class _ScriptReader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.facts = FileFacts(source=source, locate=source.node_span, render=source.node_text)
        self.imports: dict[str, _Imported] = {}
        self.helpers: set[str] = set()
        self.aliases: dict[str, str] = {}  # local name -> the test function it imports
        self.shadowed: set[str] = set()  # SHADOWABLE names this file defines or imports
        self._planned: dict[int, _Context] = {}  # see "the walk" below
        self._inherited: list[_Context | None] = []

    def text(self, node: Node) -> str:
        return self.source.node_text(node)

    def key(self, node: Node) -> str:
        return squash(self.text(node))

    def read(self) -> None:
        from aiguard.lint.walk_script import walk

        root = self.source.tree.root_node
        self._read_module_facts(root)
        self._resolve_names()
        self._planned[root.id] = _Context()
        walk(root, [self])
        known = set(self.facts.functions)
        for case in self.facts.functions.values():
            case.local_calls = [c for c in case.local_calls if c in known]

    # -- the walk -------------------------------------------------------------------------
    #
    # One walk of the whole tree (aiguard.lint.walk_script) reaches every named node; the
    # reader decides which of them it reads and in what context. A node it reads either
    # passes a context to all its named children (`_inherited`, one entry per named
    # ancestor, None when the ancestor passes nothing), or names the descendants it reads
    # and their contexts (`_planned`, by node id); every other node is walked past unread.

    def get_visitors(self) -> dict[str, Callable[[Node], object]]:
        visitors: dict[str, Callable[[Node], object]] = {}
        from aiguard.lint.walk_script import named_types
        from aiguard.source import tree_sitter_language

        for kind in named_types(tree_sitter_language(self.source.path)):
            handled = kind in _HANDLED or kind in CONDITIONALS or kind in LOOPS
            visitors[f"visit_{kind}"] = self._enter if handled else self._enter_plain
            visitors[f"leave_{kind}"] = self._leave
        return visitors

    def _enter_plain(self, node: Node) -> None:
        """A node `_visit` does nothing special with: it passes its context on (the fast path
        of `_enter`, for most nodes)."""
        inherited = self._inherited
        if self._planned:
            context = self._planned.pop(node.id, None)
            if context is not None:
                inherited.append(context)
                return
        inherited.append(inherited[-1] if inherited else None)

    def _enter(self, node: Node) -> None:
        context = self._planned.pop(node.id, None)
        if context is None and self._inherited:
            context = self._inherited[-1]
        if context is None:
            self._inherited.append(None)
            return
        children = self._visit(node, context)
        if isinstance(children, _Context):
            self._inherited.append(children)
            return
        self._inherited.append(None)
        for child, child_context in children:
            self._planned[child.id] = child_context

    def _leave(self, node: Node) -> None:
        self._inherited.pop()

    def _visit(self, node: Node, context: _Context) -> _Context | list[tuple[Node, _Context]]:
        """Handle one node; return the context all its named children are read in, or the
        descendants to read with theirs."""
        kind = node.type
        if kind == "call_expression":
            handled = self._call(node, context)
            if handled is not None:
                return handled
        elif kind in ("function_declaration", "generator_function_declaration"):
            body = node.child_by_field_name("body")
            parent = node.parent
            if (
                body is not None
                and parent is not None
                and parent.type in ("program", "export_statement")
            ):
                return self._helper(node, node.child_by_field_name("name"), body, context)
        elif kind == "variable_declarator" and _top_level(node):
            value = node.child_by_field_name("value")
            if value is not None and value.type in FUNCTIONS:
                return self._helper(node, node.child_by_field_name("name"), value, context)
        elif kind in CONDITIONALS or (kind == "binary_expression" and _logical(node)):
            context = _with(context, conditional=True)
        elif kind in LOOPS:
            context = _with(context, looped=True)
        return context

    def _helper(
        self, node: Node, name: Node | None, function: Node, context: _Context
    ) -> _Context | list[tuple[Node, _Context]]:
        if name is None or context.case is not None:
            return context
        helper = Case(
            name=self.text(name), anchor=name, node=node, first_anchor=node, is_test=False
        )
        self.facts.functions[helper.name] = helper
        return [(function, _Context(context.suite, helper))]

    def _call(self, node: Node, context: _Context) -> list[tuple[Node, _Context]] | None:
        callee = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if callee is None or arguments is None:
            return None
        raw = _chain(callee)
        chain = self._resolve(raw)
        if arguments.type == "template_string":  # a tagged template: it.each`table`
            args = [arguments]
        else:
            args = [a for a in arguments.named_children if a.type != "comment"]
        parent = node.parent
        curried = (
            parent is not None
            and parent.type == "call_expression"
            and _same_node(parent.child_by_field_name("function"), node)
        )  # `it.each(table)` of `it.each(table)(name, fn)`: the outer call is the test
        if chain and chain[0] in TEST_ROOTS | SUITE_ROOTS and not curried:
            if _is_block(args):
                return self._block(node, chain, args, context, _shown(raw))
            if raw[0] in self.aliases or not (
                chain[0] in SHADOWABLE and _declared_locally(node, chain[0])
            ):  # not the file's own `fit`
                self._bare_call(node, chain, args, context, _shown(raw))
        elif chain == ["this", "skip"] and not context.conditional:
            self._mark(
                "skip",
                node,
                "`this.skip()` runs unconditionally: the test never checks anything",
                context,
            )
        elif (
            chain == ["pending"]
            and not context.conditional
            and not _declared_locally(node, "pending")
        ):
            message = "`pending()` marks the test pending: it can no longer fail"
            self._mark("skip", node, message, context)
        if context.case is not None and raw:
            self._in_test(node, raw, args, context)
        prop = (
            callee.child_by_field_name("property") if callee.type == "member_expression" else None
        )
        if prop is not None and self.text(prop) in ITERATING_METHODS:
            inner = _with(context, looped=True)
            return [(callee, context), (arguments, inner)]
        return None

    # -- test and suite blocks ------------------------------------------------------------

    def _block(
        self, node: Node, chain: list[str], args: list[Node], context: _Context, shown: str
    ) -> list[tuple[Node, _Context]]:
        root = chain[0]
        name = _string_text(self.text(args[0]))
        function = next((a for a in args[1:] if a.type in FUNCTIONS), None)
        is_suite = root in SUITE_ROOTS or "describe" in chain
        self._check_block_modifiers(node, chain, name, len(args) > 1, is_suite, context, shown)
        inside_test = context.case is not None and context.case.is_test
        if function is None:
            if not is_suite and not inside_test and args[1:]:
                self._named_callback(node, name, args[1], chain, context)
            return [(a, context) for a in args[1:]]
        if is_suite:
            return [(function, _Context((*context.suite, name)))]
        if inside_test:  # a test inside a test: part of it
            return [(function, context)]
        case = self._new_case(node, name, context)
        body = function.child_by_field_name("body")
        if body is not None:
            case.body_node = body
            case.empty = body.type == "statement_block" and not any(
                c.type not in ("comment", "empty_statement") for c in body.named_children
            )
        if "each" in chain:
            case.cases = _table_size(node)
        # AVA, tap and node:test pass a context `t` whose methods assert (`t.is(a, b)`).
        param = _first_param(function) if chain == ["test"] else None
        context_param = param if param == "t" else None
        return [(function, _Context(context.suite, case, context_param=context_param))]

    def _new_case(self, node: Node, name: str, context: _Context) -> Case:
        """A test named `name` in the current suite, registered under a unique name."""
        full = " > ".join((*context.suite, name))
        unique = full
        count = 2
        while unique in self.facts.functions:
            unique = f"{full} #{count}"
            count += 1
        case = Case(name=unique, anchor=node, node=node, first_anchor=node)
        self.facts.functions[unique] = case
        return case

    def _named_callback(
        self, node: Node, name: str, callback: Node, chain: list[str], context: _Context
    ) -> None:
        """`it("x", checkTotals)`: the test's body is the named function. One this file
        defines at its top level is read as the test's helper; any other leaves the test
        opaque (what it asserts cannot be seen here)."""
        if callback.type not in ("identifier", "member_expression"):
            return
        case = self._new_case(node, name, context)
        case.body_node = callback
        if "each" in chain:
            case.cases = _table_size(node)
        function = self.text(callback)
        if callback.type == "identifier" and function in self.helpers:
            case.local_calls.append(function)
        else:
            case.opaque = True

    def _check_block_modifiers(
        self,
        node: Node,
        chain: list[str],
        name: str,
        has_function: bool,
        is_suite: bool,
        context: _Context,
        shown: str,
    ) -> None:
        root = chain[0]
        callee_text = shown
        what = "suite" if is_suite else "test"
        message = ""
        kind = "skip"
        if root in SKIPPING_ROOTS:
            message = f"`{callee_text}` skips the {what} {name!r}: it can no longer fail"
        elif root in FOCUSING_ROOTS or "only" in chain:
            kind = "focus"
            message = (
                f"`{callee_text}` focuses the {what} {name!r}: every other test in the file "
                "is silently skipped"
            )
        elif modifier := next((m for m in chain[1:] if m in SKIPPING_MODIFIERS), None):
            template = SKIPPING_MODIFIERS[modifier]
            message = template.format(callee=callee_text, what=what, name=name)
        elif "skipIf" in chain or "runIf" in chain:
            if self._constant_guard(node, chain):
                message = f"`{callee_text}` with a constant condition skips the {what} {name!r}"
        elif not has_function and root in TEST_ROOTS and len(chain) == 1:
            message = f"`{root}({name!r})` without a function is a pending test that never runs"
        if message:
            marker_key = f"{'.'.join(c for c in chain if c != '()')}:{name}"
            self.facts.markers.append(Marker(kind, marker_key, message, node, context.scope))

    def _constant_guard(self, node: Node, chain: list[str]) -> bool:
        """`it.skipIf(true)` / `it.runIf(false)`: the guard call's literal argument."""
        callee = node.child_by_field_name("function")
        while callee is not None and callee.type in ("call_expression", "member_expression"):
            if callee.type == "call_expression":
                inner = callee.child_by_field_name("function")
                guard = _chain(inner) if inner is not None else []
                if guard and guard[-1] in ("skipIf", "runIf"):
                    args = callee.child_by_field_name("arguments")
                    first = args.named_children[0] if args and args.named_children else None
                    wanted = "true" if guard[-1] == "skipIf" else "false"
                    return first is not None and first.type == wanted
                callee = inner
            else:
                callee = callee.child_by_field_name("object")
        return False

    def _bare_call(
        self, node: Node, chain: list[str], args: list[Node], context: _Context, shown: str
    ) -> None:
        """A test function called without a test block: `it.only()`, `fit.each()()`,
        `xdescribe()`, and Playwright's `test.skip()` / `test.skip(condition, reason)`
        inside a test or suite."""
        root = chain[0]
        modifiers = [c for c in chain[1:] if c != "()"]
        if root in FOCUSING_ROOTS or "only" in modifiers:
            message = f"`{shown}` focuses tests: every other test in the file is silently skipped"
            self._mark("focus", node, message, context)
            return
        if root in SKIPPING_ROOTS or ("skip" in modifiers and "each" in modifiers):
            self._mark("skip", node, f"`{shown}` skips tests: they can no longer fail", context)
            return
        if not modifiers or modifiers[-1] not in ("skip", "fixme", "fail"):
            return
        if args and args[0].type != "true":
            return  # a condition: a skip that says when it applies
        if context.conditional:
            return
        message = f"`{shown}()` runs unconditionally: the test never checks anything"
        self._mark("skip", node, message, context)

    # -- inside a test or helper ----------------------------------------------------------

    def _in_test(self, node: Node, chain: list[str], args: list[Node], context: _Context) -> None:
        case = context.case
        assert case is not None
        last = chain[-1]
        if chain == ["expect"]:
            dangling = _dangling_expect(node)
            if dangling is not None:
                self._mark("tautology", dangling, self._dangling_message(node, dangling), context)
                return
        if _is_assertion(chain, context.context_param):
            case.assertions += 1
            if context.looped:
                case.looped = True
        elif len(chain) == 1 and chain[0] in self.helpers:
            case.local_calls.append(chain[0])
        else:
            target = self._target(chain)
            if target is not None:
                case.targets.append(target)
        subject = self._expect_subject(node)
        if subject is not None:
            self._matcher(node, last, subject, args, context)
        elif chain[0] == "assert" or chain == ["chai", "assert"]:
            self._node_assert(node, chain, args, context)

    def _dangling_message(self, call: Node, top: Node) -> str:
        text = display(self.text(top))
        if _same_node(call, top):
            return f"`{text}` has no matcher: it checks nothing"
        prop = top.child_by_field_name("property")
        if prop is not None and self.text(prop) in EXPECT_MODIFIERS:
            return f"`{text}` has no matcher: it checks nothing"
        return f"`{text}` never calls its matcher: it checks nothing"

    def _expect_subject(self, node: Node) -> Node | None:
        """For `expect(x).not.toBe(y)`, the `x` (None when the call is no expect matcher).

        Negated matchers are left out: `.not` turns a tautology into a test that cannot pass,
        which fails loudly instead of passing silently.
        """
        callee = node.child_by_field_name("function")
        if callee is None or callee.type != "member_expression":
            return None
        obj = callee.child_by_field_name("object")
        while obj is not None and obj.type == "member_expression":
            prop = obj.child_by_field_name("property")
            if prop is None or self.text(prop) == "not":
                return None
            obj = obj.child_by_field_name("object")
        if obj is None or obj.type != "call_expression":
            return None
        inner = obj.child_by_field_name("function")
        if inner is None or self.text(inner) != "expect":
            return None
        arguments = obj.child_by_field_name("arguments")
        values = arguments.named_children if arguments is not None else []
        return values[0] if values else None

    def _matcher(
        self, node: Node, matcher: str, subject: Node, args: list[Node], context: _Context
    ) -> None:
        case = context.case
        assert case is not None
        text = display(self.text(node))
        constant = (matcher == "toBeTruthy" and _truthy_literal(subject)) or (
            matcher == "toBeDefined" and _literal(subject)
        )
        if matcher in EQUALITY_MATCHERS and args and self._same(subject, args[0], case):
            self._mark("tautology", node, _same_message(text, subject), context)
        elif constant:
            self._mark("tautology", node, f"`{text}` checks a constant and is always true", context)
        elif matcher in DEFINED_MATCHERS and self._just_set(subject, node, matcher == "toBeTruthy"):
            message = f"`{text}` checks a value the test itself just set to a literal"
            self._mark("tautology", node, message, context)
        elif matcher in THROW_MATCHERS:
            if not args or self.text(args[0]) == "Error":
                message = (
                    f"`{text}` accepts any error where the test expected a specific one "
                    "(a typo or a wrong argument now passes)"
                )
                self._mark("bare-throw", node, message, context)
            else:
                case.specific_throws += 1
        elif matcher == "toBeCloseTo" and args:
            self._close_to(node, subject, args, context)

    def _node_assert(
        self, node: Node, chain: list[str], args: list[Node], context: _Context
    ) -> None:
        """node:assert and chai's assert: `assert(true)`, `assert.equal(x, x)`."""
        case = context.case
        assert case is not None
        method = chain[-1] if len(chain) > 1 and chain[-1] != "assert" else "ok"
        text = display(self.text(node))
        if method in ("ok", "isOk", "isTrue") and args and _truthy_literal(args[0]):
            self._mark("tautology", node, f"`{text}` checks a constant and is always true", context)
        elif (
            method in NODE_ASSERT_EQUALITIES
            and len(args) >= 2
            and self._same(args[0], args[1], case)
        ):
            self._mark("tautology", node, _same_message(text, args[0]), context)

    def _same(self, left: Node, right: Node, case: Case) -> bool:
        """The same plain value on both sides, in a test that is not about equality itself."""
        if not (_plain(left) and _plain(right)) or self.key(left) != self.key(right):
            return False
        if _literal(left):
            return True
        return not EQUALITY_TEST_NAME.search(case.name.rsplit(" > ", 1)[-1])

    def _just_set(self, subject: Node, call: Node, truthy: bool) -> bool:
        """Whether the statement just before set `subject` (a name) to a literal."""
        if subject.type != "identifier":
            return False
        statement = call
        while statement.parent is not None and statement.type != "expression_statement":
            statement = statement.parent
        previous = statement.prev_named_sibling
        while previous is not None and previous.type == "comment":
            previous = previous.prev_named_sibling
        if previous is None:
            return False
        value = _assigned_value(previous, self.text(subject))
        if value is None:
            return False
        return _truthy_literal(value) if truthy else _literal(value)

    def _close_to(self, node: Node, subject: Node, args: list[Node], context: _Context) -> None:
        digits = args[1] if len(args) > 1 else None
        if digits is None:
            bound = Bound(10.0**-2, "the default numDigits=2")
        else:
            value = _number(self.text(digits)) if digits.type == "number" else None
            distance = 10.0**-value if value is not None and abs(value) < 300 else None
            bound = Bound(distance, f"numDigits={display(self.text(digits))}")
        subject_key = f"{self.key(subject)},{self.key(args[0])}"
        self.facts.tolerances.append(
            Tolerance("toBeCloseTo", subject_key, {"abs": bound}, node, context.scope)
        )

    # -- imports and targets --------------------------------------------------------------

    def _read_module_facts(self, root: Node) -> None:
        for node in root.named_children:
            statement = (
                node.child_by_field_name("declaration") if node.type == "export_statement" else node
            )
            if statement is None:
                continue
            if statement.type == "import_statement":
                self._note_import(statement)
            elif statement.type in ("lexical_declaration", "variable_declaration"):
                for declarator in statement.named_children:
                    self._note_require(declarator)
                    value = declarator.child_by_field_name("value")
                    name = declarator.child_by_field_name("name")
                    if value is not None and name is not None and value.type in FUNCTIONS:
                        self.helpers.add(self.text(name))
            elif statement.type in ("function_declaration", "generator_function_declaration"):
                name = statement.child_by_field_name("name")
                if name is not None:
                    self.helpers.add(self.text(name))

    def _resolve_names(self) -> None:
        """Which local names are test functions under another name, and which Jasmine
        globals the file defines for itself."""
        roots = TEST_ROOTS | SUITE_ROOTS
        for local, imported in self.imports.items():
            if imported.spec in FRAMEWORK_MODULES and imported.name in roots:
                self.aliases[local] = imported.name
            elif local in SHADOWABLE:
                self.shadowed.add(local)
        self.shadowed.update(name for name in self.helpers if name in SHADOWABLE)

    def _resolve(self, chain: list[str]) -> list[str]:
        """The chain with its head read as the test function it names ([] for a Jasmine
        global the file defines for itself)."""
        if not chain:
            return chain
        head = chain[0]
        if head in self.shadowed:
            return []
        alias = self.aliases.get(head)
        return chain if alias is None or alias == head else [alias, *chain[1:]]

    def _note_import(self, statement: Node) -> None:
        source = statement.child_by_field_name("source")
        if source is None:
            return
        spec = _string_text(self.text(source))
        for clause in statement.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.imports[self.text(part)] = _Imported(spec, "default")
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        self.imports[self.text(ident)] = _Imported(spec, None)
                elif part.type == "named_imports":
                    for specifier in part.named_children:
                        name = specifier.child_by_field_name("name")
                        alias = specifier.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            self.imports[self.text(alias)] = _Imported(spec, self.text(name))

    def _note_require(self, declarator: Node) -> None:
        value = declarator.child_by_field_name("value")
        pattern = declarator.child_by_field_name("name")
        if value is None or pattern is None or value.type != "call_expression":
            return
        callee = value.child_by_field_name("function")
        arguments = value.child_by_field_name("arguments")
        if callee is None or self.text(callee) != "require" or arguments is None:
            return
        first = arguments.named_children[0] if arguments.named_children else None
        if first is None or first.type != "string":
            return
        spec = _string_text(self.text(first))
        if pattern.type == "identifier":
            self.imports[self.text(pattern)] = _Imported(spec, None)
        elif pattern.type == "object_pattern":
            for part in pattern.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    self.imports[self.text(part)] = _Imported(spec, self.text(part))
                elif part.type == "pair_pattern":
                    key = part.child_by_field_name("key")
                    local = part.child_by_field_name("value")
                    if key is not None and local is not None:
                        self.imports[self.text(local)] = _Imported(spec, self.text(key))

    def _target(self, chain: list[str]) -> Target | None:
        """The project file a called name came from: `f()` or `mod.f()` of a relative import."""
        if "()" in chain or not chain:
            return None
        imported = self.imports.get(chain[0])
        if imported is None or not imported.spec.startswith("."):
            return None
        if imported.name is not None and len(chain) == 1:
            name = imported.name
        elif imported.name is None and len(chain) == 2:
            name = chain[1]
        else:
            return None
        base = posixpath.normpath(
            posixpath.join(posixpath.dirname(self.source.path), imported.spec)
        )
        stem, ext = posixpath.splitext(base)
        paths = [base] if ext in SCRIPT_SUFFIXES else []
        if ext in (".js", ".mjs", ".cjs", ".jsx"):
            paths.extend(stem + s for s in SCRIPT_SUFFIXES)  # TS sources imported as ".js"
        paths.extend(base + s for s in SCRIPT_SUFFIXES)
        paths.extend(f"{base}/index{s}" for s in SCRIPT_SUFFIXES)
        return Target(name, tuple(dict.fromkeys(paths)))

    # -- reporting ------------------------------------------------------------------------

    def _mark(self, kind: str, node: Node, message: str, context: _Context) -> None:
        self.facts.markers.append(Marker(kind, self.key(node), message, node, context.scope))


# -- pure helpers over tree-sitter nodes ----------------------------------------------------


def _with(
    context: _Context, *, conditional: bool | None = None, looped: bool | None = None
) -> _Context:
    return _Context(
        context.suite,
        context.case,
        context.conditional if conditional is None else conditional,
        context.looped if looped is None else looped,
        context.context_param,
    )


def _chain(node: Node) -> list[str]:
    """`it.skip.each(t)` -> ["it", "skip", "each", "()"]; [] for callees that are no name chain."""
    if node.type == "identifier":
        return [(node.text or b"").decode("utf-8", "replace")]
    if node.type == "this":
        return ["this"]
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is None or prop is None:
            return []
        base = _chain(obj)
        return [*base, (prop.text or b"").decode("utf-8", "replace")] if base else []
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        base = _chain(function) if function is not None else []
        return [*base, "()"] if base else []
    if node.type == "subscript_expression":  # it["skip"], describe[`only`]
        obj = node.child_by_field_name("object")
        index = node.child_by_field_name("index")
        key = _static_key(index) if index is not None else None
        base = _chain(obj) if obj is not None and key is not None else []
        return [*base, key] if base and key is not None else []
    if node.type in ("non_null_expression", "parenthesized_expression") and node.named_children:
        return _chain(node.named_children[0])
    return []


def _static_key(index: Node) -> str | None:
    """The property a subscript names when it is written as a literal: `["skip"]`, `[`only`]`."""
    if index.type not in ("string", "template_string"):
        return None
    if any(c.type == "template_substitution" for c in index.named_children):
        return None
    text = (index.text or b"").decode("utf-8", "replace")
    return text[1:-1] if len(text) >= 2 else None


def _shown(chain: list[str]) -> str:
    """A callee chain for a message: `it.skip.each`, without its calls."""
    return ".".join(c for c in chain if c != "()")


def _same_node(a: Node | None, b: Node) -> bool:
    return a is not None and a.id == b.id


def _dangling_expect(call: Node) -> Node | None:
    """For an `expect(x)` statement whose matcher is missing or never called (`expect(x);`,
    `expect(x).toBeDefined;`, `await expect(p).resolves;`), the whole expression; else None."""
    top = call
    parent = top.parent
    properties: list[str] = []
    while (
        parent is not None
        and parent.type == "member_expression"
        and _same_node(parent.child_by_field_name("object"), top)
    ):
        prop = parent.child_by_field_name("property")
        properties.append((prop.text or b"").decode("utf-8", "replace") if prop else "")
        top = parent
        parent = top.parent
    if properties and not (
        JEST_MATCHER.match(properties[-1]) or all(p in EXPECT_MODIFIERS for p in properties)
    ):
        return None  # Chai's property assertions assert when read: `expect(x).to.be.true`
    if parent is not None and parent.type == "await_expression":
        parent = parent.parent
    if parent is None or parent.type != "expression_statement":
        return None  # called (a matcher), passed on, or kept: not a statement that drops it
    return top


def _declared_locally(node: Node, name: str) -> bool:
    """Whether `name` is declared in a block or function around `node` (a parameter, a
    `const`/`let`/`var`, a function declaration), so that it is not the global of that name."""
    current = node.parent
    while current is not None:
        if current.type in ("statement_block", "program"):
            if any(_declares(child, name) for child in current.named_children):
                return True
        elif current.type in FUNCTIONS or current.type in (
            "function_declaration",
            "generator_function_declaration",
            "method_definition",
        ):
            params = current.child_by_field_name("parameters") or current.child_by_field_name(
                "parameter"
            )
            if params is not None and name in _words(params):
                return True
        current = current.parent
    return False


def _declares(statement: Node, name: str) -> bool:
    if statement.type == "export_statement":
        declaration = statement.child_by_field_name("declaration")
        return declaration is not None and _declares(declaration, name)
    if statement.type in ("lexical_declaration", "variable_declaration"):
        for declarator in statement.named_children:
            target = declarator.child_by_field_name("name")
            if target is not None and name in _words(target):
                return True
        return False
    if statement.type in ("function_declaration", "generator_function_declaration"):
        target = statement.child_by_field_name("name")
        return target is not None and (target.text or b"").decode() == name
    return False


def _words(node: Node) -> set[str]:
    return set(re.findall(r"[\w$]+", (node.text or b"").decode("utf-8", "replace")))


def _is_assertion(chain: list[str], context_param: str | None) -> bool:
    last = chain[-1]
    if last.lower().startswith(HELPER_PREFIXES) or last.startswith(THROWING_QUERIES):
        return True
    if chain[0] == "assert" and len(chain) == 2:
        return True
    if "should" in chain:
        return True
    if chain[:2] == ["sinon", "assert"]:
        return True
    return (
        context_param is not None
        and len(chain) == 2
        and chain[0] == context_param
        and last not in PLAIN_CONTEXT_METHODS
    )


def _is_block(args: list[Node]) -> bool:
    """`(name, fn)` or `(name)`: a test name written as a string, or given by a name when a
    function follows (`describe(Parser.name, () => ...)`; `fit(data)` is no test)."""
    if not args:
        return False
    if args[0].type in ("string", "template_string"):
        return True
    return (
        args[0].type in ("identifier", "member_expression")
        and len(args) > 1
        and args[1].type in FUNCTIONS
    )


def _string_text(text: str) -> str:
    if len(text) >= 2 and text[0] in "'\"`" and text[-1] == text[0]:
        return text[1:-1]
    return text


def _top_level(node: Node) -> bool:
    declaration = node.parent
    holder = declaration.parent if declaration is not None else None
    if holder is not None and holder.type == "export_statement":
        holder = holder.parent
    return holder is not None and holder.type == "program"


def _logical(node: Node) -> bool:
    operator = node.child_by_field_name("operator")
    return operator is not None and operator.type in ("&&", "||", "??")


def _first_param(function: Node) -> str | None:
    params = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if params is None:
        return None
    if params.type == "identifier":
        return (params.text or b"").decode()
    for param in params.named_children:
        if param.type == "identifier":
            return (param.text or b"").decode()
        if param.type in ("required_parameter", "optional_parameter"):
            pattern = param.child_by_field_name("pattern")
            if pattern is not None and pattern.type == "identifier":
                return (pattern.text or b"").decode()
        return None
    return None


def _table_size(node: Node) -> int | None:
    """The number of rows of `it.each([...])`; None for a table given another way."""
    callee = node.child_by_field_name("function")
    if callee is None or callee.type != "call_expression":
        return None
    arguments = callee.child_by_field_name("arguments")
    table = (
        arguments.named_children[0] if arguments is not None and arguments.named_children else None
    )
    if table is None or table.type != "array":
        return None
    return len([c for c in table.named_children if c.type != "comment"])


def _plain(node: Node) -> bool:
    """A value read without calling anything: a name, a property chain, a literal."""
    if node.type in (
        "identifier",
        "this",
        "number",
        "string",
        "true",
        "false",
        "null",
        "undefined",
    ):
        return True
    if node.type == "template_string":
        return not any(c.type == "template_substitution" for c in node.named_children)
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        return obj is not None and _plain(obj)
    if node.type == "subscript_expression":
        obj = node.child_by_field_name("object")
        index = node.child_by_field_name("index")
        return (
            obj is not None
            and index is not None
            and _plain(obj)
            and index.type in ("number", "string")
        )
    return False


def _same_message(text: str, operand: Node) -> str:
    if _literal(operand):
        return f"`{text}` compares a constant with itself and is always true"
    return f"`{text}` compares a value with itself and is always true"


def _literal(node: Node) -> bool:
    if node.type == "template_string":
        return not any(c.type == "template_substitution" for c in node.named_children)
    return node.type in LITERALS


def _truthy_literal(node: Node) -> bool:
    if node.type in ("true", "array", "object", "regex"):
        return True
    text = (node.text or b"").decode("utf-8", "replace")
    if node.type == "number":
        value = _number(text)
        return value is not None and value != 0
    if node.type == "string":
        return len(text) > 2
    return False


def _assigned_value(statement: Node, name: str) -> Node | None:
    """The value `statement` gives `name`: `const name = value` or `name = value`."""
    if statement.type in ("lexical_declaration", "variable_declaration"):
        declarators = [d for d in statement.named_children if d.type == "variable_declarator"]
        if len(declarators) != 1:
            return None
        target = declarators[0].child_by_field_name("name")
        if target is not None and (target.text or b"").decode() == name:
            return declarators[0].child_by_field_name("value")
        return None
    if statement.type == "expression_statement" and statement.named_children:
        expr = statement.named_children[0]
        if expr.type == "assignment_expression":
            left = expr.child_by_field_name("left")
            if left is not None and (left.text or b"").decode() == name:
                return expr.child_by_field_name("right")
    return None


def _number(text: str) -> float | None:
    cleaned = text.replace("_", "")
    try:
        if cleaned.lower().startswith(("0x", "0o", "0b")):
            return float(int(cleaned, 0))
        return float(cleaned.rstrip("n"))
    except ValueError:
        return None
