"""The rule API: a rule is one small class with its metadata, its examples, and its check.

Four kinds, by what they read:

* `PythonRule` - a libcst visitor (`visit_<Node>` / `leave_<Node>`); all Python rules of a file
  share one batched traversal of the after-version's tree.
* `ScriptRule` - a tree-sitter visitor for JavaScript and TypeScript (`visit_<node type>` /
  `leave_<node type>`); all script rules of a file share one cursor walk of the after-version's
  tree (see aiguard.lint.walk_script).
* `FileRule` - `check()` reads the file however it likes: raw lines, comments, a parsed config.
* `AfterRule` - `check_after()` runs once the others have, and sees their findings: for rules
  about aiguard's own directives (a suppression that suppresses nothing).

Every rule sees both versions of the file (`self.before`, `None` for a new file, and
`self.after`) and the `Project`. It reports with `report()`/`report_line()`; the engine keeps a
finding only on a line the change added or modified, unless the rule marks it `removal=True`
(it reports something the change took away, on the nearest surviving line).

Keep `import libcst` and `import tree_sitter` out of a rule module's top level (use them inside
methods, or under `TYPE_CHECKING`): aiguard loads every rule at start-up, and a change with no
Python file must not pay for importing libcst.

The examples (`Flag` for code the rule must report, `Pass` for look-alikes it must not) are the
rule's documentation (`aiguard rule ID`, through `aiguard.report.docs`) and its tests
(`aiguard.lint.testing`). Write them as indented triple-quoted strings: they are dedented.
"""

from __future__ import annotations

import abc
import enum
import fnmatch
import inspect
import posixpath
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from aiguard.errors import AiguardError
from aiguard.findings import Category, Finding, Severity

if TYPE_CHECKING:
    import libcst
    import tree_sitter

    from aiguard.change.model import FileChange
    from aiguard.project import Project
    from aiguard.source import Source

RULE_ID = re.compile(r"^AIG[1-9]\d\d$")


class Scope(enum.Enum):
    """Which files a rule reads: production code, test code, or both."""

    ANY = "any"
    PRODUCTION = "production"
    TEST = "test"


@dataclass(frozen=True)
class Flag:
    """Code the rule must report, at `line` (one or several lines of the after-version).

    `before` makes the example a change from `before` to `code` (otherwise the file is new);
    `path` names the file (default: `example` with the suffix of the rule's first language);
    `files` adds other files of the project (tests, configs) that the rule may read;
    `message`, when given, must be a substring of the finding's message;
    `deleted` makes the example a change that deletes the file (`code` is then "").

    `code`, `before` and the texts in `files` may be written as indented triple-quoted strings:
    they are dedented and a leading newline is dropped (see `example_text`).
    """

    code: str
    line: int | tuple[int, ...]
    before: str | None = None
    path: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    message: str | None = None
    severity: Severity | None = None
    deleted: bool = False

    def __post_init__(self) -> None:
        _normalize_example(self)

    @property
    def lines(self) -> tuple[int, ...]:
        return (self.line,) if isinstance(self.line, int) else self.line


@dataclass(frozen=True)
class Pass:
    """Code the rule must stay silent on: a legitimate look-alike of what it flags."""

    code: str
    before: str | None = None
    path: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    deleted: bool = False

    def __post_init__(self) -> None:
        _normalize_example(self)


Example = Flag | Pass


def example_text(text: str) -> str:
    """An example's file as written in the rule class: dedented, one leading newline dropped.

    An indented triple-quoted string that starts with a newline reads as the file it shows.
    """
    text = textwrap.dedent(text)
    return text[1:] if text.startswith("\n") else text


def _normalize_example(example: Flag | Pass) -> None:
    # Frozen dataclasses: __post_init__ may only set fields through object.__setattr__.
    object.__setattr__(example, "code", example_text(example.code))
    if example.before is not None:
        object.__setattr__(example, "before", example_text(example.before))
    files = {path: example_text(text) for path, text in example.files.items()}
    object.__setattr__(example, "files", files)


