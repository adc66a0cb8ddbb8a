"""AIG8xx dependency-hygiene, Python side: what the change declares against what the code uses.

Manifests: PEP 621 `dependencies`/`optional-dependencies`, PEP 735 `dependency-groups`, Poetry,
`requirements*.txt` (with `-r` includes), `setup.cfg`, and a literal `setup.py`. Distribution
names map to import names through the environment's `top_level.txt`/`RECORD` when the package is
installed, else through a table of well-known mismatches (PyYAML/yaml, Pillow/PIL, ...).
Only what the change adds is judged: a dependency declared before, or an import the file
already had, is not the change's doing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from aiguard.findings import Category, Severity
from aiguard.lint.rule import FileRule, Flag, Pass, PythonRule, Scope
from aiguard.memo import MemoKey
from aiguard.source import SourceError
from aiguard_rules._shared.python_imports import (
    IMPORT_INTEREST,
    Found,
    MissingSub,
    PythonProject,
    before_imports,
    changes_path_hacks,
    imports_of,
    python_project,
)
from aiguard_rules._shared.python_packages import (
    ASSUMED_FLOOR,
    BACKPORTS,
    NEEDS_KNOWN_FLOOR,
    guessed_import_names,
    import_matches,
    is_tool,
    one_edit_apart,
    popular_names,
)
from aiguard_rules.dependency_hygiene._sets import is_development_set, is_pinned_set

if TYPE_CHECKING:
    import libcst

    from aiguard.facts.manifests import Requirement
    from aiguard.project import Project

MANIFEST_FILES = (
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "*requirements*.txt",
    "*requirements*.in",
    "*requirements/*.txt",
    "*requirements/*.in",
)
# Files that declare dependencies in a tool's own way (tox, nox, pre-commit, conda, CI).
_SECONDARY = re.compile(
    r"(^|/)(tox\.ini|noxfile\.py|\.pre-commit-config\.ya?ml|environment\.ya?ml|Pipfile|"
    r"Makefile|Dockerfile[^/]*|\.gitlab-ci\.ya?ml|\.github/workflows/[^/]+\.ya?ml|"
    r"\.circleci/config\.ya?ml)$"
)
_BUILD_SCRIPTS = frozenset({"setup.py", "noxfile.py"})
_CONFIG_SUFFIXES = (".toml", ".cfg", ".ini", ".yml", ".yaml", ".json", ".sh", ".env", ".txt")
_IMPORTED = re.compile(
    r"\bfrom\s+([A-Za-z_][\w.]*)\s+import\b|\bimport\s+([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)"
    r"|\b(?:import_module|__import__)\(\s*[\"']([A-Za-z_][\w.]*)"
)
_PYPROJECT_BEFORE = (
    '[project]\nname = "app"\nrequires-python = ">=3.9"\ndependencies = [\n    "httpx>=0.27",\n]\n'
)


def _pyproject(*deps: str, requires: str = ">=3.9") -> str:
    body = "".join(f'    "{d}",\n' for d in deps)
    return f'[project]\nname = "app"\nrequires-python = "{requires}"\ndependencies = [\n{body}]\n'


# -- what the project uses -----------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Every module the project's code imports, and the text that may name a tool or driver."""

    imported: frozenset[str]
    python_text: str  # all Python sources, for quoted module names ("rest_framework", "a.b:c")
    config_text: str  # configs, CI, containers, with dependency declarations left out


_USAGE: MemoKey[Usage] = MemoKey("dependency-hygiene: what the Python project uses")


def usage(project: Project) -> Usage:
    return project.memo(_USAGE, lambda: _scan(project))


def _scan(project: Project) -> Usage:
    imported: set[str] = set()
    python: list[str] = []
    config: list[str] = []
    for path in project.files:
        name = posixpath.basename(path)
        is_python = path.endswith((".py", ".pyi", ".ipynb"))
        is_config = name.endswith(_CONFIG_SUFFIXES) or bool(_SECONDARY.search(path))
        if not (is_python or is_config) or _is_lock(name):
            continue
        text = project.read_text(path)
        if text is None:
            continue
        if is_python:
            for match in _IMPORTED.finditer(text):
                for group in match.groups():
                    if group:
                        imported.update(p.strip() for p in group.split(","))
        if project.is_test(path):
            continue  # tests import what they use; their data and expectations name anything
        if is_python:
            python.append(text)
        if is_config or name == "setup.py":
            config.append(_without_declarations(path, text))
    return Usage(frozenset(imported), "\n".join(python), "\n".join(config))


def _is_lock(name: str) -> bool:
    return name.endswith(".lock") or "lock" in name.split(".")[0].lower()


def _without_declarations(path: str, text: str) -> str:
    """A manifest's text without its requirement lines (a declaration is no use)."""
    from aiguard.facts.manifests import is_manifest, is_requirements_file

    if is_requirements_file(path):
        return ""
    if not is_manifest(path):
        return text
    from aiguard.facts.manifests import read_manifest

    manifest = read_manifest(path, text)
    dropped = {r.line for r in manifest.requirements} | manifest.declaration_lines
    return "\n".join(line for n, line in enumerate(text.splitlines(), 1) if n not in dropped)


def _mentioned(found: Usage, words: Iterable[str]) -> bool:
    for word in words:
        if not word:
            continue
        escaped = re.escape(word)
        if re.search(rf"(?<![\w.-]){escaped}(?![\w-])", found.config_text, re.IGNORECASE):
            return True
        if re.search(rf"[\"']{escaped}(?:[.:][\w.:]*)?[\"']", found.python_text):
            return True
    return False


