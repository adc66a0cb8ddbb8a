"""The base of the AIG5xx rules: both versions of a test file read into language-neutral facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from aiguard.findings import Category, Severity
from aiguard.lint.rule import FileRule, Scope
from aiguard.memo import MemoKey
from aiguard.source import SourceError

if TYPE_CHECKING:
    from aiguard.source import Source
    from aiguard_rules.test_weakening._model import FileFacts, Marker

LANGUAGES = frozenset({"python", "javascript", "typescript"})
_FACTS: MemoKey[FileFacts] = MemoKey("test-weakening: the tests of a file")


def read_facts(source: Source) -> FileFacts:
    """The tests of one version of a file, read once and shared by every AIG5xx rule."""
    if source.language == "python":
        from aiguard_rules.test_weakening._python import read_python

        return source.memo(_FACTS, lambda: read_python(source))
    from aiguard_rules.test_weakening._script import read_script

    return source.memo(_FACTS, lambda: read_script(source))


class WeakeningRule(FileRule):
    """What the AIG5xx rules share: the scope, the facts of both versions, reporting at a node."""

    category: ClassVar[Category] = Category.TEST_WEAKENING
    scope: ClassVar[Scope] = Scope.TEST
    languages: ClassVar[frozenset[str]] = LANGUAGES

    @property
    def facts(self) -> FileFacts:
        return read_facts(self.after)

    @property
    def before_facts(self) -> FileFacts | None:
        """The before-version's facts; None for a new file, and for a before-version that does
        not parse (there is nothing reliable to compare with, so the file counts as new)."""
        before = self.before
        if before is None or before.language != self.after.language:
            return None
        try:
            return read_facts(before)
        except SourceError:
            return None

    def new_markers(
        self, after: FileFacts, before: FileFacts | None, kinds: tuple[str, ...]
    ) -> list[Marker]:
        """The after-version's markers of these kinds that are new: not in the before-version,
        and not lost by another test file of the change (moved here)."""
        from aiguard_rules.test_weakening._model import new_markers
        from aiguard_rules.test_weakening._moves import not_moved

        return not_moved(self.project, self.path, new_markers(after, before, kinds))

    def report_at(
        self,
        facts: FileFacts,
        anchor: object,
        message: str,
        *,
        severity: Severity | None = None,
        removal: bool = False,
    ) -> None:
        span = facts.span(anchor)
        self.report_line(
            span.line,
            message,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            severity=severity,
            removal=removal,
        )


def short_name(name: str) -> str:
    """A test's own name without its class or suite path."""
    return (
        name.rsplit(" > ", 1)[-1].rsplit(".", 1)[-1] if " > " in name else name.rsplit(".", 1)[-1]
    )
