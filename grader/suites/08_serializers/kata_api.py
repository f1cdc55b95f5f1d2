"""Requests to the learner's library API, the README's exact messages, and teaching failures.

``send`` is grader.api_calls.call with one change: an exception in a view becomes what a real
client gets, a 500, and the exception is kept to explain it (a duplicate that reached the
database, a KeyError in validate()…). NotImplementedError still fails the test as itself, so
the grader can say which stub is left. And when a request sends a valid ISBN that comes back
refused under "isbn", ``send`` asks the learner's ISBNField about that ISBN: if the field
refuses it, task 1 is broken, and ``expect`` says so before the test's own rule (a task 2 or 3
test would otherwise fail with its own headline, while the real fault is in task 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from kata_fields import run

from grader.api_calls import Exchange, call, expect_status
from grader.library_fixtures import isbn13
from grader.loader import LearnerCodeError, load

BOOKS = "/api/books/"
REVIEWS = "/api/reviews/"

# The README's messages, word for word.
ISBN_INVALID = "Enter an ISBN-13: 13 digits; hyphens and spaces are allowed."
ISBN_TAKEN = "A book with this ISBN already exists."
TITLE_NEEDS_A_LETTER = "A title needs at least one letter or digit."
PUBLISHED_TOO_EARLY = "A book cannot be published before its author was born."
RATING_ERROR = "Rate from 1 to 5 stars."
ALREADY_REVIEWED = "You have already reviewed this book."
OWN_BOOK = "You cannot review a book you own."

BOOK_KEYS = {
    "id",
    "title",
    "isbn",
    "author",
    "owner",
    "published",
    "pages",
    "average_rating",
    "created_at",
}
REVIEW_KEYS = {"id", "book", "reader", "rating", "text", "created_at"}

# The classic example ISBN, "978-0-306-40615-7": check digit 7.
EXAMPLE_ISBN = "9780306406157"


def isbn_checksum_error(expected: int | str, got: int | str) -> str:
    return f"Wrong check digit: expected {expected}, got {got}."


def fresh_isbn(number: int) -> str:
    """A valid ISBN-13 no make_book() of the suite uses (those start at 306406150)."""
    return isbn13(100_000 + number)


@dataclass
class Sent(Exchange):
    # The exception the view raised (the client got a 500), or None.
    raised: BaseException | None = None
    # Why the learner's ISBNField (task 1) is to blame for this answer, or "".
    isbn_refused: str = ""


def send(client, method: str, path: str, data=None) -> Sent:
    """One request as JSON; a view's exception becomes a 500 with the exception kept."""
    client.raise_request_exception = False
    exchange = call(client, method, path, data)
    exc_info = getattr(exchange.response, "exc_info", None)
    raised = exc_info[1] if exc_info else None
    if isinstance(raised, NotImplementedError | LearnerCodeError):
        # "Not implemented yet: <function> in library/serializers.py:<line>".
        raise raised.with_traceback(exc_info[2])
    sent = Sent(exchange.method, exchange.path, exchange.sent, exchange.response, raised)
    sent.isbn_refused = _isbn_field_refused(sent)
    return sent


def expect(exchange: Sent, status: int, rule: str):
    """The parsed body when the status is ``status``; else fail with the rule and the exchange."""
    if exchange.isbn_refused:
        # Task 1 first: whatever this test checks, the answer is wrong because of ISBNField.
        try:
            expect_status(exchange, status, rule)
        except AssertionError as failure:
            raise AssertionError(f"{exchange.isbn_refused}\n  This test: {failure}") from None
        raise AssertionError(f"{exchange.isbn_refused}\n  This test: {rule}{exchange.describe()}")
    if exchange.raised is not None:
        error = exchange.raised
        request_line = exchange.describe().split("\n")[1]
        raise AssertionError(
            f"{rule}\n  expected: {status}, got: 500 Internal Server Error — the view raised "
            f"{type(error).__name__}: {error}\n{request_line}{_why(error)}"
        )
    return expect_status(exchange, status, rule)


def expect_errors(exchange: Sent, errors: dict, rule: str) -> None:
    """A 400 whose body is exactly ``errors`` ({"field": ["message"]})."""
    body = expect(exchange, 400, rule)
    assert body == errors, (
        f"{rule}\n  expected body: {errors}\n  got body:      {body}{exchange.describe()}"
    )


def valid_isbn_digits(isbn) -> str | None:
    """The 13 digits of a valid ISBN-13 written as the README allows (task 1), else None."""
    if not isinstance(isbn, str):
        return None
    digits = isbn.replace("-", "").replace(" ", "")
    if len(digits) != 13 or not all("0" <= digit <= "9" for digit in digits):
        return None
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(digits[:12]))
    return digits if (10 - total % 10) % 10 == int(digits[12]) else None


def _isbn_field_refused(exchange: Sent) -> str:
    """The note that task 1 is to blame, when a valid ISBN sent comes back refused under "isbn"."""
    sent = exchange.sent
    isbn = sent.get("isbn") if isinstance(sent, dict) else None
    digits = valid_isbn_digits(isbn)
    body = exchange.body
    if digits is None or exchange.status != 400 or not isinstance(body, dict):
        return ""
    if "isbn" not in body:
        return ""
    outcome = run(load("library.serializers").ISBNField, isbn)
    if outcome.accepted and outcome.value == digits:
        return ""  # ISBNField is right about it: the "isbn" error comes from somewhere else.
    what = "refused it" if not outcome.accepted else f"does not clean it to {digits!r}"
    return (
        f"This request sends a valid ISBN, {isbn!r}; your ISBNField (task 1) {what}: fix "
        f"task 1 first.\n  {outcome.describe()}"
    )


def _why(error: BaseException) -> str:
    name = type(error).__name__
    if name == "IntegrityError" and "UNIQUE" in str(error).upper():
        return (
            "\n  The database refused a duplicate that validation let through: the serializer "
            "must check this rule itself and answer 400."
        )
    if name == "IntegrityError" and "NOT NULL" in str(error).upper():
        return (
            "\n  A column the model requires never reached save(): declare the field in the "
            "serializer and list it in Meta.fields."
        )
    if isinstance(error, KeyError):
        return (
            "\n  A KeyError in validation: attrs holds only the fields that were sent (an "
            "optional field may be left out; a PATCH sends a few). Use attrs.get(…), and "
            "self.instance for what the book already has."
        )
    return ""


def book_data(author, /, **fields) -> dict:
    """A valid body for POST /api/books/ (override any field; None removes it)."""
    data = {
        "title": "The Dispossessed",
        "isbn": "9780060512750",
        "author_id": author.pk,
        "published": "1974-05-01",
        "pages": 387,
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def book_path(pk: int) -> str:
    return f"{BOOKS}{pk}/"


def review_path(pk: int) -> str:
    return f"{REVIEWS}{pk}/"


def created_id(body, rule: str) -> int:
    """The int id of a created row, or a failure saying the body lacks it."""
    assert isinstance(body, dict) and type(body.get("id")) is int, (
        f"{rule}\n  the body must be a JSON object with the new row's id (an int) under "
        f'"id"; it was {body!r}'
    )
    return body["id"]
