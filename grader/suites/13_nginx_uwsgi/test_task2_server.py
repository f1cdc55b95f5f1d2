"""Task 2: the learner's uwsgi server, driven by the grader's own uwsgi client.

Every request carries an HTTP_X_KATA_ID var; the grader's WSGI app records what it was given
under that id (kata_apps.RecordingApp), so a test can look at the environ the server built.
"""

from __future__ import annotations

import socket

import kata_uwsgi
import pytest
from kata_http import new_id

BASE_VARS = {
    "REQUEST_METHOD": "GET",
    "SCRIPT_NAME": "",
    "PATH_INFO": "/app/echo",
    "QUERY_STRING": "",
    "SERVER_NAME": "localhost",
    "SERVER_PORT": "8080",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "REMOTE_ADDR": "127.0.0.1",
}


def packet(path: str = "/app/echo", body: bytes = b"", **vars: str) -> tuple[str, bytes, dict]:
    """(request id, the packet's bytes, its vars): a request the grader's app records."""
    request_id = new_id()
    all_vars = {**BASE_VARS, "PATH_INFO": path, **vars, "HTTP_X_KATA_ID": request_id}
    if body and "CONTENT_LENGTH" not in vars:
        all_vars["CONTENT_LENGTH"] = str(len(body))
    return request_id, kata_uwsgi.encode(all_vars, body), all_vars


def send(server, data, pause: float = 0.0) -> kata_uwsgi.Exchange:
    return kata_uwsgi.exchange(server.address, data, pause=pause)


def answered(server, request_id: str, exchange: kata_uwsgi.Exchange, rule: str) -> dict:
    record = server.app.record_for(request_id)
    assert record is not None, (
        f"The app was never called for a well-formed packet ({rule}).\n  {exchange.describe()}"
    )
    return record


def ended_with_close(exchange: kata_uwsgi.Exchange, what: str) -> None:
    assert exchange.ending in ("closed", "reset"), (
        f"{what}: the connection must be closed after the response (task 2, rule 6): one "
        f"request per connection, and the close tells nginx the response is complete. Does "
        f"your server wait for another packet, or forget to close?\n  {exchange.describe()}"
    )


# ── Rule 1: make_server ────────────────────────────────────────────────────────────────────


@pytest.mark.task(2)
def test_make_server_listens_on_a_free_port_and_serves(learner_server):
    host, port = learner_server.address
    with socket.create_connection((host, port), timeout=2):
        pass
    request_id, data, _ = packet()
    exchange = send(learner_server, data)
    answered(
        learner_server, request_id, exchange, "task 2, rule 1: serve_forever() serves requests"
    )


# ── Rule 2: reading one packet ─────────────────────────────────────────────────────────────


@pytest.mark.task(2)
def test_a_packet_sent_in_pieces_is_read_whole(learner_server):
    body = b"0123456789" * 3000  # 30 KB: more than one recv() brings
    request_id, data, _ = packet(
        "/app/echo", body, REQUEST_METHOD="POST", HTTP_X_FILLER="f" * 20000
    )
    pieces = [data[:2], data[2:7], data[7:21000], data[21000:]]
    exchange = send(learner_server, pieces, pause=0.05)
    record = answered(
        learner_server, request_id, exchange,
        "task 2, rule 2: TCP delivers bytes in pieces; keep reading until you have them all",
    )  # fmt: skip
    assert record["environ"].get("HTTP_X_FILLER") == "f" * 20000 and record.get("body") == body, (
        "A packet that arrives in pieces (2 bytes, 5 bytes, then the rest) must be read whole: "
        "the 20000-byte var and the 30000-byte body (task 2, rule 2). One recv() is not enough: "
        f"loop until you have exactly the bytes you need. The app got a body of "
        f"{len(record.get('body') or b'')} bytes."
    )


