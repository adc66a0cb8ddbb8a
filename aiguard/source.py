"""One version of one file: its text, its language, and the trees and comments parsed from it.

Everything expensive is lazy and cached on the instance: libcst and tree-sitter are imported
only when a rule asks a file of their language for a tree.
"""

from __future__ import annotations

import io
import posixpath
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from aiguard.memo import Memo, MemoKey

if TYPE_CHECKING:
    import ast

    import libcst
    import tree_sitter

T = TypeVar("T")

_AST: MemoKey[ast.Module | SourceError] = MemoKey("ast module")
_CST: MemoKey[libcst.Module] = MemoKey("libcst module")
_POSITIONS: MemoKey[Any] = MemoKey("libcst positions")  # libcst's position mapping
_TREE: MemoKey[tree_sitter.Tree] = MemoKey("tree-sitter tree")
_COMMENTS: MemoKey[tuple[Comment, ...]] = MemoKey("comments")
_RECOVERED: MemoKey[tree_sitter.Tree] = MemoKey("tree-sitter tree, syntax errors allowed")

_LANGUAGE_BY_SUFFIX = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "typescript",
    ".sh": "shell",
    ".bash": "shell",
    ".zsh": "shell",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".toml": "toml",
    ".json": "json",
    ".jsonc": "json",
    ".json5": "json",
    ".cfg": "ini",
    ".ini": "ini",
    ".mk": "make",
}
_LANGUAGE_BY_NAME = {
    "Makefile": "make",
    "GNUmakefile": "make",
    "makefile": "make",
    "Dockerfile": "dockerfile",
    ".flake8": "ini",
    ".pylintrc": "ini",
    "pylintrc": "ini",
    ".coveragerc": "ini",
    ".eslintrc": "json",
}
# Languages whose line comments start with "#" (a "#" at the start of a word, outside quotes).
HASH_COMMENT_LANGUAGES = frozenset({"shell", "yaml", "toml", "ini", "make", "dockerfile"})
TREE_SITTER_LANGUAGES = frozenset({"javascript", "typescript"})


def split_lines(text: str) -> list[str]:
    """Lines as git, tokenize and tree-sitter number them: split on LF only, CRLF's CR dropped.

    Not str.splitlines(), which also breaks on form feeds, lone CRs and U+2028: with it, every
    line number after such a character would disagree with git's diff and the parsers.
    """
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def language_of(path: str) -> str:
    """The language aiguard treats `path` as; "text" when it knows none."""
    name = posixpath.basename(path)
    if name in _LANGUAGE_BY_NAME:
        return _LANGUAGE_BY_NAME[name]
    if name.startswith("Dockerfile"):
        return "dockerfile"
    _, suffix = posixpath.splitext(name)
    return _LANGUAGE_BY_SUFFIX.get(suffix.lower(), "text")


