"""Task 1: ApiKeyAuthentication — `Authorization: Api-Key <key>`, 401 (never 403) when it fails.

Graded through the suite's probe view (kata_probe): "class" uses the learner's class followed
by SessionAuthentication; "BookList" / "BookDetail" use what the learner's views set up.
"""

import pytest
from kata_api import KEY_OF_ALICE, api_key, book, books, expect_status, probe, send

pytestmark = pytest.mark.task(1)

ANONYMOUS = {"user": None, "auth": None}


def expect_user(exchange, username, rule):
    body = expect_status(exchange, 200, f"A read is open to anyone ({rule})")
    got = body.get("user") if isinstance(body, dict) else body
    assert got == username, (
        f"DRF must see the caller as {username or 'anonymous'} ({rule}); it saw "
        f"{got or 'anonymous'}.{exchange.describe()}"
    )
    return body


def expect_401(exchange, detail, rule):
    body = expect_status(exchange, 401, f"{rule}: 401 Unauthorized, not 403 and not anonymous")
    got = body.get("detail") if isinstance(body, dict) else body
    assert got == detail, (
        f"The 401 must say {{'detail': {detail!r}}} ({rule}); it said {body!r}."
        f"{exchange.describe()}"
    )
    challenge = exchange.header("WWW-Authenticate")
    assert challenge == "Api-Key", (
        f"A 401 must carry the header `WWW-Authenticate: Api-Key`, from authenticate_header() "
        f"(task 1, rule 6); it was {challenge!r}.{exchange.describe()}"
    )


def test_good_key_authenticates_its_user_and_request_auth_is_the_key(api, alice_key):
    exchange = send(api, "GET", probe(), headers=api_key(KEY_OF_ALICE), rule="task 1, rule 5")
    body = expect_user(exchange, "alice", "task 1, rule 5: a good key is its user")
    expected = {"model": "ApiKey", "id": alice_key.pk}
    assert body.get("auth") == expected, (
        f"authenticate() must return (key.user, key): request.auth is then the ApiKey object "
        f"(task 1, rule 5). Expected request.auth to be ApiKey #{alice_key.pk}, got "
        f"{body.get('auth')!r}.{exchange.describe()}"
    )


def test_scheme_is_case_insensitive_but_the_key_is_not(api, alice_key):
    for scheme in ("api-key", "API-KEY"):
        headers = {"Authorization": f"{scheme} {KEY_OF_ALICE}"}
        exchange = send(api, "GET", probe(), headers=headers, rule="task 1, rule 1")
        expect_user(exchange, "alice", "task 1, rule 1: the scheme is case-insensitive")
    exchange = send(api, "GET", probe(), headers=api_key(KEY_OF_ALICE.upper()), rule="task 1")
    expect_401(exchange, "Invalid API key.", "task 1, rule 1: the key itself is compared exactly")


def test_no_header_or_another_scheme_is_anonymous(api, alice_key):
    for authorization in (
        None,
        "Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ=",
        f"Bearer {KEY_OF_ALICE}",
        f"Token {KEY_OF_ALICE}",
    ):
        headers = {"Authorization": authorization} if authorization else {}
        exchange = send(api, "GET", probe(), headers=headers, rule="task 1, rule 2")
        body = expect_user(exchange, None, "task 1, rule 2: authenticate() returns None")
        assert body == ANONYMOUS, (
            f"Expected an anonymous caller (task 1, rule 2).{exchange.describe()}"
        )


def test_another_scheme_lets_the_session_authenticate(api, alice):
    api.force_login(alice)
    exchange = send(
        api, "GET", probe(), headers={"Authorization": "Bearer abc"}, rule="task 1, rule 2"
    )
    expect_user(
        exchange,
        "alice",
        "task 1, rule 2: with another scheme, authenticate() returns None and the next class "
        "(SessionAuthentication) authenticates the logged-in user",
    )


def test_malformed_api_key_header_is_401(api, alice_key):
    for authorization in ("Api-Key", f"Api-Key {KEY_OF_ALICE} extra"):
        headers = {"Authorization": authorization}
        exchange = send(api, "GET", probe(), headers=headers, rule="task 1, rule 3")
        expect_401(exchange, "Invalid Api-Key header.", "task 1, rule 3")


def test_unknown_key_is_401(api, alice_key):
    exchange = send(api, "GET", probe(), headers=api_key("no-such-key"), rule="task 1, rule 4")
    expect_401(exchange, "Invalid API key.", "task 1, rule 4: an unknown key")


def test_revoked_key_is_401(api, alice_key):
    alice_key.active = False
    alice_key.save()
    exchange = send(api, "GET", probe(), headers=api_key(KEY_OF_ALICE), rule="task 1, rule 4")
    expect_401(exchange, "Invalid API key.", "task 1, rule 4: a revoked key (active=False)")


def test_key_of_an_inactive_user_is_401(api, alice, alice_key):
    alice.is_active = False
    alice.save()
    exchange = send(api, "GET", probe(), headers=api_key(KEY_OF_ALICE), rule="task 1, rule 4")
    expect_401(exchange, "Invalid API key.", "task 1, rule 4: the key of an inactive user")


def test_bad_key_on_a_read_of_the_books_is_401_not_anonymous(api, alice_key):
    for path in (books(), book(1)):
        exchange = send(api, "GET", path, headers=api_key("no-such-key"), rule="task 1, rule 4")
        expect_401(
            exchange,
            "Invalid API key.",
            "task 1, rules 4 and 7: a wrong key is refused even on a read that an anonymous "
            "client could make — authenticate() raises, it does not return None",
        )


def test_anonymous_write_is_401_with_www_authenticate_api_key(api):
    exchange = send(api, "POST", probe(), {}, rule="task 1, rule 6")
    expect_401(
        exchange,
        "Authentication credentials were not provided.",
        "task 1, rule 6: DRF answers 401 only when the first authentication class has an "
        "authenticate_header(); without one it answers 403",
    )


def test_views_list_api_key_first_then_session(api, alice, alice_key):
    for view in ("BookList", "BookDetail"):
        rule = (
            f"task 1, rule 7: {view}.authentication_classes = "
            f"[ApiKeyAuthentication, SessionAuthentication]"
        )
        api.logout()
        exchange = send(api, "POST", probe(view), {}, rule=rule)
        expect_401(exchange, "Authentication credentials were not provided.", rule)
        exchange = send(api, "GET", probe(view), headers=api_key(KEY_OF_ALICE), rule=rule)
        expect_user(exchange, "alice", f"{rule} (an API key client)")
        api.force_login(alice)
        exchange = send(api, "GET", probe(view), rule=rule)
        expect_user(exchange, "alice", f"{rule} (a logged-in session client, the browsable API)")
