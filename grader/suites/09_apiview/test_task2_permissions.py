"""Task 2: IsOwnerOrReadOnly, and the two views — reads for anyone, writes for the owner."""

import pytest
from kata_api import book, books, expect_status, send

pytestmark = pytest.mark.task(2)

MESSAGE = "Only the owner of a book may change it."


def snapshot(pk):
    from library.models import Book

    return Book.objects.filter(pk=pk).values("title", "isbn", "author_id", "owner_id").first()


def test_is_owner_or_read_only_allows_reads_to_anyone_and_writes_to_the_owner(
    alice, bob, make_book
):
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from grader.loader import load

    permission = load("library.permissions").IsOwnerOrReadOnly()
    owned = make_book(alice)
    factory = APIRequestFactory()
    cases = [
        (method, who, user, method in ("GET", "HEAD", "OPTIONS") or who == "the owner")
        for method in ("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE")
        for who, user in (("the owner", alice), ("another user", bob), ("anonymous", None))
    ]
    wrong = []
    for method, who, user, expected in cases:
        request = Request(factory.generic(method, "/"))
        request.user = user or AnonymousUser()
        got = permission.has_object_permission(request, None, owned)
        if bool(got) != expected:
            wrong.append(f"{method} by {who}: {got!r}, expected {expected}")
    assert not wrong, (
        "IsOwnerOrReadOnly().has_object_permission(request, view, book) must be true for "
        "GET, HEAD and OPTIONS by anyone, and for other methods only when request.user owns "
        "the book (task 2, rule 1). Wrong answers:\n  " + "\n  ".join(wrong)
    )


def test_anonymous_writes_are_refused(api, alice, make_book, payload):
    from library.models import Book

    owned = make_book(alice, "Story of Your Life")
    before = snapshot(owned.pk)
    writes = [
        ("POST", books(), payload(1)),
        ("PUT", book(owned.pk), payload(2)),
        ("PATCH", book(owned.pk), {"title": "Anonymous edit"}),
        ("DELETE", book(owned.pk), None),
    ]
    for method, path, data in writes:
        exchange = send(api, method, path, data, rule="task 2, rule 2")
        expect_status(
            exchange,
            (401, 403),
            "An anonymous client may not write: IsAuthenticatedOrReadOnly refuses it (task 2, "
            "rule 2) — with 401 once the views use ApiKeyAuthentication first (task 1)",
        )
    assert snapshot(owned.pk) == before and Book.objects.count() == 1, (
        "A refused anonymous write must change nothing (task 2, rule 2): the book or the "
        "number of books changed."
    )


def test_list_returns_every_book_in_id_order(api, alice, bob, make_book):
    made = [make_book(alice, "Tower of Babylon"), make_book(bob, "Hell Is the Absence of God")]
    made.append(make_book(alice, "Liking What You See"))
    exchange = send(api, "GET", books(), rule="task 2, rule 3")
    body = expect_status(exchange, 200, "GET on the list answers 200 (task 2, rule 3)")
    expected = [(b.pk, b.title) for b in made]
    got = (
        [(item.get("id"), item.get("title")) for item in body if isinstance(item, dict)]
        if isinstance(body, list)
        else body
    )
    assert got == expected, (
        f"GET {books()} must answer a JSON list of every book — of every owner — by id "
        f"(task 2, rule 3). Expected (id, title) pairs {expected}, got {got!r}."
        f"{exchange.describe()}"
    )


