"""Task 2: BookList at /api/books/ — GenericAPIView with ListModelMixin and CreateModelMixin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kata_api import explain, ids_of, is_int, page_of, send

from grader.api_calls import expect_status
from grader.library_fixtures import isbn13

BOOKS = "/api/books/"
LIST_KEYS = {"id", "title", "author", "published", "pages", "owner"}
WRITE_KEYS = {"id", "title", "isbn", "author", "published", "pages", "owner"}


def new_book(author, **fields) -> dict:
    data = {
        "title": "The Word for World Is Forest",
        "isbn": isbn13(77),
        "author": author.id,
        "published": "1972-03-01",
        "pages": 189,
    }
    data.update(fields)
    return data


@pytest.mark.task(2)
def test_anyone_can_list_the_books(api, learner_api, catalogue):
    rule = "GET /api/books/ is open to everyone, logged in or not (task 2, rule 1)."
    page_of(send(api, "GET", BOOKS, rule=rule), rule)


@pytest.mark.task(2)
def test_list_shows_every_book_in_id_order(api, learner_api, catalogue, alice):
    rule = (
        "GET lists every book, whoever owns it (alice sees bob's books too), in id order "
        "(task 2, rule 2)."
    )
    api.force_authenticate(alice)
    exchange = send(api, "GET", f"{BOOKS}?page_size=20", rule=rule)
    body = page_of(exchange, rule)
    expected = sorted(book.id for book in catalogue.books.values())
    assert ids_of(body) == expected, explain(rule, f"expected the ids {expected}", exchange)
    assert body.get("count") == len(expected), explain(
        rule, f'expected "count": {len(expected)}', exchange
    )


@pytest.mark.task(2)
def test_list_is_paged_with_the_bounded_pagination(api, learner_api, catalogue):
    rule = (
        "BookList pages with BoundedPageNumberPagination (pagination_class): 5 per page, "
        "the body of task 1 (task 2, rule 2)."
    )
    exchange = send(api, "GET", BOOKS, rule=rule)
    body = page_of(exchange, rule)
    expected = {"count": 6, "page": 1, "pages": 2, "page_size": 5}
    got = {name: body.get(name) for name in expected}
    assert got == expected and len(body["results"]) == 5, explain(
        rule, f"expected {expected} and 5 results, got {got}", exchange
    )
    exchange = send(api, "GET", f"{BOOKS}?page_size=1000", rule=rule)
    body = page_of(exchange, rule)
    assert body.get("page_size") == 20 and len(body["results"]) == 6, explain(
        rule, 'expected "page_size": 20 (the cap) and all 6 books', exchange
    )


@pytest.mark.task(2)
def test_list_items_use_the_list_serializer(api, learner_api, catalogue):
    rule = (
        'GET items use BookListSerializer: {"id", "title", "author": {"id", "name"}, '
        '"published", "pages", "owner": "<username>"} (task 2, rule 3).'
    )
    book = catalogue.books["Small Gods"]
    exchange = send(api, "GET", f"{BOOKS}?page_size=20", rule=rule)
    items = {item.get("id"): item for item in page_of(exchange, rule)["results"]}
    item = items.get(book.id)
    assert isinstance(item, dict), explain(rule, f"expected an item with id {book.id}", exchange)
    assert set(item) == LIST_KEYS, explain(
        rule, f"expected the keys {sorted(LIST_KEYS)}, got {sorted(item)}", exchange
    )
    expected = {
        "id": book.id,
        "title": "Small Gods",
        "author": {"id": book.author_id, "name": "Terry Pratchett"},
        "published": "1992-05-14",
        "pages": 400,
        "owner": "bob",
    }
    assert item == expected, explain(rule, f"expected {expected}, got {item}", exchange)


@pytest.mark.task(2)
def test_list_takes_the_same_number_of_queries_for_one_or_many_books(api, learner_api, catalogue):
    rule = (
        "The list's SQL queries do not grow with the page: get_queryset joins each book's "
        'author and owner, Book.objects.select_related("author", "owner") (task 2, rule 4).'
    )
    counts = {}
    for size in (1, 6):
        with CaptureQueriesContext(connection) as queries:
            exchange = send(api, "GET", f"{BOOKS}?page_size={size}", rule=rule)
        page_of(exchange, rule)
        counts[size] = len(queries)
    extra = counts[6] - counts[1]
    per_book = f"{extra / 5:g}"
    assert extra == 0, explain(
        rule,
        f"a page of 1 book took {counts[1]} queries, a page of 6 books took {counts[6]}: "
        f"{extra} more for 5 more books, {per_book} more "
        f"{'query' if per_book == '1' else 'queries'} per book (N+1). Fetch the author and "
        'the owner with the books: select_related("author", "owner") in get_queryset '
        "(prefetch_related works too)",
        exchange,
    )


@pytest.mark.task(2)
def test_post_creates_a_book_with_the_write_serializer(api, learner_api, catalogue, alice):
    rule = (
        "POST validates with BookWriteSerializer and answers 201 with its representation: "
        '{"id", "title", "isbn", "author": <author id>, "published", "pages", "owner"} '
        "(task 2, rule 5)."
    )
    from library.models import Book

    author = catalogue.authors["Ursula K. Le Guin"]
    api.force_authenticate(alice)
    data = new_book(author)
    exchange = send(api, "POST", BOOKS, data, rule=rule)
    body = expect_status(exchange, 201, rule)
    assert isinstance(body, dict) and set(body) == WRITE_KEYS, explain(
        rule, f"expected the keys {sorted(WRITE_KEYS)}", exchange
    )
    assert is_int(body["author"]) and body["author"] == author.id, explain(
        rule, f'expected "author": {author.id} (the id, as sent), got {body["author"]!r}', exchange
    )
    shown = {name: body[name] for name in ("title", "isbn", "published", "pages")}
    sent = {name: data[name] for name in shown}
    assert shown == sent, explain(rule, f"expected {sent} as sent, got {shown}", exchange)
    book = Book.objects.filter(pk=body["id"]).first() if is_int(body["id"]) else None
    assert book is not None and book.title == data["title"], explain(
        rule, f'expected the new book saved with "id": {body["id"]!r}', exchange
    )


@pytest.mark.task(2)
def test_new_book_belongs_to_the_requesting_user(api, learner_api, catalogue, alice):
    rule = (
        "The new book's owner is the requesting user: perform_create saves "
        "owner=self.request.user (task 2, rule 6)."
    )
    from library.models import Book

    api.force_authenticate(alice)
    exchange = send(api, "POST", BOOKS, new_book(catalogue.authors["Ted Chiang"]), rule=rule)
    body = expect_status(exchange, 201, rule)
    book = Book.objects.get(isbn=isbn13(77))
    assert book.owner_id == alice.id, explain(
        rule, f"expected the book saved with owner alice, it has {book.owner}", exchange
    )
    assert body.get("owner") == "alice", explain(
        rule, f'expected "owner": "alice", got {body.get("owner")!r}', exchange
    )


@pytest.mark.task(2)
def test_owner_sent_by_the_client_is_ignored(api, learner_api, catalogue, alice, bob):
    rule = (
        'An "owner" in the body is ignored: the owner is always the requesting user '
        "(task 2, rule 6)."
    )
    from library.models import Book

    api.force_authenticate(alice)
    for n, owner in enumerate((bob.id, "bob")):
        data = new_book(catalogue.authors["Ted Chiang"], isbn=isbn13(80 + n))
        data["owner"] = owner
        exchange = send(api, "POST", BOOKS, data, rule=rule)
        expect_status(exchange, 201, rule)
        book = Book.objects.get(isbn=data["isbn"])
        assert book.owner_id == alice.id, explain(
            rule, f"alice posted the book: expected owner alice, it has {book.owner}", exchange
        )


@pytest.mark.task(2)
def test_invalid_book_is_refused_with_the_serializer_errors(api, learner_api, catalogue, alice):
    rule = (
        "Invalid data answers 400 with the serializer's errors, keyed by field; nothing is "
        "saved (task 2, rule 7)."
    )
    from library.models import Book

    api.force_authenticate(alice)
    before = Book.objects.count()
    data = {"title": "", "isbn": "123", "author": 999999}
    exchange = send(api, "POST", BOOKS, data, rule=rule)
    body = expect_status(exchange, 400, rule)
    assert isinstance(body, dict) and {"title", "isbn", "author"} <= set(body), explain(
        rule, 'expected errors under "title", "isbn" and "author"', exchange
    )
    assert Book.objects.count() == before, explain(rule, "a book was saved anyway", exchange)


@pytest.mark.task(2)
def test_anonymous_post_is_refused(api, learner_api, catalogue, alice):
    rule = (
        "An anonymous POST is refused (403 with this course's settings) and saves nothing; "
        "the same POST by a logged-in user is created (task 2, rule 8)."
    )
    from library.models import Book

    before = Book.objects.count()
    data = new_book(catalogue.authors["Ted Chiang"])
    exchange = send(api, "POST", BOOKS, data, rule=rule)
    expect_status(exchange, (401, 403), rule)
    assert Book.objects.count() == before, explain(rule, "a book was saved anyway", exchange)
    # Refused for being anonymous, not for the data: the same POST logged in is created.
    api.force_authenticate(alice)
    expect_status(send(api, "POST", BOOKS, data, rule=rule), 201, rule)
