"""Python's garbage collection: reference counting, the cycle collector, weak references.

Exercise 02_garbage_collection. Read README.md in this folder, then replace every
``raise NotImplementedError`` with your code. Grade it with ``nox -s grade -- 02``.
"""

from __future__ import annotations

import gc  # noqa: F401 - you will need it
import weakref  # noqa: F401 - you will need it
from collections.abc import Callable

# ---------------------------------------------------------------------------
# Task 1: a tree whose child -> parent link is weak
# ---------------------------------------------------------------------------


class Node:
    """A tree node. Parents own their children; children only point back weakly.

    ``Node(value)`` has ``.value``, ``.children`` (a list, empty at first) and the
    read-only property ``.parent``.
    """

    def __init__(self, value):
        raise NotImplementedError

    @property
    def parent(self) -> Node | None:
        """The parent node, or None (no parent yet, or the parent has been freed)."""
        raise NotImplementedError

    def add_child(self, node: Node) -> Node:
        """Append ``node`` to ``self.children``, make ``self`` its parent, return ``node``.

        The child must not keep its parent alive.
        """
        raise NotImplementedError


# ---------------------------------------------------------------------------
# Task 2: what only the cycle collector can free
# ---------------------------------------------------------------------------


def count_cycle_garbage(build: Callable[[], None]) -> int:
    """Return how many objects made by ``build()`` only the cycle collector can free.

    ``build`` takes no arguments and returns nothing. Count the objects that survive reference
    counting but are unreachable: objects on reference cycles and objects kept alive only by
    them. Garbage that existed before the call does not count. Leave gc as you found it (enabled
    or not, debug flags, gc.garbage), with build's garbage really freed, even if build raises.
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------
# Task 3: find objects that outlive a block
# ---------------------------------------------------------------------------


class LeakTracker:
    """Context manager: which instances of ``types``, made in the block, are still alive after it.

    Usage::

        with LeakTracker(Session, Connection) as tracker:
            run_some_code()
        tracker.leaks   # {Session: 2}  (only types with survivors; {} when nothing leaked)
    """

    def __init__(self, *types: type):
        """Remember the types. Raise TypeError for a type whose instances cannot be weakly referenced."""
        raise NotImplementedError

    def __enter__(self) -> LeakTracker:
        """Remember (weakly) the instances that already exist; return self."""
        raise NotImplementedError

    def __exit__(self, *exc_info) -> bool:
        """Collect cycles, then set ``self.leaks``. Return False: never swallow an exception."""
        raise NotImplementedError


# ---------------------------------------------------------------------------
# Task 4: cleanup with weakref.finalize
# ---------------------------------------------------------------------------


class ManagedResource:
    """A resource whose cleanup appends ``name`` to the list ``released`` exactly once.

    The cleanup runs at ``close()`` or when the object is freed (also as cycle garbage),
    whichever comes first, and never again.
    """

    def __init__(self, name: str, released: list):
        raise NotImplementedError

    @property
    def closed(self) -> bool:
        """True once the cleanup has run."""
        raise NotImplementedError

    def close(self) -> None:
        """Run the cleanup now if it has not run yet; otherwise do nothing."""
        raise NotImplementedError

    def __enter__(self) -> ManagedResource:
        raise NotImplementedError

    def __exit__(self, *exc_info) -> None:
        raise NotImplementedError
