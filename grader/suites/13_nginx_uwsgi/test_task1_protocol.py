"""Task 1: the uwsgi packet — encode and decode, byte for byte, and against real peers."""

from __future__ import annotations

import json
import random
import struct

import kata_packets
import kata_uwsgi
import pytest

# The README's example, byte for byte.
README_VARS = {"REQUEST_METHOD": "GET", "PATH_INFO": "/café"}
README_PACKET = (
    b"\x00\x28\x00\x00"  # modifier1 0, size 40 (0x0028, little-endian), modifier2 0
    b"\x0e\x00REQUEST_METHOD\x03\x00GET"
    b"\x09\x00PATH_INFO\x06\x00/caf\xc3\xa9"  # "/café": 5 characters, 6 bytes
    b"hi"  # the body
)


def show(data: bytes, limit: int = 120) -> str:
    return repr(data[:limit]) + (f" … ({len(data)} bytes)" if len(data) > limit else "")


def difference(expected: bytes, got: bytes) -> str:
    """Where two long byte strings part: their lengths, then a few bytes of each from there."""
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
        min(len(expected), len(got)),
    )
    start = max(at - 4, 0)
    return (
        f"  expected {len(expected)} bytes, got {len(got)}; they differ from byte {at}:\n"
        f"  expected …{expected[start : at + 12]!r}\n  got      …{got[start : at + 12]!r}"
    )


def encoded(protocol, *args, **kwargs) -> bytes:
    data = protocol.encode(*args, **kwargs)
    assert isinstance(data, bytes), (
        f"encode() must return bytes (task 1, rule 1), got {type(data).__name__}"
    )
    return data


def decoded(protocol, data: bytes):
    packet = protocol.decode(data)
    for name in ("vars", "body", "modifier1", "modifier2"):
        assert hasattr(packet, name), (
            f"decode() must return a Packet with .vars, .body, .modifier1 and .modifier2 "
            f"(task 1, rule 3); {type(packet).__name__} has no .{name}"
        )
    assert isinstance(packet.vars, dict), (
        f"Packet.vars must be a dict (task 1, rule 3), got {type(packet.vars).__name__}"
    )
    assert isinstance(packet.body, bytes), (
        f"Packet.body must be bytes (task 1, rule 3), got {type(packet.body).__name__}"
    )
    return packet


# ── Encoding ───────────────────────────────────────────────────────────────────────────────


@pytest.mark.task(1)
def test_encode_writes_the_readme_example_byte_for_byte(protocol):
    data = encoded(protocol, README_VARS, b"hi")
    assert data == README_PACKET, (
        "encode({'REQUEST_METHOD': 'GET', 'PATH_INFO': '/café'}, b'hi') must give the README's "
        "bytes (task 1, rules 1 and 2): the header (modifier1, the block's size as 16-bit "
        "little-endian, modifier2), each key and value after its own 16-bit little-endian size, "
        f"then the body.\n  expected {show(README_PACKET)}\n  got      {show(data)}"
    )
    block = protocol.encode_vars(README_VARS)
    assert block == README_PACKET[4:-2], (
        f"encode_vars() returns the vars block alone, without header or body (task 1, rule 2)."
        f"\n  expected {show(README_PACKET[4:-2])}\n  got      {show(block)}"
    )


@pytest.mark.task(1)
def test_sizes_are_little_endian_16_bit_numbers(protocol):
    # A 300-byte block: 0x012C. Little-endian puts 0x2C first; big-endian would put 0x01 first.
    vars = {"X": "a" * 295}
    data = encoded(protocol, vars, modifier1=7, modifier2=9)
    expected = b"\x07\x2c\x01\x09" + b"\x01\x00X" + b"\x27\x01" + b"a" * 295
    assert data == expected, (
        "Sizes are unsigned 16-bit little-endian: the low byte first (struct format '<H') "
        "(task 1, rules 1 and 2). A 300-byte block is b'\\x2c\\x01', a 295-byte value "
        f"b'\\x27\\x01'; modifier1 and modifier2 sit around the size.\n  expected "
        f"{show(expected, 12)}\n  got      {show(data, 12)}"
    )


