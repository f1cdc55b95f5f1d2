"""Task 3: extra actions with @action — POST /api/books/<id>/review/ and GET /api/books/mine/."""

import pytest
from kata_api import (
    ACTION_ARGUMENTS,
    LIST_KEYS,
    MINE,
    REVIEW_KEYS,
    book_url,
    check,
    expect,
    ids_of,
    page_of,
    routed,
    send,
)

pytestmark = pytest.mark.task(3)


def review_url_of(book_id: int) -> str:
    return f"{book_url(book_id)}review/"


def test_review_action_creates_the_readers_review_of_that_book(api, alice, bob, make_book):
    from library.models import Review

    book = make_book(alice, title="The Dispossessed")
    rule = (
        "POST /api/books/<id>/review/ {rating, text} by any logged-in reader (not only the "
        "book's owner) creates their review of that book: 201 with the review in "
        "ReviewSerializer's shape (task 3, rule 1)."
    )
    path = review_url_of(book.pk)
    sent = {"rating": 4, "text": "Anarres!"}
    made = send(api, "POST", path, sent, rule=rule, user=bob, hint=ACTION_ARGUMENTS)
    body = expect(made, 201, rule, hint=ACTION_ARGUMENTS)
    check(
        isinstance(body, dict) and set(body) == REVIEW_KEYS,
        rule,
        made,
        f"expected the keys {sorted(REVIEW_KEYS)} (ReviewSerializer), got "
        f"{sorted(body) if isinstance(body, dict) else body}",
    )
    rows = list(Review.objects.values_list("book_id", "user__username", "rating", "text"))
    check(
        rows == [(book.pk, "bob", 4, "Anarres!")],
        rule,
        made,
        f"expected one review (book {book.pk}, bob, 4, 'Anarres!'), the table holds {rows}",
    )
    check(
        body["id"] == Review.objects.get().pk and body["book"] == book.pk and body["user"] == "bob",
        rule,
        made,
        f'expected "id": <the new review\'s id>, "book": {book.pk}, "user": "bob"',
    )


def test_anonymous_review_is_refused_with_401(api, alice, make_book):
    from library.models import Review

    book = make_book(alice)
    rule = "The review action needs a logged-in user: anonymous → 401 (task 3, rule 2)."
    path = review_url_of(book.pk)
    refused = send(api, "POST", path, {"rating": 5}, rule=rule, hint=ACTION_ARGUMENTS)
    expect(refused, 401, rule, hint=ACTION_ARGUMENTS)
    check(not Review.objects.exists(), rule, refused, "a review was saved anyway")


def test_review_of_an_unknown_book_answers_404(api, alice, bob, make_book):
    book = make_book(alice)
    rule = (
        "POST /api/books/<id>/review/ for a book that does not exist answers 404 (task 3, rule 2)."
    )
    path = review_url_of(book.pk + 1000)
    check(
        routed(path),
        rule,
        None,
        f"no route matches {path}: the 404 must come from the action looking the book up "
        f"(self.get_object()), on the route of @action(detail=True) (task 3, rule 1)",
    )
    missing = send(api, "POST", path, {"rating": 5}, rule=rule, user=bob)
    expect(missing, 404, rule)


def test_review_with_a_rating_out_of_range_answers_400(api, alice, bob, make_book):
    from library.models import Review

    book = make_book(alice)
    rule = "A rating outside 1–5 answers 400 with the serializer's errors (task 3, rule 2)."
    for rating in (0, 6):
        sent = {"rating": rating}
        bad = send(api, "POST", review_url_of(book.pk), sent, rule=rule, user=bob)
        body = expect(bad, 400, rule, hint=ACTION_ARGUMENTS)
        check(
            isinstance(body, dict) and "rating" in body,
            rule,
            bad,
            f'expected an error on "rating" (ReviewCreateSerializer). {ACTION_ARGUMENTS}',
        )
    check(not Review.objects.exists(), rule, None, "a review was saved anyway")


def test_second_review_of_the_same_book_is_refused(api, alice, bob, make_book):
    from library.models import Review

    book = make_book(alice)
    rule = (
        "A reader reviews a book once: a second review of the same book answers 400 and "
        "saves nothing (task 3, rule 3)."
    )
    path = review_url_of(book.pk)
    first = send(api, "POST", path, {"rating": 5, "text": "Yes."}, rule=rule, user=bob)
    expect(first, 201, rule, hint=ACTION_ARGUMENTS)
    again = send(api, "POST", path, {"rating": 1, "text": "No."}, rule=rule, user=bob)
    expect(again, 400, rule)
    rows = list(Review.objects.values_list("rating", flat=True))
    check(rows == [5], rule, again, f"expected only the first review (rating 5), found {rows}")
    other = make_book(alice, title="Another book")
    rule_other = (
        "The same reader may still review another book (task 3, rule 3): one review per "
        "reader and book."
    )
    second_book = send(
        api, "POST", review_url_of(other.pk), {"rating": 3}, rule=rule_other, user=bob
    )
    expect(second_book, 201, rule_other)


def test_mine_lists_only_the_readers_own_books_as_a_page(api, alice, bob, make_book):
    theirs = [make_book(alice, title=f"Alice {n}") for n in range(4)]
    make_book(bob, title="Bob's only book")
    rule = (
        "GET /api/books/mine/ lists only the requesting user's books, paginated like the list "
        "(3 a page) and in BookListSerializer's shape (task 3, rule 4)."
    )
    mine = send(api, "GET", MINE, rule=rule, user=alice, hint=ACTION_ARGUMENTS)
    expect(mine, 200, rule, hint=ACTION_ARGUMENTS)
    results = page_of(mine, rule)
    expected = [book.pk for book in theirs]
    check(
        mine.body["count"] == 4 and ids_of(results) == expected[:3],
        rule,
        mine,
        f"alice owns the books {expected}: expected count 4 and {expected[:3]} on page 1, "
        f"got count {mine.body['count']!r} and {ids_of(results)}",
    )
    check(
        all(isinstance(item, dict) and set(item) == LIST_KEYS for item in results),
        rule,
        mine,
        f"each book must have exactly the keys {sorted(LIST_KEYS)} (BookListSerializer). "
        f"{ACTION_ARGUMENTS}",
    )
    second = send(api, "GET", f"{MINE}?page=2", rule=rule, user=alice)
    expect(second, 200, rule)
    check(ids_of(page_of(second, rule)) == expected[3:], rule, second, "page 2 holds the 4th")


def test_mine_refuses_anonymous_with_401(api, alice, make_book):
    make_book(alice)
    rule = "GET /api/books/mine/ needs a logged-in user: anonymous → 401 (task 3, rule 4)."
    refused = send(api, "GET", MINE, rule=rule, hint=ACTION_ARGUMENTS)
    expect(refused, 401, rule, hint=ACTION_ARGUMENTS)
