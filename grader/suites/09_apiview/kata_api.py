"""Requests to the learner's API for the suite: URLs, credentials, a clear failure when a
view raises instead of answering (a stub's NotImplementedError, a missing throttle rate…), and
``expect_status``, which names the real cause of two answers that would else blame another rule:
an authentication failure that DRF turned into 403, and a 429 of the learner's throttle."""

from __future__ import annotations

import pytest

from grader.api_calls import Exchange, call
from grader.api_calls import expect_status as expect_status_of_the_course
from grader.loader import LearnerCodeError, learner_line, load

# The learner's modules, in the order they import each other (views imports the other three).
LEARNER_MODULES = ("authentication", "permissions", "throttles", "views")

KEY_OF_ALICE = "alice-key-0123456789abcdef0123456789"
KEY_OF_BOB = "bob-key-0123456789abcdef0123456789ab"


# The details of DRF's 401s in this exercise (NotAuthenticated, and ApiKeyAuthentication's two
# AuthenticationFailed). DRF sends them with 403 when the view's first authentication class has
# no authenticate_header() (task 1, rules 6 and 7).
AUTHENTICATION_FAILURES = frozenset(
    {
        "Authentication credentials were not provided.",
        "Invalid API key.",
        "Invalid Api-Key header.",
    }
)

AUTHENTICATION_FAILURE_AS_403 = (
    "DRF turned this authentication failure into 403: the first authentication class must "
    "have authenticate_header() returning 'Api-Key' (task 1, rules 6 and 7)."
)

THROTTLED_BY_THE_LEARNER = (
    "Your throttle refused this request (task 3): it must count only writes, per user."
)


def books(version: str = "v1") -> str:
    return f"/api/{version}/books/"


def book(pk: int, version: str = "v1") -> str:
    return f"/api/{version}/books/{pk}/"


def probe(source: str = "class") -> str:
    return f"/kata/probe/{source}/"


def api_key(key: str) -> dict:
    return {"Authorization": f"Api-Key {key}"}


def learner_module(name: str):
    """``library.<name>``, after the modules it imports: the first broken file is the one
    named, and a module that timed out while importing is not imported again (the loader
    remembers failures by module name)."""
    for earlier in LEARNER_MODULES[: LEARNER_MODULES.index(name)]:
        load(f"library.{earlier}")
    return load(f"library.{name}")


def send(
    client,
    method: str,
    path: str,
    data=None,
    *,
    rule: str,
    format: str | None = "json",
    headers: dict | None = None,
    **extra,
) -> Exchange:
    """``call`` from grader.api_calls, failing with the README rule when the view raises."""
    try:
        return call(client, method, path, data, format=format, headers=headers or {}, **extra)
    except LearnerCodeError:
        raise
    except Exception as error:  # noqa: BLE001 - any exception of learner code is reported
        where = learner_line(error.__traceback__)
        at = f" at {where[0]}:{where[1]} (in {where[2]})" if where else ""
        if isinstance(error, NotImplementedError):
            stub = " This is still the stub: write it."
        elif "throttle" in str(error).lower():
            # SimpleRateThrottle.__init__ looks its rate up on every request, reads included.
            stub = (
                ' The settings hold one rate, for the scope "book-writes": set '
                'scope = "book-writes" on BookWriteThrottle (task 3, rule 1).'
            )
        else:
            stub = " A view must answer every request with a status code, never raise."
        sent = f" with headers {headers}" if headers else ""
        pytest.fail(
            f"{method} {path}{sent} raised {type(error).__name__}: {error}{at} ({rule}).{stub}",
            pytrace=False,
        )


def expect_status(exchange: Exchange, expected: int | tuple[int, ...], rule: str):
    """``expect_status`` of grader.api_calls (fail unless the status is ``expected``; return
    the parsed body), except that two unexpected answers name their real cause:

    - a 403 whose detail is an authentication failure: the first authentication class has no
      authenticate_header() (task 1, rules 6 and 7). The cause replaces the test's rule, which
      would blame something that is right (the key check, "raise, do not return None"…);
    - a 429: the learner's throttle refused a request it must not count (task 3). The cause
      comes first, then the rule the test was checking.
    """
    allowed = expected if isinstance(expected, tuple) else (expected,)
    body = exchange.body
    detail = body.get("detail") if isinstance(body, dict) else None
    failed_authentication = isinstance(detail, str) and detail in AUTHENTICATION_FAILURES
    try:
        return expect_status_of_the_course(exchange, expected, rule)
    except AssertionError as failure:
        message = str(failure)
        if exchange.status == 403 and 403 not in allowed and failed_authentication:
            raise AssertionError(AUTHENTICATION_FAILURE_AS_403 + message[len(rule) :]) from None
        if exchange.status == 429 and 429 not in allowed:
            raise AssertionError(
                f"{THROTTLED_BY_THE_LEARNER}\n  while checking: {message}"
            ) from None
        raise
