"""Task 3: the learner's nginx.conf, read by crossplane, then run by real nginx.

The crossplane tests need no nginx. The others run real nginx with the learner's server
block: `capture_nginx` has the grader's capture server at {{UWSGI_ADDRESS}} (to see the exact
packet nginx sends), `stack_nginx` the learner's own uwsgi server from task 2.
"""

from __future__ import annotations

import kata_http
import kata_nginx
import pytest
from kata_nginx import PARSED_BACKEND, PARSED_LISTEN, PARSED_UWSGI

# Vars that `include uwsgi_params;` adds to every packet (nginx's conf/uwsgi_params).
UWSGI_PARAMS_VARS = (
    "QUERY_STRING",
    "REQUEST_METHOD",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "REQUEST_URI",
    "PATH_INFO",
    "SERVER_PROTOCOL",
    "REMOTE_ADDR",
    "SERVER_PORT",
    "SERVER_NAME",
)
LEGACY_HEADERS = {
    "host": ("$host", "$http_host"),
    "x-real-ip": ("$remote_addr",),
    "x-forwarded-for": ("$proxy_add_x_forwarded_for",),
    "x-forwarded-proto": ("$scheme",),
}


def with_log(running, text: str) -> str:
    tail = running.error_log_tail()
    return f"{text}\n  nginx's error log:\n    " + tail.replace("\n", "\n    ") if tail else text


def the_server(http_block: list[dict]) -> dict:
    servers = [
        server
        for server in kata_nginx.servers(http_block)
        if any(
            d["directive"] == "listen" and d["args"][:1] == [f"127.0.0.1:{PARSED_LISTEN}"]
            for d in server.get("block", [])
        )
    ]
    if not servers:
        pytest.fail(
            "No server block listens on 127.0.0.1:{{LISTEN_PORT}}. Keep the given line "
            "`listen 127.0.0.1:{{LISTEN_PORT}};` in your server block (task 3, rule 1).",
            pytrace=False,
        )
    return servers[0]


def location_for(http_block: list[dict], uri: str, rule: str) -> list[dict]:
    chain = kata_nginx.choose_location(the_server(http_block), uri)
    if len(chain) < 2:
        pytest.fail(f"No location of your server block matches {uri} ({rule}).", pytrace=False)
    return chain


def where(chain: list[dict]) -> str:
    location = chain[-1]
    return f"`location {' '.join(location['args'])}` ({kata_nginx.LEARNER_FILE}:{location['line']})"


# ── Read without nginx (crossplane) ─────────────────────────────────────────────────────────


@pytest.mark.task(3)
def test_config_sends_app_to_uwsgi_pass_with_uwsgi_params(parsed_config):
    chain = location_for(
        parsed_config, "/app/books/7", "task 3, rule 2: add `location /app/ { … }`"
    )
    passes = kata_nginx.effective(chain, "uwsgi_pass")
    if not passes and kata_nginx.effective(chain, "proxy_pass"):
        pytest.fail(
            f"{where(chain)} uses proxy_pass: nginx would send HTTP to the uwsgi server, which "
            f"speaks the uwsgi protocol. Use `uwsgi_pass {{{{UWSGI_ADDRESS}}}};` (task 3, rule 2).",
            pytrace=False,
        )
    assert passes, f"{where(chain)} has no uwsgi_pass (task 3, rule 2)."
    reached = kata_nginx.target_addresses(passes[0][0], parsed_config)
    assert PARSED_UWSGI in reached, (
        f"{where(chain)}: uwsgi_pass must send to {{{{UWSGI_ADDRESS}}}} (task 3, rule 2); it "
        f"sends to {passes[0][0]!r}."
    )
    params = {args[0] for args in kata_nginx.effective(chain, "uwsgi_param") if args}
    missing = [name for name in UWSGI_PARAMS_VARS if name not in params]
    assert not missing, (
        f"{where(chain)} does not send {', '.join(missing)}. Add `include uwsgi_params;` to the "
        f"location: nginx's standard list of vars (task 3, rule 3)."
    )


