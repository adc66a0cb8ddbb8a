"""Configuration files parsed into plain values that remember their lines.

Each format is read by a real parser - tomllib, configparser, ruamel.yaml, tree-sitter (JSON
with comments and trailing commas is parsed as a JavaScript expression, which keeps every
node's position) - into a `Doc`: the plain data (dicts, lists, strings, numbers, booleans, None)
and, for every path into it, the 1-based line where that key or item stands. tomllib and
configparser keep no positions, so a small locator over the text pairs their values with lines.

A file that does not parse raises SourceError (the engine turns it into a notification).
"""

from __future__ import annotations

import configparser
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiguard import tomlcompat as tomllib
from aiguard.memo import MemoKey
from aiguard.source import MAX_BRACKET_DEPTH, Source, SourceError, bracket_depth

if TYPE_CHECKING:
    import tree_sitter

Key = str | int
Path = tuple[Key, ...]


class _Sentinel:
    """A marker value that compares equal only to itself."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


MISSING: Any = _Sentinel("MISSING")  # the path is absent
UNKNOWN: Any = _Sentinel("UNKNOWN")  # a JavaScript value that is not a literal (a call, a name)
SPREAD_KEY = "...spread"  # an object literal with `...x` in it has keys we cannot see


@dataclass
class Doc:
    """Parsed data and the line of every key or array item in it."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    # For JavaScript configs: the source text of each value that is not a literal (a preset
    # like `js.configs.recommended`, a spread), by path.
    opaque: dict[Path, str] = field(default_factory=dict)

    def get(self, path: Path) -> Any:
        """The value at `path`, or MISSING."""
        node = self.data
        for key in path:
            if isinstance(node, dict):
                if not isinstance(key, str) or key not in node:
                    return MISSING
                node = node[key]
            elif isinstance(node, list):
                if not isinstance(key, int) or not 0 <= key < len(node):
                    return MISSING
                node = node[key]
            else:
                return MISSING
        return node

    def line(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that has one (1 when none does)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


@dataclass
class IniDoc(Doc):
    """An INI file: data is {section: {option: raw value}}; options are lower-cased."""

    value_lines: dict[Path, list[tuple[int, str]]] = field(default_factory=dict)

    def token_line(self, path: Path, token: str) -> int:
        """The line of the option's value (a multi-line one) that holds `token` as a word."""
        pattern = re.compile(r"(?<![\w.-])" + re.escape(token) + r"(?![\w-])", re.IGNORECASE)
        for number, text in self.value_lines.get(path, []):
            if pattern.search(text):
                return number
        return self.line(path)

    def section(self, name: str) -> dict[str, str] | None:
        """A section by name, compared case-insensitively (pylintrc writes them either way)."""
        for sec, options in self.data.items():
            if sec.lower() == name.lower():
                return dict(options)
        return None

    def section_name(self, name: str) -> str | None:
        return next((s for s in self.data if s.lower() == name.lower()), None)


# -- memoized parsing --------------------------------------------------------------------------


_PARSED: MemoKey[Doc | SourceError] = MemoKey("config-weakening: the parsed config, by kind")


def parsed(source: Source, kind: str) -> Doc:
    """The source parsed as `kind` ("toml", "ini", "json", "yaml", "js"), once per source."""
    parsers: dict[str, Callable[[Source], Doc]] = {
        "toml": parse_toml,
        "ini": parse_ini,
        "json": parse_json,
        "yaml": parse_yaml,
        "js": parse_js_config,
    }
    outcome: Doc | SourceError = source.memo(
        _PARSED.at(kind), lambda: _attempt(parsers[kind], source)
    )
    if isinstance(outcome, SourceError):
        raise outcome
    return outcome


def _attempt(parser: Callable[[Source], Doc], source: Source) -> Doc | SourceError:
    try:
        return parser(source)
    except SourceError as exc:
        return exc


# -- TOML --------------------------------------------------------------------------------------


def parse_toml(source: Source) -> Doc:
    try:
        text = source.text.lstrip("\ufeff")  # a byte-order mark does not shift lines
        data = tomllib.loads(text)
        return Doc(data, _TomlLocator(_toml_tokens(text)).run())
    except ValueError as exc:  # TOMLDecodeError, or an integer of more than 4,300 digits
        raise SourceError(f"TOML error: {exc}") from None
    except (RecursionError, MemoryError):
        raise SourceError("TOML too deeply nested to read") from None


@dataclass(frozen=True)
class _Tok:
    kind: str  # "nl", "punct", "str", "bare"
    value: str
    line: int
    offset: int


_TOML_PUNCT = "[]{}=,."


def _toml_tokens(text: str) -> list[_Tok]:
    """Tokens of a TOML text (already validated by tomllib): enough to locate keys and items."""
    tokens: list[_Tok] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            tokens.append(_Tok("nl", "", line, i))
            line += 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith(('"""', "'''"), i):
            quote = text[i : i + 3]
            end = text.find(quote, i + 3)
            end = n if end < 0 else end
            extra = 0  # up to two quotes just before the closing ones belong to the body
            while extra < 2 and end + 3 + extra < n and text[end + 3 + extra] == quote[0]:
                extra += 1
            end += extra
            body = text[i + 3 : end]
            tokens.append(_Tok("str", body, line, i))
            line += body.count("\n")
            i = end + 3
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if c == '"' and text[j] == "\\" else 1
            body = text[i + 1 : min(j, n)]
            tokens.append(_Tok("str", _toml_basic(body) if c == '"' else body, line, i))
            i = j + 1
        elif c in _TOML_PUNCT:
            tokens.append(_Tok("punct", c, line, i))
            i += 1
        else:
            j = i
            while j < n and text[j] not in " \t\r\n#\"'" + _TOML_PUNCT:
                j += 1
            tokens.append(_Tok("bare", text[i:j], line, i))
            i = j
    return tokens


def _toml_basic(body: str) -> str:
    try:
        decoded = json.loads(f'"{body}"')
    except ValueError:
        return body
    return decoded if isinstance(decoded, str) else body


class _TomlLocator:
    """Walks TOML tokens the way the grammar nests them, recording each path's line."""

    def __init__(self, tokens: list[_Tok]) -> None:
        self.toks = tokens
        self.pos = 0
        self.lines: dict[Path, int] = {}

    def _peek(self) -> _Tok | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def _is(self, value: str) -> bool:
        tok = self._peek()
        return tok is not None and tok.kind == "punct" and tok.value == value

    def _skip_line(self) -> None:
        while (tok := self._peek()) is not None and tok.kind != "nl":
            self.pos += 1

    def _skip_newlines(self) -> None:
        while (tok := self._peek()) is not None and tok.kind == "nl":
            self.pos += 1

    def _mark(self, path: Path, line: int) -> None:
        for end in range(1, len(path)):
            self.lines.setdefault(path[:end], line)
        self.lines[path] = line

    def run(self) -> dict[Path, int]:
        table: Path = ()
        counts: dict[Path, int] = {}
        while (tok := self._peek()) is not None:
            if tok.kind == "nl":
                self.pos += 1
                continue
            if self._is("["):
                nxt = self.toks[self.pos + 1] if self.pos + 1 < len(self.toks) else None
                double = nxt is not None and nxt.value == "[" and nxt.offset == tok.offset + 1
                self.pos += 2 if double else 1
                path = self._key_path()
                if double:
                    index = counts.get(path, 0)
                    counts[path] = index + 1
                    self.lines.setdefault(path, tok.line)
                    table = (*path, index)
                else:
                    table = path
                self._mark(table, tok.line)
            else:
                self._key_value(table)
            self._skip_line()
        return self.lines

    def _key_path(self) -> Path:
        parts: list[Key] = []
        while (tok := self._peek()) is not None and tok.kind in ("str", "bare"):
            parts.append(tok.value)
            self.pos += 1
            if not self._is("."):
                break
            self.pos += 1
        return tuple(parts)

    def _key_value(self, base: Path) -> None:
        tok = self._peek()
        if tok is None:
            return
        keys = self._key_path()
        if not keys or not self._is("="):
            self._skip_line()
            return
        self.pos += 1
        path = base + keys
        self._mark(path, tok.line)
        self._value(path)

    def _value(self, path: Path) -> None:
        if self._is("["):
            self.pos += 1
            index = 0
            while True:
                self._skip_newlines()
                tok = self._peek()
                if tok is None:
                    return
                if self._is("]"):
                    self.pos += 1
                    return
                if self._is(","):
                    self.pos += 1
                    continue
                item_path = (*path, index)
                self.lines[item_path] = tok.line
                before = self.pos
                self._value(item_path)
                index += 1
                if self.pos == before:
                    self.pos += 1
        elif self._is("{"):
            self.pos += 1
            while (tok := self._peek()) is not None and tok.kind != "nl":
                if self._is("}"):
                    self.pos += 1
                    return
                if self._is(","):
                    self.pos += 1
                    continue
                before = self.pos
                self._key_value(path)
                if self.pos == before:
                    self.pos += 1
        else:
            while (tok := self._peek()) is not None and tok.kind != "nl":
                if tok.kind == "punct" and tok.value in ",]}":
                    return
                self.pos += 1


# -- INI ---------------------------------------------------------------------------------------

_SECTION = re.compile(r"\[(?P<name>.+)\]")
# The key ends on a non-space, so `\s*` never re-scans a run of spaces (linear on a 30 KB line).
_OPTION = re.compile(r"(?P<key>[^=:\s](?:[^=:]*[^=:\s])?)\s*[=:]")


def parse_ini(source: Source) -> IniDoc:
    parser = configparser.RawConfigParser(allow_no_value=True, strict=False, interpolation=None)
    try:
        parser.read_string(source.text.lstrip("\ufeff"))
    except configparser.Error as exc:
        raise SourceError(f"INI error: {exc.message.splitlines()[0]}") from None
    except AttributeError:
        # configparser's own bug: an indented line after an option without a value
        raise SourceError(
            "INI error: a continuation line follows an option without a value"
        ) from None
    data = {sec: {k: v or "" for k, v in parser.items(sec, raw=True)} for sec in parser.sections()}
    doc = IniDoc(data)
    section: str | None = None
    option: Path | None = None
    for number, raw in enumerate(source.text.lstrip("\ufeff").splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if raw[0] in " \t" and option is not None:
            doc.value_lines[option].append((number, raw))
            continue
        header = _SECTION.match(stripped)
        if header and raw[0] == "[":
            section = header.group("name")
            doc.lines.setdefault((section,), number)
            option = None
            continue
        match = _OPTION.match(raw)
        if match and section is not None:
            option = (section, match.group("key").strip().lower())
            doc.lines[option] = number
            doc.value_lines[option] = [(number, raw[match.end() :])]
    return doc


# -- JSON with comments ------------------------------------------------------------------------


def parse_json(source: Source) -> Doc:
    """JSON, JSONC or JSON5-style text, read with tree-sitter as a JavaScript expression."""
    text = source.text.lstrip("\ufeff")
    if not text.strip():
        return Doc({})
    tree = _js_parse("(" + text + "\n)", typescript=False)
    if tree.root_node.has_error:
        raise SourceError(f"JSON syntax error near line {_first_error_line(tree.root_node)}")
    statement = tree.root_node.named_children[0] if tree.root_node.named_children else None
    inner = statement.named_children[0] if statement and statement.named_children else None
    values = [c for c in inner.named_children if c.type != "comment"] if inner else []
    if inner is None or inner.type != "parenthesized_expression" or len(values) != 1:
        raise SourceError("not a single JSON value")
    lines: dict[Path, int] = {}
    return Doc(js_literal(values[0], (), lines, strict=True), lines)


def _js_parse(text: str, *, typescript: bool) -> tree_sitter.Tree:
    import tree_sitter

    from aiguard.source import tree_sitter_language

    parser = tree_sitter.Parser(tree_sitter_language("x.ts" if typescript else "x.js"))
    return parser.parse(text.encode("utf-8", "surrogatepass"))


def _first_error_line(node: tree_sitter.Node) -> int:
    while True:
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        child = next((c for c in node.children if c.has_error or c.is_error or c.is_missing), None)
        if child is None:
            return node.start_point[0] + 1
        node = child


_WRAPPERS = frozenset(
    {"parenthesized_expression", "satisfies_expression", "as_expression", "non_null_expression"}
)


Resolver = Callable[["tree_sitter.Node"], "tree_sitter.Node | None"]


def js_literal(
    node: tree_sitter.Node,
    path: Path,
    lines: dict[Path, int],
    *,
    strict: bool,
    resolve: Resolver | None = None,
    depth: int = 0,
    opaque: dict[Path, str] | None = None,
) -> Any:
    """A JavaScript literal as plain data; UNKNOWN (or SourceError when strict) for the rest.

    `resolve` maps an identifier to the value it is bound to (a top-level `const`).
    """
    kind = node.type
    if depth > 50:
        return UNKNOWN
    if kind in _WRAPPERS:
        inner = [c for c in node.named_children if c.type != "comment"]
        if not inner:
            return UNKNOWN
        return js_literal(
            inner[0], path, lines, strict=strict, resolve=resolve, depth=depth + 1, opaque=opaque
        )
    if kind == "identifier" and resolve is not None:
        bound = resolve(node)
        if bound is not None and bound.type != "identifier":
            return js_literal(
                bound, path, lines, strict=strict, resolve=resolve, depth=depth + 1, opaque=opaque
            )
        if opaque is not None:
            opaque[path] = _node_text(node)
        return UNKNOWN
    if kind == "object":
        return _js_object(
            node, path, lines, strict=strict, resolve=resolve, depth=depth, opaque=opaque
        )
    if kind == "array":
        items: list[Any] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            item_path = (*path, len(items))
            lines[item_path] = child.start_point[0] + 1
            items.append(
                js_literal(
                    child,
                    item_path,
                    lines,
                    strict=strict,
                    resolve=resolve,
                    depth=depth + 1,
                    opaque=opaque,
                )
            )
        return items
    if kind == "string":
        return js_string(node)
    if kind == "template_string" and not any(
        c.type == "template_substitution" for c in node.children
    ):
        return "".join(_node_text(c) for c in node.named_children)
    if kind == "number":
        return _js_number(_node_text(node))
    if kind in ("true", "false"):
        return kind == "true"
    if kind == "null":
        return None
    if kind == "unary_expression" and node.child_count == 2 and node.children[1].type == "number":
        sign = _node_text(node.children[0])
        value = _js_number(_node_text(node.children[1]))
        if sign in "-+" and isinstance(value, (int, float)):
            return -value if sign == "-" else value
    if strict:
        raise SourceError(f"line {node.start_point[0] + 1}: {kind} is not a JSON value")
    if opaque is not None:
        opaque[path] = " ".join(_node_text(node).split())
    return UNKNOWN


def _js_object(
    node: tree_sitter.Node,
    path: Path,
    lines: dict[Path, int],
    *,
    strict: bool,
    resolve: Resolver | None,
    depth: int,
    opaque: dict[Path, str] | None,
) -> Any:
    result: dict[str, Any] = {}
    for child in node.named_children:
        if child.type == "comment":
            continue
        if child.type == "pair":
            key_node = child.child_by_field_name("key")
            value_node = child.child_by_field_name("value")
            key = _js_key(key_node) if key_node is not None else None
            if key is None or value_node is None:
                if strict:
                    raise SourceError(f"line {child.start_point[0] + 1}: computed key in JSON")
                result[SPREAD_KEY] = UNKNOWN
                continue
            key_path = (*path, key)
            lines[key_path] = child.start_point[0] + 1
            result[key] = js_literal(
                value_node,
                key_path,
                lines,
                strict=strict,
                resolve=resolve,
                depth=depth + 1,
                opaque=opaque,
            )
        elif strict:
            raise SourceError(f"line {child.start_point[0] + 1}: {child.type} is not JSON")
        elif child.type == "shorthand_property_identifier":
            name_path = (*path, _node_text(child))
            lines[name_path] = child.start_point[0] + 1
            result[_node_text(child)] = UNKNOWN
        else:  # a spread or a method: keys we cannot see
            result[SPREAD_KEY] = UNKNOWN
    return result


def _js_key(node: tree_sitter.Node) -> str | None:
    if node.type in ("property_identifier", "identifier"):
        return _node_text(node)
    if node.type == "string":
        return js_string(node)
    if node.type == "number":
        return _node_text(node)
    return None


def _js_number(text: str) -> int | float | Any:
    cleaned = text.replace("_", "")
    try:
        return int(cleaned, 0)
    except ValueError:
        pass
    try:
        return float(cleaned)
    except ValueError:
        return UNKNOWN


def _node_text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "surrogatepass")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def js_string(node: tree_sitter.Node) -> str:
    """The value of a tree-sitter string node, escapes decoded."""
    parts = []
    for child in node.children:
        if child.type == "string_fragment":
            parts.append(_node_text(child))
        elif child.type == "escape_sequence":
            parts.append(_decode_escape(_node_text(child)))
    return "".join(parts)


def _decode_escape(text: str) -> str:
    body = text[1:]
    if body in _ESCAPES:
        return _ESCAPES[body]
    try:
        if body.startswith("u{") and body.endswith("}"):
            return chr(int(body[2:-1], 16))
        if body[:1] in ("u", "x") and len(body) > 1:
            return chr(int(body[1:], 16))
    except ValueError:
        return body
    return body.lstrip("\r\n") if body[:1] in "\r\n" else body


# -- YAML --------------------------------------------------------------------------------------


def parse_yaml(source: Source) -> Doc:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if bracket_depth(source.text) > MAX_BRACKET_DEPTH:  # ruamel takes seconds on deep flow nesting
        raise SourceError(f"YAML nested more than {MAX_BRACKET_DEPTH} levels deep; not read")
    yaml = YAML(typ="rt")
    try:
        loaded = yaml.load(source.text.lstrip("\ufeff"))
    except YAMLError as exc:
        raise SourceError(f"YAML error: {' '.join(str(exc).split())[:200]}") from None
    except (ValueError, TypeError, RecursionError) as exc:  # ruamel raises these on odd input
        raise SourceError(f"YAML error: {type(exc).__name__}: {exc}") from None
    lines: dict[Path, int] = {}
    try:
        return Doc(_yaml_plain(loaded, (), lines), lines)
    except RecursionError:
        raise SourceError("YAML too deeply nested (or an alias refers to itself)") from None


def _yaml_plain(node: Any, path: Path, lines: dict[Path, int]) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, (CommentedMap, dict)):
        result: dict[str, Any] = {}
        for key, value in node.items():
            name = key if isinstance(key, str) else json.dumps(_yaml_scalar(key))
            key_path = (*path, name)
            position = (
                _yaml_position(node, key, is_key=True) if isinstance(node, CommentedMap) else None
            )
            if position is not None:
                lines[key_path] = position
            result[name] = _yaml_plain(value, key_path, lines)
        return result
    if isinstance(node, (CommentedSeq, list)):
        items = []
        for index, value in enumerate(node):
            position = (
                _yaml_position(node, index, is_key=False)
                if isinstance(node, CommentedSeq)
                else None
            )
            item_path = (*path, index)
            if position is not None:
                lines[item_path] = position
            items.append(_yaml_plain(value, item_path, lines))
        return items
    return _yaml_scalar(node)


