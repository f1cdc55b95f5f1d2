"""Views the suite (and the playground) serve. Nothing here imports learner code at import time."""

import threading

from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    PermissionDenied,
    SuspiciousFileOperation,
    SuspiciousOperation,
    TooManyFieldsSent,
    ValidationError,
)
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import Resolver404
from django.views import View

# The 500 views raise errors that carry this text: it must never reach a response body.
SECRET = "db-password=hunter2 at /srv/app/settings.py"


# Subclasses of the README's exceptions that a project defines for itself (Django has its own
# for Http404 and SuspiciousOperation: Resolver404, DisallowedHost, …).
class NotStaff(PermissionDenied):
    pass


class PriceInvalid(ValidationError):
    pass


class MalformedJson(BadRequest):
    pass


# Names of suite views that ran, so task 4 can prove a view did NOT run. Cleared per test.
CALLS: list[str] = []

# kind in the URL -> the exception the view raises
RAISES = {
    "404": lambda: Http404(f"Book 42 not found ({SECRET})"),
    "403": lambda: PermissionDenied(f"user 7 is not staff ({SECRET})"),
    "400": lambda: ValidationError(f"price must be positive ({SECRET})"),
    "400-bad-request": lambda: BadRequest(f"malformed JSON ({SECRET})"),
    "400-suspicious": lambda: SuspiciousOperation(f"tampered signature ({SECRET})"),
    "500": lambda: RuntimeError(f"database is down: {SECRET}"),
    "500-key": lambda: KeyError(SECRET),
    # Subclasses map like their base (task 3, rule 2).
    "404-resolver404": lambda: Resolver404(f"no URL pattern matched ({SECRET})"),
    "403-not-staff": lambda: NotStaff(f"user 7 is not staff ({SECRET})"),
    "400-price-invalid": lambda: PriceInvalid(f"price must be positive ({SECRET})"),
    "400-malformed-json": lambda: MalformedJson(f"malformed JSON ({SECRET})"),
    "400-disallowed-host": lambda: DisallowedHost(f"Invalid HTTP_HOST header ({SECRET})"),
    "400-suspicious-file": lambda: SuspiciousFileOperation(f"path traversal ({SECRET})"),
    "400-too-many-fields": lambda: TooManyFieldsSent(f"too many GET/POST parameters ({SECRET})"),
}


def _request_id(request):
    return getattr(request, "request_id", None)


def echo(request):
    CALLS.append("echo")
    return JsonResponse({"request_id": _request_id(request), "thread": threading.get_ident()})


async def async_echo(request):
    CALLS.append("async_echo")
    return JsonResponse({"request_id": _request_id(request), "thread": threading.get_ident()})


def raise_view(request, kind):
    CALLS.append(f"raise {kind}")
    raise RAISES[kind]()


async def async_raise_view(request, kind):
    CALLS.append(f"async raise {kind}")
    raise RAISES[kind]()


def make_function_view(name):
    """A fresh function view (a new object per test, so a mark never leaks between tests)."""

    def view(request):
        CALLS.append(name)
        return HttpResponse(f"{name} ok")

    view.__name__ = view.__qualname__ = name
    return view


def make_view_class(class_name, name):
    """A fresh class-based view (a new class per test) that answers "<name> ok"."""

    def get(self, request):
        CALLS.append(name)
        return HttpResponse(f"{name} ok")

    return type(class_name, (View,), {"get": get, "__module__": __name__})


# ── playground pages ───────────────────────────────────────────────────────────────────────────

_HOME = """\
Exercise 06 - middleware playground

request.request_id = {request_id!r}   ({kind} view)

This page's response headers carry X-Request-ID and Server-Timing. Look at them:
  curl -i http://{host}{path}
  curl -i -H 'X-Request-ID: my-id.1' http://{host}{path}      (kept: a valid id)
  curl -i -H 'X-Request-ID: bad id!' http://{host}{path}      (replaced: invalid)

JSON errors under /api/:   /api/raise/404/  /api/raise/403/  /api/raise/400/  /api/raise/500/
Django's own handling:     /pages/raise/404/  /pages/raise/403/  /pages/raise/500/
Maintenance: stop the server, start it again with KATA_MAINTENANCE=1 nox -s play -- 06
  -> every page answers 503 with Retry-After, except /status/ (@allow_during_maintenance).
"""


def home(request):
    text = _HOME.format(
        request_id=_request_id(request), kind="sync", host=request.get_host(), path=request.path
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


async def async_home(request):
    text = _HOME.format(
        request_id=_request_id(request), kind="async", host=request.get_host(), path=request.path
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def playground_status_view():
    """The playground's /status/ page, marked with the learner's decorator when it works."""
    from grader.loader import load

    def status(request):
        return HttpResponse(
            "status: up (this view is marked @allow_during_maintenance)\n",
            content_type="text/plain; charset=utf-8",
        )

    try:
        return load("middleware").allow_during_maintenance(status)
    except Exception as error:  # noqa: BLE001 - the playground must start even when task 4 is not done
        message = f"allow_during_maintenance is not working yet: {type(error).__name__}: {error}\n"

        def not_ready(request):
            return HttpResponse(message, content_type="text/plain; charset=utf-8")

        return not_ready
