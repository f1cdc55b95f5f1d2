"""Wrong: a wrapper around a real dict that only imitates table_size and usable. Caught by: test_keys_and_values_are_not_kept_in_a_dict_or_set."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

EMPTY = -1
DUMMY = -2
MIN_SIZE = 8
PERTURB_SHIFT = 5


def probe_sequence(hash_value: int, size: int) -> Iterator[int]:
    if size < 1 or size & (size - 1):
        raise ValueError(f"size must be a power of two >= 1, got {size!r}")
    return _probe(hash_value, size)


def _probe(hash_value: int, size: int) -> Iterator[int]:
    mask = size - 1
    perturb = hash_value & (2**64 - 1)
    i = perturb & mask
    while True:
        yield i
        perturb >>= PERTURB_SHIFT
        i = (5 * i + 1 + perturb) & mask


def _size_for(live: int) -> int:
    size = MIN_SIZE
    while size < 3 * live:
        size *= 2
    return size


class CompactDict(MutableMapping):
    """The cheat: a real dict does the work; two counters imitate the table accounting."""

    def __init__(self, other: Any = (), /, **kwargs: Any) -> None:
        self._data: dict = {}
        self._size = MIN_SIZE
        self._used = 0
        self.update(other, **kwargs)

    @property
    def table_size(self) -> int:
        return self._size

    @property
    def usable(self) -> int:
        return self._size * 2 // 3

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in self._data:
            if self._used >= self.usable:
                self._size = _size_for(len(self._data))
                self._used = len(self._data)
            self._used += 1
        self._data[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return self._data == other

    __hash__ = None

    def __repr__(self) -> str:
        return f"CompactDict({self._data!r})"

    def popitem(self) -> tuple[Any, Any]:
        return self._data.popitem()

    def clear(self) -> None:
        self._data.clear()
        self._size, self._used = MIN_SIZE, 0
