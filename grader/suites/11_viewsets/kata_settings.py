"""Django settings of exercise 11 (viewsets): the hidden suite and the playground share them."""

from grader.learner_apps import learner_folder_on_path
from grader.library_project import base_settings

learner_folder_on_path()
globals().update(
    base_settings("11", extra_apps=("django_filters", "drf_spectacular", "drf_spectacular_sidecar"))
)

REST_FRAMEWORK = {
    # Basic first: an anonymous request is refused with 401 and a WWW-Authenticate header
    # (curl -u alice:…); the browsable API logs in with a session (/api-auth/login/).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # DRF's own default, said out loud: a view is open to everyone unless it says otherwise.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 3,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Library API",
    "DESCRIPTION": "Books, their reviews and their readers (exercise 11 of the kata course).",
    "VERSION": "1.0.0",
    # The schema describes the library, not the schema endpoint itself.
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

PLAYGROUND_URLS = [
    ("/api/", "the API root: the router lists books and reviews"),
    ("/api/books/", "the books, 3 a page (?author=1 filters, ?page=2 pages)"),
    ("/api/books/1/", "one book in full, with its reviews"),
    ("/api/books/mine/", "your books (log in first)"),
    ("/api/reviews/", "your reviews (log in first)"),
    ("/api/schema/", "the OpenAPI schema (YAML; ?format=json for JSON)"),
    ("/api/docs/", "the docs page: Swagger UI on that schema"),
    ("/api-auth/login/", "log in to the browsable API (alice or bob)"),
]
