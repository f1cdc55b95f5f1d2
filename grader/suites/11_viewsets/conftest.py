"""Hidden suite of exercise 11 — viewsets (ModelViewSet, routers, @action, the OpenAPI schema).

The learner writes BookViewSet and ReviewViewSet (library/views.py), the IsOwner permission
(library/permissions.py) and the URLconf (library/urls.py): a DefaultRouter under api/, the
schema at api/schema/ and Swagger UI at api/docs/. The serializers are given. Every request
goes through DRF's real APIClient, the real router and the course's settings (Basic then
session authentication, AllowAny by default, PageNumberPagination with 3 a page) on SQLite;
users are logged in with force_authenticate, anonymous requests carry no credentials.
Task 5 generates the schema with drf-spectacular's own SchemaGenerator over the project's
URLconf (once per run) and reads its paths, methods, components and parameters; rules 5.1
and 5.6 GET the served schema and docs page (and the docs page's same-site scripts, where
SpectacularSwaggerSplitView names the schema).

Wrong answers this suite rejects:
- One serializer for every book action — test_list_uses_the_summary_serializer,
  test_retrieve_uses_the_detail_serializer_with_reviews,
  test_schema_uses_the_serializer_of_each_book_action.
- get_serializer_class keyed on request.method (and the URL's pk) instead of self.action, the
  review action making its serializer by hand: the API works, the schema (generated without a
  request) shows BookList for retrieve and BookWrite for the review body
  — test_schema_uses_the_serializer_of_each_book_action,
  test_schema_documents_the_review_action_body_and_answer.
- Permissions chosen for list only, AllowAny elsewhere (anyone edits; anonymous writes crash)
  — test_anonymous_create_is_refused_with_401, test_only_the_owner_may_change_or_delete_a_book,
  test_anonymous_change_or_delete_is_refused_with_401.
- IsOwner missing on update/partial_update (non-owners edit)
  — test_only_the_owner_may_change_or_delete_a_book.
- IsOwner comparing obj.owner is request.user: the book's owner and the request's user are
  loaded separately, so the owner is refused too — test_is_owner_allows_only_the_owner,
  test_put_replaces_a_book_and_patch_changes_one_field, test_delete_answers_204_and_removes_the_book.
- get_permissions indexing a dict with self.action and no default: a verb the route lacks
  (self.action None) crashes with KeyError instead of 405 — test_unsupported_verbs_answer_405.
- @action(permission_classes=…, serializer_class=…) ignored by a get_permissions /
  get_serializer_class that fall back to their own defaults, not to self.permission_classes /
  self.serializer_class — test_review_action_creates_the_readers_review_of_that_book,
  test_review_with_a_rating_out_of_range_answers_400,
  test_mine_lists_only_the_readers_own_books_as_a_page,
  test_schema_documents_the_review_action_body_and_answer (owner-only default and
  BookWriteSerializer); test_anonymous_review_is_refused_with_401,
  test_mine_refuses_anonymous_with_401 (AllowAny default).
- IsAuthenticated + IsOwner on every action (anonymous cannot list; nobody reviews another's
  book) — test_anyone_may_list_and_retrieve, test_review_action_creates_the_readers_review_of_that_book.
- The review action owner-only — test_review_action_creates_the_readers_review_of_that_book.
- create() overridden without the Location header
  — test_create_answers_201_with_the_location_of_the_new_book.
- No perform_create: the owner is never set — test_create_answers_201_with_the_location_of_the_new_book,
  test_create_sets_the_owner_from_the_request_not_the_body.
- The books registered with another basename ("books"): the url fields cannot be built
  — test_routes_have_the_router_names, test_list_uses_the_summary_serializer.
- A SimpleRouter (no API root) — test_api_root_lists_books_and_reviews.
- No filter backend (?author ignored) — test_author_filter_keeps_only_that_authors_books.
- ?author filtered by hand in get_queryset (the docs do not know the parameter)
  — test_schema_documents_the_author_filter_and_the_page.
- @action(detail=False) for review (the route is /api/books/review/)
  — test_review_action_creates_the_readers_review_of_that_book,
  test_review_of_an_unknown_book_answers_404, test_routes_have_the_router_names,
  test_schema_lists_every_route_with_its_methods.
- The book looked up with Book.objects.get (500 on an unknown id)
  — test_review_of_an_unknown_book_answers_404.
- No check for an earlier review (IntegrityError, 500) — test_second_review_of_the_same_book_is_refused.
- The review action answering ReviewCreateSerializer's data ({rating, text})
  — test_review_action_creates_the_readers_review_of_that_book.
- No @extend_schema for the review action's answer (documented as 200 ReviewCreate)
  — test_schema_documents_the_review_action_body_and_answer.
- mine not scoped to the user, or not paginated — test_mine_lists_only_the_readers_own_books_as_a_page.
- mine open to anonymous users (crashes on filter(owner=AnonymousUser))
  — test_mine_refuses_anonymous_with_401.
- ReviewViewSet without IsAuthenticated (the settings' AllowAny) — test_reviews_require_login.
- ReviewViewSet over every review — test_review_list_holds_only_your_own_reviews,
  test_another_users_review_is_not_found.
- Others' reviews refused with 403 (get_object over all reviews + an object permission): the
  status leaks that the id exists — test_another_users_review_is_not_found.
- PUT or POST left on ReviewViewSet — test_reviews_have_no_put_and_no_post,
  test_schema_lists_every_route_with_its_methods.
- Schema not served, or no docs page — test_schema_is_served_as_openapi_json,
  test_docs_page_loads_the_schema.
- A docs page that points elsewhere (a SpectacularSwaggerSplitView whose script loads another
  URL) — test_docs_page_loads_the_schema. SpectacularSwaggerSplitView on the schema passes: its
  script, /api/docs/?script=, names /api/schema/.

Rule table (README task.rule → tests):
    1.1  test_book_list_is_a_page_of_books_in_id_order
    1.2  test_book_detail_answers_200_and_an_unknown_id_404
    1.3  test_create_answers_201_with_the_location_of_the_new_book
    1.3  test_create_sets_the_owner_from_the_request_not_the_body
    1.3  test_invalid_create_answers_400_and_saves_nothing
    1.4  test_put_replaces_a_book_and_patch_changes_one_field
    1.5  test_delete_answers_204_and_removes_the_book
    1.6  test_unsupported_verbs_answer_405
    1.7  test_api_root_lists_books_and_reviews, test_routes_have_the_router_names
    1.8  test_author_filter_keeps_only_that_authors_books
    2.1  test_list_uses_the_summary_serializer
    2.2  test_retrieve_uses_the_detail_serializer_with_reviews
    2.3  test_create_and_update_answer_with_the_write_serializer
    2.4  test_anyone_may_list_and_retrieve
    2.5  test_anonymous_create_is_refused_with_401
    2.6  test_only_the_owner_may_change_or_delete_a_book
    2.6  test_anonymous_change_or_delete_is_refused_with_401
    2.7  test_is_owner_allows_only_the_owner
    3.1  test_review_action_creates_the_readers_review_of_that_book
    3.2  test_anonymous_review_is_refused_with_401, test_review_of_an_unknown_book_answers_404
    3.2  test_review_with_a_rating_out_of_range_answers_400
    3.3  test_second_review_of_the_same_book_is_refused
    3.4  test_mine_lists_only_the_readers_own_books_as_a_page, test_mine_refuses_anonymous_with_401
    4.1  test_reviews_require_login
    4.2  test_review_list_holds_only_your_own_reviews
    4.3  test_your_own_review_can_be_read_patched_and_deleted
    4.4  test_another_users_review_is_not_found
    4.5  test_reviews_have_no_put_and_no_post
    5.1  test_schema_is_served_as_openapi_json
    5.2  test_schema_lists_every_route_with_its_methods
    5.3  test_schema_uses_the_serializer_of_each_book_action
    5.3  test_schema_uses_the_review_serializer_for_reviews
    5.4  test_schema_documents_the_review_action_body_and_answer
    5.5  test_schema_documents_the_author_filter_and_the_page
    5.6  test_docs_page_loads_the_schema
"""

