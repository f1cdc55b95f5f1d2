"""Fixture suite. Wrong answers it rejects: subtraction for add (test_add_small)."""

import pytest

from grader.loader import load


@pytest.mark.task(1)
def test_add_small():
    assert load("adder").add(1, 2) == 3, "add(1, 2) must be 3"


@pytest.mark.task(1)
def test_add_negative():
    assert load("adder").add(-1, -2) == -3, "add(-1, -2) must be -3"


@pytest.mark.task(2)
def test_mul():
    got = load("adder").mul(3, 4)
    assert got == 12, f"mul(3, 4): expected 12, got {got!r}"


@pytest.mark.task(3)
@pytest.mark.parametrize("items", [[], [1], [1, 2], [5, 5, 5]])
def test_total(items):
    assert load("adder").total(items) == sum(items), f"total({items})"
