"""Hidden suite of exercise 10 — generic_views.

GenericAPIView and mixins: querysets, pagination, filter backends.

The learner writes BoundedPageNumberPagination (library/pagination.py), BookFilter and
TitleSearchFilter (library/filters.py), and two views on GenericAPIView + mixins
(library/views.py): BookList at /api/books/ and ReviewList at /api/reviews/, reached through
the given library/urls.py. Everything runs through DRF's APIClient and real request handling on
SQLite; logged-in requests use force_authenticate.

How it grades:
- Task 1 runs on the suite's own list view, /kata/items/<total>/ (kata_views.PagedItems): a
  ListAPIView over a plain list whose only learner part is pagination_class, so the pagination
  is graded before views.py is written, and without a database.
- Task 3 grades BookFilter (a FilterSet bound to query data: is_valid(), errors, qs) and
  TitleSearchFilter (filter_queryset with a real DRF Request) on their own, then through
  /api/books/: both backends together, before pagination.
- Tasks 2-4 start from the same rows, made once per run (django_db_setup): alice and bob, six
  books of three authors (Exhalation with no date and no page count), five reviews. Each test
  runs in a transaction rolled back afterwards.
- kata_api.send turns an exception in the learner's view (a stub's NotImplementedError, an
  IntegrityError from a missing owner) into a failure naming the rule, the request and the
  learner's line; grader.api_calls.expect_status shows expected vs actual status and the body.
- Any correct mechanism passes: ListCreateAPIView or the mixins, a hand-written get_page_size
  or DRF's attributes, prefetch_related or select_related, ?book read by hand or by a filter
  set with the same behaviour, links with or without page=1 on the way back.

Wrong answers this suite rejects:
- Page size unbounded (no max_page_size: ?page_size=1000 gives 1000), or clamped to the default
  5 instead of the cap 20 — test_page_size_over_the_cap_is_clamped_to_twenty.
- A hand-written get_page_size with int(): ?page_size=abc answers 500, 0 gives 1
  — test_invalid_page_size_falls_back_to_the_default.
- No page_size_query_param (?page_size ignored) — test_page_size_parameter_chooses_the_page_size.
- DRF's own body, without page/pages/page_size; or "page_size" echoing the raw parameter (a
  string, not clamped) — test_body_has_count_page_pages_page_size_next_previous_results,
  test_page_size_over_the_cap_is_clamped_to_twenty.
- pages counted by hand as ceil(count / size): 0 pages for an empty list
  — test_empty_list_has_one_empty_page.
- Links built from the path alone, losing page_size and the filters
  — test_links_keep_the_other_query_parameters, test_filters_run_before_pagination.
- A page past the end served as the last page instead of 404 — test_page_that_does_not_exist_is_404.
- No perform_create (the book saved without an owner: IntegrityError)
  — test_new_book_belongs_to_the_requesting_user, test_post_creates_a_book_with_the_write_serializer.
- The owner taken from the body — test_owner_sent_by_the_client_is_ignored.
- One serializer for both methods: the list shows BookWriteSerializer's fields
  (test_list_items_use_the_list_serializer), or POST goes through the read-only
  BookListSerializer (test_post_creates_a_book_with_the_write_serializer).
- get_queryset without select_related (N+1 queries), or joining the author but not the owner
  — test_list_takes_the_same_number_of_queries_for_one_or_many_books (its message gives the
  real number of extra queries per book).
- BookList without pagination_class — test_list_is_paged_with_the_bounded_pagination.
- BookList open to anonymous writes (AllowAny) — test_anonymous_post_is_refused.
- The book list scoped to the requesting user — test_list_shows_every_book_in_id_order.
- filter_backends = [TitleSearchFilter] alone (django-filter stops working)
  — test_book_list_uses_the_filter_set_and_the_search_together,
  test_bad_filter_values_answer_400_naming_the_parameter.
- filter_backends = [DjangoFilterBackend] alone (?q ignored)
  — test_book_list_uses_the_filter_set_and_the_search_together (it checks the search alone
  first, so its message names the search, rules 5 and 7), test_filters_run_before_pagination.
- Search on titles only, words OR-ed, or q as one phrase
  — test_search_needs_every_word_in_the_title_or_the_author_name.
- q split with split(" ") instead of split(): a tab stays inside a word, a blank q of tabs
  filters everything out — test_search_needs_every_word_in_the_title_or_the_author_name,
  test_blank_or_missing_search_changes_nothing.
- request.query_params["q"] (KeyError without ?q) — test_blank_or_missing_search_changes_nothing.
- Search applied to the page after it was cut (count of every book)
  — test_filters_run_before_pagination.
- Year bounds exclusive (year__gt / year__lt) — test_published_after_and_before_are_inclusive_years.
- Plain NumberFilter year lookups (published_after=99999, -5 or published_before=0 answer 500;
  1970.5 is cut to 1970), or bounds without an integer field (1970.5 accepted), or only an upper
  bound (0 and -5 answer 500) — test_years_outside_one_to_9999_or_not_whole_are_refused.
- min_pages exclusive (gt) — test_min_pages_keeps_books_with_at_least_that_many_pages.
- author as a NumberFilter (an unknown id gives an empty list, not a 400)
  — test_author_that_does_not_exist_is_invalid, test_bad_filter_values_answer_400_naming_the_parameter.
- get_queryset returning every reader's reviews (scope leak)
  — test_list_shows_only_the_requesting_users_reviews.
- ?book ignored — test_book_parameter_narrows_to_one_book.
- ?book passed to filter() unchecked (?book=abc answers 500)
  — test_book_parameter_that_is_not_a_number_is_a_bad_request.
- The page cut from every reader's reviews, then filtered (count and pages of all users), or
  ReviewList not paged — test_reviews_are_paged_and_counted_for_the_user_only.
- ReviewList without IsAuthenticated — test_anonymous_users_cannot_read_or_write_reviews.
- The reader taken from the body — test_user_sent_by_the_client_is_ignored.
- No perform_create for reviews (IntegrityError) — test_post_creates_a_review_of_the_requesting_user.
- ReviewWriteSerializer made by hand, without the request in its context
  — test_post_creates_a_review_of_the_requesting_user, test_second_review_of_the_same_book_is_refused.
- A book anyone reviewed refused to every other reader — test_another_reader_may_review_the_same_book.
- One serializer for both methods on reviews — test_review_items_use_the_review_serializer.

Rule table (README task.rule → tests):
    1.1  test_list_is_cut_into_pages_of_five_by_default
    1.2  test_page_size_parameter_chooses_the_page_size, test_page_size_over_the_cap_is_clamped_to_twenty
    1.3  test_invalid_page_size_falls_back_to_the_default
    1.4  test_body_has_count_page_pages_page_size_next_previous_results, test_empty_list_has_one_empty_page
    1.5  test_next_and_previous_links_walk_the_pages, test_links_keep_the_other_query_parameters
    1.6  test_page_that_does_not_exist_is_404
    2.1  test_anyone_can_list_the_books
    2.2  test_list_shows_every_book_in_id_order, test_list_is_paged_with_the_bounded_pagination
    2.3  test_list_items_use_the_list_serializer
    2.4  test_list_takes_the_same_number_of_queries_for_one_or_many_books
    2.5  test_post_creates_a_book_with_the_write_serializer
    2.6  test_new_book_belongs_to_the_requesting_user, test_owner_sent_by_the_client_is_ignored
    2.7  test_invalid_book_is_refused_with_the_serializer_errors
    2.8  test_anonymous_post_is_refused
    3.1  test_author_filter_keeps_that_authors_books, test_author_that_does_not_exist_is_invalid
    3.2  test_published_after_and_before_are_inclusive_years, test_years_outside_one_to_9999_or_not_whole_are_refused
    3.3  test_min_pages_keeps_books_with_at_least_that_many_pages
    3.4  test_bad_filter_values_answer_400_naming_the_parameter
    3.5  test_search_needs_every_word_in_the_title_or_the_author_name
    3.6  test_blank_or_missing_search_changes_nothing
    3.7  test_book_list_uses_the_filter_set_and_the_search_together
    3.8  test_filters_run_before_pagination
    4.1  test_anonymous_users_cannot_read_or_write_reviews
    4.2  test_list_shows_only_the_requesting_users_reviews
    4.3  test_review_items_use_the_review_serializer
    4.4  test_book_parameter_narrows_to_one_book, test_book_parameter_of_no_book_gives_an_empty_page, test_book_parameter_that_is_not_a_number_is_a_bad_request
    4.5  test_reviews_are_paged_and_counted_for_the_user_only
    4.6  test_post_creates_a_review_of_the_requesting_user, test_user_sent_by_the_client_is_ignored
    4.7  test_second_review_of_the_same_book_is_refused, test_another_reader_may_review_the_same_book
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from grader.library_fixtures import isbn13


@pytest.fixture
def pagination():
    """The learner's BoundedPageNumberPagination (library/pagination.py)."""
    from grader.loader import load

    return load("library.pagination").BoundedPageNumberPagination


