"""Task 1: BookViewSet (a ModelViewSet) on a DefaultRouter — every verb, the right status."""

import pytest
from kata_api import (
    BOOKS,
    OWNER_REFUSED,
    book_url,
    check,
    expect,
    ids_of,
    page_of,
    path_of,
    send,
)

from grader.library_fixtures import isbn13

pytestmark = pytest.mark.task(1)


def new_book(author_id: int, number: int = 1, **fields) -> dict:
    return {"title": "Tehanu", "isbn": isbn13(number), "author": author_id, **fields}


def test_book_list_is_a_page_of_books_in_id_order(api, alice, bob, make_book):
    made = [make_book(alice if n % 2 else bob, title=f"Book {n}") for n in range(4)]
    rule = (
        "GET /api/books/ lists every book, 3 a page (the course's PageNumberPagination), "
        "in id order (task 1, rule 1)."
    )
    first = send(api, "GET", BOOKS, rule=rule)
    expect(first, 200, rule)
    results = page_of(first, rule)
    expected = [book.pk for book in made]
    check(first.body["count"] == 4, rule, first, f"expected count 4, got {first.body['count']!r}")
    check(
        ids_of(results) == expected[:3],
        rule,
        first,
        f"expected the ids {expected[:3]} on page 1, got {ids_of(results)}",
    )
    check(
        path_of(first.body["next"]) == BOOKS,
        rule,
        first,
        f'"next" must link to page 2 ({BOOKS}?page=2), got {first.body["next"]!r}',
    )
    second = send(api, "GET", f"{BOOKS}?page=2", rule=rule)
    expect(second, 200, rule)
    check(ids_of(page_of(second, rule)) == expected[3:], rule, second, "page 2 holds the 4th book")


def test_book_detail_answers_200_and_an_unknown_id_404(api, alice, make_book):
    book = make_book(alice, title="The Word for World Is Forest")
    rule = "GET /api/books/<id>/ answers 200 with that book; an unknown id answers 404 (task 1, rule 2)."
    found = send(api, "GET", book_url(book.pk), rule=rule)
    body = expect(found, 200, rule)
    check(
        isinstance(body, dict) and body.get("id") == book.pk and body.get("title") == book.title,
        rule,
        found,
        f"expected the book with id {book.pk} and title {book.title!r}",
    )
    missing = send(api, "GET", book_url(book.pk + 1000), rule=rule)
    expect(missing, 404, rule)


def test_create_answers_201_with_the_location_of_the_new_book(api, alice, make_book):
    from library.models import Book

    author_id = make_book(alice).author_id
    rule = (
        "POST /api/books/ answers 201 Created, and its Location header is the new book's URL, "
        "/api/books/<id>/ (task 1, rule 3)."
    )
    created = send(api, "POST", BOOKS, new_book(author_id, 7), rule=rule, user=alice)
    body = expect(created, 201, rule)
    check(isinstance(body, dict) and isinstance(body.get("id"), int), rule, created, "no int id")
    check(
        Book.objects.filter(pk=body["id"], title="Tehanu").exists(),
        rule,
        created,
        f"no Book row with id {body['id']} and the title sent",
    )
    location = created.header("Location")
    check(
        path_of(location) == book_url(body["id"]),
        rule,
        created,
        f"expected Location: …{book_url(body['id'])}, got {location!r}. DRF's CreateModelMixin "
        f"copies the answer's \"url\" into Location: answer with BookWriteSerializer's data, "
        f"and let create() build the response (override perform_create, not create)",
    )


def test_create_sets_the_owner_from_the_request_not_the_body(api, alice, bob, make_book):
    from library.models import Book

    author_id = make_book(bob).author_id
    rule = (
        "POST /api/books/: the new book's owner is the user who sent the request (task 1, rule 3)."
    )
    data = new_book(author_id, 8, owner=bob.pk)
    created = send(api, "POST", BOOKS, data, rule=rule, user=alice)
    body = expect(created, 201, rule)
    owner = Book.objects.filter(pk=body.get("id")).values_list("owner__username", flat=True)
    check(
        list(owner) == ["alice"],
        rule,
        created,
        f"alice sent the request (with owner={bob.pk}, bob, in the body): the book must be "
        f"alice's, found owner {list(owner)}. Save it with serializer.save(owner=request.user)",
    )


def test_invalid_create_answers_400_and_saves_nothing(api, alice, make_book):
    from library.models import Book

    author_id = make_book(alice).author_id
    rule = "POST /api/books/ with an invalid body answers 400 and saves nothing (task 1, rule 3)."
    for data in ({"isbn": isbn13(9), "author": author_id}, new_book(author_id, 9, isbn="123")):
        sent = send(api, "POST", BOOKS, data, rule=rule, user=alice)
        body = expect(sent, 400, rule)
        check(isinstance(body, dict) and body, rule, sent, "expected the serializer's errors")
    check(Book.objects.count() == 1, rule, None, f"{Book.objects.count() - 1} book(s) were saved")


