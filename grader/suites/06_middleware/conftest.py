"""Hidden suite of exercise 06 — middleware (django中间件的使用).

The learner writes four middleware in middleware.py, each built on a different hook:
RequestIdMiddleware (process_request/process_response), TimingMiddleware (a new-style callable,
sync and async), ApiExceptionMiddleware (process_exception), MaintenanceMiddleware
(process_view) with the @allow_during_maintenance decorator. Everything runs through Django's
real test clients (WSGI `client`, ASGI `async_client`) and real handlers; a few direct calls
check one hook on its own. Tasks 1-4 each run with only their own middleware in MIDDLEWARE
(plus suite stand-ins), so every task is graded on its own; task 5 runs the whole stack in the
README's order. TimingMiddleware may be a class or a factory decorated with
@sync_and_async_middleware (README task 2, rule 5): the tests only call
TimingMiddleware(get_response) and what it builds, and the async/sync failure messages name both
forms (kata_support.ASYNC_MODE_HOW, SYNC_MODE_HOW). Every value the learner's code makes (ids,
header values, status codes) is compared with kata_support.same: its type first, so an object
whose __eq__ always says True does not pass; JSON bodies are compared after json.loads, which
only makes plain values.

Wrong answers this suite rejects:
- Echoing any incoming X-Request-ID (header injection with CR/LF, spaces, huge values)
  — test_invalid_incoming_ids_are_replaced.
- Validating with re.match("^...$") ($ also matches before a final newline: "abc\\n" passes)
  — test_invalid_incoming_ids_are_replaced.
- No length limit on the incoming id — test_invalid_incoming_ids_are_replaced.
- RequestIdMiddleware without MiddlewareMixin (its work done in a new-style __call__)
  — test_hooks_work_when_called_directly.
- process_response that does not set X-Request-ID — test_hooks_work_when_called_directly,
  test_the_id_on_the_request_is_the_id_in_the_header.
- request.request_id (or a header) as a str subclass whose __eq__ always says True
  — test_hooks_work_when_called_directly.
- A valid incoming id replaced anyway — test_valid_incoming_ids_are_kept_and_echoed.
- A new id made for the response but not stored as request.request_id (or stored under
  another name) — test_the_id_on_the_request_is_the_id_in_the_header,
  test_hooks_work_when_called_directly.
- Generated ids in another format, or the same id for every request
  — test_missing_id_gets_a_new_32_hex_id, test_every_request_without_an_id_gets_a_different_one.
- TimingMiddleware that is sync-only (Django must wrap it in sync_to_async on the ASGI path)
  — test_timing_is_a_coroutine_function_when_the_next_layer_is_async,
  test_timing_declares_sync_and_async_capable, test_async_view_through_asgi_stays_async.
- TimingMiddleware that is async-only (an event loop per request on WSGI)
  — test_timing_is_plain_sync_when_the_next_layer_is_sync, test_timing_declares_sync_and_async_capable.
- TimingMiddleware that claims async but calls get_response without awaiting (breaks async
  views) — test_async_view_through_asgi_stays_async,
  test_timing_is_a_coroutine_function_when_the_next_layer_is_async.
- A @sync_and_async_middleware factory that returns a plain function for an async
  get_response — test_timing_is_a_coroutine_function_when_the_next_layer_is_async,
  test_async_view_through_asgi_stays_async.
- Duration measured with time.process_time() (CPU time only) — test_duration_is_in_milliseconds.
- Server-Timing only on some responses (e.g. not on a 404 page)
  — test_timing_header_is_added_to_error_responses_too.
- Server-Timing in seconds, or in another format — test_duration_is_in_milliseconds,
  test_timing_header_is_added_to_sync_responses.
- process_exception that handles paths outside /api/ (or matches "/api" without the slash)
  — test_exceptions_outside_api_get_djangos_default_handling,
  test_paths_that_only_start_with_api_are_not_api, test_process_exception_returns_none_outside_api.
- Every exception mapped to 500 (or another wrong mapping) — test_api_exceptions_map_to_their_status.
- The status looked up by the exception's exact type (type(exception) is …, or a dict keyed by
  type(exception)): Resolver404, DisallowedHost, SuspiciousFileOperation and a project's own
  subclasses become 500 — test_subclasses_of_the_listed_exceptions_map_like_their_base.
- Exception text or class name leaking into the error body
  — test_api_error_bodies_do_not_leak_exception_details.
- request_id missing from the body, or read from the header instead of request.request_id,
  or crashing when the request has none — test_api_error_body_is_json_with_error_status_and_request_id,
  test_request_id_is_null_when_the_request_has_none.
- MAINTENANCE_MODE read once (at import, or in __init__) — test_maintenance_setting_is_read_at_request_time.
- 503 without Retry-After, or the view still run — test_maintenance_mode_answers_503_with_retry_after,
  test_maintenance_mode_does_not_run_the_view.
- @allow_during_maintenance not honoured for class-based views (a class's mark is not on the
  function as_view() returns) — test_decorated_view_class_runs_during_maintenance,
  test_decorated_as_view_function_runs_during_maintenance.
- A decorator that forgets to return the view (the URLconf gets None)
  — test_decorated_function_view_runs_during_maintenance,
  test_decorated_views_work_normally_when_maintenance_is_off.
- Every class-based view let through, or a mark that leaks to other views
  — test_undecorated_views_get_503_during_maintenance.
- A middleware of the stack that is sync-only (e.g. MaintenanceMiddleware as a plain class
  without MiddlewareMixin): the ASGI stack is no longer async
  — test_async_request_stays_async_through_the_whole_stack.

Rule table (README task.rule → tests):
    1.1  test_hooks_work_when_called_directly
    1.2  test_valid_incoming_ids_are_kept_and_echoed, test_invalid_incoming_ids_are_replaced
    1.3  test_missing_id_gets_a_new_32_hex_id, test_every_request_without_an_id_gets_a_different_one, test_invalid_incoming_ids_are_replaced
    1.4  test_the_id_on_the_request_is_the_id_in_the_header, test_hooks_work_when_called_directly, test_valid_incoming_ids_are_kept_and_echoed
    1.5  test_hooks_work_when_called_directly, test_the_id_on_the_request_is_the_id_in_the_header
    2.1  test_timing_header_is_added_to_sync_responses, test_duration_is_in_milliseconds, test_duration_is_in_milliseconds_on_the_async_path
    2.2  test_timing_header_is_added_to_error_responses_too
    2.3  test_timing_declares_sync_and_async_capable
    2.4  test_timing_is_plain_sync_when_the_next_layer_is_sync, test_duration_is_in_milliseconds
    2.5  test_timing_is_a_coroutine_function_when_the_next_layer_is_async, test_async_view_through_asgi_stays_async, test_duration_is_in_milliseconds_on_the_async_path
    3.1  test_paths_that_only_start_with_api_are_not_api, test_process_exception_returns_none_outside_api
    3.2  test_api_exceptions_map_to_their_status, test_subclasses_of_the_listed_exceptions_map_like_their_base
    3.3  test_api_error_body_is_json_with_error_status_and_request_id, test_request_id_is_null_when_the_request_has_none, test_api_error_bodies_do_not_leak_exception_details
    3.4  test_api_error_bodies_do_not_leak_exception_details
    3.5  test_exceptions_outside_api_get_djangos_default_handling, test_errors_outside_api_still_reach_the_test_client, test_process_exception_returns_none_outside_api
    4.1  test_maintenance_setting_is_read_at_request_time, test_views_run_normally_when_maintenance_is_off, test_process_view_returns_none_or_a_503
    4.2  test_maintenance_mode_answers_503_with_retry_after, test_maintenance_mode_does_not_run_the_view, test_process_view_returns_none_or_a_503
    4.3  test_maintenance_mode_answers_503_with_retry_after
    4.4  test_decorated_function_view_runs_during_maintenance, test_undecorated_views_get_503_during_maintenance
    4.5  test_decorated_function_view_runs_during_maintenance
    4.6  test_decorated_as_view_function_runs_during_maintenance, test_decorated_view_class_runs_during_maintenance, test_decorated_views_work_normally_when_maintenance_is_off
    5.1  test_sync_request_goes_through_all_four
    5.2  test_api_error_carries_the_same_request_id_in_header_and_body, test_async_api_error_is_json_with_the_request_id
    5.3  test_maintenance_503_still_gets_request_id_and_timing_headers
    5.4  test_async_request_stays_async_through_the_whole_stack, test_async_api_error_is_json_with_the_request_id
"""

