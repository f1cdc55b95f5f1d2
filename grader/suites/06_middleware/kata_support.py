"""Helpers of the suite: stand-in middleware, an async probe, a fake clock, small checks."""

import asyncio
import inspect
import json
import sys
import time
import timeit

from asgiref.sync import SyncToAsync, iscoroutinefunction, markcoroutinefunction
from django.utils.deprecation import MiddlewareMixin

FULL_STACK = [
    "middleware.RequestIdMiddleware",
    "middleware.TimingMiddleware",
    "middleware.MaintenanceMiddleware",
    "middleware.ApiExceptionMiddleware",
]
SUITE_REQUEST_ID = "suite-request-id.7"
PROBE_HEADER = "X-Kata-Next-Layer"


class SuiteRequestIdMiddleware(MiddlewareMixin):
    """Stands in for the learner's RequestIdMiddleware in task 3, so task 3 grades alone."""

    def process_request(self, request):
        request.request_id = SUITE_REQUEST_ID


class AsyncProbe:
    """An async-only middleware put on top of a stack under ASGI.

    Django hands it the layer below. If every layer below is async, that is a coroutine
    function; if any layer is sync-only, Django must wrap it in sync_to_async (a SyncToAsync
    object), which runs that part of the request in a worker thread. The probe reports which.
    """

    sync_capable = False
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request):
        below = self.get_response
        wrapped = isinstance(below, SyncToAsync) or not iscoroutinefunction(below)
        response = await below(request)
        response[PROBE_HEADER] = "sync_to_async" if wrapped else "async"
        return response


def run_async(awaitable):
    """Run one awaitable to completion on a fresh event loop (the suite has no async plugin)."""

    async def main():
        return await awaitable

    return asyncio.run(main())


# The README accepts TimingMiddleware in two forms; a message about async or sync mode names both.
ASYNC_MODE_HOW = (
    "As a class: in __init__, when asgiref.sync.iscoroutinefunction(get_response), call "
    "markcoroutinefunction(self), and let __call__ return a coroutine that awaits "
    "self.get_response(request) (e.g. return self.__acall__(request)). As a factory decorated "
    "with @sync_and_async_middleware: when iscoroutinefunction(get_response), return an "
    "`async def middleware(request)` that awaits get_response(request)."
)
SYNC_MODE_HOW = (
    "As a class: do not mark the instance, and let __call__ return the response itself. As a "
    "factory decorated with @sync_and_async_middleware: when get_response is a plain function, "
    "return a plain `def middleware(request)`."
)


def asgi_get(async_client, url, fail, **kwargs):
    """GET url through Django's ASGI handler (async_client), with a clear failure for the
    usual async mistake: a middleware that hands a coroutine or a response to the wrong side."""
    try:
        return run_async(async_client.get(url, **kwargs))
    except TypeError as error:
        fail(
            f"GET {url} under ASGI (async_client) failed with TypeError: {error}. In async mode, "
            "the middleware that TimingMiddleware(get_response) builds must be a coroutine "
            "function: calling it returns a coroutine that awaits get_response(request) "
            f"(task 2, rule 5). {ASYNC_MODE_HOW}"
        )


def same(got, expected) -> bool:
    """got == expected, its type checked first: an object whose __eq__ always says True (or a
    str or int subclass that lies) must not pass for the value the README asks for."""
    return type(got) is type(expected) and got == expected


def shown(value) -> str:
    """repr(value), naming its type when it is not a plain built-in value."""
    if type(value) in (str, bytes, int, float, bool, type(None), dict, list):
        return repr(value)
    return f"{value!r} (a {type(value).__module__}.{type(value).__qualname__} object)"


def json_body(response):
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def describe(response):
    """A short picture of a response for failure messages."""
    content = response.content[:200]
    return (
        f"status {shown(response.status_code)}, Content-Type {response.get('Content-Type')!r}, "
        f"body {content!r}"
    )


class FakeClock:
    """A clock that moves only when a test says so, installed over the clocks of `time`.

    Replaces time.perf_counter/monotonic/time (and their _ns twins), timeit.default_timer,
    and any of those the learner's module imported by name (`from time import perf_counter`).
    """

    NAMES = ("perf_counter", "monotonic", "time")

    def __init__(self):
        self._ns = 1_000_000_000_000  # 1000 s: any start value works

    def advance_ms(self, milliseconds):
        self._ns += round(milliseconds * 1_000_000)

    def seconds(self):
        return self._ns / 1e9

    def nanoseconds(self):
        return self._ns

    def install(self, monkeypatch, learner_class):
        replacements = []
        for name in self.NAMES:
            replacements.append((getattr(time, name), self.seconds))
            replacements.append((getattr(time, name + "_ns"), self.nanoseconds))
            monkeypatch.setattr(time, name, self.seconds)
            monkeypatch.setattr(time, name + "_ns", self.nanoseconds)
        monkeypatch.setattr(timeit, "default_timer", self.seconds)
        module = sys.modules.get(learner_class.__module__)
        for attribute, value in list(vars(module).items()) if module else []:
            for original, fake in replacements:
                if value is original:
                    monkeypatch.setattr(module, attribute, fake)


def is_coroutine_function(obj):
    """What Django asks of a middleware instance to decide if it is async."""
    return iscoroutinefunction(obj)


def awaitable_or_fail(result, fail, what):
    if not inspect.isawaitable(result):
        fail(what.format(got=type(result).__name__))
    return result
