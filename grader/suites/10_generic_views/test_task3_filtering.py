"""Task 3: BookFilter (a django-filter FilterSet), TitleSearchFilter (a filter backend of your
own), and BookList using both before it cuts the page.

BookFilter and TitleSearchFilter are first graded on their own (a FilterSet bound to query
data; filter_queryset called with a DRF Request), then through /api/books/.
"""

import pytest
from kata_api import explain, ids_of, link_parts, page_of, send

from grader.api_calls import expect_status

BOOKS = "/api/books/"


def filter_set(filters, data: dict):
    from library.models import Book

    return filters.BookFilter(data=data, queryset=Book.objects.all())


def filtered_titles(filters, data: dict, rule: str) -> list[str]:
    found = filter_set(filters, data)
    assert found.is_valid(), f"{rule}\n  BookFilter(data={data}) is not valid: {dict(found.errors)}"
    return sorted(book.title for book in found.qs)


def searched_titles(filters, query: dict) -> list[str]:
    from library.models import Book
    from rest_framework.generics import GenericAPIView
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    request = Request(APIRequestFactory().get(BOOKS, query))
    result = filters.TitleSearchFilter().filter_queryset(
        request, Book.objects.all(), GenericAPIView()
    )
    return sorted(book.title for book in result)


@pytest.mark.task(3)
def test_author_filter_keeps_that_authors_books(filters, catalogue):
    rule = "BookFilter: ?author=<id> keeps that author's books (task 3, rule 1)."
    le_guin = catalogue.authors["Ursula K. Le Guin"]
    got = filtered_titles(filters, {"author": str(le_guin.id)}, rule)
    expected = sorted(["The Left Hand of Darkness", "The Dispossessed"])
    assert got == expected, (
        f"{rule}\n  BookFilter(author={le_guin.id}): expected {expected}, got {got}"
    )


@pytest.mark.task(3)
def test_author_that_does_not_exist_is_invalid(filters, catalogue):
    rule = (
        "BookFilter: an author value that is not the id of an author (999999, abc) is "
        'invalid (task 3, rule 1: fields = ["author"] gives a ModelChoiceFilter).'
    )
    for value in ("999999", "abc"):
        found = filter_set(filters, {"author": value})
        assert not found.is_valid() and "author" in found.errors, (
            f"{rule}\n  BookFilter(author={value!r}): expected an error under 'author', "
            f"got is_valid() = {found.is_valid()}, errors {dict(found.errors)}"
        )


@pytest.mark.task(3)
def test_published_after_and_before_are_inclusive_years(filters, catalogue):
    rule = (
        "published_after=YYYY keeps books of that year or later, published_before=YYYY of "
        "that year or earlier; books without a date are left out (task 3, rule 2)."
    )
    cases = [
        ({"published_after": "1974"}, ["Guards! Guards!", "Small Gods",
                                        "Stories of Your Life and Others", "The Dispossessed"]),
        ({"published_before": "1974"}, ["The Dispossessed", "The Left Hand of Darkness"]),
        ({"published_after": "1974", "published_before": "1989"},
         ["Guards! Guards!", "The Dispossessed"]),
    ]  # fmt: skip
    for data, expected in cases:
        got = filtered_titles(filters, data, rule)
        assert got == expected, f"{rule}\n  BookFilter({data}): expected {expected}, got {got}"


@pytest.mark.task(3)
def test_years_outside_one_to_9999_or_not_whole_are_refused(api, learner_api, catalogue):
    rule = (
        "A year is a whole number from 1 to 9999 (Django's dates stop there): "
        "published_after or published_before outside it (0, -5, 99999) or not whole (1970.5) "
        "answers 400, the body naming the parameter, never a 500. 1 and 9999 are years "
        "(task 3, rule 2)."
    )
    for name, value in [
        ("published_after", "99999"),
        ("published_after", "-5"),
        ("published_before", "0"),
        ("published_before", "10000"),
        ("published_after", "1970.5"),
        ("published_before", "1989.5"),
    ]:
        exchange = send(api, "GET", f"{BOOKS}?{name}={value}", rule=rule)
        body = expect_status(exchange, 400, rule)
        assert isinstance(body, dict) and name in body, explain(
            rule, f'expected the body to name "{name}"', exchange
        )
    dated = sorted(book.id for book in catalogue.books.values() if book.published)
    for query in ("published_after=1", "published_before=9999"):
        exchange = send(api, "GET", f"{BOOKS}?{query}&page_size=20", rule=rule)
        assert ids_of(page_of(exchange, rule)) == dated, explain(
            rule, f"expected every book with a date, ids {dated}", exchange
        )


@pytest.mark.task(3)
def test_min_pages_keeps_books_with_at_least_that_many_pages(filters, catalogue):
    rule = (
        "min_pages=N keeps books of N pages or more; books without a page count are left "
        "out (task 3, rule 3)."
    )
    got = filtered_titles(filters, {"min_pages": "387"}, rule)
    expected = ["Guards! Guards!", "Small Gods", "The Dispossessed"]
    assert got == expected, f"{rule}\n  BookFilter(min_pages=387): expected {expected}, got {got}"


