"""Task 4: ReviewList at /api/reviews/ — a queryset scoped to the requesting user."""

import pytest
from kata_api import explain, ids_of, is_int, page_of, send

from grader.api_calls import expect_status

REVIEWS = "/api/reviews/"
ITEM_KEYS = {"id", "book", "rating", "text", "created_at"}
WRITE_KEYS = {"id", "book", "rating", "text"}


def review_ids(reviews: dict, user: str) -> list[int]:
    return sorted(review.id for (name, _), review in reviews.items() if name == user)


@pytest.mark.task(4)
def test_anonymous_users_cannot_read_or_write_reviews(api, learner_api, reviews, catalogue):
    rule = (
        "Only logged-in users reach /api/reviews/: an anonymous GET or POST is refused "
        "(403 with this course's settings), permission_classes = [IsAuthenticated] "
        "(task 4, rule 1)."
    )
    from library.models import Review

    before = Review.objects.count()
    expect_status(send(api, "GET", REVIEWS, rule=rule), (401, 403), rule)
    data = {"book": catalogue.books["Exhalation"].id, "rating": 3, "text": "?"}
    exchange = send(api, "POST", REVIEWS, data, rule=rule)
    expect_status(exchange, (401, 403), rule)
    assert Review.objects.count() == before, explain(rule, "a review was saved anyway", exchange)


@pytest.mark.task(4)
def test_list_shows_only_the_requesting_users_reviews(api, learner_api, reviews, alice, bob):
    rule = (
        "GET lists the requesting user's own reviews only, in id order: get_queryset filters "
        "by request.user; other readers' reviews never appear (task 4, rule 2)."
    )
    for user in (alice, bob):
        api.force_authenticate(user)
        exchange = send(api, "GET", f"{REVIEWS}?page_size=20", rule=rule)
        body = page_of(exchange, rule)
        expected = review_ids(reviews, user.username)
        assert ids_of(body) == expected, explain(
            rule, f"logged in as {user.username}: expected the review ids {expected}", exchange
        )
        assert body.get("count") == len(expected), explain(
            rule, f'expected "count": {len(expected)}', exchange
        )


@pytest.mark.task(4)
def test_review_items_use_the_review_serializer(api, learner_api, reviews, alice):
    rule = (
        'GET items use ReviewSerializer: {"id", "book": {"id", "title"}, "rating", "text", '
        '"created_at"} (task 4, rule 3).'
    )
    review = reviews["alice", "Small Gods"]
    api.force_authenticate(alice)
    exchange = send(api, "GET", REVIEWS, rule=rule)
    items = {item.get("id"): item for item in page_of(exchange, rule)["results"]}
    item = items.get(review.id)
    assert isinstance(item, dict), explain(rule, f"expected an item with id {review.id}", exchange)
    assert set(item) == ITEM_KEYS, explain(
        rule, f"expected the keys {sorted(ITEM_KEYS)}, got {sorted(item)}", exchange
    )
    expected = {
        "book": {"id": review.book_id, "title": "Small Gods"},
        "rating": 4,
        "text": review.text,
    }
    got = {name: item[name] for name in expected}
    assert got == expected and isinstance(item["created_at"], str), explain(
        rule, f"expected {expected} and a created_at string, got {got}", exchange
    )


@pytest.mark.task(4)
def test_book_parameter_narrows_to_one_book(api, learner_api, reviews, catalogue, alice):
    rule = (
        "?book=<id> keeps the user's reviews of that book; another reader's review of it "
        "never appears (task 4, rule 4)."
    )
    api.force_authenticate(alice)
    cases = [
        ("Small Gods", [reviews["alice", "Small Gods"].id]),
        ("Guards! Guards!", [reviews["alice", "Guards! Guards!"].id]),
        ("The Left Hand of Darkness", []),  # reviewed by bob only
    ]
    for title, expected in cases:
        exchange = send(api, "GET", f"{REVIEWS}?book={catalogue.books[title].id}", rule=rule)
        body = page_of(exchange, rule)
        assert ids_of(body) == expected and body.get("count") == len(expected), explain(
            rule, f"{title}: expected the review ids {expected} and count {len(expected)}", exchange
        )


@pytest.mark.task(4)
def test_book_parameter_of_no_book_gives_an_empty_page(api, learner_api, reviews, alice):
    rule = "?book=<an id no book has> answers 200 with an empty page, count 0 (task 4, rule 4)."
    api.force_authenticate(alice)
    exchange = send(api, "GET", f"{REVIEWS}?book=999999", rule=rule)
    body = page_of(exchange, rule)
    assert body["results"] == [] and body.get("count") == 0, explain(
        rule, "expected no results and count 0", exchange
    )