# -- manifests ---------------------------------------------------------------------------------


class _ManifestRule(FileRule):
    """A rule over the dependencies a manifest change adds."""

    category = Category.DEPENDENCY_HYGIENE
    files: ClassVar[tuple[str, ...]] = MANIFEST_FILES
    interest = r"[A-Za-z]"

    def added(self) -> list[Requirement]:
        """Requirements of this file whose name the before-version did not declare.

        A lock, constraints or compiled requirements file declares nothing directly: its pins
        are what a resolver chose, and the `.in` file or manifest it came from is judged.
        """
        from aiguard.facts.manifests import is_requirements_file, read_manifest

        if is_requirements_file(self.path) and is_pinned_set(self.path, self.after.text):
            return []
        after = read_manifest(self.path, self.after.text, self.project.read_text)
        if after.problems and self.path.endswith(".toml") and not after.requirements:
            raise SourceError(after.problems[0])
        before_names: set[str] = set()
        if self.before is not None:
            before = read_manifest(self.path, self.before.text, None)
            before_names = {r.normalized for r in before.requirements}
        return [
            r
            for r in after.requirements
            if r.path == self.path and r.line > 0 and r.normalized not in before_names
        ]

    def requires_python(self) -> str | None:
        from aiguard.facts.manifests import read_manifest

        own = read_manifest(self.path, self.after.text, None).requires_python
        return own or python_project(self.project).declared.requires_python


class UnusedDependency(_ManifestRule):
    id = "AIG801"
    name = "unused-dependency"
    severity = Severity.WARNING
    summary = "A dependency the change declares that no code of the project imports or uses."
    rationale = (
        "Assistants add dependencies 'just in case' or for code they later rewrote. Each one is "
        "installed everywhere, widens the supply-chain surface and slows installs - for nothing. "
        "Only direct runtime dependencies are judged: lock, constraints and compiled "
        "requirement files (pip-compile or uv output, `# via` comments, hashes) pin transitive "
        "packages, and docs, test, lint and CI sets hold tools that are run, not imported. "
        "An extra (`[project.optional-dependencies]`, a Poetry `optional = true` dependency "
        "and the `[tool.poetry.extras]` entry naming it) is optional by design: any import "
        "of it counts, a guarded `try: import x` included, and one that nothing imports is a "
        "note, since only those who ask for the extra install it (deptry's DEP002 reports it "
        "like a main dependency). The extras table names packages it declares: naming a "
        "package there is no use of it. Also unlike deptry, a well-known command-line tool "
        "(`isort`, `gunicorn`), an installed package that provides a plug-in or command "
        "(entry points), and a name the code or configs mention as a string "
        "(`INSTALLED_APPS`, a driver URL) count as used."
    )
    fix = (
        "Remove the dependency, or add the code that uses it in the same change. A tool used "
        "from the command line belongs in a dev group, where aiguard does not ask for imports."
    )
    precision = "medium"
    tags = ("supply-chain",)
    examples = (
        Flag(
            _pyproject("httpx>=0.27", "requests>=2.31"),
            line=6,
            before=_PYPROJECT_BEFORE,
            files={"app/client.py": "import httpx\n"},
            message="requests",
        ),
        Flag(
            "requests==2.32.0\npyyaml==6.0.1\n",
            line=2,
            path="requirements.txt",
            before="requests==2.32.0\n",
            files={"app.py": "import requests\n"},
        ),
        Pass(
            _pyproject("httpx>=0.27", "requests>=2.31"),
            before=_PYPROJECT_BEFORE,
            files={"app/client.py": "import httpx\nimport requests\n"},
        ),
        Pass(
            "requests==2.32.0\npyyaml==6.0.1\n",
            path="requirements.txt",
            before="requests==2.32.0\n",
            files={"app.py": "import requests\nimport yaml\n"},
        ),
        Pass(
            _pyproject("httpx>=0.27")
            + '\n[dependency-groups]\ndev = ["pytest-cov", "ruff", "mypy", "types-requests"]\n',
            before=_PYPROJECT_BEFORE,
            files={"app/client.py": "import httpx\n"},
        ),
        Pass(
            _pyproject("httpx>=0.27", "djangorestframework>=3.15"),
            before=_PYPROJECT_BEFORE,
            files={
                "app/client.py": "import httpx\n",
                "app/settings.py": "INSTALLED_APPS = ['rest_framework']\n",
            },
        ),
        Pass(
            _pyproject("httpx>=0.27", "gunicorn>=22", "psycopg2-binary"),
            before=_PYPROJECT_BEFORE,
            files={"app/client.py": "import httpx\n"},
        ),
        Pass(
            "# This file is autogenerated by pip-compile with Python 3.12\n"
            "certifi==2024.8.30\n    # via requests\nrequests==2.32.3\n"
            "    # via -r requirements.in\nurllib3==2.2.3\n    # via requests\n",
            path="requirements.txt",
            before="requests==2.32.3\n    # via -r requirements.in\n",
            files={"app.py": "import requests\n"},
        ),
        Pass(
            "furo==2024.8.6\nsphinx-copybutton\nmyst-parser\n",
            path="docs/requirements.txt",
            before="furo==2024.8.6\n",
            files={"app.py": "import requests\n"},
        ),
        Pass(
            _pyproject("httpx>=0.27")
            + '\n[project.optional-dependencies]\ndocs = ["furo", "sphinx-autobuild"]\n',
            before=_PYPROJECT_BEFORE,
            files={"app/client.py": "import httpx\n"},
        ),
        # deptry's PEP 621 case: an extra nothing imports (a note here, see above).
        Flag(
            _pyproject("httpx>=0.27")
            + '\n[project.optional-dependencies]\nplot = ["matplotlib==3.10.8"]\n',
            line=9,
            before=_PYPROJECT_BEFORE,
            files={"app/client.py": "import httpx\n"},
            message="extra `plot`",
            severity=Severity.NOTE,
        ),
        # deptry's Poetry case: `isort` and `requests` are optional, in extras, and unused;
        # the extras table that names them is no use of them. `isort` is a command-line tool,
        # run rather than imported: not reported (deptry reports it).
        Flag(
            """
            [tool.poetry]
            name = "foo"

            [tool.poetry.dependencies]
            python = ">=3.10"
            arrow = "1.4.0"
            click = { version = "8.1.8", optional = true }
            isort = { version = "7.0.0", optional = true }
            requests = { version = "2.32.5", optional = true }

            [tool.poetry.extras]
            foo = ["click", "isort"]
            bar = ["requests"]
            """,
            line=9,
            before="""
            [tool.poetry]
            name = "foo"

            [tool.poetry.dependencies]
            python = ">=3.10"
            arrow = "1.4.0"
            """,
            files={"src/main.py": "import arrow\nimport click\n"},
            severity=Severity.NOTE,
        ),
        # Optional by design: the code imports the extra only when it is installed.
        Pass(
            _pyproject("httpx>=0.27") + '\n[project.optional-dependencies]\nspeed = ["orjson"]\n',
            before=_PYPROJECT_BEFORE,
            files={
                "app/client.py": "import httpx\ntry:\n    import orjson\n"
                "except ImportError:\n    orjson = None\n"
            },
        ),
        # deptry: development dependencies are not judged for use (PDM and uv dev tables).
        Pass(
            _pyproject("httpx>=0.27")
            + '\n[tool.pdm.dev-dependencies]\ntest = ["orjson==3.8.3", "pytest==7.2.0"]\n'
            + '\n[tool.uv]\ndev-dependencies = ["coverage-badge"]\n',
            before=_PYPROJECT_BEFORE,
            files={"app/client.py": "import httpx\n"},
        ),
    )

    def check(self) -> None:
        added = self.added()
        if not added:
            return
        python = python_project(self.project)
        own = python.own_distribution_names()
        found = usage(self.project)
        for requirement in added:
            if requirement.group == "build" or is_tool(requirement.name):
                continue
            if is_development_set(requirement.path, requirement.group):
                continue  # docs, test, lint and CI sets hold tools and plug-ins that are run
            if requirement.normalized in own or self._used_without_import(python, requirement):
                continue
            names = python.import_names_of(requirement.name)
            if any(import_matches(m, names) for m in found.imported):
                continue
            if _mentioned(found, (requirement.name, *names)):
                continue
            shown = ", ".join(f"`{n}`" for n in names[:3])
            extra = requirement.group.partition(":")[2]
            if requirement.group.startswith("optional:"):
                self.report_line(
                    requirement.line,
                    f"`{requirement.name}` is declared for the extra `{extra}` but nothing in "
                    f"the project imports it (looked for {shown})",
                    severity=Severity.NOTE,
                )
                continue
            self.report_line(
                requirement.line,
                f"`{requirement.name}` is declared but nothing in the project imports it "
                f"(looked for {shown})",
            )

    def _used_without_import(self, python: PythonProject, requirement: Requirement) -> bool:
        """An installed plug-in or command-line tool (entry points other than its modules)."""
        env = python.env.python
        if env is None:
            return False
        dist = env.distribution(requirement.name)
        return dist is not None and bool(dist.plugin_groups or dist.console_scripts)


