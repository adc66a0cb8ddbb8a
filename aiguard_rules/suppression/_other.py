"""Directives in shell, YAML and Dockerfiles (shellcheck, yamllint, hadolint, checkov), and
`nosemgrep`, which semgrep honours in a comment of any language."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aiguard_rules.suppression._model import Ctx, Hit, Weight, clean_reason, code_list, codes_of

# -- shell, YAML, Dockerfile --------------------------------------------------------------

_SHELLCHECK = re.compile(r"^#\s*shellcheck\s+(?P<body>[^#]*)")
_SHELLCHECK_DISABLE = re.compile(r"\bdisable=(?P<codes>[\w-]+(?:,[\w-]+)*)")
_YAMLLINT = re.compile(r"^# yamllint (?P<kind>disable-line|disable)(?P<rules>(?: rule:\S+)*)\s*$")
_YAMLLINT_FILE = re.compile(r"^#\s*yamllint disable-file\s*$")
_HADOLINT = re.compile(
    r"^#\s*hadolint\s+(?P<glob>global\s+)?ignore\s*=\s*(?P<codes>[DLSC0-9]+(?:\s*,\s*[DLSC0-9]+)*)"
    r"\s*(?:#(?P<why>.*))?$"
)
# semgrep's `nosem`/`nosemgrep` (case-insensitive), optionally `: rule-id, rule-id`. Semgrep also
# matches it after other words of a trailing comment; only a comment that opens with it is read
# here, so prose that mentions the word is never taken for the directive.
_NOSEMGREP = re.compile(
    r"^(?:#+|//+|/\*+)\s*(?P<kw>nosem(?:grep)?)(?![\w-])"
    r"(?:\s*[:=]\s*(?P<rules>[\w.-]+(?:\s*,\s*[\w.-]+)*))?",
    re.IGNORECASE,
)
_CHECKOV = re.compile(
    r"(?:checkov|bridgecrew):skip=\s*(?P<codes>[A-Za-z_\d]+(?:,[A-Za-z_\d]+)*)(?::(?P<why>.*))?"
)


def shell_hits(ctx: Ctx) -> Iterator[Hit]:
    yield from nosemgrep_hits(ctx.text)
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
            yield Hit(
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
            effect = f"silences ShellCheck {code_list(codes)} {scope}"
            yield Hit(0, end, "ShellCheck", shown, effect, '(add "  # why")', codes=codes)


def yaml_hits(ctx: Ctx) -> Iterator[Hit]:
    yield from nosemgrep_hits(ctx.text)
    text = ctx.text
    if ctx.comment.line == 1 and ctx.comment.column == 1 and _YAMLLINT_FILE.match(text):
        effect = "switches yamllint off for the whole file"
        hint = "fix the problems, or ignore the file in .yamllint with a reason"
        yield Hit(0, len(text.rstrip()), "yamllint", text.rstrip(), effect, hint, Weight.FILE)
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
            effect = f"silences yamllint {code_list(rules)} {scope}"
            yield Hit(
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
            yield Hit(
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
            yield Hit(0, len(shown), "yamllint", shown, effect, hint, Weight.FILE)
    yield from _checkov_hits(ctx)


def dockerfile_hits(ctx: Ctx) -> Iterator[Hit]:
    yield from nosemgrep_hits(ctx.text)
    m = _HADOLINT.match(ctx.text)
    if m is not None:
        codes = codes_of(m.group("codes").replace(",", " "))
        end = m.end("codes")
        shown = ctx.text[:end]
        if m.group("glob"):
            effect = f"silences hadolint {code_list(codes)} for the whole file"
            hint = "fix the instructions, or ignore the rule in .hadolint.yaml with a reason"
            yield Hit(0, end, "hadolint", shown, effect, hint, Weight.FILE, codes)
        else:
            effect = f"silences hadolint {code_list(codes)} for the next instruction"
            yield Hit(
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


def _checkov_hits(ctx: Ctx) -> Iterator[Hit]:
    for m in _CHECKOV.finditer(ctx.text):
        codes = tuple(m.group("codes").split(","))
        end = m.end("codes")
        effect = f"skips checkov {code_list(codes)} for this resource"
        shown = ctx.text[m.start() : end]
        yield Hit(
            m.start(),
            end,
            "checkov",
            shown,
            effect,
            '(add ":why" after the check id)',
            codes=codes,
            reason=m.group("why") or "",
        )


def nosemgrep_hits(text: str) -> Iterator[Hit]:
    """`nosemgrep` in a comment of any language (semgrep honours it on the line or the next)."""
    for m in _NOSEMGREP.finditer(text):  # at most one: the pattern is anchored
        rules = tuple(r.strip() for r in (m.group("rules") or "").split(",") if r.strip())
        if rules:
            effect = f"silences semgrep {code_list(rules)} here"
            yield Hit(
                m.start(), m.end(), "semgrep", m.group(), effect, '(add "-- why")', codes=rules
            )
        else:
            effect = "silences every semgrep rule here"
            hint = "name the rule (nosemgrep: rule-id) and say why the code is safe"
            yield Hit(m.start(), m.end(), "semgrep", m.group(), effect, hint, Weight.BLANKET)
