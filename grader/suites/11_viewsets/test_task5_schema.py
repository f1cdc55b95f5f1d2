"""Task 5: the OpenAPI schema (drf-spectacular) documents every route and action, with its docs page."""

from urllib.parse import urljoin, urlsplit

import pytest
from kata_api import ACTION_ARGUMENTS, DOCS, SCHEMA, check, expect, send
from kata_schema import (
    EXPECTED_METHODS,
    describe_operation,
    methods_of,
    operation,
    page_item_component,
    request_component,
    response_component,
)

pytestmark = pytest.mark.task(5)

BOOKS, BOOK = "/api/books/", "/api/books/{id}/"
REVIEWS, REVIEW = "/api/reviews/", "/api/reviews/{id}/"
REVIEW_ACTION = "/api/books/{id}/review/"
# The docs page's same-site scripts that test_docs_page_loads_the_schema fetches, at most.
MAX_SCRIPTS = 5


def test_schema_is_served_as_openapi_json(api):
    rule = (
        "GET /api/schema/ serves the OpenAPI 3 schema (drf-spectacular's SpectacularAPIView); "
        "?format=json answers it as JSON (task 5, rule 1)."
    )
    served = send(api, "GET", "/api/schema/?format=json", rule=rule)
    body = expect(served, 200, rule)
    check(
        isinstance(body, dict) and str(body.get("openapi", "")).startswith("3."),
        rule,
        served,
        'expected a JSON object with "openapi": "3.…"',
    )
    check(
        BOOKS in (body.get("paths") or {}),
        rule,
        served,
        f"the served schema has no path {BOOKS}: it must describe the API of this URLconf",
    )


def test_schema_lists_every_route_with_its_methods(schema):
    rule = (
        "The schema lists every route of the API with exactly the methods it answers — none "
        "that would answer 405 (task 5, rule 2)."
    )
    wrong = []
    for path, expected in EXPECTED_METHODS.items():
        got = methods_of(schema, path)
        if got != expected:
            shown = "missing" if got is None else sorted(got)
            wrong.append(f"{path}: expected {sorted(expected)}, the schema has {shown}")
    listed = sorted(path for path in schema.get("paths", {}) if path.startswith("/api/"))
    check(
        not wrong,
        rule,
        None,
        "\n  ".join([*wrong, f"(the schema's paths: {listed})"]),
    )


def test_schema_uses_the_serializer_of_each_book_action(schema):
    rule = (
        "Each book action documents its own serializer: list → a page of BookList, retrieve "
        "→ BookDetail, create and update → BookWrite. The schema asks get_serializer_class() "
        "with self.action set: choose by the action, not by the HTTP method (task 5, rule 3)."
    )
    page, item = page_item_component(schema, operation(schema, BOOKS, "get"))
    check(
        item == "BookList",
        rule,
        None,
        f"GET {BOOKS}: expected a page whose results are BookList, the schema answers "
        f"{page} of {item}",
    )
    expected = [
        (BOOK, "get", "answer", "BookDetail"),
        (BOOKS, "post", "body", "BookWrite"),
        (BOOKS, "post", "answer", "BookWrite"),
        (BOOK, "put", "body", "BookWrite"),
        (BOOK, "patch", "body", "PatchedBookWrite"),
    ]
    for path, method, part, component in expected:
        op = operation(schema, path, method)
        code = "201" if method == "post" else "200"
        got = request_component(op) if part == "body" else response_component(op, code)
        check(
            got == component or (method == "patch" and got == "BookWrite"),
            rule,
            None,
            f"{method.upper()} {path}: expected the {part} to be {component}, got {got} "
            f"({describe_operation(op)})",
        )


def test_schema_uses_the_review_serializer_for_reviews(schema):
    rule = "The reviews' operations document ReviewSerializer (task 5, rule 3)."
    page, item = page_item_component(schema, operation(schema, REVIEWS, "get"))
    check(
        item == "Review",
        rule,
        None,
        f"GET {REVIEWS}: expected a page of Review, the schema answers {page} of {item}",
    )
    retrieve = operation(schema, REVIEW, "get")
    check(
        response_component(retrieve, "200") == "Review",
        rule,
        None,
        f"GET {REVIEW}: expected the answer Review ({describe_operation(retrieve)})",
    )
    patch = operation(schema, REVIEW, "patch")
    check(
        request_component(patch) in ("PatchedReview", "Review"),
        rule,
        None,
        f"PATCH {REVIEW}: expected the body PatchedReview ({describe_operation(patch)})",
    )


