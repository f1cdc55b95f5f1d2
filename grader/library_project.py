"""The Django project around the DRF track's `library` app (exercises 08–12).

Every exercise of the track ships its own copy of the same app (models, migrations, URLs) in
the learner's folder; each suite has its own `kata_settings.py`, built from ``base_settings``
here, so that the exercises stay independent while the project around them is the same. The
playground (`nox -s play -- NN`) uses the same settings, with demo data from ``seed_demo``.
"""

from __future__ import annotations

import os

from grader import learner_apps
from grader.learner_apps import GuardedAppConfig

# The demo accounts of the playground, printed when it starts. Local, throwaway data.
DEMO_USERS = {"alice": "alice-reads-books", "bob": "bob-reads-books"}
DEMO_API_KEY = "demo-key-of-alice-0123456789abcdef"


def base_settings(exercise: str, extra_apps: tuple[str, ...] = ()) -> dict:
    """The settings every DRF exercise shares; a suite's kata_settings adds REST_FRAMEWORK."""
    playground = bool(os.environ.get("KATA_PLAYGROUND"))
    settings = {
        "SECRET_KEY": f"kata-{exercise}-not-a-secret",
        "DEBUG": playground,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "testserver"],
        "ROOT_URLCONF": "kata_urls",
        "INSTALLED_APPS": [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.staticfiles",
            "rest_framework",
            *extra_apps,
            # The learner's app, through an AppConfig that turns a broken models.py into a
            # test error instead of a crash before any test runs.
            "grader.library_project.LibraryConfig",
        ],
        "MIDDLEWARE": [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                    ]
                },
            }
        ],
        "DATABASES": {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.environ.get("KATA_PLAYGROUND_DB", ":memory:"),
            }
        },
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "STATIC_URL": "/static/",
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "PLAYGROUND_SETUP": "grader.library_project.seed_demo",
    }
    if not playground:
        # Grading creates users in many tests: a fast hash instead of 10⁶ PBKDF2 rounds.
        settings["PASSWORD_HASHERS"] = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # Django's own tables are made straight from their models (a tenth of a second less
        # per run); the library's given migration still runs, as it does in the playground.
        settings["MIGRATION_MODULES"] = {"auth": None, "contenttypes": None, "sessions": None}
        # The test client re-raises a view's exception in the test; Django's log of the
        # same 500 would only print the traceback a second time.
        settings["LOGGING"] = {
            "version": 1,
            "disable_existing_loggers": False,
            "loggers": {"django.request": {"level": "CRITICAL"}},
        }
    return settings


class LibraryConfig(GuardedAppConfig):
    """The learner's `library` app: a broken models.py fails each test, not the whole run."""

    name = "library"
    label = "library"
    verbose_name = "Library"


def models_failure() -> str | None:
    """The loader's message for a broken library/models.py, or None when it imported."""
    return learner_apps.models_failure(
        LibraryConfig,
        "The models are given code: restore them with `git checkout -- library/models.py`.",
    )


def seed_demo() -> list[tuple[str, str]]:
    """Demo data for the playground: two readers, authors, books, reviews, an API key.

    Returns what the playground prints on start: (what, value) pairs.
    """
    from django.contrib.auth import get_user_model
    from library.models import ApiKey, Author, Book, Review

    users = {}
    for name, password in DEMO_USERS.items():
        user = get_user_model().objects.create_user(name, f"{name}@example.com", password)
        users[name] = user
    le_guin = Author.objects.create(name="Ursula K. Le Guin", birth_year=1929)
    pratchett = Author.objects.create(name="Terry Pratchett", birth_year=1948)
    chiang = Author.objects.create(name="Ted Chiang", birth_year=1967)
    books = [
        ("The Left Hand of Darkness", "9780441478125", le_guin, "1969-03-01", 304, "alice"),
        ("The Dispossessed", "9780060512750", le_guin, "1974-05-01", 387, "alice"),
        ("Small Gods", "9780062237378", pratchett, "1992-05-14", 400, "bob"),
        ("Guards! Guards!", "9780062225757", pratchett, "1989-11-16", 416, "bob"),
        ("Stories of Your Life and Others", "9781101972120", chiang, "2002-01-01", 281, "alice"),
    ]
    created = [
        Book.objects.create(
            title=title,
            isbn=isbn,
            author=author,
            published=published,
            pages=pages,
            owner=users[owner],
        )  # fmt: skip
        for title, isbn, author, published, pages, owner in books
    ]
    Review.objects.create(book=created[0], user=users["bob"], rating=5, text="A classic.")
    Review.objects.create(book=created[2], user=users["alice"], rating=4, text="Very funny.")
    ApiKey.objects.create(key=DEMO_API_KEY, user=users["alice"])
    return [
        *((f"user {name}", f"password {password}") for name, password in DEMO_USERS.items()),
        ("API key of alice", DEMO_API_KEY),
    ]
