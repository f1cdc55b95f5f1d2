"""The applications behind the servers: WSGI apps and the "legacy" HTTP backend.

Standard library only: real uWSGI loads this file too (`--wsgi-file … --callable uwsgi_echo`),
and `nox -s play -- 13` runs the demo app and the backend from it.
"""

from __future__ import annotations

import json
import threading
import traceback
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from wsgiref.validate import check_environ

# ── Behind real uWSGI (task 1): what uWSGI made of the learner's packet ───────────────────────


def uwsgi_echo(environ, start_response):
    """The environ's strings and the body, as JSON (latin-1 strings survive JSON unchanged)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    answer = {
        "environ": {key: value for key, value in environ.items() if isinstance(value, str)},
        "body": body.decode("latin-1"),
    }
    data = json.dumps(answer).encode("ascii")
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


# ── Behind the learner's server (tasks 2 and 3): an app that records what it was given ────────


class ClosingBody:
    """A response iterable with close(), as a WSGI server must call it (PEP 3333)."""

    def __init__(self, chunks, record):
        self.chunks = chunks
        self.record = record

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        self.record["closed"] = True


class RecordingApp:
    """Dispatches on the last part of PATH_INFO; records each call under its X-Kata-Id header.

    /…/echo        200, reads the body with read(), records the environ
    /…/parts       reads the body with read(3), readline(), iteration and readlines()
    /…/status      201 Created, two Set-Cookie headers, a body in three chunks, with close()
    /…/empty       204 No Content, no body at all
    /…/write       200, b"first," through start_response's write() callable, then b"second"
    /…/boom        raises before start_response
    """

    def __init__(self):
        self.calls: dict[str, dict] = {}
        self.lock = threading.Lock()

    def record_for(self, request_id: str) -> dict | None:
        with self.lock:
            return self.calls.get(request_id)

    def __call__(self, environ, start_response):
        record = {"environ": dict(environ), "closed": False}
        with self.lock:
            self.calls[environ.get("HTTP_X_KATA_ID", "")] = record
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check_environ(environ)
            record["pep3333"] = None
        except AssertionError as error:
            record["pep3333"] = str(error)
        except Exception as error:  # noqa: BLE001 - a broken environ is reported, not raised here
            record["pep3333"] = f"{type(error).__name__}: {error}"
        action = environ.get("PATH_INFO", "").rstrip("/").rsplit("/", 1)[-1]
        stream = environ.get("wsgi.input")
        if action == "boom":
            raise RuntimeError("the app failed on purpose")
        try:
            if action == "parts":
                record["parts"] = [stream.read(3), stream.readline(), list(stream)]
                record["after"] = [stream.read(), stream.readlines()]
            elif stream is not None:
                record["body"] = stream.read()
        except Exception as error:
            record["input_error"] = "".join(
                traceback.format_exception_only(type(error), error)
            ).strip()
        if action == "status":
            start_response(
                "201 Created",
                [
                    ("Content-Type", "text/plain"),
                    ("Set-Cookie", "a=1"),
                    ("Set-Cookie", "b=2"),
                    ("X-Kata", "status"),
                ],
            )
            return ClosingBody([b"first,", b"", b"second"], record)
        if action == "empty":
            start_response("204 No Content", [("X-Kata", "empty")])
            return ClosingBody([], record)
        if action == "write":
            write = start_response("200 OK", [("Content-Type", "text/plain"), ("X-Kata", "write")])
            record["write"] = repr(write)
            write(b"first,")
            return ClosingBody([b"second"], record)
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Kata", "echo")])
        return ClosingBody([b"ok"], record)


# ── The playground's app: shows the learner what reached it ───────────────────────────────────


def demo_app(environ, start_response):
    """Every str of the environ and the body, as pretty JSON: what the uwsgi path delivers."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    shown = {key: value for key, value in sorted(environ.items()) if isinstance(value, str)}
    answer = {
        "what": "your uwsgi server ran this WSGI app",
        "environ": shown,
        "body": body.decode("latin-1"),
    }
    data = (json.dumps(answer, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    start_response("200 OK", [("Content-Type", "application/json; charset=utf-8")])
    return [data]


# ── The legacy HTTP backend behind proxy_pass ───────────────────────────────────────────────


class LegacyHandler(BaseHTTPRequestHandler):
    """Answers any method with what it received: request line, headers, body (JSON)."""

    server_version = "LegacyBackend/1.0"

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = {
            "method": self.command,
            "path": self.path,
            "headers": list(self.headers.items()),
            "body": body.decode("latin-1"),
        }
        recorder = getattr(self.server, "requests", None)
        if recorder is not None:
            recorder.append(seen)
        answer = {
            "what": "the legacy HTTP backend got this request",
            "request_line": self.requestline,
            "headers": [f"{name}: {value}" for name, value in self.headers.items()],
            "body": seen["body"],
        }
        data = (json.dumps(answer, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Backend", "legacy")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, format, *args):
        pass


class LegacyBackend(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0):
        super().__init__(("127.0.0.1", port), LegacyHandler)
        self.requests: list[dict] = []

    @property
    def address(self) -> str:
        host, port = self.server_address[:2]
        return f"{host}:{port}"

    def find(self, request_id: str) -> dict | None:
        for seen in reversed(self.requests):
            if any(
                name.lower() == "x-kata-id" and value == request_id
                for name, value in seen["headers"]
            ):
                return seen
        return None
