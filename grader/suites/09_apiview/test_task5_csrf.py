"""Task 5: CSRF — API-key clients need no token; logged-in session clients do (on writes).

Every client here checks CSRF as a browser's requests are checked:
APIClient(enforce_csrf_checks=True).
"""

import pytest
from kata_api import KEY_OF_ALICE, api_key, book, books, expect_status, send

pytestmark = pytest.mark.task(5)


@pytest.fixture
def strict(db):
    """``strict(user=None)``: an APIClient that enforces CSRF, logged in as ``user`` if given."""
    from rest_framework.test import APIClient

    def make(user=None):
        client = APIClient(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        return client

    return make


def csrf_token(client) -> str:
    """Put a CSRF secret in the client's csrftoken cookie (as Django does when it renders a
    form) and return the value a page would send back in the X-CSRFToken header."""
    from django.conf import settings
    from django.utils.crypto import get_random_string

    secret = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return secret


def test_api_key_client_writes_without_a_csrf_token(strict, alice, alice_key, make_book, payload):
    client = strict()
    headers = api_key(KEY_OF_ALICE)
    rule = "task 5, rule 1: an API-key client sends no CSRF token"
    exchange = send(client, "POST", books(), payload(1), headers=headers, rule=rule)
    expect_status(exchange, 201, rule)
    owned = make_book(alice)
    exchange = send(client, "PATCH", book(owned.pk), {"title": "t"}, headers=headers, rule=rule)
    expect_status(exchange, 200, rule)


def test_session_write_without_the_csrf_token_is_403(strict, alice, make_book, payload):
    from library.models import Book

    client = strict(alice)
    owned = make_book(alice, "Before")
    rule = (
        "task 5, rule 2: SessionAuthentication checks CSRF for the users it authenticates; "
        "do not switch the check off"
    )
    for method, path, data in (
        ("POST", books(), payload(1)),
        ("PATCH", book(owned.pk), {"title": "After"}),
    ):
        exchange = send(client, method, path, data, rule=rule)
        body = expect_status(exchange, 403, f"{rule}: a session {method} without the token")
        detail = body.get("detail", "") if isinstance(body, dict) else ""
        assert str(detail).startswith("CSRF Failed"), (
            f"The 403 is DRF's CSRF failure, {{'detail': 'CSRF Failed: …'}} ({rule}); it was "
            f"{body!r}.{exchange.describe()}"
        )
    assert list(Book.objects.values_list("title", flat=True)) == ["Before"], (
        f"Writes refused for CSRF change nothing ({rule})."
    )


def test_session_write_with_the_csrf_token_succeeds(strict, alice, make_book, payload):
    client = strict(alice)
    token = csrf_token(client)
    rule = "task 5, rule 3: a session write with the token from the csrftoken cookie"
    headers = {"X-CSRFToken": token}
    exchange = send(client, "POST", books(), payload(1), headers=headers, rule=rule)
    expect_status(exchange, 201, rule)
    owned = make_book(alice)
    exchange = send(client, "DELETE", book(owned.pk), headers=headers, rule=rule)
    expect_status(exchange, 204, rule)


def test_session_reads_need_no_csrf_token(strict, alice, make_book):
    owned = make_book(alice)
    client = strict(alice)
    rule = "task 5, rule 3: reads (GET) need no token"
    expect_status(send(client, "GET", book(owned.pk), rule=rule), 200, rule)
