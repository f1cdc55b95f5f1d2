"""Task 3: ApiExceptionMiddleware.process_exception (JSON errors under /api/)."""

import pytest
from django.http import Http404
from kata_support import SUITE_REQUEST_ID, describe, json_body, same
from kata_views import SECRET

# kind (the URL /api/raise/<kind>/ raises it) -> (what it raises, expected status, error text)
MAPPING = {
    "404": ("Http404", 404, "Not Found"),
    "403": ("PermissionDenied", 403, "Forbidden"),
    "400": ("ValidationError", 400, "Bad Request"),
    "400-bad-request": ("BadRequest", 400, "Bad Request"),
    "400-suspicious": ("SuspiciousOperation", 400, "Bad Request"),
    "500": ("RuntimeError", 500, "Internal Server Error"),
    "500-key": ("KeyError", 500, "Internal Server Error"),
}

# kind -> (what it raises, the README's class it subclasses, expected status, error text).
# Django raises the first three itself: Resolver404 when no URL matches, DisallowedHost for a
# bad Host header, SuspiciousFileOperation for a path that leaves its folder.
SUBCLASSES = {
    "404-resolver404": ("Resolver404", "Http404", 404, "Not Found"),
    "400-disallowed-host": ("DisallowedHost", "SuspiciousOperation", 400, "Bad Request"),
    "400-suspicious-file": ("SuspiciousFileOperation", "SuspiciousOperation", 400, "Bad Request"),
    "400-too-many-fields": ("TooManyFieldsSent", "SuspiciousOperation", 400, "Bad Request"),
    "403-not-staff": ("NotStaff", "PermissionDenied", 403, "Forbidden"),
    "400-price-invalid": ("PriceInvalid", "ValidationError", 400, "Bad Request"),
    "400-malformed-json": ("MalformedJson", "BadRequest", 400, "Bad Request"),
}


@pytest.fixture
def api_stack(use_middleware):
    # A suite stand-in sets request.request_id = SUITE_REQUEST_ID: task 3 does not need task 1.
    return use_middleware("kata_support.SuiteRequestIdMiddleware", "ApiExceptionMiddleware")


def get_api_error(client, url):
    try:
        return client.get(url)
    except Exception as error:
        if isinstance(error, NotImplementedError):
            raise
        pytest.fail(
            f"GET {url}: the view's {type(error).__name__} came out of the stack. Under /api/, "
            f"process_exception must turn every exception into a JSON response (task 3, rules 1-3)."
        )


