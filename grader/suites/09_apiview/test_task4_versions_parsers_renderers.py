"""Task 4: the version in the URL picks the representation; JSON and form bodies are parsed,
others refused (415); JSON by default, the browsable API for `Accept: text/html`, 406 else."""

from urllib.parse import urlencode

import pytest
from kata_api import book, books, expect_status, send

pytestmark = pytest.mark.task(4)


def v1_shape(made) -> dict:
    return {"id": made.pk, "title": made.title, "author": made.author.name}


def v2_shape(made) -> dict:
    return {
        "id": made.pk,
        "title": made.title,
        "isbn": made.isbn,
        "author": {"id": made.author.pk, "name": made.author.name},
        "owner": made.owner.username,
    }


SHAPES = {"v1": v1_shape, "v2": v2_shape}
SERIALIZERS = {"v1": "BookV1Serializer", "v2": "BookV2Serializer"}


def expect_book(exchange, version, made, rule):
    made.refresh_from_db()
    expected = SHAPES[version](made)
    body = exchange.body
    assert body == expected, (
        f"Under /api/{version}/ a book is {SERIALIZERS[version]}'s representation, chosen from "
        f"request.version ({rule}). Expected {expected}, got {body!r}.{exchange.describe()}"
    )


def test_each_version_answers_its_own_representation(api, alice, bob, make_book):
    made = [make_book(alice, "The Lifecycle of Software Objects"), make_book(bob, "Omphalos")]
    rule = (
        "task 4, rules 1 and 2: versioning_class = URLPathVersioning sets request.version "
        "from the URL, and the serializer follows request.version"
    )
    for version in ("v1", "v2"):
        exchange = send(api, "GET", books(version), rule=rule)
        body = expect_status(exchange, 200, f"GET {books(version)} answers 200 ({rule})")
        expected = [SHAPES[version](b) for b in made]
        assert body == expected, (
            f"GET {books(version)} answers a list of {SERIALIZERS[version]} representations "
            f"({rule}). Expected {expected}, got {body!r}.{exchange.describe()}"
        )
        exchange = send(api, "GET", book(made[1].pk, version), rule=rule)
        expect_status(exchange, 200, f"GET {book(made[1].pk, version)} answers 200 ({rule})")
        expect_book(exchange, version, made[1], rule)


def test_writes_answer_in_the_version_of_the_url(client_of, alice, make_book, payload):
    from library.models import Book

    client = client_of(alice)
    rule = "task 4, rule 2: every answer that holds a book"
    exchange = send(client, "POST", books("v2"), payload(1, "Exhalation"), rule=rule)
    body = expect_status(exchange, 201, f"A valid POST answers 201 ({rule})")
    created = Book.objects.filter(pk=body.get("id") if isinstance(body, dict) else None).first()
    assert created is not None, f"The 201 body must hold the new book's id.{exchange.describe()}"
    expect_book(exchange, "v2", created, rule)
    exchange = send(client, "PATCH", book(created.pk, "v1"), {"title": "Exhale"}, rule=rule)
    expect_status(exchange, 200, f"The owner may PATCH ({rule})")
    expect_book(exchange, "v1", created, rule)
    exchange = send(client, "PUT", book(created.pk, "v2"), payload(2, "Exhalation"), rule=rule)
    expect_status(exchange, 200, f"The owner may PUT ({rule})")
    expect_book(exchange, "v2", created, rule)


def test_unknown_version_is_404(api, client_of, alice, make_book, payload):
    from library.models import Book

    made = make_book(alice)
    rule = "task 4, rule 3: URLPathVersioning allows only v1 and v2"
    for path in (books("v3"), book(made.pk, "v3"), books("1"), books("V2")):
        expect_status(send(api, "GET", path, rule=rule), 404, f"GET {path}: {rule}")
    exchange = send(client_of(alice), "POST", books("v3"), payload(1), rule=rule)
    expect_status(exchange, 404, f"POST {books('v3')}: {rule}")
    assert Book.objects.count() == 1, f"A POST to an unknown version creates nothing ({rule})."


def test_json_and_form_bodies_both_create_a_book(client_of, alice, payload):
    from library.models import Book

    client = client_of(alice)
    rule = "task 4, rule 4: parser_classes = [JSONParser, FormParser]"
    exchange = send(client, "POST", books(), payload(1, "As JSON"), rule=rule)
    expect_status(exchange, 201, f"A JSON body creates a book ({rule})")
    form = urlencode(payload(2, "As a form"))
    exchange = send(
        client,
        "POST",
        books(),
        form,
        format=None,
        content_type="application/x-www-form-urlencoded",
        rule=rule,
    )
    expect_status(exchange, 201, f"A form-encoded body creates a book too ({rule})")
    titles = sorted(Book.objects.values_list("title", flat=True))
    assert titles == ["As JSON", "As a form"], f"Expected both books saved ({rule}); got {titles}."


def test_multipart_and_plain_text_bodies_are_415(client_of, alice, payload):
    from library.models import Book

    client = client_of(alice)
    rule = "task 4, rule 4: only JSON and form bodies are parsed"
    for shown, data, extra in (
        ("multipart/form-data", payload(1, "Not parsed"), {"format": "multipart"}),
        ("text/plain", "title=Not parsed", {"format": None, "content_type": "text/plain"}),
    ):
        exchange = send(client, "POST", books(), data, rule=rule, **extra)
        expect_status(
            exchange,
            415,
            f"A {shown} body answers 415 Unsupported Media Type ({rule}; no MultiPartParser)",
        )
    assert Book.objects.count() == 0, f"A refused body creates nothing ({rule})."


def test_json_is_the_default_rendering(api, alice, make_book):
    make_book(alice)
    rule = "task 4, rule 5: renderer_classes = [JSONRenderer, BrowsableAPIRenderer], JSON first"
    for accept in (None, "application/json", "*/*"):
        headers = {"Accept": accept} if accept else {}
        exchange = send(api, "GET", books(), headers=headers, rule=rule)
        expect_status(exchange, 200, rule)
        content_type = exchange.header("Content-Type", "")
        assert content_type.startswith("application/json") and isinstance(exchange.body, list), (
            f"With Accept {accept!r} the answer is JSON ({rule}); its Content-Type was "
            f"{content_type!r}.{exchange.describe()}"
        )


def test_accept_picks_the_browsable_api_or_answers_406(api, alice, make_book):
    made = make_book(alice, "Hell Is the Absence of God")
    rule = "task 4, rule 5: BrowsableAPIRenderer answers Accept: text/html"
    exchange = send(api, "GET", book(made.pk), headers={"Accept": "text/html"}, rule=rule)
    expect_status(exchange, 200, rule)
    content_type = exchange.header("Content-Type", "")
    page = exchange.response.content.decode("utf-8", "replace")
    assert content_type.startswith("text/html") and "<html" in page.lower(), (
        f"GET {book(made.pk)} with Accept: text/html answers the browsable API, an HTML page "
        f"({rule}); the Content-Type was {content_type!r}.{exchange.describe()}"
    )
    assert made.title in page, f"The page shows the data: {made.title!r} is missing ({rule})."
    rule = "task 4, rule 5: no renderer of the views makes application/xml"
    exchange = send(api, "GET", books(), headers={"Accept": "application/xml"}, rule=rule)
    expect_status(exchange, 406, f"{rule}: 406 Not Acceptable")
