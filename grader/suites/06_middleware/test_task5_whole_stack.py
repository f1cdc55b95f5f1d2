"""Task 5: the four together, in the README's order (kata_settings.MIDDLEWARE)."""

import re
import threading

import pytest
from kata_support import (
    FULL_STACK,
    PROBE_HEADER,
    asgi_get,
    describe,
    is_coroutine_function,
    json_body,
    same,
    shown,
)

TIMING = re.compile(r"app;dur=\d+\.\d{3}")
TRACE_ID = "trace-5.A_b"


def assert_both_headers(response, where, rule):
    request_id = response.headers.get("X-Request-ID")
    timing = response.headers.get("Server-Timing")
    assert type(request_id) is str and TIMING.fullmatch(timing or ""), (
        f"{where}: with the whole stack, the response must carry both X-Request-ID and "
        f"Server-Timing ({rule}); got X-Request-ID={shown(request_id)}, Server-Timing={timing!r}"
    )
    return request_id


@pytest.mark.task(5)
def test_sync_request_goes_through_all_four(client, full_stack):
    response = client.get("/echo/", headers={"X-Request-ID": TRACE_ID})
    assert same(response.status_code, 200), (
        f"GET /echo/ through the whole stack: {describe(response)}"
    )
    request_id = assert_both_headers(response, "GET /echo/", "task 5, rule 1")
    seen = (json_body(response) or {}).get("request_id")
    assert same(request_id, TRACE_ID) and same(seen, TRACE_ID), (
        f"A valid incoming id must reach the view and come back (task 5, rule 1): sent "
        f"{TRACE_ID!r}, the view saw {seen!r}, the header was {request_id!r}"
    )


@pytest.mark.task(5)
def test_api_error_carries_the_same_request_id_in_header_and_body(client, full_stack):
    response = client.get("/api/raise/404/", headers={"X-Request-ID": TRACE_ID})
    request_id = assert_both_headers(
        response,
        "A JSON error under /api/",
        "task 5, rule 2: process_exception's response still goes up through every process_response",
    )
    body = json_body(response)
    expected = {"error": "Not Found", "status": 404, "request_id": TRACE_ID}
    assert same(response.status_code, 404) and body == expected and same(request_id, TRACE_ID), (
        "The error body must name the same request id the header carries (task 5, rule 2): "
        f"expected body {expected} and header {TRACE_ID!r}; got {describe(response)}, "
        f"header {request_id!r}"
    )


@pytest.mark.task(5)
def test_maintenance_503_still_gets_request_id_and_timing_headers(client, full_stack, settings):
    settings.MAINTENANCE_MODE = True
    response = client.get("/echo/")
    assert same(response.status_code, 503), (
        f"With MAINTENANCE_MODE on, /echo/ must answer 503 through the whole stack: "
        f"{describe(response)}"
    )
    assert_both_headers(
        response,
        "The maintenance 503",
        "task 5, rule 3: the 503 from process_view goes up through every process_response",
    )


@pytest.mark.task(5)
def test_async_request_stays_async_through_the_whole_stack(async_client, settings, mw):
    settings.MIDDLEWARE = ["kata_support.AsyncProbe", *FULL_STACK]
    loop_thread = threading.get_ident()
    response = asgi_get(
        async_client, "/async/echo/", pytest.fail, headers={"X-Request-ID": TRACE_ID}
    )
    assert same(response.status_code, 200), (
        f"GET /async/echo/ through the whole stack under ASGI: {describe(response)}"
    )
    assert_both_headers(response, "An async view under ASGI", "task 5, rule 4")
    if response.headers.get(PROBE_HEADER) != "async":

        async def next_layer(request):
            return None

        sync_only = [
            name
            for name in (
                "RequestIdMiddleware",
                "TimingMiddleware",
                "MaintenanceMiddleware",
                "ApiExceptionMiddleware",
            )
            if not is_coroutine_function(getattr(mw, name)(next_layer))
        ]
        pytest.fail(
            "Under ASGI, Django had to run part of the stack in a worker thread (sync_to_async): "
            "every one of the four must work async (task 5, rule 4). Given an async next layer, "
            f"what these build is not a coroutine function: {sync_only or 'none found directly'}. "
            "MiddlewareMixin subclasses get this for free; TimingMiddleware needs task 2, rule 5, "
            "as a class or as a @sync_and_async_middleware factory."
        )
    body = json_body(response) or {}
    assert same(body.get("request_id"), TRACE_ID) and same(body.get("thread"), loop_thread), (
        "The async view must see request.request_id and run on the event loop's thread (task 5, "
        f"rule 4): got {body!r}, the loop runs on thread {loop_thread}"
    )


@pytest.mark.task(5)
def test_async_api_error_is_json_with_the_request_id(async_client, full_stack):
    response = asgi_get(
        async_client, "/api/async/raise/403/", pytest.fail, headers={"X-Request-ID": TRACE_ID}
    )
    body = json_body(response)
    expected = {"error": "Forbidden", "status": 403, "request_id": TRACE_ID}
    assert same(response.status_code, 403) and body == expected, (
        f"An async view under /api/ that raises PermissionDenied must give the JSON error too "
        f"(task 5, rules 2 and 4): expected {expected}; got {describe(response)}"
    )
    assert_both_headers(response, "An async JSON error", "task 5, rules 2 and 4")
