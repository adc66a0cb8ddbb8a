"""AIG4xx stub: placeholder or error-hiding code in place of logic.

A function whose body only passes, raises NotImplementedError or returns a constant beside a
TODO ships a promise instead of behaviour; a comment such as "in a real implementation" admits
it; a handler that discards every exception hides the failures that would reveal it.

Policies (what stays silent, and why):

* Interfaces are not stubs: `@abstractmethod`, `@overload`, classes deriving from `ABC` or
  `Protocol` (or with `metaclass=ABCMeta`), `.pyi` files, TypeScript `declare`, interfaces and
  abstract members (they have no body), methods of TypeScript abstract classes, and a base-class
  method that a subclass in the repository overrides (found through a run-wide class index).
* An empty body with a comment saying why (three words or more, or an intent word such as
  "intentionally", "no-op", "ignore", "nothing", "best effort") is a deliberate no-op; a
  TODO/FIXME or placeholder comment makes it a stub whatever else holds. Without one, these may
  be empty or raise: dunder methods (`__exit__`, a `__len__` that raises), functions nested in
  functions (callbacks), conditional definitions (under a module-level `if`/`try`: platform and
  optional-dependency fallbacks, `if TYPE_CHECKING:`), functions named `noop`/`do_nothing`,
  methods of classes named as stand-ins (`Null*`, `NoOp*`, `No<Name>`, `Fake*`, `Dummy*`,
  `Stub*`, `Mock*`, `ReadOnly*`, `Disabled*`), and docstring-only functions whose docstring
  runs to three lines or more (a documented hook specification). A body that only returns a
  placeholder value (None, a boolean, zero, an empty string or container) is a stub only beside
  a TODO/placeholder comment (inside the function or right above it); `return 30  # TODO: make
  it configurable` is an implementation with a note.
* Error hiding: a handler for everything (`except:`, `except Exception`/`BaseException`, a tuple
  containing them, `contextlib.suppress(Exception)`, JS `catch`) whose body only discards the
  error (`pass`, `...`, `continue`, `return None`; `{}`, `() => null`) is flagged unless a comment
  explains it (inside the handler, after its colon, or in the comment block right above the
  `try`/`with`). Narrow exception types (`except FileNotFoundError: pass`,
  `except (KeyboardInterrupt, BrokenPipeError): pass`) are a decision about one known failure
  and stay silent, as does any handler that logs, re-raises or uses the exception, and any
  handler in a `__del__` (an exception cannot leave a finalizer anyway).
* Findings land on a line the change touched: the stub statement (or the `def` line when only
  the signature changed), the `except`/`catch` line (or the handler's body when only that
  changed). A stub the change did not touch is not reported.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from aiguard.findings import Category, Severity
from aiguard.rule import Example, FileContext, FileRule, Flag, Pass, PythonRule, Scope
from aiguard.source import Comment

from . import _treesitter_helpers as ts
from ._cst_helpers import (
    base_names,
    comments_above,
    comments_in,
    decorator_names,
    dotted_name,
    header_comments,
    is_docstring,
    literal,
    metaclass_name,
    statements,
    string_value,
)
from ._stub_common import (
    PLACEHOLDER,
    comment_body,
    explains,
    is_unfinished,
    js_class_facts,
    js_class_index,
    python_class_index,
)

if TYPE_CHECKING:
    import libcst
    import tree_sitter


def code(text: str) -> str:
    """An example's source, written indented in the rule class."""
    return textwrap.dedent(text).lstrip("\n")


_EXEMPT_DECORATORS = frozenset(
    {
        "abstractmethod",
        "abstractproperty",
        "abstractclassmethod",
        "abstractstaticmethod",
        "overload",
    }
)
_ABSTRACT_BASES = frozenset({"ABC", "Protocol"})
_NO_OP_NAMES = re.compile(r"^_*(?:noop|no_op|nop|do_nothing|ignore|null_\w+)_*$", re.IGNORECASE)
_STAND_IN_CLASSES = re.compile(
    r"(?:^_*|[a-z0-9_])(?:Null|Noop|NoOp|Nop|Fake|Dummy|Stub|Mock|ReadOnly|Disabled|Silent|Dont)"
    r"(?:[A-Z0-9_]|$)|^_*No[A-Z]"
)
# A docstring this long documents an interface (a hook specification), it is not a stub's.
_SPEC_DOCSTRING_LINES = 3
_ASKS_SUBCLASS = re.compile(r"subclass|override|abstract|must (?:be )?implement|derived", re.I)
_BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})


def _comments_between(comments: tuple[Comment, ...], first: int, last: int) -> list[Comment]:
    return [c for c in comments if first <= c.line <= last]