class SourceError(Exception):
    """The file cannot be parsed as its language; the engine turns this into a notification.

    `line` and `column` (1-based) say where, when the parser knows; `source` is the version
    that failed when a `Source` raised it (the engine tells a broken before-version apart).
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        source: Source | None = None,
    ) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.source = source


@dataclass(frozen=True)
class Comment:
    """A real comment (never text inside a string). `text` includes its marker (`#`, `//`, `/*`)."""

    line: int
    column: int  # 1-based, in code points
    text: str
    end_line: int


@dataclass(frozen=True)
class Span:
    """A 1-based region; `end_column` is one past the last character."""

    line: int
    column: int
    end_line: int
    end_column: int


class Source:
    """One version (before or after the change) of one file."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.language = language_of(path)
        self._lines: list[str] | None = None
        self._memo = Memo()

    @property
    def is_stub(self) -> bool:
        return self.path.endswith(".pyi")

    @property
    def lines(self) -> list[str]:
        """The lines without their endings; `lines[n - 1]` is line n (numbered as git does)."""
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def memo(self, key: MemoKey[T], factory: Callable[[], T]) -> T:
        """Compute `factory()` once per source: lets several rules share one analysis of a file
        (see aiguard.memo: one key object per fact)."""
        return self._memo.get(key, factory)

    # -- Python ---------------------------------------------------------------------------

    @property
    def python_ast(self) -> ast.Module:
        """The standard library's `ast` of the text (cheaper than `cst`, no positions beyond
        lines and columns); raises SourceError when the text does not parse."""
        outcome = self.memo(_AST, self._parse_ast)
        if isinstance(outcome, SourceError):
            raise outcome
        return outcome

    def _parse_ast(self) -> ast.Module | SourceError:
        import ast

        try:
            return ast.parse(self.text)
        except SyntaxError as exc:
            return SourceError(f"Python syntax error at line {exc.lineno}: {exc.msg}")
        except ValueError as exc:  # a NUL byte, an invalid escape in a bytes literal
            return SourceError(f"Python source cannot be parsed: {exc}")
        except (RecursionError, MemoryError) as exc:
            return SourceError(f"too deeply nested to parse ({type(exc).__name__})")

    @property
    def cst(self) -> libcst.Module:
        """The libcst module; raises SourceError when the text is not valid Python."""
        return self.memo(_CST, self._parse_cst)

    def _parse_cst(self) -> libcst.Module:
        import libcst

        _check_nesting(self.text)  # libcst's native parser overflows its stack on deep nesting
        try:
            return libcst.parse_module(self.text)
        except libcst.ParserSyntaxError as exc:
            line, column, message = _python_syntax_error(self.text, exc)
        except (RecursionError, MemoryError) as exc:
            raise SourceError(
                f"too deeply nested to parse ({type(exc).__name__})", source=self
            ) from None
        raise SourceError(
            f"Python syntax error at line {line}, column {column}: {message}",
            line=line,
            column=column,
            source=self,
        )

    def position(self, node: libcst.CSTNode) -> Span:
        """Where a node of `self.cst` stands; the first call pays for all the module's positions."""
        positions = self.memo(_POSITIONS, self._resolve_positions)
        rng = positions[node]
        return Span(rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)

    def _resolve_positions(self) -> Any:
        from libcst.metadata import MetadataWrapper, PositionProvider

        wrapper = MetadataWrapper(self.cst, unsafe_skip_copy=True)
        return wrapper.resolve(PositionProvider)

    # -- JavaScript / TypeScript ----------------------------------------------------------

    @property
    def tree(self) -> tree_sitter.Tree:
        """The tree-sitter tree (JavaScript, TypeScript or TSX by the file's suffix).

        Raises SourceError when the file has syntax errors: rules never guess over broken code.
        """
        return self.memo(_TREE, self._parse_tree)

    def _parse_tree(self) -> tree_sitter.Tree:
        import tree_sitter

        parser = tree_sitter.Parser(tree_sitter_language(self.path))
        tree = parser.parse(self.text.encode("utf-8", "surrogatepass"))
        if tree.root_node.has_error:
            line, column = _first_error(tree)
            raise SourceError(
                f"{self.language} syntax error near line {line}, column {column}",
                line=line,
                column=column,
                source=self,
            )
        return tree

    def _recovered_tree(self) -> tree_sitter.Tree:
        """The tree even when it has syntax errors, for what survives them: the comments.

        Valid code the grammar cannot parse (`f<typeof import("m")>()`, `import.defer(...)`)
        still has its comments read, so comment rules (suppressions, placeholders) check it.
        Raises SourceError when a broken region holds comment-like text: whether it is a
        comment there is not known, and a directive must not be missed in silence.
        """
        return self.memo(_RECOVERED, self._parse_recovered)

    def _parse_recovered(self) -> tree_sitter.Tree:
        import tree_sitter

        known = self._memo.peek(_TREE)
        if known is not None:
            return known
        parser = tree_sitter.Parser(tree_sitter_language(self.path))
        tree = parser.parse(self.text.encode("utf-8", "surrogatepass"))
        if tree.root_node.has_error and _error_holds_comment_text(tree.root_node):
            line, column = _first_error(tree)
            raise SourceError(
                f"{self.language} syntax error near line {line}, column {column}",
                line=line,
                column=column,
                source=self,
            )
        return tree

    def node_span(self, node: tree_sitter.Node) -> Span:
        """A tree-sitter node's region, with columns converted from bytes to code points."""
        (row, col), (erow, ecol) = node.start_point, node.end_point
        return Span(row + 1, self._char_column(row, col), erow + 1, self._char_column(erow, ecol))

    def node_text(self, node: tree_sitter.Node) -> str:
        raw = node.text or b""
        return raw.decode("utf-8", "surrogatepass")

    def _char_column(self, row: int, byte_col: int) -> int:
        line = self.line(row + 1)
        if line.isascii():
            return byte_col + 1
        prefix = line.encode("utf-8", "surrogatepass")[:byte_col]
        return len(prefix.decode("utf-8", "ignore")) + 1

    # -- Comments -------------------------------------------------------------------------

    @property
    def comments(self) -> tuple[Comment, ...]:
        """Every real comment in the file, in order; empty for languages without comments."""
        return self.memo(_COMMENTS, self._find_comments)

    def _find_comments(self) -> tuple[Comment, ...]:
        if self.language == "python":
            try:
                return _python_comments(self.text)
            except SourceError as exc:
                raise SourceError(str(exc), line=exc.line, source=self) from None
        if self.language in TREE_SITTER_LANGUAGES:
            return self._tree_sitter_comments()
        if self.language in HASH_COMMENT_LANGUAGES:
            return tuple(_hash_comments(self.lines, semicolon=self.language == "ini"))
        return ()

    def _tree_sitter_comments(self) -> tuple[Comment, ...]:
        if "//" not in self.text and "/*" not in self.text:
            return ()
        import tree_sitter

        query = tree_sitter.Query(tree_sitter_language(self.path), "(comment) @comment")
        root = self._recovered_tree().root_node
        captures = tree_sitter.QueryCursor(query).captures(root)
        nodes = sorted(captures.get("comment", []), key=lambda n: n.start_byte)
        if root.has_error:
            nodes = [n for n in nodes if not _inside_error(n)]
        found = []
        for node in nodes:
            span = self.node_span(node)
            found.append(Comment(span.line, span.column, self.node_text(node), span.end_line))
        return tuple(found)


