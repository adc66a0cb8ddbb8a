"""Shared by the Python import, API and dependency rules (AIG6xx, AIG7xx, AIG8xx).

Three questions, answered once per file or per run and memoised:

* which imports a file makes, and in what context (optional under `try/except ImportError`,
  type-only under `if TYPE_CHECKING:` or in a `.pyi`, conditional under another `if`);
* where a module comes from: the project's own code (first-party), the standard library of the
  target Python, the target environment, stubs only, or a declared dependency not installed;
* what a module defines (its namespace), and whether that is known completely.

Nothing here imports or runs the scanned code: first-party modules are read through the Project,
the environment through aiguard.facts.python.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiguard.memo import MemoKey
from aiguard.source import SourceError
from aiguard_rules._shared.python_packages import (
    guessed_import_names,
    import_matches,
    popular_names,
)

if TYPE_CHECKING:
    import libcst

    from aiguard.facts.manifests import Declared
    from aiguard.facts.python.environment import TargetEnvironment
    from aiguard.facts.python.namespace import Namespace, RawNamespace
    from aiguard.project import Project
    from aiguard.source import Source

IMPORT_INTEREST = r"\bimport\b"
_MODULE_SUFFIXES = (".py", ".pyi")
_OPAQUE_SUFFIXES = (".so", ".pyd", ".pyx")
_IMPORT_ERRORS = re.compile(r"\b(ImportError|ModuleNotFoundError|Exception|BaseException)\b")
_TYPE_CHECKING = re.compile(r"^(?:[\w.]+\.)?TYPE_CHECKING$")
_MAIN_GUARD = re.compile(r"""^__name__\s*==\s*["']__main__["']$""")
_PATH_HACK = re.compile(
    r"\bsys\.path\.(?:insert|append|extend)\b|\bsite\.addsitedir\b|\bsys\.path\s*\+?="
)
_GENERATED = re.compile(r"(_pb2|_pb2_grpc|_version|version|_build_info|_generated)$")


# -- the imports of one file -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedName:
    """One name of a `from M import name` (or one module of `import a.b`) and its node."""

    name: str
    node: libcst.CSTNode
    bound_as: str  # the local name it binds
    aliased: bool = False  # `import a.b as m` / `from a import b as c`


@dataclass(frozen=True)
class ImportSite:
    """One import statement and the context that decides how strictly it is judged."""

    node: libcst.CSTNode
    module: str  # `import a.b` -> each entry of `names`; `from a.b import x` -> "a.b"
    level: int  # dots of a relative import
    is_from: bool
    names: tuple[ImportedName, ...]
    star: bool
    optional: bool  # inside try/except ImportError, or suppress(ImportError)
    type_checking: bool  # under `if TYPE_CHECKING:` or in a stub file
    conditional: bool  # under another `if`/`while`/`match`: platform, version or feature switches

    @property
    def lenient(self) -> bool:
        return self.optional or self.conditional


@dataclass
class _Context:
    optional: bool = False
    type_checking: bool = False
    conditional: bool = False


_BEFORE_IMPORTS: MemoKey[set[tuple[str, int, str]]] = MemoKey(
    "the imports of a before-version, read with ast"
)
_IMPORTS: MemoKey[list[ImportSite]] = MemoKey("the imports of a Python source")


def imports_of(source: Source) -> list[ImportSite]:
    """Every import statement of a Python source, with its context (memoised on the source)."""
    return source.memo(_IMPORTS, lambda: _collect(source))


def _collect(source: Source) -> list[ImportSite]:
    module = source.cst
    found: list[ImportSite] = []
    _walk(module, list(module.body), _Context(type_checking=source.is_stub), found)
    return found


def _block(node: libcst.CSTNode) -> list[libcst.CSTNode]:
    import libcst as cst

    if isinstance(node, cst.IndentedBlock):
        return list(node.body)
    if isinstance(node, cst.SimpleStatementSuite):
        return list(node.body)
    return []


def _walk(
    module: libcst.Module, body: Sequence[libcst.CSTNode], ctx: _Context, out: list[ImportSite]
) -> None:
    import libcst as cst

    for node in body:
        if isinstance(node, cst.SimpleStatementLine):
            _walk(module, list(node.body), ctx, out)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            out.append(_site(module, node, ctx))
        elif isinstance(node, cst.If):
            _walk_if(module, node, ctx, out)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            catches = any(
                h.type is None or _IMPORT_ERRORS.search(module.code_for_node(h.type))
                for h in node.handlers
            )
            inner = _Context(ctx.optional or catches, ctx.type_checking, ctx.conditional)
            _walk(module, _block(node.body), inner, out)
            for handler in node.handlers:
                _walk(module, _block(handler.body), inner, out)
            for extra in (node.orelse, node.finalbody):
                if extra is not None:
                    _walk(module, _block(extra.body), ctx, out)
        elif isinstance(node, cst.With):
            items = " ".join(module.code_for_node(i.item) for i in node.items)
            suppressed = "suppress" in items and bool(_IMPORT_ERRORS.search(items))
            inner = _Context(ctx.optional or suppressed, ctx.type_checking, ctx.conditional)
            _walk(module, _block(node.body), inner, out)
        elif isinstance(node, (cst.While, cst.Match)):
            inner = _Context(ctx.optional, ctx.type_checking, True)
            bodies = [c.body for c in node.cases] if isinstance(node, cst.Match) else [node.body]
            for b in bodies:
                _walk(module, _block(b), inner, out)
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.For)):
            _walk(module, _block(node.body), ctx, out)


