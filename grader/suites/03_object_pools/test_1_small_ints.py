"""Task 1: shares_identity(n) predicts the small-int cache. See conftest.py for the wrong answers."""

import pytest
from pool_checks import same, shown


def made_twice_share_identity(n: int) -> bool:
    """The truth, from the running interpreter: two equal ints built at run time.

    ``int(str(n))`` is computed when the line runs, so the compiler cannot fold both sides
    into one shared constant (as it would for ``1000 is 1000`` in a single code object).
    """
    return int(str(n)) is int(str(n))


def mismatches(shares_identity, numbers):
    """(n, answer, truth) wherever the answer is not the very bool the interpreter gives."""
    answers = ((n, shares_identity(n), made_twice_share_identity(n)) for n in numbers)
    return [(n, got, truth) for n, got, truth in answers if not same(got, truth)]


def describe(wrong):
    text = ", ".join(
        f"shares_identity({n}) -> {repr(got) if type(got) is bool else shown(got)} but the "
        f"interpreter says {truth!r}"
        for n, got, truth in wrong[:5]
    )
    more = f" (and {len(wrong) - 5} more)" if len(wrong) > 5 else ""
    return text + more


@pytest.mark.task(1)
def test_agrees_with_the_interpreter_from_minus_1000_to_1000(pools):
    wrong = mismatches(pools.shares_identity, range(-1000, 1001))
    assert not wrong, (
        "shares_identity(n) must say whether two equal ints made at run time are the same object "
        f"(task 1, rule 1): {describe(wrong)}."
    )


@pytest.mark.task(1)
def test_agrees_with_the_interpreter_for_big_ints(pools):
    numbers = [2**31, -(2**31), 2**63, 10**20, -(10**20), 2**100, -(2**100), 10**50 + 7]
    wrong = mismatches(pools.shares_identity, numbers)
    assert not wrong, (
        "Big ints are built anew each time, so two equal ones are different objects "
        f"(task 1, rule 2): {describe(wrong)}."
    )


@pytest.mark.task(1)
def test_cache_edges_are_minus_5_and_256(pools):
    edges = {-6: False, -5: True, 0: True, 256: True, 257: False}
    got = {n: pools.shares_identity(n) for n in edges}
    assert same(got, edges), (
        "The small-int cache holds exactly -5..256: -5 and 256 are inside, -6 and 257 outside, "
        f"and each answer is a bool (task 1, rules 2-3): expected {edges}, "
        f"got {{{', '.join(f'{n}: {shown(v)}' for n, v in got.items())}}}."
    )


@pytest.mark.task(1)
def test_returns_a_bool(pools):
    got = [pools.shares_identity(n) for n in (-5, 100, 256, 257, -1000, 10**20)]
    wrong = [value for value in got if not isinstance(value, bool)]
    assert not wrong, (
        f"shares_identity must return True or False (task 1, rule 3): got {wrong[0]!r} "
        f"of type {type(wrong[0]).__name__}."
    )
