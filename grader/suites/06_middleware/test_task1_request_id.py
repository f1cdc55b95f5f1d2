"""Task 1: RequestIdMiddleware (process_request / process_response)."""

import re

import pytest
from django.http import BadHeaderError, HttpResponse
from django.utils.deprecation import MiddlewareMixin
from kata_support import json_body, same, shown

GENERATED = re.compile(r"[0-9a-f]{32}")

VALID_IDS = [
    "a",
    "abc123",
    "Req-42_x.Y",
    "0af7651916cd43dd8448eb211c80319c",
    "...",
    "-_-",
    "x" * 64,
]

# (what it is, the value a client sends)
INVALID_IDS = [
    ("empty", ""),
    ("65 characters", "x" * 65),
    ("a space inside", "abc def"),
    ("a trailing space", "abc "),
    ("CR LF header injection", "abc\r\nSet-Cookie: session=stolen"),
    ("LF header injection", "abc\nX-Admin: yes"),
    ("a trailing newline", "abc\n"),
    ("a trailing CR", "abc\r"),
    ("a tab", "abc\tdef"),
    ("a slash", "a/b"),
    ("a colon", "a:b"),
    ("a semicolon", "a;b"),
    ("a comma", "a,b"),
    ("markup", "<script>"),
    ("a non-ASCII letter", "caf\xe9"),
]


def get_with_id(client, value):
    """GET /echo/ sending X-Request-ID: value (or no header when value is None)."""
    headers = {} if value is None else {"X-Request-ID": value}
    try:
        return client.get("/echo/", headers=headers)
    except BadHeaderError as error:
        pytest.fail(
            f"The incoming X-Request-ID {value!r} was copied into the response and Django refused "
            f"the header ({error}). That is a header-injection attempt: an invalid id must be "
            f"replaced by a new one, never echoed (task 1, rules 2 and 3)."
        )


@pytest.mark.task(1)
@pytest.mark.parametrize("incoming", VALID_IDS)
def test_valid_incoming_ids_are_kept_and_echoed(client, use_middleware, incoming):
    use_middleware("RequestIdMiddleware")
    response = get_with_id(client, incoming)
    header = response.headers.get("X-Request-ID")
    assert same(header, incoming), (
        f"A valid incoming X-Request-ID must be echoed unchanged (task 1, rules 1 and 4): "
        f"sent {incoming!r}, the response header was {shown(header)}"
    )
    seen = (json_body(response) or {}).get("request_id")
    assert same(seen, incoming), (
        f"A valid incoming X-Request-ID must become request.request_id (task 1, rules 1 and 4): "
        f"sent {incoming!r}, the view saw request.request_id = {seen!r}"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(("what", "incoming"), INVALID_IDS, ids=[what for what, _ in INVALID_IDS])
def test_invalid_incoming_ids_are_replaced(client, use_middleware, what, incoming):
    use_middleware("RequestIdMiddleware")
    response = get_with_id(client, incoming)
    header = response.headers.get("X-Request-ID")
    assert not same(header, incoming), (
        f"An invalid X-Request-ID ({what}: {incoming!r}) must be replaced, never echoed "
        f"(task 1, rule 2: 1 to 64 characters, each A-Z a-z 0-9 . _ -)"
    )
    assert type(header) is str and GENERATED.fullmatch(header), (
        f"An invalid incoming id ({what}: {incoming!r}) must be replaced by a new id of 32 "
        f"lowercase hex characters (task 1, rule 3); the response header was {shown(header)}"
    )
    seen = (json_body(response) or {}).get("request_id")
    assert same(seen, header), (
        f"request.request_id must be the new id that replaced the invalid one (task 1, rule 4): "
        f"the view saw {seen!r}, the header was {shown(header)}"
    )


@pytest.mark.task(1)
def test_missing_id_gets_a_new_32_hex_id(client, use_middleware):
    use_middleware("RequestIdMiddleware")
    response = get_with_id(client, None)
    header = response.headers.get("X-Request-ID")
    assert type(header) is str and GENERATED.fullmatch(header), (
        "Without an incoming X-Request-ID the middleware must make one: 32 lowercase hex "
        f"characters, like uuid.uuid4().hex (task 1, rule 3); the response header was "
        f"{shown(header)}"
    )


@pytest.mark.task(1)
def test_the_id_on_the_request_is_the_id_in_the_header(client, use_middleware):
    use_middleware("RequestIdMiddleware")
    response = get_with_id(client, None)
    header = response.headers.get("X-Request-ID")
    seen = (json_body(response) or {}).get("request_id")
    assert seen is not None and same(seen, header), (
        "The id must be stored as request.request_id in process_request, so views (and the "
        "other middleware) can log it, and the response must carry that same id (task 1, "
        f"rules 4 and 5): the view saw request.request_id = {seen!r}, the header was "
        f"{shown(header)}"
    )


@pytest.mark.task(1)
def test_every_request_without_an_id_gets_a_different_one(client, use_middleware):
    use_middleware("RequestIdMiddleware")
    ids = [get_with_id(client, None).headers.get("X-Request-ID") for _ in range(3)]
    assert all(type(id_) is str for id_ in ids) and len(set(ids)) == 3, (
        f"Every request without an incoming id needs a new, different id (task 1, rule 3): "
        f"three requests got {ids}"
    )


@pytest.mark.task(1)
def test_hooks_work_when_called_directly(mw, rf):
    calls = []

    def view(request):
        calls.append(request)
        return HttpResponse("ok")

    cls = mw.RequestIdMiddleware
    assert isinstance(cls, type) and issubclass(cls, MiddlewareMixin), (
        "RequestIdMiddleware must subclass django.utils.deprecation.MiddlewareMixin and use "
        f"process_request/process_response (task 1); its bases are {getattr(cls, '__mro__', cls)}"
    )
    middleware = cls(view)
    request = rf.get("/", headers={"X-Request-ID": "direct-1"})
    result = middleware.process_request(request)
    assert result is None, (
        f"process_request must return None so the request goes on to the view (task 1, rule 4); "
        f"it returned {result!r}"
    )
    assert same(getattr(request, "request_id", None), "direct-1"), (
        "process_request must set request.request_id to the valid incoming id, a str (task 1, "
        f"rule 4): after it ran, request.request_id is "
        f"{shown(getattr(request, 'request_id', '<missing>'))}, expected 'direct-1'"
    )
    response = middleware.process_response(request, HttpResponse("ok"))
    assert isinstance(response, HttpResponse), (
        f"process_response must return the response (task 1, rule 5); it returned {response!r}"
    )
    header = response.headers.get("X-Request-ID")
    assert same(header, "direct-1"), (
        "process_response must put request.request_id into the X-Request-ID response header "
        f"(task 1, rule 5): got {shown(header)}, expected 'direct-1'"
    )
