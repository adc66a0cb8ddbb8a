"""Inline directives that silence a linter, type checker, coverage tool or security scanner.

The AIG1xx rules (rules/suppression.py) all read the same list: each file's real comments
(`Source.comments`, never text inside strings) are parsed once, and every directive becomes a
`Silencer` with its weight - blanket, file-level, unexplained or explained - so each rule only
picks its own weight. Every pattern follows the anchoring of the tool that honours it (mypy's
`# type: ignore` must open a comment or follow another `#`, ESLint's keyword must open the
comment, coverage.py's default exclusion regex matches anywhere...), because a comment that
merely mentions `noqa` silences nothing and must not be reported.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from aiguard.changes import FileChange
from aiguard.source import Comment, Source, SourceError

# Languages whose comments may carry a directive of some tool this module knows.
PYTHON = frozenset({"python"})
SCRIPT = frozenset({"javascript", "typescript"})
DIRECTIVE_LANGUAGES = frozenset(
    {"python", "javascript", "typescript", "shell", "yaml", "dockerfile"}
)

# Every keyword a directive starts with: the engine skips a file whose changed lines hold none.
INTEREST = (
    r"(?i)type:\s*ignore|noqa|pylint:|pyright:|mypy:|pragma|nosec|eslint|oxlint|@ts-"
    r"|biome-ignore|istanbul|[cv]8 ignore|shellcheck|yamllint|hadolint|checkov:|bridgecrew:"
)
_ANY_KEYWORD = re.compile(INTEREST)


class Weight(enum.Enum):
    """How much a directive weighs; each AIG1xx rule reports one weight."""

    BLANKET = "blanket"  # no rule code: silences everything on its line or next line
    FILE = "file-level"  # switches a checker off for a whole file or an open-ended region
    UNEXPLAINED = "unexplained"  # names what it silences, says nothing of why
    EXPLAINED = "explained"  # names what it silences and gives a reason on the same line


@dataclass(frozen=True)
class Silencer:
    """One directive found in a real comment, with what it silences and what to do instead."""

    tool: str
    shown: str  # the directive as written, without its reason
    weight: Weight
    effect: str  # e.g. "silences mypy attr-defined on this line"
    hint: str  # what to write instead (blanket, file-level) or how to explain it (coded)
    codes: tuple[str, ...]
    reason: str
    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def key(self) -> tuple[str, str, Weight]:
        """What makes two directives the same, wherever they stand and however explained."""
        return (self.tool, " ".join(self.shown.split()), self.weight)


@dataclass(frozen=True)
class _Hit:
    """A directive matched inside one comment, before its reason is read."""

    start: int  # offsets in the comment's text
    end: int
    tool: str
    shown: str
    effect: str
    hint: str
    fixed_weight: Weight | None = None  # BLANKET or FILE; None: judged by its reason
    codes: tuple[str, ...] = ()
    reason: str | None = None  # set when the reason is not the text around the directive


@dataclass(frozen=True)
class _Ctx:
    """One comment and the file around it: some tools' scope depends on where it stands."""

    source: Source
    comments: tuple[Comment, ...]
    index: int

    @property
    def comment(self) -> Comment:
        return self.comments[self.index]

    @property
    def text(self) -> str:
        return self.comment.text

    def code_before(self) -> str:
        return self.source.line(self.comment.line)[: self.comment.column - 1].strip()

    @property
    def standalone(self) -> bool:
        return not self.code_before()

    def only_comments_above(self) -> bool:
        """Nothing but blank lines and `#` comments (shebang, encoding) before this comment."""
        return self.standalone and self.comment.line <= self.source.memo(
            "aiguard_rules.directives.first_code_line", lambda: _first_code_line(self.source)
        )

    def comment_above(self) -> str:
        """The text of a standalone comment on the line just above (a reason written there)."""
        if self.index == 0:
            return ""
        above = self.comments[self.index - 1]
        if above.end_line != self.comment.line - 1:
            return ""
        if self.source.line(above.line)[: above.column - 1].strip():
            return ""
        return "" if _OTHER_PRAGMA.match(above.text.lstrip("#/* \t")) else above.text


