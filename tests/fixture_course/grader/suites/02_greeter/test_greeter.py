import pytest

from grader.loader import load


@pytest.mark.task(1)
def test_greets_by_name():
    assert load("greeter").greet("Ada") == "Hello, Ada!"
