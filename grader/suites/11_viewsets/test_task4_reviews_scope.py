"""Task 4: ReviewViewSet — a reader's own reviews only; others' reviews answer 404, not 403."""

import pytest
from kata_api import REVIEW_KEYS, REVIEWS, check, expect, ids_of, page_of, review_url, send

pytestmark = pytest.mark.task(4)


@pytest.fixture
def reviews(alice, bob, make_book):
    """Two books of alice's; bob reviewed both, alice reviewed the second."""
    from library.models import Review

    first, second = make_book(alice, title="First"), make_book(alice, title="Second")
    return {
        "bob_first": Review.objects.create(book=first, user=bob, rating=4, text="Good."),
        "alice_second": Review.objects.create(book=second, user=alice, rating=3, text="Mine."),
        "bob_second": Review.objects.create(book=second, user=bob, rating=2, text="Meh."),
    }


def test_reviews_require_login(api, reviews):
    rule = "Every /api/reviews/ endpoint needs a logged-in user: anonymous → 401 (task 4, rule 1)."
    own = reviews["alice_second"]
    for method, path, data in [
        ("GET", REVIEWS, None),
        ("GET", review_url(own.pk), None),
        ("PATCH", review_url(own.pk), {"rating": 1}),
        ("DELETE", review_url(own.pk), None),
    ]:
        expect(send(api, method, path, data, rule=rule), 401, rule)
    own.refresh_from_db()
    check(own.rating == 3, rule, None, "an anonymous PATCH changed the review")


def test_review_list_holds_only_your_own_reviews(api, alice, bob, reviews):
    rule = (
        "GET /api/reviews/ lists only the requesting user's reviews, as a page, in "
        "ReviewSerializer's shape (task 4, rule 2)."
    )
    for user, expected in [
        (alice, [reviews["alice_second"].pk]),
        (bob, [reviews["bob_first"].pk, reviews["bob_second"].pk]),
    ]:
        listed = send(api, "GET", REVIEWS, rule=rule, user=user)
        expect(listed, 200, rule)
        results = page_of(listed, rule)
        check(
            ids_of(results) == expected,
            rule,
            listed,
            f"{user.username}'s reviews are {expected}, the list held {ids_of(results)}",
        )
        check(
            all(isinstance(item, dict) and set(item) == REVIEW_KEYS for item in results),
            rule,
            listed,
            f"each review must have exactly the keys {sorted(REVIEW_KEYS)}",
        )


def test_your_own_review_can_be_read_patched_and_deleted(api, alice, reviews):
    from library.models import Review

    own = reviews["alice_second"]
    rule = (
        "Your own review: GET answers 200, PATCH changes its rating or text (200), DELETE "
        "removes it (204) (task 4, rule 3)."
    )
    found = send(api, "GET", review_url(own.pk), rule=rule, user=alice)
    body = expect(found, 200, rule)
    check(isinstance(body, dict) and body.get("id") == own.pk, rule, found, "not that review")
    patched = send(api, "PATCH", review_url(own.pk), {"rating": 5}, rule=rule, user=alice)
    expect(patched, 200, rule)
    own.refresh_from_db()
    check(own.rating == 5, rule, patched, f"the rating is still {own.rating}")
    deleted = send(api, "DELETE", review_url(own.pk), rule=rule, user=alice)
    expect(deleted, 204, rule)
    check(not Review.objects.filter(pk=own.pk).exists(), rule, deleted, "the review is still there")


def test_another_users_review_is_not_found(api, alice, reviews):
    from library.models import Review

    theirs = reviews["bob_first"]
    rule = (
        "Another user's review does not exist for you: GET, PATCH and DELETE answer 404 Not "
        "Found — not 403, which would tell that the id exists — and change nothing "
        "(task 4, rule 4). Scope get_queryset() to request.user; get_object() then finds "
        "nothing."
    )
    own = reviews["alice_second"]
    found = send(api, "GET", review_url(own.pk), rule=rule, user=alice)
    check(
        found.status == 200,
        rule,
        found,
        "first, alice's own review must be found (200): the 404 is for others' reviews only",
    )
    for method, data in [("GET", None), ("PATCH", {"rating": 1}), ("DELETE", None)]:
        expect(send(api, method, review_url(theirs.pk), data, rule=rule, user=alice), 404, rule)
    row = list(Review.objects.filter(pk=theirs.pk).values_list("rating", flat=True))
    check(row == [4], rule, None, f"bob's review (rating 4) is now {row or 'deleted'}")


def test_reviews_have_no_put_and_no_post(api, alice, reviews):
    from library.models import Review

    own = reviews["alice_second"]
    rule = (
        "Reviews change by PATCH only, and are created by the book's review action: PUT "
        "/api/reviews/<id>/ and POST /api/reviews/ answer 405 (task 4, rule 5)."
    )
    put = send(api, "PUT", review_url(own.pk), {"rating": 1, "text": "x"}, rule=rule, user=alice)
    expect(put, 405, rule)
    book_id = reviews["bob_first"].book_id
    post = send(api, "POST", REVIEWS, {"book": book_id, "rating": 1}, rule=rule, user=alice)
    expect(post, 405, rule)
    check(Review.objects.count() == 3, rule, post, "a review was created")
    own.refresh_from_db()
    check(own.rating == 3, rule, put, f"PUT changed the review: rating {own.rating}")
