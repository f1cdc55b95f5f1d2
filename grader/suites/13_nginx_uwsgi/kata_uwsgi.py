"""The grader's own side of the uwsgi wire: a reference codec, a client and a capture server.

Never the learner's code: these are what the learner's packets and server are compared with.
Every socket has a timeout, so a server that never answers or never closes costs seconds,
not the exercise's time limit.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import socketserver
import struct
import threading
import time
from dataclasses import dataclass, field

HEADER = struct.Struct("<BHB")
SIZE = struct.Struct("<H")
# How long the grader waits for a server (the learner's, uWSGI) to start answering, and then
# for more bytes or the close: a correct server answers and closes within milliseconds.
TIMEOUT = 3.0
IDLE = 1.0


def encode(vars, body: bytes = b"", modifier1: int = 0, modifier2: int = 0) -> bytes:
    """Reference encoder. ``vars``: a dict or (key, value) pairs, str (UTF-8) or bytes."""
    pairs = vars.items() if hasattr(vars, "items") else vars
    block = b"".join(
        SIZE.pack(len(data)) + data
        for key, value in pairs
        for data in (_as_bytes(key), _as_bytes(value))
    )
    return HEADER.pack(modifier1, len(block), modifier2) + block + body


def decode(data: bytes) -> tuple[int, dict[str, str], bytes, int]:
    """Reference decoder: (modifier1, vars, body, modifier2). Raises ValueError when malformed."""
    if len(data) < HEADER.size:
        raise ValueError("truncated header")
    modifier1, size, modifier2 = HEADER.unpack_from(data)
    end = HEADER.size + size
    if len(data) < end:
        raise ValueError("truncated vars block")
    vars: dict[str, str] = {}
    position = HEADER.size
    while position < end:
        strings = []
        for _ in range(2):
            if position + 2 > end:
                raise ValueError("truncated var size")
            (length,) = SIZE.unpack_from(data, position)
            position += 2
            if position + length > end:
                raise ValueError("var runs past the block")
            strings.append(data[position : position + length].decode("utf-8"))
            position += length
        vars[strings[0]] = strings[1]
    return modifier1, vars, data[end:], modifier2


def _as_bytes(text) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8")


@dataclass
class Exchange:
    """One connection to a uwsgi server: what was sent, what came back, and how it ended."""

    sent: bytes
    received: bytes = b""
    # "closed": the server closed the connection; "open": still open when the grader gave up;
    # "reset": the server reset it; "refused": nobody listens.
    ending: str = "open"
    seconds: float = 0.0

    @property
    def head(self) -> bytes:
        return self.received.partition(b"\r\n\r\n")[0]

    @property
    def status_line(self) -> str:
        return self.head.split(b"\r\n", 1)[0].decode("latin-1")

    @property
    def headers(self) -> list[tuple[str, str]]:
        lines = self.head.decode("latin-1").split("\r\n")[1:]
        return [
            (name.strip(), value.strip()) for name, _, value in (ln.partition(":") for ln in lines)
        ]

    @property
    def body(self) -> bytes:
        return self.received.partition(b"\r\n\r\n")[2]

    @property
    def complete(self) -> bool:
        return b"\r\n\r\n" in self.received

    def describe(self) -> str:
        got = repr(self.received[:300]) + (" …" if len(self.received) > 300 else "")
        how = {
            "closed": f"then the server closed the connection ({self.seconds:.1f} s)",
            "open": f"and the connection was still open after {self.seconds:.1f} s",
            "reset": "then the server reset the connection",
            "refused": "nothing: the connection was refused (is the server listening?)",
        }[self.ending]
        return (
            f"sent {len(self.sent)} bytes; got {got} {how}"
            if self.received
            else f"sent {len(self.sent)} bytes; got nothing, {how}"
        )


def exchange(
    address: tuple[str, int],
    pieces: list[bytes] | bytes,
    timeout: float = TIMEOUT,
    pause: float = 0.0,
    idle: float = IDLE,
) -> Exchange:
    """Send ``pieces`` (with ``pause`` seconds between them), then read until the server closes
    (at most ``timeout`` seconds, or ``idle`` seconds without a byte once the answer started).

    The grader never half-closes its side, as nginx does not: a server that reads until EOF
    instead of CONTENT_LENGTH bytes waits forever, and the grader reports it."""
    pieces = [pieces] if isinstance(pieces, bytes) else pieces
    result = Exchange(sent=b"".join(pieces))
    started = time.monotonic()
    try:
        sock = socket.create_connection(address, timeout=timeout)
    except OSError:
        result.ending = "refused"
        return result
    with sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            for index, piece in enumerate(pieces):
                if index and pause:
                    time.sleep(pause)
                sock.sendall(piece)
        except OSError:
            pass  # the server may close early (a refused packet): read what it said
        received = bytearray()
        deadline = started + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                result.ending = "open"
                break
            sock.settimeout(min(left, idle) if received else left)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                result.ending = "open"
                break
            except OSError:
                result.ending = "reset"
                break
            if not chunk:
                result.ending = "closed"
                break
            received += chunk
        result.received = bytes(received)
    result.seconds = time.monotonic() - started
    return result


@dataclass
class Captured:
    """What one connection to the capture server brought."""

    raw: bytes
    packet: tuple[int, dict[str, str], bytes, int] | None = None
    error: str | None = None
    extra: dict = field(default_factory=dict)


class CaptureServer(socketserver.ThreadingTCPServer):
    """A stand-in uwsgi server that records the raw bytes each connection brings.

    It reads one uwsgi packet (header, vars, CONTENT_LENGTH bytes of body), answers a small
    HTTP response and closes. Bytes that are not a uwsgi packet (an HTTP request sent by
    `proxy_pass`) are recorded as they are, and the connection is closed."""

    allow_reuse_address = True
    daemon_threads = True
    RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Captured: yes\r\n\r\ncaptured"

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _CaptureHandler)
        self.records: queue.Queue[Captured] = queue.Queue()

    @property
    def address(self) -> str:
        host, port = self.server_address[:2]
        return f"{host}:{port}"

    def clear(self) -> None:
        while not self.records.empty():
            self.records.get_nowait()

    def take(self, timeout: float = TIMEOUT) -> Captured | None:
        try:
            return self.records.get(timeout=timeout)
        except queue.Empty:
            return None


class _CaptureHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock = self.request
        sock.settimeout(1.0)
        data = bytearray()
        record = Captured(raw=b"")
        try:
            data += _recv_exactly(sock, HEADER.size)
            modifier1, size, _ = HEADER.unpack_from(data)
            if modifier1 != 0:
                data += _recv_some(sock)
                raise ValueError(f"modifier1 is {modifier1}: not a uwsgi request")
            data += _recv_exactly(sock, size)
            vars = decode(bytes(data))[1]
            data += _recv_exactly(sock, int(vars.get("CONTENT_LENGTH") or 0))
            record.packet = decode(bytes(data))
            sock.sendall(CaptureServer.RESPONSE)
        except (OSError, ValueError) as error:
            record.error = str(error)
        record.raw = bytes(data)
        self.server.records.put(record)


def _recv_exactly(sock: socket.socket, count: int) -> bytes:
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ValueError(f"the connection ended {count - len(data)} bytes short")
        data += chunk
    return bytes(data)


def _recv_some(sock: socket.socket) -> bytes:
    sock.settimeout(0.3)
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def start_thread_server(server: socketserver.BaseServer) -> threading.Thread:
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return thread


def stop_thread_server(server: socketserver.BaseServer, thread: threading.Thread) -> None:
    """shutdown() waits for serve_forever to notice: bounded, in case a learner's loop never does."""
    stopper = threading.Thread(target=server.shutdown, daemon=True)
    stopper.start()
    stopper.join(2.0)
    # The learner's server_close may be broken: the grading process ends soon anyway.
    with contextlib.suppress(Exception):
        server.server_close()
    thread.join(0.5)
