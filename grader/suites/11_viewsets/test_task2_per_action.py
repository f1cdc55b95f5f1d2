"""Task 2: a serializer and permissions per action of BookViewSet."""

from types import SimpleNamespace

import pytest
from kata_api import (
    BOOKS,
    DETAIL_KEYS,
    LIST_KEYS,
    OWNER_REFUSED,
    REVIEW_KEYS,
    WRITE_KEYS,
    book_url,
    check,
    expect,
    page_of,
    send,
)

from grader.library_fixtures import isbn13

pytestmark = pytest.mark.task(2)


def keys_of(item) -> list:
    return sorted(item) if isinstance(item, dict) else item


def test_list_uses_the_summary_serializer(api, alice, make_book):
    make_book(alice, title="A Wizard of Earthsea")
    rule = (
        "list answers each book with BookListSerializer: exactly id, url, title, author (the "
        "author's id) and owner (task 2, rule 1)."
    )
    listed = send(api, "GET", BOOKS, rule=rule)
    expect(listed, 200, rule)
    results = page_of(listed, rule)
    check(len(results) == 1, rule, listed, "expected one book")
    item = results[0]
    check(
        isinstance(item, dict) and set(item) == LIST_KEYS,
        rule,
        listed,
        f"expected the keys {sorted(LIST_KEYS)}, got {keys_of(item)}",
    )
    check(isinstance(item["author"], int), rule, listed, '"author" must be the author\'s int id')


def test_retrieve_uses_the_detail_serializer_with_reviews(api, alice, bob, make_book):
    from library.models import Review

    book = make_book(alice, title="The Lathe of Heaven")
    Review.objects.create(book=book, user=bob, rating=5, text="Dreamy.")
    rule = (
        "retrieve answers with BookDetailSerializer: the author as an object and the book's "
        "reviews (task 2, rule 2)."
    )
    found = send(api, "GET", book_url(book.pk), rule=rule)
    body = expect(found, 200, rule)
    check(
        isinstance(body, dict) and set(body) == DETAIL_KEYS,
        rule,
        found,
        f"expected the keys {sorted(DETAIL_KEYS)}, got {keys_of(body)}",
    )
    check(
        isinstance(body["author"], dict) and body["author"].get("name") == "Ursula K. Le Guin",
        rule,
        found,
        '"author" must be the author as an object: {"id", "name", "birth_year"}',
    )
    reviews = body["reviews"]
    check(
        isinstance(reviews, list)
        and len(reviews) == 1
        and isinstance(reviews[0], dict)
        and set(reviews[0]) == REVIEW_KEYS
        and reviews[0]["user"] == "bob",
        rule,
        found,
        f'"reviews" must hold bob\'s review with the keys {sorted(REVIEW_KEYS)}',
    )


def test_create_and_update_answer_with_the_write_serializer(api, alice, make_book):
    book = make_book(alice)
    rule = (
        "create, update and partial_update read and answer with BookWriteSerializer: exactly "
        "id, url, title, isbn, author, owner, published, pages (task 2, rule 3)."
    )
    data = {"title": "Tales from Earthsea", "isbn": isbn13(21), "author": book.author_id}
    for method, path, sent in [
        ("POST", BOOKS, data),
        ("PUT", book_url(book.pk), {**data, "isbn": isbn13(22)}),
        ("PATCH", book_url(book.pk), {"pages": 296}),
    ]:
        answer = send(api, method, path, sent, rule=rule, user=alice)
        hint = OWNER_REFUSED if answer.status == 403 and method != "POST" else ""
        body = expect(answer, 201 if method == "POST" else 200, rule, hint=hint)
        check(
            isinstance(body, dict) and set(body) == WRITE_KEYS,
            rule,
            answer,
            f"expected the keys {sorted(WRITE_KEYS)}, got {keys_of(body)}",
        )
        check(
            body["author"] == book.author_id and body["owner"] == "alice",
            rule,
            answer,
            f'expected "author": {book.author_id} (an id) and "owner": "alice"',
        )


