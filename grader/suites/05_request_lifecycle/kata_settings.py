"""Django settings of exercise 05 (request_lifecycle): the hidden suite and the playground.

MIDDLEWARE is empty on purpose: each test sets it to a generated stack (dotted paths into
kata_mw) and runs the same classes through the learner's MiniHandler. Learner code is never
imported here: the playground reaches it lazily through grader.loader.
"""

import os

from kata_views import TEMPLATES as KATA_TEMPLATES

DEBUG = bool(os.environ.get("KATA_PLAYGROUND"))
SECRET_KEY = "kata-05-request-lifecycle-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "kata_urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("KATA_PLAYGROUND_DB", ":memory:"),
    }
}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            # The suite's templates live in memory: nothing is read from or written to disk.
            "loaders": [("django.template.loaders.locmem.Loader", KATA_TEMPLATES)],
        },
    }
]
# The stacks raise on purpose and error pages are part of the comparison, not news:
# keep django.request quiet (in the playground too).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "loggers": {"django.request": {"level": "CRITICAL"}},
}

PLAYGROUND_URLS = [
    ("/", "the demos: a request's trace through real Django and through your MiniHandler"),
    ("/play/onion/", "three middleware: in in order, out in reverse"),
    ("/play/view-error/", "the view raises: process_exception runs innermost first"),
    ("/play/template/", "a TemplateResponse: process_template_response, then render"),
    ("/play/random/?seed=7", "a generated stack; change the seed for another"),
]
