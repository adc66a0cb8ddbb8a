"""The module specifiers a JavaScript/TypeScript file imports, read from its tree-sitter tree.

Shared by the hallucinated-import (AIG61x) and dependency-hygiene (AIG81x) rules for JS/TS.
Only literal specifiers count: `require(name)`, `import(name)` and template literals with
substitutions cannot be judged statically. Each use records whether it is type-only (erased at
run time) and whether it is optional (inside a `try` block, or a dynamic import with `.catch`).
tree_sitter is imported inside functions only.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiguard.facts.node.files import join
from aiguard.memo import MemoKey
from aiguard.source import SourceError

if TYPE_CHECKING:
    import tree_sitter

    from aiguard.lint.rule import FileRule
    from aiguard.source import Source

# A changed line must mention one of these for the import rules to run on a file.
IMPORT_INTEREST = r"\b(?:import|require|from)\b"

_QUERY_COMMON = """
(import_statement source: (string) @spec)
(export_statement source: (string) @spec)
(call_expression function: (import) arguments: (arguments . (_) @spec))
(call_expression function: (identifier) @require arguments: (arguments . (_) @spec))
"""
_QUERY_TYPESCRIPT = _QUERY_COMMON + "(import_require_clause source: (string) @spec)\n"

# Ancestors that put an `import("x")` in a type position (`type T = import("x").T`).
_TYPE_CONTEXTS = frozenset(
    {
        "type_annotation",
        "type_alias_declaration",
        "type_query",
        "type_arguments",
        "interface_declaration",
        "generic_type",
        "lookup_type",
        "index_type_query",
    }
)
_STATEMENT_LIMIT = frozenset({"program", "statement_block"})
# Calls whose argument is code expected to fail: a missing module there is the point.
_EXPECTS_THROW = re.compile(
    rb"^(?:expect|assert\.(?:throws|rejects)|t\.(?:throws|rejects|throwsAsync)|should\.throw)$"
)


@dataclass(frozen=True)
class ImportUse:
    """One literal module specifier in a file; 1-based positions of the string literal."""

    spec: str
    line: int
    column: int
    end_line: int
    end_column: int
    kind: str  # "import", "export", "require", "dynamic", "import-equals"
    type_only: bool = False
    optional: bool = False


_IMPORT_USES: MemoKey[tuple[ImportUse, ...]] = MemoKey("the import specifiers of a JS/TS source")


def import_uses(source: Source) -> tuple[ImportUse, ...]:
    """Every literal specifier of the file, in order (cached on the source)."""
    return source.memo(_IMPORT_USES, lambda: _collect(source))


def _collect(source: Source) -> tuple[ImportUse, ...]:
    import tree_sitter

    from aiguard.source import tree_sitter_language

    language = tree_sitter_language(source.path)
    text = _QUERY_TYPESCRIPT if source.language == "typescript" else _QUERY_COMMON
    query = tree_sitter.Query(language, text)
    found: list[ImportUse] = []
    for _, captures in tree_sitter.QueryCursor(query).matches(source.tree.root_node):
        specs = captures.get("spec", [])
        requires = captures.get("require", [])
        if not specs or (requires and source.node_text(requires[0]) != "require"):
            continue
        node = specs[0]
        spec = _literal(source, node)
        if spec is None:
            continue
        kind = _kind(node, bool(requires))
        span = source.node_span(node)
        found.append(
            ImportUse(
                spec=spec,
                line=span.line,
                column=span.column,
                end_line=span.end_line,
                end_column=span.end_column,
                kind=kind,
                type_only=_type_only(node, kind),
                optional=kind in ("require", "dynamic") and _optional(node),
            )
        )
    found.sort(key=lambda u: (u.line, u.column))
    return tuple(found)


def _literal(source: Source, node: tree_sitter.Node) -> str | None:
    """The value of a string literal or a template literal without substitutions."""
    if node.type not in ("string", "template_string"):
        return None
    if any(c.type in ("template_substitution", "escape_sequence") for c in node.named_children):
        return None
    raw = source.node_text(node)
    return raw[1:-1] if len(raw) >= 2 else None


def _kind(node: tree_sitter.Node, is_require: bool) -> str:
    parent = node.parent
    if parent is None:
        return "import"
    if parent.type == "import_require_clause":
        return "import-equals"
    if parent.type == "export_statement":
        return "export"
    if parent.type == "arguments":
        return "require" if is_require else "dynamic"
    return "import"


def _has_type_keyword(node: tree_sitter.Node) -> bool:
    return any(not c.is_named and c.type == "type" for c in node.children)


def _type_only(node: tree_sitter.Node, kind: str) -> bool:
    """Whether the import disappears from the emitted JavaScript."""
    parent = node.parent
    if parent is None:
        return False
    if kind == "import-equals":
        statement = parent.parent
        return statement is not None and _has_type_keyword(statement)
    if kind in ("import", "export"):
        if _has_type_keyword(parent):
            return True
        return kind == "import" and _only_type_specifiers(parent)
    if kind == "dynamic":
        current: tree_sitter.Node | None = parent
        while current is not None and current.type not in _STATEMENT_LIMIT:
            if current.type in _TYPE_CONTEXTS:
                return True
            current = current.parent
    return False


def _only_type_specifiers(statement: tree_sitter.Node) -> bool:
    """`import { type A, type B } from "x"`: every named import is a type (no default/namespace)."""
    clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
    if clause is None or len(clause.named_children) != 1:
        return False
    named = clause.named_children[0]
    if named.type != "named_imports":
        return False
    specifiers = [c for c in named.named_children if c.type == "import_specifier"]
    return bool(specifiers) and all(_has_type_keyword(s) for s in specifiers)


def _optional(node: tree_sitter.Node) -> bool:
    """Inside the body of a `try` (any depth), a dynamic import whose promise is caught, or
    code a test expects to throw (`expect(() => require("./gone")).toThrow()`)."""
    call = node.parent.parent if node.parent is not None else None
    if call is not None:
        holder = call.parent
        if holder is not None and holder.type == "member_expression":
            prop = holder.child_by_field_name("property")
            if prop is not None and prop.text == b"catch":
                return True
    child = node
    current = node.parent
    while current is not None:
        if current.type == "try_statement":
            body = current.child_by_field_name("body")
            if body is not None and body.id == child.id:
                return True
        if current.type == "call_expression" and current.id != _call_id(node):
            function = current.child_by_field_name("function")
            if function is not None and _EXPECTS_THROW.match(function.text or b""):
                return True
        child, current = current, current.parent
    return False


def _call_id(spec: tree_sitter.Node) -> int | None:
    """The id of the require()/import() call a specifier is the argument of."""
    arguments = spec.parent
    return arguments.parent.id if arguments is not None and arguments.parent is not None else None


def new_imports(rule: FileRule) -> list[ImportUse]:
    """The after-version's specifiers on changed lines that the before-version did not import.

    Relative specifiers compare by the path they name, so a moved file's imports are judged
    again. When the before-version does not parse, every import on a changed line counts.
    """
    change = rule.context.change
    uses = [u for u in import_uses(rule.after) if change.is_changed(u.line)]
    if not uses or rule.before is None:
        return uses
    try:
        before_uses = import_uses(rule.before)
    except SourceError:
        return uses  # the old version was broken: nothing in it can excuse a new import
    old_dir = posixpath.dirname(rule.before.path)
    new_dir = posixpath.dirname(rule.path)
    old_keys = {_meaning(old_dir, u.spec) for u in before_uses}
    return [u for u in uses if _meaning(new_dir, u.spec) not in old_keys]


def _meaning(directory: str, spec: str) -> str:
    if spec.startswith(("./", "../")) or spec in (".", ".."):
        return "path:" + (join(directory, spec) or spec)
    return "spec:" + spec
