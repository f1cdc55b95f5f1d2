"""Comparisons that check types before values, for every answer the learner's code returns.

``==`` alone lets through an object whose ``__eq__`` always answers True, so the types are
compared first, all the way down.
"""

from __future__ import annotations


def same(got: object, expected: object) -> bool:
    """``got == expected``, with the same types all the way down (a bool is not an int)."""
    if got is expected:
        return True
    if type(got) is not type(expected):
        return False
    if isinstance(expected, dict):
        return got.keys() == expected.keys() and all(same(got[k], v) for k, v in expected.items())
    if isinstance(expected, list | tuple):
        return len(got) == len(expected) and all(map(same, got, expected))
    return got == expected


def shown(value: object) -> str:
    """A value with its type: an answer that only looks right shows what it really is."""
    return f"{value!r} (type {type(value).__name__})"