_SUFFIX_BY_LANGUAGE = {
    "python": ".py",
    "javascript": ".js",
    "typescript": ".ts",
    "shell": ".sh",
    "yaml": ".yml",
    "toml": ".toml",
    "json": ".json",
    "ini": ".cfg",
}


@dataclass
class FileContext:
    """What a rule may look at for one file; built once per file by the engine."""

    change: FileChange
    project: Project
    after: Source
    before: Source | None
    is_test: bool


def file_matches(
    languages: frozenset[str], files: tuple[str, ...], path: str, language: str
) -> bool:
    """Whether a rule declaring `languages` and `files` globs reads the file at `path`."""
    if language in languages:
        return True
    name = posixpath.basename(path)
    return any(fnmatch.fnmatchcase(path if "/" in g else name, g) for g in files)


def scope_includes(scope: Scope, is_test: bool) -> bool:
    return scope is Scope.ANY or is_test == (scope is Scope.TEST)


class Rule(abc.ABC):
    """Metadata and reporting shared by every kind of rule."""

    id: ClassVar[str]
    name: ClassVar[str]  # kebab-case, e.g. "blanket-type-ignore"
    category: ClassVar[Category]
    severity: ClassVar[Severity] = Severity.WARNING
    # The languages (see aiguard.source.language_of) and file-name globs the rule reads.
    # A glob with a "/" matches the repo-relative path, one without matches the base name.
    languages: ClassVar[frozenset[str]] = frozenset()
    files: ClassVar[tuple[str, ...]] = ()
    scope: ClassVar[Scope] = Scope.ANY
    summary: ClassVar[str]  # one line: what it finds
    rationale: ClassVar[str]  # why is this bad?
    fix: ClassVar[str]  # what to do instead
    # A regular expression: the engine runs the rule on a file only when a changed line (added,
    # or removed from the before-version) matches it. None: always run.
    interest: ClassVar[str | None] = None
    # Whether the rule is shown files the change deletes (`self.context.change.deleted`, an
    # empty after-version): for rules that report what a deletion takes away.
    reads_deleted: ClassVar[bool] = False
    precision: ClassVar[str] = "high"  # SARIF: very-high | high | medium | low
    tags: ClassVar[tuple[str, ...]] = ()
    examples: ClassVar[tuple[Example, ...]] = ()

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.findings: list[Finding] = []

    # -- what rules read ------------------------------------------------------------------

    @property
    def after(self) -> Source:
        return self.context.after

    @property
    def before(self) -> Source | None:
        return self.context.before

    @property
    def project(self) -> Project:
        return self.context.project

    @property
    def path(self) -> str:
        return self.context.change.path

    # -- how rules report -----------------------------------------------------------------

    def report_line(
        self,
        line: int,
        message: str,
        *,
        column: int = 1,
        end_line: int | None = None,
        end_column: int | None = None,
        severity: Severity | None = None,
        removal: bool = False,
    ) -> None:
        """Report at a line of the after-version (1-based line and column)."""
        self.findings.append(
            Finding(
                rule_id=self.id,
                path=self.path,
                line=line,
                column=column,
                message=message,
                severity=severity or self.severity,
                end_line=end_line,
                end_column=end_column,
                removal=removal,
            )
        )

    # -- metadata helpers -----------------------------------------------------------------

    @classmethod
    def matches_file(cls, path: str, language: str) -> bool:
        return file_matches(cls.languages, cls.files, path, language)

    @classmethod
    def in_scope(cls, is_test: bool) -> bool:
        return scope_includes(cls.scope, is_test)

    @classmethod
    def example_path(cls, example: Example) -> str:
        """Where an example file lives when it names no path: a name that fits the rule."""
        if example.path:
            return example.path
        for language, suffix in _SUFFIX_BY_LANGUAGE.items():
            if language not in cls.languages:
                continue
            if cls.scope is Scope.TEST:
                return (
                    f"tests/test_example{suffix}"
                    if language == "python"
                    else f"example.test{suffix}"
                )
            return f"example{suffix}"
        if cls.files and "*" not in cls.files[0].replace("*.", ""):
            return cls.files[0]
        raise TypeError(f"{cls.id}: give each example a path")

    @classmethod
    def metadata_problems(cls) -> list[str]:
        """What is missing or malformed in the class's metadata (checked when plugins load)."""
        problems = []
        for attr in ("id", "name", "category", "summary", "rationale", "fix"):
            if not getattr(cls, attr, None):
                problems.append(f"missing {attr}")
        rule_id = getattr(cls, "id", "")
        if rule_id and not RULE_ID.match(rule_id):
            problems.append(f"id {rule_id!r} is not AIG followed by three digits")
        category = getattr(cls, "category", None)
        if (
            rule_id
            and isinstance(category, Category)
            and RULE_ID.match(rule_id)
            and int(rule_id[3]) != category.hundreds
        ):
            problems.append(f"id {rule_id} does not match category {category.value}")
        if not cls.languages and not cls.files:
            problems.append("declares neither languages nor files")
        if not any(isinstance(e, Flag) for e in cls.examples):
            problems.append("has no Flag example")
        if not any(isinstance(e, Pass) for e in cls.examples):
            problems.append("has no Pass example (code it must not flag)")
        if cls.languages or cls.files:
            try:
                for example in cls.examples:
                    cls.example_path(example)
            except TypeError:
                problems.append("an example names no path and none follows from its files")
        return problems


