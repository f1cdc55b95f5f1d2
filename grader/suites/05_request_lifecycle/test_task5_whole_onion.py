"""Task 5: the whole onion, side by side with real Django."""

import pytest
from django.http import HttpResponseBase
from django.test import Client, RequestFactory, override_settings
from django.utils.module_loading import import_string
from kata_onion import (
    Case,
    explain_violation,
    mixin,
    new,
    outcome,
    run_mini,
    sweep,
)
from kata_trace import VIOLATIONS, reset, stop_checking
from kata_views import UNKNOWN_PATH, VIEWS

DJANGO_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# "/ok" (no slash) is unknown: CommonMiddleware turns that 404 into a redirect to "/ok/".
DJANGO_MIDDLEWARE_PATHS = ["/ok/", "/ok", "/fails/", "/page/", UNKNOWN_PATH]


@pytest.mark.task(5)
def test_generated_stacks_match_django(lifecycle):
    sweep(
        lifecycle,
        level=5,
        count=300,
        rule="task 5, rule 1: everything at once, event by event like Django",
    )


def _summary(response) -> tuple[str, dict[str, str]]:
    """Status, body and the headers to compare.

    Error pages are compared by status (README task 3, rule 1): your own HttpResponseNotFound
    may differ from Django's page in body, Content-Length and Content-Type. Everything the
    middleware add (security headers, X-Frame-Options, redirects) must be the same.
    """
    shown = outcome(response)
    if not isinstance(response, HttpResponseBase):
        return shown, {}
    skip = {"content-length"}
    if " kata:" not in shown:
        skip.add("content-type")
    headers = {
        _plain(k): _plain(v) for k, v in response.headers.items() if str(k).lower() not in skip
    }
    return shown, headers


def _plain(value) -> str:
    """A header name or value as a plain str, so == compares text: a str subclass whose __eq__
    always says True must not pass for Django's header."""
    if type(value) is str:
        return value
    return f"{value!r} (a {type(value).__qualname__}, not a str)"


@pytest.mark.task(5)
def test_djangos_own_middleware_behave_the_same(lifecycle):
    with override_settings(MIDDLEWARE=DJANGO_MIDDLEWARE):
        client = Client(raise_request_exception=False)
        expected = {path: _summary(client.get(path)) for path in DJANGO_MIDDLEWARE_PATHS}
    handler = lifecycle.MiniHandler([import_string(p) for p in DJANGO_MIDDLEWARE], dict(VIEWS))
    factory = RequestFactory()
    for path in DJANGO_MIDDLEWARE_PATHS:
        try:
            got = _summary(handler.get_response(factory.get(path)))
        except NotImplementedError:
            raise
        except Exception as exc:
            got = (f"=> get_response raised {type(exc).__name__}: {exc}", {})
        assert got == expected[path], (
            f"Django's own middleware must work the same in MiniHandler (task 5, rule 2). "
            f"Stack: {', '.join(p.rsplit('.', 1)[1] for p in DJANGO_MIDDLEWARE)}. "
            f"GET {path}: Django gave {expected[path][0]} with headers {expected[path][1]}; "
            f"your MiniHandler gave {got[0]} with headers {got[1]}."
        )


@pytest.mark.task(5)
def test_the_onion_is_your_own_code(lifecycle):
    cases = [
        Case((mixin(exception="pass"), new(request="raise ValueError"), mixin()), ("/ok/",)),
        Case((mixin(exception="pass", template="pass"), new(view="pass")), ("/fails/", "/page/")),
        Case((mixin(), new(response="raise Http404")), (UNKNOWN_PATH,)),
    ]
    for case in cases:
        _, violations = run_mini(lifecycle, case)
        assert not violations, explain_violation(violations) + " (task 5, rule 3)"
    # Django's own middleware run through your handler as well: still none of Django's handler.
    reset(check_stack=True)
    try:
        handler = lifecycle.MiniHandler([import_string(p) for p in DJANGO_MIDDLEWARE], dict(VIEWS))
        handler.get_response(RequestFactory().get("/fails/"))
    finally:
        stop_checking()
    assert not VIOLATIONS, explain_violation(list(VIOLATIONS)) + " (task 5, rule 3)"
