"""What the stub rules (AIG4xx) share: comment vocabularies and the run-wide class indexes.

The class indexes answer one question, "does a subclass in this repository override this
method?", which separates a base class's `raise NotImplementedError` (an interface the
subclasses fill in) from a stub. They are built once per run, and only when a rule meets a
candidate: a regular expression finds the class headers of every file, and only the files
holding a subclass in question are parsed (`ast` for Python, tree-sitter for JS/TS).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiguard.memo import MemoKey
from aiguard.source import TREE_SITTER_LANGUAGES, Source, SourceError, language_of
from aiguard_rules._shared import script_syntax as ts

if TYPE_CHECKING:
    import tree_sitter

    from aiguard.project import Project

# Comments that admit the code is not the real thing. Curated: each phrase is one that a
# finished implementation has no reason to carry. Matched case-insensitively, comments only.
PLACEHOLDER_PHRASES = (
    r"in a real(?:[- ]world)? (?:implementation|app|application|system|project|scenario|"
    r"setting|environment|codebase|deployment|world|version|product|service)",
    r"in (?:a )?production(?: \w+)?,? (?:you|we|one|this|it)(?:'d| would| should| will| might)",
    r"simplified (?:version|implementation|logic|placeholder)",
    r"for now,? (?:we |i )?(?:just|simply)\b",
    r"placeholder (?:implementation|logic|code|values?|data|function|method|response|result|"
    r"body|return)",
    r"placeholder,? (?:for now|until)",
    r"(?:this is|just|only) (?:a |an )?placeholder(?=\s*(?:$|[.,;:!)-]))",
    r"^placeholder\b",
    r"\b(?:mock|dummy|stub|fake|toy) implementation",
    r"\b(?:todo|fixme|xxx)\b[:\s-]*implement",
    r"(?:replace|swap) (?:this |it )?with (?:a |an |the )?(?:real|actual|proper)",
    r"(?:real|actual|your) (?:code|logic|implementation) (?:goes )?here",
    r"(?:logic|implementation|code) (?:would|will|should) go here",
)
PLACEHOLDER = re.compile("|".join(f"(?:{p})" for p in PLACEHOLDER_PHRASES), re.IGNORECASE)
# A marker that says a body is unfinished: TODO-style tags or a placeholder phrase.
UNFINISHED = re.compile(
    r"\b(?:TODO|FIXME|XXX|TBD)\b|\bimplement|\bplaceholder|\bstub\b|\bdummy\b|\bfor now\b",
    re.IGNORECASE,
)
# Words that state an empty body is on purpose, even in a short comment.
_INTENT = re.compile(
    r"\b(?:intentional(?:ly)?|deliberate(?:ly)?|on purpose|no-?op|nothing|ignor(?:e|ed|ing)|"
    r"swallow(?:ed|s)?|skip(?:ped)?|best[- ]effort|expected|harmless|optional|safe to|by design|"
    r"not needed|unused)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]{2,}")
# Tool directives inside a comment; an aiguard directive takes its reason with it (to the end).
_DIRECTIVE = re.compile(
    r"\baiguard:\s*ignore\b.*$"
    r"|\bnoqa\b(?::\s*[\w]+(?:\s*,\s*\w+)*)?"
    r"|\b(?:type|pyright):\s*ignore(?:\[[^\]]*\])?"
    r"|\b(?:pylint|mypy|ruff):\s*[\w-]+(?:=[\w,-]+)?"
    r"|\bnosec\b(?:\s+B\d+(?:\s*,\s*B\d+)*)?"
    r"|\bpragma:\s*no\s+(?:cover|branch)\b"
    r"|\b(?:eslint|oxlint)-(?:disable|enable)(?:-next-line|-line)?\b(?:\s+[\w@/,-]+)*"
    r"|@ts-(?:ignore|expect-error|nocheck)\b"
    r"|\bbiome-ignore\S*(?:\s+[\w/]+)?"
    r"|\b(?:istanbul|c8)\s+ignore\s+\w+",
    re.IGNORECASE,
)
# Words that only restate what an error-hiding handler does, or fill a sentence.
_RESTATING = frozenset(
    {
        *("ignore", "ignored", "ignores", "ignoring", "error", "errors", "exception"),
        *("exceptions", "exc", "err", "silently", "silent", "quietly", "swallow", "swallowed"),
        *("swallows", "swallowing", "suppress", "suppressed", "suppressing", "discard"),
        *("discarded", "catch", "catches", "caught", "all", "any", "every", "everything"),
        *("here", "this", "that", "it", "just", "the", "an", "we", "to", "and", "or", "pass"),
        *("continue", "skip", "skipped", "do", "does", "nothing", "ok", "okay", "fine", "is"),
        *("are", "be", "on", "in", "of", "for", "intentional", "intentionally", "deliberate"),
        *("deliberately", "purpose", "noop", "op", "nop", "no"),
        # What every handler's comment could say of the failure and of what follows it.
        *("fail", "fails", "failed", "failure", "failing", "if", "when", "from", "raise"),
        *("raised", "raises", "throw", "throws", "thrown", "happens", "occurs", "anything"),
        *("something", "wrong", "goes", "went", "return", "returns", "default", "empty"),
        *("null", "none", "false", "proceed", "anyway", "move", "keep", "going", "carry"),
        *("problem", "problems", "issue", "issues", "there", "was", "were", "an", "case"),
    }
)
_CAMEL_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_MARKERS = re.compile(r"^\s*(?:#+|//+|/\*+|\*+)|\*+/\s*$")


def comment_body(text: str) -> str:
    """A comment without its markers (`#`, `//`, `/* */`)."""
    lines = [_MARKERS.sub("", line).strip() for line in text.splitlines()]
    return " ".join(line for line in lines if line)


def is_unfinished(text: str) -> bool:
    body = comment_body(text)
    return bool(UNFINISHED.search(body) or PLACEHOLDER.search(body))


def explains(text: str) -> bool:
    """A comment that says why an empty body is deliberate.

    Three words or more, or an intent word (`intentionally`, `no-op`, `ignore`, `best effort`),
    and no TODO/placeholder marker: `# nothing to clean up, the pipe is gone` explains;
    `# TODO` and `# noqa` do not. Tool directives (`aiguard: ignore[...] -- reason`, `noqa`,
    `pylint: disable=...`) are not explanations: an aiguard directive suppresses the finding on
    the record instead of making the rule look away.
    """
    body = _without_directives(comment_body(text))
    if not body or is_unfinished(text):
        return False
    return len(_WORD.findall(body)) >= 3 or bool(_INTENT.search(body))


def justifies(text: str, guarded: str = "") -> bool:
    """A comment that says why discarding an error is right (AIG403, AIG405): stricter.

    A model can dodge a rule by adding any comment, so a reason must say something beyond
    "ignore it": after tool directives and the words that only restate the handler (`ignore`,
    `errors`, `silently`, `swallow`, `intentionally`, ...) are set aside, three words must
    remain. `# best effort: telemetry must never break the command` justifies;
    `# ignore errors here`, `# intentionally swallow exceptions` and
    `# aiguard: ignore[AIG403] -- reason` do not (the last suppresses the finding on the record).
    Words that name the guarded code (`guarded`, the try body's text: `save`, `config` for
    `save_config()`) only restate it too: `# do nothing if save fails` is no reason.
    """
    body = _without_directives(comment_body(text))
    if not body or is_unfinished(text):
        return False
    named = {w.lower() for w in _WORD.findall(_CAMEL_BREAK.sub(" ", guarded).replace("_", " "))}
    words = [w for w in _WORD.findall(body.lower()) if w not in _RESTATING and w not in named]
    return len(words) >= 3


def _without_directives(body: str) -> str:
    return _DIRECTIVE.sub(" ", body).strip()


# -- the class indexes -------------------------------------------------------------------------

# Class headers, found with a regular expression over every file (cheap); only the files that
# hold a subclass of a class in question are then parsed for their methods.
_PY_CLASS = re.compile(r"^[ \t]*class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.MULTILINE)
_JS_CLASS = re.compile(r"\bclass[ \t]+([\w$]+)[ \t]+extends[ \t]+([\w$.]+)")
_IDENTIFIER = re.compile(r"[A-Za-z_][\w.]*")


@dataclass(frozen=True)
class ClassFacts:
    """One class of the repository: its name, its bases' last name segments, its methods."""

    name: str
    bases: tuple[str, ...]
    methods: frozenset[str]


