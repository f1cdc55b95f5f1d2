"""Task 2: BookSerializer — what a book reads as, and what a client may write."""

import pytest
from kata_api import (
    BOOK_KEYS,
    BOOKS,
    book_data,
    book_path,
    created_id,
    expect,
    fresh_isbn,
    send,
)

pytestmark = pytest.mark.task(2)


def author_json(author) -> dict:
    return {"id": author.pk, "name": author.name, "birth_year": author.birth_year}


def test_valid_book_is_created_and_reads_back(as_alice, le_guin):
    from library.models import Book

    rule = "A valid POST /api/books/ answers 201 with the book as it reads (task 2, rule 8)."
    sent = book_data(le_guin)
    exchange = send(as_alice, "POST", BOOKS, sent)
    body = expect(exchange, 201, rule)
    pk = created_id(body, rule)
    expected = {
        "id": pk,
        "title": sent["title"],
        "isbn": sent["isbn"],
        "author": author_json(le_guin),
        "owner": "alice",
        "published": sent["published"],
        "pages": sent["pages"],
        "average_rating": None,
    }
    got = {key: body.get(key, "(missing)") for key in expected}
    assert got == expected, (
        f"{rule}\n  expected (besides created_at): {expected}\n  got: {got}{exchange.describe()}"
    )
    assert Book.objects.filter(pk=pk, owner__username="alice").exists(), (
        f"{rule} The book must be saved, owned by alice."
    )
    read = expect(send(as_alice, "GET", book_path(pk)), 200, rule)
    assert read == body, (
        f"GET {book_path(pk)} must give the same body as the POST answered (task 2, rule 8).\n"
        f"  POST answered: {body}\n  GET answered:  {read}"
    )
    # published and pages are optional.
    optional = book_data(le_guin, isbn=fresh_isbn(1), published=None, pages=None)
    exchange = send(as_alice, "POST", BOOKS, optional)
    body = expect(
        exchange, 201, "published and pages are optional: a book without them is valid "
        "(task 2, rule 8)."
    )  # fmt: skip
    shown = {key: body.get(key, "(missing)") for key in ("published", "pages")}
    assert shown == {"published": None, "pages": None}, (
        f"A book saved without published and pages reads them as null (task 2, rule 8); "
        f"got {shown}.{exchange.describe()}"
    )


def test_book_reads_with_exactly_the_readme_keys(as_alice, left_hand):
    rule = "A book reads as exactly the README's keys (task 2, rule 1)."
    listed = expect(send(as_alice, "GET", BOOKS), 200, rule)
    assert isinstance(listed, list) and len(listed) == 1 and isinstance(listed[0], dict), (
        f"GET {BOOKS} must answer a JSON list holding the one book; got {listed!r}."
    )
    detail = expect(send(as_alice, "GET", book_path(left_hand.pk)), 200, rule)
    for where, body in ((f"GET {BOOKS}", listed[0]), (f"GET {book_path(left_hand.pk)}", detail)):
        keys = set(body) if isinstance(body, dict) else set()
        assert keys == BOOK_KEYS, (
            f"{rule}\n  {where}\n  expected keys: {sorted(BOOK_KEYS)}\n  got keys:      "
            f"{sorted(keys)}\n  missing: {sorted(BOOK_KEYS - keys)}, extra: "
            f"{sorted(keys - BOOK_KEYS)} (author_id is write-only: never in a read)"
        )


def test_author_is_nested_in_reads(as_alice, left_hand, le_guin):
    body = expect(send(as_alice, "GET", book_path(left_hand.pk)), 200, "task 2, rule 2")
    expected = author_json(le_guin)
    got = body.get("author") if isinstance(body, dict) else body
    assert got == expected, (
        f"A book's author reads as the nested author {{'id', 'name', 'birth_year'}} — "
        f"AuthorSerializer — not as an id (task 2, rule 2).\n  expected: {expected}\n  "
        f"got:      {got!r}"
    )