@pytest.mark.task(1)
def test_sizes_are_counted_in_bytes_not_characters(protocol):
    vars = {"PATH_INFO": "/東京/café", "HTTP_X_EMOJI": "🐍", "EMPTY": ""}
    data = encoded(protocol, vars)
    expected = kata_uwsgi.encode(vars)
    assert data == expected, (
        "Sizes count UTF-8 bytes, not characters: '/東京/café' is 9 characters but 14 bytes, "
        "'🐍' 1 character but 4 bytes (task 1, rule 2). Encode first, then measure: "
        f"len(value.encode('utf-8')).\n  expected {show(expected, 200)}\n  got      {show(data, 200)}"
    )


# ── Decoding ───────────────────────────────────────────────────────────────────────────────


@pytest.mark.task(1)
def test_decode_reads_the_readme_example(protocol):
    packet = decoded(protocol, README_PACKET)
    got = (packet.vars, packet.body, packet.modifier1, packet.modifier2)
    assert got == (README_VARS, b"hi", 0, 0), (
        f"decode(README packet) must give vars {README_VARS!r}, body b'hi', modifiers 0 and 0 "
        f"(task 1, rule 3); got {got!r}"
    )
    assert list(packet.vars) == list(README_VARS), (
        f"decode() keeps the vars in the packet's order (task 1, rule 5): got {list(packet.vars)}"
    )
    again = protocol.encode(*packet)
    if protocol.encode(README_VARS, b"hi") != README_PACKET:
        hint = (
            "decode() is right, but encode() does not give the README's bytes: see "
            "test_encode_writes_the_readme_example_byte_for_byte (task 1, rules 1 and 2)."
        )
    else:
        hint = (
            "encode() alone is right, so decode()'s result is in the wrong order: Packet's "
            "fields are (vars, body, modifier1, modifier2), the order of encode()'s arguments."
        )
    assert again == README_PACKET, (
        f"encode(*decode(data)) must give data back (task 1, rule 3). {hint}\n  expected "
        f"{show(README_PACKET)}\n  got      {show(again)}"
    )


@pytest.mark.task(1)
def test_decode_header_reads_the_first_four_bytes(protocol):
    header = protocol.decode_header(b"\x05\x2c\x01\x06and more bytes")
    assert tuple(header) == (5, 300, 6), (
        "decode_header(data) returns (modifier1, size, modifier2) from the first 4 bytes "
        f"(task 1, rule 4): b'\\x05\\x2c\\x01\\x06…' is (5, 300, 6), got {header!r}"
    )
    assert all(isinstance(part, int) for part in header), (
        f"decode_header() returns ints (task 1, rule 4), got {header!r}"
    )


@pytest.mark.task(1)
def test_a_repeated_key_keeps_its_last_value(protocol):
    block = kata_uwsgi.encode([("HTTP_COOKIE", "a=1"), ("PATH_INFO", "/"), ("HTTP_COOKIE", "b=2")])[
        4:
    ]
    vars = protocol.decode_vars(block)
    assert vars == {"HTTP_COOKIE": "b=2", "PATH_INFO": "/"}, (
        "decode_vars(): a key that appears twice keeps its last value, as uWSGI does "
        f"(task 1, rule 5); got {vars!r}"
    )


# 1- to 4-byte UTF-8 characters, NUL and controls included.
CHARACTERS = "aZ09_-/=&%+ .\x00\x7f\xe9\xff\u0100\u20ac\u6771\u4eac\U0001f40d"


def generated_packets(count: int = 150):
    """(vars, body, modifier1, modifier2), from a fixed seed: the same cases on every run."""
    rng = random.Random(13)

    def text(low: int, high: int) -> str:
        return "".join(rng.choice(CHARACTERS) for _ in range(rng.randint(low, high)))

    for _ in range(count):
        vars = {text(1, 12): text(0, 40) for _ in range(rng.randint(0, 8))}
        body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
        yield vars, body, rng.randrange(256), rng.randrange(256)


@pytest.mark.task(1)
def test_round_trips_keep_vars_body_and_modifiers(protocol):
    for vars, body, modifier1, modifier2 in generated_packets():
        data = protocol.encode(vars, body, modifier1, modifier2)
        expected = kata_uwsgi.encode(vars, body, modifier1, modifier2)
        assert data == expected, (
            f"encode({vars!r}, {body!r}, {modifier1}, {modifier2}) gave the wrong bytes "
            f"(task 1, rules 1 and 2).\n  expected {show(expected, 200)}\n  got      {show(data, 200)}"
        )
        packet = decoded(protocol, data)
        got = (packet.vars, packet.body, packet.modifier1, packet.modifier2)
        assert got == (vars, body, modifier1, modifier2) and list(packet.vars) == list(vars), (
            f"decode(encode(...)) must give everything back, in order (task 1, rule 3): "
            f"sent {(vars, body, modifier1, modifier2)!r}, got {got!r}"
        )


