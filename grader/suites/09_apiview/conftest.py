"""Hidden suite of exercise 09 — apiview (APIView: 认证、权限、节流、版本、解析器、渲染器).

The learner writes ApiKeyAuthentication (library/authentication.py), IsOwnerOrReadOnly
(library/permissions.py), BookWriteThrottle (library/throttles.py) and two APIView endpoints,
BookList and BookDetail (library/views.py), with every component chosen on the views. The given
library/urls.py routes /api/<version>/books/ and /api/<version>/books/<int:pk>/ to them; the
suite sends real requests with DRF's APIClient to the real views, on SQLite.

How it grades:
- Task 1 goes through the suite's probe view (kata_probe, /kata/probe/<source>/): "class" uses
  the learner's class then SessionAuthentication, "BookList"/"BookDetail" use what the learner's
  views' get_authenticators() give. So task 1 needs no view method yet; two tests also send a
  bad key to the real endpoints.
- Tasks 2-4 log users in with force_authenticate() (client_of): a logged-in user's requests do
  not depend on the learner's authentication; the test that mixes an API key and a session
  (task 3, rule 4) and task 5 use real credentials.
- Time is frozen for throttles: SimpleRateThrottle.timer is replaced (fixture `clock`) and moved
  forward; nothing sleeps. Django's cache is cleared around every test.
- The settings (kata_settings) keep DRF's defaults neutral (no authentication, AllowAny, no
  throttle, no versioning, JSON renderer only, DRF's default parsers), so only what the views set
  counts. Any mechanism passes: attributes on each view, a base class, get_permissions()...
- A view that raises instead of answering fails with the exception and the learner's line
  (kata_api.send); broken learner modules fail every /api/ request with the loader's message.
- Every status is checked with kata_api.expect_status, which names two causes that would else
  blame a rule the learner got right: a 403 whose detail is an authentication failure ("Invalid
  API key.", "Invalid Api-Key header.", "Authentication credentials were not provided.") is
  DRF's answer when the view's first authentication class has no authenticate_header() (task 1,
  rules 6 and 7); an unexpected 429 is the learner's throttle counting what it must not (task 3).

Wrong answers this suite rejects:
- No authenticate_header() (DRF answers 403 instead of 401) — test_anonymous_write_is_401_with_www_authenticate_api_key, test_unknown_key_is_401.
- SessionAuthentication listed first (every 401 becomes 403, even a wrong key's), or authentication only on BookList — test_views_list_api_key_first_then_session, test_bad_key_on_a_read_of_the_books_is_401_not_anonymous.
- A wrong key returns None (anonymous) instead of raising — test_unknown_key_is_401, test_bad_key_on_a_read_of_the_books_is_401_not_anonymous.
- Revoked keys accepted — test_revoked_key_is_401.
- The key of an inactive user accepted — test_key_of_an_inactive_user_is_401.
- request.auth not the ApiKey (returns (user, None)) — test_good_key_authenticates_its_user_and_request_auth_is_the_key.
- Scheme compared case-sensitively, or the key compared ignoring case — test_scheme_is_case_insensitive_but_the_key_is_not.
- Another scheme (Basic, Bearer) raises instead of returning None — test_no_header_or_another_scheme_is_anonymous, test_another_scheme_lets_the_session_authenticate.
- "Api-Key" with no key or extra words accepted — test_malformed_api_key_header_is_401.
- ApiKeyAuthentication built on SessionAuthentication, enforcing CSRF for scripts — test_api_key_client_writes_without_a_csrf_token.
- check_object_permissions never called, or only for PUT — test_non_owner_cannot_put_patch_or_delete_a_book.
- BookDetail without permission classes — test_anonymous_writes_are_refused, test_non_owner_cannot_put_patch_or_delete_a_book.
- The owner taken from the body — test_owner_in_the_body_is_ignored.
- IsOwnerOrReadOnly refusing reads by others — test_is_owner_or_read_only_allows_reads_to_anyone_and_writes_to_the_owner, test_detail_returns_one_book.
- No permission message — test_non_owner_cannot_put_patch_or_delete_a_book.
- Book.objects.get instead of get_object_or_404 (500) — test_unknown_book_is_404_for_every_method.
- PATCH not partial — test_owner_can_patch_one_field.
- DELETE answering 200, POST answering 200 — test_owner_can_delete_a_book, test_post_creates_a_book_owned_by_the_caller.
- The list scoped to the caller's books — test_list_returns_every_book_in_id_order.
- is_valid() without raise_exception — test_invalid_post_answers_400_with_the_serializer_errors.
- A throttle that counts reads — test_reads_are_never_throttled_and_use_no_budget, test_unknown_book_is_404_for_every_method (a 429 in task 2).
- A throttle per IP address instead of per user — test_each_user_has_their_own_budget.
- A throttle per credential (API key vs session) — test_api_key_and_session_of_one_user_share_a_budget.
- A hand-made BaseThrottle without wait() (no Retry-After) — test_fourth_write_within_a_minute_is_429_with_retry_after.
- A misspelled scope (ImproperlyConfigured) — test_fourth_write_within_a_minute_is_429_with_retry_after, test_every_write_method_on_both_views_counts.
- The rate written in the class — test_rate_comes_from_the_settings.
- No throttle on BookDetail — test_every_write_method_on_both_views_counts.
- No versioning class (every version answers v1, v3 served), AcceptHeaderVersioning — test_each_version_answers_its_own_representation, test_unknown_version_is_404.
- The serializer chosen from the URL's version with nothing refusing v3 — test_unknown_version_is_404.
- Always the v2 representation — test_each_version_answers_its_own_representation, test_writes_answer_in_the_version_of_the_url.
- MultiPartParser among the parsers — test_multipart_and_plain_text_bodies_are_415.
- JSONParser only (a form answers 415) — test_json_and_form_bodies_both_create_a_book.
- No BrowsableAPIRenderer — test_accept_picks_the_browsable_api_or_answers_406.
- BrowsableAPIRenderer first (HTML without Accept) — test_json_is_the_default_rendering.
- A CsrfExemptSessionAuthentication — test_session_write_without_the_csrf_token_is_403.

Rule table (README task.rule → tests):
    1.1  test_scheme_is_case_insensitive_but_the_key_is_not
    1.2  test_no_header_or_another_scheme_is_anonymous, test_another_scheme_lets_the_session_authenticate
    1.3  test_malformed_api_key_header_is_401
    1.4  test_unknown_key_is_401, test_revoked_key_is_401, test_key_of_an_inactive_user_is_401, test_bad_key_on_a_read_of_the_books_is_401_not_anonymous
    1.5  test_good_key_authenticates_its_user_and_request_auth_is_the_key
    1.6  test_anonymous_write_is_401_with_www_authenticate_api_key, test_malformed_api_key_header_is_401, test_unknown_key_is_401
    1.7  test_views_list_api_key_first_then_session, test_bad_key_on_a_read_of_the_books_is_401_not_anonymous
    2.1  test_is_owner_or_read_only_allows_reads_to_anyone_and_writes_to_the_owner, test_non_owner_cannot_put_patch_or_delete_a_book
    2.2  test_anonymous_writes_are_refused, test_list_returns_every_book_in_id_order, test_detail_returns_one_book
    2.3  test_list_returns_every_book_in_id_order
    2.4  test_post_creates_a_book_owned_by_the_caller, test_owner_in_the_body_is_ignored, test_invalid_post_answers_400_with_the_serializer_errors
    2.5  test_detail_returns_one_book, test_unknown_book_is_404_for_every_method
    2.6  test_non_owner_cannot_put_patch_or_delete_a_book
    2.7  test_owner_can_put_a_whole_book, test_owner_can_patch_one_field, test_owner_can_delete_a_book, test_invalid_update_answers_400
    3.1  test_rate_comes_from_the_settings, test_fourth_write_within_a_minute_is_429_with_retry_after, test_writes_are_allowed_again_after_retry_after_seconds
    3.2  test_every_write_method_on_both_views_counts
    3.3  test_reads_are_never_throttled_and_use_no_budget, test_every_write_method_on_both_views_counts
    3.4  test_each_user_has_their_own_budget, test_api_key_and_session_of_one_user_share_a_budget
    3.5  test_fourth_write_within_a_minute_is_429_with_retry_after
    3.6  test_writes_are_allowed_again_after_retry_after_seconds
    4.1  test_each_version_answers_its_own_representation, test_unknown_version_is_404
    4.2  test_each_version_answers_its_own_representation, test_writes_answer_in_the_version_of_the_url
    4.3  test_unknown_version_is_404
    4.4  test_json_and_form_bodies_both_create_a_book, test_multipart_and_plain_text_bodies_are_415
    4.5  test_json_is_the_default_rendering, test_accept_picks_the_browsable_api_or_answers_406
    5.1  test_api_key_client_writes_without_a_csrf_token
    5.2  test_session_write_without_the_csrf_token_is_403
    5.3  test_session_write_with_the_csrf_token_succeeds, test_session_reads_need_no_csrf_token
"""

