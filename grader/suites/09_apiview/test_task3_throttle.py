"""Task 3: BookWriteThrottle — three writes a minute per user, then 429 with Retry-After.

Time is frozen: the suite replaces SimpleRateThrottle.timer (conftest's `clock`) and moves it
forward; nothing sleeps. Every test starts with an empty cache.
"""

import pytest
from kata_api import KEY_OF_ALICE, api_key, book, books, expect_status, send

pytestmark = pytest.mark.task(3)

RATE = 3


def write(client, payload, n, rule, **extra):
    return send(client, "POST", books(), payload(n), rule=rule, **extra)


def expect_throttled(exchange, rule):
    expect_status(exchange, 429, f"{rule}: over the rate, 429 Too Many Requests")
    retry_after = exchange.header("Retry-After")
    assert retry_after is not None and retry_after.isdigit() and 0 < int(retry_after) <= 60, (
        f"A 429 carries `Retry-After: <seconds>`, a whole number of seconds (at most the "
        f"60-second window) until a write is allowed again — SimpleRateThrottle.wait() gives "
        f"it (task 3, rule 5); it was {retry_after!r}.{exchange.describe()}"
    )
    return int(retry_after)


def test_fourth_write_within_a_minute_is_429_with_retry_after(client_of, alice, payload, clock):
    client = client_of(alice)
    for n in range(1, RATE + 1):
        exchange = write(client, payload, n, "task 3, rule 5")
        expect_status(exchange, 201, f"Write {n} of {RATE} in a minute is allowed (task 3, rule 5)")
        clock.advance(5)
    exchange = write(client, payload, RATE + 1, "task 3, rule 5")
    expect_throttled(exchange, f"task 3, rule 5: write {RATE + 1} within a minute")
    body = exchange.body
    assert isinstance(body, dict) and str(body.get("detail", "")).startswith(
        "Request was throttled."
    ), f"The 429 body is DRF's {{'detail': 'Request was throttled. …'}}; it was {body!r}."


def test_rate_comes_from_the_settings(client_of, alice, payload, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "book-writes", "2/min")
    client = client_of(alice)
    for n in (1, 2):
        expect_status(
            write(client, payload, n, "task 3, rule 1"),
            201,
            f"With the setting at 2/min, write {n} is allowed (task 3, rule 1)",
        )
    expect_throttled(
        write(client, payload, 3, "task 3, rule 1"),
        "task 3, rule 1: the rate is the setting DEFAULT_THROTTLE_RATES['book-writes'] (here "
        "changed to 2/min), read through scope = 'book-writes' — not written in the class",
    )


def test_every_write_method_on_both_views_counts(client_of, alice, make_book, payload):
    owned = make_book(alice, "Tower of Babylon")
    other = make_book(alice, "Understand")
    client = client_of(alice)
    writes = [
        ("POST", books(), payload(1)),
        ("PATCH", book(owned.pk), {"title": "Tower"}),
        ("PUT", book(owned.pk), payload(2, "Babylon")),
    ]
    for method, path, data in writes:
        expect_status(
            send(client, method, path, data, rule="task 3, rule 2"),
            (200, 201),
            f"{method} is one of the first {RATE} writes of the minute (task 3, rules 2-3)",
        )
    exchange = send(client, "DELETE", book(other.pk), rule="task 3, rule 2")
    expect_throttled(
        exchange,
        "task 3, rules 2-3: POST on the list and PUT, PATCH, DELETE on a book share one "
        "budget: both views have throttle_classes = [BookWriteThrottle]; this DELETE is the "
        "fourth write",
    )


def test_reads_are_never_throttled_and_use_no_budget(client_of, alice, make_book, payload):
    owned = make_book(alice, "Exhalation")
    client = client_of(alice)
    for path in (books(), book(owned.pk)):
        expect_status(
            send(client, "GET", path, rule="task 3, rule 3"),
            200,
            "Reads are never throttled (task 3, rule 3)",
        )
    for n in range(1, RATE + 1):
        expect_status(
            write(client, payload, n, "task 3, rule 3"),
            201,
            f"After two reads, write {n} of {RATE} is still allowed: reads use none of the "
            f"budget (task 3, rule 3)",
        )
    for path in (books(), book(owned.pk)):
        expect_status(
            send(client, "GET", path, rule="task 3, rule 3"),
            200,
            "After the writes used up the budget, reads are still allowed (task 3, rule 3)",
        )


def test_each_user_has_their_own_budget(client_of, alice, bob, payload):
    as_alice, as_bob = client_of(alice), client_of(bob)
    for n in range(1, RATE + 1):
        expect_status(
            write(as_alice, payload, n, "task 3, rule 4"),
            201,
            f"alice's write {n} of {RATE} in a minute is allowed (task 3, rule 4)",
        )
    expect_throttled(write(as_alice, payload, 10, "task 3, rule 4"), "task 3, rule 4: alice")
    expect_status(
        write(as_bob, payload, 11, "task 3, rule 4"),
        201,
        "bob has his own budget: alice's writes do not use it. Key the bucket on the user "
        "(request.user.pk), not on the client's address (task 3, rule 4)",
    )


def test_api_key_and_session_of_one_user_share_a_budget(api, alice, alice_key, payload):
    from rest_framework.test import APIClient

    session = APIClient()
    session.force_login(alice)
    expect_status(
        write(api, payload, 1, "task 3, rule 4", headers=api_key(KEY_OF_ALICE)),
        201,
        "alice writes with her API key (task 3, rule 4; needs task 1)",
    )
    for n in (2, 3):
        expect_status(
            write(session, payload, n, "task 3, rule 4"),
            201,
            "alice writes through her session (task 3, rule 4)",
        )
    expect_throttled(
        write(api, payload, 4, "task 3, rule 4", headers=api_key(KEY_OF_ALICE)),
        "task 3, rule 4: alice's API key and her session are one user, with one budget — "
        "key the bucket on request.user.pk, not on the credential",
    )


def test_writes_are_allowed_again_after_retry_after_seconds(client_of, alice, payload, clock):
    client = client_of(alice)
    for n in range(1, RATE + 1):
        expect_status(
            write(client, payload, n, "task 3, rule 6"),
            201,
            f"Write {n} of {RATE} in a minute is allowed (task 3, rule 6)",
        )
        clock.advance(10)
    wait = expect_throttled(write(client, payload, 10, "task 3, rule 6"), "task 3, rule 6")
    clock.advance(wait)
    expect_status(
        write(client, payload, 11, "task 3, rule 6"),
        201,
        f"Retry-After said {wait} seconds; that much later, a write is allowed again "
        f"(task 3, rules 5 and 6). Take the time from self.timer(), as SimpleRateThrottle "
        f"does (task 3, rule 1)",
    )
    clock.advance(61)
    for n in (12, 13):
        expect_status(
            write(client, payload, n, "task 3, rule 6"),
            201,
            "A minute after the last writes, none of them counts any more (task 3, rule 6)",
        )
