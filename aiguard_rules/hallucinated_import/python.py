"""AIG6xx hallucinated-import, Python side: imports that resolve nowhere.

A module is judged against, in Python's own order, the project's modules, the standard library
of the target Python, the target environment (read statically), stub packages for type-only
imports, and the declared dependencies (declared but not installed is an environment problem,
not a hallucination). Imports that are meant to fail sometimes stay silent: inside
`try/except ImportError`, `contextlib.suppress(ImportError)`, or under an `if` (platform,
version and feature switches). An import the before-version already had is not the change's.
"""

from __future__ import annotations

import abc
import re
from typing import TYPE_CHECKING

from aiguard.findings import Category, Severity
from aiguard.lint.rule import Flag, Pass, PythonRule
from aiguard_rules._shared.python_imports import (
    IMPORT_INTEREST,
    Found,
    ImportSite,
    MissingSub,
    MissingTop,
    PythonProject,
    absolute_from_path,
    before_imports,
    changes_path_hacks,
    did_you_mean,
    imports_of,
    python_project,
)

if TYPE_CHECKING:
    import libcst

    from aiguard.facts.python.namespace import Namespace

_PYPROJECT = '[project]\nname = "app"\ndependencies = ["requests>=2"]\n'


_PACKAGE_DIR_PROJECT = {
    "pyproject.toml": (
        '[project]\nname = "shop"\ndependencies = ["requests"]\n'
        '[tool.setuptools.package-dir]\nshop_rules = "rules"\n'
    ),
    "rules/__init__.py": "",
    "rules/pricing.py": "def total(items):\n    return sum(items)\n",
}


class _ImportRule(PythonRule):
    """Runs `check_site` on each import statement the change added."""

    category = Category.HALLUCINATED_IMPORT
    severity = Severity.ERROR
    interest = IMPORT_INTEREST

    def visit_Module(self, node: libcst.Module) -> None:
        sites = imports_of(self.after)
        if not sites:
            return
        old = before_imports(self.before)
        python = python_project(self.project)
        path_hacks = changes_path_hacks(self.after)
        for site in sites:
            if site.module == "__future__" or site.lenient:
                continue
            self.check_site(site, python, old, path_hacks)

    @abc.abstractmethod
    def check_site(
        self,
        site: ImportSite,
        python: PythonProject,
        old: set[tuple[str, int, str]],
        path_hacks: bool,
    ) -> None:
        """Report what is wrong with one import statement."""

    def absolute_modules(
        self, site: ImportSite, old: set[tuple[str, int, str]]
    ) -> list[tuple[str, libcst.CSTNode]]:
        """The absolute modules a statement imports that the before-version did not."""
        if site.level:
            return []
        if site.is_from:
            if (site.module, 0, "") in old:
                return []
            return [(site.module, site.node)]
        return [(n.name, n.node) for n in site.names if (n.name, 0, "") not in old]


def _written_by_test(text: str, top: str) -> bool:
    """Whether a test file writes the module `top` itself: a string naming `top.py` (or its
    package's `__init__.py`), `pytester.makepyfile(top=...)`, or a package directory joined
    as a path segment (`tmp_path / "top"`) in a file that writes an `__init__.py`."""
    name = re.escape(top)
    written = re.compile(
        rf"[\"'](?:[^\"'\n]*/)?{name}(?:\.py|/__init__\.py)[\"']|makepyfile\([^)]*\b{name}\s*="
    )
    if written.search(text) is not None:
        return True
    segment = re.compile(rf"/\s*[\"']{name}[\"']")
    return "__init__.py" in text and segment.search(text) is not None