@pytest.mark.task(3)
def test_config_sends_legacy_to_proxy_pass_with_the_forwarded_headers(parsed_config):
    chain = location_for(
        parsed_config, "/legacy/books", "task 3, rule 4: add `location /legacy/ { … }`"
    )
    passes = kata_nginx.effective(chain, "proxy_pass")
    assert passes, (
        f"{where(chain)} has no proxy_pass: the legacy backend speaks HTTP (task 3, rule 4)."
    )
    assert passes[0][0].startswith("http://") and PARSED_BACKEND in kata_nginx.target_addresses(
        passes[0][0], parsed_config
    ), (
        f"{where(chain)}: proxy_pass must send to http://{{{{HTTP_BACKEND}}}}/ (task 3, rule 4); "
        f"it sends to {passes[0][0]!r}."
    )
    headers = {
        args[0].lower(): args[1]
        for args in kata_nginx.effective(chain, "proxy_set_header")
        if len(args) == 2
    }
    wrong = {
        name: headers.get(name, "<not set>")
        for name, allowed in LEGACY_HEADERS.items()
        if headers.get(name) not in allowed
    }
    assert not wrong, (
        f"{where(chain)} must set Host $host ($http_host is accepted too), X-Real-IP "
        f"$remote_addr, X-Forwarded-For $proxy_add_x_forwarded_for and X-Forwarded-Proto "
        f"$scheme with proxy_set_header (task 3, rule 5). Wrong or missing: {wrong!r}"
    )


# ── The uwsgi path, with real nginx: the packet nginx sends ─────────────────────────────────


def through_capture(capture_nginx, capture, method, path, body=None, headers=None):
    capture.clear()
    reply = kata_http.request(capture_nginx.site.listen_port, method, path, body, headers)
    return reply, capture.take(timeout=1.0 if reply.status else 0.2)


@pytest.mark.task(3)
def test_app_location_speaks_uwsgi_to_the_uwsgi_address(capture_nginx, capture):
    reply, record = through_capture(capture_nginx, capture, "GET", "/app/hello?x=1")
    if record is None:
        pytest.fail(
            with_log(
                capture_nginx,
                f"A request to /app/hello never reached {{{{UWSGI_ADDRESS}}}} (task 3, rule 2): "
                f"`location /app/` must `uwsgi_pass {{{{UWSGI_ADDRESS}}}};`.\n  {reply.describe()}",
            ),
            pytrace=False,
        )
    if record.raw[:1].isalpha():
        first_line = record.raw.split(b"\r\n", 1)[0].decode("latin-1")
        pytest.fail(
            f"nginx sent HTTP ({first_line!r}) to the uwsgi server: that is proxy_pass. The uwsgi "
            f"server needs the uwsgi protocol: `uwsgi_pass {{{{UWSGI_ADDRESS}}}};` (task 3, rule 2).",
            pytrace=False,
        )
    assert record.packet is not None and record.packet[0] == 0, (
        f"nginx's packet is not a WSGI request (modifier1 0) (task 3, rule 2): "
        f"{record.error}; got {record.raw[:80]!r}"
    )
    assert reply.status == 200 and reply.body == b"captured", with_log(
        capture_nginx,
        f"The uwsgi server's answer must come back through nginx (task 3, rule 6).\n  {reply.describe()}",
    )


@pytest.mark.task(3)
def test_app_packet_carries_the_uwsgi_params_and_the_headers(capture_nginx, capture):
    body = b'{"title": "Dune"}'
    reply, record = through_capture(
        capture_nginx, capture, "POST", "/app/books/7?sort=title&q=caf%C3%A9", body,
        {"Host": "shop.example", "Content-Type": "application/json", "X-Kata-Trace": "t-42"},
    )  # fmt: skip
    assert record is not None and record.packet is not None, with_log(
        capture_nginx,
        f"No uwsgi packet reached {{{{UWSGI_ADDRESS}}}} (task 3, rule 2).\n  {reply.describe()}",
    )
    _, vars, sent_body, _ = record.packet
    expected = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/app/books/7",
        "QUERY_STRING": "sort=title&q=caf%C3%A9",
        "REQUEST_URI": "/app/books/7?sort=title&q=caf%C3%A9",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "shop.example",
        "HTTP_X_KATA_TRACE": "t-42",
    }
    wrong = {
        key: vars.get(key, "<missing>") for key, value in expected.items() if vars.get(key) != value
    }
    hint = (
        " Did you `include uwsgi_params;` in `location /app/`?" if "REQUEST_METHOD" in wrong else ""
    )
    assert not wrong, (
        f"The packet nginx sends for POST /app/books/7?sort=title&q=caf%C3%A9 lacks vars or has "
        f"wrong ones (task 3, rule 3).{hint} Wrong or missing: {wrong!r}\n  nginx sent: {sorted(vars)}"
    )
    assert sent_body == body, (
        f"The request body follows the vars (task 3, rule 3): expected {body!r}, got {sent_body!r}"
    )