@pytest.mark.task(4)
def test_book_parameter_that_is_not_a_number_is_a_bad_request(api, learner_api, reviews, alice):
    rule = (
        '?book=<not a whole number> answers 400 with a body naming the parameter: {"book": '
        '["…"]} (task 4, rule 4).'
    )
    api.force_authenticate(alice)
    exchange = send(api, "GET", f"{REVIEWS}?book=abc", rule=rule)
    body = expect_status(exchange, 400, rule)
    assert isinstance(body, dict) and "book" in body, explain(
        rule, 'expected the body to name "book"', exchange
    )


@pytest.mark.task(4)
def test_reviews_are_paged_and_counted_for_the_user_only(api, learner_api, reviews, alice):
    rule = (
        "ReviewList pages with BoundedPageNumberPagination; count and pages are of the "
        "user's own reviews (task 4, rule 5)."
    )
    api.force_authenticate(alice)
    exchange = send(api, "GET", f"{REVIEWS}?page_size=1", rule=rule)
    body = page_of(exchange, rule)
    first, second = review_ids(reviews, "alice")
    expected = {"count": 2, "page": 1, "pages": 2, "page_size": 1}
    got = {name: body.get(name) for name in expected}
    assert got == expected and ids_of(body) == [first], explain(
        rule,
        f"alice has 2 reviews: expected {expected} and the review {first}, got {got}",
        exchange,
    )
    exchange = send(api, "GET", f"{REVIEWS}?page_size=1&page=2", rule=rule)
    assert ids_of(page_of(exchange, rule)) == [second], explain(
        rule, f"expected the review {second} on page 2", exchange
    )


@pytest.mark.task(4)
def test_post_creates_a_review_of_the_requesting_user(api, learner_api, reviews, catalogue, alice):
    rule = (
        'POST validates with ReviewWriteSerializer and answers 201 {"id", "book": <id>, '
        '"rating", "text"}; perform_create saves user=self.request.user (task 4, rule 6).'
    )
    from library.models import Review

    book = catalogue.books["The Left Hand of Darkness"]
    api.force_authenticate(alice)
    data = {"book": book.id, "rating": 4, "text": "Cold planet, warm book."}
    exchange = send(api, "POST", REVIEWS, data, rule=rule)
    body = expect_status(exchange, 201, rule)
    assert isinstance(body, dict) and set(body) == WRITE_KEYS, explain(
        rule, f"expected the keys {sorted(WRITE_KEYS)}", exchange
    )
    got = {name: body[name] for name in data}
    assert got == data and is_int(body["book"]), explain(
        rule, f"expected {data} as sent (the book as its id), got {got}", exchange
    )
    review = Review.objects.filter(pk=body["id"]).first() if is_int(body["id"]) else None
    assert review is not None and review.user_id == alice.id, explain(
        rule, "expected the review saved with user alice", exchange
    )


@pytest.mark.task(4)
def test_user_sent_by_the_client_is_ignored(api, learner_api, reviews, catalogue, alice, bob):
    rule = 'A "user" in the body is ignored: the reader is the requesting user (task 4, rule 6).'
    from library.models import Review

    api.force_authenticate(alice)
    book = catalogue.books["Exhalation"]
    data = {"book": book.id, "rating": 5, "text": "Quiet and huge.", "user": bob.id}
    exchange = send(api, "POST", REVIEWS, data, rule=rule)
    expect_status(exchange, 201, rule)
    review = Review.objects.filter(book=book).exclude(pk=reviews["bob", "Exhalation"].pk).first()
    assert review is not None and review.user_id == alice.id, explain(
        rule,
        f"alice posted the review: expected user alice, got {review and review.user}",
        exchange,
    )


@pytest.mark.task(4)
def test_second_review_of_the_same_book_is_refused(api, learner_api, reviews, catalogue, alice):
    rule = (
        "The serializer comes from self.get_serializer(), which puts the request in its "
        "context: the given ReviewWriteSerializer then refuses a second review of the same "
        'book: 400 {"non_field_errors": ["You have already reviewed this book."]} '
        "(task 4, rule 7)."
    )
    from library.models import Review

    api.force_authenticate(alice)
    before = Review.objects.count()
    data = {"book": catalogue.books["Small Gods"].id, "rating": 1, "text": "Again."}
    exchange = send(api, "POST", REVIEWS, data, rule=rule)
    body = expect_status(exchange, 400, rule)
    expected = {"non_field_errors": ["You have already reviewed this book."]}
    assert body == expected, explain(rule, f"expected the body {expected}", exchange)
    assert Review.objects.count() == before, explain(rule, "a review was saved anyway", exchange)


@pytest.mark.task(4)
def test_another_reader_may_review_the_same_book(api, learner_api, reviews, catalogue, alice):
    rule = (
        "One review per reader and book: a book another reader reviewed is still open to you "
        "(task 4, rule 7)."
    )
    api.force_authenticate(alice)
    data = {"book": catalogue.books["Exhalation"].id, "rating": 3, "text": "Bob liked it more."}
    expect_status(send(api, "POST", REVIEWS, data, rule=rule), 201, rule)
