"""Task 3: validating a book — field, uniqueness and cross-field rules, partial updates."""

import pytest
from kata_api import (
    BOOKS,
    EXAMPLE_ISBN,
    ISBN_INVALID,
    ISBN_TAKEN,
    PUBLISHED_TOO_EARLY,
    TITLE_NEEDS_A_LETTER,
    book_data,
    book_path,
    created_id,
    expect,
    expect_errors,
    fresh_isbn,
    isbn_checksum_error,
    send,
)

pytestmark = pytest.mark.task(3)


def test_title_is_trimmed_and_inner_whitespace_collapsed(as_alice, le_guin):
    from library.models import Book

    rule = (
        "validate_title trims the title and turns every run of whitespace inside it into "
        "one space; the clean title is saved and returned (task 3, rule 1)."
    )
    sent = book_data(le_guin, title="  The \t Left   Hand\nof  Darkness  ")
    exchange = send(as_alice, "POST", BOOKS, sent)
    body = expect(exchange, 201, rule)
    pk = created_id(body, rule)
    assert body.get("title") == "The Left Hand of Darkness", f"{rule}{exchange.describe()}"
    stored = Book.objects.get(pk=pk).title
    assert stored == "The Left Hand of Darkness", f"{rule} The database holds {stored!r}."
    exchange = send(as_alice, "PATCH", book_path(pk), {"title": " Small \u3000  Gods "})
    body = expect(exchange, 200, rule)
    assert body.get("title") == "Small Gods", (
        f"{rule} (a PATCH too; \\u3000 is the ideographic space){exchange.describe()}"
    )


def test_title_without_a_letter_or_digit_is_refused(as_alice, le_guin):
    from library.models import Book

    rule = (
        "The title '— … —' has no letter or digit: 400 with the README's message under "
        "'title' (task 3, rule 2)."
    )
    exchange = send(as_alice, "POST", BOOKS, book_data(le_guin, title="— … —"))
    expect_errors(exchange, {"title": [TITLE_NEEDS_A_LETTER]}, rule)
    assert not Book.objects.exists(), "A refused POST must create no book (task 3, rule 2)."


def test_titles_with_digits_or_any_script_are_accepted(as_alice, le_guin):
    for number, title in enumerate(("1984", "三体")):
        rule = (
            f"{title!r} is a valid title: a letter or digit of any script is enough "
            f"(str.isalnum()) (task 3, rule 2)."
        )
        exchange = send(
            as_alice, "POST", BOOKS, book_data(le_guin, title=title, isbn=fresh_isbn(number))
        )
        body = expect(exchange, 201, rule)
        assert body.get("title") == title, f"{rule}{exchange.describe()}"


def test_bad_isbn_is_refused_under_isbn_with_the_fields_message(as_alice, le_guin):
    from library.models import Book

    cases = (
        ("978-0-306-40615-8", isbn_checksum_error(7, 8)),
        (9780306406157, ISBN_INVALID),
    )
    for isbn, message in cases:
        rule = (
            f"A POST with the ISBN {isbn!r} answers 400 with ISBNField's error under 'isbn' "
            f"(task 3, rule 3)."
        )
        expect_errors(
            send(as_alice, "POST", BOOKS, book_data(le_guin, isbn=isbn)), {"isbn": [message]}, rule
        )
    assert not Book.objects.exists(), "A refused POST must create no book (task 3, rule 3)."


def test_duplicate_isbn_is_refused(as_alice, left_hand, le_guin):
    from library.models import Book

    rule = (
        "Two books cannot share an ISBN: 400 {'isbn': ['A book with this ISBN already "
        "exists.']}, never a 500 from the database (task 3, rule 4)."
    )
    exchange = send(as_alice, "POST", BOOKS, book_data(le_guin, isbn=left_hand.isbn))
    expect_errors(exchange, {"isbn": [ISBN_TAKEN]}, rule)
    count = Book.objects.count()
    assert count == 1, f"{rule} There are now {count} books."


def test_duplicate_isbn_written_with_hyphens_is_refused(as_alice, make_book, alice, le_guin):
    from library.models import Book

    make_book(alice, "Introduction to Algorithms", author=le_guin, isbn=EXAMPLE_ISBN)
    other = make_book(alice, "Another book", author=le_guin)
    for method, path, sent in (
        ("POST", BOOKS, book_data(le_guin, isbn="978-0-306-40615-7")),
        ("PATCH", book_path(other.pk), {"isbn": " 978 0306406157"}),
    ):
        rule = (
            f"{method} {path} with {sent['isbn']!r}: the same ISBN as a saved book once "
            f"hyphens and spaces are gone — check uniqueness after ISBNField has cleaned "
            f"the value (task 3, rule 4)."
        )
        expect_errors(send(as_alice, method, path, sent), {"isbn": [ISBN_TAKEN]}, rule)
    isbns = sorted(Book.objects.values_list("isbn", flat=True))
    assert len(isbns) == 2 and EXAMPLE_ISBN in isbns and other.isbn in isbns, (
        f"Refused writes must change nothing (task 3, rule 4); the ISBNs are now {isbns}."
    )