def test_anyone_may_list_and_retrieve(api, alice, bob, make_book):
    book = make_book(alice)
    rule = "list and retrieve are open to everyone, logged in or not (task 2, rule 4)."
    for user in (None, bob):
        expect(send(api, "GET", BOOKS, rule=rule, user=user), 200, rule)
        expect(send(api, "GET", book_url(book.pk), rule=rule, user=user), 200, rule)


def test_anonymous_create_is_refused_with_401(api, alice, make_book):
    from library.models import Book

    author_id = make_book(alice).author_id
    rule = "create needs a logged-in user: anonymous → 401 Unauthorized (task 2, rule 5)."
    data = {"title": "Anonymous", "isbn": isbn13(31), "author": author_id}
    refused = send(api, "POST", BOOKS, data, rule=rule)
    expect(refused, 401, rule)
    check(Book.objects.count() == 1, rule, refused, "the book was saved anyway")


def test_only_the_owner_may_change_or_delete_a_book(api, alice, bob, make_book):
    from library.models import Book

    book = make_book(alice, title="Alice's book")
    rule = (
        "update, partial_update and destroy are for the book's owner only: another logged-in "
        "user gets 403 Forbidden and the book stays as it was (task 2, rule 6)."
    )
    data = {"title": "Bob was here", "isbn": isbn13(32), "author": book.author_id}
    for method, sent in [("PUT", data), ("PATCH", {"title": "Bob was here"}), ("DELETE", None)]:
        refused = send(api, method, book_url(book.pk), sent, rule=rule, user=bob)
        expect(refused, 403, rule)
        row = Book.objects.filter(pk=book.pk).values_list("title", flat=True)
        check(list(row) == ["Alice's book"], rule, refused, f"the book is now {list(row)}")


def test_anonymous_change_or_delete_is_refused_with_401(api, alice, make_book):
    from library.models import Book

    book = make_book(alice, title="Alice's book")
    rule = "update, partial_update and destroy refuse anonymous users with 401 (task 2, rule 6)."
    for method, sent in [("PUT", {"title": "x"}), ("PATCH", {"title": "x"}), ("DELETE", None)]:
        refused = send(api, method, book_url(book.pk), sent, rule=rule)
        expect(refused, 401, rule)
        row = Book.objects.filter(pk=book.pk).values_list("title", flat=True)
        check(list(row) == ["Alice's book"], rule, refused, f"the book is now {list(row)}")


def test_is_owner_allows_only_the_owner(alice, bob, make_book):
    from django.contrib.auth import get_user_model
    from library.models import Book

    from grader.loader import load

    permission = load("library.permissions").IsOwner()
    # As in a real request: the user comes from authentication, the book from get_object().
    # Both are loaded from the database on their own, so book.owner and request.user are two
    # Python objects for the same row.
    book = Book.objects.get(pk=make_book(alice).pk)
    users = get_user_model().objects
    rule = (
        "IsOwner (library/permissions.py) grants an object to its owner only "
        "(obj.owner == request.user), and lets every request through its has_permission "
        "(task 2, rule 7)."
    )
    view = SimpleNamespace(action="partial_update")
    as_alice = SimpleNamespace(user=users.get(pk=alice.pk), method="PATCH")
    as_bob = SimpleNamespace(user=users.get(pk=bob.pk), method="PATCH")
    check(
        bool(permission.has_permission(as_bob, view)),
        rule,
        None,
        "has_permission must be True: ownership is a question about one object",
    )
    check(
        bool(permission.has_object_permission(as_alice, view, book)),
        rule,
        None,
        "has_object_permission(alice's request, view, alice's book) must be True. The book's "
        "owner and the request's user were loaded from the database separately: they are two "
        "Python objects for the same user. Compare them with == (Django compares model "
        "instances by primary key), not with is (the same Python object)",
    )
    check(
        not permission.has_object_permission(as_bob, view, book),
        rule,
        None,
        "has_object_permission(bob's request, view, alice's book) must be False",
    )
