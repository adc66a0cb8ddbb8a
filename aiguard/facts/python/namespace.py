"""The names a Python module defines, read from its syntax tree (never imported)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

# Attributes every module has, whatever its source says.
MODULE_DUNDERS = frozenset(
    {
        "__name__", "__doc__", "__file__", "__dict__", "__spec__", "__loader__", "__package__",
        "__path__", "__all__", "__builtins__", "__cached__", "__annotations__", "__getattr__",
        "__dir__",
    }
)  # fmt: skip


# -- data ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Namespace:
    """The names a module defines; `complete` False when its source cannot tell them all."""

    names: frozenset[str]
    complete: bool
    why_incomplete: str = ""
    exports: frozenset[str] = frozenset()  # literal `__all__` entries
    plants_modules: bool = False  # it writes sys.modules or sys.meta_path


@dataclass(frozen=True)
class RawNamespace:
    """What one source file binds at module level, before star imports are followed."""

    names: frozenset[str]
    exports: frozenset[str]  # the literal entries of `__all__`
    stars: tuple[tuple[str, int], ...]  # `from MODULE import *` as (module, level)
    dynamic: str  # why the file's names cannot be known from its text ("" when they can)
    plants_modules: bool = False  # it writes sys.modules / sys.meta_path: submodules without files

    def to_json(self) -> dict[str, object]:
        return {
            "names": sorted(self.names),
            "exports": sorted(self.exports),
            "stars": [list(s) for s in self.stars],
            "dynamic": self.dynamic,
            "plants_modules": self.plants_modules,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> RawNamespace:
        names, exports, stars, dynamic = (
            data["names"], data["exports"], data["stars"], data["dynamic"]
        )  # fmt: skip
        if not (isinstance(names, list) and isinstance(exports, list) and isinstance(stars, list)):
            raise ValueError("malformed namespace entry")
        return cls(
            frozenset(str(n) for n in names),
            frozenset(str(n) for n in exports),
            tuple((str(s[0]), int(s[1])) for s in stars),
            str(dynamic),
            bool(data.get("plants_modules")),
        )


# -- namespaces read from source ------------------------------------------------------------------


def read_namespace(source: str) -> RawNamespace:
    """The names a module's source binds at module level (never executed).

    Compound statements (if/try/with/for/while/match) count both ways: a name bound on any path
    is a name the module may define. `global` statements inside functions count too. The
    namespace is dynamic - unknowable from the text - when the module defines `__getattr__`,
    writes through `globals()`, `vars()`, `locals()` or `sys.modules`, or runs `exec` at module
    level.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return unparsable_namespace(type(exc).__name__)
    return namespace_of_tree(tree)


def unparsable_namespace(why: str) -> RawNamespace:
    """The namespace of a module whose source does not parse: dynamic, nothing known."""
    return RawNamespace(frozenset(), frozenset(), (), f"cannot be parsed ({why})")


def namespace_of_tree(tree: ast.Module) -> RawNamespace:
    """`read_namespace` for a module already parsed (a project file's shared `python_ast`)."""
    collector = _Collector()
    try:
        collector.statements(tree.body)
        dynamic, plants = _dynamic_marker(tree)
    except RecursionError:
        return RawNamespace(frozenset(), frozenset(), (), "too deeply nested to read", True)
    if "__getattr__" in collector.names and not dynamic:
        dynamic = "it defines a module-level __getattr__"
    return RawNamespace(
        frozenset(collector.names),
        frozenset(collector.exports),
        tuple(collector.stars),
        dynamic,
        plants,
    )