@pytest.mark.task(2)
def test_http_request_on_the_uwsgi_socket_is_refused_at_once(learner_server):
    # What `proxy_pass` to a uwsgi socket sends: "G" is 71, a modifier1 that is not 0.
    data = b"GET /app/echo HTTP/1.0\r\nHost: localhost\r\nX-Kata-Id: http-request\r\n\r\n"
    exchange = send(learner_server, data)
    assert exchange.ending in ("closed", "reset") and exchange.seconds < 2.5, (
        "An HTTP request sent to the uwsgi socket (what `proxy_pass` sends) starts with 'G', "
        "modifier1 71: close the connection at once, without calling the app (task 2, rule 2). "
        f"Waiting for 0x5445 bytes of vars that never come hangs nginx.\n  {exchange.describe()}"
    )


@pytest.mark.task(2)
def test_broken_packets_are_closed_without_calling_the_app(learner_server):
    request_id, whole, _ = packet("/app/echo")
    calls_before = len(learner_server.app.calls)
    # Clients that send part of a packet and leave: the server sees the connection end early.
    for data in (whole[:2], whole[:20]):
        with socket.create_connection(learner_server.address, timeout=2) as sock:
            sock.sendall(data)
    # Packets that are complete but wrong: the server must close without an answer.
    cases = {
        "a var whose size runs past the end of the block": (
            kata_uwsgi.HEADER.pack(0, 7, 0) + b"\x01\x00K\x09\x00ab"
        ),
        "modifier1 = 5 (not a WSGI request)": b"\x05" + whole[1:],
    }
    for what, data in cases.items():
        exchange = kata_uwsgi.exchange(learner_server.address, data)
        assert exchange.ending in ("closed", "reset"), (
            f"A malformed packet ({what}) must close the connection without calling the "
            f"app (task 2, rule 2).\n  {exchange.describe()}"
        )
    ok_id, data, _ = packet()
    exchange = send(learner_server, data)
    answered(
        learner_server, ok_id, exchange,
        "task 2, rule 7: the server keeps serving after broken packets and clients that leave",
    )  # fmt: skip
    called = len(learner_server.app.calls) - calls_before - 1
    assert learner_server.app.record_for(request_id) is None and called == 0, (
        f"The app was called {max(called, 1)} time(s) for malformed or cut-short packets "
        f"(task 2, rule 2): a broken packet never reaches the app."
    )


@pytest.mark.task(2)
def test_a_content_length_that_is_not_a_whole_number_closes_the_connection(learner_server):
    for length in ("abc", "-5"):
        request_id, data, _ = packet(
            "/app/echo", b"hello", REQUEST_METHOD="POST", CONTENT_LENGTH=length
        )
        exchange = send(learner_server, data)
        sent = f"A packet with CONTENT_LENGTH {length!r} (and 5 bytes after the vars)"
        assert exchange.ending != "open", (
            f"{sent}: your server hung (task 2, rules 2 and 4). A CONTENT_LENGTH that is not a "
            f"whole number makes the packet malformed: close the connection at once. (int('-5') "
            f"is -5, and read(-5) reads until the client closes, which nginx never does.)"
            f"\n  {exchange.describe()}"
        )
        assert learner_server.app.record_for(request_id) is None, (
            f"{sent} reached the app. A CONTENT_LENGTH that is not a whole number makes the "
            f"packet malformed: close the connection without calling the app (task 2, rules 2 "
            f"and 4); do not guess a body of 0 bytes. Only an empty or missing CONTENT_LENGTH "
            f"means no body.\n  {exchange.describe()}"
        )
        assert exchange.ending in ("closed", "reset") and exchange.seconds < 2.5, (
            f"{sent}: close the connection at once (task 2, rule 2).\n  {exchange.describe()}"
        )
    ok_id, data, _ = packet()
    exchange = send(learner_server, data)
    answered(
        learner_server, ok_id, exchange,
        "task 2, rule 7: the server keeps serving after a malformed CONTENT_LENGTH",
    )  # fmt: skip


# ── Rule 3: the environ ────────────────────────────────────────────────────────────────────