def test_post_creates_a_book_owned_by_the_caller(client_of, alice, author, payload):
    from library.models import Book

    data = payload(1, "Exhalation")
    exchange = send(client_of(alice), "POST", books(), data, rule="task 2, rule 4")
    body = expect_status(exchange, 201, "A valid POST creates the book: 201 (task 2, rule 4)")
    made = list(Book.objects.values("id", "title", "isbn", "author_id", "owner_id"))
    expected = {**data, "owner_id": alice.pk}
    assert len(made) == 1 and {k: v for k, v in made[0].items() if k != "id"} == expected, (
        f"The POST must save one book with the data sent and owner = request.user (alice, "
        f"id {alice.pk}) (task 2, rule 4). The table holds {made}.{exchange.describe()}"
    )
    assert isinstance(body, dict) and body.get("id") == made[0]["id"], (
        f"The 201 answer is the created book, with its id {made[0]['id']} (an int) "
        f"(task 2, rule 4); it was {body!r}."
    )
    assert body.get("title") == "Exhalation", (
        f"The 201 answer is the created book, with its title (task 2, rule 4); it was {body!r}."
    )


def test_owner_in_the_body_is_ignored(client_of, alice, bob, payload):
    from library.models import Book

    data = {**payload(2, "The Merchant and the Alchemist's Gate"), "owner": bob.pk}
    data["owner_id"] = bob.pk
    exchange = send(client_of(alice), "POST", books(), data, rule="task 2, rule 4")
    expect_status(exchange, 201, "A valid POST creates the book (task 2, rule 4)")
    owners = list(Book.objects.values_list("owner__username", flat=True))
    assert owners == ["alice"], (
        f"The owner is who sends the request (request.user: alice), never a value from the "
        f"body (here 'owner': bob) (task 2, rule 4). The new book's owner is {owners}."
        f"{exchange.describe()}"
    )


def test_invalid_post_answers_400_with_the_serializer_errors(client_of, alice):
    from library.models import Book

    exchange = send(client_of(alice), "POST", books(), {}, rule="task 2, rule 4")
    body = expect_status(exchange, 400, "An invalid POST answers 400 (task 2, rule 4)")
    missing = {"title", "isbn", "author_id"} - set(body if isinstance(body, dict) else ())
    assert not missing, (
        f"The 400 body holds the serializer's errors, one key per field: "
        f"serializer.is_valid(raise_exception=True) (task 2, rule 4). Missing {sorted(missing)} "
        f"in {body!r}."
    )
    assert Book.objects.count() == 0, "An invalid POST must create nothing (task 2, rule 4)."


def test_detail_returns_one_book(api, client_of, alice, bob, make_book):
    make_book(alice, "Seventy-Two Letters")
    owned = make_book(alice, "Division by Zero")
    for who, client in (("anonymous", api), ("bob, not the owner", client_of(bob))):
        exchange = send(client, "GET", book(owned.pk), rule="task 2, rule 5")
        body = expect_status(exchange, 200, f"Anyone may read a book: here {who} (task 2, rule 5)")
        got = (body.get("id"), body.get("title")) if isinstance(body, dict) else body
        assert got == (owned.pk, "Division by Zero"), (
            f"GET {book(owned.pk)} answers that book (task 2, rule 5): expected id "
            f"{owned.pk} and its title, got {got!r}.{exchange.describe()}"
        )


def test_unknown_book_is_404_for_every_method(client_of, alice, make_book, payload):
    missing = make_book(alice).pk + 100
    client = client_of(alice)
    for method, data in (("GET", None), ("PUT", payload(3)), ("PATCH", {"title": "x"})):
        exchange = send(client, method, book(missing), data, rule="task 2, rule 5")
        expect_status(
            exchange,
            404,
            f"No book has id {missing}: {method} answers 404 — get_object_or_404 (task 2, rule 5)",
        )
    exchange = send(client, "DELETE", book(missing), rule="task 2, rule 5")
    expect_status(exchange, 404, f"No book has id {missing}: DELETE answers 404 (task 2, rule 5)")


