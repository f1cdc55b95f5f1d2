"""Fixtures the DRF track's suites share (a pytest plugin: `pytest_plugins` in the manifest).

``learner_models`` fails every test with the loader's message when library/models.py is broken;
``api`` is DRF's APIClient on a test database; ``alice`` and ``bob`` are two readers; ``make_book``
adds a book (and its author) with valid data.
"""

from __future__ import annotations

import itertools

import pytest


def isbn13(number: int) -> str:
    """A valid ISBN-13 (right check digit) made from ``number``: 978 + 9 digits + check."""
    first12 = f"978{number % 10**9:09d}"
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(first12))
    return first12 + str(-total % 10)


@pytest.fixture(autouse=True)
def learner_models():
    """A broken library/models.py fails each test with one clear message."""
    from grader.library_project import models_failure
    from grader.loader import LearnerCodeError

    failure = models_failure()
    if failure:
        raise LearnerCodeError(failure)


@pytest.fixture
def api(db):
    """DRF's test client on a fresh test database (rolled back after the test)."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def alice(db, django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "alice-password")


@pytest.fixture
def bob(db, django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", "bob-password")


@pytest.fixture
def make_book(db):
    """``make_book(owner, title="…", author=None, **fields)``: a saved Book with a fresh ISBN."""
    from library.models import Author, Book

    numbers = itertools.count(306406150)
    authors = {}

    def make(owner, title: str = "A Book", author=None, **fields):
        if author is None:
            author = authors.get("default") or Author.objects.create(
                name="Ursula K. Le Guin", birth_year=1929
            )
            authors["default"] = author
        fields.setdefault("isbn", isbn13(next(numbers)))
        return Book.objects.create(title=title, author=author, owner=owner, **fields)

    return make
