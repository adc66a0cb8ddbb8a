"""The data every rule produces and every report consumes: findings and notifications."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass


class Severity(enum.Enum):
    """How much a finding weighs; the names are SARIF's `level` values."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


_RANK = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Category(enum.Enum):
    """The eight hazard categories; a rule id's hundreds digit names its category."""

    SUPPRESSION = "suppression"
    CONFIG_WEAKENING = "config-weakening"
    TEST_SPECIAL_CASE = "test-special-case"
    STUB = "stub"
    TEST_WEAKENING = "test-weakening"
    HALLUCINATED_IMPORT = "hallucinated-import"
    HALLUCINATED_API = "hallucinated-api"
    DEPENDENCY_HYGIENE = "dependency-hygiene"

    @property
    def hundreds(self) -> int:
        return list(Category).index(self) + 1


@dataclass(frozen=True)
class Suppression:
    """An inline `aiguard: ignore[ID] -- reason` that silenced a finding (kept for SARIF)."""

    justification: str
    line: int


@dataclass(frozen=True)
class Finding:
    """One hazard at one place. Lines and columns are 1-based; `end_column` is one past the end."""

    rule_id: str
    path: str
    line: int
    column: int
    message: str
    severity: Severity
    end_line: int | None = None
    end_column: int | None = None
    # Set by a rule that reports something the change removed, on the nearest surviving line:
    # the engine keeps such a finding although its line may be untouched.
    removal: bool = False
    suppression: Suppression | None = None
    # The text of the finding's line, filled in by the engine (fingerprints and text output).
    line_text: str = ""

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule_id, self.message)


@dataclass(frozen=True)
class Notification:
    """Something aiguard could not do (a file it skipped, a parse error, a missing environment).

    Reports carry it as a SARIF `toolExecutionNotification` and a one-line note on stderr.
    `kind` is a short stable id such as "parse-error" or "file-skipped".
    """

    kind: str
    message: str
    path: str | None = None
    line: int | None = None
    level: Severity = Severity.WARNING

    @property
    def unchecked(self) -> bool:
        """Whether it means a file aiguard was asked to check was not (completely) checked."""
        return self.kind in UNCHECKED_KINDS


# Notification kinds that mean part of the change went unchecked: a file that could not be
# parsed or read, a rule that crashed on a file. They fail the run (exit 3) unless allowed.
UNCHECKED_KINDS = frozenset({"parse-error", "rule-error", "file-skipped"})


def fingerprint(finding: Finding, occurrence: int) -> str:
    """A stable id for a finding that survives unrelated lines moving.

    Keyed like semgrep's baseline: rule, path, the finding's line without white space, and the
    index of that (rule, path, text) triple in the file - never the line number.
    """
    text = "".join(finding.line_text.split())
    key = f"{finding.rule_id}\0{finding.path}\0{text}\0{occurrence}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def with_fingerprints(findings: list[Finding]) -> list[tuple[Finding, str]]:
    """Pair each finding (in report order) with its fingerprint, counting repeated texts."""
    seen: dict[tuple[str, str, str], int] = {}
    paired = []
    for f in findings:
        key = (f.rule_id, f.path, "".join(f.line_text.split()))
        n = seen.get(key, 0)
        seen[key] = n + 1
        paired.append((f, fingerprint(f, n)))
    return paired