def test_nested_author_sent_in_the_body_is_ignored(as_alice, le_guin):
    from library.models import Author, Book

    rule = (
        "The nested author is read-only: an 'author' sent in the body is ignored; the book's "
        "author comes from author_id (task 2, rule 2)."
    )
    sent = book_data(le_guin, author={"name": "Somebody Else", "birth_year": 1800})
    exchange = send(as_alice, "POST", BOOKS, sent)
    body = expect(exchange, 201, rule)
    pk = created_id(body, rule)
    assert body.get("author") == author_json(le_guin), f"{rule}{exchange.describe()}"
    authors = list(Author.objects.values_list("name", flat=True))
    assert authors == [le_guin.name], (
        f"{rule} No Author may be created by a book's body; the authors are now {authors}."
    )
    assert Book.objects.get(pk=pk).author_id == le_guin.pk, rule
    patch = {"author": {"name": "Somebody Else", "birth_year": 1800}, "pages": 300}
    exchange = send(as_alice, "PATCH", book_path(pk), patch)
    body = expect(exchange, 200, rule)
    assert body.get("author") == author_json(le_guin) and body.get("pages") == 300, (
        f"{rule}{exchange.describe()}"
    )
    authors = list(Author.objects.values_list("name", flat=True))
    assert authors == [le_guin.name], f"{rule} After the PATCH the authors are {authors}."


def test_writes_name_the_author_by_author_id(as_alice, le_guin, chiang):
    from library.models import Book

    rule = "A write names the author by its id under author_id (task 2, rule 3)."
    sent = book_data(chiang, title="Stories of Your Life and Others", published="2002-01-01")
    exchange = send(as_alice, "POST", BOOKS, sent)
    body = expect(exchange, 201, rule)
    pk = created_id(body, rule)
    assert body.get("author") == author_json(chiang) and "author_id" not in body, (
        f"{rule} The answer shows the nested author {author_json(chiang)}, and no author_id "
        f"(write-only).{exchange.describe()}"
    )
    assert Book.objects.get(pk=pk).author_id == chiang.pk, f"{rule} It must be saved."
    exchange = send(as_alice, "PATCH", book_path(pk), {"author_id": le_guin.pk})
    body = expect(exchange, 200, f"{rule} PATCH {{'author_id': …}} changes the author.")
    assert body.get("author") == author_json(le_guin), (
        f"{rule} After PATCH {{'author_id': {le_guin.pk}}} the book reads with that author."
        f"{exchange.describe()}"
    )
    assert Book.objects.get(pk=pk).author_id == le_guin.pk, f"{rule} The change must be saved."


def test_unknown_or_missing_author_id_is_refused_under_author_id(as_alice, le_guin):
    from library.models import Book

    cases = (
        (book_data(le_guin, author_id=987654), "an unknown author_id"),
        (book_data(le_guin, author_id=None), "no author_id"),
    )
    for sent, what in cases:
        rule = f"A POST with {what} answers 400 with an error under 'author_id' (task 2, rule 3)."
        exchange = send(as_alice, "POST", BOOKS, sent)
        body = expect(exchange, 400, rule)
        assert isinstance(body, dict) and set(body) == {"author_id"}, (
            f"{rule}\n  expected errors under: ['author_id']\n  got body: {body!r}"
            f"{exchange.describe()}"
        )
        assert isinstance(body["author_id"], list) and body["author_id"], rule
    assert not Book.objects.exists(), "A refused POST must create no book (task 2, rule 3)."


def test_isbn_written_with_hyphens_is_stored_and_read_as_13_digits(as_alice, le_guin):
    from library.models import Book

    rule = (
        "isbn is an ISBNField: written with hyphens or spaces, stored and read as its 13 "
        "digits, a str (task 2, rule 4)."
    )
    exchange = send(as_alice, "POST", BOOKS, book_data(le_guin, isbn="978-0-06-051275-0"))
    body = expect(exchange, 201, rule)
    pk = created_id(body, rule)
    assert body.get("isbn") == "9780060512750", f"{rule}{exchange.describe()}"
    stored = Book.objects.get(pk=pk).isbn
    assert stored == "9780060512750", f"{rule} The database holds {stored!r}."
    exchange = send(as_alice, "PATCH", book_path(pk), {"isbn": "978 0 306 40615 7"})
    body = expect(exchange, 200, rule)
    assert body.get("isbn") == "9780306406157", f"{rule}{exchange.describe()}"
    stored = Book.objects.get(pk=pk).isbn
    assert stored == "9780306406157", f"{rule} After the PATCH the database holds {stored!r}."