class UnknownModule(_ImportRule):
    id = "AIG601"
    name = "unknown-module"
    summary = (
        "An import of a module that exists nowhere: not stdlib, not the project's, "
        "not installed, not declared."
    )
    rationale = (
        "An assistant that cannot recall a module's name invents a plausible one "
        "(`fastjsonschema_validator`, `sklearn.preprocess`). The code fails with ImportError "
        "the first time it runs - or worse, someone installs a look-alike package that an "
        "attacker registered under the invented name. A test that writes the module it "
        "imports (a string naming `name.py`, `pytester.makepyfile(name=...)`) is not reported."
    )
    fix = (
        "Find the real module (check the package's documentation), or add and install the "
        "dependency that provides it. If the import is optional, guard it with "
        "`try: ... except ImportError:`. If aiguard looked in the wrong environment, point it "
        "at the right one with `--python` or `[tool.aiguard] python`."
    )
    tags = ("security", "correctness")
    examples = (
        Pass(
            "from shop_rules.pricing import total\n",
            path="app/main.py",
            files=_PACKAGE_DIR_PROJECT,
        ),
        Flag(
            "import json\nimport fastjsonschema_validator\n",
            line=2,
            files={"pyproject.toml": _PYPROJECT},
            message="fastjsonschema_validator",
        ),
        Flag(
            "from jsonschema_fastvalidator import validate\n",
            line=1,
            files={"pyproject.toml": _PYPROJECT},
        ),
        Flag(
            "import os, yamlconfigloader2\n",
            line=1,
            files={"requirements.txt": "requests\n"},
        ),
        Pass("import requests\n", files={"pyproject.toml": _PYPROJECT}),
        Pass(
            "import json\nfrom collections import OrderedDict\n",
            files={"pyproject.toml": _PYPROJECT},
        ),
        Pass(
            "try:\n    import ujson as json\nexcept ImportError:\n    import json\n",
            files={"pyproject.toml": _PYPROJECT},
        ),
        Pass(
            "import sys\nif sys.platform == 'win32':\n"
            "    import winreg\n    import win_only_helper\n",
            files={"pyproject.toml": _PYPROJECT},
        ),
        Pass(
            "from __future__ import annotations\nimport importlib\n\n"
            "def load(name):\n    return importlib.import_module(name)\n",
            files={"pyproject.toml": _PYPROJECT},
        ),
        Pass(
            "from myapp.helpers import slugify\n",
            path="src/myapp/views.py",
            files={
                "pyproject.toml": _PYPROJECT,
                "src/myapp/__init__.py": "",
                "src/myapp/helpers.py": "def slugify(s): ...\n",
            },
        ),
        # A test that writes a package directory and imports it (flask's instance tests).
        Pass(
            "def test_package(modules_tmp_path):\n"
            "    app = modules_tmp_path / 'config_package_app'\n    app.mkdir()\n"
            "    (app / '__init__.py').write_text('X = 1')\n"
            "    from config_package_app import X\n    assert X == 1\n",
            path="tests/test_instance.py",
            files={"pyproject.toml": '[project]\nname = "shop"\ndependencies = ["httpx"]\n'},
        ),
        # A test that writes the module it imports (tmp_path on sys.path, pytester).
        Pass(
            "import sys\n\ndef test_plugin(tmp_path, monkeypatch):\n"
            "    (tmp_path / 'fake_plugin.py').write_text('X = 1')\n"
            "    monkeypatch.syspath_prepend(tmp_path)\n    import fake_plugin\n"
            "    assert fake_plugin.X == 1\n",
            path="tests/test_plugins.py",
            files={"pyproject.toml": _PYPROJECT},
        ),
        # No environment and nothing declared: no basis to judge.
        Pass("import fastjsonschema_validator\n"),
        Flag(
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from pydantic_typing_extras import Model\n",
            line=3,
            files={"pyproject.toml": _PYPROJECT},
        ),
        Pass(
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from _typeshed import SupportsRead\n",
            files={"pyproject.toml": _PYPROJECT},
        ),
        Pass(
            "import fastjsonschema_validator\n",
            before="import fastjsonschema_validator\n\n",
            files={"pyproject.toml": _PYPROJECT},
        ),
    )

    def check_site(
        self,
        site: ImportSite,
        python: PythonProject,
        old: set[tuple[str, int, str]],
        path_hacks: bool,
    ) -> None:
        if path_hacks:
            return
        for module, node in self.absolute_modules(site, old):
            found = python.resolve(module, self.path, type_checking=site.type_checking)
            if isinstance(found, MissingTop):
                if self.context.is_test and _written_by_test(self.after.text, found.top):
                    continue  # the test writes that module (tmp_path, pytester) and imports it
                hint = ""
                if not python.env.found:
                    hint = " (no Python environment was found; see the notification)"
                self.report(
                    node,
                    f"module `{found.top}` does not exist: it is not in {found.searched}{hint}",
                )