@pytest.mark.task(3)
def test_bad_filter_values_answer_400_naming_the_parameter(api, learner_api, catalogue):
    rule = (
        "Through BookList an invalid filter value answers 400, the body naming the "
        'parameter: {"published_after": ["Enter a number."]} (task 3, rule 4).'
    )
    for name, value in [
        ("published_after", "abc"),
        ("published_before", "soon"),
        ("min_pages", "many"),
        ("author", "999999"),
    ]:
        exchange = send(api, "GET", f"{BOOKS}?{name}={value}", rule=rule)
        body = expect_status(exchange, 400, rule)
        assert isinstance(body, dict) and name in body, explain(
            rule, f'expected the body to name "{name}"', exchange
        )


@pytest.mark.task(3)
def test_search_needs_every_word_in_the_title_or_the_author_name(filters, catalogue):
    rule = (
        "TitleSearchFilter: ?q=… splits q on whitespace (spaces, tabs, several in a row: "
        "str.split() with no argument) and keeps the books where every word is in the title "
        "or in the author's name, ignoring case (task 3, rule 5)."
    )
    cases = [
        ("left dark", ["The Left Hand of Darkness"]),
        ("LEFT darkNESS", ["The Left Hand of Darkness"]),
        ("guin", ["The Dispossessed", "The Left Hand of Darkness"]),
        ("le guin darkness", ["The Left Hand of Darkness"]),
        ("pratchett  gods", ["Small Gods"]),
        ("pratchett\tgods", ["Small Gods"]),
        ("  guin \t left\n", ["The Left Hand of Darkness"]),
        ("gods guards", []),
    ]
    for q, expected in cases:
        got = searched_titles(filters, {"q": q})
        assert got == expected, f"{rule}\n  q={q!r}: expected {expected}, got {got}"


@pytest.mark.task(3)
def test_blank_or_missing_search_changes_nothing(filters, catalogue):
    rule = "TitleSearchFilter: a missing, empty or blank q changes nothing (task 3, rule 6)."
    expected = sorted(catalogue.books)
    for query in ({}, {"q": ""}, {"q": "   "}, {"q": "\t \n"}):
        got = searched_titles(filters, query)
        assert got == expected, (
            f"{rule}\n  query {query}: expected every book {expected}, got {got}"
        )


@pytest.mark.task(3)
def test_book_list_uses_the_filter_set_and_the_search_together(api, learner_api, catalogue):
    rule = (
        "BookList uses both: filter_backends = [DjangoFilterBackend, TitleSearchFilter] and "
        "filterset_class = BookFilter; every condition holds at once (task 3, rule 7)."
    )
    pratchett = catalogue.authors["Terry Pratchett"]
    # Each half alone first, so that a failure names the half that is missing or wrong.
    alone = [
        (
            "?q=pratchett%20gods",
            ["Small Gods"],
            "the search alone: ?q needs TitleSearchFilter in filter_backends, and "
            "TitleSearchFilter keeps the books where every word is in the title or the "
            "author's name (task 3, rules 5 and 7)",
        ),
        (
            f"?author={pratchett.id}&min_pages=410",
            ["Guards! Guards!"],
            "the filter set alone: ?author and ?min_pages need DjangoFilterBackend in "
            "filter_backends and filterset_class = BookFilter (task 3, rules 1, 3 and 7)",
        ),
    ]
    for query, titles, what in alone:
        exchange = send(api, "GET", f"{BOOKS}{query}", rule=rule)
        expected = catalogue.ids(*titles)
        assert ids_of(page_of(exchange, rule)) == expected, explain(
            rule, f"{what}: expected only {titles}, ids {expected}", exchange
        )
    together = [
        ("?q=pratchett&published_after=1990", ["Small Gods"]),
        (f"?author={pratchett.id}&q=gods", ["Small Gods"]),
        ("?q=the&min_pages=300&published_before=1970", ["The Left Hand of Darkness"]),
    ]
    for query, titles in together:
        exchange = send(api, "GET", f"{BOOKS}{query}", rule=rule)
        expected = catalogue.ids(*titles)
        assert ids_of(page_of(exchange, rule)) == expected, explain(
            rule,
            f"both together, every condition at once: expected only {titles}, ids {expected}",
            exchange,
        )


@pytest.mark.task(3)
def test_filters_run_before_pagination(api, learner_api, catalogue):
    rule = (
        "Filtering comes before the page is cut: count and pages are of the filtered books, "
        "and next keeps q and the filters (task 3, rule 8)."
    )
    query = "?q=guin&published_before=2000&page_size=1"
    exchange = send(api, "GET", f"{BOOKS}{query}", rule=rule)
    body = page_of(exchange, rule)
    first, second = catalogue.ids("The Left Hand of Darkness", "The Dispossessed")
    got = {name: body.get(name) for name in ("count", "pages")}
    assert got == {"count": 2, "pages": 2} and ids_of(body) == [first], explain(
        rule, f"expected count 2, pages 2 and the book {first}, got {got}", exchange
    )
    next_query = link_parts(body.get("next"), BOOKS, rule, exchange)
    expected = {"q": ["guin"], "published_before": ["2000"], "page_size": ["1"], "page": ["2"]}
    assert next_query == expected, explain(
        rule, f'expected "next" with the query {expected}, got {body.get("next")!r}', exchange
    )
    exchange = send(api, "GET", f"{BOOKS}{query}&page=2", rule=rule)
    assert ids_of(page_of(exchange, rule)) == [second], explain(
        rule, f"expected the book {second} on page 2", exchange
    )
