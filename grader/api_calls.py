"""Requests to a learner's API through DRF's test client, described for teaching failures.

A suite sends ``call(client, "POST", "/api/books/", {"title": …})`` and gets an ``Exchange``:
the request as sent and the response as received, its body parsed. ``expect_status`` fails
with the request, the expected and the actual status, the body, and the README rule broken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus

BODY_LIMIT = 700


@dataclass
class Exchange:
    method: str
    path: str
    sent: object
    response: object  # django.http.HttpResponse (with DRF's extras when a DRF view answered)

    @property
    def status(self) -> int:
        return self.response.status_code

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.response.headers.get(name, default)

    @property
    def body(self):
        """The JSON body parsed (dict, list, str, number or None), else the text."""
        content = self.response.content if not getattr(self.response, "streaming", False) else b""
        content_type = self.response.headers.get("Content-Type", "")
        text = content.decode("utf-8", "replace")
        if "json" in content_type or not content_type:
            try:
                return json.loads(text) if text else None
            except ValueError:
                pass
        return text

    def describe(self) -> str:
        """Two lines: the request as sent, the response as received (bodies shortened)."""
        sent = "" if self.sent is None else f"  {_short(self.sent)}"
        body = self.body
        shown = "(empty body)" if body in (None, "") else _short(body)
        return (
            f"\n  request:  {self.method} {self.path}{sent}"
            f"\n  response: {self.status} {_reason(self.status)}  {shown}"
        )


def call(client, method: str, path: str, data=None, *, format: str | None = "json", **extra):
    """Send one request with the test client; ``extra`` as in Django's client (headers=…)."""
    send = getattr(client, method.lower())
    if method.upper() in {"GET", "HEAD", "OPTIONS", "DELETE"} and format == "json":
        # Query parameters (GET) or no body at all: no format to render.
        response = send(path, data, **extra) if data is not None else send(path, **extra)
    else:
        response = send(path, data, format=format, **extra)
    return Exchange(method.upper(), path, data, response)


def expect_status(exchange: Exchange, expected: int | tuple[int, ...], rule: str):
    """Fail unless the status is ``expected`` (or one of them); return the parsed body."""
    allowed = expected if isinstance(expected, tuple) else (expected,)
    if exchange.status not in allowed:
        wanted = " or ".join(f"{code} {_reason(code)}" for code in allowed)
        raise AssertionError(
            f"{rule}\n  expected: {wanted}, got: {exchange.status} {_reason(exchange.status)}"
            f"{exchange.describe()}"
        )
    return exchange.body


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + " …"