class ObsoleteBackport(_ManifestRule):
    id = "AIG803"
    name = "obsolete-backport"
    severity = Severity.WARNING
    summary = (
        "A dependency on a backport, an obsolete package or a standard-library module that "
        "the project's Python already has."
    )
    rationale = (
        "Assistants trained on old code add `mock`, `dataclasses`, `enum34`, `six` or `tomli` to "
        "projects whose Python has had the real thing for years. The backport is dead weight, "
        "and code written against it drifts from the standard library. A dependency named "
        "like a standard-library module (`asyncio`, `uuid`, `logging`: deptry's DEP005) is "
        "worse: the package of that name on PyPI is an old copy or another project, and "
        "installing it can shadow the real module. A backport in a "
        "docs, test or lint set is reported as a note (dead weight, but it ships nowhere); "
        "lock, constraints and compiled files are not judged (their pins are transitive). "
        "A module removed from a later Python (`cgi`, `distutils`) is not judged as a "
        "standard-library name: its PyPI replacement is a real dependency."
    )
    fix = (
        "Use the standard-library module and drop the dependency; or, when older Pythons really "
        'need it, limit it with a marker (`tomli; python_version < "3.11"`).'
    )
    tags = ("maintainability",)
    examples = (
        Flag(
            _pyproject("httpx>=0.27", "tomli>=2", requires=">=3.11"),
            line=6,
            before=_pyproject("httpx>=0.27", requires=">=3.11"),
            message="tomllib",
        ),
        Flag(
            _pyproject("httpx>=0.27", "mock>=5", "dataclasses"),
            line=(6, 7),
            before=_PYPROJECT_BEFORE,
        ),
        Flag("mock\n", line=1, path="requirements-dev.txt", severity=Severity.NOTE),
        # deptry's DEP005 case (PEP 621 fixture): `asyncio` declared on Python >= 3.10.
        Flag(
            _pyproject("arrow==1.4.0", "asyncio==3.4.3", requires=">=3.10"),
            line=6,
            before=_pyproject("arrow==1.4.0", requires=">=3.10"),
            message="asyncio",
        ),
        Flag(
            _pyproject("httpx>=0.27", "uuid"),
            line=6,
            before=_PYPROJECT_BEFORE,
            message="is a module of the standard library",
        ),
        Flag("logging==0.4.9.6\n", line=1, path="requirements-test.txt", severity=Severity.NOTE),
        Pass(
            _pyproject("httpx>=0.27", "typing-extensions>=4", "legacy-cgi", "zipp"),
            before=_PYPROJECT_BEFORE,
        ),
        Pass(_pyproject("httpx>=0.27", "uuid; python_version < '2.5'"), before=_PYPROJECT_BEFORE),
        Pass(
            "# This file was autogenerated by uv via the following command:\n"
            "#    uv pip compile requirements.in -o requirements.txt\n"
            "mock==5.1.0\n    # via pytest-mock-resources\n",
            path="requirements.txt",
        ),
        Pass("mock==5.1.0 --hash=sha256:" + "0" * 64 + "\n", path="requirements.lock.txt"),
        Pass(
            _pyproject("httpx>=0.27", "tomli>=2; python_version < '3.11'"),
            before=_PYPROJECT_BEFORE,
        ),
        Pass(_pyproject("httpx>=0.27", "tomli>=2", requires=">=3.8"), before=_PYPROJECT_BEFORE),
        Pass("six\n", path="requirements.txt"),
        Pass(_pyproject("httpx>=0.27", "six", requires=">=2.7"), before=_PYPROJECT_BEFORE),
    )

    def check(self) -> None:
        added = self.added()
        if not added:
            return
        spec = self.requires_python()
        from aiguard.facts.manifests import python_floor

        floor = python_floor(spec)
        for requirement in added:
            if requirement.group == "build":
                continue
            if re.search(r"python_(full_)?version|python\s", requirement.marker):
                continue
            severity = (
                Severity.NOTE if is_development_set(requirement.path, requirement.group) else None
            )
            backport = BACKPORTS.get(requirement.normalized)
            if backport is None:
                module = requirement.normalized.replace("-", "_")
                if _always_stdlib(module, floor or ASSUMED_FLOOR):
                    self.report_line(
                        requirement.line,
                        f"`{requirement.name}` is a module of the standard library: the package "
                        "of that name on PyPI is not it (an old copy or another project) and "
                        f"can shadow it; drop the dependency and `import {module}`",
                        severity=severity,
                    )
                continue
            effective = floor
            if effective is None:
                if requirement.normalized in NEEDS_KNOWN_FLOOR:
                    continue
                effective = ASSUMED_FLOOR
            if effective < backport.since:
                continue
            since = ".".join(map(str, backport.since))
            which = (
                f"the project requires Python {spec}"
                if floor is not None
                else f"assuming Python >= {'.'.join(map(str, ASSUMED_FLOOR))} (no requires-python)"
            )
            self.report_line(
                requirement.line,
                f"`{requirement.name}` is obsolete: {backport.replacement} is in the standard "
                f"library since Python {since}, and {which}",
                severity=severity,
            )