def test_non_owner_cannot_put_patch_or_delete_a_book(client_of, alice, bob, make_book, payload):
    owned = make_book(alice, "Understand")
    before = snapshot(owned.pk)
    client = client_of(bob)
    for method, data in (
        ("PUT", payload(4, "Taken over")),
        ("PATCH", {"title": "Taken over"}),
        ("DELETE", None),
    ):
        exchange = send(client, method, book(owned.pk), data, rule="task 2, rule 6")
        body = expect_status(
            exchange,
            403,
            f"bob may not {method} alice's book: after fetching the book, the view calls "
            f"self.check_object_permissions(request, book) — APIView never does it for you "
            f"(task 2, rule 6)",
        )
        assert body == {"detail": MESSAGE}, (
            f"The 403 says IsOwnerOrReadOnly's message: {{'detail': {MESSAGE!r}}} "
            f"(task 2, rules 1 and 6); it was {body!r}.{exchange.describe()}"
        )
        assert snapshot(owned.pk) == before, (
            f"A refused {method} must change nothing (task 2, rule 6); the book is now "
            f"{snapshot(owned.pk)}, it was {before}."
        )


def test_owner_can_put_a_whole_book(client_of, alice, make_book, payload):
    owned = make_book(alice, "The Great Silence")
    data = payload(5, "The Great Silence (revised)")
    exchange = send(client_of(alice), "PUT", book(owned.pk), data, rule="task 2, rule 7")
    body = expect_status(exchange, 200, "The owner may PUT: 200 (task 2, rule 7)")
    after = snapshot(owned.pk)
    expected = {**data, "owner_id": alice.pk}
    assert after == expected, (
        f"PUT replaces the book's fields with the body (task 2, rule 7): expected {expected}, "
        f"the book is {after}.{exchange.describe()}"
    )
    assert isinstance(body, dict) and body.get("title") == data["title"], (
        f"PUT answers the updated book (task 2, rule 7); it answered {body!r}."
    )


def test_owner_can_patch_one_field(client_of, alice, make_book):
    owned = make_book(alice, "Dacey's Patent Automatic Nanny")
    before = snapshot(owned.pk)
    data = {"title": "Dacey's Nanny"}
    exchange = send(client_of(alice), "PATCH", book(owned.pk), data, rule="task 2, rule 7")
    body = expect_status(
        exchange, 200, "The owner may PATCH one field: 200 — partial=True (task 2, rule 7)"
    )
    after = snapshot(owned.pk)
    assert after == {**before, "title": "Dacey's Nanny"}, (
        f"PATCH changes only the fields sent (task 2, rule 7): expected "
        f"{ {**before, 'title': data['title']} }, the book is {after}."
    )
    assert isinstance(body, dict) and body.get("title") == data["title"], (
        f"PATCH answers the updated book (task 2, rule 7); it answered {body!r}."
    )


def test_owner_can_delete_a_book(client_of, alice, make_book):
    from library.models import Book

    owned = make_book(alice, "Omphalos")
    exchange = send(client_of(alice), "DELETE", book(owned.pk), rule="task 2, rule 7")
    expect_status(exchange, 204, "The owner may DELETE: 204 No Content (task 2, rule 7)")
    assert exchange.response.content == b"", (
        f"A 204 has no body (task 2, rule 7).{exchange.describe()}"
    )
    assert not Book.objects.filter(pk=owned.pk).exists(), (
        "After DELETE answered 204 the book must be gone (task 2, rule 7)."
    )


def test_invalid_update_answers_400(client_of, alice, make_book):
    owned = make_book(alice, "Anxiety Is the Dizziness of Freedom")
    before = snapshot(owned.pk)
    client = client_of(alice)
    exchange = send(client, "PUT", book(owned.pk), {"title": "Only"}, rule="task 2, rule 7")
    body = expect_status(
        exchange, 400, "PUT needs every field: without isbn and author_id, 400 (task 2, rule 7)"
    )
    assert isinstance(body, dict) and "isbn" in body, (
        f"The 400 body holds the serializer's errors (task 2, rule 7); it was {body!r}."
    )
    exchange = send(client, "PATCH", book(owned.pk), {"author_id": 999999}, rule="task 2, rule 7")
    expect_status(exchange, 400, "PATCH with an unknown author_id: 400 (task 2, rule 7)")
    assert snapshot(owned.pk) == before, "An invalid update must change nothing (task 2, rule 7)."
