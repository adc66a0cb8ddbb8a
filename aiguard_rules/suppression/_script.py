"""JavaScript/TypeScript directives: ESLint/oxlint, `@ts-*`, TSLint, Biome, Deno, istanbul, c8/v8,
semgrep."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aiguard.source import Comment, Source
from aiguard_rules.suppression._model import Ctx, Hit, Weight, code_list
from aiguard_rules.suppression._other import nosemgrep_hits

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
# TypeScript's own patterns (scanner.ts commentDirectiveRegExSingleLine/MultiLine); a block
# comment counts only by its last line, after any of the line breaks TypeScript knows, with its
# leading white space trimmed.
_TS_BLOCK = re.compile(r"^\s*(?:/|\*)*\s*@(?P<kw>ts-expect-error|ts-ignore)")
_TS_LINE_BREAK = re.compile("\r\n?|[\n\u2028\u2029]")
# `@ts-nocheck` is a single-line pragma: TypeScript ignores it inside a block comment.
_TS_NOCHECK = re.compile(r"^///?[ \t]*@ts-nocheck\b")
# TSLint (ban-tslint-comment's pattern): `tslint:disable`, `-line`, `-next-line`, `:rule rule`.
_TSLINT = re.compile(
    r"^\s*tslint:disable(?:-(?P<kind>line|next-line))?(?:(?P<colon>:)(?P<rules>[^*]*))?(?=\s|\*|$)"
)
_TSLINT_ENABLE = re.compile(r"^\s*tslint:enable(?=[\s:]|$)")
_DENO = re.compile(r"^deno-lint-ignore(?P<file>-file)?(?=\s|$)(?P<rules>[^\n]*)")
_BIOME = re.compile(r"biome-ignore(?P<kind>-all|-start|-end)?(?=[\s:]|$)")
_BIOME_TARGET = re.compile(r"^[A-Za-z]+(?:/[\w-]+){0,2}(?:\([^)]*\))?$")
_ISTANBUL = re.compile(r"istanbul\s+ignore\s+(?P<kw>if|else|next|file)(?=\W|$)")
_C8 = re.compile(r"^/\* (?P<tool>[cv]8) ignore (?P<kw>next(?: \d+)?|start|if|else|file)(?![\w-])")


def script_hits(ctx: Ctx) -> Iterator[Hit]:
    """JS/TS directives: each tool requires its keyword to open the comment."""
    text = ctx.text
    block = text.startswith("/*")
    body = text[2:-2] if block and text.endswith("*/") else text[2:]
    offset = 2 + len(body) - len(body.lstrip())
    stripped = body.strip()
    yield from _eslint_hits(ctx, stripped, offset, block)
    yield from _ts_hits(ctx, block)
    yield from _tslint_hits(ctx, body, block)
    yield from _deno_hits(ctx, stripped, offset, block)
    yield from nosemgrep_hits(text)
    yield from _biome_hits(stripped, offset, text)
    m = _ISTANBUL.match(stripped)
    if m is not None:
        kw = m.group("kw")
        shown = text[: offset + m.end()] + (" */" if block else "")
        if kw == "file":
            effect = "excludes the whole file from istanbul coverage"
            hint = "test the file, or exclude it in the coverage config with a reason"
            yield Hit(0, offset + m.end(), "istanbul", shown, effect, hint, Weight.FILE)
        else:
            what = "next statement" if kw == "next" else f"{kw} branch"
            effect = f"excludes the {what} from istanbul coverage"
            yield Hit(0, offset + m.end(), "istanbul", shown, effect, '(add ": why")')
    m = _C8.match(text) if block else None
    if m is not None:
        kw, tool = m.group("kw"), m.group("tool")
        shown = m.group() + " */"
        if kw == "file":
            effect = f"excludes the whole file from {tool} coverage"
            hint = "test the file, or exclude it in the coverage config with a reason"
            yield Hit(0, m.end(), tool, shown, effect, hint, Weight.FILE)
        else:
            what = "up to the next ignore stop" if kw == "start" else f"ignore {kw}"
            effect = f"excludes code from {tool} coverage ({what})"
            yield Hit(0, m.end(), tool, shown, effect, '(add "-- why")')


def _eslint_hits(ctx: Ctx, stripped: str, offset: int, block: bool) -> Iterator[Hit]:
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
            effect = f"silences {tool} rule {code_list(rules)} {scope}"
            yield Hit(
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
            yield Hit(0, end, tool, shown, effect, hint, Weight.FILE)
        else:
            effect = f"silences every {tool} rule {scope}"
            hint = f"name the rules ({m.group()} rule-name -- why)"
            yield Hit(0, end, tool, shown, effect, hint, Weight.BLANKET)
        return
    config = _ESLINT_CONFIG.match(stripped) if block else None
    if config is not None:
        rules_part, sep, why = _description(config.group("rules"))
        off = tuple(r.group("rule") for r in _ESLINT_OFF.finditer(rules_part))
        if off:
            end = offset + config.start("rules") + len(rules_part.rstrip())
            effect = f"turns ESLint rule {code_list(off)} off for the whole file"
            yield Hit(
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


def _enabled_later(ctx: Ctx) -> bool:
    for later in ctx.comments[ctx.index + 1 :]:
        body = later.text[2:].removesuffix("*/").strip()
        if _ESLINT_ENABLE.match(body):
            return True
    return False


def _ts_hits(ctx: Ctx, block: bool) -> Iterator[Hit]:
    text = ctx.text
    if block:
        breaks = list(_TS_LINE_BREAK.finditer(text))
        last_start = breaks[-1].end() if breaks else 0
        m = _TS_BLOCK.match(text[last_start:])
        start = last_start
    else:
        m, start = _TS_LINE.match(text), 0
    if m is not None:
        end = start + m.end()
        shown = text[start:end].strip() + (" */" if block and start == 0 else "")
        if start:  # on a later line of a block comment: report and show from the `@`
            start += m.start("kw") - 1
            shown = text[start:end]
        if m.group("kw") == "ts-ignore":
            effect = "silences every TypeScript error on the next line"
            hint = (
                'use "// @ts-expect-error <why>" (it fails once the error is gone) or fix the type'
            )
            yield Hit(start, end, "TypeScript", shown, effect, hint, Weight.BLANKET)
        else:
            effect = "expects and silences a TypeScript error on the next line"
            yield Hit(
                start,
                end,
                "TypeScript",
                shown.strip(),
                effect,
                '(describe it: "// @ts-expect-error why")',
            )
    if not block and "@ts-nocheck" in text and _leading_comment(ctx):
        nocheck = _TS_NOCHECK.match(text)
        if nocheck is not None:
            at = nocheck.group().index("@")
            effect = "switches TypeScript checking off for the whole file"
            hint = "fix the errors, or exclude the file in tsconfig with a reason"
            yield Hit(at, nocheck.end(), "TypeScript", "@ts-nocheck", effect, hint, Weight.FILE)


def _tslint_hits(ctx: Ctx, body: str, block: bool) -> Iterator[Hit]:
    m = _TSLINT.match(body)
    if m is None:
        return
    end = 2 + m.end()
    shown = ctx.text[:end].rstrip() + (" */" if block else "")
    offset = 0
    rules_text, _, why = _description(m.group("rules") or "")
    rules = tuple(r for r in rules_text.split() if r)
    kind = m.group("kind")
    if kind is None:
        later = any(_TSLINT_ENABLE.match(c.text[2:]) for c in ctx.comments[ctx.index + 1 :])
        scope = "until it is re-enabled" if later else "for the rest of the file"
    else:
        scope = "on this line" if kind == "line" else "on the next line"
    if rules:
        effect = f"silences TSLint rule {code_list(rules)} {scope}"
        reason = why or None  # TSLint has no description syntax: a comment around it may say why
        yield Hit(
            offset,
            end,
            "TSLint",
            shown,
            effect,
            "(say why in a comment above)",
            codes=rules,
            reason=reason,
        )
    elif kind is None and scope == "for the rest of the file":
        effect = "switches every TSLint rule off for the rest of the file"
        hint = "migrate to ESLint (TSLint is deprecated), or fix the violations"
        yield Hit(offset, end, "TSLint", shown, effect, hint, Weight.FILE)
    else:
        effect = f"silences every TSLint rule {scope}"
        hint = "name the rules (tslint:disable-next-line:rule-name), or migrate to ESLint"
        yield Hit(offset, end, "TSLint", shown, effect, hint, Weight.BLANKET)


def _deno_hits(ctx: Ctx, stripped: str, offset: int, block: bool) -> Iterator[Hit]:
    """`// deno-lint-ignore [rules]` (next line) and `// deno-lint-ignore-file [rules]`."""
    m = _DENO.match(stripped)
    if m is None or block:
        return  # deno lint reads its directives from line comments only
    rules_text, _, why = _description(m.group("rules"))
    rules = tuple(r for r in re.split(r"[,\s]+", rules_text) if r)
    end = offset + len("deno-lint-ignore") + len(m.group("file") or "")
    end += len(rules_text.rstrip())
    shown = ctx.text[:end]
    if m.group("file"):
        what = f"deno lint {code_list(rules)}" if rules else "every deno lint rule"
        effect = f"switches {what} off for the whole file"
        hint = "fix the problems, or exclude the file in deno.json with a reason"
        yield Hit(0, end, "deno lint", shown, effect, hint, Weight.FILE, rules)
    elif rules:
        effect = f"silences deno lint {code_list(rules)} on the next line"
        yield Hit(0, end, "deno lint", shown, effect, '(add "-- why")', codes=rules, reason=why)
    else:
        effect = "silences every deno lint rule on the next line"
        hint = "name the rules (// deno-lint-ignore no-explicit-any -- why)"
        yield Hit(0, end, "deno lint", shown, effect, hint, Weight.BLANKET)


def _leading_comment(ctx: Ctx) -> bool:
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


def _biome_hits(stripped: str, offset: int, text: str) -> Iterator[Hit]:
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
        effect = f"silences Biome {code_list(checks)} for the whole file"
        hint = "fix the diagnostics, or configure an override for the file with a reason"
        yield Hit(0, end, "Biome", shown, effect, hint, Weight.FILE, checks)
        return
    scope = "until biome-ignore-end" if kind == "-start" else "on the next line"
    if any(c in ("lint", "syntax") for c in checks):
        effect = f"silences every Biome lint rule {scope}"
        hint = "name the rule (biome-ignore lint/group/rule: why)"
        yield Hit(0, end, "Biome", shown, effect, hint, Weight.BLANKET, checks)
    else:
        effect = f"silences Biome {code_list(checks)} {scope}"
        yield Hit(0, end, "Biome", shown, effect, '(add ": why")', codes=checks, reason=why)