@lru_cache(maxsize=8)
def _stdlib_of(version: tuple[int, int]) -> frozenset[str]:
    from aiguard.facts.python.stdlib import Stdlib

    return Stdlib(version, None).top_level


def _always_stdlib(module: str, floor: tuple[int, int]) -> bool:
    """A public standard-library module on the project's oldest Python and not removed since."""
    if module.startswith("_"):
        return False
    return module in _stdlib_of(floor) and module in _stdlib_of((3, 99))


class DependencyNameTypo(_ManifestRule):
    id = "AIG804"
    name = "dependency-name-typo"
    severity = Severity.WARNING
    summary = (
        "A new dependency one edit away from a popular, installed or declared package "
        "(a typo or a slopsquat)."
    )
    rationale = (
        "`reqeusts`, `python-dateutils`, `beautifulsoup`: one letter off a popular name. "
        "Attackers register such names (typosquatting) and the names assistants invent "
        "(slopsquatting); installing one runs the attacker's code. Names in lock, "
        "constraints and compiled requirement files are a resolver's choice, not the "
        "change's, and are not judged; every hand-written set is, docs and dev sets too "
        "(installing any of them runs the package)."
    )
    fix = (
        "Check the name on the package index and in the project's documentation; use the name "
        "the message suggests if that is what you meant."
    )
    precision = "medium"
    tags = ("security", "supply-chain")
    examples = (
        Flag(
            _pyproject("httpx>=0.27", "reqeusts>=2.31"),
            line=6,
            before=_PYPROJECT_BEFORE,
            message="did you mean `requests`",
        ),
        Flag("numpyy==2.0\n", line=1, path="requirements.txt"),
        Flag(
            _pyproject("httpx>=0.27", "htpx"),
            line=6,
            before=_PYPROJECT_BEFORE,
            message="httpx",
        ),
        Pass(_pyproject("httpx>=0.27", "requests>=2.31"), before=_PYPROJECT_BEFORE),
        Pass("numpy==2.0\nattrs\nboto3\n", path="requirements.txt"),
        Pass(_pyproject("httpx>=0.27", "acme-internal-billing"), before=_PYPROJECT_BEFORE),
        Pass(
            "# This file is autogenerated by pip-compile with Python 3.11\n"
            "numpy==2.0\n    # via -r requirements.in\nnumpyy==0.1\n    # via numpy\n",
            path="requirements.txt",
        ),
    )

    def check(self) -> None:
        added = self.added()
        if not added:
            return
        python = python_project(self.project)
        names, targets_count = popular_names()
        known = set(names)
        env = python.env.python
        installed = {d.normalized for d in env.distributions} if env is not None else set()
        declared = python.declared_names()
        own = python.own_distribution_names()
        for requirement in added:
            candidate = requirement.normalized
            if (
                len(candidate) < 4
                or candidate in known
                or candidate in installed
                or candidate in own
            ):
                continue
            others = (declared - {candidate}) | installed
            target = next(
                (
                    t
                    for t in (*names[:targets_count], *sorted(others))
                    if one_edit_apart(candidate, t)
                ),
                None,
            )
            if target is None:
                continue
            self.report_line(
                requirement.line,
                f"`{requirement.name}` is one edit away from `{target}` and is neither a popular "
                f"nor an installed package: a typo or a squatted name? (did you mean `{target}`?)",
            )


