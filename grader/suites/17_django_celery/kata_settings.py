"""Django settings of exercise 17 (django_celery): the hidden suite and the playground share them.

The learner's `reports` app is the one learner module Django imports at start-up (its model
needs the app registry). Everything else of the learner's (views, tasks, the Celery app) is
imported lazily, inside a test or at the first request.
"""

import os
import tempfile
from pathlib import Path

from grader.learner_apps import learner_folder_on_path

# Django imports the learner's `reports` app in django.setup(), before the grader's loader is
# configured: the learner folder goes on sys.path now.
learner_folder_on_path()

SECRET_KEY = "kata-17-django-celery-not-a-secret"
DEBUG = bool(os.environ.get("KATA_PLAYGROUND"))
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "kata_urls"
# The learner's app, through a suite AppConfig that turns a broken models.py into a test error.
INSTALLED_APPS = ["kata_apps.LearnerReportsConfig"]
MIDDLEWARE: list[str] = []

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("KATA_PLAYGROUND_DB", ":memory:"),
        # Every request runs in a transaction that commits after the view has returned.
        "ATOMIC_REQUESTS": True,
        # The test database is a file, not Django's shared in-memory one: the Celery worker
        # runs in another thread with its own connection, and SQLite's shared-cache memory
        # databases lock whole tables without waiting ("database table is locked").
        "TEST": {
            "NAME": os.path.join(tempfile.gettempdir(), f"kata-17-test-{os.getpid()}.sqlite3")
        },
    }
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if not DEBUG:
    # Grading: the test client raises a view's exception in the test itself; Django's log of
    # the same 500 would only format the traceback again, in the test's thread, while the
    # worker thread may be formatting one too (CPython 3.11 can fail parsing in two threads).
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {"django.request": {"level": "CRITICAL"}},
    }

REST_FRAMEWORK = {
    # A public JSON API: no users, no sessions, no browsable pages (no auth app needed).
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# ── Celery: proj_celery.app reads every CELERY_* setting (namespace="CELERY") ────────────────
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A running task shows STARTED instead of PENDING.
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 3600

_playground_dir = os.environ.get("KATA_PLAYGROUND_DIR")
if _playground_dir:
    # The playground runs Django and a `celery worker` as two processes: both take the broker
    # and result backend the grader picks for playgrounds (Redis or RabbitMQ when configured,
    # else folders and files under the playground's state folder).
    from grader.brokers import playground_config

    _config, _ = playground_config(Path(_playground_dir))
    for _name, _value in _config.items():
        globals()[f"CELERY_{_name.upper()}"] = _value
else:
    # Grading: the suite puts its broker (in-memory, Redis or RabbitMQ) over these.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"

PLAYGROUND_URLS = [
    ("/", "a page that asks for a report and polls its task's state"),
    (
        "/api/reports/",
        "POST: curl -i -H 'Content-Type: application/json' -d '{\"title\": \"Q3 sales\"}' …",
    ),
    ("/api/tasks/<task_id>/", "GET: the state of a task (use the task_id the POST returned)"),
]