class UnknownSubmodule(_ImportRule):
    id = "AIG602"
    name = "unknown-submodule"
    summary = "An import of a submodule that a real, completely readable package does not have."
    rationale = (
        "The package is real but the submodule is invented (`os.pathlib`, "
        "`requests.utilities`, `myapp.helpers` when the project has no such file). The import "
        "fails at run time."
    )
    fix = (
        "Import the submodule that really holds what you need (the package's documentation or "
        "its files tell), or create the module if it is meant to be part of this change."
    )
    tags = ("correctness",)
    examples = (
        Flag(
            "from shop_rules.discounts import rate\n",
            line=1,
            path="app/main.py",
            files=_PACKAGE_DIR_PROJECT,
        ),
        Flag("import json.parsers\n", line=1, message="json.parsers"),
        Flag(
            "from myapp.helperz import slugify\n",
            line=1,
            path="myapp/views.py",
            files={"myapp/__init__.py": "", "myapp/helpers.py": "def slugify(s): ...\n"},
            message="did you mean `helpers`",
        ),
        Flag("from email.parsers import Parser\n", line=1),
        Pass(
            "from shop.sdk import Client\nimport shop.tools.cli\n",
            path="cli/shop_cli/main.py",
            files={
                "shop/__init__.py": "VERSION = 1\n",
                "cli/pyproject.toml": '[project]\nname = "shop-cli"\n'
                'dependencies = ["shop-sdk", "shop-tools"]\n',
            },  # a subproject depends on portions (shop-sdk, shop-tools) the root lacks
        ),
        Pass(
            "import os.path\nimport xml.etree.ElementTree as ET\nfrom email.parser import Parser\n"
        ),
        Pass(
            "from myapp.helpers import slugify\n",
            path="myapp/views.py",
            files={"myapp/__init__.py": "", "myapp/helpers.py": "def slugify(s): ...\n"},
        ),
        Pass(
            "from myapp import plugins\nfrom myapp.plugins import extra\n",
            path="myapp/views.py",
            files={"myapp/__init__.py": "import sys\nsys.modules['myapp.plugins'] = object()\n"},
        ),
        Pass("try:\n    from os import pathlib\nexcept ImportError:\n    pathlib = None\n"),
    )

    def check_site(
        self,
        site: ImportSite,
        python: PythonProject,
        old: set[tuple[str, int, str]],
        path_hacks: bool,
    ) -> None:
        for module, node in self.absolute_modules(site, old):
            found = python.resolve(module, self.path, type_checking=site.type_checking)
            if isinstance(found, MissingSub):
                siblings = self._siblings(python, found)
                self.report(
                    node,
                    f"`{found.parent}` has no submodule `{found.child}`"
                    f"{did_you_mean(found.child, siblings)}: `{found.parent}.{found.child}` "
                    "cannot be imported",
                )

    def _siblings(self, python: PythonProject, missing: MissingSub) -> set[str]:
        parent = python.resolve(missing.parent, self.path, type_checking=False)
        if isinstance(parent, Found):
            namespace = python.namespace(parent)
            if namespace is not None:
                return set(namespace.names)
        return set()