# -- imports -----------------------------------------------------------------------------------


_DOCS_DIRS = frozenset({"docs", "doc"})


class UndeclaredImport(PythonRule):
    id = "AIG802"
    name = "undeclared-import"
    category = Category.DEPENDENCY_HYGIENE
    severity = Severity.WARNING
    summary = "An import the change adds of a third-party package the project does not declare."
    rationale = (
        "The code works on the machine where the package happens to be installed (pulled in by "
        "another package, or installed by hand) and breaks on a fresh install, or when the "
        "package that pulled it in drops it. When a declared dependency requires it (its "
        "Requires-Dist in the environment), it is installed wherever the project is, so the "
        "finding is a note: true, but the fix is bookkeeping (deptry's DEP003 transitive "
        "dependency, which deptry reports at full weight). In test code and a docs build "
        "(under `docs/`) it is a note too: that code is never installed for users, and a run "
        "without the package fails at once, where it is seen (on the real-world corpus all "
        "such findings - `pytest`, `typing_extensions` in type tests - were judged noise). "
        "A module installed nowhere aiguard "
        "can see and declared nowhere is an undeclared import too, whatever the environment, "
        "when it is a well-known distribution's (`yaml` from PyYAML): the package is real, the "
        "declaration is missing. Any other such name is AIG601 unknown-module's alone (it may "
        "not exist at all), so one import never gets both findings. A package listed only in "
        "an extra (`[project.optional-dependencies]`, Poetry `optional = true` and "
        "`[tool.poetry.extras]`) or a dev set is declared. Differences from deptry's DEP001: "
        "a project with no manifest at all has nothing to compare with and is not judged; "
        "imports under `try/except ImportError`, `contextlib.suppress(ImportError)` or an "
        "`if` are optional and not reported (deptry reports all but `TYPE_CHECKING` ones); "
        "each distribution is reported once per file, on an import the change adds; a tool's "
        "own file (tox, nox, pre-commit, CI) that installs it counts as a declaration."
    )
    fix = (
        "Declare the distribution that provides the module in the project's dependencies (or "
        "in the test/dev group for test code)."
    )
    interest = IMPORT_INTEREST
    tags = ("supply-chain",)
    examples = (
        Flag(
            "import httpx\nimport yaml\n",
            line=2,
            files={"pyproject.toml": _PYPROJECT_BEFORE},
            message="PyYAML",
        ),
        Flag(
            "from dateutil import parser\n",
            line=1,
            files={"requirements.txt": "httpx\n"},
            message="python-dateutil",
        ),
        # deptry's DEP001 documentation: `dependencies = []` and `import httpx`.
        Flag(
            "import httpx\n\ndef make_http_request():\n    return httpx.get('https://example.com')\n",
            line=1,
            files={"pyproject.toml": _pyproject()},
            message="`httpx` comes from `httpx`",
        ),
        Pass("import httpx\nimport json\n", files={"pyproject.toml": _PYPROJECT_BEFORE}),
        # deptry's local-module case: the project's own module is no dependency.
        Pass(
            "import httpx\nimport foobar\n",
            path="app/main.py",
            files={"pyproject.toml": _PYPROJECT_BEFORE, "foobar.py": "X = 1\n"},
        ),
        # An invented name is AIG601 unknown-module's finding, not this rule's as well.
        Pass("import httpx\nimport white as w\n", files={"pyproject.toml": _PYPROJECT_BEFORE}),
        # Poetry: an optional dependency listed in an extra is declared (deptry's Poetry case).
        Pass(
            "import click\nfrom urllib3 import contrib\n",
            files={
                "pyproject.toml": """
                    [tool.poetry]
                    name = "foo"

                    [tool.poetry.dependencies]
                    python = ">=3.10"
                    urllib3 = "2.5.0"
                    click = { version = "8.1.8", optional = true }

                    [tool.poetry.extras]
                    foo = ["click"]
                    """
            },
        ),
        # A name only `[tool.poetry.extras]` lists is still declared there.
        Pass(
            "import requests\n",
            files={
                "pyproject.toml": """
                    [tool.poetry]
                    name = "foo"

                    [tool.poetry.dependencies]
                    python = ">=3.10"

                    [tool.poetry.extras]
                    http = ["requests"]
                    """
            },
        ),
        Pass(
            "import matplotlib\n",
            files={
                "pyproject.toml": _pyproject("httpx")
                + '\n[project.optional-dependencies]\nplot = ["matplotlib==3.10.8"]\n'
            },
        ),
        Pass(
            "import yaml\n",
            files={"pyproject.toml": _pyproject("httpx", "PyYAML>=6")},
        ),
        Pass(
            "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n",
            files={"pyproject.toml": _PYPROJECT_BEFORE},
        ),
        Pass(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import yaml\n",
            files={"pyproject.toml": _PYPROJECT_BEFORE},
        ),
        Pass(
            "import pytest\n",
            path="tests/test_app.py",
            files={"pyproject.toml": _PYPROJECT_BEFORE, "tox.ini": "[testenv]\ndeps = pytest\n"},
        ),
        Flag(
            "import fpdf\n",
            line=1,
            path="tests/test_pdf.py",
            files={"pyproject.toml": _PYPROJECT_BEFORE},
            severity=Severity.NOTE,
            message="in test or docs code",
        ),
        Pass("import yaml\n"),  # nothing declared anywhere: nothing to compare with
        Pass(
            "from setuptools import setup\nimport numpy\n",
            path="setup.py",
            files={"pyproject.toml": _PYPROJECT_BEFORE},
        ),
    )

    def visit_Module(self, node: libcst.Module) -> None:
        if posixpath.basename(self.path) in _BUILD_SCRIPTS:
            return  # run by build tools and task runners that bring their own imports
        sites = imports_of(self.after)
        if not sites or changes_path_hacks(self.after):
            return
        python = python_project(self.project)
        if not python.declared.has_declarations:
            return
        old = before_imports(self.before)
        reported: set[str] = set()
        for site in sites:
            if site.level or site.lenient or site.type_checking or site.module == "__future__":
                continue
            modules = (
                [(site.module, site.node)]
                if site.is_from
                else [(n.name, n.node) for n in site.names]
            )
            for module, target in modules:
                if (module, 0, "") in old:
                    continue
                distribution = self._undeclared(python, module)
                if distribution and distribution not in reported:
                    reported.add(distribution)
                    message = (
                        f"`{module.split('.')[0]}` comes from `{distribution}`, which the project "
                        "does not declare as a dependency"
                    )
                    via = _pulled_in_by(python, distribution)
                    installed_nowhere = python.env.python is not None and not self._installed(
                        python, module
                    )
                    if via is None and installed_nowhere:
                        message += " (and it is not installed in the environment)"
                    if via is not None:
                        message += f" (installed because `{via}` requires it)"
                        self.report(target, message, severity=Severity.NOTE)
                    elif self._unshipped():
                        message += " (in test or docs code: a run without it fails loudly)"
                        self.report(target, message, severity=Severity.NOTE)
                    else:
                        self.report(target, message)

    def _unshipped(self) -> bool:
        """Test code or a docs build: not installed for users, and run where it fails visibly."""
        parts = self.path.split("/")
        return self.context.is_test or any(p in _DOCS_DIRS for p in parts[:-1])

    @staticmethod
    def _installed(python: PythonProject, module: str) -> bool:
        env = python.env.python
        return env is not None and env.has_top_level(module.split(".")[0])

    def _undeclared(self, python: PythonProject, module: str) -> str | None:
        """The distribution providing `module` when the project does not declare it."""
        found = python.resolve(module, self.path, type_checking=False)
        env = python.env.python
        if isinstance(found, Found):
            if env is None or found.origin != "environment":
                return None
            dists = env.distributions_providing(module)
            if not dists:
                return None
            declared = python.declared_names() | python.own_distribution_names()
            if any(d.normalized in declared for d in dists):
                return None
            name: str | None = dists[0].name
        elif (
            isinstance(found, MissingSub)
            or python.is_declared_import(module)
            or module.split(".")[0] in python.first_party.anywhere
        ):
            return None  # AIG602's, declared, or perhaps the project's own
        else:
            # Installed nowhere aiguard can see and declared nowhere: a well-known package's
            # module is an undeclared import (whatever the environment); any other name is
            # AIG601's (it may not exist at all), so one import never gets both findings.
            name = _popular_distribution(module)
        if name is None:
            return None
        if _mentioned(usage(self.project), (name,)) or _declared_by_tool(python, name):
            return None
        return name