class _Collector:
    def __init__(self) -> None:
        self.names: set[str] = set()
        self.exports: set[str] = set()
        self.stars: list[tuple[str, int]] = []

    def statements(self, body: Iterable[ast.stmt]) -> None:
        for node in body:
            self.statement(node)

    def statement(self, node: ast.stmt) -> None:
        """Record the names one module-level statement binds (in any branch it may take)."""
        if not (self._binding(node) or self._compound(node)):
            self._other(node)

    def _binding(self, node: ast.stmt) -> bool:
        """Definitions, assignments and imports; False when `node` is none of them."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.names.add(node.name)
            if not isinstance(node, ast.ClassDef):
                self._globals_in(node)
            self._walrus(node.decorator_list)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self._target(target)
            self._exports(node.targets, node.value, augmented=False)
            self._walrus([node.value])
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            self._target(node.target)
            if node.value is not None:
                self._exports([node.target], node.value, augmented=isinstance(node, ast.AugAssign))
                self._walrus([node.value])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    self.stars.append((node.module or "", node.level))
                else:
                    self.names.add(alias.asname or alias.name)
        else:
            return False
        return True

    def _compound(self, node: ast.stmt) -> bool:
        """Loops, branches, with, try and match: every body counts; False for other nodes."""
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self._target(node.target)
            self.statements(node.body)
            self.statements(node.orelse)
        elif isinstance(node, (ast.While, ast.If)):
            self._walrus([node.test])
            self.statements(node.body)
            self.statements(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self._target(item.optional_vars)
            self.statements(node.body)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self._try(node)
        elif isinstance(node, ast.Match):
            self._match(node)
        else:
            return False
        return True

    def _match(self, node: ast.Match) -> None:
        for case in node.cases:
            for sub in ast.walk(case.pattern):
                if isinstance(sub, (ast.MatchAs, ast.MatchStar)) and sub.name:
                    self.names.add(sub.name)
                elif isinstance(sub, ast.MatchMapping) and sub.rest:
                    self.names.add(sub.rest)
            self.statements(case.body)

    def _other(self, node: ast.stmt) -> None:
        """Type aliases, `__all__.extend(...)`, walrus expressions and `global` statements."""
        if type(node).__name__ == "TypeAlias":
            alias_name = getattr(node, "name", None)
            if isinstance(alias_name, ast.Name):
                self.names.add(alias_name.id)
        elif isinstance(node, ast.Expr):
            self._exports_call(node.value)
            self._walrus([node.value])
        elif isinstance(node, ast.Global):
            self.names.update(node.names)

    def _try(self, node: ast.stmt) -> None:
        self.statements(getattr(node, "body", []))
        for handler in getattr(node, "handlers", []):
            if handler.name:
                self.names.add(handler.name)
            self.statements(handler.body)
        self.statements(getattr(node, "orelse", []))
        self.statements(getattr(node, "finalbody", []))

    def _target(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._target(element)
        elif isinstance(target, ast.Starred):
            self._target(target.value)

    def _walrus(self, expressions: Iterable[ast.expr]) -> None:
        for expression in expressions:
            for sub in ast.walk(expression):
                if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                    self.names.add(sub.target.id)

    def _globals_in(self, function: ast.AST) -> None:
        for sub in ast.walk(function):
            if isinstance(sub, ast.Global):
                self.names.update(sub.names)

    def _exports(self, targets: list[ast.expr], value: ast.expr, *, augmented: bool) -> None:
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return
        self.exports.update(_literal_strings(value))

    def _exports_call(self, value: ast.expr) -> None:
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name)
            and value.func.value.id == "__all__"
            and value.func.attr in ("extend", "append")
        ):
            for arg in value.args:
                self.exports.update(_literal_strings(arg))


def _literal_strings(node: ast.expr) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            found.add(sub.value)
    return found


def _dynamic_marker(tree: ast.Module) -> tuple[str, bool]:
    """Why a module's namespace may hold names its statements do not show ("" if none), and
    whether it plants modules in `sys.modules` or `sys.meta_path` (submodules that have no file).
    """
    module_level = {id(n) for stmt in tree.body for n in _outside_functions(stmt)}
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    why = ""
    plants = False
    for node in ast.walk(tree):
        exporter = _enum_exporter(node)
        if exporter and not why:
            why = f"{exporter} exports enum members into the module"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            called = node.func.id
            if called == "globals" and not why and _writes_through(node, parents):
                why = "it writes names through globals()"
            elif called in ("vars", "locals", "exec") and id(node) in module_level and not why:
                why = f"it calls {called}() at module level"
        if _is_sys_attribute(node, "meta_path") or _is_sys_attribute(node, "path_hooks"):
            plants = True
        if isinstance(node, ast.Call) and _called_name(node) in _NAMESPACE_DECLARATIONS:
            plants = True  # pkgutil/pkg_resources namespace: submodules from other distributions
        if isinstance(node, ast.Subscript) and _is_sys_attribute(node.value, "modules"):
            if isinstance(node.slice, ast.Name) and node.slice.id == "__name__" and not why:
                why = "it replaces itself in sys.modules"
            if isinstance(node.ctx, ast.Store):
                plants = True
    return why, plants


_NAMESPACE_DECLARATIONS = frozenset({"extend_path", "declare_namespace"})


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _enum_exporter(node: ast.AST) -> str:
    """The enum helper by which a module binds names no statement shows ("" if none):
    `@enum.global_enum` (re's flags) and `IntEnum._convert_(...)` (ssl, socket, signal)."""
    if isinstance(node, ast.ClassDef):
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name == "global_enum":
                return "@global_enum"
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "_convert_"
    ):
        return "Enum._convert_()"
    return ""


