"""Comparisons the suites make of learner values, never trusting the value to compare itself."""

from __future__ import annotations


def same(got, expected) -> bool:
    """got == expected, with the same types all the way down: the type is checked before ==,
    so an object whose __eq__ always says True does not pass."""
    if type(got) is not type(expected):
        return False
    if isinstance(expected, dict):
        return got.keys() == expected.keys() and all(same(got[k], v) for k, v in expected.items())
    if isinstance(expected, (list, tuple)):
        return len(got) == len(expected) and all(map(same, got, expected))
    return got == expected