class MissingImportedName(_ImportRule):
    id = "AIG603"
    name = "missing-imported-name"
    summary = (
        "`from module import name` where the module is known completely and defines no such name."
    )
    rationale = (
        "The module is real, the name is invented: `from os.path import joinpath`, "
        "`from json import parse`, or a helper the assistant believed it had written in the "
        "project's own module. It fails with ImportError as soon as the module is imported."
    )
    fix = (
        "Import the name the module really defines (its documentation, stub or source tells), "
        "or define the name in the module if that is part of this change."
    )
    tags = ("correctness",)
    examples = (
        Flag("from os.path import joinpath\n", line=1, message="did you mean `join`"),
        Flag("from json import parse, loads\n", line=1, message="`json` defines no `parse`"),
        Flag(
            "from .utils import slugify, parse_date\n",
            line=1,
            path="app/views.py",
            files={"app/__init__.py": "", "app/utils.py": "def slugify(text):\n    return text\n"},
            message="parse_date",
        ),
        Flag(
            "from app.models import User, Invoice\n",
            line=1,
            path="app/views.py",
            files={"app/__init__.py": "", "app/models.py": "class User: ...\nclass Order: ...\n"},
        ),
        Pass("from os.path import join, exists\nfrom json import loads\n"),
        Pass(
            "from app.models import User\n",
            path="app/views.py",
            files={"app/__init__.py": "", "app/models.py": "from .base import *\n"},
        ),
        Pass(
            "from app.settings import DEBUG\n",
            path="app/views.py",
            files={
                "app/__init__.py": "",
                "app/settings.py": "def __getattr__(name):\n    return None\n",
            },
        ),
        Pass(
            "from app import models\n",
            path="app/views.py",
            files={"app/__init__.py": "", "app/models.py": "X = 1\n"},
        ),
        Pass(
            "import sys\nif sys.version_info >= (3, 11):\n    from tomllib import loads\n"
            "else:\n    from tomli import loads\n"
        ),
        Pass(
            "from app.models import User\n",
            path="app/views.py",
            files={
                "app/__init__.py": "",
                "app/models.py": (
                    "try:\n    from fast import User\nexcept ImportError:\n    class User: ...\n"
                ),
            },
        ),
    )

    def check_site(
        self,
        site: ImportSite,
        python: PythonProject,
        old: set[tuple[str, int, str]],
        path_hacks: bool,
    ) -> None:
        if not site.is_from or site.star or not site.names:
            return
        names = [n for n in site.names if (site.module, site.level, n.name) not in old]
        if not names:
            return
        namespace, first_party = self._namespace(site, python)
        if namespace is None or not namespace.complete:
            return
        shown = "." * site.level + site.module
        for imported in names:
            name = imported.name
            if name in namespace.names or (name.startswith("_") and not first_party):
                continue
            if first_party and not site.level and python.declared_portion(f"{site.module}.{name}"):
                continue  # a portion a declared distribution provides (`openhands-tools`)
            self.report(
                imported.node,
                f"`{shown}` defines no `{name}`{did_you_mean(name, namespace.names)}: "
                f"`from {shown} import {name}` fails",
            )

    def _namespace(self, site: ImportSite, python: PythonProject) -> tuple[Namespace | None, bool]:
        if site.level:
            place = absolute_from_path(self.path, site.level, site.module)
            if place is None:
                return None, False
            directory, rest = place
            if not rest:
                return None, False  # `from . import x`: AIG604 judges x
            module = python.first_party.locate(rest, directory)
            if module is None:
                return None, False
            return python.first_party_namespace(module), True
        found = python.resolve(site.module, self.path, type_checking=site.type_checking)
        if not isinstance(found, Found):
            return None, False
        return python.namespace(found), found.first_party is not None


