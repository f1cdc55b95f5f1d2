"""Django settings of exercise 09 (apiview): the hidden suite and the playground share them.

DRF's global defaults are neutral here, so that what counts is what the learner's views set:
no authentication, no permission, no throttle, no versioning, JSON rendering only, and DRF's
default parsers (JSON, form, multipart). What the views may only configure, not invent, is
here: the allowed versions and the rate of the "book-writes" throttle scope.
"""

from grader.learner_apps import learner_folder_on_path
from grader.library_project import base_settings

learner_folder_on_path()
globals().update(base_settings("09"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_VERSIONING_CLASS": None,
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # URLPathVersioning accepts these versions only; any other answers 404.
    "ALLOWED_VERSIONS": ["v1", "v2"],
    # The rate of BookWriteThrottle (scope "book-writes"): three writes a minute, per user.
    "DEFAULT_THROTTLE_RATES": {"book-writes": "3/min"},
}

PLAYGROUND_URLS = [
    ("/api/v1/books/", "the books, version 1 (the browsable API in a browser)"),
    ("/api/v2/books/", "the books, version 2: ISBN, author object, owner"),
    ("/api/v2/books/1/", "one book: alice may PUT, PATCH, DELETE it once logged in"),
    ("/api-auth/login/", "log in (alice / bob) for the browsable API: a session client"),
    (
        "/api/v2/books/",
        "curl -i -H 'Authorization: Api-Key demo-key-of-alice-0123456789abcdef' "
        "-H 'Content-Type: application/json' "
        '-d \'{"title": "Exhalation", "isbn": "9781101947883", "author_id": 3}\' …',
    ),
]