BIG_HINT = (
    "Sizes count UTF-8 bytes ('é' is 2), and they are unsigned 16-bit numbers, 0 to 65535: "
    "struct format '<H' (a capital H; '<h' is signed and stops at 32767). The limit is 65535, "
    "not 65535 minus the header."
)


def kind(error: Exception) -> str:
    return "struct.error" if isinstance(error, struct.error) else type(error).__name__


@pytest.mark.task(1)
def test_a_block_of_almost_65535_bytes_round_trips(protocol):
    vars = {f"HTTP_X_{n}": "é" * 4000 for n in range(8)}  # 8 vars of 8000 bytes: 64096 in all
    expected = kata_uwsgi.encode(vars, b"body")
    what = "encode() of a 64096-byte vars block (8 vars, each value 8000 bytes)"
    try:
        data = encoded(protocol, vars, b"body")
    except (ValueError, struct.error) as error:
        pytest.fail(
            f"{what} raised {kind(error)}: {error}. The block is just under the "
            f"65535-byte limit: it must encode like a small one (task 1, rules 2 and 7). "
            f"{BIG_HINT}",
            pytrace=False,
        )
    assert data == expected, (
        f"{what} gave the wrong bytes (task 1, rules 2 and 7): the header's size is 64096 "
        f"(b'\\x60\\xfa'), each value's 8000 (b'\\x40\\x1f'). {BIG_HINT}\n"
        f"{difference(expected, data)}"
    )
    try:
        packet = decoded(protocol, expected)
    except (ValueError, struct.error) as error:
        pytest.fail(
            f"decode() of a well-formed packet with a 64096-byte vars block raised "
            f"{kind(error)}: {error} (task 1, rule 3). {BIG_HINT}",
            pytrace=False,
        )
    wrong = sorted(key for key in vars if packet.vars.get(key) != vars[key])
    assert not wrong and len(packet.vars) == len(vars) and packet.body == b"body", (
        f"decode() of a 64096-byte vars block must give every var back, then the body (task 1, "
        f"rule 3). Expected the 8 vars HTTP_X_0 … HTTP_X_7, each 'é' * 4000, and body b'body'; "
        f"got {len(packet.vars)} vars {sorted(packet.vars)[:10]} ({len(wrong)} of them wrong "
        f"or missing: {wrong}) and body {show(packet.body)}. {BIG_HINT}"
    )


# ── Malformed input: ValueError, never silently cut ─────────────────────────────────────────


def refuses(call, what: str, rule: str) -> ValueError:
    try:
        result = call()
    except ValueError as error:
        return error
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - any other exception is the mistake to report
        pytest.fail(
            f"{what}: expected ValueError ({rule}), got {type(error).__name__}: {error}",
            pytrace=False,
        )
    pytest.fail(
        f"{what}: expected ValueError ({rule}), but it returned {result!r:.200}", pytrace=False
    )


@pytest.mark.task(1)
def test_truncated_header_is_refused(protocol):
    for data in (b"", b"\x00", b"\x00\x05\x00"):
        refuses(
            lambda d=data: protocol.decode(d),
            f"decode({data!r})",
            "task 1, rule 6: a header has 4 bytes",
        )
        refuses(
            lambda d=data: protocol.decode_header(d), f"decode_header({data!r})", "task 1, rule 6"
        )


@pytest.mark.task(1)
def test_truncated_vars_block_is_refused(protocol):
    whole = kata_uwsgi.encode({"REQUEST_METHOD": "GET", "PATH_INFO": "/x"})
    # 4: the header alone; 25: right after the first var; then inside a var.
    for cut in (4, 25, 5, len(whole) - 1):
        refuses(
            lambda c=cut: protocol.decode(whole[:c]),
            f"decode() of a packet whose header announces {len(whole) - 4} bytes of vars but "
            f"only {cut - 4} follow",
            "task 1, rule 6: a size mismatch is an error, never a shorter block",
        )


