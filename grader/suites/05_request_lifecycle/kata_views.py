"""The views every generated stack is run against, and the template responses they make.

The same functions are routed by kata_urls (for real Django) and passed to MiniHandler in
``VIEWS`` (path → view), so both handlers call exactly the same code.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import SimpleTemplateResponse
from kata_trace import record

# Rendered through the locmem loader configured in kata_settings.TEMPLATES.
TEMPLATES = {
    "kata/page.html": "kata:page{% for who in trail %} {{ who }}{% endfor %}{{ probe }}",
    "kata/broken.html": "kata:broken{{ boom }}",
}


def page_response(*trail: str) -> SimpleTemplateResponse:
    """A response that renders later; rendering is recorded, the trail lands in the body."""

    def probe() -> str:
        record("render kata/page.html")
        return ""

    return SimpleTemplateResponse("kata/page.html", {"trail": list(trail), "probe": probe})


def broken_response() -> SimpleTemplateResponse:
    """A template response whose rendering raises ValueError."""

    def boom() -> str:
        record("render kata/broken.html -> raises ValueError")
        raise ValueError("template failed")

    return SimpleTemplateResponse("kata/broken.html", {"boom": boom})


def ok(request):
    record("view ok")
    return HttpResponse("kata:view ok")


def fails(request):
    record("view fails -> raises ValueError")
    raise ValueError("view failed")


def missing(request):
    record("view missing -> raises Http404")
    raise Http404("view found nothing")


def forbidden(request):
    record("view forbidden -> raises PermissionDenied")
    raise PermissionDenied("view forbids it")


def page(request):
    record("view page -> returns a template response")
    return page_response("view")


def broken_page(request):
    record("view broken_page -> returns a template response")
    return broken_response()


VIEWS = {
    "/ok/": ok,
    "/fails/": fails,
    "/missing/": missing,
    "/forbidden/": forbidden,
    "/page/": page,
    "/broken-page/": broken_page,
}
# A path with no view: both handlers must answer 404 without running any view hook.
UNKNOWN_PATH = "/nowhere/"

DESCRIBE_PATH = {
    "/ok/": "view `ok` returns HttpResponse('kata:view ok')",
    "/fails/": "view `fails` raises ValueError",
    "/missing/": "view `missing` raises Http404",
    "/forbidden/": "view `forbidden` raises PermissionDenied",
    "/page/": "view `page` returns a SimpleTemplateResponse",
    "/broken-page/": "view `broken_page` returns a SimpleTemplateResponse whose render() raises ValueError",
    UNKNOWN_PATH: "no view has this path",
}
