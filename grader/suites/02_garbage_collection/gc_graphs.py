"""Object graphs for task 2 (count_cycle_garbage), and an independent way to measure them.

Every graph is made only of instances of ``__slots__`` classes. Such an instance is exactly one
object the collector tracks, on every CPython version: it has no ``__dict__`` that might (3.11,
3.12) or might not (3.13) become a separate object. So "how many objects" has one answer.

The expected count is not trusted from the structure alone: ``measure_cycle_garbage`` builds
the graph on the running interpreter with weak references to every node, and counts the nodes
that survive reference counting but not a full collection. Weak references and ``gc.collect()``
with no argument (a full collection) behave the same on 3.11-3.14, unlike reference counts,
generation numbers, or the number ``gc.collect()`` returns.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from dataclasses import dataclass

# Long-lived objects that a build may attach things to (cleared by the tests).
ANCHOR: list = []
# One entry per Finalized.__del__ call.
FINALIZED: list = []
# A long-lived WeakSet a build may put its objects in. Each entry is a weak reference with a
# callback: when its object dies, the callback removes the reference, and reference counting
# frees it. gc.collect()'s number counts those references too; they are not cycle garbage.
WATCHERS: weakref.WeakSet = weakref.WeakSet()


class Marker:
    __slots__ = ("a", "b", "__weakref__")


class Finalized:
    """A node with a __del__ method: collectable in a cycle since PEP 442 (Python 3.4)."""

    __slots__ = ("a", "b", "__weakref__")

    def __del__(self):
        FINALIZED.append(1)


class Stray:
    """Garbage that exists before the learner's function is called."""

    __slots__ = ("a", "__weakref__")


def _new(cls, track):
    obj = cls()
    if track is not None:
        track.append(weakref.ref(obj))
    return obj


def ring(n, track=None, cls=Marker):
    """n nodes, each pointing at the next, the last at the first. Returns the first."""
    nodes = [_new(cls, track) for _ in range(n)]
    for i, node in enumerate(nodes):
        node.a = nodes[(i + 1) % n]
    return nodes[0]


def chain(n, track=None, cls=Marker):
    """n nodes in a line, no cycle. Returns the head."""
    head = node = _new(cls, track)
    for _ in range(n - 1):
        node.a = _new(cls, track)
        node = node.a
    return head


def tree(depth, track=None):
    """A binary tree of 2**depth - 1 nodes, no cycle. Returns the root."""
    root = _new(Marker, track)
    if depth > 1:
        root.a = tree(depth - 1, track)
        root.b = tree(depth - 1, track)
    return root


@dataclass(frozen=True)
class Case:
    """A graph builder and how many of its nodes only the cycle collector can free."""

    name: str
    expected: int
    make: Callable[[list | None], None]

    def build(self) -> None:
        """What the learner's count_cycle_garbage receives: builds, returns nothing."""
        self.make(None)


def _self_loop(track):
    node = _new(Marker, track)
    node.a = node


def _long_ring(track):
    ring(1000, track)


def _ring_with_tail(track):
    # The tail is acyclic, but only the ring keeps it alive.
    ring(4, track).b = chain(3, track)


def _ring_holding_ring(track):
    # The second ring is reachable only from the first.
    ring(3, track).b = ring(5, track)


def _acyclic(track):
    chain(10, track)
    tree(4, track)


def _attached_ring(track):
    # Still reachable from a live object: not garbage, even though it is a cycle.
    ANCHOR.append(ring(3, track))
    ANCHOR.append(chain(2, track))


def _watched_ring(track):
    # Every node of the ring is in the long-lived WeakSet: weakly referenced, still garbage.
    node = ring(4, track)
    for _ in range(4):
        WATCHERS.add(node)
        node = node.a


def _del_ring(track):
    ring(5, track, cls=Finalized)


def _mix(track):
    chain(10, track)  # freed by reference counting
    ring(4, track).b = chain(3, track)  # 4 + 3
    ANCHOR.append(ring(5, track))  # alive
    for _ in range(2):  # 2 self-loops
        node = _new(Marker, track)
        node.a = node
    head = chain(2, track)  # acyclic garbage that points into a cycle: freed by refcounting
    head.b = ring(2, track)  # 2


def _many_self_loops(track):
    # Far more allocations than any automatic collection threshold (700 on 3.11/3.12,
    # 2000 on 3.13): with automatic collection on, the collector would run during build.
    for _ in range(6000):
        node = _new(Marker, track)
        node.a = node


SELF_LOOP = Case("a self-loop", 1, _self_loop)
LONG_RING = Case("a ring of 1000 objects", 1000, _long_ring)
RING_WITH_TAIL = Case("a ring of 4 holding an acyclic chain of 3", 7, _ring_with_tail)
RING_HOLDING_RING = Case("a ring of 3 holding a ring of 5", 8, _ring_holding_ring)
ACYCLIC = Case("a chain of 10 and a tree of 15, no cycles", 0, _acyclic)
ATTACHED_RING = Case("a ring of 3 and a chain of 2 attached to a live list", 0, _attached_ring)
DEL_RING = Case("a ring of 5 objects with __del__", 5, _del_ring)
WATCHED_RING = Case("a ring of 4 whose members a long-lived WeakSet holds weakly", 4, _watched_ring)
MIX = Case("acyclic garbage, cycles, a tail and a live ring together", 11, _mix)
MANY_SELF_LOOPS = Case("6000 separate self-loops", 6000, _many_self_loops)


def measure_cycle_garbage(case: Case) -> int:
    """Count, on this interpreter, the nodes that survive refcounting but not the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        track: list[weakref.ref] = []
        case.make(track)
        after_refcounting = sum(ref() is not None for ref in track)
        gc.collect()
        after_collection = sum(ref() is not None for ref in track)
        return after_refcounting - after_collection
    finally:
        ANCHOR.clear()
        gc.collect()  # leave no garbage behind: it is not the learner's to count
        FINALIZED.clear()
        if was_enabled:
            gc.enable()


def live_instances(*classes) -> int:
    """How many instances of these classes the collector still tracks (0 once really freed)."""
    return sum(type(obj) in classes for obj in gc.get_objects())
