"""Four Django middleware, each using a different hook of the onion.

Order in settings.MIDDLEWARE (outermost first):

    RequestIdMiddleware      process_request / process_response   (task 1)
    TimingMiddleware         a new-style callable, sync and async  (task 2)
    MaintenanceMiddleware    process_view                          (task 4)
    ApiExceptionMiddleware   process_exception                     (task 3)

A request goes down this list; the response comes back up it. Read README.md for the rules.
"""

from __future__ import annotations

import re  # noqa: F401 - you will probably need these
import time  # noqa: F401
import uuid  # noqa: F401
from http import HTTPStatus  # noqa: F401

from asgiref.sync import iscoroutinefunction, markcoroutinefunction  # noqa: F401
from django.conf import settings  # noqa: F401
from django.core.exceptions import (  # noqa: F401
    BadRequest,
    PermissionDenied,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpResponse, JsonResponse  # noqa: F401
from django.utils.deprecation import MiddlewareMixin

# Given: names used in the README. Do not change their values.
REQUEST_ID_HEADER = "X-Request-ID"
SERVER_TIMING_HEADER = "Server-Timing"
MAINTENANCE_RETRY_AFTER = 120  # seconds, sent in the Retry-After header of the 503


# ── Task 1 ────────────────────────────────────────────────────────────────────────────────────


class RequestIdMiddleware(MiddlewareMixin):
    """Give every request an id, keep a trusted incoming one, echo it in the response.

    MiddlewareMixin gives you __init__(get_response) and __call__, which runs
    process_request, then the rest of the stack, then process_response.
    """

    def process_request(self, request):
        """Set ``request.request_id``: the incoming X-Request-ID when it is valid
        (1 to 64 characters, each one of A-Z a-z 0-9 . _ -), else ``uuid.uuid4().hex``.

        Return None, so the request goes on down the stack.
        """
        raise NotImplementedError

    def process_response(self, request, response):
        """Put ``request.request_id`` into the X-Request-ID response header; return the response."""
        raise NotImplementedError


# ── Task 2 ────────────────────────────────────────────────────────────────────────────────────


class TimingMiddleware:
    """Add ``Server-Timing: app;dur=<ms>`` to every response, in sync and in async stacks.

    A "new-style" middleware: a class whose instances Django calls, ``instance(request)``.
    Declare the class attributes ``sync_capable`` and ``async_capable`` (both True): Django
    reads them to decide whether it must wrap this middleware in a thread adapter.
    """

    def __init__(self, get_response):
        """Keep ``get_response``. When it is a coroutine function (the next layer is async),
        switch to async mode: ``markcoroutinefunction(self)`` so Django sees an async middleware.
        """
        raise NotImplementedError

    def __call__(self, request):
        """Sync mode: time ``self.get_response(request)`` and stamp the header.

        Async mode: return ``self.__acall__(request)`` (a coroutine) instead.
        """
        raise NotImplementedError

    async def __acall__(self, request):
        """Async mode: time ``await self.get_response(request)`` and stamp the header."""
        raise NotImplementedError


# ── Task 3 ────────────────────────────────────────────────────────────────────────────────────


class ApiExceptionMiddleware(MiddlewareMixin):
    """Turn exceptions raised by views under /api/ into JSON error bodies."""

    def process_exception(self, request, exception):
        """Under /api/: a JsonResponse ``{"error", "status", "request_id"}`` with the mapped
        status (404, 403, 400 or 500; a subclass maps like its base, e.g. DisallowedHost like
        SuspiciousOperation). Anywhere else: None (Django's own handling)."""
        raise NotImplementedError


# ── Task 4 ────────────────────────────────────────────────────────────────────────────────────


def allow_during_maintenance(view):
    """Mark a view so MaintenanceMiddleware lets it through; return it.

    ``view`` is a function view, the function ``SomeView.as_view()`` returns, or a class-based
    view class (then ``view.as_view()`` must still work).
    """
    raise NotImplementedError


class MaintenanceMiddleware(MiddlewareMixin):
    """Answer 503 to every view not marked @allow_during_maintenance while maintenance is on."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        """While ``settings.MAINTENANCE_MODE`` is true (read it now, on every request) and
        ``view_func`` is not marked: a 503 HttpResponse with ``Retry-After: 120``.
        Otherwise None, so the view runs."""
        raise NotImplementedError
