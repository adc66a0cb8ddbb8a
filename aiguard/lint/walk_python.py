"""One read-only traversal of a libcst tree for a batch of visitors, in libcst's own order.

`libcst.visit_batched` walks through `_visit_and_replace_children`, which rebuilds (and
re-validates) every node on the way back up even when nothing changes: for a lint pass that
only reads, that costs as much as parsing. This walk calls the same `visit_<Node>`,
`visit_<Node>_<attribute>`, `leave_<Node>_<attribute>` and `leave_<Node>` methods in the same
order, but reads children with getattr. The order of a node type's attributes is learnt once,
from libcst itself, by letting it rebuild one instance of that type one level deep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import libcst
from libcst import MaybeSentinel

Method = Callable[[libcst.CSTNode], Any]

# Node types whose `_visit_and_replace_children` visits attributes conditionally: their order
# is read from each instance instead of once per type.
_PER_INSTANCE = frozenset(
    {"ImportFrom", "LazyImportFrom", "FormattedStringExpression", "TemplatedStringExpression"}
)


class _AttributeRecorder(libcst.CSTVisitor):
    """Records which attributes of `parent` libcst visits, in order, without descending."""

    def __init__(self, parent: libcst.CSTNode) -> None:
        super().__init__()
        self.parent = parent
        self.attributes: list[str] = []

    def on_visit(self, node: libcst.CSTNode) -> bool:
        return node is self.parent

    def on_visit_attribute(self, node: libcst.CSTNode, attribute: str) -> None:
        if node is self.parent:
            self.attributes.append(attribute)


# What a node type's walk calls: its visit methods, each attribute with the methods around it,
# and its leave methods.
_Attribute = tuple[str, tuple[Method, ...], tuple[Method, ...]]
_Plan = tuple[tuple[Method, ...], tuple[_Attribute, ...] | None, tuple[Method, ...]]


class BatchedWalk:
    """The visit/leave methods of several visitors, dispatched over one walk of a tree."""

    def __init__(
        self, visitors: Iterable[Any], order: dict[type, tuple[str, ...]] | None = None
    ) -> None:
        """`order` caches each node type's attribute order; share it across files."""
        self._methods: dict[str, tuple[Method, ...]] = {}
        for visitor in visitors:
            for name, method in visitor.get_visitors().items():
                self._methods[name] = (*self._methods.get(name, ()), method)
        self._order = {} if order is None else order
        self._plans: dict[type, _Plan] = {}

    def walk(self, node: libcst.CSTNode) -> None:
        plan = self._plans.get(type(node))
        if plan is None:
            plan = self._plan(node)
        visits, attributes, leaves = plan
        for method in visits:
            method(node)
        if attributes is None:  # a type whose attributes depend on the instance
            attributes = self._attributes(type(node).__name__, _visited_attributes(node))
        walk = self.walk
        for attribute, before, after in attributes:
            for method in before:
                method(node)
            value = getattr(node, attribute)
            kind = type(value)
            if kind is tuple or kind is list:
                for child in value:
                    walk(child)
            elif value is not None and kind is not MaybeSentinel:
                walk(value)
            for method in after:
                method(node)
        for method in leaves:
            method(node)

    def _plan(self, node: libcst.CSTNode) -> _Plan:
        node_type = type(node)
        name = node_type.__name__
        attributes: tuple[_Attribute, ...] | None = None
        if name not in _PER_INSTANCE:
            order = self._order.get(node_type)
            if order is None:
                order = self._order[node_type] = _visited_attributes(node)
            attributes = self._attributes(name, order)
        methods = self._methods
        plan = (methods.get(f"visit_{name}", ()), attributes, methods.get(f"leave_{name}", ()))
        self._plans[node_type] = plan
        return plan

    def _attributes(self, name: str, order: tuple[str, ...]) -> tuple[_Attribute, ...]:
        methods = self._methods
        return tuple(
            (a, methods.get(f"visit_{name}_{a}", ()), methods.get(f"leave_{name}_{a}", ()))
            for a in order
        )


def _visited_attributes(node: libcst.CSTNode) -> tuple[str, ...]:
    """The attributes libcst visits on `node`, in its order (it rebuilds the node once)."""
    recorder = _AttributeRecorder(node)
    node.visit(recorder)
    return tuple(recorder.attributes)


def visit_batched(
    module: libcst.CSTNode,
    visitors: Iterable[Any],
    order: dict[type, tuple[str, ...]] | None = None,
) -> None:
    """Like `libcst.visit_batched` for read-only visitors (return values are ignored)."""
    BatchedWalk(visitors, order).walk(module)