class ClassIndex:
    """Subclasses by base-class name across the project, to ask whether one overrides a method.

    Names are matched by their last segment (`pkg.Base` is `Base`): two classes of one name in
    different modules are not told apart, which can only silence a finding, never raise one.
    """

    def __init__(self, project: Project, python: bool) -> None:
        self._project = project
        self._python = python
        self._children: dict[str, list[tuple[str, str]]] = {}  # base -> [(path, class)]
        self._methods: dict[str, dict[str, frozenset[str]]] = {}  # path -> class -> methods
        pattern = _PY_CLASS if python else _JS_CLASS
        for path in project.files:
            language = language_of(path)
            if (python and language != "python") or (
                not python and language not in TREE_SITTER_LANGUAGES
            ):
                continue
            text = project.read_text(path)
            if text is None or "class" not in text:
                continue
            for match in pattern.finditer(text):
                for base in _IDENTIFIER.findall(match.group(2)):
                    last = base.rsplit(".", 1)[-1]
                    self._children.setdefault(last, []).append((path, match.group(1)))

    def overridden(self, class_name: str, method: str) -> bool:
        """Whether some subclass of `class_name` (at any depth) defines `method`."""
        seen = {class_name}
        queue = [class_name]
        while queue:
            for path, child in self._children.get(queue.pop(), ()):
                if child != class_name and method in self._methods_of(path).get(child, ()):
                    return True
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
        return False

    def _methods_of(self, path: str) -> dict[str, frozenset[str]]:
        if path not in self._methods:
            source = self._project.source(path) or Source(path, "")
            classes = _python_classes(source) if self._python else _js_classes(source)
            found: dict[str, frozenset[str]] = {}
            for facts in classes:
                found[facts.name] = found.get(facts.name, frozenset()) | facts.methods
            self._methods[path] = found
        return self._methods[path]