def _comment_block_above(comments: tuple[Comment, ...], line: int) -> list[Comment]:
    """The comments that end on the lines right above `line`, one after the other."""
    by_end = {c.end_line: c for c in comments}
    found = []
    while line - 1 in by_end:
        comment = by_end[line - 1]
        found.append(comment)
        line = comment.line
    return found


# -- AIG401 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stub:
    kind: str  # pass | ellipsis | docstring | not-implemented | constant
    statement: libcst.CSTNode


class PythonStubBody(PythonRule):
    id = "AIG401"
    name = "stub-body"
    category = Category.STUB
    severity = Severity.WARNING
    scope = Scope.PRODUCTION
    summary = (
        "A Python function added or changed whose body only passes, is `...` or a docstring, "
        "raises NotImplementedError, or returns a constant beside a TODO."
    )
    rationale = (
        "A stub body ships a promise instead of behaviour: callers get None, a constant or an "
        "exception at run time, and tests that do not reach it stay green. Interfaces are not "
        "stubs: @abstractmethod, @overload, ABC and Protocol classes, .pyi files and base-class "
        "methods that a subclass in the repository overrides stay silent, as do empty bodies "
        "with a comment that says why, dunder methods, nested callbacks, conditional "
        "definitions (platform or optional-dependency fallbacks, TYPE_CHECKING), no-op "
        "functions, stand-in classes (Null*, Fake*, Dummy*, ReadOnly*...) and hook "
        "specifications documented by a docstring of three lines or more."
    )
    fix = (
        "Implement the function, or make the interface explicit (@abstractmethod, Protocol), "
        "or say in a comment why it does nothing."
    )
    interest = r"\b(?:pass|def|return|raise)\b|\.\.\.|\"\"\"|'''|NotImplemented"
    tags = ("python", "stub")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag("def parse(text):\n    pass\n", line=2, message="only passes"),
        Flag('def parse(text):\n    """Parse the config file."""\n    ...\n', line=3),
        Flag(
            code("""
            class Exporter:
                def export(self, rows):
                    raise NotImplementedError
            """),
            line=3,
        ),
        Flag(
            code("""
            def fetch_user(user_id: int) -> dict:
                # TODO: call the API
                return {}
            """),
            line=3,
        ),
        Flag("def load(path):\n    return None  # placeholder\n", line=2),
        Flag("# TODO: read the file\ndef load(path):\n    return None\n", line=3),
        Flag('def score(x):\n    """Compute the risk score."""\n', line=2),
        # The body was replaced by a stub: the finding goes on the new body line.
        Flag(
            "def total(xs):\n    pass\n",
            before="def total(xs):\n    return sum(xs)\n",
            line=2,
        ),
        Pass(
            code("""
            from abc import ABC, abstractmethod

            class Store(ABC):
                @abstractmethod
                def get(self, key):
                    ...

                def describe(self):
                    pass
            """)
        ),
        Pass(
            code("""
            from typing import Protocol, overload

            class Reader(Protocol):
                def read(self, n: int) -> bytes: ...

            @overload
            def get(x: int) -> int: ...
            @overload
            def get(x: str) -> str: ...
            def get(x):
                return x
            """)
        ),
        Pass("def parse(text: str) -> dict: ...\n", path="parser.pyi"),
        # A base-class method that the subclasses in the repository override.
        Pass(
            code("""
            class Exporter:
                def export(self, rows):
                    raise NotImplementedError

                def on_start(self):
                    pass
            """),
            path="pkg/base.py",
            files={
                "pkg/csv.py": code("""
                from pkg.base import Exporter

                class CsvExporter(Exporter):
                    def export(self, rows):
                        return write(rows)

                    def on_start(self):
                        log("start")
                """)
            },
        ),
        Pass(
            code("""
            class Plugin:
                def run(self):
                    raise NotImplementedError("subclasses must implement run()")
            """)
        ),
        Pass(
            code("""
            def handle_sigpipe(signum, frame):
                # Nothing to do: the reader went away and we exit on the next write.
                pass

            class NullCache:
                def set(self, key, value):
                    pass

            class Session:
                def __exit__(self, *exc):
                    pass

            def noop(*args):
                pass

            def watch(path):
                def on_change(event):
                    pass

                return observe(path, on_change)
            """)
        ),
        Pass("def version():\n    return None\n"),
        Pass("def timeout():\n    # TODO: read it from the settings\n    return 30\n"),
        # Conditional definitions: platform and optional-dependency fallbacks.
        Pass(
            code("""
            import sys

            if sys.platform == "win32":
                def lock(fd):
                    msvcrt.locking(fd, 1, 1)
            else:
                def lock(fd):
                    raise NotImplementedError

            try:
                import argcomplete
            except ImportError:
                def autocomplete(parser):
                    pass
            """)
        ),
        # A hook specification: its docstring is the documentation of the interface.
        Pass(
            code("""
            def on_startup(config):
                \"\"\"Called once the configuration is read.

                :param config: the parsed configuration.
                \"\"\"
            """)
        ),
        Pass(
            code("""
            class ReadOnlyDatabase(Database):
                def save(self, key, value):
                    pass

            class NoCapture(Capture):
                def resume(self):
                    pass
            """)
        ),
        # The stub existed before the change; only another line changed.
        Pass(
            "def parse(text):\n    pass\n\nX = 2\n", before="def parse(text):\n    pass\n\nX = 1\n"
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._classes: list[libcst.ClassDef | None] = []  # None: inside a function
        # One entry per enclosing if/try: True when it is outside any function, which makes
        # the definitions under it conditional (platform or optional-dependency fallbacks).
        self._guards: list[bool] = []

    def _guard(self) -> None:
        self._guards.append(None not in self._classes)

    def visit_If(self, node: libcst.If) -> None:
        self._guard()

    def leave_If(self, original_node: libcst.If) -> None:
        self._guards.pop()

    def visit_Try(self, node: libcst.Try) -> None:
        self._guard()

    def leave_Try(self, original_node: libcst.Try) -> None:
        self._guards.pop()

    def visit_TryStar(self, node: libcst.TryStar) -> None:
        self._guard()

    def leave_TryStar(self, original_node: libcst.TryStar) -> None:
        self._guards.pop()

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._classes.append(node)

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        self._classes.pop()

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        owner = self._classes[-1] if self._classes else None
        nested = None in self._classes or any(self._guards)
        self._classes.append(None)
        if not self.after.is_stub:
            self._judge(node, owner, nested)

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        self._classes.pop()

    def _judge(self, node: libcst.FunctionDef, owner: libcst.ClassDef | None, nested: bool) -> None:
        """`nested`: defined inside a function, or conditionally (under a module-level if/try)."""
        if decorator_names(node.decorators) & _EXEMPT_DECORATORS:
            return
        if owner is not None and _is_interface(owner):
            return
        stub = self._stub(node)
        if stub is None:
            return
        comments = comments_in(node.body)
        # A TODO right above the def counts as "next to" the stub too (it cannot explain it).
        unfinished = any(is_unfinished(c) for c in comments + comments_above(node, self.after.cst))
        name = node.name.value
        if not unfinished and (stub.kind == "constant" or nested or _dunder(name)):
            return  # dunders: a protocol method left out on purpose (`__len__` that raises)
        if stub.kind in {"pass", "ellipsis", "docstring"} and not unfinished:
            if any(explains(c) for c in comments) or _no_op(name, owner):
                return
            if stub.kind == "docstring" and _documents_a_spec(stub.statement):
                return
            if owner is not None and self._overridden(owner, name):
                return
        if (
            stub.kind == "not-implemented"
            and owner is not None
            and (_asks_subclass(stub.statement) or self._overridden(owner, name))
        ):
            return
        target: libcst.CSTNode = stub.statement
        if not self.context.change.is_changed(self.after.position(target).line):
            target = node.name
        self.report(target, _stub_message(name, stub, self.after.cst, unfinished))

    def _stub(self, node: libcst.FunctionDef) -> _Stub | None:
        import libcst

        body = statements(node.body)
        docstring = body[0] if body and is_docstring(body[0]) else None
        rest = body[1:] if docstring is not None else body
        if not rest:
            return _Stub("docstring", docstring) if docstring is not None else None
        if len(rest) != 1:
            return None
        statement = rest[0]
        if isinstance(statement, libcst.Pass):
            return _Stub("pass", statement)
        if isinstance(statement, libcst.Expr) and isinstance(statement.value, libcst.Ellipsis):
            return _Stub("ellipsis", statement)
        if isinstance(statement, libcst.Raise) and _raises_not_implemented(statement):
            return _Stub("not-implemented", statement)
        if isinstance(statement, libcst.Return) and (
            statement.value is None or _placeholder_value(self.after.cst, statement.value)
        ):
            return _Stub("constant", statement)
        return None

    def _overridden(self, owner: libcst.ClassDef, method: str) -> bool:
        return python_class_index(self.project).overridden(owner.name.value, method)


def _is_interface(node: libcst.ClassDef) -> bool:
    return bool(set(base_names(node)) & _ABSTRACT_BASES) or metaclass_name(node) == "ABCMeta"


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _no_op(name: str, owner: libcst.ClassDef | None) -> bool:
    if _dunder(name):
        return True
    if _NO_OP_NAMES.match(name):
        return True
    return owner is not None and bool(_STAND_IN_CLASSES.search(owner.name.value))


def _placeholder_value(module: libcst.Module, node: libcst.BaseExpression) -> bool:
    """`return 30  # TODO: make it configurable` is an implementation with a note, not a stub."""
    ok, value = literal(module, node)
    return ok and _is_placeholder_constant(value)


def _is_placeholder_constant(value: object) -> bool:
    """None/null/undefined, a boolean, zero, an empty string or container: what a stub returns."""
    if value is None or isinstance(value, (bool, ts.Undefined)):
        return True
    if isinstance(value, (int, float)):
        return value == 0
    if isinstance(value, (str, bytes, list, tuple, dict, set)):
        return not value
    return False


def _documents_a_spec(docstring: libcst.CSTNode) -> bool:
    import libcst

    if not isinstance(docstring, libcst.Expr):
        return False
    value = string_value(docstring.value)
    return len((value or "").strip().splitlines()) >= _SPEC_DOCSTRING_LINES


def _raises_not_implemented(node: libcst.Raise) -> bool:
    import libcst

    exc = node.exc
    if isinstance(exc, libcst.Call):
        exc = exc.func
    return exc is not None and dotted_name(exc) in {
        "NotImplementedError",
        "builtins.NotImplementedError",
    }


def _asks_subclass(node: libcst.CSTNode) -> bool:
    """`raise NotImplementedError("subclasses must implement run()")`: an interface, said so."""
    import libcst

    if not (isinstance(node, libcst.Raise) and isinstance(node.exc, libcst.Call)):
        return False
    message = string_value(node.exc.args[0].value) if node.exc.args else None
    return bool(message and _ASKS_SUBCLASS.search(message))


def _stub_message(name: str, stub: _Stub, module: libcst.Module, unfinished: bool) -> str:
    what = {
        "pass": "its body only passes",
        "ellipsis": "its body is only `...`",
        "docstring": "its body is only a docstring",
        "not-implemented": "it only raises NotImplementedError",
    }.get(stub.kind)
    if what is None:
        shown = module.code_for_node(stub.statement).strip()
        what = f"it only does `{shown}` beside a TODO/placeholder comment"
    elif unfinished:
        what += " (with a TODO/placeholder comment)"
    return f"{name}() is a stub: {what}"


# -- AIG402 ------------------------------------------------------------------------------------


class PlaceholderComment(FileRule):
    id = "AIG402"
    name = "placeholder-comment"
    category = Category.STUB
    severity = Severity.WARNING
    languages = frozenset({"python", "javascript", "typescript"})
    scope = Scope.PRODUCTION
    summary = (
        "A comment admits the code is a placeholder: 'in a real implementation', "
        "'simplified version', 'for now, just', 'TODO: implement'."
    )
    rationale = (
        "Generated code often marks what it did not do with a comment instead of doing it: "
        "'in a real implementation you would validate the token', 'for now, just return the "
        "first item', 'placeholder logic'. The code beside such a comment is not the behaviour "
        "the change claims. The phrases are a curated list matched case-insensitively in "
        "comments only (never in strings or docstrings); a bare TODO is not flagged, and "
        "'placeholder' counts only as a statement about the code ('placeholder value', 'this "
        "is a placeholder'), not SQL or UI placeholders."
    )
    fix = "Write the real implementation, or open an issue and say precisely what is missing."
    interest = (
        r"(?i)real|production|simplified|for now|placeholder|implementation|todo|fixme|xxx|"
        r"goes here|go here|replace"
    )
    tags = ("stub", "comments")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag(
            code("""
            def verify(token):
                # In a real implementation we would check the signature.
                return True
            """),
            line=2,
            message="In a real implementation",
        ),
        Flag("def rank(items):\n    return items  # for now, just return them unsorted\n", line=2),
        Flag("# Simplified version of the pricing rules\nPRICE = 10\n", line=1),
        Flag(
            "export function pay(order) {\n  // TODO: implement payments\n  return true;\n}\n",
            line=2,
            path="src/pay.js",
        ),
        Flag(
            "const rate = 0.2; /* placeholder value until finance confirms */\n",
            line=1,
            path="src/tax.ts",
        ),
        Flag(
            code("""
            /**
             * Sends the email.
             * In production, you would queue it.
             */
            function send() {}
            """),
            line=3,
            path="src/mail.js",
        ),
        Pass("# TODO: cache the parsed result once profiling says it matters\nX = 1\n"),
        Pass('SQL = "SELECT * FROM t WHERE id = ?"  # use ? placeholders, never f-strings\n'),
        Pass('MESSAGE = "in a real implementation"\n'),
        Pass('def f():\n    """For now, just a simplified version."""\n    return compute()\n'),
        Pass(
            '// show placeholder text until the user types\n<input placeholder="Name" />;\n',
            path="src/form.jsx",
        ),
        Pass(
            "# mock implementation of the payment API for the tests\nclass FakeApi: ...\n",
            path="tests/fakes.py",
        ),
    )

    def check(self) -> None:
        for comment in self.after.comments:
            for offset, line in enumerate(comment.text.splitlines()):
                match = PLACEHOLDER.search(comment_body(line))
                if match:
                    column = comment.column if offset == 0 else 1
                    self.report_line(
                        comment.line + offset,
                        f"placeholder comment ('{match.group(0)}'): the code beside it is not "
                        "the real implementation",
                        column=column,
                    )
                    break


