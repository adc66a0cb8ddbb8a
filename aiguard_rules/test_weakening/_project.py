"""Where the names a test calls come from: the project's files, read through `Project`.

Only text is read (never imported): whether an import names a file of the project, whether
that file is test code or production code, and whether it still defines the name.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict

from aiguard.memo import MemoKey
from aiguard.project import Project
from aiguard.source import language_of
from aiguard_rules.test_weakening._model import Target

_FILES_BY_NAME: MemoKey[dict[str, list[str]]] = MemoKey(
    "test-weakening: project files by base name"
)


_REMOVED_WORDS: MemoKey[frozenset[str]] = MemoKey("aiguard_rules.weakened_tests.removed_words")


def resolve(project: Project, target: Target) -> str | None:
    """The project file an import names, or None when it names none (stdlib, third party)."""
    if not target.suffix:
        return next((p for p in target.paths if project.read_text(p) is not None), None)
    by_name = project.memo(_FILES_BY_NAME, lambda: _by_name(project))
    for wanted in target.paths:
        found = [
            p
            for p in by_name.get(posixpath.basename(wanted), ())
            if p == wanted or p.endswith("/" + wanted)
        ]
        if found:
            return min(found, key=lambda p: (project.is_test(p), len(p), p))
    return None


def _by_name(project: Project) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for path in project.files:
        index[posixpath.basename(path)].append(path)
    return dict(index)


def defines(text: str, name: str, path: str) -> bool:
    """Whether a file's text defines `name` at its top level (a def, class or assignment)."""
    word = re.escape(name)
    if language_of(path) == "python":
        pattern = rf"^(?:async[ \t]+)?(?:def|class)[ \t]+{word}\b|^{word}[ \t]*[:=]"
    elif name == "default":
        pattern = r"\bexport\s+default\b|\bmodule\.exports\s*="
    else:
        pattern = (
            rf"\b(?:function\*?|class|const|let|var)\s+{word}\b"
            rf"|\bexports\.{word}\b|\bexport\s*\{{[^}}]*\b{word}\b"
        )
    return re.search(pattern, text, re.MULTILINE) is not None


def calls_test_helper(project: Project, targets: list[Target]) -> bool:
    """Whether a test calls a function imported from test code (a shared checking helper)."""
    for target in targets:
        path = resolve(project, target)
        if path is not None and project.is_test(path):
            return True
    return False


_PYTHON_TEST_DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(test\w*)", re.MULTILINE)
_SCRIPT_TEST_CALL = re.compile(r"\b(?:it|test|specify)(?:\.\w+)*\s*\(\s*(['\"`])(.*?)\1")


_TEST_NAMES: MemoKey[dict[str, set[str]]] = MemoKey("test-weakening: test names by language family")


def test_names_elsewhere(project: Project, name: str, language: str, here: str) -> bool:
    """Whether a test named `name` exists in another test file of the project (it moved)."""
    family = "python" if language == "python" else "script"
    index = project.memo(_TEST_NAMES.at(family), lambda: _test_names(project, family))
    return any(path != here for path in index.get(name, ()))


def _test_names(project: Project, family: str) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for path in project.files:
        language = language_of(path)
        if not project.is_test(path) or ("python" if language == "python" else "script") != family:
            continue
        if language not in ("python", "javascript", "typescript"):
            continue
        text = project.read_text(path)
        if text is None:
            continue
        if family == "python":
            names = (m.group(1) for m in _PYTHON_TEST_DEF.finditer(text))
        else:
            names = (m.group(2) for m in _SCRIPT_TEST_CALL.finditer(text))
        for found in names:
            index[found].add(path)
    return dict(index)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
# Words too common to tie a test to a production change.
_COMMON = frozenset(
    {
        "self",
        "cls",
        "def",
        "class",
        "return",
        "import",
        "from",
        "None",
        "True",
        "False",
        "assert",
        "raise",
        "pass",
        "async",
        "await",
        "const",
        "let",
        "var",
        "function",
        "export",
        "this",
        "new",
        "for",
        "and",
        "not",
        "the",
        "with",
        "value",
        "result",
        "expected",
        "test",
        "tests",
    }
)


def removed_production_words(project: Project) -> frozenset[str]:
    """Identifiers and message words the change took out of the project's production code.

    A word counts when some changed production file had it before and no changed production
    file has it after (a parameter, an attribute, a function, an error message removed or
    renamed): a test that exercised it followed a deliberate production change.
    """
    return project.memo(_REMOVED_WORDS, lambda: _removed_words(project))


def _removed_words(project: Project) -> frozenset[str]:
    had: set[str] = set()
    has: set[str] = set()
    changed = set(project.previous_paths) | set(project.changed_paths or ())
    for path in sorted(changed):
        if project.is_test(path) or language_of(path) not in ("python", "javascript", "typescript"):
            continue
        before = project.before_text(path)
        if before is not None:
            had.update(_WORD.findall(before))
        after = project.read_text(path)
        if after is not None:
            has.update(_WORD.findall(after))
    return frozenset(had - has - _COMMON)


def mentions_removed(text: str, removed: frozenset[str]) -> bool:
    """Whether code `text` names one of the words the production change removed."""
    return bool(removed) and any(word in removed for word in _WORD.findall(text))