def _walk_if(module: libcst.Module, node: libcst.If, ctx: _Context, out: list[ImportSite]) -> None:
    import libcst as cst

    test = " ".join(module.code_for_node(node.test).split())
    negated = test.startswith("not ")
    bare = test[4:] if negated else test
    if _TYPE_CHECKING.match(bare):
        body_ctx = _Context(ctx.optional, ctx.type_checking or not negated, ctx.conditional)
        else_ctx = _Context(ctx.optional, ctx.type_checking or negated, ctx.conditional)
    elif _MAIN_GUARD.match(test):
        body_ctx = else_ctx = ctx
    else:
        body_ctx = else_ctx = _Context(ctx.optional, ctx.type_checking, True)
    _walk(module, _block(node.body), body_ctx, out)
    orelse = node.orelse
    if isinstance(orelse, cst.If):
        _walk_if(module, orelse, _Context(else_ctx.optional, else_ctx.type_checking, True), out)
    elif isinstance(orelse, cst.Else):
        _walk(module, _block(orelse.body), else_ctx, out)


def _site(
    module: libcst.Module, node: libcst.Import | libcst.ImportFrom, ctx: _Context
) -> ImportSite:
    import libcst as cst

    if isinstance(node, cst.Import):
        names = tuple(
            ImportedName(
                _dotted(module, alias.name),
                alias,
                _alias_target(module, alias) or _dotted(module, alias.name).split(".")[0],
                alias.asname is not None,
            )
            for alias in node.names
        )
        return ImportSite(
            node, "", 0, False, names, False, ctx.optional, ctx.type_checking, ctx.conditional
        )
    dotted = _dotted(module, node.module) if node.module is not None else ""
    star = isinstance(node.names, cst.ImportStar)
    names = ()
    if not star and not isinstance(node.names, cst.ImportStar):
        names = tuple(
            ImportedName(
                _dotted(module, alias.name),
                alias,
                _alias_target(module, alias) or _dotted(module, alias.name),
                alias.asname is not None,
            )
            for alias in node.names
        )
    return ImportSite(
        node,
        dotted,
        len(node.relative),
        True,
        names,
        star,
        ctx.optional,
        ctx.type_checking,
        ctx.conditional,
    )


def _dotted(module: libcst.Module, node: libcst.CSTNode) -> str:
    return "".join(module.code_for_node(node).split())


def _alias_target(module: libcst.Module, alias: libcst.ImportAlias) -> str | None:
    if alias.asname is None:
        return None
    return _dotted(module, alias.asname.name)