# -- AIG403 ------------------------------------------------------------------------------------


class PythonErrorHidingHandler(PythonRule):
    id = "AIG403"
    name = "error-hiding-handler"
    category = Category.STUB
    severity = Severity.WARNING
    scope = Scope.PRODUCTION
    summary = (
        "A handler catches every exception and discards it: `except Exception: pass`, "
        "`continue`, `return None`, `contextlib.suppress(Exception)`."
    )
    rationale = (
        "Catching everything and doing nothing turns every failure - a bug, a typo, a broken "
        "dependency - into silent wrong behaviour, and hides the very errors that would show "
        "the code does not work. Policy: only handlers for everything are flagged (bare except, "
        "Exception, BaseException, a tuple containing one, contextlib.suppress of them) whose "
        "body only passes, is `...`, continues or returns None. A narrow type "
        "(`except FileNotFoundError: pass`, `except (KeyboardInterrupt, BrokenPipeError): pass`) "
        "is a decision about one known failure and stays silent, as does a handler with a "
        "comment that explains why the error may be ignored (in the handler or right above "
        "the try) and a handler in __del__."
    )
    fix = (
        "Catch the specific exceptions you expect, and log or re-raise the rest; if ignoring "
        "really is right, say why in a comment."
    )
    interest = r"\bexcept\b|suppress|\bpass\b|\bcontinue\b|\breturn\b|\.\.\."
    tags = ("python", "errors")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag("try:\n    save()\nexcept Exception:\n    pass\n", line=3),
        Flag("try:\n    save()\nexcept:\n    pass\n", line=3, message="bare `except:`"),
        Flag(
            code("""
            for row in rows:
                try:
                    handle(row)
                except (ValueError, Exception) as exc:
                    continue
            """),
            line=4,
        ),
        Flag(
            code("""
            def load(path):
                try:
                    return read(path)
                except BaseException:
                    return None
            """),
            line=4,
        ),
        Flag(
            "import contextlib\n\nwith contextlib.suppress(Exception):\n    cleanup()\n",
            line=3,
        ),
        # The handler used to log; the change made it swallow.
        Flag(
            "try:\n    save()\nexcept Exception:\n    pass\n",
            before="try:\n    save()\nexcept Exception:\n    log.exception('save failed')\n",
            line=4,
        ),
        Pass("try:\n    os.remove(tmp)\nexcept FileNotFoundError:\n    pass\n"),
        Pass(
            code("""
            def main():
                try:
                    run()
                except (KeyboardInterrupt, BrokenPipeError):
                    # The user stopped us or closed the pipe: exit quietly.
                    pass
            """)
        ),
        Pass("try:\n    import ujson as json\nexcept ImportError:\n    import json\n"),
        Pass("try:\n    save()\nexcept Exception:\n    log.exception('save failed')\n    raise\n"),
        Pass(
            code("""
            try:
                telemetry.send(event)
            except Exception:  # best effort: telemetry must never break the command
                pass
            """)
        ),
        Pass("from contextlib import suppress\n\nwith suppress(OSError):\n    os.remove(tmp)\n"),
        Pass("try:\n    v = int(s)\nexcept Exception:\n    return False\n"),
        Pass(
            code("""
            def user_agent():
                data = {"python": python_version()}
                # If rustc is broken for any reason, report without its version.
                try:
                    data["rustc"] = rustc_version()
                except Exception:
                    pass
                return data
            """)
        ),
        Pass(
            code("""
            class Stream:
                def __del__(self):
                    try:
                        self.close()
                    except Exception:
                        pass
            """)
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._tries: list[libcst.CSTNode] = []
        self._functions: list[str] = []

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._functions.append(node.name.value)

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Try(self, node: libcst.Try) -> None:
        self._tries.append(node)

    def leave_Try(self, original_node: libcst.Try) -> None:
        self._tries.pop()

    def visit_TryStar(self, node: libcst.TryStar) -> None:
        self._tries.append(node)

    def leave_TryStar(self, original_node: libcst.TryStar) -> None:
        self._tries.pop()

    def visit_ExceptHandler(self, node: libcst.ExceptHandler) -> None:
        self._judge(node)

    def visit_ExceptStarHandler(self, node: libcst.ExceptStarHandler) -> None:
        self._judge(node)

    def _judge(self, node: libcst.ExceptHandler | libcst.ExceptStarHandler) -> None:
        if not _broad(node.type):
            return
        if self._functions and self._functions[-1] == "__del__":
            return  # an exception cannot leave a finalizer anyway: Python prints and drops it
        body = statements(node.body)
        if len(body) != 1 or not _discards(body[0]):
            return
        comments = comments_in(node)
        if self._tries:
            comments += comments_above(self._tries[-1], self.after.cst)
        if any(explains(c) for c in comments):
            return
        keyword = "except*" if type(node).__name__ == "ExceptStarHandler" else "except"
        caught = "bare `except:`" if node.type is None else f"`{keyword} {self._code(node.type)}`"
        action = self._code(body[0])
        target: libcst.CSTNode = node
        if not self.context.change.is_changed(self.after.position(node).line):
            target = body[0]
        self.report(
            target,
            f"{caught} discards every error (`{action}`) without logging or re-raising it",
        )

    def visit_With(self, node: libcst.With) -> None:
        """`with contextlib.suppress(Exception):` - the same as `except Exception: pass`."""
        import libcst

        for item in node.items:
            call = item.item
            if not isinstance(call, libcst.Call):
                continue
            if dotted_name(call.func) not in {"contextlib.suppress", "suppress"}:
                continue
            if not any(_broad(arg.value) for arg in call.args):
                continue
            comments = comments_above(node, self.after.cst) + header_comments(node.body)
            if not any(explains(c) for c in comments):
                self.report(
                    call,
                    f"`{self._code(call)}` discards every error without logging or re-raising it",
                )

    def _code(self, node: libcst.CSTNode) -> str:
        return " ".join(self.after.cst.code_for_node(node).split())


def _broad(node: libcst.BaseExpression | None) -> bool:
    """A handler type that catches everything: none (bare), Exception, BaseException, or a tuple."""
    import libcst

    if node is None:
        return True
    if isinstance(node, libcst.Tuple):
        return any(_broad(element.value) for element in node.elements)
    name = dotted_name(node)
    return name is not None and name.rsplit(".", 1)[-1] in _BROAD_EXCEPTIONS


def _discards(statement: libcst.CSTNode) -> bool:
    import libcst

    if isinstance(statement, (libcst.Pass, libcst.Continue)):
        return True
    if isinstance(statement, libcst.Expr) and isinstance(statement.value, libcst.Ellipsis):
        return True
    if isinstance(statement, libcst.Return):
        value = statement.value
        return value is None or (isinstance(value, libcst.Name) and value.value == "None")
    return False


# -- AIG404 ------------------------------------------------------------------------------------

_NOT_IMPLEMENTED = re.compile(
    r"\bnot\s+(?:yet\s+)?implemented\b|\bunimplemented\b|\bimplement\s+me\b|^\s*todo\b",
    re.IGNORECASE,
)
_NOT_IMPLEMENTED_CLASS = re.compile(r"NotImplemented|Unimplemented", re.IGNORECASE)


class JsStubBody(FileRule):
    id = "AIG404"
    name = "stub-body-js"
    category = Category.STUB
    severity = Severity.WARNING
    languages = frozenset({"javascript", "typescript"})
    scope = Scope.PRODUCTION
    summary = (
        "A JS/TS function added or changed that only throws 'Not implemented', or has an empty "
        "body or a constant return beside a TODO."
    )
    rationale = (
        '`throw new Error("Not implemented")`, `{ /* TODO */ }` and `return null; // TODO` ship '
        "a promise instead of behaviour: callers fail or get a constant at run time. TypeScript "
        "`declare`, interface and abstract members have no body and are never flagged; methods "
        "of abstract classes and base-class methods that a subclass in the repository overrides "
        "stay silent too. An empty body without a TODO is a deliberate no-op (`() => {}`)."
    )
    fix = (
        "Implement the function, declare it abstract, or explain in a comment why it does nothing."
    )
    interest = r"(?i)throw|return|todo|fixme|xxx|placeholder|implement|\{\s*\}"
    tags = ("javascript", "typescript", "stub")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag(
            'export function parse(text) {\n  throw new Error("Not implemented");\n}\n',
            line=2,
        ),
        Flag(
            "export function sync(): void {\n  // TODO: push the changes to the server\n}\n",
            line=2,
            path="src/sync.ts",
        ),
        Flag(
            "class Repo {\n  find(id) {\n    return null; // TODO\n  }\n}\n",
            line=3,
        ),
        Flag("// TODO: sync with the server\nexport function sync() {}\n", line=2),
        Flag(
            code("""
            export const load = async (url: string) => {
              throw new Error("not yet implemented: load");
            };
            """),
            line=2,
            path="src/load.ts",
        ),
        Pass(
            code("""
            declare function fetchAll(): Promise<void>;
            interface Store {
              get(key: string): string;
            }
            abstract class Base {
              abstract run(): void;
              describe(): string {
                throw new Error("Not implemented");
              }
            }
            export function f(a: string): string;
            export function f(a: number): number;
            export function f(a: any): any {
              return a;
            }
            """),
            path="src/types.ts",
        ),
        Pass("button.onclick = () => {};\nconst noop = function () {};\n"),
        Pass('function check(x) {\n  throw new Error("Unsupported value: " + x);\n}\n'),
        Pass(
            "class Shape {\n  area() {\n    throw new Error('not implemented');\n  }\n}\n",
            path="src/shape.js",
            files={
                "src/circle.js": "class Circle extends Shape {\n  area() {\n    return 3;\n  }\n}\n"
            },
        ),
        Pass("export function version() {\n  return null;\n}\n"),
    )

    def check(self) -> None:
        for node in ts.walk(self.after.tree.root_node):
            if node.type in ts.FUNCTION_TYPES:
                self._judge(node)

    def _judge(self, function: tree_sitter.Node) -> None:
        statements_ = ts.body_statements(function)
        if statements_ is None or len(statements_) > 1:
            return  # an expression body is an implementation, however small
        if statements_ and statements_[0].type not in {"throw_statement", "return_statement"}:
            return
        span = self.after.node_span(function)
        comments = _comments_between(self.after.comments, span.line, span.end_line)
        unfinished = [c for c in comments if is_unfinished(c.text)]
        above = [
            c for c in _comment_block_above(self.after.comments, span.line) if is_unfinished(c.text)
        ]
        name = ts.function_name(function) or "function"
        target_line: int | None = None
        what = ""
        if not statements_:
            if unfinished:
                target_line, what = unfinished[0].line, "its body is empty but for a TODO"
            elif above:
                target_line, what = span.line, "its body is empty, under a TODO"
            unfinished = unfinished or above
        elif len(statements_) == 1:
            only = statements_[0]
            if only.type == "throw_statement" and _throws_not_implemented(only):
                if not self._interface_method(function):
                    target_line, what = (
                        self.after.node_span(only).line,
                        "it only throws 'not implemented'",
                    )
            elif (
                only.type == "return_statement"
                and (unfinished or above)
                and _returns_constant(only)
            ):
                shown = " ".join(ts.text(only).split())
                target_line, what = (
                    self.after.node_span(only).line,
                    f"it only does `{shown}` beside a TODO",
                )
        if target_line is None:
            return
        if not self.context.change.is_changed(target_line):
            target_line = span.line
        self.report_line(target_line, f"{name}() is a stub: {what}")

    def _interface_method(self, function: tree_sitter.Node) -> bool:
        """A method of an abstract class, or of a class that a subclass overrides it in."""
        if function.type != "method_definition":
            return False
        owner = function.parent.parent if function.parent is not None else None
        if owner is None:
            return False
        if owner.type == "abstract_class_declaration":
            return True
        facts = js_class_facts(owner)
        method = ts.function_name(function)
        if facts is None or method is None:
            return False
        return js_class_index(self.project).overridden(facts.name, method)