def _is_sys_attribute(node: ast.AST, attribute: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attribute
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def _writes_through(call: ast.Call, parents: Mapping[int, ast.AST]) -> bool:
    """Whether a `globals()` call is written through (an item stored, updated, or passed on)."""
    parent = parents.get(id(call))
    if isinstance(parent, ast.Subscript):
        return isinstance(parent.ctx, (ast.Store, ast.Del))
    if isinstance(parent, ast.Attribute):
        return parent.attr in ("update", "setdefault", "__setitem__", "pop", "clear", "popitem")
    # Compared or discarded: a read. Handed to anything else (exec, a helper): assume a write.
    return not isinstance(parent, (ast.Compare, ast.Expr))


def _outside_functions(node: ast.AST) -> Iterable[ast.AST]:
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield from _outside_functions(child)


def combine_namespace(
    module: str,
    is_package: bool,
    raws: Iterable[RawNamespace],
    submodules: Iterable[str],
    lookup: Callable[[str], Namespace | None],
) -> Namespace:
    """A module's namespace from its source files (a stub and its source: the union), its
    submodules, and the modules it star-imports (looked up with `lookup`)."""
    names = set(submodules) | MODULE_DUNDERS
    exports: set[str] = set()
    stars: list[tuple[str, int]] = []
    why = ""
    plants = False
    for raw in raws:
        names |= raw.names
        exports |= raw.exports
        stars += raw.stars
        why = why or raw.dynamic
        plants = plants or raw.plants_modules
    for star_module, level in stars:
        if why:
            break
        target = absolute_module(star_module, level, module, is_package)
        other = lookup(target) if target else None
        if other is None or not other.complete:
            why = f"it star-imports {target or star_module}, which cannot be read completely"
        else:
            names |= star_names(other)
    return Namespace(frozenset(names), not why, why, frozenset(exports), plants)


def star_names(namespace: Namespace) -> frozenset[str]:
    """What `from M import *` may bring in: public names and `__all__` (a safe superset)."""
    return frozenset(n for n in namespace.names if not n.startswith("_")) | namespace.exports


def absolute_module(
    module: str, level: int, importer: str, importer_is_package: bool
) -> str | None:
    """The absolute name of a relative import made in module `importer` (None: above the top)."""
    if level == 0:
        return module
    parts = importer.split(".") if importer else []
    if not importer_is_package:
        parts = parts[:-1]
    if level - 1 > len(parts) or (level - 1 == len(parts) and not module):
        return None
    base = parts[: len(parts) - (level - 1)]
    full = [*base, *(module.split(".") if module else [])]
    return ".".join(full) if full else None