# ── The HTTP path, with real nginx: the request the legacy backend gets ────────────────────


def through_legacy(capture_nginx, legacy_backend, method, path, body=None, headers=None):
    request_id = kata_http.new_id()
    reply = kata_http.request(
        capture_nginx.site.listen_port,
        method,
        path,
        body,
        {"X-Kata-Id": request_id, **(headers or {})},
    )
    seen = legacy_backend.find(request_id)
    if seen is None:
        pytest.fail(
            with_log(
                capture_nginx,
                f"{method} {path} never reached the legacy backend at {{{{HTTP_BACKEND}}}} "
                f"(task 3, rule 4): `location /legacy/` must `proxy_pass http://{{{{HTTP_BACKEND}}}}/;`."
                f"\n  {reply.describe()}",
            ),
            pytrace=False,
        )
    return reply, seen


def header_of(seen: dict, name: str) -> str | None:
    values = [value for key, value in seen["headers"] if key.lower() == name.lower()]
    return ", ".join(values) if values else None


@pytest.mark.task(3)
def test_legacy_request_reaches_the_backend_without_the_prefix(capture_nginx, legacy_backend):
    body = b"title=Dune&stars=5"
    reply, seen = through_legacy(
        capture_nginx, legacy_backend, "POST", "/legacy/books/7?sort=title&page=2", body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    got = (seen["method"], seen["path"], seen["body"].encode("latin-1"))
    expected = ("POST", "/books/7?sort=title&page=2", body)
    assert got == expected, (
        "POST /legacy/books/7?sort=title&page=2 must reach the backend as POST "
        "/books/7?sort=title&page=2 with the same body (task 3, rule 4): the backend does not "
        "know it lives under /legacy/. The '/' after the address in "
        f"`proxy_pass http://{{{{HTTP_BACKEND}}}}/;` replaces the matched `/legacy/`.\n"
        f"  expected (method, path, body) {expected!r}\n  got      {got!r}"
    )
    assert reply.status == 200 and reply.header("X-Backend") == "legacy", (
        f"The backend's answer (200, X-Backend: legacy) must come back through nginx "
        f"(task 3, rule 6).\n  {reply.describe()}"
    )
    _, seen = through_legacy(capture_nginx, legacy_backend, "GET", "/legacy/?q=1")
    assert seen["path"] == "/?q=1", (
        f"GET /legacy/?q=1 must reach the backend as /?q=1 (task 3, rule 4); it got {seen['path']!r}"
    )


@pytest.mark.task(3)
def test_legacy_request_carries_host_and_the_forwarded_headers(capture_nginx, legacy_backend):
    _, seen = through_legacy(
        capture_nginx, legacy_backend, "GET", "/legacy/whoami", headers={"Host": "shop.example"}
    )
    expected = {
        "Host": "shop.example",
        "X-Real-IP": "127.0.0.1",
        "X-Forwarded-For": "127.0.0.1",
        "X-Forwarded-Proto": "http",
    }
    got = {name: header_of(seen, name) for name in expected}
    assert got == expected, (
        "The backend only sees nginx's connection. Tell it about the client with "
        "proxy_set_header (task 3, rule 5): Host $host or Host $http_host (else nginx sends "
        "Host: <the backend's address>), X-Real-IP $remote_addr, X-Forwarded-For "
        "$proxy_add_x_forwarded_for, X-Forwarded-Proto $scheme.\n"
        f"  expected {expected!r}\n  got      {got!r}"
    )


@pytest.mark.task(3)
def test_forwarded_for_appends_the_client_to_the_incoming_chain(capture_nginx, legacy_backend):
    _, seen = through_legacy(
        capture_nginx, legacy_backend, "GET", "/legacy/whoami",
        headers={"X-Forwarded-For": "203.0.113.9"},
    )  # fmt: skip
    got = header_of(seen, "X-Forwarded-For")
    assert got == "203.0.113.9, 127.0.0.1", (
        "A client that already sends X-Forwarded-For: 203.0.113.9 (it came through another "
        "proxy) must reach the backend as '203.0.113.9, 127.0.0.1': the chain, with this "
        "client appended. That is $proxy_add_x_forwarded_for; $remote_addr drops the chain "
        f"(task 3, rule 5). Got {got!r}"
    )


# ── The whole stack: nginx in front of the learner's own uwsgi server ───────────────────────


@pytest.mark.task(3)
def test_whole_stack_answers_through_nginx_and_your_uwsgi_server(stack_nginx, learner_server):
    request_id = kata_http.new_id()
    body = "title=Dune&note=★".encode()
    reply = kata_http.request(
        stack_nginx.site.listen_port, "POST", "/app/books/echo?q=caf%C3%A9", body,
        {"Host": "shop.example", "Content-Type": "application/x-www-form-urlencoded", "X-Kata-Id": request_id},
    )  # fmt: skip
    record = learner_server.app.record_for(request_id)
    hint = " If task 2's tests fail too, fix your server first: this test runs it behind nginx."
    assert record is not None, with_log(
        stack_nginx,
        f"Through nginx, POST /app/books/echo never reached the WSGI app behind your uwsgi "
        f"server (task 3, rule 6).{hint}\n  {reply.describe()}",
    )
    environ = record["environ"]
    got = {
        key: environ.get(key)
        for key in ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "HTTP_HOST", "SERVER_PROTOCOL")
    }
    expected = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/app/books/echo",
        "QUERY_STRING": "q=caf%C3%A9",
        "HTTP_HOST": "shop.example",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    assert got == expected and record.get("body") == body, (
        f"What the app saw through nginx and your server (task 3, rule 6).{hint}\n"
        f"  expected {expected!r} and body {body!r}\n  got      {got!r} and body {record.get('body')!r}"
    )
    assert reply.status == 200 and reply.header("X-Kata") == "echo" and reply.body == b"ok", (
        with_log(
            stack_nginx,
            f"The app's answer (200, X-Kata: echo, body b'ok') must come back to the client through "
            f"your server and nginx (task 3, rule 6).{hint}\n  {reply.describe()}",
        )
    )
    reply = kata_http.request(
        stack_nginx.site.listen_port,
        "GET",
        "/app/status",
        headers={"X-Kata-Id": kata_http.new_id()},
    )
    assert (reply.status, reply.header_values("Set-Cookie"), reply.body) == (
        201,
        ["a=1", "b=2"],
        b"first,second",
    ), with_log(
        stack_nginx,
        f"GET /app/status through nginx: expected 201, two Set-Cookie headers and b'first,second' "
        f"(task 3, rule 6).{hint}\n  {reply.describe()}",
    )


@pytest.mark.task(3)
def test_a_url_with_bytes_that_are_not_utf8_reaches_the_app_through_nginx(
    stack_nginx, learner_server
):
    request_id = kata_http.new_id()
    reply = kata_http.request(
        stack_nginx.site.listen_port, "GET", "/app/bad%FF/echo", headers={"X-Kata-Id": request_id}
    )
    record = learner_server.app.record_for(request_id)
    assert record is not None and reply.status == 200 and reply.body == b"ok", with_log(
        stack_nginx,
        "Through nginx, GET /app/bad%FF/echo must reach the app and answer 200 b'ok' (task 3, "
        "rule 6; task 2, rule 3). nginx decodes %FF: PATH_INFO is b'/app/bad\\xff/echo', a "
        "byte that is not UTF-8. A server that builds the environ with decode_vars() refuses "
        "it and closes the connection: nginx answers 502 Bad Gateway. Decode each var's raw "
        f"bytes as latin-1.\n  {reply.describe()}",
    )
    got = record["environ"].get("PATH_INFO")
    assert got == "/app/bad\xff/echo", (
        "PATH_INFO is the path's raw bytes decoded as latin-1 (task 2, rule 3): expected "
        f"'/app/bad\\xff/echo', got {got!r}"
    )
