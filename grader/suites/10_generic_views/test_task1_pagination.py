"""Task 1: BoundedPageNumberPagination, graded on the suite's own list view.

The bench, /kata/items/<total>/, lists items 1 to total as {"id", "title"} and pages them with
the learner's class only, so this task is graded before views.py is written.
"""

import pytest
from kata_api import PAGE_KEYS, explain, ids_of, is_int, link_parts, page_of, send

from grader.api_calls import expect_status

BENCH = "/kata/items/25/"
# The ids of the bench's 25 items, in order.
SHELF = list(range(1, 26))


def get_page(client, query: str, rule: str, path: str = BENCH):
    exchange = send(client, "GET", f"{path}{query}", rule=rule)
    return exchange, page_of(exchange, rule)


@pytest.mark.task(1)
def test_list_is_cut_into_pages_of_five_by_default(bench, pagination):
    rule = "Without ?page_size a page holds 5 items; ?page=N picks the page (task 1, rule 1)."
    exchange, body = get_page(bench, "", rule)
    assert ids_of(body) == SHELF[:5], explain(
        rule, f"expected the first 5 books, ids {SHELF[:5]}", exchange
    )
    exchange, body = get_page(bench, "?page=2", rule)
    assert ids_of(body) == SHELF[5:10], explain(
        rule, f"expected the books 6 to 10 on page 2, ids {SHELF[5:10]}", exchange
    )


@pytest.mark.task(1)
def test_page_size_parameter_chooses_the_page_size(bench, pagination):
    rule = "?page_size=N chooses the page size, from 1 to 20 (task 1, rule 2)."
    for size in (1, 3):
        exchange, body = get_page(bench, f"?page_size={size}", rule)
        assert ids_of(body) == SHELF[:size], explain(
            rule, f"expected the first {size} books, ids {SHELF[:size]}", exchange
        )
    exchange, body = get_page(bench, "?page_size=3&page=2", rule)
    assert ids_of(body) == SHELF[3:6], explain(
        rule, f"expected books 4 to 6 on page 2 of size 3, ids {SHELF[3:6]}", exchange
    )


@pytest.mark.task(1)
def test_page_size_over_the_cap_is_clamped_to_twenty(bench, pagination):
    rule = (
        "A page_size over 20 means 20: the cap protects the server from huge pages "
        "(task 1, rule 2)."
    )
    for size in (21, 1000):
        exchange, body = get_page(bench, f"?page_size={size}", rule)
        assert ids_of(body) == SHELF[:20], explain(
            rule, f"expected the first 20 books (of 25), got {len(body['results'])}", exchange
        )
        assert body.get("page_size") == 20, explain(
            rule, f'expected "page_size": 20, got {body.get("page_size")!r}', exchange
        )


@pytest.mark.task(1)
def test_invalid_page_size_falls_back_to_the_default(bench, pagination):
    rule = (
        "A page_size that is 0, negative or not a whole number is ignored: the page holds 5 "
        "(task 1, rule 3). It is not an error."
    )
    for value in ("0", "-3", "abc", "2.5", ""):
        exchange, body = get_page(bench, f"?page_size={value}", rule)
        assert ids_of(body) == SHELF[:5], explain(
            rule, f"expected the first 5 books, got {len(body['results'])}", exchange
        )
        assert body.get("page_size") == 5, explain(
            rule, f'expected "page_size": 5, got {body.get("page_size")!r}', exchange
        )


@pytest.mark.task(1)
def test_body_has_count_page_pages_page_size_next_previous_results(bench, pagination):
    rule = (
        'The body is {"count", "page", "pages", "page_size", "next", "previous", "results"}; '
        "count, page, pages and page_size are whole numbers (task 1, rule 4)."
    )
    exchange, body = get_page(bench, "?page_size=10&page=2", rule)
    assert set(body) == PAGE_KEYS, explain(
        rule, f"expected the keys {sorted(PAGE_KEYS)}, got {sorted(body)}", exchange
    )
    expected = {"count": 25, "page": 2, "pages": 3, "page_size": 10}
    got = {name: body[name] for name in expected}
    assert all(is_int(value) for value in got.values()) and got == expected, explain(
        rule, f"expected {expected} (ints), got {got}", exchange
    )


@pytest.mark.task(1)
def test_empty_list_has_one_empty_page(bench, pagination):
    rule = "An empty list is one empty page: count 0, page 1, pages 1 (task 1, rule 4)."
    exchange, body = get_page(bench, "", rule, path="/kata/items/0/")
    expected = {"count": 0, "page": 1, "pages": 1, "page_size": 5, "next": None, "previous": None}
    got = {name: body.get(name) for name in expected}
    assert got == expected and body["results"] == [], explain(
        rule, f"expected {expected} and no results, got {got}", exchange
    )


@pytest.mark.task(1)
def test_next_and_previous_links_walk_the_pages(bench, pagination):
    rule = (
        "next is the absolute URL of the page after this one, previous that of the page "
        "before; each is null at its end (task 1, rule 5)."
    )
    exchange, body = get_page(bench, "?page_size=10", rule)
    assert body.get("previous") is None, explain(
        rule, f'expected "previous": null on page 1, got {body.get("previous")!r}', exchange
    )
    query = link_parts(body.get("next"), BENCH, rule, exchange)
    assert query.get("page") == ["2"], explain(
        rule, f'expected "next" to ask for page=2, got {body.get("next")!r}', exchange
    )
    exchange, body = get_page(bench, "?page_size=10&page=3", rule)
    assert body.get("next") is None, explain(
        rule, f'expected "next": null on the last page, got {body.get("next")!r}', exchange
    )
    query = link_parts(body.get("previous"), BENCH, rule, exchange)
    assert query.get("page") == ["2"], explain(
        rule, f'expected "previous" to ask for page=2, got {body.get("previous")!r}', exchange
    )


@pytest.mark.task(1)
def test_links_keep_the_other_query_parameters(bench, pagination):
    rule = (
        "next and previous keep every other query parameter of the request: page_size, "
        "filters, search (task 1, rule 5)."
    )
    exchange, body = get_page(bench, "?shelf=sf&page_size=2&page=2", rule)
    query = link_parts(body.get("next"), BENCH, rule, exchange)
    expected = {"shelf": ["sf"], "page_size": ["2"], "page": ["3"]}
    assert query == expected, explain(
        rule, f'expected "next" with the query {expected}, got {body.get("next")!r}', exchange
    )
    query = link_parts(body.get("previous"), BENCH, rule, exchange)
    page = query.pop("page", ["1"])
    expected = {"shelf": ["sf"], "page_size": ["2"]}
    assert query == expected and page == ["1"], explain(
        rule,
        f'expected "previous" with the query {expected} (and page=1, or no page), '
        f"got {body.get('previous')!r}",
        exchange,
    )


@pytest.mark.task(1)
def test_page_that_does_not_exist_is_404(bench, pagination):
    rule = (
        'A page that does not exist (past the end, 0, not a number) answers 404 {"detail": '
        '"Invalid page."} (task 1, rule 6).'
    )
    for page in ("6", "0", "abc"):
        exchange = send(bench, "GET", f"{BENCH}?page={page}", rule=rule)
        body = expect_status(exchange, 404, rule)
        assert isinstance(body, dict) and isinstance(body.get("detail"), str), explain(
            rule, 'expected a body {"detail": "…"}', exchange
        )
