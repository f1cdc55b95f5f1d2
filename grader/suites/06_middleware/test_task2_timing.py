"""Task 2: TimingMiddleware (a new-style callable, sync and async)."""

import re
import threading

import pytest
from django.http import HttpResponse
from kata_support import (
    ASYNC_MODE_HOW,
    PROBE_HEADER,
    SYNC_MODE_HOW,
    FakeClock,
    asgi_get,
    awaitable_or_fail,
    describe,
    is_coroutine_function,
    json_body,
    run_async,
    same,
)

SERVER_TIMING = re.compile(r"app;dur=(\d+\.\d{3})")


def duration_of(response, where):
    value = response.headers.get("Server-Timing")
    match = SERVER_TIMING.fullmatch(value or "")
    assert match, (
        f"{where}: the response must carry Server-Timing: app;dur=<milliseconds with exactly 3 "
        f"digits after the dot>, e.g. app;dur=12.345 (task 2, rule 1); got {value!r}"
    )
    return float(match.group(1))


@pytest.mark.task(2)
def test_timing_header_is_added_to_sync_responses(client, use_middleware):
    use_middleware("TimingMiddleware")
    response = client.get("/echo/")
    assert same(response.status_code, 200), (
        f"GET /echo/ through TimingMiddleware: {describe(response)}"
    )
    duration_of(response, "GET /echo/ (WSGI test client)")


@pytest.mark.task(2)
def test_timing_header_is_added_to_error_responses_too(client, use_middleware):
    use_middleware("TimingMiddleware")
    response = client.get("/pages/raise/404/")
    assert same(response.status_code, 404), (
        f"GET /pages/raise/404/ should be Django's 404 page: {describe(response)}"
    )
    duration_of(response, "A 404 response (task 2, rule 2: every response)")


@pytest.mark.task(2)
def test_timing_declares_sync_and_async_capable(mw):
    cls = mw.TimingMiddleware
    sync_capable = getattr(cls, "sync_capable", True)
    async_capable = getattr(cls, "async_capable", False)
    assert sync_capable is True and async_capable is True, (
        "TimingMiddleware must declare sync_capable = True and async_capable = True (task 2, "
        f"rule 3); it has sync_capable={sync_capable!r}, async_capable={async_capable!r}. "
        "As a class, set both as class attributes; as a factory function, decorate it with "
        "@sync_and_async_middleware, which sets both. Without async_capable, Django runs it in "
        "a worker thread under ASGI (sync_to_async)."
    )


@pytest.mark.task(2)
def test_timing_is_plain_sync_when_the_next_layer_is_sync(mw, rf):
    def view(request):
        return HttpResponse("ok")

    middleware = mw.TimingMiddleware(view)
    assert not is_coroutine_function(middleware), (
        "Given a sync get_response, the middleware that TimingMiddleware(get_response) builds "
        "must stay a plain sync callable (task 2, rule 4): iscoroutinefunction(middleware) is "
        f"True, so a WSGI server would need an event loop for every request. {SYNC_MODE_HOW}"
    )
    response = middleware(rf.get("/"))
    assert isinstance(response, HttpResponse), (
        "Given a sync get_response, calling the middleware TimingMiddleware(get_response) "
        f"builds must return the response itself (task 2, rule 4); it returned "
        f"{type(response).__name__}. {SYNC_MODE_HOW}"
    )
    duration_of(response, "TimingMiddleware(sync get_response)(request)")


@pytest.mark.task(2)
def test_timing_is_a_coroutine_function_when_the_next_layer_is_async(mw, rf):
    async def view(request):
        return HttpResponse("ok")

    middleware = mw.TimingMiddleware(view)
    assert is_coroutine_function(middleware), (
        "Given an async get_response, the middleware that TimingMiddleware(get_response) "
        "builds must be a coroutine function: asgiref.sync.iscoroutinefunction(middleware) "
        "must be True (task 2, rule 5); otherwise Django treats it as sync and wraps it in "
        f"sync_to_async. {ASYNC_MODE_HOW}"
    )
    result = awaitable_or_fail(
        middleware(rf.get("/")),
        pytest.fail,
        "Given an async get_response, calling the middleware must return a coroutine to await "
        "(task 2, rule 5); it returned {got}. " + ASYNC_MODE_HOW,
    )
    response = run_async(result)
    assert isinstance(response, HttpResponse), (
        "Awaiting TimingMiddleware(async get_response)(request) must give the response (task 2, "
        f"rule 5); it gave {type(response).__name__}. Did you await get_response(request)?"
    )
    duration_of(response, "await TimingMiddleware(async get_response)(request)")


