"""One rule-doc model, read from a rule class, rendered for every place a rule is explained.

`RuleDoc.of(rule)` collects what a rule says about itself (metadata, rationale, fix, its Flag and
Pass examples) and where it is defined. Its renderings: `aiguard rule ID` (`text`), `aiguard rules
--format text|markdown|json` (`rules_text`, `rules_markdown`, `rules_json`; the README's rule table
is the Markdown one) and the SARIF descriptor's help (`help_text`, `help_markdown`,
`full_description`).
"""

from __future__ import annotations

import difflib
import inspect
import json
import os
import posixpath
import re
import sys
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiguard.lint.rule import Flag

if TYPE_CHECKING:
    from aiguard.lint.rule import Example, Rule

_FENCE_LANGUAGE = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "jsx",
    ".ts": "typescript",
    ".tsx": "tsx",
    ".sh": "shell",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".toml": "toml",
    ".json": "json",
    ".cfg": "ini",
    ".ini": "ini",
}
# How many examples of each kind `aiguard rule ID` shows (the JSON export has them all).
SHOWN_EXAMPLES = 3


@dataclass(frozen=True)
class SourceLocation:
    """Where a rule class is defined: a path relative to the root its top-level package sits
    in (`aiguard_rules/stub/python.py`), and the line of its `class` statement when the
    source can be read (None for a class without readable source)."""

    file: str
    line: int | None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    @classmethod
    def of(cls, rule: type[Rule]) -> SourceLocation:
        try:
            path = inspect.getsourcefile(rule)
        except TypeError:  # a class of a built-in module has no file
            path = None
        if path is None:
            return cls(f"<module {rule.__module__}>", None)
        try:
            line: int | None = inspect.getsourcelines(rule)[1]
        except OSError:  # the file is gone or no longer holds the class
            line = None
        return cls(_relative_to_package_root(path, rule.__module__), line)


def _relative_to_package_root(path: str, module: str) -> str:
    """`path` relative to the directory that holds the module's top-level package (or the
    module itself, for a single-file module such as a `--plugin` file)."""
    top = sys.modules.get(module.split(".")[0])
    top_file = getattr(top, "__file__", None)
    if not top_file:
        return path.replace(os.sep, "/")
    root = os.path.dirname(os.path.abspath(top_file))
    if hasattr(top, "__path__"):  # a package: its folder is part of the shown path
        root = os.path.dirname(root)
    relative = os.path.relpath(os.path.abspath(path), root)
    return (path if relative.startswith("..") else relative).replace(os.sep, "/")


@dataclass(frozen=True)
class ExampleDoc:
    """One example: code the rule flags (`flag`, at `lines`) or a look-alike it leaves alone."""

    flag: bool
    path: str
    code: str
    before: str | None  # the file before the change; None: the example file is new
    deleted: bool
    lines: tuple[int, ...]  # where a Flag example is reported; () for a Pass example
    message: str | None
    files: tuple[tuple[str, str], ...]  # other files of the example project

    @classmethod
    def of(cls, rule: type[Rule], example: Example) -> ExampleDoc:
        is_flag = isinstance(example, Flag)
        return cls(
            flag=is_flag,
            path=rule.example_path(example),
            code=example.code,
            before=example.before,
            deleted=example.deleted,
            lines=example.lines if isinstance(example, Flag) else (),
            message=example.message if isinstance(example, Flag) else None,
            files=tuple(sorted(example.files.items())),
        )

    def shown_code(self) -> str:
        """The code, or for a change, a diff from the before-version to it (no headers)."""
        after = self.code.strip("\n")
        if self.before is None:
            return after
        before = self.before.strip("\n").splitlines()
        lines = after.splitlines()
        diff = difflib.unified_diff(before, lines, lineterm="", n=max(len(before), len(lines)))
        return "\n".join(line for line in diff if not line.startswith(("---", "+++", "@@")))

    def fence_language(self) -> str:
        if self.before is not None:
            return "diff"
        return _FENCE_LANGUAGE.get(posixpath.splitext(self.path)[1], "")

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"kind": "flag" if self.flag else "pass", "path": self.path}
        if self.flag:
            data["lines"] = list(self.lines)
            if self.message is not None:
                data["message"] = self.message
        data["code"] = self.code
        data["before"] = self.before
        data["deleted"] = self.deleted
        data["files"] = dict(self.files)
        return data