@pytest.mark.task(2)
def test_get_request_reaches_the_app_with_the_vars_as_environ(learner_server):
    request_id, data, vars = packet(
        "/app/echo", QUERY_STRING="q=dune&page=2", HTTP_HOST="shop.example", HTTP_X_EMPTY=""
    )
    exchange = send(learner_server, data)
    environ = answered(learner_server, request_id, exchange, "task 2, rule 3")["environ"]
    wrong = {
        key: environ.get(key, "<missing>")
        for key, value in vars.items()
        if environ.get(key) != value
    }
    assert not wrong, (
        f"Every var of the packet becomes an environ key with the same value (task 2, rule 3). "
        f"Wrong or missing: {wrong!r}"
    )


@pytest.mark.task(2)
def test_environ_passes_the_pep3333_check(learner_server):
    request_id, data, _ = packet(
        "/app/echo", b"{}", REQUEST_METHOD="POST", CONTENT_TYPE="application/json",
        HTTP_CONTENT_TYPE="application/json", HTTP_CONTENT_LENGTH="2",
    )  # fmt: skip
    exchange = send(learner_server, data)
    record = answered(learner_server, request_id, exchange, "task 2, rule 3")
    environ = record["environ"]
    assert record["pep3333"] is None, (
        f"The environ fails the PEP 3333 check of wsgiref.validate (task 2, rule 3): "
        f"{record['pep3333']}"
    )
    expected = {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    wrong = {
        key: environ.get(key, "<missing>")
        for key, value in expected.items()
        if environ.get(key) != value or type(environ.get(key)) is not type(value)
    }
    assert not wrong, (
        f"The wsgi.* keys must be exactly {expected!r} (task 2, rule 3); wrong: {wrong!r}"
    )
    errors = environ.get("wsgi.errors")
    assert all(
        callable(getattr(errors, name, None)) for name in ("write", "flush", "writelines")
    ), f"wsgi.errors must be a text stream such as sys.stderr (task 2, rule 3), got {errors!r}"


@pytest.mark.task(2)
def test_non_ascii_vars_reach_the_app_as_latin1_strings(learner_server):
    request_id, data, _ = packet("/app/東京/café/echo", HTTP_X_NAME="Zoë")
    exchange = send(learner_server, data)
    environ = answered(learner_server, request_id, exchange, "task 2, rule 3")["environ"]
    expected = {
        "PATH_INFO": "/app/東京/café/echo".encode().decode("latin-1"),
        "HTTP_X_NAME": "Zoë".encode().decode("latin-1"),
    }
    got = {key: environ.get(key) for key in expected}
    assert got == expected and all(type(v) is str for v in got.values()), (
        "PEP 3333: environ values are str holding the bytes as they came, decoded as latin-1 "
        "(task 2, rule 3). The packet's UTF-8 bytes of '/app/東京/café/echo' become "
        f"{expected['PATH_INFO']!r}; apps (Django too) do .encode('latin-1').decode('utf-8').\n"
        f"  expected {expected!r}\n  got      {got!r}"
    )


@pytest.mark.task(2)
def test_vars_that_are_not_utf8_reach_the_app_as_latin1_strings(learner_server):
    # What nginx sends for GET /app/bad%FF/echo: PATH_INFO is the decoded path, the byte ff.
    request_id = new_id()
    vars = {
        **BASE_VARS,
        "PATH_INFO": b"/app/bad\xff/echo",
        "REQUEST_URI": "/app/bad%FF/echo",
        "HTTP_X_LATIN1": b"caf\xe9",  # "café" in latin-1: the byte e9 alone is not UTF-8
        b"HTTP_X_RAW_\xff": "a key with the byte ff",
        "HTTP_X_KATA_ID": request_id,
    }
    exchange = send(learner_server, kata_uwsgi.encode(vars))
    record = learner_server.app.record_for(request_id)
    assert record is not None, (
        "A packet whose vars hold bytes that are not UTF-8 never reached the app (task 2, rule "
        "3). nginx sends such bytes: for the URL /app/bad%FF/echo, PATH_INFO is "
        "b'/app/bad\\xff/echo'. The packet is well-formed. Did you build the environ with "
        "decode_vars()? It refuses bytes that are not UTF-8 (task 1, rule 6), so your server "
        "closes the connection and nginx answers 502 Bad Gateway. Decode each var's raw bytes "
        f"as latin-1 instead.\n  {exchange.describe()}"
    )
    environ = record["environ"]
    expected = {
        "PATH_INFO": "/app/bad\xff/echo",
        "HTTP_X_LATIN1": "caf\xe9",
        "HTTP_X_RAW_\xff": "a key with the byte ff",
    }
    got = {key: environ.get(key, "<missing>") for key in expected}
    assert got == expected, (
        "Each key and value of the environ is the var's raw bytes decoded as latin-1, whatever "
        "the bytes are (task 2, rule 3): b'/app/bad\\xff/echo' becomes '/app/bad\\xff/echo'."
        f"\n  expected {expected!r}\n  got      {got!r}"
    )
    assert exchange.complete and exchange.body == b"ok", (
        f"The app's answer must come back (task 2, rule 5).\n  {exchange.describe()}"
    )


@pytest.mark.task(2)
def test_missing_script_name_path_info_and_query_string_default_to_empty(learner_server):
    request_id = new_id()
    vars = {
        "REQUEST_METHOD": "GET",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_X_KATA_ID": request_id,
    }
    exchange = send(learner_server, kata_uwsgi.encode(vars))
    environ = answered(learner_server, request_id, exchange, "task 2, rule 3")["environ"]
    got = {
        key: environ.get(key, "<missing>") for key in ("SCRIPT_NAME", "PATH_INFO", "QUERY_STRING")
    }
    assert got == {"SCRIPT_NAME": "", "PATH_INFO": "", "QUERY_STRING": ""}, (
        f"SCRIPT_NAME, PATH_INFO and QUERY_STRING are '' when the packet has none "
        f"(task 2, rule 3); got {got!r}"
    )


@pytest.mark.task(2)
def test_url_scheme_follows_https_and_request_scheme(learner_server):
    cases = [
        ({"HTTPS": "on"}, "https"),
        ({"HTTPS": "1"}, "https"),
        ({"REQUEST_SCHEME": "https"}, "https"),
        ({"REQUEST_SCHEME": "http"}, "http"),
        ({"HTTPS": "off"}, "http"),
        ({}, "http"),
    ]
    for extra, scheme in cases:
        request_id, data, _ = packet("/app/echo", **extra)
        exchange = send(learner_server, data)
        environ = answered(learner_server, request_id, exchange, "task 2, rule 3")["environ"]
        assert environ.get("wsgi.url_scheme") == scheme, (
            f"wsgi.url_scheme is 'https' when HTTPS is 'on' or '1' or REQUEST_SCHEME is "
            f"'https', else 'http' (task 2, rule 3): with vars {extra or 'neither'} it must be "
            f"{scheme!r}, got {environ.get('wsgi.url_scheme')!r}"
        )


# ── Rule 4: wsgi.input ─────────────────────────────────────────────────────────────────────


@pytest.mark.task(2)
def test_body_is_read_through_wsgi_input(learner_server):
    body = b"abcdef\nsecond line\nthird"
    request_id, data, _ = packet("/app/parts", body, REQUEST_METHOD="POST")
    exchange = send(learner_server, data)
    record = answered(learner_server, request_id, exchange, "task 2, rule 4")
    assert "input_error" not in record, (
        f"Reading wsgi.input failed (task 2, rule 4): {record['input_error']}"
    )
    expected = [b"abc", b"def\n", [b"second line\n", b"third"]]
    assert record["parts"] == expected and record["after"] == [b"", []], (
        "wsgi.input gives the body through read(3), readline(), iteration, then read() and "
        f"readlines() at the end (task 2, rule 4).\n  expected {expected!r} then [b'', []]\n"
        f"  got      {record['parts']!r} then {record['after']!r}"
    )


@pytest.mark.task(2)
def test_body_stops_at_content_length_without_waiting_for_more(learner_server):
    request_id, data, _ = packet("/app/echo", b"hello", REQUEST_METHOD="POST")
    exchange = send(learner_server, data)
    assert exchange.complete, (
        "The app calls wsgi.input.read() with no size: it must get the CONTENT_LENGTH bytes at "
        "once (task 2, rule 4). nginx keeps its side of the connection open, so reading until "
        f"the client closes waits forever.\n  {exchange.describe()}"
    )
    record = answered(learner_server, request_id, exchange, "task 2, rule 4")
    assert record.get("body") == b"hello", (
        f"wsgi.input.read() must give exactly the body, b'hello' (task 2, rule 4); got {record.get('body')!r}"
    )
    request_id, data, _ = packet("/app/echo", b"hello", REQUEST_METHOD="POST")
    exchange = send(learner_server, data + b"NOT BODY")
    record = answered(learner_server, request_id, exchange, "task 2, rule 4")
    assert record.get("body") == b"hello", (
        "Bytes after CONTENT_LENGTH are not part of the body (task 2, rule 4): CONTENT_LENGTH 5, "
        f"then b'helloNOT BODY' on the wire; the app read {record.get('body')!r}"
    )


@pytest.mark.task(2)
def test_empty_content_length_means_no_body(learner_server):
    for extra in ({"CONTENT_LENGTH": ""}, {}):
        request_id, data, _ = packet("/app/echo", **extra)
        exchange = send(learner_server, data)
        record = answered(
            learner_server, request_id, exchange,
            "task 2, rule 4: an empty or missing CONTENT_LENGTH means no body (nginx sends '')",
        )  # fmt: skip
        assert record.get("body") == b"" and exchange.complete, (
            f"With {'CONTENT_LENGTH empty' if extra else 'no CONTENT_LENGTH'}, wsgi.input.read() "
            f"gives b'' at once (task 2, rule 4); got {record.get('body')!r}\n  {exchange.describe()}"
        )


# ── Rules 5 and 6: the response, then close ────────────────────────────────────────────────


@pytest.mark.task(2)
def test_response_is_the_status_line_headers_and_body(learner_server):
    request_id, data, _ = packet("/app/status")
    exchange = send(learner_server, data)
    answered(learner_server, request_id, exchange, "task 2, rule 5")
    expected_headers = [
        ("Content-Type", "text/plain"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("X-Kata", "status"),
    ]
    assert exchange.status_line in ("HTTP/1.1 201 Created", "HTTP/1.0 201 Created"), (
        "The response starts with the status line 'HTTP/1.1 201 Created' (task 2, rule 5): "
        f"got {exchange.status_line!r}\n  {exchange.describe()}"
    )
    assert (
        exchange.received.startswith(exchange.status_line.encode() + b"\r\n") and exchange.complete
    ), (
        f"Lines end with \\r\\n and a blank line ends the headers (task 2, rule 5).\n  {exchange.describe()}"
    )
    # The app's headers, in order; headers the server adds of its own may sit anywhere.
    own = [header for header in exchange.headers if header in expected_headers]
    assert own == expected_headers, (
        "Every header the app gave, as 'Name: value', in its order, repeated names kept "
        f"(task 2, rule 5).\n  expected {expected_headers!r}\n  got      {exchange.headers!r}"
    )
    assert exchange.body == b"first,second", (
        f"The body is the app's chunks, in order (task 2, rule 5): expected b'first,second', got {exchange.body!r}"
    )
    ended_with_close(exchange, "GET /app/status")


@pytest.mark.task(2)
def test_empty_body_still_sends_the_status_and_headers(learner_server):
    request_id, data, _ = packet("/app/empty")
    exchange = send(learner_server, data)
    answered(learner_server, request_id, exchange, "task 2, rule 5")
    assert (
        exchange.status_line.endswith(" 204 No Content") and ("X-Kata", "empty") in exchange.headers
    ), (
        "An app that returns an empty body still gets its status line and headers sent "
        f"(task 2, rule 5): expected '… 204 No Content' and 'X-Kata: empty'.\n  {exchange.describe()}"
    )
    assert exchange.body == b"", f"No body was given, none may be sent: got {exchange.body!r}"
    ended_with_close(exchange, "GET /app/empty")


@pytest.mark.task(2)
def test_the_write_callable_sends_body_bytes_before_the_iterable(learner_server):
    request_id, data, _ = packet("/app/write")
    exchange = send(learner_server, data)
    record = answered(learner_server, request_id, exchange, "task 2, rule 5")
    assert (
        exchange.status_line in ("HTTP/1.1 200 OK", "HTTP/1.0 200 OK")
        and ("X-Kata", "write") in exchange.headers
        and exchange.body == b"first,second"
    ), (
        "start_response() returns a write(data) callable (PEP 3333). The app calls "
        "write(b'first,') and then returns [b'second']: the client gets the status line and "
        "headers, then b'first,' then b'second' (task 2, rule 5). start_response returned "
        f"{record.get('write', '<nothing: the app did not get that far>')}.\n  {exchange.describe()}"
    )
    ended_with_close(exchange, "GET /app/write")


@pytest.mark.task(2)
def test_connection_closes_after_the_response(learner_server):
    request_id, data, _ = packet("/app/echo")
    exchange = send(learner_server, data)
    answered(learner_server, request_id, exchange, "task 2, rule 6")
    assert exchange.complete and exchange.body == b"ok", (
        f"GET /app/echo must answer the app's body b'ok' (task 2, rule 5).\n  {exchange.describe()}"
    )
    ended_with_close(exchange, "GET /app/echo")


@pytest.mark.task(2)
def test_iterable_close_is_called(learner_server):
    for path in ("/app/status", "/app/echo"):
        request_id, data, _ = packet(path)
        exchange = send(learner_server, data)
        record = answered(learner_server, request_id, exchange, "task 2, rule 6")
        assert record["closed"], (
            f"GET {path}: the app returned an iterable with a close() method; the server must "
            f"call it after sending the body (task 2, rule 6, PEP 3333). It never was."
        )


# ── Rule 7: errors ─────────────────────────────────────────────────────────────────────────


@pytest.mark.task(2)
def test_app_exception_answers_500_and_the_server_keeps_serving(learner_server):
    request_id, data, _ = packet("/app/boom")
    exchange = send(learner_server, data)
    assert exchange.status_line in (
        "HTTP/1.1 500 Internal Server Error",
        "HTTP/1.0 500 Internal Server Error",
    ), (
        "When the app raises before sending anything, the server answers "
        f"'HTTP/1.1 500 Internal Server Error' (task 2, rule 7).\n  {exchange.describe()}"
    )
    ended_with_close(exchange, "GET /app/boom")
    request_id, data, _ = packet("/app/echo")
    exchange = send(learner_server, data)
    answered(
        learner_server,
        request_id,
        exchange,
        "task 2, rule 7: the server keeps serving after an app error",
    )


# ── Rule 8: one thread per connection ──────────────────────────────────────────────────────


@pytest.mark.task(2)
def test_a_silent_client_does_not_block_the_others(learner_server):
    silent = socket.create_connection(learner_server.address, timeout=2)
    try:
        request_id, data, _ = packet("/app/echo")
        exchange = send(learner_server, data)
        assert exchange.complete, (
            "One client is connected and sends nothing. Another client's request must still be "
            "answered (task 2, rule 8): handle each connection in its own thread "
            f"(socketserver.ThreadingTCPServer).\n  {exchange.describe()}"
        )
        answered(learner_server, request_id, exchange, "task 2, rule 8")
    finally:
        silent.close()