@pytest.mark.task(1)
def test_var_running_past_the_block_is_refused(protocol):
    cases = {
        "a value size larger than what is left": b"\x01\x00K\x09\x00abc",
        "a key size larger than what is left": b"\x20\x00KEY",
        "one lone byte where a key size should be": b"\x01\x00K\x01\x00v\x05",
        "a key with no value size after it": b"\x01\x00K",
    }
    for what, block in cases.items():
        refuses(
            lambda b=block: protocol.decode_vars(b),
            f"decode_vars() of a block with {what} ({block!r})",
            "task 1, rule 6",
        )
        packet = kata_uwsgi.HEADER.pack(0, len(block), 0) + block
        refuses(
            lambda p=packet: protocol.decode(p),
            f"decode() of a packet with {what}",
            "task 1, rule 6",
        )


@pytest.mark.task(1)
def test_invalid_utf8_is_refused(protocol):
    block = b"\x04\x00PATH\x02\x00\xff\xfe"
    refuses(
        lambda: protocol.decode_vars(block),
        "decode_vars() of a value that is not UTF-8 (b'\\xff\\xfe')",
        "task 1, rule 6",
    )


@pytest.mark.task(1)
def test_non_bytes_input_is_refused_with_value_error(protocol):
    for value in ("\x00\x00\x00\x00", None, 1234, ["not", "bytes"]):
        for name in ("decode", "decode_header", "decode_vars"):
            refuses(
                lambda v=value, n=name: getattr(protocol, n)(v),
                f"{name}({value!r})",
                "task 1, rule 6: one exception type for every bad input, ValueError, not TypeError",
            )
    packet = decoded(protocol, bytearray(README_PACKET))
    assert packet.vars == README_VARS and packet.body == b"hi", (
        "decode() accepts any bytes-like object: bytes, bytearray, memoryview (task 1, rule 6)"
    )


@pytest.mark.task(1)
def test_var_longer_than_65535_bytes_is_refused(protocol):
    for vars in ({"HTTP_X_HUGE": "x" * 65536}, {"HTTP_X_WIDE": "é" * 40000}):  # 65536, 80000 bytes
        error = refuses(
            lambda v=vars: protocol.encode(v),
            f"encode() of a var whose value has {len(next(iter(vars.values())).encode())} bytes",
            "task 1, rule 7: a size holds at most 65535; never cut the value",
        )
        key = next(iter(vars))
        assert key in str(error), (
            f"The ValueError must name the var that is too long (task 1, rule 7): "
            f"{key!r} is not in {str(error)!r}"
        )
    refuses(
        lambda: protocol.encode({"K" * 65536: "v"}),
        "encode() of a 65536-byte key",
        "task 1, rule 7",
    )


@pytest.mark.task(1)
def test_vars_block_over_65535_bytes_is_refused(protocol):
    vars = {f"HTTP_X_{n}": "v" * 20000 for n in range(4)}  # each var fits; the block does not
    for name in ("encode", "encode_vars"):
        error = refuses(
            lambda n=name: getattr(protocol, n)(vars),
            f"{name}() of four 20000-byte vars (an 80 KB block)",
            "task 1, rule 7: the block's size is 16 bits too; never wrap it around",
        )
        assert "65535" in str(error), (
            f"The ValueError must say the limit, 65535 (task 1, rule 7): got {str(error)!r}"
        )
    refuses(
        lambda: protocol.decode_vars(b"\x01\x00K\x01\x00v" * 11000),
        "decode_vars() of a 77000-byte block",
        "task 1, rule 7",
    )


@pytest.mark.task(1)
def test_vars_that_are_not_a_mapping_are_refused(protocol):
    cases = [
        ("encode", "a list of pairs", [("PATH_INFO", "/")]),
        ("encode", "None", None),
        ("encode_vars", "a str", "PATH_INFO=/"),
        ("encode_vars", "a list of pairs", [("PATH_INFO", "/")]),
    ]
    for name, what, vars in cases:
        refuses(
            lambda n=name, v=vars: getattr(protocol, n)(v),
            f"{name}() of vars that is {what} ({vars!r})",
            "task 1, rule 7: vars is a dict (a mapping of str to str); anything else is a "
            "ValueError, not the AttributeError of a missing .items()",
        )


@pytest.mark.task(1)
def test_bad_modifiers_keys_values_and_bodies_are_refused(protocol):
    cases = [
        ("modifier1=256", lambda: protocol.encode({}, b"", 256, 0)),
        ("modifier1=-1", lambda: protocol.encode({}, b"", -1, 0)),
        ("modifier2=300", lambda: protocol.encode({}, b"", 0, 300)),
        ("modifier1='0'", lambda: protocol.encode({}, b"", "0", 0)),
        ("a value that is an int", lambda: protocol.encode({"CONTENT_LENGTH": 5})),
        ("a value that is bytes", lambda: protocol.encode({"PATH_INFO": b"/x"})),
        ("a key that is not a str", lambda: protocol.encode({1: "x"})),
        ("a body that is a str", lambda: protocol.encode({}, "body")),
    ]
    for what, call in cases:
        refuses(call, f"encode() with {what}", "task 1, rule 7")