_DEV_PYPROJECT = """
    [project]
    name = "app"
    dependencies = ["httpx==0.23.1"]

    [tool.pdm.dev-dependencies]
    test = ["orjson==3.8.3", "pytest==7.2.0"]
    """
# Folders and files that no installed distribution ships: their imports are development's.
_UNSHIPPED_DIRS = frozenset(
    {
        "docs",
        "doc",
        "examples",
        "example",
        "scripts",
        "script",
        "benchmarks",
        "benchmark",
        "bench",
        "tools",
        "tool",
        "ci",
        ".github",
        "dev",
        "devtools",
        "notebooks",
    }
)
_UNSHIPPED_FILES = frozenset({"conftest.py", "fabfile.py", "tasks.py", "dodo.py"})
_TEST_SUPPORT = re.compile(r"(?i)test|fixture")


def _ships(path: str) -> bool:
    """Whether `path` looks like code a production install runs (not docs, scripts, tasks, or a
    test-support module such as `pkg/testing.py` or `pkg/pytest_plugin.py`)."""
    parts = path.split("/")
    if any(part.lower() in _UNSHIPPED_DIRS for part in parts[:-1]):
        return False
    name = parts[-1]
    if name in _UNSHIPPED_FILES or name in _BUILD_SCRIPTS:
        return False
    return not _TEST_SUPPORT.search(name.rsplit(".", 1)[0])


