"""Every directive of one file, parsed once from its real comments, and the ones a change added.

Each language module yields hits; this one turns them into `Silencer`s. Every pattern follows
the anchoring of the tool that honours it, because a comment that merely mentions `noqa`
silences nothing and must not be reported."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator

from aiguard.change.model import FileChange
from aiguard.source import Comment, Source, SourceError
from aiguard_rules.suppression._model import Ctx, Hit, Silencer, Weight, clean_reason
from aiguard_rules.suppression._other import dockerfile_hits, shell_hits, yaml_hits
from aiguard_rules.suppression._python import python_hits
from aiguard_rules.suppression._script import script_hits

DIRECTIVE_LANGUAGES = frozenset(
    {"python", "javascript", "typescript", "shell", "yaml", "dockerfile"}
)

# Every keyword a directive starts with: the engine skips a file whose changed lines hold none.
INTEREST = (
    r"(?i)type:\s*ignore|noqa|pylint:|pyright:|mypy:|pragma|nosec|eslint|oxlint|@ts-"
    r"|biome-ignore|istanbul|[cv]8 ignore|shellcheck|yamllint|hadolint|checkov:|bridgecrew:"
    r"|tslint:|deno-lint-ignore|nosem|pyre-|pytype:"
)
_ANY_KEYWORD = re.compile(INTEREST)


# -- assembly -----------------------------------------------------------------------------

_HITS_BY_LANGUAGE: dict[str, Callable[[Ctx], Iterator[Hit]]] = {
    "python": python_hits,
    "javascript": script_hits,
    "typescript": script_hits,
    "shell": shell_hits,
    "yaml": yaml_hits,
    "dockerfile": dockerfile_hits,
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
        ctx = Ctx(source, comments, index)
        found.extend(_silencers(ctx, _without_overlaps(list(find(ctx)))))
    return tuple(found)


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def _silencers(ctx: Ctx, hits: list[Hit]) -> Iterator[Silencer]:
    above: str | None = None
    for hit, reason in zip(hits, _reasons(ctx.text, hits), strict=True):
        if not reason and hit.fixed_weight is None:
            # A reason may stand in a comment of its own on the line directly above.
            if above is None:
                above = ctx.comment_above()
            reason = clean_reason(above, hit.codes) if above else ""
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


def _reasons(text: str, hits: list[Hit]) -> list[str]:
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
    removed = [s for s in old if s.line in change.removed_lines]
    carried = Counter(s.key for s in removed)
    kept = []
    for s in current:
        if change.is_changed(s.line) and carried[s.key] > 0:
            carried[s.key] -= 1
            continue
        wider = _narrowed_from(s, removed)
        if change.is_changed(s.line) and wider is not None:
            removed.remove(wider)
            continue  # fewer codes silenced than before: a strengthening
        kept.append(s)
    return tuple(kept)


def _narrowed_from(new: Silencer, removed: list[Silencer]) -> Silencer | None:
    """A removed directive of the same tool that silenced a strict superset of `new`'s codes
    (`type: ignore[a, b]` -> `type: ignore[a]`), at the same weight or a heavier one."""
    if not new.codes:
        return None
    codes = set(new.codes)
    for old in removed:
        same_or_better = new.weight is Weight.EXPLAINED or old.weight is new.weight
        if old.tool == new.tool and old.codes and codes < set(old.codes) and same_or_better:
            return old
    return None
