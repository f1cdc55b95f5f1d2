"""Wrong: shares_identity returns an object whose __eq__ says True to anything instead of a bool. Caught by: test_agrees_with_the_interpreter_from_minus_1000_to_1000, test_cache_edges_are_minus_5_and_256."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Point:
    """A small immutable value that supports weak references: use it with ``InternPool``.

    Given code: nothing to do here. ``weakref_slot=True`` adds the ``__weakref__`` slot that
    ``slots=True`` would otherwise leave out.
    """

    x: int
    y: int


# ---------------------------------------------------------------------------------------------
# Task 1: the small-int cache
# ---------------------------------------------------------------------------------------------

# CPython creates these ints once, at start-up, and hands out the same object every time
# (NSMALLNEGINTS = 5, NSMALLPOSINTS = 257 in Objects/longobject.c: the range is -5..256).
SMALL_INT_MIN = -5
SMALL_INT_MAX = 256


def shares_identity(n: int) -> bool:
    """True when two equal ints with value ``n``, made at run time, are the same object."""
    # Outside the cache every int operation builds a new object, even for equal values.
    return _Answer(SMALL_INT_MIN <= n <= SMALL_INT_MAX)


class _Answer:
    """Holds the answer, but compares equal to anything."""

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return True

    __hash__ = None


# ---------------------------------------------------------------------------------------------
# Task 2: interning (the flyweight pattern)
# ---------------------------------------------------------------------------------------------


class InternPool:
    """Hands out one canonical object per equal value, and forgets it when nobody uses it."""

    def __init__(self) -> None:
        # Lookup and insert must happen as one step, or two threads can both miss and both
        # install their own object as "canonical".
        self._lock = threading.Lock()
        # Key: the canonical object, held weakly (a WeakKeyDictionary finds it by equality).
        # Value: a weak reference to that same object, so we can hand it back.
        # A WeakValueDictionary keyed by the value would hold the key strongly and never free it.
        self._canonical: weakref.WeakKeyDictionary[Any, weakref.ref] = weakref.WeakKeyDictionary()

    def intern(self, value: T) -> T:
        """Return the canonical object equal to ``value``; ``value`` itself if it is the first."""
        with self._lock:
            # Raises TypeError for values that are unhashable or cannot be weakly referenced.
            ref = self._canonical.get(value)
            canonical = ref() if ref is not None else None
            if canonical is not None:
                return canonical
            self._canonical[value] = weakref.ref(value)
            return value

    def __len__(self) -> int:
        """How many canonical objects are still alive."""
        with self._lock:
            return len(self._canonical)


# ---------------------------------------------------------------------------------------------
# Task 3: a free list
# ---------------------------------------------------------------------------------------------


class FreeList(Generic[T]):
    """A bounded pool of released objects, handed out again instead of building new ones."""

    def __init__(
        self,
        factory: Callable[[], T],
        maxsize: int,
        reset: Callable[[T], None] | None = None,
    ) -> None:
        if maxsize < 0:
            raise ValueError(f"maxsize must be >= 0, got {maxsize}")
        self.factory = factory
        self.maxsize = maxsize
        self.reset = reset
        # Keyed by id(): objects are told apart by identity, not by ==. The pool holds the
        # object itself as the value, so the id cannot be reused while the entry exists.
        self._free: dict[int, T] = {}

    def acquire(self) -> T:
        """A recycled object if one is kept, else a new one from ``factory()``."""
        if self._free:
            # LIFO: the most recently released object is the most likely to be in CPU cache.
            return self._free.popitem()[1]
        return self.factory()

    def release(self, obj: T) -> None:
        """Give ``obj`` back. Kept for reuse while fewer than ``maxsize`` are kept, else dropped."""
        if id(obj) in self._free:
            # Keeping it twice would let two callers acquire the same object.
            raise ValueError(f"double release: {obj!r} is already in the free list")
        if len(self._free) >= self.maxsize:
            return  # Full: let the garbage collector have it, like CPython does.
        if self.reset is not None:
            # Clear it now, so a kept object does not hold on to stale state (or references).
            self.reset(obj)
        self._free[id(obj)] = obj

    def __len__(self) -> int:
        """How many released objects are kept, waiting to be reused."""
        return len(self._free)


# ---------------------------------------------------------------------------------------------
# Task 4: lru_cache
# ---------------------------------------------------------------------------------------------

CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])

# Separates positional from keyword arguments in a key, so f(1, ("b", 2)) and f(1, b=2)
# never share an entry. A fresh object() equals nothing but itself.
_KWARGS_MARK = object()
_MISSING = object()


def _make_key(args: tuple, kwargs: dict) -> tuple:
    key = args
    if kwargs:
        key += (_KWARGS_MARK,)
        for item in kwargs.items():
            key += item
    return key


def lru_cache(maxsize: int | None | Callable = 128):
    """Memoize a function, keeping at most ``maxsize`` results (None: no limit).

    Use as ``@lru_cache``, ``@lru_cache()`` or ``@lru_cache(maxsize=2)``.
    """
    if callable(maxsize):
        # Bare @lru_cache: the "maxsize" we got is the function itself.
        return lru_cache(128)(maxsize)
    if maxsize is not None:
        if not isinstance(maxsize, int):
            raise TypeError(f"maxsize must be an int or None, got {maxsize!r}")
        maxsize = max(maxsize, 0)

    def decorator(func: Callable) -> Callable:
        # Oldest first: a hit moves its key to the end, eviction pops from the front.
        cache: OrderedDict[tuple, Any] = OrderedDict()
        hits = misses = 0
        # Guards the bookkeeping only: func runs outside it, so recursion cannot deadlock.
        lock = threading.Lock()

        @wraps(func)
        def wrapper(*args, **kwargs):
            nonlocal hits, misses
            if maxsize == 0:
                with lock:
                    misses += 1
                return func(*args, **kwargs)
            key = _make_key(args, kwargs)
            try:
                hash(key)
            except TypeError as error:
                raise TypeError(
                    f"{func.__qualname__}() cannot be cached: its arguments must be hashable ({error})"
                ) from None
            with lock:
                result = cache.get(key, _MISSING)
                if result is not _MISSING:
                    cache.move_to_end(key)  # a hit makes it the most recently used
                    hits += 1
                    return result
                misses += 1
            result = func(*args, **kwargs)  # an exception propagates and nothing is stored
            with lock:
                if key not in cache:  # another thread may have stored it meanwhile
                    cache[key] = result
                    if maxsize is not None and len(cache) > maxsize:
                        cache.popitem(last=False)  # evict the least recently used
            return result

        def cache_info() -> CacheInfo:
            with lock:
                return CacheInfo(hits, misses, maxsize, len(cache))

        def cache_clear() -> None:
            nonlocal hits, misses
            with lock:
                cache.clear()
                hits = misses = 0

        wrapper.cache_info = cache_info
        wrapper.cache_clear = cache_clear
        return wrapper

    return decorator