@pytest.mark.task(3)
@pytest.mark.parametrize("kind", list(MAPPING))
def test_api_exceptions_map_to_their_status(client, api_stack, kind):
    raised, status, _ = MAPPING[kind]
    response = get_api_error(client, f"/api/raise/{kind}/")
    assert same(response.status_code, status), (
        f"A view under /api/ that raises {raised} must give status {status} (task 3, rule 2); "
        f"got {describe(response)}"
    )
    body = json_body(response)
    assert isinstance(body, dict) and body.get("status") == status, (
        f'The JSON body for {raised} must say "status": {status} (task 3, rule 3); '
        f"got {describe(response)}"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("kind", list(SUBCLASSES))
def test_subclasses_of_the_listed_exceptions_map_like_their_base(client, api_stack, kind):
    raised, base, status, error_text = SUBCLASSES[kind]
    response = get_api_error(client, f"/api/raise/{kind}/")
    expected = {"error": error_text, "status": status, "request_id": SUITE_REQUEST_ID}
    body = json_body(response)
    assert same(response.status_code, status) and body == expected, (
        f"{raised} is a subclass of {base}, so it maps like {base}: status {status} (task 3, "
        f"rule 2). Test the class with isinstance(exception, {base}), not with "
        f"type(exception) is {base} or a dict keyed by type(exception). Expected status "
        f"{status} and body {expected}; got {describe(response)}"
    )


@pytest.mark.task(3)
def test_api_error_body_is_json_with_error_status_and_request_id(client, api_stack):
    response = get_api_error(client, "/api/raise/404/")
    content_type = response.get("Content-Type", "")
    assert content_type.startswith("application/json"), (
        f"The error response under /api/ must be JSON (Content-Type application/json, task 3, "
        f"rule 3); got {describe(response)}"
    )
    expected = {"error": "Not Found", "status": 404, "request_id": SUITE_REQUEST_ID}
    body = json_body(response)
    assert body == expected, (
        f"The body must be exactly {expected} for Http404 when request.request_id is "
        f"{SUITE_REQUEST_ID!r} (task 3, rule 3); got {body!r}"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("kind", list(MAPPING))
def test_api_error_bodies_do_not_leak_exception_details(client, api_stack, kind):
    raised, status, error_text = MAPPING[kind]
    response = get_api_error(client, f"/api/raise/{kind}/")
    content = response.content.decode("utf-8", "replace")
    for secret in ("hunter2", SECRET.split()[0], "Traceback", raised):
        assert secret not in content, (
            f"The error body for {raised} must not contain the exception's message, type or "
            f"traceback (task 3, rule 4): found {secret!r} in {content[:300]!r}"
        )
    body = json_body(response) or {}
    assert body.get("error") == error_text, (
        f'"error" must be the status\'s reason phrase, {error_text!r} for {status} (task 3, '
        f"rule 3); got {body.get('error')!r}"
    )


@pytest.mark.task(3)
def test_request_id_is_null_when_the_request_has_none(client, use_middleware):
    use_middleware("ApiExceptionMiddleware")
    response = get_api_error(client, "/api/raise/403/")
    body = json_body(response)
    expected = {"error": "Forbidden", "status": 403, "request_id": None}
    assert body == expected, (
        "Without a request.request_id (no RequestIdMiddleware in the stack), the body must say "
        f'"request_id": null (task 3, rule 3): expected {expected}, got {body!r} '
        f"({describe(response)})"
    )


@pytest.mark.task(3)
def test_exceptions_outside_api_get_djangos_default_handling(client, api_stack):
    # Django answers Http404 and PermissionDenied itself (HTML pages) when no middleware does.
    for kind, status in (("404", 404), ("403", 403)):
        response = client.get(f"/pages/raise/{kind}/")
        content_type = response.get("Content-Type", "")
        assert same(response.status_code, status) and not content_type.startswith(
            "application/json"
        ), (
            f"Outside /api/, process_exception must return None so Django's own handling "
            f"applies (task 3, rule 5): /pages/raise/{kind}/ should be Django's HTML {status} "
            f"page; got {describe(response)}"
        )


@pytest.mark.task(3)
def test_errors_outside_api_still_reach_the_test_client(client, api_stack):
    try:
        response = client.get("/pages/raise/500/")
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - which exception came out is what is graded
        raised = error
    else:
        pytest.fail(
            "Outside /api/, process_exception must return None: the view's RuntimeError then "
            "reaches Django's 500 handling and the test client re-raises it (task 3, rule 5). "
            f"Instead a response came back: {describe(response)}"
        )
    assert isinstance(raised, RuntimeError) and "hunter2" in str(raised), (
        "Outside /api/, the view's own exception must come out (Django's 500 handling; the "
        f"test client re-raises it) (task 3, rule 5); got {raised!r}"
    )


@pytest.mark.task(3)
def test_paths_that_only_start_with_api_are_not_api(client, api_stack):
    response = client.get("/apiary/raise/404/")
    assert same(response.status_code, 404) and json_body(response) is None, (
        '/apiary/ is not under /api/: the prefix is "/api/" with its slash (task 3, rule 1). '
        f"Django's own 404 page was expected; got {describe(response)}"
    )


@pytest.mark.task(3)
def test_process_exception_returns_none_outside_api(mw, rf):
    middleware = mw.ApiExceptionMiddleware(lambda request: None)
    for url in ("/pages/x/", "/apiary/x/", "/", "/api"):
        result = middleware.process_exception(rf.get(url), Http404("missing"))
        assert result is None, (
            f"process_exception must return None for {url!r}, which is not under /api/ "
            f"(task 3, rules 1 and 5); it returned {result!r}"
        )