def _set_name(requirement: Requirement) -> str:
    kind, _, name = requirement.group.partition(":")
    if kind == "requirements":
        return f"`{requirement.path}`"
    if kind == "dev":
        tool, _, group = name.partition(":")
        where = f"{tool} dev-dependencies" + (f" `{group}`" if group else "")
        return f"{where} in `{requirement.path}`"
    label = {"optional": "extra", "group": "group", "poetry": "Poetry group"}.get(kind, kind)
    return f"{label} `{name}` in `{requirement.path}`"


def _for_development(requirement: Requirement) -> bool:
    """A development set of this project. A requirements file counts by its own name only
    (`requirements-dev.txt`, `requirements/test.txt`): one that is a dev set only by its folder
    (`docs/`, `benchmarks/x/requirements.txt`) installs another environment altogether."""
    if requirement.group != "requirements":
        return is_development_set(requirement.path, requirement.group)
    return is_development_set(posixpath.basename(requirement.path), requirement.group)


class DevDependencyImport(PythonRule):
    id = "AIG805"
    name = "dev-dependency-import"
    category = Category.DEPENDENCY_HYGIENE
    severity = Severity.WARNING
    scope = Scope.PRODUCTION
    summary = (
        "Production code the change adds imports a package the project declares only for "
        "development (tests, lint, docs)."
    )
    rationale = (
        "The import works in the developer's environment, where the dev set is installed, and "
        "fails with ImportError on a production install, which never installs it "
        "(deptry's DEP004). Assistants reach for what the environment has: `freezegun`, "
        "`orjson` or `rich` that came with the test tools. A development set is a PEP 735 "
        "group, Poetry group or extra with a development name (dev, test, lint, docs, typing, "
        "...), Poetry's `dev-dependencies`, PDM's and uv's `dev-dependencies` tables, or a "
        "requirements file named or placed like one (`requirements-dev.txt`, "
        "`requirements/test.txt`; one in `docs/` or `benchmarks/x/` belongs to another "
        "environment and is not one). When an installed runtime dependency requires the package "
        "(Requires-Dist), it is there anyway: a note. Differences from deptry: a group with "
        "any other name (`server`, `worker`) is not judged, since applications install such "
        "groups on purpose (deptry counts every group as development unless configured); "
        "imports under `try/except ImportError` or an `if`, type-only imports, tests, docs, "
        "examples, scripts, tasks and test-support modules (`pkg/testing.py`, "
        "`pkg/pytest_plugin.py`) are not judged; a package that is also a runtime dependency "
        "is fine (as in deptry)."
    )
    fix = (
        "Move the dependency to the project's runtime dependencies, or keep the import out of "
        "production code (a test, or an optional `try: import x except ImportError:` path)."
    )
    interest = IMPORT_INTEREST
    precision = "medium"
    tags = ("supply-chain", "correctness")
    examples = (
        # deptry's DEP004 documentation: orjson is a PDM dev dependency, used in main.py.
        Flag(
            "import httpx\nimport orjson\n\ndef dump_json():\n"
            "    return orjson.dumps({'foo': 'bar'})\n",
            line=2,
            path="main.py",
            files={"pyproject.toml": _DEV_PYPROJECT},
            message="`orjson` comes from `orjson==3.8.3`",
        ),
        # deptry's Poetry case: lint and test groups imported by src/main.py.
        Flag(
            "import black\nimport click\nimport mypy\nimport pytest\nimport pytest_cov\n",
            line=(1, 3, 4, 5),
            path="src/main.py",
            files={
                "pyproject.toml": """
                    [tool.poetry]
                    name = "foo"

                    [tool.poetry.dependencies]
                    python = ">=3.10"
                    click = "8.1.8"

                    [tool.poetry.group.lint.dependencies]
                    black = "25.9.0"
                    mypy = "1.18.2"

                    [tool.poetry.group.test.dependencies]
                    pytest = "8.4.2"
                    pytest-cov = "7.0.0"
                    """
            },
        ),
        Flag(
            "from freezegun import freeze_time\n",
            line=1,
            path="app/billing.py",
            files={
                "requirements.txt": "httpx\n",
                "requirements-dev.txt": "-r requirements.txt\npytest\nfreezegun\n",
            },
            message="requirements-dev.txt",
        ),
        # deptry: a package that is a runtime and a dev dependency is fine.
        Pass(
            "import orjson\n",
            path="main.py",
            files={
                "pyproject.toml": _DEV_PYPROJECT.replace(
                    '["httpx==0.23.1"]', '["httpx==0.23.1", "orjson>=3"]'
                )
            },
        ),
        Pass(
            "import pytest\nimport orjson\n",
            path="tests/test_main.py",
            files={"pyproject.toml": _DEV_PYPROJECT},
        ),
        # deptry's usage docs: a type-only import is not evaluated at run time.
        Pass(
            "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n\n"
            "if TYPE_CHECKING:\n    import orjson\n",
            path="main.py",
            files={"pyproject.toml": _DEV_PYPROJECT},
        ),
        Pass(
            "try:\n    import orjson as json\nexcept ImportError:\n    import json\n",
            path="main.py",
            files={"pyproject.toml": _DEV_PYPROJECT},
        ),
        Pass(
            "import pytest\n\n@pytest.fixture\ndef client():\n    ...\n",
            path="app/testing.py",
            files={"pyproject.toml": _DEV_PYPROJECT},
        ),
        # The only declaration is another environment's (a benchmark's own requirements).
        Pass(
            "from pydantic import BaseModel\n",
            path="app/models.py",
            files={
                "pyproject.toml": _DEV_PYPROJECT,
                "evaluation/benchmarks/versicode/requirements.txt": "pydantic==2.11.3\n",
            },
        ),
        Pass(
            "import sphinx_rtd_theme\n",
            path="docs/conf.py",
            files={
                "pyproject.toml": _DEV_PYPROJECT,
                "docs/requirements.txt": "sphinx\nsphinx-rtd-theme\n",
            },
        ),
        # A group without a development name: applications install it on purpose.
        Pass(
            "import uvicorn\n",
            path="app/serve.py",
            files={
                "pyproject.toml": _pyproject("httpx")
                + '\n[dependency-groups]\nserver = ["uvicorn"]\n'
            },
        ),
        Pass(
            "import httpx\nimport orjson\n",
            before="import orjson\n",
            path="main.py",
            files={"pyproject.toml": _DEV_PYPROJECT},
        ),
    )

    def visit_Module(self, node: libcst.Module) -> None:
        if not _ships(self.path):
            return
        sites = imports_of(self.after)
        if not sites or changes_path_hacks(self.after):
            return
        python = python_project(self.project)
        if not python.declared.has_declarations:
            return
        old = before_imports(self.before)
        reported: set[str] = set()
        for site in sites:
            if site.level or site.lenient or site.type_checking or site.module == "__future__":
                continue
            modules = (
                [(site.module, site.node)]
                if site.is_from
                else [(n.name, n.node) for n in site.names]
            )
            for module, target in modules:
                if (module, 0, "") in old:
                    continue
                requirement = self._dev_only(python, module)
                if requirement is None or requirement.normalized in reported:
                    continue
                reported.add(requirement.normalized)
                message = (
                    f"`{module.split('.')[0]}` comes from `{requirement.text}`, which the "
                    f"project declares only for development ({_set_name(requirement)}): a "
                    "production install does not have it"
                )
                via = _pulled_in_by(python, requirement.name, self._runtime_names(python))
                if via is None:
                    self.report(target, message)
                else:
                    message += f" (but `{via}`, a runtime dependency, requires it)"
                    self.report(target, message, severity=Severity.NOTE)

    def _dev_only(self, python: PythonProject, module: str) -> Requirement | None:
        """The development requirement providing `module`, when no other set declares it."""
        found = python.resolve(module, self.path, type_checking=False)
        if isinstance(found, Found) and found.origin in ("first-party", "stdlib"):
            return None
        own = python.own_distribution_names()
        matching = [
            r
            for r in python.declared.requirements
            if r.group != "build"
            and r.normalized not in own
            and import_matches(module, python.import_names_of(r.name))
        ]
        if not matching or not all(_for_development(r) for r in matching):
            return None
        return matching[0]

    @staticmethod
    def _runtime_names(python: PythonProject) -> frozenset[str]:
        return frozenset(
            r.normalized
            for r in python.declared.requirements
            if r.group != "build" and not is_development_set(r.path, r.group)
        )


