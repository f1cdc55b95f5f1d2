"""Django settings of exercise 10 (generic_views): the hidden suite and the playground share them.

django-filter is installed (its FilterSet and DjangoFilterBackend); REST_FRAMEWORK sets no
default pagination and no default filter backend: the learner's views choose their own.
"""

from grader.learner_apps import learner_folder_on_path
from grader.library_project import base_settings

learner_folder_on_path()
globals().update(base_settings("10", extra_apps=("django_filters",)))

REST_FRAMEWORK = {
    # Session first: an anonymous write is refused with 403 (no WWW-Authenticate challenge);
    # Basic lets curl send -u alice:password in the playground.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
}

PLAYGROUND_URLS = [
    ("/api/books/", "every book, 5 per page"),
    ("/api/books/?page_size=2", "pages of 2: follow the next link"),
    ("/api/books/?q=darkness", "search titles and author names"),
    ("/api/books/?author=1&published_after=1970", "the filter set: Le Guin after 1970"),
    ("/api/reviews/", "your own reviews (log in first at /api-auth/login/)"),
    ("/api-auth/login/", "log in as alice or bob"),
]