def test_schema_documents_the_review_action_body_and_answer(schema):
    rule = (
        "POST /api/books/{id}/review/ documents the body ReviewCreate and the answer 201 "
        "Review. The body comes from get_serializer_class() for the action 'review'; the "
        "answer is another serializer, which the schema cannot guess: "
        "@extend_schema(responses={201: ReviewSerializer}) says it (task 5, rule 4)."
    )
    op = operation(schema, REVIEW_ACTION, "post")
    check(op != {}, rule, None, f"the schema has no POST {REVIEW_ACTION}")
    check(
        request_component(op) == "ReviewCreate",
        rule,
        None,
        f"expected the body ReviewCreate ({describe_operation(op)}). {ACTION_ARGUMENTS}",
    )
    check(
        response_component(op, "201") == "Review",
        rule,
        None,
        f"expected the answer 201 with Review ({describe_operation(op)})",
    )


def test_schema_documents_the_author_filter_and_the_page(schema):
    rule = (
        "GET /api/books/ documents its query parameters: author (the filter backend's) and "
        "page (the pagination's) (task 5, rule 5). Filtering by hand in get_queryset() "
        "filters, but the docs never learn of it: use a filter backend."
    )
    op = operation(schema, BOOKS, "get")
    names = sorted(
        parameter.get("name")
        for parameter in op.get("parameters", [])
        if isinstance(parameter, dict) and parameter.get("in") == "query"
    )
    check(
        {"author", "page"} <= set(names),
        rule,
        None,
        f"expected the query parameters author and page, the schema lists {names}",
    )


def test_docs_page_loads_the_schema(api):
    from django.conf import settings

    rule = (
        "GET /api/docs/ answers the docs page, an HTML page (Swagger UI) that loads the schema "
        "from /api/schema/: the page names /api/schema/ (SpectacularSwaggerView), or one of its "
        "same-site <script src> does (SpectacularSwaggerSplitView) (task 5, rule 6)."
    )
    page = send(api, "GET", DOCS, rule=rule)
    expect(page, 200, rule)
    content_type = page.header("Content-Type", "")
    check(content_type.startswith("text/html"), rule, page, f"Content-Type is {content_type!r}")
    html = text_of(page)
    if SCHEMA in html:
        return
    static = settings.STATIC_URL or "/static/"
    fetched = []
    for src in script_sources(html):
        url = urljoin(DOCS, src)
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or parts.path.startswith(static):
            continue  # another site's script, or Swagger UI's own files
        if len(fetched) == MAX_SCRIPTS:
            break
        script = send(api, "GET", url, rule=rule)
        fetched.append(f"{url} → {script.status}")
        if script.status == 200 and SCHEMA in text_of(script):
            return
    where = (
        f"neither the page nor its same-site scripts ({', '.join(fetched)}) name {SCHEMA}"
        if fetched
        else f"the page does not name {SCHEMA}, and it has no same-site script that could"
    )
    check(
        False,
        rule,
        page,
        f"{where}: give the docs view (SpectacularSwaggerView, or SpectacularSwaggerSplitView) "
        f"url_name=… the name of the schema's route",
    )


def text_of(exchange) -> str:
    """The answer's text, with JavaScript's escaped slashes (escapejs: \\u002F) undone."""
    return exchange.response.content.decode("utf-8", "replace").replace("\\u002F", "/")


def script_sources(html: str) -> list[str]:
    """The src of every <script> of an HTML page (entities such as &amp; decoded)."""
    from html.parser import HTMLParser

    sources = []

    class Scripts(HTMLParser):
        def handle_starttag(self, tag, attrs):
            src = dict(attrs).get("src")
            if tag == "script" and src is not None:
                sources.append(src)

    Scripts().feed(html)
    return sources
