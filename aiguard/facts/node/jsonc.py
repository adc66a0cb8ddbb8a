"""A small JSON reader that accepts comments and trailing commas (tsconfig.json allows both)
and remembers the line of every object key, so rules can report on a dependency's line."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

# ---------------------------------------------------------------------------------------------
# JSON with comments, with the line of every key
# ---------------------------------------------------------------------------------------------

JsonValue = object
KeyPath = tuple[str, ...]

_MAX_DEPTH = 256
_JSON_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n\ufeff]+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<word>true|false|null)
  | (?P<punct>[{}\[\]:,])
    """,
    re.VERBOSE | re.DOTALL,
)
_JSON_WORDS: dict[str, JsonValue] = {"true": True, "false": False, "null": None}


class JsonError(ValueError):
    """The text is not JSON, even allowing comments and trailing commas."""


@dataclass(frozen=True)
class JsonDocument:
    """A parsed document: its value, and the 1-based line of each object key by key path.

    Key paths name object keys from the top (array positions as decimal strings), e.g.
    `("dependencies", "lodash")`. With duplicate keys the last one wins, as in `JSON.parse`.
    """

    value: JsonValue
    key_lines: Mapping[KeyPath, int] = field(default_factory=dict)

    def line_of(self, *path: str) -> int | None:
        return self.key_lines.get(path)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    line: int


def parse_jsonc(text: str) -> JsonDocument:
    """Parse JSON that may carry `//` and `/* */` comments and trailing commas."""
    tokens = _json_tokens(text)
    parser = _JsonParser(tokens)
    value = parser.value((), 0)
    if parser.pos != len(tokens):
        token = tokens[parser.pos]
        raise JsonError(f"unexpected {token.text!r} at line {token.line}")
    return JsonDocument(value, parser.key_lines)


def _json_tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    line = 1
    while pos < len(text):
        match = _JSON_TOKEN.match(text, pos)
        if match is None:
            raise JsonError(f"unexpected character {text[pos]!r} at line {line}")
        kind = match.lastgroup or ""
        chunk = match.group()
        if kind not in ("space", "comment"):
            tokens.append(_Token(kind, chunk, line))
        line += chunk.count("\n")
        pos = match.end()
    return tokens


class _JsonParser:
    """Recursive descent over the significant tokens."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.key_lines: dict[KeyPath, int] = {}

    def _next(self) -> _Token:
        if self.pos >= len(self.tokens):
            raise JsonError("unexpected end of document")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def value(self, path: KeyPath, depth: int) -> JsonValue:
        if depth > _MAX_DEPTH:
            raise JsonError("document nested too deeply")
        token = self._next()
        if token.kind == "string":
            return _json_string(token)
        if token.kind == "number":
            number: JsonValue = json.loads(token.text)
            return number
        if token.kind == "word":
            return _JSON_WORDS[token.text]
        if token.text == "{":
            return self._object(path, depth)
        if token.text == "[":
            return self._array(path, depth)
        raise JsonError(f"unexpected {token.text!r} at line {token.line}")

    def _object(self, path: KeyPath, depth: int) -> dict[str, JsonValue]:
        result: dict[str, JsonValue] = {}
        while True:
            token = self._next()
            if token.text == "}":
                return result
            if token.kind != "string":
                raise JsonError(f"expected a key at line {token.line}, found {token.text!r}")
            key = _json_string(token)
            colon = self._next()
            if colon.text != ":":
                raise JsonError(f"expected ':' at line {colon.line}")
            key_path = (*path, key)
            self.key_lines[key_path] = token.line
            result[key] = self.value(key_path, depth + 1)
            after = self._next()
            if after.text == "}":
                return result
            if after.text != ",":
                raise JsonError(f"expected ',' or '}}' at line {after.line}")

    def _array(self, path: KeyPath, depth: int) -> list[JsonValue]:
        result: list[JsonValue] = []
        while True:
            if self.pos < len(self.tokens) and self.tokens[self.pos].text == "]":
                self.pos += 1
                return result
            result.append(self.value((*path, str(len(result))), depth + 1))
            after = self._next()
            if after.text == "]":
                return result
            if after.text != ",":
                raise JsonError(f"expected ',' or ']' at line {after.line}")


def _json_string(token: _Token) -> str:
    try:
        decoded = json.loads(token.text, strict=False)
    except json.JSONDecodeError as exc:
        raise JsonError(f"bad string at line {token.line}: {exc.msg}") from None
    return str(decoded)
