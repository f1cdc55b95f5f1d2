"""Hidden suite of exercise 07 — sessions (django session的设计原理).

The learner writes a session engine (session_store.SessionStore on SQLite), a session
middleware (session_middleware.SessionMiddleware) and views (views.py: cart, login, logout).
Each task is graded with the other halves taken from Django, so a failure points at one half:

- task 1 (engine): the store directly, and behind Django's own SessionMiddleware;
- task 2 (middleware): on Django's database engine and on its signed-cookie engine;
- task 3 (views): behind Django's SessionMiddleware and database engine;
- task 4 (together): everything the learner's, along the flow of the interview notes.

Every request goes through Django's real test client and handler. Each test gets a fresh
SQLite file (settings.KATA_SESSION_DB); time is only compared with generous margins, and
expiry is tested by editing expire_date in the table, never by waiting. The logout race (a
request loads the session, another tab logs out, the first request changes the session and
saves it) is played without threads: a probe view (kata_views.race, race_add_to_cart) sends the
other tab's logout as a full request of its own, with the same cookie, in the middle of the
first one. Values the learner's code returns are compared only after their type is checked
(kata_helpers.same, status_of): an object whose __eq__ always answers True passes nothing.

Wrong answers this suite rejects:
- Saving on every request, modified or not — test_read_only_visit_does_not_save_the_session,
  test_later_visit_reads_the_row_and_does_not_rewrite_it (mutant saves_every_request).
- Saving empty sessions (a row and a cookie for every visitor) under SESSION_SAVE_EVERY_REQUEST
  — test_save_every_request_creates_nothing_for_an_empty_session (saves_empty_sessions).
- SESSION_SAVE_EVERY_REQUEST ignored — test_save_every_request_saves_read_only_visits
  (ignores_save_every_request).
- Trusting a client-chosen session key (load() keeps an unknown key) —
  test_forged_key_gets_a_fresh_empty_session_with_a_new_key,
  test_djangos_middleware_on_your_engine_replaces_a_forged_cookie,
  test_forged_cookie_gets_a_fresh_session_and_a_new_key (adopts_client_key); the key taken
  before the load that resets it — test_saving_an_unread_session_with_a_forged_key_does_not_adopt_it
  (saves_before_loading).
- Saving with an upsert: a request that loaded the session before a logout in another tab
  brings the logged-out session back — test_save_of_a_session_deleted_meanwhile_raises_update_error,
  test_djangos_middleware_on_your_engine_keeps_a_logged_out_session_gone,
  test_logout_in_another_tab_is_not_undone (upserts_a_deleted_session); updating only, but
  silently when no row was updated (a 200 and a cookie for a deleted session) — the same tests
  (missing_row_not_reported).
- The middleware letting UpdateError through (a 500) or swallowing it (a 200), instead of
  SessionInterrupted (a 400) — test_session_deleted_by_another_tab_is_not_saved_back,
  test_update_error_becomes_session_interrupted, test_logout_in_another_tab_is_not_undone
  (update_error_escapes, update_error_swallowed).
- create() not marking the session modified: after cycle_key() alone the browser keeps the old,
  deleted key — test_create_marks_the_session_modified (create_not_modified).
- Cookie without HttpOnly — test_session_cookie_is_httponly_by_default (cookie_without_httponly).
- Cookie flags not from settings / set_expiry ignored — test_cookie_flags_follow_the_settings,
  test_cookie_max_age_follows_set_expiry, test_expire_at_browser_close_sets_a_browser_session_cookie
  (ignores_set_expiry).
- Not deleting the cookie on flush — test_flush_deletes_the_cookie_and_saves_nothing
  (flush_keeps_cookie); deleting it without its path/domain, or without its SameSite —
  test_flush_deletes_the_cookie_with_its_path_domain_and_samesite (delete_cookie_default_path,
  delete_cookie_without_samesite).
- Expiry ignored on load — test_expired_session_loads_as_a_fresh_empty_session
  (expiry_ignored_on_load); expiry written without set_expiry —
  test_expire_date_follows_set_expiry_and_the_cookie_age (expiry_ignores_set_expiry).
- clear_expired deleting live rows — test_clear_expired_removes_only_expired_rows
  (clear_expired_deletes_live_rows).
- Pickle, repr or self.encode() serialisation (not plain JSON) —
  test_save_writes_the_session_as_json_with_its_expiry,
  test_json_round_trip_turns_tuples_into_lists, test_non_json_values_fail_at_save_with_a_type_error
  (pickle_serialisation, repr_serialisation, signed_encode).
- save(must_create=True) overwriting an existing row — test_save_with_must_create_refuses_an_existing_key,
  test_create_draws_another_key_when_the_first_is_taken (must_create_overwrites).
- Login without cycle_key (session fixation) — test_login_rotates_the_session_key_against_fixation,
  test_session_fixation_is_defeated_end_to_end (login_without_cycle_key); login with flush()
  (the cart is lost) — test_login_keeps_the_cart (login_flushes).
- Logout that only forgets the user — test_logout_flushes_the_session (logout_forgets_user_only).
- Cart changed in place (session not marked modified, the add is lost) —
  test_every_add_is_saved_in_the_session (cart_mutated_in_place). Tests that need the adds saved
  first (test_login_keeps_the_cart, the task 4 flows) check that before their own step and then
  name task 3, rule 2, not the step.
- The item name checked stripped but stored as sent — test_item_names_are_stripped
  (item_not_stripped).
- No Vary: Cookie — test_vary_cookie_when_the_session_is_read (no_vary_cookie); Vary
  overwritten instead of patched — test_vary_cookie_keeps_the_vary_values_already_there
  (vary_overwrites); Vary only when the session was read, not when the cookie is set —
  test_vary_cookie_when_the_cookie_is_set_without_reading_the_session (vary_only_when_accessed).
- Shared state so two clients see each other's data: a dict on the store class —
  test_two_stores_never_share_data, test_two_visitors_never_see_each_others_cart
  (shared_class_state); stores cached on the middleware instance —
  test_two_visitors_get_separate_sessions (shared_store_cache). The visitors share one test
  client (Browser), so they go through one middleware instance, as on a real server.
- Middleware importing session_store instead of settings.SESSION_ENGINE —
  test_works_with_djangos_signed_cookie_engine (hardcoded_store).
- Loading the session eagerly in process_request —
  test_page_that_never_touches_the_session_reads_and_writes_nothing (eager_load).
- Saving the session of a 5xx response — test_server_error_responses_do_not_save_the_session
  (saves_on_server_error).

Rule table (README task.rule → tests):
    1.1  test_exists_tells_whether_a_row_has_the_key
    1.2  test_two_stores_never_share_data
    1.3  test_save_writes_the_session_as_json_with_its_expiry, test_expire_date_follows_set_expiry_and_the_cookie_age, test_json_round_trip_turns_tuples_into_lists, test_non_json_values_fail_at_save_with_a_type_error, test_non_json_value_in_a_new_session_writes_no_row
    1.4  test_create_saves_an_empty_session_under_a_new_random_key, test_create_draws_another_key_when_the_first_is_taken, test_create_marks_the_session_modified
    1.5  test_saving_an_unread_session_with_a_forged_key_does_not_adopt_it, test_save_writes_the_session_as_json_with_its_expiry, test_save_with_must_create_refuses_an_existing_key, test_save_of_a_session_deleted_meanwhile_raises_update_error, test_djangos_middleware_on_your_engine_keeps_a_logged_out_session_gone
    1.6  test_load_reads_the_saved_session_back, test_store_loads_lazily_on_first_access, test_forged_key_gets_a_fresh_empty_session_with_a_new_key, test_expired_session_loads_as_a_fresh_empty_session, test_djangos_middleware_on_your_engine_replaces_a_forged_cookie
    1.7  test_delete_removes_only_that_row, test_djangos_middleware_runs_on_your_engine
    1.8  test_clear_expired_removes_only_expired_rows
    2.1  test_works_with_djangos_signed_cookie_engine, test_first_visit_sets_the_cookie_and_stores_the_session
    2.2  test_later_visits_load_the_session_named_by_the_cookie, test_two_visitors_get_separate_sessions, test_page_that_never_touches_the_session_reads_and_writes_nothing
    2.3  test_flush_deletes_the_cookie_and_saves_nothing, test_flush_deletes_the_cookie_with_its_path_domain_and_samesite
    2.4  test_read_only_visit_does_not_save_the_session, test_save_every_request_saves_read_only_visits, test_save_every_request_creates_nothing_for_an_empty_session, test_server_error_responses_do_not_save_the_session
    2.5  test_session_cookie_is_httponly_by_default, test_cookie_flags_follow_the_defaults, test_cookie_flags_follow_the_settings, test_expire_at_browser_close_sets_a_browser_session_cookie, test_cookie_max_age_follows_set_expiry
    2.6  test_vary_cookie_when_the_session_is_read, test_vary_cookie_keeps_the_vary_values_already_there, test_vary_cookie_when_the_cookie_is_set_without_reading_the_session, test_flush_deletes_the_cookie_and_saves_nothing, test_page_that_never_touches_the_session_reads_and_writes_nothing
    2.7  test_session_deleted_by_another_tab_is_not_saved_back, test_update_error_becomes_session_interrupted
    3.1  test_adding_items_fills_the_cart, test_add_to_cart_rejects_bad_requests, test_item_names_are_stripped
    3.2  test_every_add_is_saved_in_the_session
    3.3  test_new_visitor_sees_an_empty_cart, test_adding_items_fills_the_cart
    3.4  test_login_checks_the_password_and_stores_the_user, test_login_rotates_the_session_key_against_fixation, test_login_keeps_the_cart
    3.5  test_logout_flushes_the_session
    4.1  test_first_visit_sets_a_cookie_and_a_row
    4.2  test_later_visit_reads_the_row_and_does_not_rewrite_it
    4.3  test_two_visitors_never_see_each_others_cart
    4.4  test_session_fixation_is_defeated_end_to_end
    4.5  test_forged_cookie_gets_a_fresh_session_and_a_new_key
    4.6  test_logout_in_another_tab_is_not_undone
"""

