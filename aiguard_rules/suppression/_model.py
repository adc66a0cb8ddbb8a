"""One parsed directive (`Silencer`), its weight, and the reason text written beside it."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from aiguard.memo import MemoKey
from aiguard.source import Comment, Source

# Languages whose comments may carry a directive of some tool this module knows.
PYTHON = frozenset({"python"})
SCRIPT = frozenset({"javascript", "typescript"})


_FIRST_CODE_LINE: MemoKey[int] = MemoKey("suppression: the first line of code")


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
class Hit:
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
class Ctx:
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
            _FIRST_CODE_LINE, lambda: _first_code_line(self.source)
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


def codes_of(text: str) -> tuple[str, ...]:
    return tuple(c for c in (p.strip() for p in re.split(r"[,\s]+", text)) if c)


def code_list(codes: tuple[str, ...]) -> str:
    return ", ".join(codes)
