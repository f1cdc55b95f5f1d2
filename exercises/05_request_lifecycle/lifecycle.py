"""Django's request life cycle, rebuilt: a small handler that runs the middleware onion.

Django's real handler is ``django.core.handlers.base.BaseHandler``. Here you do the same work
yourself, so you can see every step of a request:

    request → A → B → C → [process_view A, B, C] → view → C → B → A → response
                                   (process_exception C, B, A when the view raises)

You may use from Django: ``django.http`` (HttpRequest, HttpResponse, Http404, …),
``django.core.exceptions`` (MiddlewareNotUsed, PermissionDenied, …) and
``django.core.handlers.exception.response_for_exception``. ``BaseHandler`` (and every handler
built on it) and ``convert_exception_to_response`` are off limits: you write the onion.

The grader only calls ``MiniHandler(middleware, urls)`` and ``handler.get_response(request)``.
The other functions below are a suggested shape; change them as you like.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.core.exceptions import MiddlewareNotUsed  # noqa: F401 - you will need these
from django.core.handlers.exception import response_for_exception  # noqa: F401
from django.http import Http404, HttpRequest, HttpResponseBase  # noqa: F401

GetResponse = Callable[[HttpRequest], HttpResponseBase]
View = Callable[[HttpRequest], HttpResponseBase]


def error_boundary(get_response: GetResponse) -> GetResponse:
    """Wrap one layer so that it always returns a response, never raises (task 3, rule 1).

    The returned function calls ``get_response(request)``. If that raises an ``Exception``,
    it returns ``response_for_exception(request, exc)`` instead (call it inside the
    ``except`` block). Wrap ``_get_response`` and every middleware instance with it.
    """
    raise NotImplementedError


class MiniHandler:
    """Runs a request through middleware factories and a URL → view map, like BaseHandler."""

    def __init__(
        self, middleware: Iterable[Callable[[GetResponse], object]], urls: Mapping[str, View]
    ) -> None:
        """Build the chain once (task 1) and collect the hooks (tasks 2–4).

        ``middleware``: factories, outermost first, like settings.MIDDLEWARE but the classes
        themselves. ``urls``: ``request.path_info`` → view function ``view(request)``.

        Call the factories from the last to the first, each with the callable for everything
        inside it; skip a factory that raises MiddlewareNotUsed. While you go, collect the
        instances' process_view (list order), process_template_response and
        process_exception (both reverse order).
        """
        raise NotImplementedError

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        """Run one request through the whole onion and return the response (task 1)."""
        raise NotImplementedError

    def _get_response(self, request: HttpRequest) -> HttpResponseBase:
        """The innermost layer: find the view, process_view, the view, template responses.

        Task 1: call the view. Task 2: process_view first. Task 3: Http404 for an unknown
        path, process_exception when the view raises. Task 4: template hooks, then render().
        """
        raise NotImplementedError

    def _process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponseBase | None:
        """Offer ``exc`` to process_exception, innermost middleware first (task 3, rule 3).

        Return the first response a hook returns, or None when no hook handles it.
        """
        raise NotImplementedError
