"""A dict built the way CPython builds it (3.6+ "compact dict").

Two tables work together:

* the index table (sparse): ``table_size`` slots, a power of two. Each slot holds
  ``EMPTY``, ``DUMMY`` or a position in the entries list.
* the entries list (dense): ``(hash, key, value)`` in insertion order.

Read README.md in this folder for the rules the grader checks. Keep your data in plain
lists: do not subclass dict and do not store keys or values in a dict or a set.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

# Given: the markers stored in the index table, as in CPython's dictobject.c.
EMPTY = -1  # never used since the last resize: a probe may stop here
DUMMY = -2  # a deleted key was here: a probe must go on past it
MIN_SIZE = 8  # the smallest index table (PyDict_MINSIZE)
PERTURB_SHIFT = 5


def probe_sequence(hash_value: int, size: int) -> Iterator[int]:
    """Yield, forever, the index-table slots CPython probes for ``hash_value``.  (Task 1)

    ``size`` must be a power of two, at least 1; otherwise raise ValueError.

        mask = size - 1
        perturb = hash_value & (2**64 - 1)     # unsigned, like CPython's size_t
        i = perturb & mask                     # the first slot
        then, forever:  perturb >>= 5;  i = (5*i + 1 + perturb) & mask

    >>> from itertools import islice
    >>> list(islice(probe_sequence(12345, 8), 4))
    [1, 7, 0, 1]
    """
    raise NotImplementedError


class CompactDict(MutableMapping):
    """A mutable mapping with CPython's compact layout: a sparse index over dense entries.

    ``CompactDict()``, ``CompactDict({"a": 1})``, ``CompactDict([("a", 1)], b=2)`` work
    like the same calls to ``dict``.
    """

    def __init__(self, other: Any = (), /, **kwargs: Any) -> None:
        """Start with an index table of MIN_SIZE slots, then add the given pairs.  (Task 2)"""
        raise NotImplementedError

    @property
    def table_size(self) -> int:
        """The number of slots in the index table: a power of two, at least 8.  (Task 3)"""
        raise NotImplementedError

    @property
    def usable(self) -> int:
        """Entries (live or deleted) that fit before the next resize: table_size * 2 // 3.  (Task 3)"""
        raise NotImplementedError

    def __getitem__(self, key: Any) -> Any:
        """Follow probe_sequence(hash(key), table_size) until the key or an EMPTY slot.  (Task 2)"""
        raise NotImplementedError

    def __setitem__(self, key: Any, value: Any) -> None:
        """Replace the value of an existing key, or append a new entry.  (Tasks 2 and 3)"""
        raise NotImplementedError

    def __delitem__(self, key: Any) -> None:
        """Leave a DUMMY in the index and a hole in the entries.  (Task 4)"""
        raise NotImplementedError

    def __iter__(self) -> Iterator[Any]:
        """Keys in insertion order; RuntimeError once a key is added or deleted.  (Tasks 2 and 5)"""
        raise NotImplementedError

    def __len__(self) -> int:
        """The number of live keys.  (Task 2)"""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        """Equal to any mapping with the same pairs, in any order, like dict.  (Task 5)"""
        raise NotImplementedError

    __hash__ = None  # mutable: unhashable, like dict

    def __repr__(self) -> str:
        """``CompactDict({1: 'a', 'b': 2})``: the pairs in insertion order.  (Task 5)"""
        raise NotImplementedError

    def popitem(self) -> tuple[Any, Any]:
        """Remove and return the LAST inserted pair, like dict (the mixin pops the first).  (Task 5)"""
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every key and start again from a fresh table of MIN_SIZE slots.  (Task 5)"""
        raise NotImplementedError
