"""Wrong: Server-Timing is added only to successful (2xx) responses, so a 404 page has none. Caught by: test_timing_header_is_added_to_error_responses_too."""

from __future__ import annotations

import re
import time
import uuid
from http import HTTPStatus

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin

REQUEST_ID_HEADER = "X-Request-ID"
SERVER_TIMING_HEADER = "Server-Timing"
MAINTENANCE_RETRY_AFTER = 120  # seconds, sent in the Retry-After header of the 503

# fullmatch, not match: re.match("...$") would accept "abc\n" ($ matches before a final newline).
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


# ── Task 1 ────────────────────────────────────────────────────────────────────────────────────


class RequestIdMiddleware(MiddlewareMixin):
    """Give every request an id, keep a trusted incoming one, echo it in the response."""

    def process_request(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER)
        # A client controls this header: anything outside the safe alphabet (CR/LF, spaces,
        # a huge value) could forge headers or poison logs, so it is replaced, never echoed.
        if incoming is not None and _VALID_REQUEST_ID.fullmatch(incoming):
            request.request_id = incoming
        else:
            request.request_id = uuid.uuid4().hex
        # None: carry on down the stack.

    def process_response(self, request, response):
        request_id = getattr(request, "request_id", None)
        if request_id is not None:
            response[REQUEST_ID_HEADER] = request_id
        return response


# ── Task 2 ────────────────────────────────────────────────────────────────────────────────────


class TimingMiddleware:
    """Add ``Server-Timing: app;dur=<ms>`` to every response, in sync and in async stacks."""

    # Tell Django this class can run either way, so it never wraps it in a thread adapter.
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            # Django (and asgiref) decide "async or not" with iscoroutinefunction(instance):
            # mark the instance so the answer is yes when the next layer is async.
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)  # a coroutine: the caller awaits it
        start = time.perf_counter()
        response = self.get_response(request)
        return self._stamp(response, start)

    async def __acall__(self, request):
        start = time.perf_counter()
        response = await self.get_response(request)
        return self._stamp(response, start)

    @staticmethod
    def _stamp(response, start):
        elapsed_ms = (time.perf_counter() - start) * 1000
        if 200 <= response.status_code < 300:
            response[SERVER_TIMING_HEADER] = f"app;dur={elapsed_ms:.3f}"
        return response


# ── Task 3 ────────────────────────────────────────────────────────────────────────────────────


def _status_for(exception: Exception) -> int:
    # isinstance, not type(): subclasses (Resolver404, DisallowedHost, …) map like their base.
    if isinstance(exception, Http404):
        return 404
    if isinstance(exception, PermissionDenied):
        return 403
    if isinstance(exception, (SuspiciousOperation, BadRequest, ValidationError)):
        return 400
    return 500


class ApiExceptionMiddleware(MiddlewareMixin):
    """Turn exceptions raised by views under /api/ into JSON error bodies."""

    def process_exception(self, request, exception):
        if not request.path_info.startswith("/api/"):
            return None  # not ours: Django's own 404/403/500 handling applies
        status = _status_for(exception)
        body = {
            # The reason phrase only: str(exception) may hold SQL, paths or secrets.
            "error": HTTPStatus(status).phrase,
            "status": status,
            "request_id": getattr(request, "request_id", None),
        }
        return JsonResponse(body, status=status)


# ── Task 4 ────────────────────────────────────────────────────────────────────────────────────

_ALLOWED_ATTRIBUTE = "allow_during_maintenance"


def allow_during_maintenance(view):
    """Mark a view (function, as_view() result, or view class) as served during maintenance."""
    # An attribute, like @csrf_exempt does. On a class, as_view() does not copy it onto the
    # function it returns, but that function has .view_class: the middleware looks there too.
    setattr(view, _ALLOWED_ATTRIBUTE, True)
    return view


def _is_allowed(view_func) -> bool:
    if getattr(view_func, _ALLOWED_ATTRIBUTE, False):
        return True
    view_class = getattr(view_func, "view_class", None)
    return bool(getattr(view_class, _ALLOWED_ATTRIBUTE, False))


class MaintenanceMiddleware(MiddlewareMixin):
    """Answer 503 to every view not marked @allow_during_maintenance while maintenance is on."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Read at request time: the setting may change while the process runs.
        if not getattr(settings, "MAINTENANCE_MODE", False) or _is_allowed(view_func):
            return None
        response = HttpResponse(
            "Service unavailable: down for maintenance. Please try again later.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(MAINTENANCE_RETRY_AFTER)
        return response