_INTERFACE = re.compile(r"\binterface[ \t]+([\w$]+)")


class InterfaceIndex:
    """TypeScript interfaces declared in the repository, by name: their required members.

    Found like the class index: a regular expression finds `interface Name` in every TS file,
    and only the files declaring an interface in question are parsed. An interface declared
    twice (merged declarations) has the members of both; optional members (`save?()`) are left
    out, since a class may leave those out or empty.
    """

    def __init__(self, project: Project) -> None:
        self._project = project
        self._files: dict[str, list[str]] = {}  # interface name -> paths
        self._members: dict[str, dict[str, frozenset[str]]] = {}  # path -> name -> members
        for path in project.files:
            if language_of(path) != "typescript":
                continue
            text = project.read_text(path)
            if text is None or "interface" not in text:
                continue
            for name in {m.group(1) for m in _INTERFACE.finditer(text)}:
                self._files.setdefault(name, []).append(path)

    def members(self, name: str) -> frozenset[str] | None:
        """The required members of the first-party interface `name`; None when none is known."""
        paths = self._files.get(name)
        if not paths:
            return None
        found: set[str] = set()
        known = False
        for path in paths:
            declared = self._declared(path)
            if name in declared:
                known = True
                found |= declared[name]
        return frozenset(found) if known else None

    def _declared(self, path: str) -> dict[str, frozenset[str]]:
        if path not in self._members:
            source = self._project.source(path) or Source(path, "")
            self._members[path] = interface_members(source)
        return self._members[path]


def interface_members(source: Source) -> dict[str, frozenset[str]]:
    """Interface name -> required member names, for one TypeScript file."""
    try:
        root = source.tree.root_node
    except SourceError:
        return {}  # as for classes: a file that does not parse declares nothing we could see
    from aiguard.lint.walk_script import nodes_of

    found: dict[str, frozenset[str]] = {}
    for node in nodes_of(root, ("interface_declaration",)):
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            continue
        members = set()
        for member in body.named_children:
            member_name = member.child_by_field_name("name")
            if member_name is None or any(c.type == "?" for c in member.children):
                continue
            members.add(ts.text(member_name))
        key = ts.text(name)
        found[key] = found.get(key, frozenset()) | members
    return found


_PYTHON_CLASSES: MemoKey[ClassIndex] = MemoKey("stub: the Python class index")
_INTERFACES: MemoKey[InterfaceIndex] = MemoKey("stub: the TypeScript interface index")
_JS_CLASSES: MemoKey[ClassIndex] = MemoKey("stub: the JS/TS class index")


def python_class_index(project: Project) -> ClassIndex:
    return project.memo(_PYTHON_CLASSES, lambda: ClassIndex(project, python=True))


def js_class_index(project: Project) -> ClassIndex:
    return project.memo(_JS_CLASSES, lambda: ClassIndex(project, python=False))


def interface_index(project: Project) -> InterfaceIndex:
    return project.memo(_INTERFACES, lambda: InterfaceIndex(project))


def _python_classes(source: Source) -> Iterator[ClassFacts]:
    try:
        tree = source.python_ast
    except SourceError:
        # An unparsable file defines no subclass we could see; its own change is reported as a
        # parse error when it is checked.
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases = tuple(b for b in (_last_name(base) for base in node.bases) if b)
            methods = frozenset(
                item.name
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            )
            yield ClassFacts(node.name, bases, methods)


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _js_classes(source: Source) -> Iterator[ClassFacts]:
    try:
        root = source.tree.root_node
    except SourceError:
        return  # as for Python: a file that does not parse shows no subclass
    from aiguard.lint.walk_script import nodes_of

    for node in nodes_of(root, ("class_declaration", "class", "abstract_class_declaration")):
        facts = js_class_facts(node)
        if facts is not None:
            yield facts


def js_class_facts(node: tree_sitter.Node) -> ClassFacts | None:
    """Name, base and method names of a JS/TS class node (None for an anonymous class)."""
    name = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    if name is None or body is None:
        return None
    bases: tuple[str, ...] = ()
    heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
    if heritage is not None:
        match = re.search(r"\bextends\s+([\w$.]+)", ts.text(heritage))
        if match:
            bases = (match.group(1).rsplit(".", 1)[-1],)
    methods = set()
    for member in body.named_children:
        member_name = member.child_by_field_name("name")
        if member_name is not None:
            methods.add(ts.text(member_name))
    return ClassFacts(ts.text(name), bases, frozenset(methods))
