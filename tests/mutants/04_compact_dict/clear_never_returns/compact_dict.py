"""Wrong: clear() never returns once the dict holds more than three keys. Says: almost surely
an endless loop. Caught by: test_clear_starts_again_from_a_fresh_table,
test_random_operation_sequences_match_dict."""

from __future__ import annotations

import reprlib
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

# Markers stored in the index table, as in CPython's dictobject.c (DKIX_EMPTY, DKIX_DUMMY).
EMPTY = -1  # never used since the last resize: a probe may stop here
DUMMY = -2  # a deleted key was here: a probe must go on past it
MIN_SIZE = 8  # PyDict_MINSIZE
PERTURB_SHIFT = 5

_SIZE_T_MASK = 2**64 - 1
_MISSING = object()


def probe_sequence(hash_value: int, size: int) -> Iterator[int]:
    """Yield, forever, the index-table slots CPython probes for ``hash_value``.

    ``size`` must be a power of two (>= 1). The check happens at call time, so a bad
    size fails where the mistake is, not at the first ``next()``.
    """
    if not isinstance(size, int) or size < 1 or size & (size - 1):
        raise ValueError(f"size must be a power of two >= 1, got {size!r}")
    return _probe(hash_value, size)


def _probe(hash_value: int, size: int) -> Iterator[int]:
    mask = size - 1
    # CPython casts the hash to size_t: a negative hash becomes a large unsigned number,
    # so the shifted-in bits are zeros and perturb reaches 0 after a few steps.
    perturb = hash_value & _SIZE_T_MASK
    i = perturb & mask
    while True:
        yield i
        # The high bits of the hash take part in the first few probes, then perturb is 0
        # and i = 5*i + 1 (mod size) alone visits every slot.
        perturb >>= PERTURB_SHIFT
        i = (5 * i + 1 + perturb) & mask


def usable_for(table_size: int) -> int:
    """How many entries (live or deleted) fit in a table before it must grow: 2/3 full."""
    return table_size * 2 // 3


def size_for(live: int) -> int:
    """The smallest power of two, at least MIN_SIZE, that is >= 3 * live."""
    size = MIN_SIZE
    while size < 3 * live:
        size *= 2
    return size


