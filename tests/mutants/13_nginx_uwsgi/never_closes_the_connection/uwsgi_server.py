"""Wrong: after the response the server waits on the same connection for another packet (keep-alive), so the connection never closes. Caught by: test_connection_closes_after_the_response, test_response_is_the_status_line_headers_and_body, test_whole_stack_answers_through_nginx_and_your_uwsgi_server."""

from __future__ import annotations

import contextlib
import io
import socket
import socketserver
import sys
import traceback

from uwsgi_protocol import decode_header, split_vars

HEADER_SIZE = 4  # modifier1, the 16-bit size, modifier2

# PEP 3333: these two headers are CONTENT_TYPE and CONTENT_LENGTH, never HTTP_ variables.
DROPPED = ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH")
ERROR_RESPONSE = (
    b"HTTP/1.1 500 Internal Server Error\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Internal Server Error\n"
)


class BadPacket(ValueError):
    """The connection did not bring one whole, well-formed WSGI packet."""


def make_server(host: str, port: int, app) -> UwsgiServer:
    """A server listening on (host, port) (0: a free port) that runs ``app`` for each packet."""
    server = UwsgiServer((host, port), UwsgiHandler)
    server.app = app
    return server


class UwsgiServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True  # a stuck client never keeps the process alive
    app = None


class UwsgiHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while True:
            try:
                vars, body = read_request(self.request)
            except (BadPacket, ValueError, OSError):
                return  # socketserver closes the connection: nginx answers 502
            run_app(self.server.app, build_environ(vars, body), self.request)


def read_request(sock: socket.socket) -> tuple[dict[str, str], bytes]:
    modifier1, size, _modifier2 = decode_header(recv_exactly(sock, HEADER_SIZE))
    if modifier1 != 0:
        raise BadPacket(f"modifier1 {modifier1} is not a WSGI request")
    # PEP 3333 "native strings": each var's raw bytes, decoded as latin-1. Not decode_vars(): it
    # refuses bytes that are not UTF-8, and a URL may carry any byte (/bad%FF is the byte ff).
    block = recv_exactly(sock, size)
    vars = {key.decode("latin-1"): value.decode("latin-1") for key, value in split_vars(block)}
    length = vars.get("CONTENT_LENGTH", "") or "0"
    if not (length.isascii() and length.isdigit()):
        raise BadPacket(f"CONTENT_LENGTH {length!r} is not a whole number")
    return vars, recv_exactly(sock, int(length))


def recv_exactly(sock: socket.socket, count: int) -> bytes:
    """Exactly ``count`` bytes: TCP may deliver them in several pieces."""
    chunks, missing = [], count
    while missing:
        chunk = sock.recv(min(missing, 65536))
        if not chunk:
            raise BadPacket(f"the connection ended {missing} bytes short")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def build_environ(vars: dict[str, str], body: bytes) -> dict:
    environ = {key: value for key, value in vars.items() if key not in DROPPED}
    for key in ("SCRIPT_NAME", "PATH_INFO", "QUERY_STRING"):
        environ.setdefault(key, "")
    https = environ.get("HTTPS", "").lower() in ("on", "1")
    https = https or environ.get("REQUEST_SCHEME", "").lower() == "https"
    environ.update(
        {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https" if https else "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
    )
    return environ


def run_app(app, environ: dict, sock: socket.socket) -> None:
    """Call the app and write its answer as HTTP: status line, headers, blank line, body."""
    started: list = []  # [status, headers] once start_response has been called
    sent = False

    def start_response(status, headers, exc_info=None):
        if exc_info and sent:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return write

    def write(data: bytes) -> None:
        nonlocal sent
        if not started:
            raise RuntimeError("the app returned a body before calling start_response()")
        if not sent:
            status, headers = started
            lines = [f"HTTP/1.1 {status}\r\n"] + [f"{name}: {value}\r\n" for name, value in headers]
            sock.sendall(("".join(lines) + "\r\n").encode("latin-1"))
            sent = True
        if data:
            sock.sendall(data)

    result = None
    try:
        result = app(environ, start_response)
        for chunk in result:
            write(chunk)
        write(b"")  # an empty body still sends the status line and headers
    except OSError:
        pass  # the client went away
    except Exception:
        traceback.print_exc(file=sys.stderr)
        if not sent:
            with contextlib.suppress(OSError):
                sock.sendall(ERROR_RESPONSE)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
