"""AIG401 and AIG403, Python: stub bodies and handlers that discard every error."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from aiguard.findings import Category, Severity
from aiguard.lint.rule import Example, FileContext, Flag, Pass, PythonRule, Scope
from aiguard.memo import MemoKey
from aiguard.source import SourceError
from aiguard_rules._shared.python_syntax import (
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
from aiguard_rules.stub._text import (
    explains,
    is_unfinished,
    justifies,
    python_class_index,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import libcst

    from aiguard.source import Source
from aiguard_rules.stub._common import (
    CLEANUP_NOTE,
    NO_OP_NAMES,
    STAND_IN_CLASSES,
    is_cleanup_name,
    is_placeholder_constant,
)

_BODIES: MemoKey[dict[tuple[str, str], set[str]]] = MemoKey("aiguard_rules.stub.bodies")
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
# A docstring this long documents an interface (a hook specification), it is not a stub's.
_SPEC_DOCSTRING_LINES = 3
_ASKS_SUBCLASS = re.compile(r"subclass|override|abstract|must (?:be )?implement|derived", re.I)
_BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})
# An Alembic revision file: its module-level `down_revision` identifies it.
_MIGRATION = re.compile(r"^down_revision\s*[:=]", re.MULTILINE)
_MIGRATION_STEPS = frozenset({"upgrade", "downgrade"})


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
        "specifications documented by a docstring of three lines or more. A no-op method of "
        "a class whose base comes from outside the project (the standard library or a "
        "package) usually overrides a hook on purpose: that finding is a note, and so is the "
        "empty `downgrade()` of an Alembic revision (a migration left irreversible on purpose, "
        "often with a note that PostgreSQL cannot drop an enum value)."
    )
    fix = (
        "Implement the function, or make the interface explicit (@abstractmethod, Protocol), "
        "or say in a comment why it does nothing."
    )
    interest = r"\b(?:pass|def|return|raise)\b|\.\.\.|\"\"\"|'''|NotImplemented"
    tags = ("python", "stub")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag("def parse(text):\n    pass\n", line=2, message="only passes"),
        Flag(
            "from alembic import op\n\nrevision = '077'\ndown_revision = '076'\n\n"
            "def upgrade():\n    op.drop_table('settings')\n\n"
            'def downgrade():\n    """No-op: the table is gone for good."""\n    pass\n',
            line=11,
            severity=Severity.NOTE,
            message="Alembic migration",
        ),
        Flag('def parse(text):\n    """Parse the config file."""\n    ...\n', line=3),
        Flag(
            """
            class Exporter:
                def export(self, rows):
                    raise NotImplementedError
            """,
            line=3,
        ),
        Flag(
            """
            def fetch_user(user_id: int) -> dict:
                # TODO: call the API
                return {}
            """,
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
            """
            from abc import ABC, abstractmethod

            class Store(ABC):
                @abstractmethod
                def get(self, key):
                    ...

                def describe(self):
                    pass
            """
        ),
        Pass(
            """
            from typing import Protocol, overload

            class Reader(Protocol):
                def read(self, n: int) -> bytes: ...

            @overload
            def get(x: int) -> int: ...
            @overload
            def get(x: str) -> str: ...
            def get(x):
                return x
            """
        ),
        Pass("def parse(text: str) -> dict: ...\n", path="parser.pyi"),
        # A base-class method that the subclasses in the repository override.
        Pass(
            """
            class Exporter:
                def export(self, rows):
                    raise NotImplementedError

                def on_start(self):
                    pass
            """,
            path="pkg/base.py",
            files={
                "pkg/csv.py": """
                from pkg.base import Exporter

                class CsvExporter(Exporter):
                    def export(self, rows):
                        return write(rows)

                    def on_start(self):
                        log("start")
                """
            },
        ),
        Pass(
            """
            class Plugin:
                def run(self):
                    raise NotImplementedError("subclasses must implement run()")
            """
        ),
        Pass(
            """
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
            """
        ),
        Pass("def version():\n    return None\n"),
        Pass("def timeout():\n    # TODO: read it from the settings\n    return 30\n"),
        # Conditional definitions: platform and optional-dependency fallbacks.
        Pass(
            """
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
            """
        ),
        # A hook specification: its docstring is the documentation of the interface.
        Pass(
            """
            def on_startup(config):
                \"\"\"Called once the configuration is read.

                :param config: the parsed configuration.
                \"\"\"
            """
        ),
        Pass(
            """
            class ReadOnlyDatabase(Database):
                def save(self, key, value):
                    pass

            class NoCapture(Capture):
                def resume(self):
                    pass
            """
        ),
        # A no-op override of a library class's hook: a note.
        Flag(
            """
            from http.server import BaseHTTPRequestHandler

            class QuietHandler(BaseHTTPRequestHandler):
                def log_message(self, format, *args):
                    pass
            """,
            line=5,
            severity=Severity.NOTE,
            message="hook of `BaseHTTPRequestHandler`",
        ),
        # The no-op existed before the change; only its signature changed.
        Pass(
            """
            class MemoryStore(Store):
                def clear_expired(self, now=None):
                    pass
            """,
            before="""
            class MemoryStore(Store):
                def clear_expired(self):
                    pass
            """,
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
            if self._body_unchanged(node, owner):
                return  # only the signature or decorators changed: the no-op was there already
            target = node.name
        message = _stub_message(name, stub, self.after.cst, unfinished)
        if owner is None and name in _MIGRATION_STEPS and _MIGRATION.search(self.after.text):
            # An Alembic revision whose downgrade does nothing: an irreversible migration,
            # usually decided on purpose (a dropped table, an enum value PostgreSQL keeps).
            message += " (an Alembic migration that cannot be undone? say so in a comment)"
            self.report(target, message, severity=Severity.NOTE)
            return
        base = self._external_base(owner) if owner is not None and not unfinished else None
        if base is not None and stub.kind in {"pass", "ellipsis", "docstring"}:
            # Overriding a hook of a library class with a no-op is usually the point.
            message += f" (an override of a hook of `{base}`? say so in a comment)"
            self.report(target, message, severity=Severity.NOTE)
            return
        self.report(target, message)

    def _external_base(self, owner: libcst.ClassDef) -> str | None:
        """A base class imported from outside the project (the stdlib or a library)."""
        from aiguard_rules._shared.python_imports import Found, imports_of, python_project

        bound: dict[str, str] = {}
        for site in imports_of(self.after):
            if site.level:
                continue
            for imported in site.names:
                module = site.module if site.is_from else imported.name
                bound[imported.bound_as] = module
        python = python_project(self.project)
        for arg in owner.bases:
            shown = dotted_name(arg.value)
            if shown is None:
                continue
            source_module = bound.get(shown.split(".", 1)[0])
            if source_module is None:
                continue
            found = python.resolve(source_module, self.path, type_checking=False)
            if not (isinstance(found, Found) and found.origin == "first-party"):
                return shown
        return None

    def _body_unchanged(self, node: libcst.FunctionDef, owner: libcst.ClassDef | None) -> bool:
        """Whether the before-version had this function (same class, same name) with this body."""
        before = self.before
        if before is None or before.language != "python":
            return False
        try:
            old = before.memo(_BODIES, lambda: _bodies(before))
        except SourceError:
            return False
        key = (owner.name.value if owner is not None else "", node.name.value)
        return _squash(self.after.cst.code_for_node(node.body)) in old.get(key, ())

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


def _bodies(source: Source) -> dict[tuple[str, str], set[str]]:
    """(class name or "", function name) -> the function bodies, whitespace dropped."""
    import libcst

    module = source.cst
    found: dict[tuple[str, str], set[str]] = {}

    def walk(body: Sequence[libcst.CSTNode], owner: str) -> None:
        for statement in body:
            if isinstance(statement, libcst.FunctionDef):
                key = (owner, statement.name.value)
                found.setdefault(key, set()).add(_squash(module.code_for_node(statement.body)))
            elif isinstance(statement, libcst.ClassDef) and isinstance(
                statement.body, libcst.IndentedBlock
            ):
                walk(statement.body.body, statement.name.value)
            elif isinstance(statement, (libcst.If, libcst.Try)) and isinstance(
                statement.body, libcst.IndentedBlock
            ):
                walk(statement.body.body, owner)

    walk(module.body, "")
    return found


def _squash(text: str) -> str:
    return "".join(text.split())


def _is_interface(node: libcst.ClassDef) -> bool:
    return bool(set(base_names(node)) & _ABSTRACT_BASES) or metaclass_name(node) == "ABCMeta"


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _no_op(name: str, owner: libcst.ClassDef | None) -> bool:
    if _dunder(name):
        return True
    if NO_OP_NAMES.match(name):
        return True
    return owner is not None and bool(STAND_IN_CLASSES.search(owner.name.value))


def _placeholder_value(module: libcst.Module, node: libcst.BaseExpression) -> bool:
    """`return 30  # TODO: make it configurable` is an implementation with a note, not a stub."""
    ok, value = literal(module, node)
    return ok and is_placeholder_constant(value)


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
        "the try) and a handler in __del__. In clean-up code (a close/cleanup/teardown/"
        "`__exit__` function, or a try that only calls `close()`, `unlink()`, `kill()`...) "
        "a failure is usually harmless, so the finding is a note. Differences from ruff's "
        "S110/S112 (flake8-bandit try-except-pass/continue): those flag only `pass` or "
        "`continue` and ignore comments; here `...` and `return None` count too, a comment "
        "with a reason (not one that restates the handler or names the guarded call: `# do "
        "nothing if save fails`) stays silent, and S110's check-typed-exception option "
        "(flag `except ValueError: pass`) is not our policy. Unlike AIG405 for JS/TS, "
        "`return False`/`[]`/`{}` in a handler is not flagged: `except Exception: return "
        "False` after `int(s)` is how Python tests a format."
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
            """
            for row in rows:
                try:
                    handle(row)
                except (ValueError, Exception) as exc:
                    continue
            """,
            line=4,
        ),
        Flag(
            """
            def load(path):
                try:
                    return read(path)
                except BaseException:
                    return None
            """,
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
        Flag(
            """
            def save(conn, rows):
                conn.write(rows)
                try:
                    conn.close()
                except Exception:
                    pass
            """,
            line=5,
            severity=Severity.NOTE,
            message="clean-up",
        ),
        Flag(
            "class Pool:\n    def shutdown(self):\n        try:\n            self.flush()\n"
            "        except Exception:\n            pass\n",
            line=5,
            severity=Severity.NOTE,
        ),
        # A comment is a reason only if it says why: restating the handler is not one.
        Flag("try:\n    save()\nexcept Exception:  # ignore errors here\n    pass\n", line=3),
        Flag(
            "try:\n    save()\nexcept Exception:\n    pass  # intentionally swallow all\n", line=3
        ),
        # Naming the guarded call and what failing means restates the code too.
        Flag("try:\n    save()\nexcept Exception:\n    pass  # do nothing if save fails\n", line=3),
        Flag(
            "for path in paths:\n    try:\n        load_config(path)\n    except Exception:\n"
            "        continue  # config load failed, keep going\n",
            line=4,
        ),
        # suppress() put around the one call that used to fail loudly.
        Flag(
            "from contextlib import suppress\n\nwith suppress(Exception):\n    sync_orders()\n",
            before="sync_orders()\n",
            line=3,
        ),
        # An aiguard directive suppresses the finding on the record; it does not hide it.
        Flag(
            "try:\n    save()\n"
            "except Exception:  # aiguard: ignore[AIG403] -- the cache is optional here\n"
            "    pass\n",
            line=3,
        ),
        Pass("try:\n    os.remove(tmp)\nexcept FileNotFoundError:\n    pass\n"),
        Pass(
            """
            def main():
                try:
                    run()
                except (KeyboardInterrupt, BrokenPipeError):
                    # The user stopped us or closed the pipe: exit quietly.
                    pass
            """
        ),
        Pass("try:\n    import ujson as json\nexcept ImportError:\n    import json\n"),
        Pass("try:\n    save()\nexcept Exception:\n    log.exception('save failed')\n    raise\n"),
        Pass(
            """
            try:
                telemetry.send(event)
            except Exception:  # best effort: telemetry must never break the command
                pass
            """
        ),
        Pass("from contextlib import suppress\n\nwith suppress(OSError):\n    os.remove(tmp)\n"),
        Pass("try:\n    v = int(s)\nexcept Exception:\n    return False\n"),
        Pass(
            """
            def user_agent():
                data = {"python": python_version()}
                # If rustc is broken for any reason, report without its version.
                try:
                    data["rustc"] = rustc_version()
                except Exception:
                    pass
                return data
            """
        ),
        Pass(
            """
            class Stream:
                def __del__(self):
                    try:
                        self.close()
                    except Exception:
                        pass
            """
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
        guarded = ""
        if self._tries:
            comments += comments_above(self._tries[-1], self.after.cst)
            tried = getattr(self._tries[-1], "body", None)
            guarded = self.after.cst.code_for_node(tried) if tried is not None else ""
        if any(justifies(c, guarded) for c in comments):
            return
        keyword = "except*" if type(node).__name__ == "ExceptStarHandler" else "except"
        caught = "bare `except:`" if node.type is None else f"`{keyword} {self._code(node.type)}`"
        action = self._code(body[0])
        target: libcst.CSTNode = node
        if not self.context.change.is_changed(self.after.position(node).line):
            target = body[0]
        message = f"{caught} discards every error (`{action}`) without logging or re-raising it"
        if self._in_cleanup():
            self.report(target, message + CLEANUP_NOTE, severity=Severity.NOTE)
        else:
            self.report(target, message)

    def _in_cleanup(self) -> bool:
        """Inside a close/cleanup/teardown function, or a try that only calls such methods."""
        if self._functions and is_cleanup_name(self._functions[-1]):
            return True
        import libcst

        innermost = self._tries[-1] if self._tries else None
        if not isinstance(innermost, (libcst.Try, libcst.TryStar)):
            return False
        return _cleanup_calls(statements(innermost.body))

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
            guarded = self.after.cst.code_for_node(node.body)
            if not any(justifies(c, guarded) for c in comments):
                message = (
                    f"`{self._code(call)}` discards every error without logging or re-raising it"
                )
                if _cleanup_calls(statements(node.body)) or (
                    self._functions and is_cleanup_name(self._functions[-1])
                ):
                    self.report(call, message + CLEANUP_NOTE, severity=Severity.NOTE)
                else:
                    self.report(call, message)

    def _code(self, node: libcst.CSTNode) -> str:
        return " ".join(self.after.cst.code_for_node(node).split())


def _cleanup_calls(body: Sequence[libcst.CSTNode]) -> bool:
    """Whether every statement only calls a clean-up method (`conn.close()`, `os.unlink(p)`)."""
    import libcst

    if not body:
        return False
    for statement in body:
        value = statement.value if isinstance(statement, libcst.Expr) else None
        if isinstance(value, libcst.Await):
            value = value.expression
        if not isinstance(value, libcst.Call):
            return False
        name = dotted_name(value.func)
        if name is None or not is_cleanup_name(name.rsplit(".", 1)[-1]):
            return False
    return True


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
