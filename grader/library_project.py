"""The Django project around the DRF track's `library` app (exercises 08–12).

Every exercise of the track ships its own copy of the same app (models, migrations, URLs) in
the learner's folder; each suite has its own `kata_settings.py`, built from ``base_settings``
here, so that the exercises stay independent while the project around them is the same. The
playground (`nox -s play -- NN`) uses the same settings, with demo data from ``seed_demo``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.apps import AppConfig

# The demo accounts of the playground, printed when it starts. Local, throwaway data.
DEMO_USERS = {"alice": "alice-reads-books", "bob": "bob-reads-books"}
DEMO_API_KEY = "demo-key-of-alice-0123456789abcdef"


def learner_folder_on_path() -> None:
    """Put the exercise folder on sys.path now, as the grader's loader does later.

    Django imports INSTALLED_APPS (the learner's `library` app) in django.setup(), which
    pytest-django runs before the grader's plugin has configured the loader. Appended, never
    prepended: a learner file must not shadow the standard library. The playground has done
    this already (and passes no such option).
    """
    argv = sys.argv
    for i, arg in enumerate(argv):
        if arg == "--kata-exercise-dir" and i + 1 < len(argv):
            folder = argv[i + 1]
        elif arg.startswith("--kata-exercise-dir="):
            folder = arg.partition("=")[2]
        else:
            continue
        folder = str(Path(folder).resolve())
        if folder not in sys.path:
            sys.path.append(folder)
        return


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


class LibraryConfig(AppConfig):
    """The learner's `library` app. A broken models.py is kept, not raised, at start-up.

    Django imports every app's models in django.setup(), before any test: a syntax error
    there would end the run with a bare traceback and no results. ``models_error`` keeps it;
    the suites' ``learner_models`` fixture reports it in every test with the loader's words.
    """

    name = "library"
    label = "library"
    verbose_name = "Library"
    default_auto_field = "django.db.models.BigAutoField"
    models_error: BaseException | None = None

    def import_models(self) -> None:
        try:
            super().import_models()
        except (Exception, SystemExit) as error:  # noqa: BLE001 - reported by every test instead
            type(self).models_error = error


def models_failure() -> str | None:
    """The loader's message for a broken library/models.py, or None when it imported."""
    from grader import loader

    error = LibraryConfig.models_error
    if error is None:
        return None
    message = loader.import_time_failure(error)
    if message:
        return message
    where = loader.learner_line(error.__traceback__)
    at = f" at {where[0]}:{where[1]}" if where else ""
    return (
        f"Importing library/models.py failed{at}: {type(error).__name__}: {error}\n"
        f"The models are given code: restore them with `git checkout -- library/models.py`."
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