def _throws_not_implemented(statement: tree_sitter.Node) -> bool:
    thrown = next((c for c in statement.named_children if c.type != "comment"), None)
    if thrown is None or thrown.type not in {"new_expression", "call_expression"}:
        return False
    constructor = thrown.child_by_field_name("constructor") or thrown.child_by_field_name(
        "function"
    )
    if constructor is not None and _NOT_IMPLEMENTED_CLASS.search(ts.text(constructor)):
        return True
    arguments = thrown.child_by_field_name("arguments")
    first = (
        next((a for a in arguments.named_children if a.type != "comment"), None)
        if arguments
        else None
    )
    message = ts.string_value(first) if first is not None else None
    return bool(message and _NOT_IMPLEMENTED.search(message))


def _returns_constant(statement: tree_sitter.Node) -> bool:
    """`return;`, `return null`, `undefined`, `true`/`false`, `0`, `""`, `[]`, `{}`."""
    value = next((c for c in statement.named_children if c.type != "comment"), None)
    if value is None:
        return True
    if value.type in {"object", "array"} and not [
        c for c in value.named_children if c.type != "comment"
    ]:
        return True
    ok, constant = ts.literal_value(value)
    return ok and _is_placeholder_constant(constant)


# -- AIG405 ------------------------------------------------------------------------------------


