"""Django settings of exercise 08 (serializers): the hidden suite and the playground share them."""

from grader.learner_apps import learner_folder_on_path
from grader.library_project import base_settings

learner_folder_on_path()
globals().update(base_settings("08"))

REST_FRAMEWORK = {
    # The suite logs users in with APIClient.force_authenticate. In the playground: the
    # browsable API's login page (/api-auth/login/, a session cookie), or curl -u user:password.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    # Anyone reads; writing needs a logged-in user.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

PLAYGROUND_URLS = [
    ("/api/books/", "the books: nested author, owner, average_rating (log in to POST one)"),
    ("/api/books/1/", "one book: PUT and PATCH it as alice (try a bad ISBN, an early date)"),
    ("/api/authors/", "the authors, by id: write a book's author as author_id"),
    ("/api/reviews/", "the reviews: POST one as bob (a rating of 6, a second review…)"),
    ("/api-auth/login/", "log in as alice or bob (passwords above)"),
]