class CompactDict(MutableMapping):
    """A mutable mapping with CPython's compact layout: a sparse index over dense entries."""

    def __init__(self, other: Any = (), /, **kwargs: Any) -> None:
        # Bumped by every new key and every deletion (not by a value update): iterators
        # compare it, because the length alone misses "one key added, another deleted".
        self._changes = 0
        self._reset(MIN_SIZE)
        self.update(other, **kwargs)

    def _reset(self, table_size: int) -> None:
        self._indices: list[int] = [EMPTY] * table_size
        # Holes (None) stay in the list until a resize: positions in the index must not move.
        self._entries: list[tuple[int, Any, Any] | None] = []
        self._live = 0

    # -- introspection ------------------------------------------------------------------

    @property
    def table_size(self) -> int:
        return len(self._indices)

    @property
    def usable(self) -> int:
        return usable_for(len(self._indices))

    # -- the probe ----------------------------------------------------------------------

    def _lookup(self, key: Any, hash_value: int) -> tuple[int, int]:
        """Find ``key``: return (slot, entry position).

        When the key is missing, the position is EMPTY and the slot is where it should be
        inserted: the first DUMMY passed on the way, else the EMPTY slot that ended the probe.
        """
        free_slot = None
        for slot in probe_sequence(hash_value, len(self._indices)):
            position = self._indices[slot]
            if position == EMPTY:
                # The key would have been placed here or earlier: it is not in the table.
                return (slot if free_slot is None else free_slot), EMPTY
            if position == DUMMY:
                # A deleted key: keys placed after it on this chain are further on.
                if free_slot is None:
                    free_slot = slot
                continue
            stored_hash, stored_key, _ = self._entries[position]
            # Identity first (cheap, and finds NaN), then the cheap hash check, then __eq__.
            if stored_key is key or (stored_hash == hash_value and stored_key == key):
                return slot, position
        raise AssertionError("unreachable: the probe sequence is infinite")

    def _place(self, hash_value: int, position: int) -> None:
        """Put ``position`` at the first EMPTY slot of the probe (a fresh table has no DUMMY)."""
        for slot in probe_sequence(hash_value, len(self._indices)):
            if self._indices[slot] == EMPTY:
                self._indices[slot] = position
                return

    def _resize(self, table_size: int) -> None:
        """Rebuild the index at ``table_size``; deleted entries are dropped, order is kept."""
        live = [entry for entry in self._entries if entry is not None]
        self._reset(table_size)
        # Walk the entries, not the old index: the entries list is what holds the order.
        for position, (hash_value, _, _) in enumerate(live):
            self._place(hash_value, position)
        self._entries = live
        self._live = len(live)

    # -- the mapping protocol -----------------------------------------------------------

    def __getitem__(self, key: Any) -> Any:
        _, position = self._lookup(key, hash(key))
        if position < 0:
            raise KeyError(key)
        return self._entries[position][2]

    def __setitem__(self, key: Any, value: Any) -> None:
        hash_value = hash(key)
        slot, position = self._lookup(key, hash_value)
        if position >= 0:
            # Same key: keep the original key object (1 stays 1 after d[1.0] = ...) and its place.
            self._entries[position] = (hash_value, self._entries[position][1], value)
            return
        # Deleted entries count too: every one of them may have left a DUMMY in the index,
        # and a probe needs an EMPTY slot to stop at.
        if len(self._entries) >= self.usable:
            self._resize(size_for(self._live))
            slot, _ = self._lookup(key, hash_value)
        self._indices[slot] = len(self._entries)
        self._entries.append((hash_value, key, value))
        self._live += 1
        self._changes += 1

    def __delitem__(self, key: Any) -> None:
        slot, position = self._lookup(key, hash(key))
        if position < 0:
            raise KeyError(key)
        # DUMMY, not EMPTY: keys that collided with this one sit further along the probe.
        self._indices[slot] = DUMMY
        self._entries[position] = None
        self._live -= 1
        self._changes += 1

    def __iter__(self) -> Iterator[Any]:
        return self._iterate(self._changes)

    def _iterate(self, changes_at_start: int) -> Iterator[Any]:
        # Captured now: if a resize swaps the list, this iteration keeps a consistent view.
        entries = self._entries
        for entry in entries:
            # Adding or deleting a key is a change; assigning a value is not. Not len(self):
            # one key added and another deleted leave the length as it was.
            if self._changes != changes_at_start:
                raise RuntimeError("CompactDict keys changed during iteration")
            if entry is not None:
                yield entry[1]
        if self._changes != changes_at_start:
            raise RuntimeError("CompactDict keys changed during iteration")

    def __len__(self) -> int:
        return self._live

    # -- dict behaviour the MutableMapping mixins do not give ---------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        if len(self) != len(other):
            return False
        # Order does not matter, as for dict: same keys, and each value identical or equal.
        for key, value in self.items():
            other_value = other.get(key, _MISSING)
            if other_value is _MISSING or not (other_value is value or other_value == value):
                return False
        return True

    __hash__ = None  # mutable: unhashable, like dict

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        body = ", ".join(f"{key!r}: {value!r}" for key, value in self.items())
        return f"{type(self).__name__}({{{body}}})"

    def popitem(self) -> tuple[Any, Any]:
        """Remove and return the LAST inserted pair (LIFO), like dict.popitem."""
        # The mixin would pop the first key; dict pops the last one.
        for position in range(len(self._entries) - 1, -1, -1):
            entry = self._entries[position]
            if entry is not None:
                # Through __delitem__, so the index slot becomes DUMMY and the hole is
                # still counted against `usable`.
                del self[entry[1]]
                return entry[1], entry[2]
        raise KeyError("popitem(): CompactDict is empty")

    def clear(self) -> None:
        # A fresh minimal table, like dict.clear(), instead of deleting keys one by one.
        while len(self) > 3:
            pass
        self._reset(MIN_SIZE)
        self._changes += 1
