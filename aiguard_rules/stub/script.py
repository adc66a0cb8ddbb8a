"""AIG404 and AIG405, JavaScript/TypeScript: stub bodies and handlers that discard every error."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, ClassVar

from aiguard.findings import Category, Severity
from aiguard.lint.rule import Example, Flag, Pass, Scope, ScriptRule
from aiguard.source import Comment
from aiguard_rules._shared import script_syntax as ts
from aiguard_rules.stub._text import (
    explains,
    interface_index,
    interface_members,
    is_unfinished,
    js_class_facts,
    js_class_index,
    justifies,
)

if TYPE_CHECKING:
    import tree_sitter
from aiguard_rules.stub._common import (
    CLEANUP_NOTE,
    NO_OP_NAMES,
    STAND_IN_CLASSES,
    is_cleanup_name,
    is_placeholder_constant,
)


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


# -- AIG404 ------------------------------------------------------------------------------------

_NOT_IMPLEMENTED = re.compile(
    r"\bnot\s+(?:yet\s+)?implemented\b|\bunimplemented\b|\bimplement\s+me\b|^\s*todo\b",
    re.IGNORECASE,
)
_NOT_IMPLEMENTED_CLASS = re.compile(r"NotImplemented|Unimplemented", re.IGNORECASE)


class JsStubBody(ScriptRule):
    id = "AIG404"
    name = "stub-body-js"
    category = Category.STUB
    severity = Severity.WARNING
    languages = frozenset({"javascript", "typescript"})
    scope = Scope.PRODUCTION
    summary = (
        "A JS/TS function added or changed that only throws 'Not implemented', has an empty "
        "body or a constant return beside a TODO, or an interface member left as `() => {}`."
    )
    rationale = (
        '`throw new Error("Not implemented")`, `{ /* TODO */ }` and `return null; // TODO` ship '
        "a promise instead of behaviour: callers fail or get a constant at run time. TypeScript "
        "`declare`, interface and abstract members have no body and are never flagged; methods "
        "of abstract classes and base-class methods that a subclass in the repository overrides "
        "stay silent too. An empty body without a TODO is a deliberate no-op (`() => {}`), "
        "except in a class that implements a first-party interface: a member the interface "
        "requires left as `{}`, `() => {}`, `async () => {}` or `noop` is a stub, unless a "
        "comment says why or the class is named as a stand-in (`Noop*`, `Null*`, `Fake*`...); "
        "optional members and interfaces from packages (Angular's `OnInit`) stay silent. "
        "`.d.ts` files, `declare`, overload signatures and abstract members have no body. "
        "Differences from typescript-eslint's no-empty-function: an empty function is not "
        "reported for being empty, only for leaving a promised behaviour out."
    )
    fix = (
        "Implement the function, declare it abstract, or explain in a comment why it does nothing."
    )
    interest = r"(?i)throw|return|todo|fixme|xxx|placeholder|implement|\{\s*\}|noop"
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
            """
            export const load = async (url: string) => {
              throw new Error("not yet implemented: load");
            };
            """,
            line=2,
            path="src/load.ts",
        ),
        Pass(
            """
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
            """,
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
        Flag(
            'export function parse(s: string): never {\n  throw new Error("TODO");\n}\n',
            line=2,
            path="src/parse.ts",
        ),
        Flag(
            """
            interface Store {
              save(key: string): void;
              load(): Promise<string>;
              flush(): void;
              close?(): void;
            }
            export class MemoryStore implements Store {
              save = (key: string) => {};
              load = async () => {};
              flush = noop;
              close() {}
            }
            """,
            line=(8, 9, 10),
            path="src/store.ts",
            message="implements `Store.",
        ),
        Flag(
            "import { Store } from './store';\nexport class Disk implements Store {\n"
            "  save(key: string): void {}\n  load() {\n    return read();\n  }\n}\n",
            line=3,
            path="src/disk.ts",
            files={"src/store.ts": "export interface Store {\n  save(k: string): void;\n}\n"},
        ),
        Pass(
            """
            import { OnInit } from "@angular/core";
            interface Logger {
              info(message: string): void;
            }
            export class AppComponent implements OnInit {
              ngOnInit(): void {}
            }
            export class NoopLogger implements Logger {
              info(message: string) {}
            }
            export class QuietLogger implements Logger {
              // Quiet mode prints nothing, on purpose.
              info(message: string) {}
            }
            """,
            path="src/app.ts",
        ),
        Pass(
            "export declare class Store {\n  save(key: string): void;\n}\n"
            "export declare function load(): Promise<string>;\n",
            path="src/types.d.ts",
        ),
        # The empty member was there before; only another line changed.
        Pass(
            "interface S {\n  save(): void;\n}\nclass M implements S {\n  save() {}\n}\n"
            "const x = 2;\n",
            before="interface S {\n  save(): void;\n}\nclass M implements S {\n  save() {}\n}\n"
            "const x = 1;\n",
            path="src/m.ts",
        ),
    )

    def get_visitors(self) -> Mapping[str, Callable[[tree_sitter.Node], object]]:
        visitors: dict[str, Callable[[tree_sitter.Node], object]] = {
            f"visit_{kind}": self._judge for kind in ts.FUNCTION_TYPES
        }
        visitors["visit_class_declaration"] = self._judge_class
        return visitors

    def _judge_class(self, node: tree_sitter.Node) -> None:
        """Members a first-party interface requires, left as `{}`, `() => {}` or `noop`."""
        heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
        implements = (
            next((c for c in heritage.named_children if c.type == "implements_clause"), None)
            if heritage is not None
            else None
        )
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if implements is None or name is None or body is None:
            return
        class_name = ts.text(name)
        if STAND_IN_CLASSES.search(class_name):
            return  # `class NoopLogger implements Logger`: doing nothing is the point
        required: dict[str, str] = {}  # member -> interface
        here = interface_members(self.after)
        for interface in _implemented(implements):
            members = here.get(interface)
            if members is None:
                members = interface_index(self.project).members(interface)
            for required_name in members or ():
                required.setdefault(required_name, interface)
        if not required:
            return  # the interfaces come from packages (Angular's OnInit...): not ours to judge
        for member in body.named_children:
            member_name = member.child_by_field_name("name")
            if member_name is None or ts.text(member_name) not in required:
                continue
            shown = ts.text(member_name)
            if shown == "constructor" or NO_OP_NAMES.match(shown):
                continue
            what = self._empty_member(member)
            if what is None:
                continue
            line = self.after.node_span(member).line
            if not self.context.change.is_changed(line):
                continue
            self.report_line(
                line,
                f"{class_name}.{shown}() is a stub: it implements `{required[shown]}.{shown}` "
                f"with {what}",
            )

    def _empty_member(self, member: tree_sitter.Node) -> str | None:
        """`save() {}`, `save = () => {}`, `save = async () => {}`, `save = noop`, unexplained."""
        if member.type == "method_definition":
            function: tree_sitter.Node | None = member
        elif member.type in {"public_field_definition", "field_definition"}:
            function = member.child_by_field_name("value")
            if function is not None and function.type in {"identifier", "member_expression"}:
                last = ts.text(function).rsplit(".", 1)[-1]
                return f"`{last}`" if NO_OP_NAMES.match(last) else None
        else:
            return None
        if function is None or function.type not in ts.FUNCTION_TYPES:
            return None
        statements_ = ts.body_statements(function)
        if statements_ is None or statements_:
            return None
        span = self.after.node_span(function)
        comments = _comments_between(self.after.comments, span.line, span.end_line)
        above = _comment_block_above(self.after.comments, self.after.node_span(member).line)
        if any(is_unfinished(c.text) for c in comments + above):
            return None  # the TODO is reported on the function itself
        if any(explains(c.text) for c in comments + above):
            return None
        return "an empty body"

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


def _implemented(clause: tree_sitter.Node) -> list[str]:
    """The interface names of an `implements` clause, last segment, without type arguments."""
    names = []
    for child in clause.named_children:
        if child.type == "generic_type":
            child = child.child_by_field_name("name") or child
        names.append(ts.text(child).rsplit(".", 1)[-1].split("<", 1)[0])
    return names


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
    return ok and is_placeholder_constant(constant)


# -- AIG405 ------------------------------------------------------------------------------------


class JsErrorHidingHandler(ScriptRule):
    id = "AIG405"
    name = "error-hiding-handler-js"
    category = Category.STUB
    severity = Severity.WARNING
    languages = frozenset({"javascript", "typescript"})
    scope = Scope.PRODUCTION
    summary = (
        "An empty `catch {}`, a catch that only returns a fallback (`return []`, `return null`, "
        "`return { exists: false }`), or `.catch(() => {})` / `.catch(() => [])`."
    )
    rationale = (
        "A handler that discards the error turns every failure - a bug, a rejected request, a "
        "typo - into silent wrong behaviour, and hides the errors that would show the code does "
        "not work. As ESLint's no-empty does, a catch whose body holds a comment explaining why "
        "the error may be ignored is left alone; a TODO is not an explanation. Two idioms are "
        "not discarding: a format probe (`try { return JSON.parse(s); } catch {}` followed by "
        "the code for the other format) and `.catch(() => undefined).then(next)`, which waits "
        "for a promise to settle to keep a chain in order. A catch whose only statement "
        "returns a fallback constant (null, undefined, false, 0, '', [], {}, or an object of "
        "them such as `{ exists: false }`) without reading the error is the same hazard as "
        "Python's `except Exception: return None` (AIG403): every failure looks like an empty "
        "result. It stays silent when the catch reads the error (`return { ok: false, error: "
        "e }`, `if (e.code === 'ENOENT') return null; throw e`), logs, rethrows, returns an "
        "object that reports the failure (`ok`, `success`, `error`, `status` keys), or follows "
        "a format probe (`try { return JSON.parse(text); } catch { return null; }`: the "
        "fallback is the probe's contract; not when the probe's argument is itself a call "
        "such as a file read). A success probe (`try { await access(p); return true; } catch "
        "{ return false; }`) and clean-up code (a close/dispose/cleanup function, or a try "
        "that only calls `close()`, `unlink()`, `destroy()`...) are notes. A comment in the "
        "catch or right above the `try` is a reason only if it says why (see AIG403). "
        "Differences from ESLint's no-empty: any comment silences no-empty "
        "(`catch (ex) {/* empty */}`), here only a reason does; empty `try` and `finally` "
        "blocks and other empty blocks are not error hiding and are left to no-empty."
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
        Flag("try {\n  save();\n} catch {\n  // ignore errors silently\n}\n", line=3),
        Flag(
            "fetchUser(id).catch(() => {});"
            " // aiguard: ignore[AIG405] -- the preload is optional\n",
            line=1,
        ),
        Pass(
            """
            try {
              localStorage.setItem(k, v);
            } catch {
              // Safari private mode throws; storage is optional here.
            }
            """
        ),
        Pass("try {\n  save();\n} catch (e) {\n  logger.error(e);\n}\n"),
        Pass("fetchUser(id).catch((e) => report(e));\n"),
        Pass("promise.catch(() => {}); // ignore: the preload is best effort\n"),
        Pass("try {\n  save();\n} catch (e) {}\n", path="src/__tests__/save.js"),
        Pass(
            "export function read(text) {\n  try {\n    return JSON.parse(text);\n  } catch {}\n"
            "  return { raw: text };\n}\n"
        ),
        Pass("this.queue = this.queue.catch(() => undefined).then(() => task());\n"),
        Flag(
            """
            async function stat(path: string) {
              try {
                const info = await fs.stat(path);
                return { exists: true, size: info.size };
              } catch {
                return { exists: false };
              }
            }
            """,
            line=5,
            path="src/stat.ts",
            message="fallback (`return { exists: false }`)",
        ),
        Flag(
            "async function list() {\n  try {\n    return await api.get('/items');\n"
            "  } catch (e) {\n    return [];\n  }\n}\n",
            line=4,
        ),
        Flag(
            "function name(user) {\n  try {\n    return user.profile.name;\n  } catch {\n"
            "    return '';\n  }\n}\n",
            line=4,
        ),
        Flag("const items = await load().catch(() => []);\n", line=1, path="src/a.mjs"),
        Flag("load().catch(() => ({ rows: [] })).then(show);\n", line=1),
        # An empty catch in an async function, then the default: the same fallback.
        Flag(
            "async function user(id) {\n  try {\n    return await api.user(id);\n  } catch {}\n"
            "  return null;\n}\n",
            line=4,
        ),
        # Restating the handler is not a reason; a probe whose argument is a file read is not
        # a probe: the read's failure is hidden too.
        Flag(
            "function load(p) {\n  try {\n    return read(p);\n  } catch {\n"
            "    // ignore errors and return empty\n    return {};\n  }\n}\n",
            line=4,
        ),
        Flag(
            "function config(p) {\n  try {\n    return JSON.parse(fs.readFileSync(p, 'utf8'));\n"
            "  } catch {\n    return null;\n  }\n}\n",
            line=4,
        ),
        Flag(
            """
            async function fileExists(path) {
              try {
                await access(path);
                return true;
              } catch {
                return false;
              }
            }
            """,
            line=5,
            severity=Severity.NOTE,
            message="success probe",
        ),
        Flag(
            "function close(ws) {\n  try {\n    ws.close();\n  } catch {\n    return false;\n"
            "  }\n}\n",
            line=4,
            severity=Severity.NOTE,
            message="clean-up",
        ),
        Flag(
            "export function dispose(handle) {\n  try {\n    handle.flush();\n  } catch {}\n}\n",
            line=4,
            severity=Severity.NOTE,
        ),
        Pass(
            """
            async function list() {
              try {
                return await api.get('/items');
              } catch (e) {
                return { ok: false, error: e };
              }
            }
            async function count() {
              try {
                return await api.count();
              } catch {
                return { ok: false };
              }
            }
            function read(p) {
              try {
                return fs.readFileSync(p, 'utf8');
              } catch (e) {
                if (e.code === 'ENOENT') return null;
                throw e;
              }
            }
            async function fetchRows() {
              try {
                return await db.rows();
              } catch (err) {
                console.error('rows failed', err);
                return [];
              }
            }
            async function save(row) {
              try {
                await db.save(row);
              } catch (err) {
                throw new Error('save failed', { cause: err });
              }
            }
            """
        ),
        Pass(
            """
            function parse(text) {
              try {
                return JSON.parse(text);
              } catch {
                return null;
              }
            }
            function isUrl(s) {
              try {
                new URL(s);
                return true;
              } catch {
                return false;
              }
            }
            function load(p) {
              // The cache is optional: a corrupt or missing file means we start empty.
              try {
                return read(p);
              } catch {
                return {};
              }
            }
            """
        ),
        Pass("const items = await load().catch((e) => report(e, []));\n"),
        Flag(
            "export function read(text) {\n  try {\n    return JSON.parse(text);\n"
            "  } catch {}\n}\n",
            line=4,
        ),
    )

    def visit_catch_clause(self, node: tree_sitter.Node) -> None:
        body = node.child_by_field_name("body")
        if body is None:
            return
        statements_ = [c for c in body.named_children if c.type != "comment"]
        span = self.after.node_span(node)
        if statements_:
            fallback = _fallback_return(node, statements_)
            if fallback is None or self._explained(node) or _probe_with_fallback(node):
                return
            what = f"`catch` answers every error with a fallback (`{fallback}`)"
            consequence = "a failure looks like a real result"
            if _success_probe(node):
                line = span.line if self.context.change.is_changed(span.line) else span.end_line
                self.report_line(
                    line,
                    f"{what}: a success probe (`await check(); return true`) that reads every "
                    "error as 'no', also those that are not (a permission error, a timeout)",
                    severity=Severity.NOTE,
                )
                return
        else:
            if self._explained(node) or _falls_through_probe(node):
                return
            what = "empty catch block: the error is discarded"
            consequence = ""
        line = span.line if self.context.change.is_changed(span.line) else span.end_line
        message = f"{what} without handling or logging it"
        if consequence:
            message += f": {consequence}"
        if _in_cleanup(node):
            self.report_line(line, message + CLEANUP_NOTE, severity=Severity.NOTE)
        else:
            self.report_line(line, message)

    def visit_call_expression(self, node: tree_sitter.Node) -> None:
        func = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if func is None or arguments is None or func.type != "member_expression":
            return
        prop = func.child_by_field_name("property")
        if prop is None or ts.text(prop) != "catch":
            return
        args = [a for a in arguments.named_children if a.type != "comment"]
        if len(args) != 1:
            return
        kind = _discarding_callback(args[0])
        if kind is None:
            return
        if kind == "nothing" and _orders_a_chain(node):
            return  # `.catch(() => undefined).then(next)`: settle, then go on in order
        start = self.after.node_span(prop)
        end = self.after.node_span(node).end_line
        obj = func.child_by_field_name("object")
        if self._explained_between(start.line, end, ts.text(obj) if obj is not None else ""):
            return
        shown = " ".join(ts.text(args[0]).split())
        if kind == "nothing":
            message = f"`.catch({shown})` discards the rejection without handling or logging it"
        else:
            message = (
                f"`.catch({shown})` turns every rejection into a fallback value without "
                "handling or logging it: a failure looks like a real result"
            )
        self.report_line(start.line, message, column=start.column)

    def _explained(self, catch: tree_sitter.Node) -> bool:
        """A reason in the catch clause or in the comment block right above its `try`."""
        span = self.after.node_span(catch)
        statement = catch.parent
        tried = statement.child_by_field_name("body") if statement is not None else None
        guarded = ts.text(tried) if tried is not None else ""
        if self._explained_between(span.line, span.end_line, guarded):
            return True
        if statement is None or statement.type != "try_statement":
            return False
        above = _comment_block_above(self.after.comments, self.after.node_span(statement).line)
        return any(justifies(c.text, guarded) for c in above)

    def _explained_between(self, first: int, last: int, guarded: str = "") -> bool:
        comments = _comments_between(self.after.comments, first, last)
        return any(justifies(c.text, guarded) for c in comments)


# Calls whose only failure is "not in that format": trying one is how JS tests a format.
_PROBES = re.compile(
    r"^(?:await\s+)?(?:return\s+)?(?:[\w.$]+\s*=\s*)?(?:JSON5?\.parse|new\s+URL|"
    r"decodeURI(?:Component)?|atob|new\s+RegExp|BigInt|require\.resolve)\s*\("
)


def _falls_through_probe(catch: tree_sitter.Node) -> bool:
    """`try { return JSON.parse(s); } catch {}` followed by more code: a format probe whose
    failure means "not JSON", handled by the code after it."""
    statement = catch.parent
    if statement is None or statement.type != "try_statement":
        return False
    if statement.child_by_field_name("finalizer") is not None:
        return False
    block = statement.child_by_field_name("body")
    tried = [c for c in block.named_children if c.type != "comment"] if block else []
    if len(tried) != 1 or not _PROBES.match(" ".join(ts.text(tried[0]).split())):
        return False
    after = statement.next_named_sibling
    while after is not None and after.type == "comment":
        after = after.next_named_sibling
    return after is not None


def _orders_a_chain(call: tree_sitter.Node) -> bool:
    """Whether the `.catch(...)` result is chained on (`.then(...)`, `.finally(...)`)."""
    parent = call.parent
    if parent is None or parent.type != "member_expression":
        return False
    prop = parent.child_by_field_name("property")
    return prop is not None and ts.text(prop) in {"then", "finally"}


def _discarding_callback(node: tree_sitter.Node) -> str | None:
    """ "nothing" for `() => {}`, `() => null`, `function () { return undefined; }`, `noop`;
    "fallback" for `() => []`, `() => ({ items: [] })`, `() => false`: else None."""
    if node.type in {"identifier", "member_expression"}:
        return "nothing" if ts.text(node).rsplit(".", 1)[-1] == "noop" else None
    if node.type not in {"arrow_function", "function_expression", "function"}:
        return None
    body = node.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        value: tree_sitter.Node | None = body
    else:
        statements_ = [c for c in body.named_children if c.type != "comment"]
        if not statements_:
            return "nothing"
        if len(statements_) != 1 or statements_[0].type != "return_statement":
            return None
        value = _returned(statements_[0])
    if value is None or _nothing(value):
        return "nothing"
    return "fallback" if _fallback_value(value) else None


def _returned(statement: tree_sitter.Node) -> tree_sitter.Node | None:
    return next((c for c in statement.named_children if c.type != "comment"), None)


# Keys of an object that tells the caller it failed: `{ ok: false }`, `{ error: "..." }`.
_REPORTS_FAILURE = re.compile(
    r"^(?:ok|success|succeeded|successful|failed|failure|error|errors|err|status|reason|"
    r"message|valid|isValid|isError)$"
)


def _fallback_value(node: tree_sitter.Node, depth: int = 0) -> bool:
    """A constant that stands for "no result": null, undefined, false, 0, "", [], {} or an
    object of such values (`{ exists: false, items: [] }`) that does not report the failure."""
    node = ts.unwrap(node)
    if _nothing(node):
        return True
    if node.type == "object":
        if depth > 3:
            return False
        for member in node.named_children:
            if member.type == "comment":
                continue
            if member.type != "pair":
                return False  # a spread, a method or a shorthand name: computed, not a constant
            key = member.child_by_field_name("key")
            value = member.child_by_field_name("value")
            if key is None or value is None:
                return False
            if _REPORTS_FAILURE.match(ts.text(key).strip("\"'")):
                return False
            if not _fallback_value(value, depth + 1):
                return False
        return True
    if node.type == "array":
        return not [c for c in node.named_children if c.type != "comment"]
    ok, constant = ts.literal_value(node)
    return ok and is_placeholder_constant(constant)


def _fallback_return(catch: tree_sitter.Node, statements_: list[tree_sitter.Node]) -> str | None:
    """The code of a catch body's only statement when it returns a fallback constant (or
    nothing) without touching the caught error; None otherwise."""
    if len(statements_) != 1 or statements_[0].type != "return_statement":
        return None
    only = statements_[0]
    value = _returned(only)
    if value is not None and not _fallback_value(value):
        return None
    parameter = catch.child_by_field_name("parameter")
    if parameter is not None:
        if parameter.type != "identifier":
            return None  # `catch ({ code })`: the error is read
        if re.search(rf"(?<![\w$]){re.escape(ts.text(parameter))}(?![\w$])", ts.text(only)):
            return None
    return " ".join(ts.text(only).split()).rstrip(";")


def _probe_with_fallback(catch: tree_sitter.Node) -> bool:
    """`try { return JSON.parse(text); } catch { return null; }`: a probe whose only failure is
    "not in that format", and the fallback is its documented result. The probe's arguments
    must be plain values: `JSON.parse(fs.readFileSync(p))` also hides a failed read."""
    statement = catch.parent
    if statement is None or statement.type != "try_statement":
        return False
    if statement.child_by_field_name("finalizer") is not None:
        return False
    block = statement.child_by_field_name("body")
    tried = [c for c in block.named_children if c.type != "comment"] if block else []
    if not tried or len(tried) > 2:
        return False
    first = " ".join(ts.text(tried[0]).split())
    match = _PROBES.match(first)
    if not match or "(" in first[match.end() :]:
        return False
    # `JSON.parse(s); return true;` is a probe too.
    return len(tried) == 1 or (
        tried[1].type == "return_statement" and not re.search(r"\(", ts.text(tried[1]))
    )


def _success_probe(catch: tree_sitter.Node) -> bool:
    """`try { await access(p); return true; } catch { return false; }`: the try makes one call
    and then returns a constant or a plain name, not what the call gave: it asks whether the
    call succeeds, and the fallback is the answer "no"."""
    statement = catch.parent
    block = statement.child_by_field_name("body") if statement is not None else None
    tried = [c for c in block.named_children if c.type != "comment"] if block else []
    if len(tried) != 2 or tried[0].type != "expression_statement":
        return False
    call = ts.unwrap(tried[0].named_children[0]) if tried[0].named_children else None
    if call is None or call.type != "call_expression" or tried[1].type != "return_statement":
        return False
    value = _returned(tried[1])
    if value is None:
        return False
    value = ts.unwrap(value)
    return value.type in {"identifier", "member_expression"} or ts.literal_value(value)[0]


def _in_cleanup(catch: tree_sitter.Node) -> bool:
    """In a close/cleanup/dispose function, or a try that only calls such methods."""
    parent = catch.parent
    while parent is not None and parent.type not in ts.FUNCTION_TYPES:
        parent = parent.parent
    if parent is not None:
        name = ts.function_name(parent)
        if name is not None and is_cleanup_name(name):
            return True
    statement = catch.parent
    block = statement.child_by_field_name("body") if statement is not None else None
    tried = [c for c in block.named_children if c.type != "comment"] if block else []
    if not tried:
        return False
    for child in tried:
        call = ts.unwrap(child.named_children[0]) if child.type == "expression_statement" else None
        if call is None or call.type != "call_expression":
            return False
        func = call.child_by_field_name("function")
        if func is None or not is_cleanup_name(ts.text(func).rsplit(".", 1)[-1]):
            return False
    return True


def _nothing(node: tree_sitter.Node) -> bool:
    node = ts.unwrap(node)
    if node.type in {"null", "undefined"} or ts.text(node) == "undefined":
        return True
    return node.type == "unary_expression" and ts.text(node).replace(" ", "") == "void0"
