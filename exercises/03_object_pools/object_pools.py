"""Object pools: the caches CPython uses to save memory and time, rebuilt in Python.

1. ``shares_identity(n)``: the small-int cache.
2. ``InternPool``: one canonical object per equal value (like ``sys.intern`` for strings).
3. ``FreeList``: a bounded pool that recycles released objects (like the float free list).
4. ``lru_cache``: a bounded memo cache that evicts the least recently used entry.

Read README.md for the rules the grader checks. Replace each ``raise NotImplementedError``.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Point:
    """A small immutable value that supports weak references: use it with ``InternPool``.

    Given code: nothing to do here. ``weakref_slot=True`` adds the ``__weakref__`` slot that
    ``slots=True`` would otherwise leave out.
    """

    x: int
    y: int


# Task 1 ---------------------------------------------------------------------------------------


def shares_identity(n: int) -> bool:
    """True when two equal ints with value ``n``, made at run time, are the same object.

    Example: ``shares_identity(7)`` is True, ``shares_identity(1000)`` is False.
    """
    raise NotImplementedError


# Task 2 ---------------------------------------------------------------------------------------


class InternPool:
    """Hands out one canonical object per equal value, and forgets it when nobody uses it.

    Values must be hashable and support weak references (``Point`` does; int, str and tuple
    do not). The pool is safe to use from many threads at once.
    """

    def __init__(self) -> None:
        raise NotImplementedError

    def intern(self, value: T) -> T:
        """Return the canonical object equal to ``value``; ``value`` itself if it is the first.

        Raises TypeError if ``value`` is unhashable or cannot be weakly referenced.
        """
        raise NotImplementedError

    def __len__(self) -> int:
        """How many canonical objects are still alive."""
        raise NotImplementedError


# Task 3 ---------------------------------------------------------------------------------------


class FreeList(Generic[T]):
    """A bounded pool of released objects, handed out again instead of building new ones.

    ``factory()`` builds a new object; ``maxsize`` (>= 0, else ValueError) is how many released
    objects are kept; ``reset(obj)``, if given, clears a recycled object before its reuse.
    """

    def __init__(
        self,
        factory: Callable[[], T],
        maxsize: int,
        reset: Callable[[T], None] | None = None,
    ) -> None:
        raise NotImplementedError

    def acquire(self) -> T:
        """A recycled object if one is kept, else a new one from ``factory()``."""
        raise NotImplementedError

    def release(self, obj: T) -> None:
        """Give ``obj`` back. Kept for reuse while fewer than ``maxsize`` are kept, else dropped.

        Raises ValueError if ``obj`` (this very object) is already kept: a double release.
        """
        raise NotImplementedError

    def __len__(self) -> int:
        """How many released objects are kept, waiting to be reused."""
        raise NotImplementedError


# Task 4 ---------------------------------------------------------------------------------------

# What cache_info() returns (given): CacheInfo(hits, misses, maxsize, currsize).
CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])


def lru_cache(maxsize: int | None | Callable = 128):
    """Memoize a function, keeping at most ``maxsize`` results (None: no limit, 0: nothing).

    Use as ``@lru_cache``, ``@lru_cache()`` or ``@lru_cache(maxsize=2)``. The cached function
    has ``cache_info()`` and ``cache_clear()``. Do not use ``functools.lru_cache`` or
    ``functools.cache``; ``functools.wraps`` is welcome.
    """
    raise NotImplementedError