class FileRule(Rule):
    """A rule that reads the whole file at once: tree-sitter trees, lines, comments, configs."""

    @abc.abstractmethod
    def check(self) -> None:
        """Read `self.after` (and `self.before`) and report what the change introduced."""


class AfterRule(Rule):
    """A rule that judges a file once the other rules have run on it.

    `check_after` sees the other rules' findings on every line of the file (before the
    changed-line filter and suppressions), the ids of the rules that ran on it to the end, and
    the ids of those the engine did not run because no changed line matched their `interest`
    (by that contract they would have reported nothing on a changed line). A rule in neither
    set (not selected, out of scope, crashed) proves nothing. For rules about aiguard's own
    directives, such as one that suppresses nothing. Its examples run with every installed rule
    (see aiguard.lint.testing).
    """

    @abc.abstractmethod
    def check_after(
        self, findings: Sequence[Finding], ran: frozenset[str], quiet: frozenset[str]
    ) -> None:
        """Report through `report_line`, as a FileRule does."""


class PythonRule(Rule):
    """A libcst visitor. Define `visit_<Node>`/`leave_<Node>` methods and call `report(node, msg)`.

    Metadata providers named in METADATA_DEPENDENCIES are resolved once per file for all rules
    that ask, and read with `get_metadata`. Positions are resolved only for reported nodes.
    """

    languages: ClassVar[frozenset[str]] = frozenset({"python"})
    METADATA_DEPENDENCIES: ClassVar[tuple[type, ...]] = ()

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.metadata: Mapping[type, Mapping[Any, Any]] = {}
        self.reported_nodes: list[tuple[libcst.CSTNode, str, Severity | None, bool]] = []

    def report(
        self,
        node: libcst.CSTNode,
        message: str,
        *,
        severity: Severity | None = None,
        removal: bool = False,
    ) -> None:
        """Report at a node of the after-version's tree (`self.after.cst`)."""
        self.reported_nodes.append((node, message, severity, removal))

    def get_metadata(self, provider: type, node: libcst.CSTNode, default: Any = None) -> Any:
        return self.metadata.get(provider, {}).get(node, default)

    def get_visitors(self) -> Mapping[str, Callable[..., Any]]:
        """The visit_/leave_ methods, in the form libcst.visit_batched expects."""
        return dict(
            inspect.getmembers(
                self,
                lambda m: (
                    inspect.ismethod(m)
                    and (m.__name__.startswith("visit_") or m.__name__.startswith("leave_"))
                ),
            )
        )

    def resolve_reported(self) -> None:
        """Turn reported nodes into findings (the first one pays for the module's positions)."""
        for node, message, severity, removal in self.reported_nodes:
            span = self.after.position(node)
            self.findings.append(
                Finding(
                    rule_id=self.id,
                    path=self.path,
                    line=span.line,
                    column=span.column,
                    message=message,
                    severity=severity or self.severity,
                    end_line=span.end_line,
                    end_column=span.end_column,
                    removal=removal,
                )
            )
        self.reported_nodes.clear()