# ── Real peers: uWSGI reads your packets, you read nginx's and uWSGI's ──────────────────────


@pytest.mark.task(1)
def test_real_uwsgi_sees_the_vars_you_encode(protocol, uwsgi_peer):
    vars = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/app/東京/café",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": "5",
        "HTTP_X_EMPTY": "",
        "HTTP_X_EMOJI": "🐍 snake",
        "HTTP_X_LARGE": "x" * 300,
    }
    big = {**vars, **{f"HTTP_X_FILL_{n}": "y" * 9000 for n in range(6)}}  # a 55 KB block
    for sent in (vars, big):
        data = encoded(protocol, sent, b"hello")
        exchange = kata_uwsgi.exchange(("127.0.0.1", uwsgi_peer.echo_port), data)
        where = f"{len(data) - 9} bytes of vars" if sent is big else "a small packet"
        assert exchange.status_line.endswith("200 OK") and exchange.ending == "closed", (
            f"Real uWSGI did not accept your packet ({where}; task 1, rule 8). Check the sizes: "
            f"16-bit little-endian, counted in bytes.\n  {exchange.describe()}"
        )
        seen = json.loads(exchange.body)
        for key, value in sent.items():
            got = seen["environ"].get(key)
            # uWSGI gives the app each var's bytes as a latin-1 str (PEP 3333).
            assert got is not None and got.encode("latin-1") == value.encode("utf-8"), (
                f"Real uWSGI read your packet differently (task 1, rule 8): var {key!r} sent as "
                f"{value[:60]!r}, uWSGI's app saw {None if got is None else got.encode('latin-1').decode('utf-8', 'replace')[:60]!r}"
            )
        assert seen["body"] == "hello", (
            f"Real uWSGI read the body {seen['body']!r}, expected 'hello' (task 1, rule 1)"
        )


@pytest.mark.task(1)
def test_decode_reads_what_uwsgi_http_router_sends(protocol, uwsgi_peer, capture):
    import kata_http

    capture.clear()
    reply = kata_http.request(
        uwsgi_peer.router_port,
        "PUT",
        "/shelf/caf%C3%A9?tag=%E6%9D%B1&x=1",
        body="naïve body ★".encode(),
        headers={
            "Host": "router.example",
            "Content-Type": "text/plain; charset=utf-8",
            "X-Kata-Trace": "r1",
        },
    )
    record = capture.take()
    assert record is not None and record.packet is not None, (
        f"The grader's capture server got no packet from uWSGI's HTTP router: {reply.describe()}"
        + (f"\n  captured: {record.error}" if record else "")
    )
    _, expected_vars, expected_body, _ = record.packet
    packet = decoded(protocol, record.raw)
    assert (packet.vars, packet.body, packet.modifier1) == (expected_vars, expected_body, 0), (
        f"decode() of the packet uWSGI's HTTP router sent (task 1, rule 8):\n  packet   "
        f"{show(record.raw, 160)}\n  expected vars {expected_vars!r}\n  got vars      "
        f"{packet.vars!r}\n  expected body {expected_body!r}, got {packet.body!r}"
    )


@pytest.mark.task(1)
def test_decode_reads_a_packet_nginx_sent(protocol):
    packet = decoded(protocol, kata_packets.NGINX_PACKET)
    assert packet.vars == kata_packets.NGINX_VARS, (
        f"decode() of a packet recorded from nginx's uwsgi_pass (task 1, rule 8):\n  expected "
        f"{kata_packets.NGINX_VARS!r}\n  got      {packet.vars!r}"
    )
    assert (packet.body, packet.modifier1, packet.modifier2) == (kata_packets.NGINX_BODY, 0, 0), (
        f"decode() of nginx's packet: the body is what follows the vars block (task 1, rule 3): "
        f"expected {kata_packets.NGINX_BODY!r}, got {packet.body!r}"
    )
    assert list(packet.vars) == list(kata_packets.NGINX_VARS), (
        "the vars keep nginx's order (task 1, rule 5)"
    )