def tree_sitter_language(path: str) -> tree_sitter.Language:
    import tree_sitter

    if path.endswith(".tsx"):
        import tree_sitter_typescript

        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    if language_of(path) == "typescript":
        import tree_sitter_typescript

        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    import tree_sitter_javascript

    return tree_sitter.Language(tree_sitter_javascript.language())


def _first_error(tree: tree_sitter.Tree) -> tuple[int, int]:
    """The line and (byte-based, 1-based) column of the first error or missing node."""
    node = tree.root_node
    while True:
        if node.is_error or node.is_missing:
            break
        child = next((c for c in node.children if c.has_error or c.is_error or c.is_missing), None)
        if child is None:
            break
        node = child
    return node.start_point[0] + 1, node.start_point[1] + 1


def _inside_error(node: tree_sitter.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.is_error:
            return True
        parent = parent.parent
    return False


def _error_holds_comment_text(node: tree_sitter.Node) -> bool:
    if node.is_error:
        text = node.text or b""
        return b"//" in text or b"/*" in text
    return any(_error_holds_comment_text(c) for c in node.children if c.has_error or c.is_error)


_LIBCST_POSITION = re.compile(r"error at (\d+):(\d+)")


def _python_syntax_error(text: str, exc: Exception) -> tuple[int, int, str]:
    """Where a file libcst cannot parse is broken, and why, as CPython's own parser says.

    libcst's `raw_line` often names the line after the error (the token it stopped at);
    `ast.parse` only parses (nothing is executed) and points at the real place with a readable
    message. A file valid for this interpreter's grammar but not for libcst's falls back to
    the position in libcst's message.
    """
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings about the code are not ours to print
            ast.parse(text)
    except SyntaxError as syntax:
        if syntax.lineno is not None:
            return syntax.lineno, max(syntax.offset or 1, 1), syntax.msg
    except (ValueError, RecursionError, MemoryError):
        pass  # ast cannot say either: libcst's own account below is the best there is
    message = str(getattr(exc, "message", exc)).splitlines()[0]
    found = _LIBCST_POSITION.search(message)
    if found is not None:
        return int(found.group(1)), int(found.group(2)), message
    line = int(getattr(exc, "raw_line", 1) or 1)
    return line, int(getattr(exc, "raw_column", 0) or 0) + 1, message


# CPython's tokenizer refuses more than 200 nested brackets ("too many nested parentheses");
# libcst's native parser has no such limit and dies of a stack overflow (a segfault, taking the
# process with it) somewhere past a thousand. Text CPython refuses is refused before libcst sees it.
MAX_BRACKET_DEPTH = 200
_BRACKETS = re.compile(r"[][(){}]")
_OPENING = frozenset("([{")


def bracket_depth(text: str) -> int:
    """The deepest nesting of ([{ brackets, counting every one (in strings and comments too)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _check_nesting(text: str) -> None:
    """Raise SourceError for Python nested deeper than CPython accepts.

    Counting every bracket character is cheap and over-counts (brackets in strings and comments
    count too), so only text that fails it is tokenized: the brackets of the code itself, and
    those inside f-strings (whose replacement fields libcst parses as nested code).
    """
    if bracket_depth(text) <= MAX_BRACKET_DEPTH:
        return
    depth = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.OP and tok.string in _OPENING:
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth = max(depth - 1, 0)
            elif tok.type == tokenize.STRING and _is_fstring(tok.string):
                if depth + bracket_depth(tok.string) > MAX_BRACKET_DEPTH:
                    break
            else:
                continue
            if depth > MAX_BRACKET_DEPTH:
                break
        else:
            return
    except (tokenize.TokenError, SyntaxError) as exc:
        raise SourceError(f"Python tokenize error: {exc}") from None
    raise SourceError(
        f"more than {MAX_BRACKET_DEPTH} nested brackets, which Python itself refuses; not checked"
    )


def _is_fstring(token: str) -> bool:
    prefix = token[: min(i for i in (token.find("'"), token.find('"')) if i >= 0)]
    return "f" in prefix.lower()


def _python_comments(text: str) -> tuple[Comment, ...]:
    if "#" not in text:
        return ()
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                (line, col), (end_line, _) = tok.start, tok.end
                found.append(Comment(line, col + 1, tok.string, end_line))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise SourceError(f"Python tokenize error: {exc}") from None
    return tuple(found)


def _hash_comments(lines: list[str], *, semicolon: bool) -> list[Comment]:
    """`#` comments of shell-like and config languages: a marker at a word start, outside quotes."""
    found = []
    for number, line in enumerate(lines, start=1):
        if "#" not in line and not (semicolon and ";" in line):
            continue
        quote = ""
        i = 0
        while i < len(line):
            ch = line[i]
            if quote:
                if ch == "\\" and quote == '"':
                    i += 1  # an escaped character cannot close the string
                elif ch == quote:
                    quote = ""
            elif ch in "'\"":
                quote = ch
            elif (ch == "#" and (i == 0 or line[i - 1] in " \t")) or (
                semicolon and ch == ";" and not line[:i].strip()
            ):
                found.append(Comment(number, i + 1, line[i:], number))
                break
            i += 1
    return found