from __future__ import annotations

import pytest

# The schema is generated once per run (drf-spectacular takes a few tenths of a second):
# {"schema": dict} or {"error": AssertionError}.
_SCHEMA: dict = {}


@pytest.fixture(autouse=True, scope="session")
def no_gis_probe():
    """drf-spectacular asks once whether django.contrib.gis works, to document geometry
    filters; without GDAL installed, the failing probe costs a quarter of a second. The
    library has no geometry: answer "no" at once."""
    from drf_spectacular.contrib.django_filters import DjangoFilterExtension

    DjangoFilterExtension._has_gis = False


@pytest.fixture(autouse=True)
def learner_code(learner_models):
    """Import library/urls.py (and so views.py and permissions.py) through the grader's loader.

    Django would import it at the first request and re-raise a broken file's error from deep
    inside the test client; the loader names the file and the line instead, in every test.
    """
    from grader.loader import load

    load("library.urls")


@pytest.fixture
def schema(learner_code) -> dict:
    """The learner's OpenAPI schema, as drf-spectacular generates it (plain JSON data)."""
    if not _SCHEMA:
        _SCHEMA.update(_generate())
    if "error" in _SCHEMA:
        raise _SCHEMA["error"]
    return _SCHEMA["schema"]


def _generate() -> dict:
    from kata_schema import generate

    from grader.loader import LearnerCodeError, learner_line

    try:
        return {"schema": generate()}
    except (LearnerCodeError, NotImplementedError):
        raise
    except Exception as error:  # noqa: BLE001 - a crash while documenting the API is a failure
        where = learner_line(error.__traceback__)
        at = f"\n  raised at {where[0]}:{where[1]} in {where[2]}()" if where else ""
        return {
            "error": AssertionError(
                f"drf-spectacular could not generate the schema of your API (task 5): "
                f"{type(error).__name__}: {error}{at}"
            )
        }