class ScriptRule(Rule):
    """A tree-sitter visitor over the after-version of a JavaScript/TypeScript file.

    Define `visit_<node type>` / `leave_<node type>` methods (named node types of the grammar,
    e.g. `visit_call_expression`); they are called with the node during one walk shared by all
    script rules of the file, `visit_` before the node's children, `leave_` after them. A rule
    that visits several types with one method overrides `get_visitors`. Report with
    `report_line` (`self.after.node_span(node)` gives a node's position).
    """

    languages: ClassVar[frozenset[str]] = frozenset({"javascript", "typescript"})

    def get_visitors(self) -> Mapping[str, Callable[[tree_sitter.Node], object]]:
        """The methods the walk dispatches, by `visit_<type>`/`leave_<type>` name; an empty
        mapping leaves the file alone."""
        from aiguard.lint.walk_script import visitor_methods

        return visitor_methods(self)


@dataclass(frozen=True)
class RuleRef:
    """What the engine needs to decide whether a rule runs on a file, without importing it.

    Start-up imports no rule module when a cached index of references is valid; a rule's module
    is imported (`load`) only once a changed file is in its languages, scope and interest.
    """

    id: str
    module: str
    qualname: str
    languages: frozenset[str]
    files: tuple[str, ...]
    scope: Scope
    interest: str | None
    severity: Severity
    reads_deleted: bool = False
    rule: type[Rule] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, rule: type[Rule]) -> RuleRef:
        return cls(
            id=rule.id,
            module=rule.__module__,
            qualname=rule.__qualname__,
            languages=frozenset(rule.languages),
            files=tuple(rule.files),
            scope=rule.scope,
            interest=rule.interest,
            severity=rule.severity,
            reads_deleted=rule.reads_deleted,
            rule=rule,
        )

    def matches_file(self, path: str, language: str) -> bool:
        return file_matches(self.languages, self.files, path, language)

    def in_scope(self, is_test: bool) -> bool:
        return scope_includes(self.scope, is_test)

    def load(self) -> type[Rule]:
        """The rule class (imports its module the first time); AiguardError when it fails."""
        if self.rule is not None:
            return self.rule
        import importlib

        where = f"{self.module}.{self.qualname}"
        try:
            found: object = importlib.import_module(self.module)
        except Exception as exc:  # noqa: BLE001 -- third-party rule module: one-line error
            raise AiguardError(
                f"rule {self.id} failed to load from {self.module}: {type(exc).__name__}: {exc}"
            ) from None
        for part in self.qualname.split("."):
            found = getattr(found, part, None)
        if not (isinstance(found, type) and issubclass(found, Rule) and found.id == self.id):
            raise AiguardError(f"rule {self.id} is no longer {where}; reinstall the plugin")
        return found

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "module": self.module,
            "qualname": self.qualname,
            "languages": sorted(self.languages),
            "files": list(self.files),
            "scope": self.scope.value,
            "interest": self.interest,
            "severity": self.severity.value,
            "reads_deleted": self.reads_deleted,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleRef:
        """Raises KeyError, TypeError or ValueError on malformed data."""
        interest = data["interest"]
        if interest is not None and not isinstance(interest, str):
            raise TypeError("interest")
        return cls(
            id=str(data["id"]),
            module=str(data["module"]),
            qualname=str(data["qualname"]),
            languages=frozenset(str(x) for x in data["languages"]),
            files=tuple(str(x) for x in data["files"]),
            scope=Scope(data["scope"]),
            interest=interest,
            severity=Severity(data["severity"]),
            reads_deleted=bool(data["reads_deleted"]),
        )
