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
# Called with the visitor whose method raised, and the exception; raising ends the walk.
OnError = Callable[[Any, BaseException], None]

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
        self,
        visitors: Iterable[Any],
        order: dict[type, tuple[str, ...]] | None = None,
        on_error: OnError | None = None,
    ) -> None:
        """`order` caches each node type's attribute order; share it across files.

        Without `on_error` an exception from a visitor ends the walk. With it, the visitor that
        raised is passed to `on_error` (which may re-raise to end the walk) and is left out of
        the rest of the walk, so one broken visitor cannot silence the others. (Enclosing nodes
        already under way may still call its remaining methods for them; a second exception
        from it is ignored, and its caller should discard what it collected.)
        """
        self._visitors = list(visitors)
        self._on_error = on_error
        self._failed: set[int] = set()  # id() of each visitor that raised
        self._order = {} if order is None else order
        self._methods: dict[str, tuple[Method, ...]] = {}
        self._plans: dict[type, _Plan] = {}
        self._collect_methods()

    def _collect_methods(self) -> None:
        self._methods = {}
        for visitor in self._visitors:
            if id(visitor) in self._failed:
                continue
            for name, method in visitor.get_visitors().items():
                self._methods[name] = (*self._methods.get(name, ()), method)
        self._plans = {}

    def _raised(self, method: Method, exc: BaseException) -> None:
        """A visitor's method raised `exc`: end the walk, or leave that visitor out of it."""
        if self._on_error is None or isinstance(exc, RecursionError):
            raise exc  # a tree too deep for the walk itself is the caller's to report
        visitor = getattr(method, "__self__", method)
        if id(visitor) in self._failed:
            return
        self._on_error(visitor, exc)
        self._failed.add(id(visitor))
        self._collect_methods()

    def walk(self, node: libcst.CSTNode) -> None:
        plan = self._plans.get(type(node))
        if plan is None:
            plan = self._plan(node)
        visits, attributes, leaves = plan
        # The try blocks cost nothing until something raises (zero-cost exceptions, 3.11+).
        for method in visits:
            try:
                method(node)
            except BaseException as exc:  # noqa: BLE001 -- handed to on_error, which contains it
                self._raised(method, exc)
        if attributes is None:  # a type whose attributes depend on the instance
            attributes = self._attributes(type(node).__name__, _visited_attributes(node))
        walk = self.walk
        for attribute, before, after in attributes:
            for method in before:
                try:
                    method(node)
                except BaseException as exc:  # noqa: BLE001 -- handed to on_error, which contains it
                    self._raised(method, exc)
            value = getattr(node, attribute)
            kind = type(value)
            if kind is tuple or kind is list:
                for child in value:
                    walk(child)
            elif value is not None and kind is not MaybeSentinel:
                walk(value)
            for method in after:
                try:
                    method(node)
                except BaseException as exc:  # noqa: BLE001 -- handed to on_error, which contains it
                    self._raised(method, exc)
        for method in leaves:
            try:
                method(node)
            except BaseException as exc:  # noqa: BLE001 -- handed to on_error, which contains it
                self._raised(method, exc)

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
    on_error: OnError | None = None,
) -> None:
    """Like `libcst.visit_batched` for read-only visitors (return values are ignored)."""
    BatchedWalk(visitors, order, on_error).walk(module)
