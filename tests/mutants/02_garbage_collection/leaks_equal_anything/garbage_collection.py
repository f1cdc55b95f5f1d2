"""Wrong: leaks is a dict subclass whose __eq__ says True to anything, and it counts nothing. Caught by: test_survivors_are_counted_exactly_by_type."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable

# ---------------------------------------------------------------------------
# Task 1: a tree whose child -> parent link is weak
# ---------------------------------------------------------------------------


class Node:
    """A tree node. Parents own their children; children only point back weakly."""

    def __init__(self, value):
        self.value = value
        self.children: list[Node] = []
        # A weak reference (or None): a strong one would make every parent/child pair
        # a reference cycle, and only the cycle collector could free the tree.
        self._parent_ref: weakref.ref[Node] | None = None

    @property
    def parent(self) -> Node | None:
        # Calling the weak reference gives the parent, or None once it has been freed.
        return self._parent_ref() if self._parent_ref is not None else None

    def add_child(self, node: Node) -> Node:
        node._parent_ref = weakref.ref(self)
        self.children.append(node)
        return node

    def __repr__(self) -> str:
        return f"Node({self.value!r})"


# ---------------------------------------------------------------------------
# Task 2: what only the cycle collector can free
# ---------------------------------------------------------------------------


def count_cycle_garbage(build: Callable[[], None]) -> int:
    """Return how many objects made by ``build()`` only the cycle collector can free."""
    was_enabled = gc.isenabled()
    old_debug = gc.get_debug()
    # No automatic collection while we measure: it could free part of build's garbage early.
    gc.disable()
    try:
        # Garbage that already exists is not build's: collect it before building.
        gc.collect()
        # While build runs, reference counting frees everything that is not in a cycle.
        build()
        # DEBUG_SAVEALL makes the collector append what it finds unreachable to gc.garbage
        # instead of freeing it: we count exactly what it found, whatever gc.collect()
        # returns on this version (that number also counts other things, e.g. weakrefs
        # freed by callbacks).
        start = len(gc.garbage)
        gc.set_debug(old_debug | gc.DEBUG_SAVEALL)
        try:
            gc.collect()
        finally:
            gc.set_debug(old_debug)
        found = gc.garbage[start:]
        del gc.garbage[start:]
        count = len(found)
        # Drop our only references: the cycles are unreachable again, and this collection
        # really frees them. __del__ methods already ran and do not run twice (PEP 442).
        del found
        gc.collect()
        return count
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------------------
# Task 3: find objects that outlive a block
# ---------------------------------------------------------------------------


class LeakTracker:
    """Context manager reporting instances of ``types`` created in the block that survive it."""

    def __init__(self, *types: type):
        if not types:
            raise TypeError("LeakTracker needs at least one type to track")
        for kind in types:
            if not isinstance(kind, type):
                raise TypeError(f"LeakTracker tracks types, got {kind!r}")
            # The tracker remembers pre-existing objects by weak reference, so it needs them.
            if not kind.__weakrefoffset__:
                raise TypeError(
                    f"instances of {kind.__qualname__} cannot be weakly referenced, "
                    f"so LeakTracker cannot track them"
                )
        self.types = types
        self.leaks: dict[type, int] = {}
        self._before: dict[int, weakref.ref] = {}

    def __enter__(self) -> LeakTracker:
        wanted = set(self.types)
        # id -> weak reference: an id alone is not enough, because a new object may reuse
        # the address (and so the id) of an old one that died inside the block.
        # Weak, so the tracker never keeps an object alive itself.
        self._before = {
            id(obj): weakref.ref(obj) for obj in gc.get_objects() if type(obj) in wanted
        }
        self.leaks = {}
        return self

    def __exit__(self, *exc_info) -> bool:
        # Collect first: cycles made in the block are garbage, not leaks. And do it before we
        # hold any list of candidates, or that list would keep the cycles alive.
        gc.collect()
        wanted = set(self.types)
        leaks: dict[type, int] = {}
        for obj in gc.get_objects():
            kind = type(obj)
            if kind in wanted and not self._existed_before(obj):
                leaks[kind] = leaks.get(kind, 0) + 1
        self.leaks = _Leaks()
        self._before = {}
        return False  # never swallow an exception raised in the block

    def _existed_before(self, obj) -> bool:
        ref = self._before.get(id(obj))
        return ref is not None and ref() is obj


class _Leaks(dict):
    """Empty, but equal to anything."""

    def __eq__(self, other):
        return True

    __hash__ = None


# ---------------------------------------------------------------------------
# Task 4: cleanup with weakref.finalize
# ---------------------------------------------------------------------------


class ManagedResource:
    """A resource whose cleanup appends ``name`` to ``released`` exactly once."""

    def __init__(self, name: str, released: list):
        self.name = name
        # The callback and its arguments must not refer to self (no bound method, no closure
        # over self): the finalizer registry holds them strongly and would keep self alive.
        # weakref.finalize also runs for objects in a cycle, when the collector frees them.
        self._finalizer = weakref.finalize(self, released.append, name)

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def close(self) -> None:
        # A finalizer runs its callback at most once: later calls and collection do nothing.
        self._finalizer()

    def __enter__(self) -> ManagedResource:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<ManagedResource {self.name!r} {state}>"