@pytest.fixture
def filters():
    """The learner's library/filters.py (BookFilter, TitleSearchFilter)."""
    from grader.loader import load

    return load("library.filters")


@pytest.fixture
def learner_api():
    """The learner's URLconf and views, imported now: a broken file fails with a clear message."""
    from grader.loader import load

    load("library.views")
    return load("library.urls")


@pytest.fixture
def bench():
    """DRF's test client for task 1's bench (/kata/items/<total>/), which needs no database."""
    from rest_framework.test import APIClient

    return APIClient()


@dataclass
class Library:
    """The rows every test of tasks 2-4 starts from (made once, restored after each test)."""

    users: dict = field(default_factory=dict)
    authors: dict = field(default_factory=dict)
    books: dict = field(default_factory=dict)
    reviews: dict = field(default_factory=dict)

    def ids(self, *titles: str) -> list[int]:
        return sorted(self.books[title].id for title in titles)


LIBRARY = Library()

# title, author, published, pages, owner
CATALOGUE = [
    ("The Left Hand of Darkness", "Ursula K. Le Guin", "1969-03-01", 304, "alice"),
    ("The Dispossessed", "Ursula K. Le Guin", "1974-05-01", 387, "alice"),
    ("Small Gods", "Terry Pratchett", "1992-05-14", 400, "bob"),
    ("Guards! Guards!", "Terry Pratchett", "1989-11-16", 416, "bob"),
    ("Stories of Your Life and Others", "Ted Chiang", "2002-01-01", 281, "alice"),
    ("Exhalation", "Ted Chiang", None, None, "bob"),
]
# reader, title, rating
REVIEWS = [
    ("alice", "Small Gods", 4),
    ("bob", "The Left Hand of Darkness", 5),
    ("alice", "Guards! Guards!", 5),
    ("bob", "Small Gods", 3),
    ("bob", "Exhalation", 4),
]


