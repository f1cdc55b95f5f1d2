"""Wrong: a response from process_exception is returned at once, so a template response from it skips the template hooks and is never rendered. Caught by: test_a_template_response_from_process_exception_is_processed_too."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponseBase

GetResponse = Callable[[HttpRequest], HttpResponseBase]
View = Callable[[HttpRequest], HttpResponseBase]


def error_boundary(get_response: GetResponse) -> GetResponse:
    """Wrap one layer so that it always returns a response, never raises (task 3, rule 1).

    Django puts this wrapper (its ``convert_exception_to_response``) around every middleware
    and around ``_get_response``: the layer outside never sees an exception, only an error
    response going out.
    """

    def layer(request: HttpRequest) -> HttpResponseBase:
        try:
            return get_response(request)
        except Exception as exc:
            # Inside the except block: Django's error pages read sys.exc_info() in DEBUG mode.
            return response_for_exception(request, exc)

    return layer


class MiniHandler:
    """Runs a request through middleware factories and a URL → view map, like BaseHandler."""

    def __init__(
        self, middleware: Iterable[Callable[[GetResponse], object]], urls: Mapping[str, View]
    ) -> None:
        self.urls = dict(urls)
        self._view_middleware: list[Callable] = []
        self._template_response_middleware: list[Callable] = []
        self._exception_middleware: list[Callable] = []

        # Build from the inside out: the innermost layer is _get_response, each factory wraps
        # what was built so far, so the FIRST factory of the list ends up outermost.
        handler = error_boundary(self._get_response)
        for factory in reversed(list(middleware)):
            try:
                instance = factory(handler)
            except MiddlewareNotUsed:
                # Skipped: the next factory out wraps the same inner handler.
                continue
            # We walk the list backwards. Inserting at 0 gives process_view in list order;
            # appending gives template and exception hooks in reverse (innermost first).
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = error_boundary(instance)
        # Built once: every request reuses the same middleware instances.
        self._middleware_chain = handler

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        """Run one request through the whole onion and return the response."""
        return self._middleware_chain(request)

    def _get_response(self, request: HttpRequest) -> HttpResponseBase:
        """The innermost layer: resolve, process_view, the view, template responses."""
        view = self.urls.get(request.path_info)
        if view is None:
            # Before any hook runs; the innermost error boundary turns it into a 404.
            raise Http404(f"No view for {request.path_info}")

        response = None
        for process_view in self._view_middleware:
            response = process_view(request, view, (), {})
            if response:
                break  # The first answer wins: later process_view and the view are skipped.

        if response is None:
            try:
                response = view(request)
            except Exception as exc:
                response = self._process_exception(request, exc)
                if response is None:
                    raise  # Nobody handled it: the innermost boundary makes the error page.
                return response

        # A response that can still render (TemplateResponse) goes through the template hooks
        # first: they may change its context or template, then it is rendered once.
        if hasattr(response, "render") and callable(response.render):
            for process_template_response in self._template_response_middleware:
                response = process_template_response(request, response)
            try:
                response = response.render()
            except Exception as exc:
                response = self._process_exception(request, exc)
                if response is None:
                    raise

        return response

    def _process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponseBase | None:
        """Offer the exception to process_exception, innermost middleware first."""
        for process_exception in self._exception_middleware:
            response = process_exception(request, exc)
            if response:
                return response
        return None
