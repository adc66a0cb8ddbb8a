"""The batched tree-sitter walk: the same nodes, in the same order, as a walk of named_children;
leave after the last descendant; one visitor's crash stops only that visitor; and the engine
runs every script rule of a file in it, keeping the others' findings when one crashes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar

import pytest

from aiguard.findings import Category
from aiguard.lint.engine import Engine
from aiguard.lint.registry import load_rules
from aiguard.lint.rule import FileContext, Flag, Pass, ScriptRule
from aiguard.lint.testing import example_change, run_example
from aiguard.lint.walk_script import ScriptWalk, Visitor, named_types, nodes_of, walk
from aiguard.project import Project
from aiguard.source import TREE_SITTER_LANGUAGES, Source, tree_sitter_language

if TYPE_CHECKING:
    from tree_sitter import Node

    from aiguard.config import Config

Event = tuple[str, str, int, int]


def _event(kind: str, node: Node) -> Event:
    return (kind, node.type, node.start_byte, node.end_byte)


def reference(node: Node) -> Iterator[Event]:
    """What the walk must do, written the slow and obvious way (recursion on named_children)."""
    yield _event("visit", node)
    for child in node.named_children:
        yield from reference(child)
    yield _event("leave", node)


class Recorder:
    """Visits and leaves every node type in `types`."""

    def __init__(self, types: set[str]) -> None:
        self.types = types
        self.events: list[Event] = []

    def get_visitors(self) -> Mapping[str, Callable[[Node], object]]:
        methods: dict[str, Callable[[Node], object]] = {}
        for kind in self.types:
            methods[f"visit_{kind}"] = lambda n: self.events.append(_event("visit", n))
            methods[f"leave_{kind}"] = lambda n: self.events.append(_event("leave", n))
        return methods


def _script_examples() -> list[tuple[str, str]]:
    """(path, code) of every example of every built-in JS/TS rule: real, varied code."""
    from aiguard.lint.rule import Rule

    found: dict[tuple[str, str], None] = {}
    rule: type[Rule]
    for rule in load_rules().values():
        for example in rule.examples:
            for path, code in [(rule.example_path(example), example.code), *example.files.items()]:
                source = Source(path, code)
                if source.language in TREE_SITTER_LANGUAGES and code:
                    found[(path, code)] = None
    return list(found)


SAMPLES = [
    ("a.js", "const f = function () {};\nfunction* g() { yield 1; }\nclass A { m() {} }\n"),
    ("a.ts", "export abstract class B<T> { abstract run(x: T): void; f = (a = 1) => a ?? 2; }\n"),
    ("a.tsx", "export const C = () => <div onClick={() => {}}>{`t ${x}`}</div>;\n"),
    ("a.js", ""),
    ("a.js", "// only a comment\n"),
]
EXAMPLES = _script_examples()


def _nodes(root: Node) -> set[str]:
    return {event[1] for event in reference(root)}


@pytest.mark.parametrize(("path", "code"), SAMPLES + EXAMPLES)
def test_same_events_as_a_walk_of_named_children(path: str, code: str) -> None:
    root = Source(path, code).tree.root_node
    expected = list(reference(root))
    recorder = Recorder(_nodes(root))
    walk(root, [recorder])
    assert recorder.events == expected


@pytest.mark.parametrize(("path", "code"), SAMPLES + EXAMPLES)
def test_named_types_holds_every_named_type_a_tree_has(path: str, code: str) -> None:
    root = Source(path, code).tree.root_node
    assert _nodes(root) <= named_types(tree_sitter_language(path))


def test_named_types_leaves_out_tokens_and_hidden_rules() -> None:
    types = named_types(tree_sitter_language("a.ts"))
    assert {"call_expression", "identifier", "program", "type_annotation"} <= types
    assert not {t for t in types if t.startswith("_") or not t[0].isalpha()}


def test_there_are_many_examples() -> None:
    assert len(EXAMPLES) > 40  # the built-in rules' examples make the corpus above


def test_only_named_nodes_are_dispatched() -> None:
    # `function` is both a keyword token and, in older grammars, a named expression node.
    root = Source("a.js", "const f = function () {};\n").tree.root_node
    recorder = Recorder({"function", "function_expression", "(", ")"})
    walk(root, [recorder])
    assert [e[:2] for e in recorder.events] == [
        ("visit", "function_expression"),
        ("leave", "function_expression"),
    ]


def test_a_subtree_walk_stays_inside_it() -> None:
    root = Source("a.js", "f(1);\ng(2);\nh(3);\n").tree.root_node
    second = root.named_children[1]
    types = {"call_expression", "number", "expression_statement"}
    recorder = Recorder(types)
    walk(second, [recorder])
    assert recorder.events == [e for e in reference(second) if e[1] in types]
    assert len(recorder.events) == 6
    assert all(second.start_byte <= e[2] and e[3] <= second.end_byte for e in recorder.events)


@pytest.mark.parametrize(("path", "code"), SAMPLES + EXAMPLES)
def test_nodes_of_finds_what_a_walk_of_named_children_finds(path: str, code: str) -> None:
    root = Source(path, code).tree.root_node
    types = {"call_expression", "class_declaration", "function", "comment", "program"}
    expected = [e[1:] for e in reference(root) if e[0] == "visit" and e[1] in types]
    assert [(n.type, n.start_byte, n.end_byte) for n in nodes_of(root, types)] == expected


def test_visitors_are_called_in_the_order_given() -> None:
    root = Source("a.js", "f(1);\n").tree.root_node
    calls: list[str] = []

    class Named:
        def __init__(self, name: str) -> None:
            self.name = name

        def get_visitors(self) -> Mapping[str, Callable[[Node], object]]:
            return {"visit_call_expression": lambda n: calls.append(self.name)}

    walk(root, [Named("first"), Named("second")])
    assert calls == ["first", "second"]


class Crashing:
    """Raises on the second call expression; counts what it saw."""

    def __init__(self) -> None:
        self.seen = 0

    def get_visitors(self) -> Mapping[str, Callable[[Node], object]]:
        return {"visit_call_expression": self.visit, "leave_program": self.visit}

    def visit(self, node: Node) -> None:
        self.seen += 1
        if self.seen == 2:
            raise RuntimeError("boom")


def test_a_crashing_visitor_stops_alone() -> None:
    root = Source("a.js", "f(1);\ng(2);\nh(3);\n").tree.root_node
    crashing = Crashing()
    recorder = Recorder({"call_expression"})
    errors: list[tuple[Visitor, str]] = []
    ScriptWalk([crashing, recorder], lambda v, e: errors.append((v, str(e)))).walk(root)
    assert errors == [(crashing, "boom")]
    assert crashing.seen == 2  # neither the third call nor leave_program reached it
    assert [e[0] for e in recorder.events] == ["visit", "leave"] * 3


def test_without_an_error_handler_the_exception_propagates() -> None:
    root = Source("a.js", "f(1);\ng(2);\n").tree.root_node
    with pytest.raises(RuntimeError, match="boom"):
        walk(root, [Crashing()])


def test_a_method_name_that_is_neither_visit_nor_leave_is_an_error() -> None:
    class Misnamed:
        def get_visitors(self) -> Mapping[str, Callable[[Node], object]]:
            return {"visit_call_expression": print, "on_call_expression": print}

    root = Source("a.js", "f(1);\n").tree.root_node
    with pytest.raises(TypeError, match="on_call_expression"):
        walk(root, [Misnamed()])
    errors: list[str] = []
    recorder = Recorder({"call_expression"})
    ScriptWalk([Misnamed(), recorder], lambda v, e: errors.append(str(e))).walk(root)
    assert len(errors) == 1 and len(recorder.events) == 2


# -- in the engine -----------------------------------------------------------------------------


class CallReporter(ScriptRule):
    id = "AIG494"
    name = "call-reporter"
    category = Category.STUB
    summary = "a call"
    rationale = "test rule"
    fix = "none"
    examples = (Flag("f();\n", line=1), Pass("x;\n"))

    def visit_call_expression(self, node: Node) -> None:
        self.report_line(self.after.node_span(node).line, "call")


class CrashingScriptRule(ScriptRule):
    id = "AIG495"
    name = "crashing-script-rule"
    category = Category.STUB
    languages: ClassVar[frozenset[str]] = frozenset({"javascript"})
    summary = "crashes on the second call"
    rationale = "test rule"
    fix = "none"
    examples = (Flag("f();\n", line=1), Pass("x;\n"))

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.calls = 0

    def visit_call_expression(self, node: Node) -> None:
        self.calls += 1
        self.report_line(self.after.node_span(node).line, "reported before the crash")
        if self.calls == 2:
            raise RuntimeError("boom")


def _check(rules: list[type], path: str, code: str, config: Config | None = None) -> tuple:
    from aiguard.config import Config

    config = config or Config()
    project = Project(None, config, overlay={path: code}, in_git=False)
    outcome = Engine(rules, config).check_file(example_change(path, code, None), project)
    return outcome.findings, outcome.notifications


def test_script_rules_run_in_the_engine() -> None:
    findings, notes = _check([CallReporter], "a.ts", "f();\nx;\ng(h());\n")
    # Both calls on line 3 give the same finding, which the engine keeps once.
    assert [(f.rule_id, f.line) for f in findings] == [("AIG494", 1), ("AIG494", 3)]
    assert notes == []


def test_a_crashing_script_rule_loses_only_its_own_findings() -> None:
    findings, notes = _check([CrashingScriptRule, CallReporter], "a.js", "f();\ng();\nh();\n")
    assert [(f.rule_id, f.line) for f in findings] == [("AIG494", 1), ("AIG494", 2), ("AIG494", 3)]
    assert [n.kind for n in notes] == ["rule-error"]
    assert "AIG495" in notes[0].message and "boom" in notes[0].message


def test_a_script_file_that_does_not_parse_is_one_notification() -> None:
    findings, notes = _check([CrashingScriptRule, CallReporter], "a.js", "f(;\n")
    assert findings == []
    assert [n.kind for n in notes] == ["parse-error"]


def test_the_example_helper_runs_script_rules() -> None:
    outcome = run_example(CallReporter, CallReporter.examples[0])
    assert [f.line for f in outcome.findings] == [1]
