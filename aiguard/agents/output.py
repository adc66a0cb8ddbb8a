"""What the model and the human read: short, errors first, `path:line ID message` + the fix.

The model gets at most MAX_LINES lines within the agent's byte cap. Every message says that
suppressing a finding does not hide it from the reviewers; the end-of-turn summary lists every
suppression the agent added in the session, justified or not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from aiguard.findings import Finding, Severity

MAX_LINES = 20
FIX_CHARS = 160
SUPPRESSION_NOTE = (
    "Suppressions (noqa, type: ignore, eslint-disable, aiguard: ignore, ...) are reported to "
    "the human reviewers: fix the cause instead."
)


def finding_key(finding: Finding) -> str:
    """Identical findings have one key, wherever their line moves (de-duplication)."""
    text = "".join(finding.line_text.split())
    key = f"{finding.rule_id}\0{finding.path}\0{text}\0{finding.message}"
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def digest(findings: Sequence[Finding]) -> str:
    return hashlib.sha256("\n".join(sorted(finding_key(f) for f in findings)).encode()).hexdigest()


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; by place within a level."""
    return sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key))


def one_line(text: str) -> str:
    """A message or path with a line break in it must not cost the model more lines."""
    return " ".join(text.split())


def first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    end = flat.find(". ")
    if 0 < end < FIX_CHARS:
        return flat[: end + 1]
    return flat if len(flat) <= FIX_CHARS else flat[: FIX_CHARS - 3].rstrip() + "..."


def finding_lines(
    findings: Sequence[Finding], fix_of: Callable[[str], str], budget: int
) -> list[str]:
    """`path:line ID message` and an indented fix hint per finding, within `budget` lines."""
    out: list[str] = []
    shown_fix: set[str] = set()
    items = ordered(findings)
    for index, f in enumerate(items):
        left = len(items) - index
        room = budget - len(out)
        if (room <= 1 and left > 1) or room <= 0:
            out.append(f"... and {left} more (run `aiguard check` to see all)")
            break
        out.append(one_line(f"{f.path}:{f.line} {f.rule_id} {f.message}"))
        if f.rule_id not in shown_fix and budget - len(out) > (1 if left > 1 else 0):
            shown_fix.add(f.rule_id)
            out.append(f"  fix: {first_sentence(fix_of(f.rule_id))}")
    return out


def model_message(
    header: str, findings: Sequence[Finding], fix_of: Callable[[str], str], byte_cap: int
) -> str:
    """The whole message for the model: header, findings, the suppression note; capped."""
    body = finding_lines(findings, fix_of, MAX_LINES - 2)
    lines = [header, *body, SUPPRESSION_NOTE]
    return cap_bytes(lines, byte_cap)


def cap_bytes(lines: list[str], byte_cap: int) -> str:
    """Join `lines`, dropping finding lines from the end (never the last one) to fit the cap."""
    text = "\n".join(lines)
    while len(text.encode("utf-8")) > byte_cap and len(lines) > 2:
        del lines[-2]
        text = "\n".join(lines)
    data = text.encode("utf-8")
    if len(data) > byte_cap:
        text = data[: max(byte_cap - 3, 0)].decode("utf-8", "ignore") + "..."
    return text


def count(findings: Sequence[Finding]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return " and ".join(parts) or "nothing"


def suppression_lines(suppressions: Sequence[Finding], limit: int) -> list[str]:
    """One line per suppression the agent added, for the end-of-turn summary."""
    out = []
    for f in sorted(suppressions, key=lambda f: f.sort_key)[:limit]:
        line = f"{f.path}:{f.line} {f.rule_id} {f.message}"
        if f.suppression is not None:
            line += f" [silenced by aiguard: ignore -- {f.suppression.justification}]"
        out.append(one_line(line))
    if len(suppressions) > limit:
        out.append(f"... and {len(suppressions) - limit} more")
    return out