def before_imports(source: Source | None) -> set[tuple[str, int, str]]:
    """(module, level, name) of every import in the before-version: what the change did not add.

    Read with `ast` (cheap, and the before-version may not parse: then nothing counts as old).
    """
    if source is None:
        return set()
    return source.memo(_BEFORE_IMPORTS, lambda: _ast_imports(source.text))


def _ast_imports(text: str) -> set[tuple[str, int, str]]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()  # an unparsable before-version had no imports that worked
    found: set[tuple[str, int, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add((alias.name, 0, ""))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                found.add((node.module or "", node.level, alias.name))
            found.add((node.module or "", node.level, ""))
    return found


def changes_path_hacks(source: Source) -> bool:
    """Whether the file edits sys.path: then its imports cannot be judged from the layout."""
    return bool(_PATH_HACK.search(source.text))


# -- where a module comes from ------------------------------------------------------------------


@dataclass(frozen=True)
class FirstPartyModule:
    """A module of the project itself, found at `path` ("pkg/sub") under `root`."""

    name: str
    root: str
    path: str
    sources: tuple[str, ...]
    is_package: bool
    namespace_package: bool
    opaque: bool


class FirstParty:
    """The project's own modules, from its file list (never imported)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        files = [p for p in project.files if p.endswith(_MODULE_SUFFIXES + _OPAQUE_SUFFIXES)]
        self.files = frozenset(project.files)
        self.dirs: set[str] = set()
        self.children: dict[str, set[str]] = {}
        self.anywhere: set[str] = set()
        for path in files:
            parts = path.split("/")
            stem = parts[-1].split(".")[0]
            self.anywhere.add(stem)
            self.anywhere.update(parts[:-1])
            for i in range(len(parts) - 1):
                directory = "/".join(parts[: i + 1])
                self.dirs.add(directory)
                self.children.setdefault("/".join(parts[:i]), set()).add(parts[i])
            self.children.setdefault("/".join(parts[:-1]), set()).add(stem)
        self.roots = ["", "src", *configured_roots(project)]
        # setuptools' package-dir {"name": "dir"}: package `name` lives in `dir`.
        self.aliases = package_dir_aliases(project)

    def roots_for(self, importer: str) -> list[str]:
        """Where `import x` in `importer` may find x: the script's directory, the directory above
        its top package (pytest's rootdir insertion), then the project's source roots."""
        directory = posixpath.dirname(importer)
        base = directory
        while base and self._is_package_dir(base):
            base = posixpath.dirname(base)
        # A module inside a package is never run as a script: its directory is not on sys.path
        # (`_pytest/warnings.py` must not shadow the standard library's `warnings`).
        return list(dict.fromkeys([base, *self.roots]))

    def _is_package_dir(self, directory: str) -> bool:
        return f"{directory}/__init__.py" in self.files or f"{directory}/__init__.pyi" in self.files

    def locate(self, dotted: str, root: str) -> FirstPartyModule | None:
        base = posixpath.join(root, *dotted.split(".")) if root else "/".join(dotted.split("."))
        for package, directory in self.aliases.items():
            if dotted == package or dotted.startswith(package + "."):
                rest = dotted[len(package) + 1 :].split(".") if dotted != package else []
                base = posixpath.join(directory, *rest)
                break
        inits = [
            f"{base}/__init__{s}" for s in _MODULE_SUFFIXES if f"{base}/__init__{s}" in self.files
        ]
        if inits:
            return FirstPartyModule(dotted, root, base, tuple(inits), True, False, False)
        plain = [f"{base}{s}" for s in _MODULE_SUFFIXES if f"{base}{s}" in self.files]
        if plain:
            return FirstPartyModule(dotted, root, base, tuple(plain), False, False, False)
        parent, _, stem = base.rpartition("/")
        if stem in self.children.get(parent, set()) and base not in self.dirs:
            return FirstPartyModule(dotted, root, base, (), False, False, True)  # extension
        if base in self.dirs:
            return FirstPartyModule(dotted, root, base, (), True, True, False)
        return None

    def find(self, dotted: str, roots: Iterable[str]) -> FirstPartyModule | None:
        for root in roots:
            found = self.locate(dotted, root)
            if found is not None:
                return found
        return None

    def submodules(self, module: FirstPartyModule) -> set[str]:
        return set(self.children.get(module.path, set())) - {"__init__"}

    def exists_on_disk_or_ignored(self, module_path: str) -> bool:
        """A module file absent from the file list but present on disk or generated at build time
        (git-ignored, or named like generated code: `_pb2`, `_version`)."""
        if _GENERATED.search(module_path.rsplit("/", 1)[-1]):
            return True
        root = self.project.root
        if root is None:
            return False
        for candidate in (f"{module_path}.py", f"{module_path}/__init__.py", module_path):
            if (root / candidate).exists():
                return True
        return False


def _pyproject_tools(project: Project) -> dict[str, object]:
    """The [tool] table of the project's pyproject.toml ({} when missing or broken)."""
    from aiguard import tomlcompat as tomllib

    text = project.read_text("pyproject.toml")
    if not text:
        return {}
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}  # the config rules report a broken pyproject; here it only adds roots
    tool = data.get("tool")
    return tool if isinstance(tool, dict) else {}


def package_dir_aliases(project: Project) -> dict[str, str]:
    """setuptools' `package-dir` entries that place a named package in another directory."""
    setuptools = _pyproject_tools(project).get("setuptools", {})
    mapping = setuptools.get("package-dir") if isinstance(setuptools, dict) else None
    if not isinstance(mapping, dict):
        return {}
    return {
        str(name): str(directory).strip("./")
        for name, directory in mapping.items()
        if name and isinstance(directory, str) and directory.strip("./")
    }


def configured_roots(project: Project) -> list[str]:
    """Source roots that tools are told about in pyproject.toml (setuptools, pytest, mypy, ruff,
    poetry, hatch)."""
    tool = _pyproject_tools(project)
    roots: list[str] = []

    def add(value: object) -> None:
        values = value if isinstance(value, list) else [value]
        roots.extend(str(v).strip("./") for v in values if isinstance(v, str))

    setuptools = tool.get("setuptools", {})
    if isinstance(setuptools, dict):
        find = setuptools.get("packages", {})
        if isinstance(find, dict) and isinstance(find.get("find"), dict):
            add(find["find"].get("where", []))
        package_dir = setuptools.get("package-dir")
        if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
            add(package_dir[""])  # the root package directory; named entries are aliases
    pytest = tool.get("pytest", {})
    if isinstance(pytest, dict) and isinstance(pytest.get("ini_options"), dict):
        add(pytest["ini_options"].get("pythonpath", []))
    for key, sub in (("mypy", "mypy_path"), ("ruff", "src")):
        section = tool.get(key, {})
        if isinstance(section, dict) and sub in section:
            value = section[sub]
            add(value.split(",") if isinstance(value, str) else value)
    poetry = tool.get("poetry", {})
    if isinstance(poetry, dict) and isinstance(poetry.get("packages"), list):
        for entry in poetry["packages"]:
            if isinstance(entry, dict) and isinstance(entry.get("from"), str):
                add(entry["from"])
    return [r for r in dict.fromkeys(roots) if r]


@dataclass(frozen=True)
class Found:
    """The module exists: in the project, the standard library, the environment, or stubs."""

    origin: str  # "first-party" | "stdlib" | "environment" | "stubs"
    module: str
    first_party: FirstPartyModule | None = None


@dataclass(frozen=True)
class MissingTop:
    """No top-level module of that name exists anywhere aiguard can see."""

    top: str
    searched: str


@dataclass(frozen=True)
class MissingSub:
    """The parent package exists and is known completely, but has no such submodule."""

    parent: str
    child: str
    origin: str


@dataclass(frozen=True)
class Unknown:
    """aiguard cannot tell (a namespace it cannot read, a declared package not installed, ...)."""

    why: str


Resolution = Found | MissingTop | MissingSub | Unknown


@dataclass
class PythonProject:
    """Run-wide facts for the Python import rules (one per Project, through `memo`)."""

    project: Project
    _first_party: FirstParty | None = None
    _declared: Declared | None = None
    _fp_namespaces: dict[str, Namespace] = field(default_factory=dict)
    _popular_imports: frozenset[str] | None = None

    @property
    def env(self) -> TargetEnvironment:
        return self.project.environment

    @property
    def first_party(self) -> FirstParty:
        if self._first_party is None:
            self._first_party = FirstParty(self.project)
        return self._first_party

    @property
    def declared(self) -> Declared:
        if self._declared is None:
            from aiguard.facts.manifests import declared_dependencies

            self._declared = declared_dependencies(self.project.files, self.project.read_text)
        return self._declared

    # -- resolution ----------------------------------------------------------------------------

    def resolve(self, dotted: str, importer: str, *, type_checking: bool) -> Resolution:
        """Where the absolute module `dotted`, imported from file `importer`, comes from."""
        parts = dotted.split(".")
        top = parts[0]
        fp = self.first_party
        for root in fp.roots_for(importer):
            if fp.locate(top, root) is not None:
                return self._walk_first_party(parts, root)
        env = self.env
        if env.stdlib.is_top_level(top):
            return self._walk(parts, "stdlib", env.stdlib.has_module)
        if env.python is not None and env.python.has_top_level(top):
            python = env.python
            return self._walk(parts, "environment", lambda m: python.find_module(m) is not None)
        if top in fp.anywhere:  # on a sys.path entry aiguard does not know of, perhaps
            return Unknown(f"a directory or module named {top} exists in the project")
        if type_checking and (
            env.stdlib.stub_only(top)
            or (env.python is not None and env.python.has_stub_package(top))
        ):
            return Found("stubs", dotted)
        if self.is_declared_import(dotted):
            return Unknown(
                "declared but not installed: an environment problem, not a hallucination"
            )
        if top.lower() in self.popular_imports():
            return Unknown("a well-known package: real, if not installed here (AIG802's concern)")
        if env.python is None:
            if not self.declared.has_declarations:
                return Unknown("no environment and no declared dependencies to judge against")
            return MissingTop(
                top, "the standard library, the project's modules and its declared dependencies"
            )
        return MissingTop(
            top,
            "the standard library, the project's modules, the environment "
            "and the declared dependencies",
        )

    def _walk_first_party(self, parts: list[str], root: str) -> Resolution:
        fp = self.first_party
        for i in range(1, len(parts)):
            name = ".".join(parts[: i + 1])
            if fp.locate(name, root) is not None:
                continue
            parent = fp.locate(".".join(parts[:i]), root)
            if parent is None or parent.namespace_package or parent.opaque:
                return Unknown("a namespace package may have portions elsewhere")
            if self.env.python is not None and self.env.python.find_module(name) is not None:
                return Found("environment", name)
            namespace = self.first_party_namespace(parent)
            child = parts[i]
            if not namespace.complete or namespace.plants_modules or child in namespace.names:
                return Unknown("the parent package may provide it")
            if fp.exists_on_disk_or_ignored(posixpath.join(parent.path, child)):
                return Unknown("generated or ignored file")
            if self.declared_portion(name):
                return Unknown("a declared distribution named for it provides that portion")
            return MissingSub(".".join(parts[:i]), child, "first-party")
        module = fp.locate(".".join(parts), root)
        return Found("first-party", ".".join(parts), module)

    def _walk(self, parts: list[str], origin: str, exists: object) -> Resolution:
        assert callable(exists)
        for i in range(1, len(parts)):
            name = ".".join(parts[: i + 1])
            if exists(name):
                continue
            parent = ".".join(parts[:i])
            namespace = self.env.namespace(parent)
            child = parts[i]
            if (
                namespace is None
                or not namespace.complete
                or namespace.plants_modules
                or child in namespace.names
            ):
                return Unknown("the parent package may provide it")
            return MissingSub(parent, child, origin)
        return Found(origin, ".".join(parts))

    def namespace(self, found: Found) -> Namespace | None:
        if found.first_party is not None:
            return self.first_party_namespace(found.first_party)
        if found.origin == "stubs":
            return None
        return self.env.namespace(found.module)

    def first_party_namespace(self, module: FirstPartyModule) -> Namespace:
        key = f"{module.root}:{module.path}"
        if key in self._fp_namespaces:
            return self._fp_namespaces[key]
        from aiguard.facts.python.namespace import (
            Namespace,
            combine_namespace,
            namespace_of_tree,
            unparsable_namespace,
        )

        self._fp_namespaces[key] = Namespace(frozenset(), False, "cyclic star import")
        if module.opaque:
            result = Namespace(frozenset(), False, "it is an extension module")
        elif module.namespace_package:
            result = Namespace(
                frozenset(self.first_party.submodules(module)), False, "namespace package"
            )
        else:
            raws: list[RawNamespace] = []
            for path in module.sources:
                source = self.project.source(path)
                if source is None:
                    raws = []
                    break
                try:
                    raws.append(namespace_of_tree(source.python_ast))
                except SourceError as exc:
                    raws.append(unparsable_namespace(str(exc)))
            if not raws:
                result = Namespace(frozenset(), False, "its source cannot be read")
            else:
                root = module.root

                def lookup(name: str) -> Namespace | None:
                    found = self.first_party.locate(name, root)
                    if found is not None:
                        return self.first_party_namespace(found)
                    return self.env.namespace(name)

                result = combine_namespace(
                    module.name,
                    module.is_package,
                    raws,
                    self.first_party.submodules(module),
                    lookup,
                )
        self._fp_namespaces[key] = result
        return result

    # -- declarations ---------------------------------------------------------------------------

    def import_names_of(self, distribution: str) -> tuple[str, ...]:
        """What a declared distribution provides: from the environment when installed."""
        if self.env.python is not None:
            dist = self.env.python.distribution(distribution)
            if dist is not None and (dist.import_names or dist.module_prefixes):
                return tuple(dict.fromkeys((*dist.module_prefixes, *dist.import_names)))
        return guessed_import_names(distribution)

    def declared_portion(self, dotted: str) -> bool:
        """Whether a declared distribution is named for module `dotted` by the namespace
        convention (`openhands-sdk` for `openhands.sdk`, `zope-interface` for `zope.interface`):
        a monorepo's subproject can depend on a portion its root package does not have."""
        from aiguard.facts.manifests import normalize

        wanted = dotted.lower()
        for requirement in self.declared.requirements:
            portion = normalize(requirement.name).replace("-", ".").replace("_", ".")
            if "." in portion and (wanted == portion or wanted.startswith(portion + ".")):
                return True
        return False

    def is_declared_import(self, dotted: str) -> bool:
        for requirement in self.declared.requirements:
            if import_matches(dotted, self.import_names_of(requirement.name)):
                return True
        return False

    def popular_imports(self) -> frozenset[str]:
        if self._popular_imports is None:
            names, _ = popular_names()
            found: set[str] = set()
            for name in names:
                found.update(n.split(".")[0].lower() for n in guessed_import_names(name))
            self._popular_imports = frozenset(found)
        return self._popular_imports

    def own_distribution_names(self) -> frozenset[str]:
        return self.declared.project_names

    def declared_names(self) -> frozenset[str]:
        return frozenset(r.normalized for r in self.declared.requirements)


_PYTHON_PROJECT: MemoKey[PythonProject] = MemoKey("the Python project's modules and declarations")


def python_project(project: Project) -> PythonProject:
    return project.memo(_PYTHON_PROJECT, lambda: PythonProject(project))


def absolute_from_path(importer: str, level: int, module: str) -> tuple[str, str] | None:
    """(directory, dotted rest) a relative import in file `importer` points at: the package
    directory `level` dots up, and the module below it. None: above the repository root."""
    directory = posixpath.dirname(importer)
    for _ in range(level - 1):
        if not directory:
            return None
        directory = posixpath.dirname(directory)
    return directory, module


def did_you_mean(name: str, names: Iterable[str]) -> str:
    """A suggestion among `names`: a close spelling, or the name it starts with (`joinpath`)."""
    public = sorted(n for n in names if not n.startswith("_"))
    import difflib

    close = difflib.get_close_matches(name, public, n=1, cutoff=0.75)
    if not close:
        close = sorted((n for n in public if len(n) >= 3 and name.startswith(n)), key=len)[-1:]
    return f" (did you mean `{close[0]}`?)" if close else ""