class JsErrorHidingHandler(FileRule):
    id = "AIG405"
    name = "error-hiding-handler-js"
    category = Category.STUB
    severity = Severity.WARNING
    languages = frozenset({"javascript", "typescript"})
    scope = Scope.PRODUCTION
    summary = "An empty `catch {}` / `catch (e) {}`, or `.catch(() => {})` / `.catch(() => null)`."
    rationale = (
        "A handler that discards the error turns every failure - a bug, a rejected request, a "
        "typo - into silent wrong behaviour, and hides the errors that would show the code does "
        "not work. As ESLint's no-empty does, a catch whose body holds a comment explaining why "
        "the error may be ignored is left alone; a TODO is not an explanation."
    )
    fix = "Handle the error (log, report or rethrow it) or say in a comment why it may be ignored."
    interest = r"\bcatch\b"
    tags = ("javascript", "typescript", "errors")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag("try {\n  save();\n} catch (e) {}\n", line=3),
        Flag("try {\n  save();\n} catch {\n  // TODO\n}\n", line=3),
        Flag("fetchUser(id).catch(() => {});\n", line=1),
        Flag("const user = await api.get(id)\n  .catch(() => null);\n", line=2, path="src/a.ts"),
        Flag("load().catch(function (err) { return undefined; });\n", line=1),
        Pass(
            code("""
            try {
              localStorage.setItem(k, v);
            } catch {
              // Safari private mode throws; storage is optional here.
            }
            """)
        ),
        Pass("try {\n  save();\n} catch (e) {\n  logger.error(e);\n}\n"),
        Pass("fetchUser(id).catch((e) => report(e));\n"),
        Pass("promise.catch(() => {}); // ignore: the preload is best effort\n"),
        Pass("try {\n  save();\n} catch (e) {}\n", path="src/__tests__/save.js"),
    )

    def check(self) -> None:
        for node in ts.walk(self.after.tree.root_node):
            if node.type == "catch_clause":
                self._catch_clause(node)
            elif node.type == "call_expression":
                self._promise_catch(node)

    def _catch_clause(self, node: tree_sitter.Node) -> None:
        body = node.child_by_field_name("body")
        if body is None or any(c.type != "comment" for c in body.named_children):
            return
        span = self.after.node_span(node)
        if self._explained(span.line, span.end_line):
            return
        line = span.line if self.context.change.is_changed(span.line) else span.end_line
        self.report_line(
            line, "empty catch block: the error is discarded without being handled or logged"
        )

    def _promise_catch(self, node: tree_sitter.Node) -> None:
        func = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if func is None or arguments is None or func.type != "member_expression":
            return
        prop = func.child_by_field_name("property")
        if prop is None or ts.text(prop) != "catch":
            return
        args = [a for a in arguments.named_children if a.type != "comment"]
        if len(args) != 1 or not _discarding_callback(args[0]):
            return
        start = self.after.node_span(prop)
        end = self.after.node_span(node).end_line
        if self._explained(start.line, end):
            return
        shown = " ".join(ts.text(args[0]).split())
        self.report_line(
            start.line,
            f"`.catch({shown})` discards the rejection without handling or logging it",
            column=start.column,
        )

    def _explained(self, first: int, last: int) -> bool:
        return any(explains(c.text) for c in _comments_between(self.after.comments, first, last))


def _discarding_callback(node: tree_sitter.Node) -> bool:
    """`() => {}`, `() => null`, `function () { return undefined; }`, `noop`."""
    if node.type in {"identifier", "member_expression"}:
        return ts.text(node).rsplit(".", 1)[-1] == "noop"
    if node.type not in {"arrow_function", "function_expression", "function"}:
        return False
    body = node.child_by_field_name("body")
    if body is None:
        return False
    if body.type != "statement_block":
        return _nothing(body)
    statements_ = [c for c in body.named_children if c.type != "comment"]
    if not statements_:
        return True
    if len(statements_) == 1 and statements_[0].type == "return_statement":
        value = next((c for c in statements_[0].named_children if c.type != "comment"), None)
        return value is None or _nothing(value)
    return False


def _nothing(node: tree_sitter.Node) -> bool:
    node = ts.unwrap(node)
    if node.type in {"null", "undefined"} or ts.text(node) == "undefined":
        return True
    return node.type == "unary_expression" and ts.text(node).replace(" ", "") == "void0"
