"""Task 4: ReviewSerializer — the reader from the request, ratings, one review per reader."""

import pytest
from kata_api import (
    ALREADY_REVIEWED,
    OWN_BOOK,
    RATING_ERROR,
    REVIEW_KEYS,
    REVIEWS,
    created_id,
    expect,
    expect_errors,
    review_path,
    send,
)

pytestmark = pytest.mark.task(4)


def test_review_reads_with_exactly_the_readme_keys(as_bob, left_hand):
    rule = "A review reads as exactly the README's keys (task 4, rule 1)."
    sent = {"book": left_hand.pk, "rating": 4, "text": "Winter, and a long walk."}
    exchange = send(as_bob, "POST", REVIEWS, sent)
    body = expect(exchange, 201, f"A valid POST {REVIEWS} answers 201 (task 4, rule 1).")
    pk = created_id(body, rule)
    keys = set(body)
    assert keys == REVIEW_KEYS, (
        f"{rule}\n  expected keys: {sorted(REVIEW_KEYS)}\n  got keys:      {sorted(keys)}"
        f"{exchange.describe()}"
    )
    expected = {"id": pk, "book": left_hand.pk, "reader": "bob", "rating": 4, "text": sent["text"]}
    got = {key: body[key] for key in expected}
    assert got == expected and type(body["book"]) is int, (
        f"{rule} book is the book's id (an int), reader the username.\n  expected: {expected}"
        f"\n  got:      {got}"
    )
    read = expect(send(as_bob, "GET", review_path(pk)), 200, rule)
    assert read == body, f"{rule} GET {review_path(pk)} must read as the POST answered: {read}"


def test_reader_is_the_requesting_user_whatever_the_body_says(as_bob, alice, left_hand):
    from library.models import Review

    rule = (
        "The reader is the user who sent the request; 'user' and 'reader' in the body are "
        "ignored (task 4, rule 2)."
    )
    sent = {"book": left_hand.pk, "rating": 5, "user": alice.pk, "reader": "alice"}
    exchange = send(as_bob, "POST", REVIEWS, sent)
    body = expect(exchange, 201, rule)
    pk = created_id(body, rule)
    assert body.get("reader") == "bob", f"{rule}{exchange.describe()}"
    saved = Review.objects.get(pk=pk).user.username
    assert saved == "bob", f"{rule} The review is saved with user {saved!r}."


def test_rating_outside_1_to_5_is_refused_with_one_message(as_bob, left_hand):
    from library.models import Review

    for rating in (0, 6, 2.5, "five"):
        rule = (
            f"A rating of {rating!r} answers 400 {{'rating': ['Rate from 1 to 5 stars.']}}: "
            f"one message for every bad rating (task 4, rule 3)."
        )
        exchange = send(as_bob, "POST", REVIEWS, {"book": left_hand.pk, "rating": rating})
        expect_errors(exchange, {"rating": [RATING_ERROR]}, rule)
    assert not Review.objects.exists(), "A refused POST must create no review (task 4, rule 3)."


def test_rating_boundaries_are_accepted(as_bob, make_book, alice, left_hand):
    other = make_book(alice, "The Dispossessed", author=left_hand.author)
    for book, rating in ((left_hand, 1), (other, 5)):
        rule = f"A rating of {rating} is valid: 1 to 5, both included (task 4, rule 3)."
        exchange = send(as_bob, "POST", REVIEWS, {"book": book.pk, "rating": rating})
        body = expect(exchange, 201, rule)
        assert body.get("rating") == rating, f"{rule}{exchange.describe()}"


def test_second_review_of_the_same_book_is_refused(as_bob, left_hand):
    from library.models import Review

    rule = (
        "A reader's second review of the same book answers 400 {'non_field_errors': ['You "
        "have already reviewed this book.']} — never a 500 from the database's unique "
        "constraint (task 4, rule 4)."
    )
    first = {"book": left_hand.pk, "rating": 4}
    expect(send(as_bob, "POST", REVIEWS, first), 201, f"The first review is valid. {rule}")
    exchange = send(as_bob, "POST", REVIEWS, {"book": left_hand.pk, "rating": 2, "text": "Again"})
    expect_errors(exchange, {"non_field_errors": [ALREADY_REVIEWED]}, rule)
    count = Review.objects.count()
    assert count == 1, f"{rule} There are now {count} reviews."


def test_another_reader_may_review_the_same_book(as_bob, client_for, carol, left_hand):
    rule = "Another reader may review a book someone already reviewed (task 4, rule 4)."
    expect(send(as_bob, "POST", REVIEWS, {"book": left_hand.pk, "rating": 4}), 201, rule)
    exchange = send(client_for(carol), "POST", REVIEWS, {"book": left_hand.pk, "rating": 3})
    body = expect(exchange, 201, rule)
    assert body.get("reader") == "carol" and body.get("text") == "", (
        f"{rule} The second review is carol's, with the default text ''.{exchange.describe()}"
    )


def test_updating_your_own_review_is_not_a_duplicate(as_bob, left_hand):
    rule = (
        "Changing your own review is not a second review: PUT and PATCH of it answer 200 "
        "(task 4, rule 5)."
    )
    created = expect(send(as_bob, "POST", REVIEWS, {"book": left_hand.pk, "rating": 4}), 201, rule)
    path = review_path(created_id(created, rule))
    sent = {"book": left_hand.pk, "rating": 2, "text": "On second thought."}
    exchange = send(as_bob, "PUT", path, sent)
    body = expect(exchange, 200, rule)
    assert body.get("rating") == 2 and body.get("reader") == "bob", f"{rule}{exchange.describe()}"
    exchange = send(as_bob, "PATCH", path, {"rating": 3})
    body = expect(exchange, 200, rule)
    assert body.get("rating") == 3, f"{rule}{exchange.describe()}"


def test_review_of_a_book_you_own_is_refused(as_alice, left_hand):
    from library.models import Review

    rule = (
        "Alice owns the book: her review of it answers 400 {'non_field_errors': ['You cannot "
        "review a book you own.']} (task 4, rule 6)."
    )
    exchange = send(as_alice, "POST", REVIEWS, {"book": left_hand.pk, "rating": 5})
    expect_errors(exchange, {"non_field_errors": [OWN_BOOK]}, rule)
    assert not Review.objects.exists(), f"{rule} No review may be saved."