from __future__ import annotations

import pytest
from kata_api import KEY_OF_ALICE, KEY_OF_BOB

START = 1_700_000_000.0


class FrozenClock:
    """What SimpleRateThrottle.timer returns while a test runs: a time that moves only when
    the test says so. An instance, not a function, so that it is not bound as a method."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Throttles take the time from self.timer() (task 3, rule 1): frozen here, never slept."""
    from rest_framework.throttling import SimpleRateThrottle

    frozen = FrozenClock(START)
    monkeypatch.setattr(SimpleRateThrottle, "timer", frozen)
    return frozen


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttles keep their history in Django's cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice_key(alice):
    from library.models import ApiKey

    return ApiKey.objects.create(key=KEY_OF_ALICE, user=alice)


@pytest.fixture
def bob_key(bob):
    from library.models import ApiKey

    return ApiKey.objects.create(key=KEY_OF_BOB, user=bob)


@pytest.fixture
def author(db):
    from library.models import Author

    return Author.objects.create(name="Ted Chiang", birth_year=1967)


@pytest.fixture
def payload(author):
    """``payload(n, title=…)``: the body of a valid write (title, isbn, author_id)."""
    from grader.library_fixtures import isbn13

    def make(n: int = 1, title: str | None = None) -> dict:
        return {"title": title or f"Book {n}", "isbn": isbn13(n), "author_id": author.pk}

    return make


@pytest.fixture
def client_of(db):
    """``client_of(user)``: an APIClient whose requests are authenticated as ``user``.

    force_authenticate() replaces the view's authentication classes: tasks 2-4 grade the
    views, not task 1's authentication, for logged-in users."""
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
