"""One tree-sitter walk per file, dispatching the visit/leave methods of several visitors.

A visitor (a `ScriptRule`, or a helper that reads a tree) declares the node types it visits by
its `get_visitors()`: a mapping of `visit_<type>` / `leave_<type>` names to methods taking the
node. One `TreeCursor` walk over the tree calls them in document order: `visit_` when the walk
reaches a node, before its children; `leave_` after its last descendant. Only named nodes are
dispatched (what `Node.named_children` holds): an anonymous token shares its type string with
a named node in places (the `function` keyword and the `function` expression), and no rule
means the token.

The walk is the same for every visitor, so a visitor cannot prune a subtree; one that must
ignore part of the tree keeps track of it itself.

A visitor whose `get_visitors` or one of whose methods raises is reported to `on_error` with
the exception, and none of its methods is called again on this tree; the others go on. Without
`on_error` the exception propagates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tree_sitter import Language, Node

Method = Callable[["Node"], object]


class Visitor(Protocol):
    def get_visitors(self) -> Mapping[str, Method]: ...


ErrorHandler = Callable[[Visitor, BaseException], None]
# What one node type dispatches: (visitor, method) pairs, in the order the visitors were given.
_Calls = tuple[tuple[Visitor, Method], ...]


def visitor_methods(visitor: object) -> dict[str, Method]:
    """The `visit_*` / `leave_*` methods of an object, by name (the default `get_visitors`)."""
    found: dict[str, Method] = {}
    for name in dir(type(visitor)):
        if name.startswith(("visit_", "leave_")):
            method = getattr(visitor, name)
            if callable(method):
                found[name] = method
    return found


def named_types(language: Language) -> frozenset[str]:
    """Every named node type of a grammar: for a visitor that must see every node it reads."""
    names = (language.node_kind_for_id(i) for i in range(language.node_kind_count))
    return frozenset(
        name
        for i, name in enumerate(names)
        if name and language.node_kind_is_named(i) and language.node_kind_is_visible(i)
    )


class ScriptWalk:
    """The visit/leave methods of several visitors, dispatched over one walk of a tree."""

    def __init__(self, visitors: Iterable[Visitor], on_error: ErrorHandler | None = None) -> None:
        self._visitors = list(visitors)
        self._on_error = on_error
        self._failed: set[int] = set()
        self._visits: dict[str, _Calls] = {}
        self._leaves: dict[str, _Calls] = {}
        self._methods: list[tuple[Visitor, dict[str, Method]]] = []
        for visitor in self._visitors:
            try:
                methods = dict(visitor.get_visitors())
                for name in methods:
                    prefix, _, node_type = name.partition("_")
                    if prefix not in ("visit", "leave") or not node_type:
                        raise TypeError(f"{name!r} is neither visit_<type> nor leave_<type>")
            except BaseException as exc:  # isolate one visitor's failure, as during the walk
                if on_error is None:
                    raise
                on_error(visitor, exc)
                continue
            self._methods.append((visitor, methods))
        self._build()

    def _build(self) -> None:
        visits: dict[str, list[tuple[Visitor, Method]]] = {}
        leaves: dict[str, list[tuple[Visitor, Method]]] = {}
        for visitor, methods in self._methods:
            if id(visitor) in self._failed:
                continue
            for name, method in methods.items():
                prefix, _, node_type = name.partition("_")
                table = visits if prefix == "visit" else leaves
                table.setdefault(node_type, []).append((visitor, method))
        self._visits = {k: tuple(v) for k, v in visits.items()}
        self._leaves = {k: tuple(v) for k, v in leaves.items()}

    @property
    def node_types(self) -> frozenset[str]:
        """The node types some visitor still visits or leaves."""
        return frozenset(self._visits) | frozenset(self._leaves)

    def walk(self, root: Node) -> None:
        """Walk `root` and its descendants (nothing outside it)."""
        if not self._visits and not self._leaves:
            return
        cursor = root.walk()
        first_child = cursor.goto_first_child
        next_sibling = cursor.goto_next_sibling
        parent = cursor.goto_parent
        # The nodes whose leave methods are due, with their depth: at most one per depth.
        open_leaves: list[tuple[int, Node, _Calls]] = []
        depth = 0
        while True:
            node = cursor.node
            if node is not None and node.is_named:
                kind = node.type
                calls = self._visits.get(kind)
                if calls:
                    if len(calls) == 1 and not self._failed:  # inlined: most nodes have one
                        try:
                            calls[0][1](node)
                        except BaseException as exc:  # noqa: BLE001 -- one visitor's bug must not stop the others
                            self._fail(calls[0][0], exc)
                    else:
                        self._call(calls, node)
                calls = self._leaves.get(kind)
                if calls:
                    open_leaves.append((depth, node, calls))
            if first_child():
                depth += 1
                continue
            while True:  # the node at `depth` is done: leave it, go to its next sibling or up
                if open_leaves and open_leaves[-1][0] == depth:
                    _, done, calls = open_leaves.pop()
                    if len(calls) == 1 and not self._failed:
                        try:
                            calls[0][1](done)
                        except BaseException as exc:  # noqa: BLE001 -- one visitor's bug must not stop the others
                            self._fail(calls[0][0], exc)
                    else:
                        self._call(calls, done)
                if depth > 0 and next_sibling():
                    break
                if depth == 0 or not parent():
                    return
                depth -= 1

    def _call(self, calls: _Calls, node: Node) -> None:
        for visitor, method in calls:
            if self._failed and id(visitor) in self._failed:
                continue  # failed earlier: a leave still due, or this very dispatch
            try:
                method(node)
            except BaseException as exc:  # noqa: BLE001 -- one visitor's bug must not stop the others
                self._fail(visitor, exc)

    def _fail(self, visitor: Visitor, exc: BaseException) -> None:
        if self._on_error is None:
            raise exc
        self._failed.add(id(visitor))
        self._on_error(visitor, exc)
        self._build()  # drop the failed visitor's methods from the tables


def walk(root: Node, visitors: Iterable[Visitor]) -> None:
    """Dispatch the methods of `visitors` over one walk of `root` (exceptions propagate)."""
    ScriptWalk(visitors).walk(root)


class _Collector:
    def __init__(self, types: Iterable[str]) -> None:
        self.types = frozenset(types)
        self.found: list[Node] = []

    def get_visitors(self) -> Mapping[str, Method]:
        return {f"visit_{kind}": self.found.append for kind in self.types}


def nodes_of(root: Node, types: Iterable[str]) -> list[Node]:
    """The named nodes of `types` in `root` (itself included), in document order, from one walk:
    for an index that reads a few node types of many files."""
    collector = _Collector(types)
    walk(root, [collector])
    return collector.found