def _pulled_in_by(
    python: PythonProject, distribution: str, among: frozenset[str] | None = None
) -> str | None:
    """A declared (or one of `among`), installed distribution that requires `distribution`
    (directly or through others, by their Requires-Dist): installed wherever that one is."""
    from aiguard.facts.manifests import normalize

    env = python.env.python
    if env is None:
        return None
    wanted = normalize(distribution)
    for declared in sorted(python.declared_names() if among is None else among):
        seen: set[str] = set()
        todo = [declared]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            dist = env.distribution(name)
            if dist is None:
                continue
            if wanted in dist.requires:
                return declared
            todo.extend(dist.requires)
    return None


def _popular_distribution(module: str) -> str | None:
    """The popular distribution whose import name `module` is (no environment to ask)."""
    return _popular_by_import().get(module.split(".")[0])


@lru_cache(maxsize=1)
def _popular_by_import() -> dict[str, str]:
    """Top-level import name -> the most downloaded distribution that (probably) provides it.

    Only a distribution's first guessed name counts: `pytest` must not claim `test`.
    """
    names, count = popular_names()
    found: dict[str, str] = {}
    for name in names[:count]:
        top = guessed_import_names(name)[0].split(".")[0]
        found.setdefault(top, _DISPLAY.get(name, name))
    return found


_DISPLAY = {"pyyaml": "PyYAML", "pillow": "Pillow", "gitpython": "GitPython", "pyjwt": "PyJWT"}


def _declared_by_tool(python: PythonProject, name: str) -> bool:
    """Declared in a tool's own file (tox, nox, pre-commit, conda, CI): a word match there."""
    from aiguard.facts.manifests import normalize

    pattern = re.compile(rf"(?<![\w.-]){re.escape(normalize(name))}(?![\w-])", re.IGNORECASE)
    project = python.project
    for path in project.files:
        if _SECONDARY.search(path):
            text = project.read_text(path)
            if text is not None and pattern.search(text.replace("_", "-")):
                return True
    return False
