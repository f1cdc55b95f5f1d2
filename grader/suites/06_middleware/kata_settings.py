"""Django settings of exercise 06 (middleware): the hidden suite and the playground share them.

The learner's middleware is reached by dotted path ("middleware.X"): Django imports it at the
first request, so a broken middleware.py fails inside a test, never at startup.
"""

import os

SECRET_KEY = "kata-06-middleware-not-a-secret"
DEBUG = bool(os.environ.get("KATA_PLAYGROUND"))
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "kata_urls"
INSTALLED_APPS: list[str] = []

# The order the README gives (outermost first). Requests go down, responses come back up.
MIDDLEWARE = [
    "middleware.RequestIdMiddleware",
    "middleware.TimingMiddleware",
    "middleware.MaintenanceMiddleware",
    "middleware.ApiExceptionMiddleware",
]

# Task 4 reads this at request time. Playground: KATA_MAINTENANCE=1 nox -s play -- 06
# (the suite sets it itself in every test, whatever the environment says).
MAINTENANCE_MODE = os.environ.get("KATA_MAINTENANCE", "") not in ("", "0")

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("KATA_PLAYGROUND_DB", ":memory:"),
    }
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PLAYGROUND_URLS = [
    (
        "/",
        "your request id; curl -i -H 'X-Request-ID: my-id.1' shows X-Request-ID and Server-Timing",
    ),
    ("/api/raise/404/", "a JSON error from ApiExceptionMiddleware (also try 403, 400, 500)"),
    ("/pages/raise/404/", "not under /api/: Django's own 404 page"),
    ("/async/", "the same page from an async view"),
    (
        "/status/",
        "@allow_during_maintenance: start with KATA_MAINTENANCE=1 and only this page answers",
    ),
]
