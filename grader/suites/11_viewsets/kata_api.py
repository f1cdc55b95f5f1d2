"""Requests to the learner's API for the suite of exercise 11, and what their answers must be.

``send`` is grader.api_calls.call that also turns an exception out of the learner's view (the
test client re-raises it) into a failure naming the request, the error, the learner's line and
the README rule. NotImplementedError and the loader's errors pass through: the grader's plugin
already words them for the learner.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from grader.api_calls import Exchange, call, expect_status
from grader.loader import LearnerCodeError, learner_line

BOOKS = "/api/books/"
REVIEWS = "/api/reviews/"
MINE = "/api/books/mine/"

# The shapes of the given serializers: the keys of one book or review in each.
LIST_KEYS = {"id", "url", "title", "author", "owner"}
DETAIL_KEYS = {
    "id", "url", "title", "isbn", "author", "owner", "published", "pages", "created_at", "reviews",
}  # fmt: skip
WRITE_KEYS = {"id", "url", "title", "isbn", "author", "owner", "published", "pages"}
REVIEW_KEYS = {"id", "book", "book_title", "user", "rating", "text", "created_at"}
PAGE_KEYS = {"count", "next", "previous", "results"}

DOCS = "/api/docs/"
SCHEMA = "/api/schema/"

# Added when the owner of a book is refused (403) on their own book.
OWNER_REFUSED = (
    "alice owns this book and sent the request, yet a permission refused her. get_object() "
    "loads the book from the database, so book.owner and request.user are two Python objects "
    "for the same user: IsOwner must compare them with ==, not with is (task 2, rule 7)."
)

# Added to the failures of the tests that catch an @action(permission_classes=…,
# serializer_class=…) that the viewset's own get_permissions()/get_serializer_class() ignore.
ACTION_ARGUMENTS = (
    "If you gave this action @action(permission_classes=…, serializer_class=…): DRF sets "
    "self.permission_classes and self.serializer_class for it, and they take effect only if "
    "your get_permissions() and get_serializer_class() fall back to self.permission_classes "
    "and self.serializer_class for the actions they do not list (task 2, last paragraph)."
)


def book_url(book_id: int) -> str:
    return f"{BOOKS}{book_id}/"


def review_url(review_id: int) -> str:
    return f"{REVIEWS}{review_id}/"


def send(
    client, method: str, path: str, data=None, *, rule: str, user=None, hint: str = ""
) -> Exchange:
    """One request as ``user`` (None: anonymous). An exception in the view fails with ``rule``
    (and ``hint``, when given)."""
    client.force_authenticate(user=user)
    try:
        return call(client, method, path, data)
    except (LearnerCodeError, NotImplementedError):
        raise
    except Exception as error:  # noqa: BLE001 - any crash of the learner's view is a failure
        where = learner_line(error.__traceback__)
        at = f"\n  raised at {where[0]}:{where[1]} in {where[2]}()" if where else ""
        sent = "" if data is None else f"  {json.dumps(data)}"
        said = f"\n  {hint}" if hint else ""
        if '"book-detail"' in str(error):
            said += (
                '\n  The given serializers link to the route named "book-detail": register '
                'the books on the router with the basename "book" (task 1, rule 7).'
            )
        if isinstance(error, KeyError) and error.args == (None,):
            said += (
                f"\n  self.action is None for a method the route does not map ({method} on "
                f"{urlsplit(path).path}), and DRF calls get_permissions() (in initial(), before "
                f"it answers 405) with that None: look the action up with a default, e.g. a "
                f"dict's .get(self.action, <default>), not [self.action] (task 2, last "
                f"paragraph)."
            )
        raise AssertionError(
            f"{rule}\n  {method} {path}{sent} crashed instead of answering: "
            f"{type(error).__name__}: {error}{at}{said}"
        ) from None


def expect(exchange: Exchange, status: int | tuple[int, ...], rule: str, hint: str = ""):
    """The body when the status is ``status``; else a failure with the request, the rule (and
    ``hint``, when given)."""
    try:
        return expect_status(exchange, status, rule)
    except AssertionError as error:
        message = str(error)
        if exchange.status == 404 and not routed(exchange.path):
            message += (
                f"\n  No URL pattern matches {urlsplit(exchange.path).path}. The router "
                f"makes the routes: register both viewsets on a DefaultRouter included under "
                f"api/ in library/urls.py (task 1, rule 7), and make review and mine actions "
                f"with @action (task 3)."
            )
        elif hint:
            message += f"\n  {hint}"
        raise AssertionError(message) from None


def routed(path: str) -> bool:
    """Whether a URL pattern of the project matches ``path`` (whatever the view answers)."""
    from django.urls import Resolver404, resolve

    try:
        resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return True


def check(condition: bool, rule: str, exchange: Exchange | None = None, detail: str = "") -> None:
    """Fail with ``rule``, ``detail`` and the exchange when ``condition`` is false."""
    if not condition:
        shown = exchange.describe() if exchange is not None else ""
        said = f"\n  {detail}" if detail else ""
        raise AssertionError(f"{rule}{said}{shown}")


def page_of(exchange: Exchange, rule: str) -> list:
    """The ``results`` of a paginated answer, after checking its shape and types."""
    body = exchange.body
    check(
        isinstance(body, dict) and PAGE_KEYS <= set(body) and isinstance(body["results"], list),
        rule,
        exchange,
        "expected a page of the course's pagination: "
        '{"count": <int>, "next": <url or null>, "previous": <url or null>, "results": [...]}',
    )
    check(isinstance(body["count"], int), rule, exchange, '"count" must be an int')
    return body["results"]


def ids_of(items: list) -> list:
    return [item.get("id") if isinstance(item, dict) else item for item in items]


def path_of(url) -> str | None:
    """The path of a URL or path (``http://testserver/api/books/1/`` → ``/api/books/1/``)."""
    return urlsplit(url).path if isinstance(url, str) else None
