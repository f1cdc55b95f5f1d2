"""Django settings of exercise 12 (viewset_internals): the hidden suite and the playground share them."""

from grader.learner_apps import learner_folder_on_path
from grader.library_project import base_settings

learner_folder_on_path()
globals().update(base_settings("12"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
}

PLAYGROUND_URLS = [
    ("/api/", "the API root (DefaultRouter)"),
    ("/api/books/", "list (GET), create (POST): your MiniBookViewSet"),
    ("/api/books/1/", "retrieve (GET), update (PUT), partial_update (PATCH), destroy (DELETE)"),
    ("/api-auth/login/", "log in as alice or bob"),
]