@pytest.mark.task(2)
def test_duration_is_in_milliseconds(mw, rf, monkeypatch):
    clock = FakeClock()
    clock.install(monkeypatch, mw.TimingMiddleware)

    def view(request):
        clock.advance_ms(250)  # the view "takes" 250 ms on the fake clock
        return HttpResponse("ok")

    response = mw.TimingMiddleware(view)(rf.get("/"))
    assert isinstance(response, HttpResponse), (
        "Given a sync get_response, calling the middleware TimingMiddleware(get_response) "
        f"builds must return the response itself (task 2, rule 4); it returned "
        f"{type(response).__name__}. {SYNC_MODE_HOW}"
    )
    duration = duration_of(response, "A view that takes 250 ms")
    assert abs(duration - 250.0) < 0.01, (
        "dur must be the time spent in the rest of the stack, in MILLISECONDS (task 2, rule 1): "
        f"the view took 250 ms on a fake clock and the header said dur={duration}. (Measure "
        "with time.perf_counter() before and after get_response; seconds x 1000.)"
    )


@pytest.mark.task(2)
def test_duration_is_in_milliseconds_on_the_async_path(mw, rf, monkeypatch):
    clock = FakeClock()

    async def view(request):
        clock.advance_ms(1.5)
        return HttpResponse("ok")

    middleware = mw.TimingMiddleware(view)
    assert is_coroutine_function(middleware), (
        "Given an async get_response, the middleware that TimingMiddleware(get_response) "
        "builds must be a coroutine function (task 2, rule 5): "
        f"asgiref.sync.iscoroutinefunction(middleware) is False. {ASYNC_MODE_HOW}"
    )

    async def timed():
        clock.install(monkeypatch, mw.TimingMiddleware)
        try:
            return await awaitable_or_fail(
                middleware(rf.get("/")),
                pytest.fail,
                "Given an async get_response, calling the middleware must return a coroutine "
                "(task 2, rule 5); it returned {got}",
            )
        finally:
            monkeypatch.undo()

    response = run_async(timed())
    duration = duration_of(response, "An async view that takes 1.5 ms")
    assert abs(duration - 1.5) < 0.01, (
        "dur must be in milliseconds on the async path too (task 2, rules 1 and 5): the async "
        f"view took 1.5 ms on a fake clock and the header said dur={duration}"
    )


@pytest.mark.task(2)
def test_async_view_through_asgi_stays_async(async_client, use_middleware):
    # kata_support.AsyncProbe sits on top and reports whether Django had to wrap the layer
    # below it (TimingMiddleware) in sync_to_async.
    use_middleware("kata_support.AsyncProbe", "TimingMiddleware")
    loop_thread = threading.get_ident()
    response = asgi_get(async_client, "/async/echo/", pytest.fail)
    assert same(response.status_code, 200), (
        f"An async view through TimingMiddleware under ASGI (async_client): {describe(response)}"
    )
    duration_of(response, "An async view through ASGI (async_client)")
    mode = response.headers.get(PROBE_HEADER)
    assert mode == "async", (
        "Under ASGI, Django had to wrap TimingMiddleware in sync_to_async: it ran in a worker "
        "thread instead of on the event loop (task 2, rules 3 and 5). It must declare "
        "async_capable = True, and the middleware it builds for an async get_response must be "
        f"a coroutine function. {ASYNC_MODE_HOW}"
    )
    view_thread = (json_body(response) or {}).get("thread")
    assert view_thread == loop_thread, (
        "The async view must run on the event loop's thread (task 2, rule 5); it ran on "
        f"thread {view_thread}, the loop runs on {loop_thread}"
    )