@dataclass(frozen=True)
class RuleDoc:
    """Everything a rule says about itself, and where it is defined."""

    id: str
    name: str
    category: str
    severity: str
    summary: str
    rationale: str
    fix: str
    languages: tuple[str, ...]
    files: tuple[str, ...]  # file-name globs the rule reads besides its languages
    scope: str
    precision: str
    tags: tuple[str, ...]
    examples: tuple[ExampleDoc, ...]
    # Where the class is defined; None when not asked for (finding it reads the rule's module
    # file, which the SARIF help does not need).
    source: SourceLocation | None

    @classmethod
    def of(cls, rule: type[Rule], *, locate: bool = True) -> RuleDoc:
        return cls(
            id=rule.id,
            name=rule.name,
            category=rule.category.value,
            severity=rule.severity.value,
            summary=rule.summary.strip(),
            rationale=_paragraph(rule.rationale),
            fix=_paragraph(rule.fix),
            languages=tuple(sorted(rule.languages)),
            files=tuple(rule.files),
            scope=rule.scope.value,
            precision=rule.precision,
            tags=tuple(rule.tags),
            examples=tuple(ExampleDoc.of(rule, e) for e in rule.examples),
            source=SourceLocation.of(rule) if locate else None,
        )

    @property
    def flags(self) -> list[ExampleDoc]:
        return [e for e in self.examples if e.flag]

    @property
    def passes(self) -> list[ExampleDoc]:
        return [e for e in self.examples if not e.flag]

    @property
    def applies_to(self) -> str:
        """The languages and file globs: `javascript, typescript`, `.pre-commit-config.yaml`."""
        return ", ".join([*self.languages, *self.files])

    # -- `aiguard rule ID` ----------------------------------------------------------------

    def text(self) -> str:
        out = [
            f"{self.id} {self.name}  [{self.category}, {self.severity}]",
            f"defined in {self.source or 'an unknown file'}",
            "",
            self.summary,
            "",
            "Why is this bad?",
            _indent(self.rationale, 2),
            "",
            "How to fix",
            _indent(self.fix, 2),
            "",
            f"Applies to: {self.applies_to} ({self.scope} code)",
        ]
        shown = (("Flagged", self.flags), ("Not flagged", self.passes))
        for title, examples in shown:
            for example in examples[:SHOWN_EXAMPLES]:
                out += ["", f"{title} ({example.path}):"]
                if example.before is not None:
                    out += ["  before:", _indent(example.before.rstrip("\n"), 4)]
                    out.append("  after: the file is deleted" if example.deleted else "  after:")
                if not example.deleted:
                    out.append(_indent(example.code.rstrip("\n"), 4))
        return "\n".join(out) + "\n"

    # -- `aiguard rules --format json` ----------------------------------------------------

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "summary": self.summary,
            "rationale": self.rationale,
            "fix": self.fix,
            "languages": list(self.languages),
            "files": list(self.files),
            "scope": self.scope,
            "precision": self.precision,
            "tags": list(self.tags),
            "source": None
            if self.source is None
            else {"file": self.source.file, "line": self.source.line},
            "examples": [e.to_json() for e in self.examples],
        }

    # -- the SARIF descriptor -------------------------------------------------------------

    def full_description(self) -> str:
        """The summary as a sentence, then the rationale."""
        return f"{_sentence(self.summary)} {self.rationale}".strip()

    def help_text(self) -> str:
        """Plain-text help: why it is a hazard, an example, how to fix, a look-alike it allows."""
        parts = [_sentence(self.summary), self.rationale]
        flags, passes = self.flags, self.passes
        if flags:
            parts.append("Example:\n" + _indent_lines(flags[0].shown_code()))
        parts.append(f"How to fix: {self.fix}")
        if passes:
            parts.append("Not flagged:\n" + _indent_lines(passes[0].shown_code()))
        return "\n\n".join(parts)

    def help_markdown(self) -> str:
        """The same help as Markdown, with the examples in fenced blocks."""
        parts = [_sentence(self.summary), "## Why is this a hazard?", self.rationale]
        flags, passes = self.flags, self.passes
        if flags:
            parts += ["## Example", _fenced(flags[0].shown_code(), flags[0].fence_language())]
        parts += ["## How to fix", self.fix]
        if passes:
            parts += ["## Not flagged", _fenced(passes[0].shown_code(), passes[0].fence_language())]
        return "\n\n".join(parts)


# -- `aiguard rules` ----------------------------------------------------------------------


def rules_text(docs: Iterable[RuleDoc]) -> str:
    """The rule table for a terminal: id, name, category, default severity, languages."""
    header = ("ID", "NAME", "CATEGORY", "SEVERITY", "LANGUAGES")
    table = [header] + [(d.id, d.name, d.category, d.severity, d.applies_to) for d in docs]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    lines = []
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]))
    return "\n".join(lines) + "\n"


def rules_markdown(docs: Iterable[RuleDoc]) -> str:
    """The rule table as Markdown (the README's table is this output)."""
    lines = [
        "| id | name | category | severity | what it finds |",
        "| --- | --- | --- | --- | --- |",
    ]
    for d in docs:
        summary = d.summary.replace("|", "\\|")
        lines.append(f"| {d.id} | {d.name} | {d.category} | {d.severity} | {summary} |")
    return "\n".join(lines) + "\n"


def rules_json(docs: Iterable[RuleDoc]) -> str:
    """Every rule's full documentation, like `ruff rule --all --output-format json`."""
    return json.dumps([d.to_json() for d in docs], indent=2) + "\n"


def rule_docs(rules: Iterable[type[Rule]]) -> list[RuleDoc]:
    return [RuleDoc.of(r) for r in rules]


# -- text helpers -------------------------------------------------------------------------


def _paragraph(text: str) -> str:
    return textwrap.dedent(text).strip()


def _indent(text: str, width: int) -> str:
    return textwrap.indent(textwrap.dedent(text).strip("\n"), " " * width)


def _indent_lines(code: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in code.splitlines())


def _fenced(code: str, language: str) -> str:
    """A fence longer than any run of backticks inside the code, so the code cannot close it."""
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code}\n{fence}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."
