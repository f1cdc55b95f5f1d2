"""An HTTP client for requests through nginx: never raises, always within a timeout."""

from __future__ import annotations

import http.client
import uuid
from dataclasses import dataclass, field

TIMEOUT = 5.0


@dataclass
class Reply:
    request: str
    status: int | None = None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error: str | None = None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def describe(self) -> str:
        if self.error:
            return f"{self.request}\n  → no answer: {self.error}"
        body = self.body[:300].decode("utf-8", errors="replace")
        return f"{self.request}\n  → {self.status} {self.reason}, body: {body!r}"


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    headers = {"Host": "localhost", **(headers or {})}
    shown = f"{method} {path}" + (f" with a {len(body)}-byte body" if body else "")
    reply = Reply(request=shown)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        reply.status, reply.reason = response.status, response.reason
        reply.headers = list(response.getheaders())
        reply.body = response.read()
    except TimeoutError:
        reply.error = f"nothing within {TIMEOUT:.0f} s"
    except (OSError, http.client.HTTPException) as error:
        reply.error = f"{type(error).__name__}: {error}"
    finally:
        connection.close()
    return reply