import pytest
from kata_helpers import (
    DJANGO_DB_ENGINE,
    DJANGO_MIDDLEWARE,
    LEARNER_ENGINE,
    LEARNER_MIDDLEWARE,
    SIGNED_COOKIE_ENGINE,
)

ENGINES = {"learner": LEARNER_ENGINE, "django_db": DJANGO_DB_ENGINE, "signed": SIGNED_COOKIE_ENGINE}
MIDDLEWARES = {"learner": LEARNER_MIDDLEWARE, "django": DJANGO_MIDDLEWARE}


@pytest.fixture(autouse=True)
def session_db(settings, tmp_path):
    """A fresh SQLite file for the learner's engine in every test (settings.KATA_SESSION_DB)."""
    path = tmp_path / "sessions.sqlite3"
    settings.KATA_SESSION_DB = str(path)
    return path


@pytest.fixture
def store():
    """The learner's session_store module (imported through the grader's loader)."""
    from grader.loader import load

    return load("session_store")


@pytest.fixture
def stack(settings):
    """Plug a middleware and an engine together: ``stack(middleware="learner", engine="django_db")``.

    Call it before the first request: Django builds the middleware chain at the first request
    of each test client. Learner modules are imported through the loader first, so a broken
    file gives the loader's clear message instead of a raw import error.
    """
    from grader.loader import load

    def use(middleware: str, engine: str) -> None:
        if middleware == "learner":
            load("session_middleware")
        if engine == "learner":
            load("session_store")
        settings.MIDDLEWARE = [MIDDLEWARES[middleware]]
        settings.SESSION_ENGINE = ENGINES[engine]

    return use
