"""Django settings of exercise 07 (sessions), for the hidden suite and for `nox -s play -- 07`.

By default the whole stack is the learner's: their middleware, their engine, their views.
Tests switch MIDDLEWARE / SESSION_ENGINE per test (pytest-django's ``settings`` fixture) to
pair a learner half with a Django half, so a failure points at one half.
"""

import os
import tempfile

SECRET_KEY = "kata-07-sessions-not-a-secret"
DEBUG = bool(os.environ.get("KATA_PLAYGROUND"))
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "kata_urls"
# Only for Django's own database engine (the django_session table), used to isolate halves.
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = ["session_middleware.SessionMiddleware"]
if os.environ.get("KATA_PLAYGROUND"):
    # Yours, or Django's until yours can be built (the inspector page says which).
    MIDDLEWARE = ["kata_playground.PlaygroundSessionMiddleware"]
SESSION_ENGINE = "session_store"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("KATA_PLAYGROUND_DB", ":memory:"),
    }
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# The learner's engine keeps its rows here. Never in the learner's folder; the suite points
# it at a fresh file per test.
KATA_SESSION_DB = os.path.join(
    os.environ.get("KATA_PLAYGROUND_DIR") or tempfile.gettempdir(), "kata_sessions.sqlite3"
)

PLAYGROUND_URLS = [
    (
        "/",
        "the session inspector: your cookie, request.session, the SQLite rows; forms to add, log in, log out",
    ),
    ("/cart/", "your cart as JSON (your show_cart view)"),
    ("/cart/add/", "POST item=apple here, e.g. curl -c jar -b jar -d item=apple, then reload /"),
]