def test_book_saved_again_with_its_own_isbn_is_not_a_duplicate(as_alice, left_hand, le_guin):
    rule = (
        "Saving a book again with its own ISBN is not a duplicate: PUT and PATCH answer 200 "
        "(task 3, rule 5)."
    )
    sent = book_data(
        le_guin,
        title="The Left Hand of Darkness",
        isbn="978-0-441-47812-5",
        published="1969-03-01",
        pages=286,
    )
    exchange = send(as_alice, "PUT", book_path(left_hand.pk), sent)
    body = expect(exchange, 200, rule)
    assert body.get("pages") == 286 and body.get("isbn") == "9780441478125", (
        f"{rule} The PUT must save the new page count and keep the ISBN's 13 digits."
        f"{exchange.describe()}"
    )
    expect(send(as_alice, "PATCH", book_path(left_hand.pk), {"isbn": "9780441478125"}), 200, rule)


def test_book_published_before_its_author_was_born_is_refused(as_alice, le_guin):
    from library.models import Book

    for published in ("1900-06-01", "1928-12-31"):
        rule = (
            f"Le Guin was born in 1929: a book of hers published {published} answers 400 "
            f"with the rule's message under 'published' (task 3, rule 6)."
        )
        exchange = send(as_alice, "POST", BOOKS, book_data(le_guin, published=published))
        expect_errors(exchange, {"published": [PUBLISHED_TOO_EARLY]}, rule)
    assert not Book.objects.exists(), "A refused POST must create no book (task 3, rule 6)."


def test_published_rule_allows_the_birth_year_and_unknown_years(as_alice, le_guin):
    from library.models import Author

    unknown = Author.objects.create(name="Anonymous", birth_year=None)
    cases = (
        (book_data(le_guin, published="1929-01-01", isbn=fresh_isbn(1)), "in its author's birth year"),
        (book_data(unknown, published="1500-01-01", isbn=fresh_isbn(2)), "by an author whose birth year is null"),
        (book_data(le_guin, published=None, isbn=fresh_isbn(3)), "with no date"),
    )  # fmt: skip
    for sent, what in cases:
        rule = f"A book published {what} is valid (task 3, rule 6)."
        expect(send(as_alice, "POST", BOOKS, sent), 201, rule)


def test_patch_with_one_field_needs_no_other_field(as_alice, left_hand):
    from library.models import Book

    rule = (
        "PATCH is a partial update: PATCH {'pages': 300} needs no title, ISBN or author "
        "(task 3, rule 7)."
    )
    exchange = send(as_alice, "PATCH", book_path(left_hand.pk), {"pages": 300})
    body = expect(exchange, 200, rule)
    assert body.get("pages") == 300 and body.get("title") == left_hand.title, (
        f"{rule}{exchange.describe()}"
    )
    assert Book.objects.get(pk=left_hand.pk).pages == 300, f"{rule} It must be saved."


def test_patch_with_a_bad_title_fails_on_title_only(as_alice, left_hand):
    from library.models import Book

    for title, message in (("", None), ("?!", TITLE_NEEDS_A_LETTER)):
        rule = (
            f"PATCH {{'title': {title!r}}} validates only the title: 400 with errors under "
            f"'title' only (task 3, rule 7)."
        )
        exchange = send(as_alice, "PATCH", book_path(left_hand.pk), {"title": title})
        body = expect(exchange, 400, rule)
        assert isinstance(body, dict) and set(body) == {"title"}, (
            f"{rule}\n  got body: {body!r}{exchange.describe()}"
        )
        if message:
            assert body["title"] == [message], f"{rule}{exchange.describe()}"
    title = Book.objects.get(pk=left_hand.pk).title
    assert title == "The Left Hand of Darkness", (
        f"A refused PATCH changes nothing; title {title!r}."
    )


def test_patch_of_the_date_is_checked_against_the_books_author(as_alice, left_hand):
    from library.models import Book

    rule = (
        "PATCH {'published': '1900-01-01'} on a book by Le Guin (born 1929): the rule compares "
        "the date sent with the book's own author — 400 under 'published' (task 3, rule 8)."
    )
    exchange = send(as_alice, "PATCH", book_path(left_hand.pk), {"published": "1900-01-01"})
    expect_errors(exchange, {"published": [PUBLISHED_TOO_EARLY]}, rule)
    published = Book.objects.get(pk=left_hand.pk).published
    assert published.year == 1969, f"{rule} The refused PATCH saved published={published}."


def test_patch_of_the_author_is_checked_against_the_books_date(as_alice, left_hand, chiang):
    from library.models import Book

    rule = (
        "PATCH {'author_id': <Ted Chiang, born 1967>} on a book published in 1969 is fine, "
        "but on a book published in 1960 it answers 400 under 'published': the rule compares "
        "the author sent with the book's own date (task 3, rule 8)."
    )
    expect(send(as_alice, "PATCH", book_path(left_hand.pk), {"author_id": chiang.pk}), 200, rule)
    Book.objects.filter(pk=left_hand.pk).update(published="1960-01-01", author=left_hand.author)
    exchange = send(as_alice, "PATCH", book_path(left_hand.pk), {"author_id": chiang.pk})
    expect_errors(exchange, {"published": [PUBLISHED_TOO_EARLY]}, rule)
    author_id = Book.objects.get(pk=left_hand.pk).author_id
    assert author_id == left_hand.author_id, f"{rule} The refused PATCH changed the author."
