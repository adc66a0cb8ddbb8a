"""Python directives: `type: ignore`, `pyright:`, `noqa`, `pylint:`, `nosec`, `pragma: no cover`,
mypy inline config, `pyre-fixme`/`pyre-ignore`, `pytype:` and `nosemgrep`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aiguard_rules.suppression._model import Ctx, Hit, Weight, code_list, codes_of
from aiguard_rules.suppression._other import nosemgrep_hits

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
    r"^(?:if\s+(?:[A-Za-z_][\w.]*\.)?TYPE_CHECKING\s*:|if\s+__name__\s*==\s*(['\"])__main__\1\s*:"
    r"|raise\s+NotImplementedError\b.*|@(?:typing\.)?overload|@(?:abc\.)?abstractmethod|\.\.\.)$"
)
_TYPE_HINT = "name the codes (# type: ignore[code])"
# Pyre: `# pyre-fixme[6]: why`, `# pyre-ignore[16]`, `# pyre-ignore-all-errors[16]` (whole file).
_PYRE = re.compile(
    r"#\s*pyre-(?P<kind>fixme|ignore-all-errors|ignore)(?![\w-])(?:\[(?P<codes>[\d,\s]*)\])?"
    r"(?::(?P<why>.*))?"
)
# pytype: `# pytype: disable=attribute-error,name-error` and `# pytype: skip-file`.
_PYTYPE = re.compile(r"#\s*pytype:\s*(?P<kw>disable|skip-file)(?:=(?P<codes>[\w-]+(?:,[\w-]+)*))?")


def python_hits(ctx: Ctx) -> Iterator[Hit]:
    text = ctx.text
    yield from _type_ignore_hits(ctx)
    for m in _PYRIGHT_IGNORE.finditer(text):
        codes = codes_of(m.group("codes") or "")
        if codes:
            effect = f"silences pyright {code_list(codes)} on this line"
            yield Hit(
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
            yield Hit(m.start(), m.end(), "pyright", m.group(), effect, hint, Weight.BLANKET)
    yield from _pyright_file_hits(ctx)
    yield from _mypy_inline_hits(ctx)
    yield from _noqa_hits(ctx)
    yield from _pylint_hits(ctx)
    yield from _pyre_hits(ctx)
    yield from _pytype_hits(ctx)
    yield from nosemgrep_hits(text)
    for m in _NOSEC.finditer(text):
        codes = codes_of(m.group("codes").replace(",", " "))
        shown = m.group().rstrip(" ,")
        if codes:
            effect = f"silences bandit {code_list(codes)} on this line"
            yield Hit(
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
            yield Hit(m.start(), m.end(), "bandit", shown, effect, hint, Weight.BLANKET)
    for m in _NO_COVER.finditer(text):
        effect = "excludes this line (and the block it opens) from coverage.py"
        explained = _SELF_EXPLAINED.match(ctx.code_before())
        reason = f"the excluded code explains itself ({ctx.code_before()})" if explained else None
        yield Hit(
            m.start(), m.end(), "coverage.py", m.group(), effect, '(add "-- why")', reason=reason
        )


_PYRIGHT_RULE = re.compile(r"report[A-Z]\w*$")


def _type_ignore_hits(ctx: Ctx) -> Iterator[Hit]:
    for m in _TYPE_IGNORE.finditer(ctx.text):
        codes = codes_of(m.group("codes") or "")
        if codes:
            # Pyright's rule names (reportXxx) in a PEP 484 ignore: pyright's, not mypy's codes.
            tool = "pyright" if all(_PYRIGHT_RULE.match(c) for c in codes) else "mypy"
            effect = f"silences {tool} {code_list(codes)} on this line"
            yield Hit(
                m.start(),
                m.end(),
                tool,
                m.group(),
                effect,
                '(add "  # why" after it)',
                codes=codes,
            )
        elif m.start() == 0 and ctx.only_comments_above():
            # PEP 484: a bare `# type: ignore` before any code ignores the whole module.
            effect = "before any code, switches mypy and pyright off for the whole file"
            hint = "remove it and fix the errors, or name codes on the lines that need them"
            yield Hit(m.start(), m.end(), "mypy", m.group(), effect, hint, Weight.FILE)
        else:
            effect = "silences every mypy and pyright error on this line"
            yield Hit(m.start(), m.end(), "mypy", m.group(), effect, _TYPE_HINT, Weight.BLANKET)


def _pyright_file_hits(ctx: Ctx) -> Iterator[Hit]:
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
        effect = f"lowers pyright's checking for the whole file ({code_list(tuple(lowered))})"
        hint = "fix the errors, or configure the exception per path in pyrightconfig.json"
        yield Hit(
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


def _mypy_inline_hits(ctx: Ctx) -> Iterator[Hit]:
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
        effect = f"switches mypy checks off for the whole file ({code_list(tuple(weakening))})"
        hint = "fix the errors, or scope the exception in [[tool.mypy.overrides]] with a reason"
        yield Hit(0, len(shown), "mypy", shown, effect, hint, Weight.FILE, tuple(weakening))


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


def _noqa_hits(ctx: Ctx) -> Iterator[Hit]:
    text = ctx.text
    for m in _FILE_NOQA.finditer(text):
        if not (m.start() == 0 and ctx.standalone):
            continue  # ruff and flake8 honour file-level exemptions only on their own line
        tool = m.group("tool").lower()
        codes = codes_of((m.group("codes") or "").replace(",", " "))
        what = f"{tool} {code_list(codes)}" if codes else tool
        effect = f"switches {what} off for the whole file"
        hint = "fix the violations, or use per-file-ignores in the ruff/flake8 config"
        yield Hit(m.start(), m.end(), "ruff/flake8", m.group(), effect, hint, Weight.FILE, codes)
    for m in _NOQA.finditer(text):
        codes = codes_of((m.group("codes") or "").replace(",", " "))
        spaced = (m.group("colon") or ":")[0].isspace()
        if codes and spaced:
            # flake8 wants the colon right after the noqa word; with a space before it, flake8
            # reads the directive as a blanket one.
            effect = "silences every flake8 violation on this line (flake8 reads it as blanket)"
            hint = f"write the colon right after noqa: # noqa: {code_list(codes)}"
            yield Hit(m.start(), m.end(), "ruff/flake8", m.group(), effect, hint, Weight.BLANKET)
            continue
        if codes:
            effect = f"silences ruff/flake8 {code_list(codes)} on this line"
            yield Hit(
                m.start(), m.end(), "ruff/flake8", m.group(), effect, '(add "  # why")', codes=codes
            )
            continue
        shown = m.group()
        if m.group("loose"):
            hint = f"a code without a colon does not narrow it: write # noqa:{m.group('loose')}"
        else:
            hint = "name the codes (# noqa: E501)"
        effect = "silences every ruff/flake8 violation on this line"
        yield Hit(m.start(), m.end(), "ruff/flake8", shown, effect, hint, Weight.BLANKET)


def _pylint_hits(ctx: Ctx) -> Iterator[Hit]:
    for m in _PYLINT.finditer(ctx.text):
        body_start = m.start("body")
        for action in _PYLINT_ACTION.finditer(m.group("body")):
            kw = action.group("kw")
            start, end = m.start(), body_start + action.end()
            shown = ctx.text[start:end].strip()
            msgs = codes_of((action.group("msgs") or "").replace(",", " "))
            if kw in ("skip-file", "disable-all"):
                effect = "switches pylint off for the whole file"
                hint = "fix the messages, or disable them per path in the pylint config"
                yield Hit(start, end, "pylint", shown, effect, hint, Weight.FILE)
            elif not msgs:
                continue  # pylint rejects a disable without message names
            elif "all" in (c.lower() for c in msgs):
                effect = f"silences every pylint message {_pylint_scope(ctx, kw)}"
                hint = "name the messages (# pylint: disable=invalid-name)"
                yield Hit(start, end, "pylint", shown, effect, hint, Weight.BLANKET, msgs)
            else:
                effect = f"silences pylint {code_list(msgs)} {_pylint_scope(ctx, kw)}"
                yield Hit(start, end, "pylint", shown, effect, '(add "  # why")', codes=msgs)


def _pylint_scope(ctx: Ctx, keyword: str) -> str:
    if keyword == "disable-next":
        return "on the next line"
    return "from here to the end of the enclosing scope" if ctx.standalone else "on this line"


def _pyre_hits(ctx: Ctx) -> Iterator[Hit]:
    for m in _PYRE.finditer(ctx.text):
        codes = codes_of((m.group("codes") or "").replace(",", " "))
        end = m.end("codes") + 1 if m.group("codes") is not None else m.end("kind")
        shown = ctx.text[m.start() : end]
        why = (m.group("why") or "").strip()
        if m.group("kind") == "ignore-all-errors":
            what = f"Pyre errors {code_list(codes)}" if codes else "every Pyre error"
            effect = f"switches {what} off for the whole file"
            hint = "fix the errors, or exclude the file in .pyre_configuration with a reason"
            yield Hit(m.start(), end, "Pyre", shown, effect, hint, Weight.FILE, codes)
            continue
        scope = "on the next line" if ctx.standalone else "on this line"
        if codes:
            effect = f"silences Pyre error {code_list(codes)} {scope}"
            yield Hit(
                m.start(), end, "Pyre", shown, effect, '(add ": why")', codes=codes, reason=why
            )
        else:
            effect = f"silences every Pyre error {scope}"
            hint = "name the error codes (# pyre-fixme[6]: why)"
            yield Hit(m.start(), end, "Pyre", shown, effect, hint, Weight.BLANKET)


def _pytype_hits(ctx: Ctx) -> Iterator[Hit]:
    for m in _PYTYPE.finditer(ctx.text):
        if m.group("kw") == "skip-file":
            effect = "switches pytype off for the whole file"
            hint = "fix the errors, or exclude the file in the pytype config with a reason"
            yield Hit(m.start(), m.end(), "pytype", m.group(), effect, hint, Weight.FILE)
            continue
        codes = tuple((m.group("codes") or "").split(",")) if m.group("codes") else ()
        if not codes:
            continue  # pytype rejects a disable without error names
        scope = "until it is re-enabled or the block ends" if ctx.standalone else "on this line"
        effect = f"silences pytype {code_list(codes)} {scope}"
        yield Hit(m.start(), m.end(), "pytype", m.group(), effect, '(add "  # why")', codes=codes)