def _yaml_position(node: Any, index: Any, *, is_key: bool) -> int | None:
    """The 1-based line ruamel kept for a mapping key or a sequence item (None: a merged key)."""
    data = getattr(getattr(node, "lc", None), "data", None)
    if not isinstance(data, dict) or index not in data:
        return None
    position = node.lc.key(index) if is_key else node.lc.item(index)
    return int(position[0]) + 1


def _yaml_scalar(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def iter_paths(data: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) in `data`, depth first."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from iter_paths(value, (*path, index))


# -- JavaScript config modules -----------------------------------------------------------------


def parse_js_config(source: Source) -> Doc:
    """The literal part of what a JS/TS config module exports (`export default`, `module.exports`).

    Calls like `defineConfig({...})` or `tseslint.config(a, b)` are looked through; anything that
    is not a literal (an imported preset, a computed value) becomes UNKNOWN.
    """
    root = source.tree.root_node
    exported = _exported_node(root, source)
    doc = Doc(UNKNOWN)
    if exported is None:
        return doc

    def resolve(identifier: tree_sitter.Node) -> tree_sitter.Node | None:
        return _resolve(identifier, root, source)

    if exported.type == "arguments":
        items: list[Any] = []
        for child in exported.named_children:
            if child.type == "comment":
                continue
            doc.lines[(len(items),)] = child.start_point[0] + 1
            items.append(
                js_literal(
                    child,
                    (len(items),),
                    doc.lines,
                    strict=False,
                    resolve=resolve,
                    opaque=doc.opaque,
                )
            )
        doc.data = items
        return doc
    doc.data = js_literal(exported, (), doc.lines, strict=False, resolve=resolve, opaque=doc.opaque)
    return doc


def _exported_node(root: tree_sitter.Node, source: Source) -> tree_sitter.Node | None:
    found: tree_sitter.Node | None = None
    for statement in root.named_children:
        if statement.type == "export_statement" and any(
            c.type == "default" for c in statement.children
        ):
            found = statement.child_by_field_name("value") or statement.child_by_field_name(
                "declaration"
            )
        elif statement.type == "expression_statement" and statement.named_children:
            expr = statement.named_children[0]
            left = (
                expr.child_by_field_name("left") if expr.type == "assignment_expression" else None
            )
            if left is not None and _node_text(left).replace(" ", "") == "module.exports":
                found = expr.child_by_field_name("right")
    if found is None:
        return None
    return _unwrap_call(_resolve(found, root, source), root, source)


def _unwrap_call(
    node: tree_sitter.Node, root: tree_sitter.Node, source: Source
) -> tree_sitter.Node:
    """`defineConfig({...})` -> the object; `config(a, b)` -> the arguments node."""
    while node.type in _WRAPPERS and node.named_children:
        node = node.named_children[0]
    if node.type != "call_expression":
        return node
    args = node.child_by_field_name("arguments")
    if args is None:
        return node
    real = [c for c in args.named_children if c.type != "comment"]
    if len(real) == 1 and real[0].type != "spread_element":
        return _resolve(real[0], root, source)
    return args


def _resolve(node: tree_sitter.Node, root: tree_sitter.Node, source: Source) -> tree_sitter.Node:
    """An identifier bound by a top-level `const x = <value>` resolves to the value."""
    while node.type in _WRAPPERS and node.named_children:
        node = node.named_children[0]
    if node.type != "identifier":
        return node
    name = _node_text(node)
    for statement in root.named_children:
        if statement.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in statement.named_children:
            if declarator.type != "variable_declarator":
                continue
            target = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if target is not None and value is not None and _node_text(target) == name:
                return _unwrap_call(value, root, source)
    return node