def test_owner_is_the_requesting_user_whatever_the_body_says(as_alice, bob, le_guin):
    from library.models import Book

    rule = (
        "owner is read-only: the book belongs to the user who sent the request; 'owner', "
        "'id', 'created_at' and 'average_rating' in the body are ignored (task 2, rules 5-7)."
    )
    sent = book_data(
        le_guin,
        owner=bob.pk,
        id=4242,
        created_at="2001-01-01T00:00:00Z",
        average_rating=5,
    )
    exchange = send(as_alice, "POST", BOOKS, sent)
    body = expect(exchange, 201, rule)
    pk = created_id(body, rule)
    shown = {key: body.get(key, "(missing)") for key in ("owner", "average_rating")}
    assert shown == {"owner": "alice", "average_rating": None} and pk != 4242, (
        f"{rule}{exchange.describe()}"
    )
    assert not str(body.get("created_at", "")).startswith("2001"), f"{rule}{exchange.describe()}"
    book = Book.objects.get(pk=pk)
    assert book.owner.username == "alice", f"{rule} The book is saved with owner {book.owner}."


def test_read_only_fields_sent_in_a_patch_are_ignored(as_alice, left_hand, bob):
    from library.models import Book

    rule = (
        "id, owner, created_at and average_rating are read-only: a PATCH that sends them "
        "changes only the writable fields (task 2, rules 5-7)."
    )
    before = expect(send(as_alice, "GET", book_path(left_hand.pk)), 200, rule)
    sent = {
        "id": 4242,
        "owner": "bob",
        "created_at": "2001-01-01T00:00:00Z",
        "average_rating": 1,
        "title": "The Left Hand of Darkness (Ace)",
    }
    exchange = send(as_alice, "PATCH", book_path(left_hand.pk), sent)
    body = expect(exchange, 200, rule)
    expected = {**before, "title": sent["title"]}
    assert body == expected and set(body) == BOOK_KEYS and body["owner"] == "alice", (
        f"{rule}\n  expected: {expected}\n  got:      {body}"
    )
    book = Book.objects.get(pk=left_hand.pk)
    assert (book.owner.username, book.title) == ("alice", sent["title"]), (
        f"{rule} The database holds owner {book.owner}, title {book.title!r}."
    )


def test_average_rating_is_the_rounded_mean_or_null(as_alice, make_book, alice, bob, carol):
    from library.models import Review

    rule = (
        "average_rating is the mean of the book's ratings rounded to 2 decimals, a JSON "
        "number, or null without reviews (task 2, rule 6)."
    )
    unrated = make_book(alice, "Unrated")
    twice = make_book(alice, "Rated twice")
    thrice = make_book(alice, "Rated three times")
    for user, rating in ((alice, 1), (bob, 2)):
        Review.objects.create(book=twice, user=user, rating=rating)
    for user, rating in ((alice, 4), (bob, 5), (carol, 5)):
        Review.objects.create(book=thrice, user=user, rating=rating)
    expected = {unrated.pk: ([], None), twice.pk: ([1, 2], 1.5), thrice.pk: ([4, 5, 5], 4.67)}
    listed = expect(send(as_alice, "GET", BOOKS), 200, rule)
    got = {
        book.get("id"): book.get("average_rating", "(missing)")
        for book in listed
        if isinstance(book, dict)
    }
    for pk, (ratings, want) in expected.items():
        value = got.get(pk, "(missing)")
        if want is None:
            ok = value is None
        else:
            number = isinstance(value, int | float) and not isinstance(value, bool)
            ok = number and abs(value - want) < 1e-9
        assert ok, f"{rule}\n  ratings {ratings} → expected {want!r}, got {value!r}"
    detail = expect(send(as_alice, "GET", book_path(thrice.pk)), 200, rule)
    assert detail.get("average_rating") == 4.67, (
        f"{rule} GET {book_path(thrice.pk)}: expected 4.67, got "
        f"{detail.get('average_rating', '(missing)')!r}."
    )
