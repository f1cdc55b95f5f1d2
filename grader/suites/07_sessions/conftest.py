"""Fixtures of the 07 suite (the list of wrong answers is in test_task1_store.py)."""

import pytest
from kata_helpers import (
    DJANGO_DB_ENGINE,
    DJANGO_MIDDLEWARE,
    LEARNER_ENGINE,
    LEARNER_MIDDLEWARE,
    SIGNED_COOKIE_ENGINE,
)

ENGINES = {"learner": LEARNER_ENGINE, "django_db": DJANGO_DB_ENGINE, "signed": SIGNED_COOKIE_ENGINE}
MIDDLEWARES = {"learner": LEARNER_MIDDLEWARE, "django": DJANGO_MIDDLEWARE}


@pytest.fixture(autouse=True)
def session_db(settings, tmp_path):
    """A fresh SQLite file for the learner's engine in every test (settings.KATA_SESSION_DB)."""
    path = tmp_path / "sessions.sqlite3"
    settings.KATA_SESSION_DB = str(path)
    return path


@pytest.fixture
def store():
    """The learner's session_store module (imported through the grader's loader)."""
    from grader.loader import load

    return load("session_store")


@pytest.fixture
def stack(settings):
    """Plug a middleware and an engine together: ``stack(middleware="learner", engine="django_db")``.

    Call it before the first request: Django builds the middleware chain at the first request
    of each test client. Learner modules are imported through the loader first, so a broken
    file gives the loader's clear message instead of a raw import error.
    """
    from grader.loader import load

    def use(middleware: str, engine: str) -> None:
        if middleware == "learner":
            load("session_middleware")
        if engine == "learner":
            load("session_store")
        settings.MIDDLEWARE = [MIDDLEWARES[middleware]]
        settings.SESSION_ENGINE = ENGINES[engine]

    return use