import kata_views
import pytest
from django.urls import path
from kata_support import FULL_STACK


@pytest.fixture
def mw():
    """The learner's middleware module, imported through the grader's loader."""
    from grader.loader import load

    return load("middleware")


@pytest.fixture(autouse=True)
def maintenance_off(settings):
    """Every test starts with maintenance off, whatever KATA_MAINTENANCE says."""
    settings.MAINTENANCE_MODE = False
    kata_views.CALLS.clear()
    yield
    kata_views.CALLS.clear()


@pytest.fixture
def use_middleware(settings):
    """use_middleware("RequestIdMiddleware", "kata_support.X", …): set MIDDLEWARE for this test.

    Bare names are the learner's classes in middleware.py. Call it before the first request:
    a client builds its middleware chain once, at its first request.
    """

    def apply(*names):
        settings.MIDDLEWARE = [name if "." in name else f"middleware.{name}" for name in names]
        return settings.MIDDLEWARE

    return apply


@pytest.fixture
def full_stack(settings):
    settings.MIDDLEWARE = list(FULL_STACK)
    return settings.MIDDLEWARE


class _UrlConf:
    """A URLconf object built in a test (Django accepts any object with `urlpatterns`)."""

    def __init__(self, urlpatterns):
        self.urlpatterns = urlpatterns