def _first_code_line(source: Source) -> int:
    """The first line that is neither blank nor a `#` comment (one past the end if none)."""
    for number, line in enumerate(source.lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            return number
    return len(source.lines) + 1


# -- reasons ------------------------------------------------------------------------------

# Other tools' pragmas: never a reason for the directive they share a comment with.
_OTHER_PRAGMA = re.compile(
    r"(?i)^\s*(?:fmt:|isort:|yapf:|pyre-(?:ignore|fixme)|pytype:|nosemgrep|pragma:|noqa\b|"
    r"type:|pylint:|pyright:|mypy:|ruff:|flake8[:=]|nosec\b|aiguard:|codespell:|cspell:|"
    r"spell-?checker:|prettier-ignore|NOSONAR|lgtm\[|skipcq|(?:eslint|oxlint)(?:-|\s+\S+:)|"
    r"@ts-|biome-ignore|istanbul\s+ignore|[cv]8\s+ignore|shellcheck\s+\w+=|"
    r"hadolint\s+(?:global\s+)?(?:ignore|shell)\s*=|yamllint\s+(?:disable|enable)|checkov:|"
    r"bridgecrew:|noinspection\s|deno-lint-ignore|jscpd:|pyupgrade:|autopep8:|black:|"
    r"pyrefly:|ty:|zuban:|basedpyright:|@preserve\b|@license\b)"
)
_PLACEHOLDERS = frozenset(
    {
        "todo", "fixme", "xxx", "tbd", "why", "reason", "reasons", "explanation", "description",
        "preserve", "license", "here", "ignore", "ignored", "disable", "disabled", "suppress",
        "suppressed", "na", "none", "wip", "temp", "tmp", "fix", "later",
    }
)  # fmt: skip
_CODE_LIKE = re.compile(
    r"^(?:[A-Za-z]{1,5}\d{2,5}|[A-Z][A-Z0-9]*_[A-Z0-9_]+|report[A-Z]\w*|[\w@.-]*/[\w@./-]*"
    r"|no-[a-z0-9-]+|<[^>]*>)$"
)
_SEPARATORS = " \t\r\n-\u2013\u2014:;,#/*."
_LETTERS = re.compile(r"[^\W\d_]{2,}")
# A `#` or `//` that starts another comment (not `#123`, an issue number inside a reason).
_COMMENT_MARK = re.compile(r"(?:^|(?<=\s))#(?!\d)|(?<!:)//")


def clean_reason(text: str, codes: tuple[str, ...] = ()) -> str:
    """The written reason in `text` (what follows or precedes a directive), or "" if none.

    A reason is real words: other tools' pragmas, rule codes (the directive's own `codes` or
    anything shaped like one), placeholders such as "TODO" or "<explanation>" and lone
    punctuation do not explain anything.
    """
    parts = [p for p in _COMMENT_MARK.split(text) if p.strip() and not _OTHER_PRAGMA.match(p)]
    joined = " ".join(p.strip(_SEPARATORS) for p in parts).strip()
    joined = re.sub(r"@preserve\b|@license\b", "", joined).strip()
    own = {c.lower() for c in codes}
    meaningful = []
    for word in joined.split():
        bare = word.strip(".,;:()[]\"'`!?")
        if not _LETTERS.search(bare) or _CODE_LIKE.match(bare) or bare.lower() in own:
            continue
        if bare.lower() not in _PLACEHOLDERS:
            meaningful.append(bare)
    return joined if meaningful else ""


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c for c in (p.strip() for p in re.split(r"[,\s]+", text)) if c)


def _list(codes: tuple[str, ...]) -> str:
    return ", ".join(codes)


# -- Python -------------------------------------------------------------------------------

_TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore(?:\[(?P<codes>[\s\w,-]*)\]|(?=\s|$))")
_PYRIGHT_IGNORE = re.compile(r"#\s*pyright:\s*ignore(?:\[(?P<codes>[\s\w,-]*)\]|(?=\s|$))")
_PYRIGHT_FILE = re.compile(r"^#\s*pyright:(?P<ops>.*)$", re.DOTALL)
_NOQA = re.compile(
    r"#\s*(?i:noqa)(?![A-Za-z0-9_])"
    r"(?:(?P<colon>\s*:\s*)(?P<codes>[A-Z]+[0-9]+(?:(?:\s*,\s*|\s+)[A-Z]+[0-9]+)*)?)?"
    r"(?P<loose>(?(colon)|\s+[A-Z]+[0-9]+\b))?"
)
_FILE_NOQA = re.compile(
    r"#\s*(?P<tool>ruff|flake8)\s*[:=]\s*noqa(?![A-Za-z0-9_])"
    r"(?:\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:(?:\s*,\s*|\s+)[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
_PYLINT = re.compile(r"(?:#\s*)?\bpylint:\s*(?P<body>[^;#]*)")
_PYLINT_ACTION = re.compile(
    r"\b(?P<kw>disable-next|disable-msg|disable-all|disable|skip-file)\b"
    r"(?:\s*=\s*(?P<msgs>[\w-]+(?:\s*,\s*[\w-]+)*))?"
)
_NOSEC = re.compile(
    r"#\s*nosec(?![\w-]):?(?P<codes>(?:[\s,]*(?:[Bb]\d+|[a-z\d]+(?:_[a-z\d]+)+)(?![\w-]))*)"
)
# coverage.py's default exclusion regex (coverage/config.py DEFAULT_EXCLUDE), unanchored.
_NO_COVER = re.compile(r"#\s*(?:pragma|PRAGMA)[:\s]?\s*(?:no|NO)\s*(?:cover|COVER)\w*")
# Lines whose own code says why they are excluded: the usual coverage exclude_lines.
_SELF_EXPLAINED = re.compile(
    r"^(?:if\s+(?:typing\.)?TYPE_CHECKING\s*:|if\s+__name__\s*==\s*(['\"])__main__\1\s*:"
    r"|raise\s+NotImplementedError\b.*|@(?:typing\.)?overload|@(?:abc\.)?abstractmethod|\.\.\.)$"
)
_TYPE_HINT = "name the codes (# type: ignore[code])"


def _python_hits(ctx: _Ctx) -> Iterator[_Hit]:
    text = ctx.text
    yield from _type_ignore_hits(ctx)
    for m in _PYRIGHT_IGNORE.finditer(text):
        codes = _codes(m.group("codes") or "")
        if codes:
            effect = f"silences pyright {_list(codes)} on this line"
            yield _Hit(
                m.start(),
                m.end(),
                "pyright",
                m.group(),
                effect,
                '(add "  # why" after it)',
                codes=codes,
            )
        else:
            hint = "name the rules (# pyright: ignore[reportX])"
            effect = "silences every pyright error on this line"
            yield _Hit(m.start(), m.end(), "pyright", m.group(), effect, hint, Weight.BLANKET)
    yield from _pyright_file_hits(ctx)
    yield from _mypy_inline_hits(ctx)
    yield from _noqa_hits(ctx)
    yield from _pylint_hits(ctx)
    for m in _NOSEC.finditer(text):
        codes = _codes(m.group("codes").replace(",", " "))
        shown = m.group().rstrip(" ,")
        if codes:
            effect = f"silences bandit {_list(codes)} on this line"
            yield _Hit(
                m.start(),
                m.start() + len(shown),
                "bandit",
                shown,
                effect,
                '(add "  # why")',
                codes=codes,
            )
        else:
            effect = "silences every bandit security check on this line"
            hint = "name the test ids (# nosec B602) and say why the code is safe"
            yield _Hit(m.start(), m.end(), "bandit", shown, effect, hint, Weight.BLANKET)
    for m in _NO_COVER.finditer(text):
        effect = "excludes this line (and the block it opens) from coverage.py"
        explained = _SELF_EXPLAINED.match(ctx.code_before())
        reason = f"the excluded code explains itself ({ctx.code_before()})" if explained else None
        yield _Hit(
            m.start(), m.end(), "coverage.py", m.group(), effect, '(add "-- why")', reason=reason
        )


def _type_ignore_hits(ctx: _Ctx) -> Iterator[_Hit]:
    for m in _TYPE_IGNORE.finditer(ctx.text):
        codes = _codes(m.group("codes") or "")
        if codes:
            effect = f"silences mypy {_list(codes)} on this line"
            yield _Hit(
                m.start(),
                m.end(),
                "mypy",
                m.group(),
                effect,
                '(add "  # why" after it)',
                codes=codes,
            )
        elif m.start() == 0 and ctx.only_comments_above():
            # PEP 484: a bare `# type: ignore` before any code ignores the whole module.
            effect = "before any code, switches mypy and pyright off for the whole file"
            hint = "remove it and fix the errors, or name codes on the lines that need them"
            yield _Hit(m.start(), m.end(), "mypy", m.group(), effect, hint, Weight.FILE)
        else:
            effect = "silences every mypy and pyright error on this line"
            yield _Hit(m.start(), m.end(), "mypy", m.group(), effect, _TYPE_HINT, Weight.BLANKET)


def _pyright_file_hits(ctx: _Ctx) -> Iterator[_Hit]:
    """`# pyright: basic` and `# pyright: reportX=false`, parsed as pyright's commentUtils does."""
    m = _PYRIGHT_FILE.match(ctx.text)
    if m is None or m.group("ops").strip().startswith("ignore"):
        return
    lowered = []
    operands = [o.strip() for o in m.group("ops").split(",")]
    for operand in operands:
        parts = [p.strip() for p in operand.split("=")]
        if (operand == "basic" and "strict" not in operands) or (
            len(parts) == 2 and parts[0].startswith("report") and parts[1] in ("false", "none")
        ):
            lowered.append(operand)
    if lowered:
        effect = f"lowers pyright's checking for the whole file ({_list(tuple(lowered))})"
        hint = "fix the errors, or configure the exception per path in pyrightconfig.json"
        yield _Hit(
            0,
            len(ctx.text.rstrip()),
            "pyright",
            ctx.text.rstrip(),
            effect,
            hint,
            Weight.FILE,
            tuple(lowered),
        )


# mypy flags whose True value is stricter: turning one off (or its `allow-`/`no-` negation on)
# weakens checking for the file.
_MYPY_STRICT_FLAGS = frozenset(
    {
        "disallow_any_unimported", "disallow_any_expr", "disallow_any_decorated",
        "disallow_any_explicit", "disallow_any_generics", "disallow_subclassing_any",
        "disallow_untyped_calls", "disallow_untyped_defs", "disallow_incomplete_defs",
        "disallow_untyped_decorators", "check_untyped_defs", "warn_return_any",
        "warn_unused_ignores", "warn_no_return", "warn_unreachable", "warn_redundant_casts",
        "strict_optional", "strict_equality", "extra_checks", "strict_concatenate",
        "strict_bytes", "no_implicit_reexport", "no_implicit_optional", "local_partial_types",
    }
)  # fmt: skip
_TRUE = frozenset({"true", "1", "yes", "on"})


def _mypy_weakening(name: str, value: str | None) -> bool:
    flag = name.strip().lower().replace("-", "_")
    on = value is None or value.strip().lower() in _TRUE
    if flag in ("ignore_errors", "ignore_missing_imports"):
        return on
    if flag == "disable_error_code":
        return True
    if flag in _MYPY_STRICT_FLAGS:
        return not on
    negated = (
        "dis" + flag
        if flag.startswith("allow_")
        else flag[3:]
        if flag.startswith("no_")
        else "no_" + flag
    )
    return negated in _MYPY_STRICT_FLAGS and on


def _mypy_inline_hits(ctx: _Ctx) -> Iterator[_Hit]:
    """`# mypy: ...` inline configuration: mypy reads it only at the very start of a line."""
    prefix = "# mypy: "
    if ctx.comment.column != 1 or not ctx.text.startswith(prefix):
        return
    entries = _split_mypy_entries(ctx.text[len(prefix) :])
    weakening = []
    for entry in entries:
        name, _, value = entry.partition("=")
        if _mypy_weakening(name, value if "=" in entry else None):
            weakening.append(entry)
    if weakening:
        shown = ctx.text.rstrip()
        effect = f"switches mypy checks off for the whole file ({_list(tuple(weakening))})"
        hint = "fix the errors, or scope the exception in [[tool.mypy.overrides]] with a reason"
        yield _Hit(0, len(shown), "mypy", shown, effect, hint, Weight.FILE, tuple(weakening))


def _split_mypy_entries(text: str) -> list[str]:
    """Comma-separated entries, commas inside double quotes kept (mypy's split_directive)."""
    entries: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            entries.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    entries.append("".join(current).strip())
    return [e for e in entries if e]


def _noqa_hits(ctx: _Ctx) -> Iterator[_Hit]:
    text = ctx.text
    for m in _FILE_NOQA.finditer(text):
        if not (m.start() == 0 and ctx.standalone):
            continue  # ruff and flake8 honour file-level exemptions only on their own line
        tool = m.group("tool").lower()
        codes = _codes((m.group("codes") or "").replace(",", " "))
        what = f"{tool} {_list(codes)}" if codes else tool
        effect = f"switches {what} off for the whole file"
        hint = "fix the violations, or use per-file-ignores in the ruff/flake8 config"
        yield _Hit(m.start(), m.end(), "ruff/flake8", m.group(), effect, hint, Weight.FILE, codes)
    for m in _NOQA.finditer(text):
        codes = _codes((m.group("codes") or "").replace(",", " "))
        if codes:
            effect = f"silences ruff/flake8 {_list(codes)} on this line"
            yield _Hit(
                m.start(), m.end(), "ruff/flake8", m.group(), effect, '(add "  # why")', codes=codes
            )
            continue
        shown = m.group()
        if m.group("loose"):
            hint = f"a code without a colon does not narrow it: write # noqa:{m.group('loose')}"
        else:
            hint = "name the codes (# noqa: E501)"
        effect = "silences every ruff/flake8 violation on this line"
        yield _Hit(m.start(), m.end(), "ruff/flake8", shown, effect, hint, Weight.BLANKET)


def _pylint_hits(ctx: _Ctx) -> Iterator[_Hit]:
    for m in _PYLINT.finditer(ctx.text):
        body_start = m.start("body")
        for action in _PYLINT_ACTION.finditer(m.group("body")):
            kw = action.group("kw")
            start, end = m.start(), body_start + action.end()
            shown = ctx.text[start:end].strip()
            msgs = _codes((action.group("msgs") or "").replace(",", " "))
            if kw in ("skip-file", "disable-all"):
                effect = "switches pylint off for the whole file"
                hint = "fix the messages, or disable them per path in the pylint config"
                yield _Hit(start, end, "pylint", shown, effect, hint, Weight.FILE)
            elif not msgs:
                continue  # pylint rejects a disable without message names
            elif "all" in (c.lower() for c in msgs):
                effect = f"silences every pylint message {_pylint_scope(ctx, kw)}"
                hint = "name the messages (# pylint: disable=invalid-name)"
                yield _Hit(start, end, "pylint", shown, effect, hint, Weight.BLANKET, msgs)
            else:
                effect = f"silences pylint {_list(msgs)} {_pylint_scope(ctx, kw)}"
                yield _Hit(start, end, "pylint", shown, effect, '(add "  # why")', codes=msgs)


def _pylint_scope(ctx: _Ctx, keyword: str) -> str:
    if keyword == "disable-next":
        return "on the next line"
    return "from here to the end of the enclosing scope" if ctx.standalone else "on this line"


# -- JavaScript / TypeScript --------------------------------------------------------------

_ESLINT = re.compile(
    r"(?P<tool>eslint|oxlint)-(?P<kind>disable-next-line|disable-line|disable)(?=\s|$)"
)
_ESLINT_ENABLE = re.compile(r"(?:eslint|oxlint)-enable(?=\s|$)")
_ESLINT_CONFIG = re.compile(r"eslint\s+(?P<rules>\S.*)$", re.DOTALL)
_ESLINT_OFF = re.compile(
    r"""["']?(?P<rule>[@\w/.-]{1,200})["']?\s*:\s*\[?\s*(?:(["'])off\2|off\b|0\b)"""
)
_TS_LINE = re.compile(r"^///?\s*@(?P<kw>ts-expect-error|ts-ignore)")
_TS_BLOCK = re.compile(r"^(?:/|\*)*\s*@(?P<kw>ts-expect-error|ts-ignore)")
_TS_NOCHECK = re.compile(r"^(?:///?|/\*+|[ \t]*\*)?[ \t]*@ts-nocheck\b", re.MULTILINE)
_BIOME = re.compile(r"biome-ignore(?P<kind>-all|-start|-end)?(?=[\s:]|$)")
_BIOME_TARGET = re.compile(r"^[A-Za-z]+(?:/[\w-]+){0,2}(?:\([^)]*\))?$")
_ISTANBUL = re.compile(r"istanbul\s+ignore\s+(?P<kw>if|else|next|file)(?=\W|$)")
_C8 = re.compile(r"^/\* (?P<tool>[cv]8) ignore (?P<kw>next(?: \d+)?|start|if|else|file)(?![\w-])")


def _script_hits(ctx: _Ctx) -> Iterator[_Hit]:
    """JS/TS directives: each tool requires its keyword to open the comment."""
    text = ctx.text
    block = text.startswith("/*")
    body = text[2:-2] if block and text.endswith("*/") else text[2:]
    offset = 2 + len(body) - len(body.lstrip())
    stripped = body.strip()
    yield from _eslint_hits(ctx, stripped, offset, block)
    yield from _ts_hits(ctx, block)
    yield from _biome_hits(stripped, offset, text)
    m = _ISTANBUL.match(stripped)
    if m is not None:
        kw = m.group("kw")
        shown = text[: offset + m.end()] + (" */" if block else "")
        if kw == "file":
            effect = "excludes the whole file from istanbul coverage"
            hint = "test the file, or exclude it in the coverage config with a reason"
            yield _Hit(0, offset + m.end(), "istanbul", shown, effect, hint, Weight.FILE)
        else:
            what = "next statement" if kw == "next" else f"{kw} branch"
            effect = f"excludes the {what} from istanbul coverage"
            yield _Hit(0, offset + m.end(), "istanbul", shown, effect, '(add ": why")')
    m = _C8.match(text) if block else None
    if m is not None:
        kw, tool = m.group("kw"), m.group("tool")
        shown = m.group() + " */"
        if kw == "file":
            effect = f"excludes the whole file from {tool} coverage"
            hint = "test the file, or exclude it in the coverage config with a reason"
            yield _Hit(0, m.end(), tool, shown, effect, hint, Weight.FILE)
        else:
            what = "up to the next ignore stop" if kw == "start" else f"ignore {kw}"
            effect = f"excludes code from {tool} coverage ({what})"
            yield _Hit(0, m.end(), tool, shown, effect, '(add "-- why")')


def _eslint_hits(ctx: _Ctx, stripped: str, offset: int, block: bool) -> Iterator[_Hit]:
    m = _ESLINT.match(stripped)
    if m is not None:
        tool = "ESLint" if m.group("tool") == "eslint" else "oxlint"
        kind = m.group("kind")
        rest = stripped[m.end() :]
        rules_text, sep, why = _description(rest)
        rules = tuple(r.strip() for r in rules_text.split(",") if r.strip())
        end = offset + m.end() + len(rules_text.rstrip())
        shown = ctx.text[:end] + (" */" if block else "")
        if kind == "disable":
            scope = "until it is re-enabled" if _enabled_later(ctx) else "for the rest of the file"
        else:
            scope = "on this line" if kind == "disable-line" else "on the next line"
        if rules:
            effect = f"silences {tool} rule {_list(rules)} {scope}"
            yield _Hit(
                0,
                end,
                tool,
                shown,
                effect,
                '(add "-- why")',
                codes=rules,
                reason=why if sep else "",
            )
        elif kind == "disable" and scope == "for the rest of the file":
            effect = f"switches every {tool} rule off for the rest of the file"
            hint = "name the rules, or ignore the file in the lint config with a reason"
            yield _Hit(0, end, tool, shown, effect, hint, Weight.FILE)
        else:
            effect = f"silences every {tool} rule {scope}"
            hint = f"name the rules ({m.group()} rule-name -- why)"
            yield _Hit(0, end, tool, shown, effect, hint, Weight.BLANKET)
        return
    config = _ESLINT_CONFIG.match(stripped) if block else None
    if config is not None:
        rules_part, sep, why = _description(config.group("rules"))
        off = tuple(r.group("rule") for r in _ESLINT_OFF.finditer(rules_part))
        if off:
            end = offset + config.start("rules") + len(rules_part.rstrip())
            effect = f"turns ESLint rule {_list(off)} off for the whole file"
            yield _Hit(
                0,
                end,
                "ESLint",
                ctx.text[:end] + " */",
                effect,
                '(add "-- why")',
                codes=off,
                reason=why if sep else "",
            )


def _description(text: str) -> tuple[str, str, str]:
    """ESLint's split of a directive from its description: two or more dashes between spaces."""
    parts = re.split(r"(\s-{2,}\s)", text, maxsplit=1)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (text, "", "")


def _enabled_later(ctx: _Ctx) -> bool:
    for later in ctx.comments[ctx.index + 1 :]:
        body = later.text[2:].removesuffix("*/").strip()
        if _ESLINT_ENABLE.match(body):
            return True
    return False


def _ts_hits(ctx: _Ctx, block: bool) -> Iterator[_Hit]:
    text = ctx.text
    if block:
        last_start = text.rfind("\n") + 1
        m = _TS_BLOCK.match(text[last_start:])
        start = last_start
    else:
        m, start = _TS_LINE.match(text), 0
    if m is not None:
        end = start + m.end()
        shown = text[start:end].strip() + (" */" if block and start == 0 else "")
        if start:  # on a later line of a block comment: report at the `@`
            start += m.start("kw") - 1
        if m.group("kw") == "ts-ignore":
            effect = "silences every TypeScript error on the next line"
            hint = (
                'use "// @ts-expect-error <why>" (it fails once the error is gone) or fix the type'
            )
            yield _Hit(start, end, "TypeScript", shown, effect, hint, Weight.BLANKET)
        else:
            effect = "expects and silences a TypeScript error on the next line"
            yield _Hit(
                start,
                end,
                "TypeScript",
                shown.strip(),
                effect,
                '(describe it: "// @ts-expect-error why")',
            )
    if "@ts-nocheck" in text and _leading_comment(ctx):
        for nocheck in _TS_NOCHECK.finditer(text):
            at = nocheck.start() + nocheck.group().index("@")
            effect = "switches TypeScript checking off for the whole file"
            hint = "fix the errors, or exclude the file in tsconfig with a reason"
            yield _Hit(at, nocheck.end(), "TypeScript", "@ts-nocheck", effect, hint, Weight.FILE)


def _leading_comment(ctx: _Ctx) -> bool:
    """Before the first token of the file: TypeScript reads its `@ts-` pragmas only there."""
    source = ctx.source
    line, column = (2, 1) if source.line(1).startswith("#!") else (1, 1)
    for comment in ctx.comments[: ctx.index + 1]:
        if (comment.line, comment.column) < (line, column):
            continue  # the shebang
        if _between(source, (line, column), (comment.line, comment.column)).strip():
            return False
        line, column = _end_of(comment)
    return True


def _end_of(comment: Comment) -> tuple[int, int]:
    last = comment.text.rsplit("\n", 1)
    if len(last) == 1:
        return comment.line, comment.column + len(comment.text)
    return comment.end_line, len(last[1]) + 1


def _between(source: Source, start: tuple[int, int], end: tuple[int, int]) -> str:
    """The file's text from `start` up to `end` (both 1-based line and column)."""
    (l1, c1), (l2, c2) = start, end
    if l1 == l2:
        return source.line(l1)[c1 - 1 : c2 - 1]
    middle = [source.line(n) for n in range(l1 + 1, l2)]
    return "\n".join([source.line(l1)[c1 - 1 :], *middle, source.line(l2)[: c2 - 1]])


def _biome_hits(stripped: str, offset: int, text: str) -> Iterator[_Hit]:
    m = _BIOME.match(stripped)
    if m is None or m.group("kind") == "-end":
        return
    rest = stripped[m.end() :]
    head, colon, why = rest.partition(":")
    targets: list[str] = []
    for token in head.split():
        if not _BIOME_TARGET.match(token):
            break
        targets.append(token)
    checks = tuple(t for t in targets if t.split("/")[0].split("(")[0] in ("lint", "syntax"))
    if not checks:
        return  # format and assist suppressions do not silence a check
    last = targets[-1]
    end = offset + m.end() + head.index(last) + len(last)
    shown = text[:end].rstrip() + (" */" if text.startswith("/*") else "")
    why = why if colon and len(targets) == len(head.split()) else ""
    kind = m.group("kind")
    if kind == "-all":
        effect = f"silences Biome {_list(checks)} for the whole file"
        hint = "fix the diagnostics, or configure an override for the file with a reason"
        yield _Hit(0, end, "Biome", shown, effect, hint, Weight.FILE, checks)
        return
    scope = "until biome-ignore-end" if kind == "-start" else "on the next line"
    if any(c in ("lint", "syntax") for c in checks):
        effect = f"silences every Biome lint rule {scope}"
        hint = "name the rule (biome-ignore lint/group/rule: why)"
        yield _Hit(0, end, "Biome", shown, effect, hint, Weight.BLANKET, checks)
    else:
        effect = f"silences Biome {_list(checks)} {scope}"
        yield _Hit(0, end, "Biome", shown, effect, '(add ": why")', codes=checks, reason=why)


# -- shell, YAML, Dockerfile --------------------------------------------------------------

_SHELLCHECK = re.compile(r"^#\s*shellcheck\s+(?P<body>[^#]*)")
_SHELLCHECK_DISABLE = re.compile(r"\bdisable=(?P<codes>[\w-]+(?:,[\w-]+)*)")
_YAMLLINT = re.compile(r"^# yamllint (?P<kind>disable-line|disable)(?P<rules>(?: rule:\S+)*)\s*$")
_YAMLLINT_FILE = re.compile(r"^#\s*yamllint disable-file\s*$")
_HADOLINT = re.compile(
    r"^#\s*hadolint\s+(?P<glob>global\s+)?ignore\s*=\s*(?P<codes>[DLSC0-9]+(?:\s*,\s*[DLSC0-9]+)*)"
    r"\s*(?:#(?P<why>.*))?$"
)
_CHECKOV = re.compile(
    r"(?:checkov|bridgecrew):skip=\s*(?P<codes>[A-Za-z_\d]+(?:,[A-Za-z_\d]+)*)(?::(?P<why>.*))?"
)


def _shell_hits(ctx: _Ctx) -> Iterator[_Hit]:
    m = _SHELLCHECK.match(ctx.text)
    if m is None or not ctx.standalone:
        return  # shellcheck ignores directives written after a command (SC1126)
    for d in _SHELLCHECK_DISABLE.finditer(m.group("body")):
        codes = tuple(d.group("codes").split(","))
        end = m.start("body") + d.end()
        shown = ctx.text[:end]
        whole = ctx.only_comments_above()
        scope = "for the whole script" if whole else "for the next command"
        if "all" in codes or any(re.fullmatch(r"(?:SC)?1\d*-(?:SC)?9999", c) for c in codes):
            weight = Weight.FILE if whole else Weight.BLANKET
            hint = "name the codes (# shellcheck disable=SC2086)"
            yield _Hit(
                0,
                end,
                "ShellCheck",
                shown,
                f"silences every ShellCheck check {scope}",
                hint,
                weight,
                codes,
            )
        else:
            effect = f"silences ShellCheck {_list(codes)} {scope}"
            yield _Hit(0, end, "ShellCheck", shown, effect, '(add "  # why")', codes=codes)


def _yaml_hits(ctx: _Ctx) -> Iterator[_Hit]:
    text = ctx.text
    if ctx.comment.line == 1 and ctx.comment.column == 1 and _YAMLLINT_FILE.match(text):
        effect = "switches yamllint off for the whole file"
        hint = "fix the problems, or ignore the file in .yamllint with a reason"
        yield _Hit(0, len(text.rstrip()), "yamllint", text.rstrip(), effect, hint, Weight.FILE)
    m = _YAMLLINT.match(text)
    if m is not None:
        rules = tuple(r.removeprefix("rule:") for r in m.group("rules").split())
        line_only = m.group("kind") == "disable-line"
        scope = (
            ("on the next line" if ctx.standalone else "on this line")
            if line_only
            else "until yamllint enable"
        )
        shown = text.rstrip()
        # yamllint rejects any text after its directive: a reason can only stand on the line above.
        why = clean_reason(ctx.comment_above())
        if rules:
            effect = f"silences yamllint {_list(rules)} {scope}"
            yield _Hit(
                0,
                len(shown),
                "yamllint",
                shown,
                effect,
                "(explain it in a comment on the line above)",
                codes=rules,
                reason=why,
            )
        elif line_only:
            hint = "name the rules (# yamllint disable-line rule:line-length)"
            yield _Hit(
                0,
                len(shown),
                "yamllint",
                shown,
                f"silences every yamllint rule {scope}",
                hint,
                Weight.BLANKET,
            )
        else:
            hint = "name the rules (# yamllint disable rule:line-length)"
            effect = "switches every yamllint rule off until yamllint enable or the end of the file"
            yield _Hit(0, len(shown), "yamllint", shown, effect, hint, Weight.FILE)
    yield from _checkov_hits(ctx)


def _dockerfile_hits(ctx: _Ctx) -> Iterator[_Hit]:
    m = _HADOLINT.match(ctx.text)
    if m is not None:
        codes = _codes(m.group("codes").replace(",", " "))
        end = m.end("codes")
        shown = ctx.text[:end]
        if m.group("glob"):
            effect = f"silences hadolint {_list(codes)} for the whole file"
            hint = "fix the instructions, or ignore the rule in .hadolint.yaml with a reason"
            yield _Hit(0, end, "hadolint", shown, effect, hint, Weight.FILE, codes)
        else:
            effect = f"silences hadolint {_list(codes)} for the next instruction"
            yield _Hit(
                0,
                end,
                "hadolint",
                shown,
                effect,
                '(add "  # why")',
                codes=codes,
                reason=m.group("why") or "",
            )
    yield from _checkov_hits(ctx)


def _checkov_hits(ctx: _Ctx) -> Iterator[_Hit]:
    for m in _CHECKOV.finditer(ctx.text):
        codes = tuple(m.group("codes").split(","))
        end = m.end("codes")
        effect = f"skips checkov {_list(codes)} for this resource"
        shown = ctx.text[m.start() : end]
        yield _Hit(
            m.start(),
            end,
            "checkov",
            shown,
            effect,
            '(add ":why" after the check id)',
            codes=codes,
            reason=m.group("why") or "",
        )


# -- assembly -----------------------------------------------------------------------------

_HITS_BY_LANGUAGE: dict[str, Callable[[_Ctx], Iterator[_Hit]]] = {
    "python": _python_hits,
    "javascript": _script_hits,
    "typescript": _script_hits,
    "shell": _shell_hits,
    "yaml": _yaml_hits,
    "dockerfile": _dockerfile_hits,
}


def parse(source: Source) -> tuple[Silencer, ...]:
    """Every directive in the file's real comments; raises SourceError like `Source.comments`."""
    find = _HITS_BY_LANGUAGE.get(source.language)
    if find is None or not _ANY_KEYWORD.search(source.text):
        return ()
    comments = source.comments
    found: list[Silencer] = []
    for index, comment in enumerate(comments):
        if not _ANY_KEYWORD.search(comment.text):
            continue
        ctx = _Ctx(source, comments, index)
        found.extend(_silencers(ctx, _without_overlaps(list(find(ctx)))))
    return tuple(found)


def _without_overlaps(hits: list[_Hit]) -> list[_Hit]:
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def _silencers(ctx: _Ctx, hits: list[_Hit]) -> Iterator[Silencer]:
    for hit, reason in zip(hits, _reasons(ctx.text, hits), strict=True):
        weight = hit.fixed_weight or (Weight.EXPLAINED if reason else Weight.UNEXPLAINED)
        line, column = _position(ctx.comment, hit.start)
        end_line, end_column = _position(ctx.comment, hit.end)
        yield Silencer(
            tool=hit.tool,
            shown=" ".join(hit.shown.split()),
            weight=weight,
            effect=hit.effect,
            hint=hit.hint,
            codes=hit.codes,
            reason=reason,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
        )


def _reasons(text: str, hits: list[_Hit]) -> list[str]:
    """Each directive's reason: the words after it, else those after the directives that
    directly follow it (`# type: ignore[x]  # pyright: ignore[y]  # why` explains both), else
    the words before the comment's first directive."""
    if text.startswith("/*"):
        text = text.removesuffix("*/")
    lead = text[2:] if text.startswith(("//", "/*")) else text
    leading = clean_reason(lead[: max(hits[0].start - (len(text) - len(lead)), 0)]) if hits else ""
    reasons = [""] * len(hits)
    following = ""
    for i in range(len(hits) - 1, -1, -1):
        hit = hits[i]
        if hit.reason is not None:
            reasons[i] = following = clean_reason(hit.reason, hit.codes)
            continue
        after = text[hit.end : hits[i + 1].start if i + 1 < len(hits) else len(text)]
        own = clean_reason(after, hit.codes)
        following = own or following
        reasons[i] = following or leading
    return reasons


def _position(comment: Comment, offset: int) -> tuple[int, int]:
    """Line and 1-based column of `offset` in the comment's text."""
    before = comment.text[:offset]
    newlines = before.count("\n")
    if not newlines:
        return comment.line, comment.column + offset
    return comment.line + newlines, offset - before.rfind("\n")


# -- what the change introduced -----------------------------------------------------------


def introduced(after: Source, before: Source | None, change: FileChange) -> tuple[Silencer, ...]:
    """The after-version's directives the change added, compared by meaning.

    A directive on a changed line that the before-version already had on a line the change
    removed or modified (the same tool and directive, at the same weight) was carried along -
    the line was reformatted, moved or edited around it - and is not new. One old directive
    excuses one new one, so adding a second copy is still reported.
    """
    current: tuple[Silencer, ...] = parse(after)
    if before is None or not change.removed_lines:
        return current
    try:
        old = parse(before)
    except SourceError:
        return current  # the before-version cannot be read: judge the after-version alone
    carried = Counter(s.key for s in old if s.line in change.removed_lines)
    kept = []
    for s in current:
        if change.is_changed(s.line) and carried[s.key] > 0:
            carried[s.key] -= 1
            continue
        kept.append(s)
    return tuple(kept)