def fill_library(library: Library) -> None:
    from django.contrib.auth import get_user_model
    from library.models import Author, Book, Review

    for name in ("alice", "bob"):
        library.users[name] = get_user_model().objects.create_user(
            name, f"{name}@example.com", f"{name}-password"
        )
    for n, (title, name, published, pages, owner) in enumerate(CATALOGUE, start=1):
        if name not in library.authors:
            library.authors[name] = Author.objects.create(name=name)
        library.books[title] = Book.objects.create(
            title=title,
            isbn=isbn13(1000 + n),
            author=library.authors[name],
            published=published,
            pages=pages,
            owner=library.users[owner],
        )
    for reader, title, rating in REVIEWS:
        library.reviews[reader, title] = Review.objects.create(
            book=library.books[title],
            user=library.users[reader],
            rating=rating,
            text=f"{title}: {rating} stars.",
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the library's rows made once for the whole run.

    Each test runs in a transaction that is rolled back: every test starts from these rows.
    A broken models.py makes none (the autouse learner_models fixture reports it instead).
    """
    from grader.library_project import models_failure

    if models_failure() is None:
        with django_db_blocker.unblock():
            fill_library(LIBRARY)


@pytest.fixture
def alice(db):
    """Alice: she owns three books of the catalogue and reviewed two of bob's."""
    return LIBRARY.users["alice"]


@pytest.fixture
def bob(db):
    return LIBRARY.users["bob"]


@pytest.fixture
def catalogue(db) -> Library:
    """Six books of three authors (Exhalation has no date and no page count)."""
    return LIBRARY


@pytest.fixture
def reviews(db) -> dict:
    """{(reader, title): Review}: alice reviewed 2 books, bob 3."""
    return LIBRARY.reviews
