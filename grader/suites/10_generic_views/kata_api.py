"""Requests to the learner's API for exercise 10, with failures that teach.

``send`` wraps grader.api_calls.call: an exception raised by the learner's code (a stub's
NotImplementedError, an IntegrityError from a missing owner…) becomes a failure that names the
README rule, the request and the learner's file and line, instead of a bare traceback.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from grader.api_calls import Exchange, call, expect_status
from grader.loader import LearnerCodeError, learner_line

# The keys of task 1's page body.
PAGE_KEYS = {"count", "page", "pages", "page_size", "next", "previous", "results"}


def send(client, method: str, path: str, data=None, *, rule: str, **extra) -> Exchange:
    """One request; an exception in the view fails the test with ``rule`` and where it arose."""
    try:
        return call(client, method, path, data, **extra)
    except LearnerCodeError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the learner's view is reported
        sent = "" if data is None else f"  {json.dumps(data, ensure_ascii=False, default=str)}"
        where = learner_line(error.__traceback__)
        at = f"\n  raised at {where[0]}:{where[1]} (in {where[2]})" if where else ""
        hint = ""
        if isinstance(error, NotImplementedError):
            hint = "\n  This part is still the stub: write it."
        raise AssertionError(
            f"{rule}\n  request:  {method} {path}{sent}\n"
            f"  your code raised {type(error).__name__}: {error}{at}{hint}"
        ) from error


def explain(rule: str, what: str, exchange: Exchange) -> str:
    """A failure message: the rule, what was expected against what came, the exchange."""
    return f"{rule}\n  {what}{exchange.describe()}"


def is_int(value) -> bool:
    return type(value) is int


def page_of(exchange: Exchange, rule: str) -> dict:
    """The body of a paged list: 200 and an object whose "results" is a list."""
    body = expect_status(exchange, 200, rule)
    if isinstance(body, list):
        raise AssertionError(
            explain(
                rule,
                "expected a page, got the whole list: nothing pages it. The view needs "
                "pagination_class = BoundedPageNumberPagination, and the class a page_size "
                "(PageNumberPagination pages nothing while page_size is None)",
                exchange,
            )
        )
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise AssertionError(
            explain(
                rule,
                'expected a page: a JSON object whose "results" is a list (task 1, rule 4)',
                exchange,
            )
        )
    return body


def ids_of(body: dict) -> list:
    return [item.get("id") if isinstance(item, dict) else item for item in body["results"]]


def titles_of(body: dict) -> list:
    return [item.get("title") if isinstance(item, dict) else item for item in body["results"]]


def link_parts(link, path: str, rule: str, exchange: Exchange) -> dict[str, list[str]]:
    """The query parameters of a next/previous link, after checking it points at ``path``."""
    if not isinstance(link, str):
        raise AssertionError(
            explain(rule, f"expected a link (a URL string), got {link!r}", exchange)
        )
    parts = urlsplit(link)
    if parts.scheme != "http" or parts.netloc != "testserver" or parts.path != path:
        raise AssertionError(
            explain(
                rule,
                f"expected an absolute URL of this list, http://testserver{path}?…, got {link!r}",
                exchange,
            )
        )
    return parse_qs(parts.query, keep_blank_values=True)
