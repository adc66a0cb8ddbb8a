"""AIG711, JavaScript/TypeScript: a name used on a Node.js built-in module that it does not export.

`import { readFileAsync } from "fs"`, `path.joinPath(a, b)`, `crypto.createHash256(...)`: the
module is real, the name invented. The names come from a table of every built-in module's
exports (`aiguard.facts.node.builtins`: a real Node's module objects merged with what
`@types/node` declares, values and types alike), so a name either knows is never reported.

Read from one walk of the file: named imports and `require` destructuring are checked where
they stand; a namespace, default or `require` binding (`import * as fs`, `import fs from`,
`const fs = require("fs")`) makes `fs.name` checked wherever it is read. The rule stays silent
where the code doubts the name itself (`typeof fs.glob`, `"glob" in fs`, `fs.glob?.()`, a
condition or `&&`/`||` operand that tests it), where it assigns it (`fs.helper = ...`), and for a
binding name declared twice in the file (a parameter or local that shadows it).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from aiguard.facts.node.builtins import builtin_exports
from aiguard.findings import Category, Severity
from aiguard.lint.rule import Example, Flag, Pass, ScriptRule
from aiguard_rules._shared import script_syntax as ts

if TYPE_CHECKING:
    import tree_sitter

    from aiguard.lint.rule import FileContext

# Where a declaration holds the name it declares: the parent's type and the field (None: any
# direct child). A binding name declared twice in the file may not be the module where it is read.
_DECLARES: dict[str, str | None] = {
    "variable_declarator": "name",
    "function_declaration": "name",
    "generator_function_declaration": "name",
    "class_declaration": "name",
    "required_parameter": "pattern",
    "optional_parameter": "pattern",
    "formal_parameters": None,
    "catch_clause": "parameter",
    "arrow_function": "parameter",
    "assignment_expression": "left",
    "assignment_pattern": "left",
    "rest_pattern": None,
    "array_pattern": None,
    "pair_pattern": "value",
    "import_specifier": "alias",
    "namespace_import": None,
    "import_clause": None,
}
_GUARDS = frozenset({"if_statement", "ternary_expression", "while_statement"})


@dataclass(frozen=True)
class _Use:
    module: str
    name: str
    line: int
    column: int
    end_line: int
    end_column: int
    binding: str | None  # the local name it is read through; None for a named import


@dataclass
class _FileFacts:
    bindings: dict[str, str] = field(default_factory=dict)  # local name -> module spec
    declared: dict[str, int] = field(default_factory=dict)  # local name -> declarations
    uses: list[_Use] = field(default_factory=list)
    doubted: set[tuple[str, str]] = field(default_factory=set)  # (module, name) feature-tested
    members: list[tuple[str, str, tree_sitter.Node]] = field(default_factory=list)


class UnknownBuiltinExport(ScriptRule):
    id = "AIG711"
    name = "unknown-node-builtin-export"
    category = Category.HALLUCINATED_API
    severity = Severity.ERROR
    summary = "A name imported from or used on a Node.js built-in module that it does not export."
    rationale = (
        "Assistants invent plausible names on real modules: `fs.readFileAsync`, "
        "`path.joinPath`, `crypto.createHash256`, `import { exists } from 'fs/promises'`. The "
        "file parses and type-checks only where types are loose; at run time the import is "
        "`undefined` and the first call throws `TypeError: ... is not a function`, often on a "
        "path no test covers. The exports come from a table of every built-in module (a real "
        "Node's objects merged with @types/node's declarations, types included), so a name "
        "from a newer or older Node that either knows is not reported. Feature tests "
        "(`typeof fs.glob === 'function'`, `fs.glob?.()`, `'glob' in fs`) and assignments to "
        "the module are left alone, as are bindings the file declares twice (a parameter that "
        "shadows `fs`)."
    )
    fix = (
        "Use the function the module really has (the message suggests a close name, and "
        "Node's documentation lists them), or import the package that has the one you meant."
    )
    interest = r"\bfrom\b|\brequire\s*\(|[A-Za-z_$][\w$]*\s*\??\.\s*[A-Za-z_$]"
    tags = ("correctness", "javascript", "typescript")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag('import { readFileAsync } from "fs";\n', line=1,
             message="did you mean `readFileSync`"),
        Flag('import path from "node:path";\n\nexport const p = path.joinPath("a", "b");\n',
             line=3, message="`node:path` has no `joinPath`"),
        Flag('const crypto = require("crypto");\ncrypto.createHash256("x");\n', line=2),
        Flag('import * as fs from "fs/promises";\nawait fs.exists("x");\n', line=2,
             path="example.ts"),
        Flag('const { spawnAsync } = require("child_process");\n', line=1),
        Flag('import { readFile } from "fs";\nimport os from "os";\nos.cpuCount();\n', line=3),
        Pass('import { readFile, promises as fsp } from "fs";\nimport { join } from "path";\n'),
        Pass('import type { PathLike, Stats } from "node:fs";\nlet p: PathLike;\n',
             path="example.ts"),
        # Types are erased and drift between @types/node versions: tsc judges them.
        Pass('import type { EventEmitter } from "node:stream";\n', path="example.ts"),
        Pass('import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";\n',
             path="example.ts"),
        # Inherited members count: process is an EventEmitter.
        Pass('import process from "node:process";\nprocess.on("SIGINT", stop);\n'),
        Pass('import fs from "fs";\nif (typeof fs.glob === "function") {\n  fs.glob("*");\n}\n'),
        Pass('import fs from "fs";\nconst glob = fs.globSync ?? fallback;\nfs.cp?.(a, b);\n'),
        Pass('import * as fs from "fs";\nfs.myHelper = () => 1;\nfs.myHelper();\n'),
        Pass('import fs from "fs";\nfunction f(fs) {\n  return fs.readJson();\n}\n'),
        Pass('import fs from "fs";\nconst g = (fs) => fs.readJson();\n'),
        Pass('let path = require("path");\npath = "/tmp/x";\nconsole.log(path.length);\n'),
        Pass('const fs = require("fs");\nconst { fs: fsExtra } = deps;\n'),
        Pass('const os = require("os");\nconst copy = os;\ncopy.cpuCount;\n'),
        Pass('import { EventEmitter } from "events";\nimport { thing } from "some-package";\n'),
        Pass('const fs = require("fs");\nfs.promises.readFile("x");\nfs.constants.F_OK;\n'),
        Pass('import { test, describe } from "node:test";\nimport { styleText } from "util";\n'),
    )  # fmt: skip

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._facts = _FileFacts()

    # -- collection -------------------------------------------------------------------------

    def visit_import_statement(self, node: tree_sitter.Node) -> None:
        source = node.child_by_field_name("source")
        spec = ts.string_value(source) if source is not None else None
        if spec is None or builtin_exports(spec) is None:
            return
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if clause is None or _type_only(node):
            return  # `import type {...}`: the type checker judges types, and they drift by version
        for part in clause.named_children:
            if part.type == "identifier":  # default import: the module object
                self._bind(ts.text(part), spec)
            elif part.type == "namespace_import":
                name = next((c for c in part.named_children if c.type == "identifier"), None)
                if name is not None:
                    self._bind(ts.text(name), spec)
            elif part.type == "named_imports":
                for specifier in part.named_children:
                    if specifier.type == "import_specifier" and not _type_only(specifier):
                        imported = specifier.child_by_field_name("name")
                        if imported is not None:
                            self._use(spec, _name_of(imported), imported, None)

    def visit_variable_declarator(self, node: tree_sitter.Node) -> None:
        value = node.child_by_field_name("value")
        spec = _required(value) if value is not None else None
        target = node.child_by_field_name("name")
        if spec is None or target is None:
            return
        if target.type == "identifier":
            self._bind(ts.text(target), spec)
        elif target.type == "object_pattern":
            for item in target.named_children:
                key = (
                    item
                    if item.type == "shorthand_property_identifier_pattern"
                    else item.child_by_field_name("key")
                    if item.type == "pair_pattern"
                    else None
                )
                if key is not None:
                    self._use(spec, ts.text(key), key, None)

    def visit_member_expression(self, node: tree_sitter.Node) -> None:
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is None or prop is None or prop.type != "property_identifier":
            return
        if obj.type == "call_expression":
            spec = _required(obj)
            if spec is not None:
                self._member(spec, ts.text(prop), prop, node, None)
        elif obj.type == "identifier":
            self._facts.members.append((ts.text(obj), ts.text(prop), node))

    def visit_identifier(self, node: tree_sitter.Node) -> None:
        parent = node.parent
        if parent is None or parent.type not in _DECLARES:
            return
        where = _DECLARES[parent.type]
        if where is None or parent.child_by_field_name(where) == node:
            self._declare(ts.text(node))

    def visit_shorthand_property_identifier_pattern(self, node: tree_sitter.Node) -> None:
        self._declare(ts.text(node))  # `const { fs } = deps`

    def visit_binary_expression(self, node: tree_sitter.Node) -> None:
        """`"glob" in fs`: the code tests for the name."""
        operator = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if operator is None or left is None or right is None or ts.text(operator) != "in":
            return
        name = ts.string_value(left)
        spec = self._facts.bindings.get(ts.text(right)) if right.type == "identifier" else None
        if name is not None and spec is not None:
            self._facts.doubted.add((spec, name))

    def leave_program(self, node: tree_sitter.Node) -> None:
        facts = self._facts
        for binding, name, member in facts.members:
            spec = facts.bindings.get(binding)
            if spec is not None:
                prop = member.child_by_field_name("property")
                if prop is not None:
                    self._member(spec, name, prop, member, binding)
        for use in facts.uses:
            if (use.module, use.name) in facts.doubted:
                continue
            if use.binding is not None and facts.declared.get(use.binding, 0) > 1:
                continue  # the name is declared again: a parameter or local may shadow it
            self.report_line(
                use.line,
                _message(use.module, use.name),
                column=use.column,
                end_line=use.end_line,
                end_column=use.end_column,
            )

    # -- helpers ----------------------------------------------------------------------------

    def _declare(self, name: str) -> None:
        self._facts.declared[name] = self._facts.declared.get(name, 0) + 1

    def _bind(self, local: str, spec: str) -> None:
        exports = builtin_exports(spec)
        if exports is not None and "default" in exports:
            self._facts.bindings[local] = spec

    def _member(
        self,
        spec: str,
        name: str,
        prop: tree_sitter.Node,
        member: tree_sitter.Node,
        binding: str | None,
    ) -> None:
        if _doubted(member) or _assigned(member):
            self._facts.doubted.add((spec, name))
            return
        self._use(spec, name, prop, binding)

    def _use(self, spec: str, name: str, node: tree_sitter.Node, binding: str | None) -> None:
        exports = builtin_exports(spec)
        if exports is None or name in exports or name == "default":
            return
        span = self.after.node_span(node)
        self._facts.uses.append(
            _Use(spec, name, span.line, span.column, span.end_line, span.end_column, binding)
        )


def _type_only(node: tree_sitter.Node) -> bool:
    """`import type ...` or a `type X` specifier: erased at compile time, checked by tsc."""
    return any(not c.is_named and c.type == "type" for c in node.children)


def _name_of(node: tree_sitter.Node) -> str:
    value = ts.string_value(node) if node.type == "string" else None
    return value if value is not None else ts.text(node)


def _required(node: tree_sitter.Node) -> str | None:
    """The built-in module of a literal `require("spec")` call, else None."""
    node = ts.unwrap(node)
    if node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or arguments is None or ts.text(function) != "require":
        return None
    args = arguments.named_children
    if len(args) != 1:
        return None
    spec = ts.string_value(args[0])
    return spec if spec is not None and builtin_exports(spec) is not None else None


def _doubted(member: tree_sitter.Node) -> bool:
    """The expression tests whether the name exists rather than relying on it."""
    if any(c.type == "optional_chain" for c in member.children):
        return True
    child, parent = member, member.parent
    while parent is not None and parent.type == "parenthesized_expression":
        child, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type == "unary_expression" and ts.text(parent).startswith("typeof"):
        return True
    if parent.type == "binary_expression":
        operator = parent.child_by_field_name("operator")
        left = parent.child_by_field_name("left")
        if operator is not None and ts.text(operator) in ("&&", "||", "??") and left == child:
            return True
    if parent.type in _GUARDS and parent.child_by_field_name("condition") == child:
        return True
    return parent.type == "call_expression" and ts.text(parent).startswith("Boolean(")


def _assigned(member: tree_sitter.Node) -> bool:
    parent = member.parent
    return (
        parent is not None
        and parent.type in ("assignment_expression", "augmented_assignment_expression")
        and parent.child_by_field_name("left") == member
    )


def _message(spec: str, name: str) -> str:
    exports = builtin_exports(spec) or frozenset()
    close = difflib.get_close_matches(name, sorted(exports), n=1, cutoff=0.6)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    return f"Node's built-in module `{spec}` has no `{name}`: at run time it is undefined{hint}"