def test_put_replaces_a_book_and_patch_changes_one_field(api, alice, make_book):
    book = make_book(alice, title="Old title", pages=100)
    rule = "PUT /api/books/<id>/ replaces the book, PATCH changes the fields sent: 200 (task 1, rule 4)."
    data = new_book(book.author_id, 11, title="Replaced", pages=250)
    replaced = send(api, "PUT", book_url(book.pk), data, rule=rule, user=alice)
    expect(replaced, 200, rule, hint=OWNER_REFUSED if replaced.status == 403 else "")
    book.refresh_from_db()
    check(
        (book.title, book.isbn, book.pages) == ("Replaced", data["isbn"], 250),
        rule,
        replaced,
        f"after PUT the row is {(book.title, book.isbn, book.pages)}",
    )
    patched = send(api, "PATCH", book_url(book.pk), {"title": "Patched"}, rule=rule, user=alice)
    expect(patched, 200, rule, hint=OWNER_REFUSED if patched.status == 403 else "")
    book.refresh_from_db()
    check(
        (book.title, book.pages) == ("Patched", 250),
        rule,
        patched,
        f"after PATCH the row is (title, pages) = {(book.title, book.pages)}",
    )


def test_delete_answers_204_and_removes_the_book(api, alice, make_book):
    from library.models import Book

    book = make_book(alice)
    rule = "DELETE /api/books/<id>/ answers 204 No Content and deletes the book (task 1, rule 5)."
    deleted = send(api, "DELETE", book_url(book.pk), rule=rule, user=alice)
    expect(deleted, 204, rule, hint=OWNER_REFUSED if deleted.status == 403 else "")
    check(deleted.body in (None, ""), rule, deleted, "a 204 answer has no body")
    check(not Book.objects.filter(pk=book.pk).exists(), rule, deleted, "the row is still there")


def test_unsupported_verbs_answer_405(api, alice, make_book):
    book = make_book(alice)
    rule = (
        "A verb the route does not support answers 405 Method Not Allowed: PUT, PATCH and "
        "DELETE on /api/books/, POST on /api/books/<id>/ (task 1, rule 6)."
    )
    for method, path in [
        ("PUT", BOOKS),
        ("PATCH", BOOKS),
        ("DELETE", BOOKS),
        ("POST", book_url(book.pk)),
    ]:
        data = None if method == "DELETE" else {"title": "x"}
        expect(send(api, method, path, data, rule=rule, user=alice), 405, rule)


def test_api_root_lists_books_and_reviews(api):
    rule = (
        'GET /api/ is the DefaultRouter\'s API root: {"books": <url>, "reviews": <url>} '
        "(task 1, rule 7)."
    )
    root = send(api, "GET", "/api/", rule=rule)
    body = expect(root, 200, rule)
    check(isinstance(body, dict), rule, root, "expected a JSON object")
    links = {name: path_of(body.get(name)) for name in ("books", "reviews")}
    check(
        links == {"books": BOOKS, "reviews": "/api/reviews/"},
        rule,
        root,
        f"expected the links …/api/books/ and …/api/reviews/, got {links}",
    )


def test_routes_have_the_router_names():
    from django.urls import NoReverseMatch, reverse

    rule = (
        'The router names the routes "<basename>-<name>": register the books with the basename '
        '"book" and the reviews with "review" (task 1, rule 7).'
    )
    expected = {
        ("book-list", ()): "/api/books/",
        ("book-detail", (5,)): "/api/books/5/",
        ("book-review", (5,)): "/api/books/5/review/",
        ("book-mine", ()): "/api/books/mine/",
        ("review-list", ()): "/api/reviews/",
        ("review-detail", (5,)): "/api/reviews/5/",
    }
    for (name, args), path in expected.items():
        try:
            got = reverse(name, args=args)
        except NoReverseMatch:
            got = "no route of that name"
        check(
            got == path, rule, None, f"reverse({name!r}, args={list(args)}): {got}, expected {path}"
        )


def test_author_filter_keeps_only_that_authors_books(api, alice):
    from library.models import Author, Book

    le_guin = Author.objects.create(name="Ursula K. Le Guin")
    chiang = Author.objects.create(name="Ted Chiang")
    for n, author in enumerate([le_guin, chiang, le_guin, chiang, chiang]):
        Book.objects.create(title=f"Book {n}", isbn=isbn13(40 + n), author=author, owner=alice)
    expected = list(Book.objects.filter(author=le_guin).values_list("pk", flat=True))
    rule = "GET /api/books/?author=<id> lists only that author's books (task 1, rule 8)."
    filtered = send(api, "GET", f"{BOOKS}?author={le_guin.pk}", rule=rule)
    expect(filtered, 200, rule)
    got = ids_of(page_of(filtered, rule))
    check(
        got == expected and filtered.body["count"] == 2,
        rule,
        filtered,
        f"expected the ids {expected} (count 2), got {got}",
    )