class MissingRelativeModule(_ImportRule):
    id = "AIG604"
    name = "missing-relative-module"
    summary = (
        "A relative import (`from . import x`, `from .x import y`) of a module the package "
        "does not have."
    )
    rationale = (
        "Relative imports name files next to the importing one. When no such file exists (and "
        "the package's `__init__` defines no such name) the import fails - typically a helper "
        "module the assistant meant to create and never did."
    )
    fix = "Create the module, or import from the module that really holds the code."
    tags = ("correctness",)
    examples = (
        Flag(
            "from .helpers import slugify\n",
            line=1,
            path="app/views.py",
            files={"app/__init__.py": "", "app/utils.py": "def slugify(s): ...\n"},
            message="`app/helpers`",
        ),
        Flag(
            "from . import serializers\n",
            line=1,
            path="app/views.py",
            files={"app/__init__.py": "", "app/models.py": ""},
        ),
        Flag(
            "from ..core.cache import memoize\n",
            line=1,
            path="app/api/views.py",
            files={"app/__init__.py": "", "app/api/__init__.py": "", "app/core/__init__.py": ""},
        ),
        Pass(
            "from .utils import slugify\nfrom . import models\n",
            path="app/views.py",
            files={
                "app/__init__.py": "",
                "app/utils.py": "def slugify(s): ...\n",
                "app/models.py": "",
            },
        ),
        Pass(
            "from . import VERSION\n",
            path="app/views.py",
            files={"app/__init__.py": "VERSION = '1.0'\n"},
        ),
        Pass(
            "from ._version import version\nfrom .proto import service_pb2\n",
            path="app/__init__.py",
            files={"app/proto/__init__.py": ""},
        ),
        Pass(
            "try:\n    from ._speedups import fast\nexcept ImportError:\n    fast = None\n",
            path="app/core.py",
            files={"app/__init__.py": ""},
        ),
        Pass(
            "from .sub import thing\n",
            path="app/core.py",
            files={"app/__init__.py": "", "app/sub/__init__.py": "thing = 1\n"},
        ),
    )

    def check_site(
        self,
        site: ImportSite,
        python: PythonProject,
        old: set[tuple[str, int, str]],
        path_hacks: bool,
    ) -> None:
        if not site.level:
            return
        place = absolute_from_path(self.path, site.level, site.module)
        if place is None:
            return
        directory, rest = place
        fp = python.first_party
        if rest:
            if (site.module, site.level, "") in old:
                return
            missing = self._missing_prefix(python, directory, rest)
            if missing is not None:
                self.report(
                    site.node,
                    f"relative import of a missing module: `{missing}` has no .py file or "
                    "package, and its package defines no such name",
                )
            return
        for imported in site.names:
            if (site.module, site.level, imported.name) in old:
                continue
            if fp.locate(imported.name, directory) is not None:
                continue
            if self._package_defines(python, directory, imported.name):
                continue
            target = f"{directory}/{imported.name}" if directory else imported.name
            if fp.exists_on_disk_or_ignored(target):
                continue
            self.report(
                imported.node,
                f"`from {'.' * site.level} import {imported.name}`: "
                f"the package `{directory or '.'}` "
                "has no such module and its `__init__` defines no such name",
            )

    def _missing_prefix(self, python: PythonProject, directory: str, rest: str) -> str | None:
        """The first missing `dir/part` path of `rest` below `directory`, if surely missing."""
        fp = python.first_party
        parts = rest.split(".")
        for i in range(len(parts)):
            if fp.locate(".".join(parts[: i + 1]), directory) is not None:
                continue
            parent_dir = "/".join(filter(None, [directory, *parts[:i]]))
            if self._package_defines(python, parent_dir, parts[i]):
                return None
            target = f"{parent_dir}/{parts[i]}" if parent_dir else parts[i]
            if fp.exists_on_disk_or_ignored(target):
                return None
            return target
        return None

    def _package_defines(self, python: PythonProject, directory: str, name: str) -> bool:
        """Whether the package at `directory` may provide `name` through its `__init__`."""
        fp = python.first_party
        if not directory or not any(
            f"{directory}/__init__{s}" in fp.files for s in (".py", ".pyi")
        ):
            return False
        module = fp.locate(directory.replace("/", "."), "")
        if module is None:
            return True  # cannot read it: assume it may
        namespace = python.first_party_namespace(module)
        return not namespace.complete or namespace.plants_modules or name in namespace.names
