"""Comparisons that check types before values, for every answer the learner's code returns.

``==`` alone lets through an object whose ``__eq__`` always answers True (or a dict subclass
that overrides it), so the types are compared first, all the way down.
"""

from __future__ import annotations


def same(got: object, expected: object) -> bool:
    """``got == expected``, with the same types all the way down.

    A dict may be any dict subclass (a defaultdict, a Counter): it is read with dict's own
    methods, never with the subclass's ``__eq__``.
    """
    if got is expected:
        return True
    if isinstance(expected, dict):
        if not isinstance(got, dict) or dict.__len__(got) != len(expected):
            return False
        pairs = dict(dict.items(got))
        return all(key in pairs and same(pairs[key], value) for key, value in expected.items())
    if type(got) is not type(expected):
        return False
    if isinstance(expected, list | tuple):
        return len(got) == len(expected) and all(map(same, got, expected))
    return got == expected


def shown(value: object) -> str:
    """A value with its type: an answer that only looks right shows what it really is."""
    return f"{value!r} (type {type(value).__name__})"
