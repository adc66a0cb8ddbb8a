"""AIG7xx hallucinated-api, Python side: attributes used on a real module that it does not define.

`os.path.joinpath`, `json.parse`, `subprocess.run_command`, `requests.fetch`: the module is real,
the attribute invented. A module's names come from typeshed's stubs (standard library and C
modules), an installed package's `.pyi` stubs or source, or the project's own source - all read
with `ast`, never imported. The rule speaks only when the namespace is known completely: no
module-level `__getattr__`, no star import it cannot follow, no writes through `globals()` or
`sys.modules`. It stays silent where the code itself doubts the attribute (`hasattr`, `getattr`
with a default, `try/except AttributeError`), where the name is rebound in the file, and where
the project assigns the attribute itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiguard.findings import Category, Severity
from aiguard.lint.rule import Flag, Pass, PythonRule
from aiguard_rules._shared.python_imports import (
    FirstPartyModule,
    Found,
    PythonProject,
    absolute_from_path,
    did_you_mean,
    imports_of,
    python_project,
)

if TYPE_CHECKING:
    import libcst

    from aiguard.facts.python.namespace import Namespace
    from aiguard.lint.rule import FileContext

_ATTRIBUTE_GUARDS = re.compile(r"\b(AttributeError|Exception|BaseException)\b")
# An `if` on the platform, the Python version or the presence of an attribute: both branches may
# use attributes that exist only on some Pythons (`builtins.sequenceiterator` under `if PYPY:`).
_VARIANT_TEST = re.compile(
    r"\b(?:hasattr|getattr)\(|\bsys\.(?:version_info|platform|implementation)\b|\bos\.name\b"
    r"|\bplatform\.|\b(?:IS_)?(?:PYPY|CPYTHON|WIN(?:DOWS|32)?|MACOS|DARWIN|LINUX|PY\d+)\b",
    re.IGNORECASE,
)
_PROBES = re.compile(r"""\b(?:hasattr|getattr)\(\s*([\w.]+)\s*,\s*["'](\w+)["']""")


@dataclass(frozen=True)
class _Module:
    """What a local name is bound to: an absolute module, or a first-party module by path."""

    dotted: str
    first_party: FirstPartyModule | None = None


class UnknownModuleAttribute(PythonRule):
    id = "AIG701"
    name = "unknown-module-attribute"
    category = Category.HALLUCINATED_API
    severity = Severity.ERROR
    summary = "An attribute used on an imported module that the module does not define."
    rationale = (
        "Assistants mix up APIs across languages and libraries: `os.path.joinpath` (pathlib's "
        "name), `json.parse` (JavaScript's), `subprocess.run_command`, `requests.fetch`. The "
        "code imports fine and fails with AttributeError on the first call - often on a path "
        "no test covers."
    )
    fix = (
        "Use the function the module really has (its documentation or stub lists them; the "
        "message suggests a close name), or import the library that has the one you meant."
    )
    # Only at a word start: from every position of a 100 KB identifier run it was quadratic.
    interest = r"(?<!\w)[A-Za-z_]\w*\.[A-Za-z_]"
    tags = ("correctness",)
    examples = (
        Flag("import os\n\np = os.path.joinpath('a', 'b')\n", line=3, message="`join`"),
        Flag("import json\n\ndata = json.parse(text)\n", line=3, message="`json` has no"),
        Flag(
            "import subprocess\n\nsubprocess.run_command(['ls'])\n",
            line=3,
        ),
        Flag(
            "from os import path\n\npath.joinpath('a')\n",
            line=3,
        ),
        Flag(
            "import app.utils as u\n\nu.slugify_text('x')\n",
            line=3,
            path="app/views.py",
            files={"app/__init__.py": "", "app/utils.py": "def slugify(text):\n    return text\n"},
            message="did you mean `slugify`",
        ),
        Pass("import os\nimport json\n\np = os.path.join('a', 'b')\nd = json.loads(s)\n"),
        Pass("import os\n\nif hasattr(os, 'fork_exec'):\n    pid = os.fork_exec()\n"),
        # Defined in shutil.py at run time, missing from typeshed's stub.
        Pass("import shutil\n\nsize = shutil.COPY_BUFSIZE\n"),
        Pass(
            "import os\n\ntry:\n    os.register_at_fork_x(after=f)\n"
            "except AttributeError:\n    pass\n"
        ),
        Pass("import json\n\njson = Parser()\njson.parse(text)\n"),
        Pass("import json\n\ndef f(json):\n    return json.parse(text)\n"),
        Pass("import logging\n\nlogging.TRACE = 5\nlogging.log(logging.TRACE, 'x')\n"),
        Pass(
            "import app.settings as s\n\ns.DEBUG\n",
            path="app/views.py",
            files={"app/__init__.py": "", "app/settings.py": "from .base import *\n"},
        ),
        Pass("import xml\n\nxml.etree.ElementTree.parse(f)\n"),
        Pass(
            "import os\n\nos.path.joinpath('a')\n", before="import os\n\nos.path.joinpath('a')\n\n"
        ),
        Pass("import collections\n\ncollections.abc.Mapping\n"),
        Pass("import xml.etree.ElementTree\n\nxml.etree.ElementTree.parse(f)\n"),
        Pass(
            "import base64\n\nif hasattr(base64, 'encodebytes'):\n    d = base64.encodebytes(b)\n"
            "else:\n    d = base64.encodestring(b)\n"
        ),
        Pass("import builtins\n\nif PYPY:\n    t = builtins.sequenceiterator\n"),
        Flag("import xml.etree.ElementTree\n\nxml.etree.ElementTree.parse_file(f)\n", line=3),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._candidates: list[tuple[libcst.Attribute, list[str]]] = []
        self._rebound: set[str] = set()
        self._assigned: set[tuple[str, str]] = set()
        self._guarded: set[int] = set()
        self._guard_stack: list[bool] = []
        self._in_import = 0

    # -- collection ------------------------------------------------------------------------------

    def visit_Import(self, node: libcst.Import) -> None:
        self._in_import += 1

    def leave_Import(self, original_node: libcst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: libcst.ImportFrom) -> None:
        self._in_import += 1

    def leave_ImportFrom(self, original_node: libcst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_Attribute(self, node: libcst.Attribute) -> None:
        chain = _chain(node.value)
        if chain is not None and not self._in_import:  # `import a.b` names, not uses, a.b
            self._candidates.append((node, chain))
            if any(self._guard_stack):
                self._guarded.add(id(node))

    def visit_Try(self, node: libcst.Try) -> None:
        module = self.after.cst
        self._guard_stack.append(
            any(
                h.type is None or bool(_ATTRIBUTE_GUARDS.search(module.code_for_node(h.type)))
                for h in node.handlers
            )
        )

    def leave_Try(self, original_node: libcst.Try) -> None:
        self._guard_stack.pop()

    def visit_If(self, node: libcst.If) -> None:
        test = self.after.cst.code_for_node(node.test)
        self._guard_stack.append(bool(_VARIANT_TEST.search(test)))

    def leave_If(self, original_node: libcst.If) -> None:
        self._guard_stack.pop()

    def visit_AssignTarget(self, node: libcst.AssignTarget) -> None:
        self._bind(node.target)

    def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
        self._bind(node.target)

    def visit_AugAssign(self, node: libcst.AugAssign) -> None:
        self._bind(node.target)

    def visit_For(self, node: libcst.For) -> None:
        self._bind(node.target)

    def visit_CompFor(self, node: libcst.CompFor) -> None:
        self._bind(node.target)

    def visit_NamedExpr(self, node: libcst.NamedExpr) -> None:
        self._bind(node.target)

    def visit_Del(self, node: libcst.Del) -> None:
        self._bind(node.target)

    def visit_WithItem(self, node: libcst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name)

    def visit_ExceptHandler(self, node: libcst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind(node.name.name)

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._rebound.add(node.name.value)

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._rebound.add(node.name.value)

    def visit_Param(self, node: libcst.Param) -> None:
        self._rebound.add(node.name.value)

    def visit_Global(self, node: libcst.Global) -> None:
        self._rebound.update(n.name.value for n in node.names)

    def visit_Nonlocal(self, node: libcst.Nonlocal) -> None:
        self._rebound.update(n.name.value for n in node.names)

    def visit_MatchAs(self, node: libcst.MatchAs) -> None:
        if node.name is not None:
            self._rebound.add(node.name.value)

    def visit_MatchStar(self, node: libcst.MatchStar) -> None:
        if node.name is not None:
            self._rebound.add(node.name.value)

    def _bind(self, target: libcst.BaseExpression) -> None:
        import libcst as cst

        if isinstance(target, cst.Name):
            self._rebound.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)
        elif isinstance(target, cst.Attribute):
            chain = _chain(target.value)
            if chain is not None:
                self._assigned.add((".".join(chain), target.attr.value))

    # -- judgement -------------------------------------------------------------------------------

    def leave_Module(self, original_node: libcst.Module) -> None:
        if not self._candidates:
            return
        probes = {(m.group(1), m.group(2)) for m in _PROBES.finditer(self.after.text)}
        before = self.before.text if self.before is not None else ""
        lines = self.context.change.changed_lines
        # Text of the changed lines: a cheap test that spares resolving node positions.
        changed = (
            self.after.text
            if lines is None
            else "\n".join(self.after.line(n) for n in sorted(lines))
        )
        wanted: list[tuple[libcst.Attribute, list[str], str]] = []
        for node, chain in self._candidates:
            attr = node.attr.value
            dotted = ".".join(chain)
            if not (
                chain[0] in self._rebound
                or id(node) in self._guarded
                or (dotted, attr) in self._assigned
                or (dotted, attr) in probes
                or attr.startswith("__")
                or f"{dotted}.{attr}" in before
                or f"{dotted}.{attr}" not in changed
            ):
                wanted.append((node, chain, attr))
        if not wanted:
            return  # the environment is never looked at
        bindings = self._module_bindings({chain[0] for _, chain, _ in wanted})
        python = python_project(self.project)
        for node, chain, attr in wanted:
            if chain[0] in bindings:
                self._judge(python, node, bindings[chain[0]], chain[1:], attr)

    def _module_bindings(self, names: set[str]) -> dict[str, _Module]:
        """Which of `names` are bound only by imports of one module each."""
        python = python_project(self.project)
        bound: dict[str, set[_Module]] = {}
        for site in imports_of(self.after):
            if site.star:
                continue
            for imported in site.names:
                if imported.bound_as not in names:
                    continue
                if not site.is_from:
                    if imported.aliased:  # import a.b as m
                        target = _Module(imported.name)
                    else:  # import a.b binds a
                        target = _Module(imported.name.split(".")[0])
                    bound.setdefault(imported.bound_as, set()).add(target)
                    continue
                found = self._from_module(python, site.level, site.module, imported.name)
                bound.setdefault(imported.bound_as, set()).add(found or _Module(""))
        return {
            name: next(iter(targets))
            for name, targets in bound.items()
            if len(targets) == 1 and next(iter(targets)).dotted
        }

    def _from_module(
        self, python: PythonProject, level: int, module: str, name: str
    ) -> _Module | None:
        """`from module import name` binds a module when `module.name` is one."""
        if level:
            place = absolute_from_path(self.path, level, module)
            if place is None:
                return None
            directory, rest = place
            dotted = f"{rest}.{name}" if rest else name
            located = python.first_party.locate(dotted, directory)
            return _Module(dotted, located) if located is not None and not located.opaque else None
        dotted = f"{module}.{name}"
        found = python.resolve(dotted, self.path, type_checking=False)
        return _Module(dotted) if isinstance(found, Found) else None

    def _judge(
        self,
        python: PythonProject,
        node: libcst.Attribute,
        bound: _Module,
        rest: list[str],
        attr: str,
    ) -> None:
        namespace, shown, first_party = self._namespace(python, bound, rest)
        if namespace is None or not namespace.complete or attr in namespace.names:
            return
        if attr.startswith("_") and not first_party:
            return  # stubs leave private names out
        if _assigned_in_project(python, shown.rsplit(".", 1)[-1], attr):
            return
        self.report(
            node,
            f"`{shown}` has no attribute `{attr}`{did_you_mean(attr, namespace.names)}: "
            "the call fails with AttributeError",
        )

    def _namespace(
        self, python: PythonProject, bound: _Module, rest: list[str]
    ) -> tuple[Namespace | None, str, bool]:
        if bound.first_party is not None:
            module = bound.first_party
            name = module.name
            for part in rest:
                name = f"{name}.{part}"
                found = python.first_party.locate(name, module.root)
                if found is None:
                    return None, name, True
                module = found
            return python.first_party_namespace(module), name, True
        dotted = ".".join([bound.dotted, *rest])
        found_module = python.resolve(dotted, self.path, type_checking=False)
        if not isinstance(found_module, Found):
            return None, dotted, False
        is_first_party = found_module.first_party is not None
        return python.namespace(found_module), dotted, is_first_party


def _chain(node: libcst.BaseExpression) -> list[str] | None:
    """`a.b.c` as ["a", "b", "c"]; None for anything but names joined by dots."""
    import libcst as cst

    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return parts[::-1]


def _assigned_in_project(python: PythonProject, module_name: str, attr: str) -> bool:
    """Whether a file of the project sets `<module>.<attr>` itself (a monkeypatch, a registry)."""
    pattern = re.compile(
        rf"\b{re.escape(module_name)}\.{re.escape(attr)}\s*(?:=(?!=)|\+=)"
        rf"|setattr\(\s*[\w.]*{re.escape(module_name)}\s*,\s*[\"']{re.escape(attr)}[\"']"
    )
    project = python.project
    for path in project.files:
        if not path.endswith((".py", ".pyi")):
            continue
        text = project.read_text(path)
        if text is not None and attr in text and pattern.search(text):
            return True
    return False