@pytest.fixture
def plain_urls(settings):
    """Task 4 URLs with no decorated view: /plain/ (function) and /plain-class/ (class-based)."""
    patterns = [
        path("plain/", kata_views.make_function_view("plain")),
        path("plain-class/", kata_views.make_view_class("PlainView", "plain-class").as_view()),
    ]
    settings.ROOT_URLCONF = _UrlConf(patterns)
    return patterns


@pytest.fixture
def maintenance_urls(settings, mw):
    """Task 4 URLs, with views marked by the learner's @allow_during_maintenance.

    /health/      a function view, decorated
    /ping/        allow_during_maintenance(PingView.as_view())
    /status/      @allow_during_maintenance on the class StatusView, then StatusView.as_view()
    /plain/       a function view, not decorated
    /plain-class/ a class-based view, not decorated
    """
    decorate = mw.allow_during_maintenance

    def decorated(view, what, rule, works):
        result = decorate(view)
        if not works(result):
            forgot = " Did you forget `return view`?" if result is None else ""
            pytest.fail(
                f"allow_during_maintenance({what}) must give back {rule}; it returned "
                f"{result!r}.{forgot}"
            )
        return result

    health = decorated(
        kata_views.make_function_view("health"),
        "a function view",
        "a view, a callable (task 4, rule 5)",
        callable,
    )
    ping = decorated(
        kata_views.make_view_class("PingView", "ping").as_view(),
        "PingView.as_view()",
        "a view, a callable (task 4, rule 6)",
        callable,
    )
    status_class = decorated(
        kata_views.make_view_class("StatusView", "status"),
        "a class-based view class",
        "a class that still has as_view() (task 4, rule 6)",
        lambda result: callable(getattr(result, "as_view", None)),
    )
    patterns = [
        path("health/", health),
        path("ping/", ping),
        path("status/", status_class.as_view()),
        path("plain/", kata_views.make_function_view("plain")),
        path("plain-class/", kata_views.make_view_class("PlainView", "plain-class").as_view()),
    ]
    settings.ROOT_URLCONF = _UrlConf(patterns)
    return patterns
