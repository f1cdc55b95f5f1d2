"""Task 4: the whole stack is the learner's — their middleware, their engine, their views —
checked along the flow of the interview notes."""

import time

import pytest
from kata_helpers import (
    FORGED_KEY,
    Browser,
    is_deletion,
    row_data,
    rows,
    same,
    set_cookies,
    set_expire_date,
    status_of,
)


@pytest.fixture
def yours(stack):
    """Your middleware, your engine, your views (the playground's setup)."""
    stack(middleware="learner", engine="learner")


def key_of(client) -> str:
    morsel = client.cookies.get("sessionid")
    return morsel.value if morsel is not None else ""


def cart_of(client) -> dict:
    return client.get("/cart/").json()


def expect_saved_cart(session_db, key: str, cart: dict) -> None:
    """Before the step under test: the adds so far are in the row (else name the real cause)."""
    stored = row_data(session_db, key).get("cart") if key in rows(session_db) else None
    assert same(stored, cart), (
        f"before this step, the cart saved in the session is {stored!r}, not {cart}: an add was "
        f"not saved. Changing the dict inside the session does not mark it modified: assign the "
        f"cart back, request.session['cart'] = cart (task 3, rule 2). Fix that first"
    )


@pytest.mark.task(4)
def test_first_visit_sets_a_cookie_and_a_row(client, yours, session_db):
    response = client.post("/cart/add/", {"item": "apple"})
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and morsel.value, (
        f"first visit: a new random key, stored, sent in a cookie (task 4, rule 1): "
        f"{set_cookies(response)}"
    )
    found = rows(session_db)
    assert list(found) == [morsel.value], (
        f"first visit: exactly one row, under the cookie's key (task 4, rule 1): cookie key "
        f"{morsel.value!r}, the table holds {sorted(found)}"
    )
    data = row_data(session_db, morsel.value)
    assert data == {"cart": {"apple": 1}}, (
        f"the row holds the session dict as JSON (task 4, rule 1): expected "
        f"{{'cart': {{'apple': 1}}}}, got {data!r}"
    )


@pytest.mark.task(4)
def test_later_visit_reads_the_row_and_does_not_rewrite_it(client, yours, session_db):
    client.post("/cart/add/", {"item": "apple"})
    key = key_of(client)
    marker = time.time() + 1000
    set_expire_date(session_db, key, marker)
    response = client.get("/cart/")
    got = response.json()
    assert got == {"user": None, "cart": {"apple": 1}}, (
        f"later visit: cookie → key → row → request.session (task 4, rule 2): expected "
        f"{{'user': None, 'cart': {{'apple': 1}}}}, got {got}"
    )
    assert "sessionid" not in response.cookies and rows(session_db)[key][1] == marker, (
        f"a visit that only reads the cart must not save the session (task 4, rule 2): "
        f"{set_cookies(response)}, expire_date {rows(session_db)[key][1]!r} (was {marker!r})"
    )


@pytest.mark.task(4)
def test_two_visitors_never_see_each_others_cart(client, yours, session_db):
    visitor, other = Browser(client), Browser(client)  # one server, two browsers
    visitor.post("/cart/add/", {"item": "apple"})
    got = cart_of(other)
    assert got == {"user": None, "cart": {}}, (
        f"a second visitor must start with an empty cart (task 4, rule 3): they saw {got}"
    )
    other.post("/cart/add/", {"item": "pear"})
    got_a, got_b = cart_of(visitor)["cart"], cart_of(other)["cart"]
    assert (got_a, got_b) == ({"apple": 1}, {"pear": 1}), (
        f"each visitor has their own cart (task 4, rule 3): A sees {got_a}, B sees {got_b}"
    )
    assert visitor.key() != other.key() and len(rows(session_db)) == 2, (
        f"two visitors, two keys, two rows (task 4, rule 3): keys {visitor.key()!r} and "
        f"{other.key()!r}, table {sorted(rows(session_db))}"
    )


@pytest.mark.task(4)
def test_session_fixation_is_defeated_end_to_end(client, yours, session_db):
    attacker, victim = Browser(client), Browser(client)
    attacker.post("/cart/add/", {"item": "bait"})
    planted = attacker.key()
    victim.cookies["sessionid"] = planted  # the attacker plants their key in the victim's browser
    victim.post("/cart/add/", {"item": "apple"})
    expect_saved_cart(session_db, planted, {"bait": 1, "apple": 1})
    response = victim.post("/login/", {"username": "alice", "password": "wonderland"})
    new_key = victim.key()
    assert new_key and new_key != planted, (
        f"login must rotate the key (task 4, rule 4): the key after login is {new_key!r}, the "
        f"planted key was {planted!r}; {set_cookies(response)}"
    )
    found = rows(session_db)
    assert planted not in found and new_key in found, (
        f"after login the planted key has no row and the new key has one (task 4, rule 4): "
        f"the table holds {sorted(found)}"
    )
    assert cart_of(attacker) == {"user": None, "cart": {}}, (
        f"the attacker's old key must lead to a fresh, empty session (task 4, rule 4): the "
        f"attacker sees {cart_of(attacker)}"
    )
    got = cart_of(victim)
    assert got == {"user": "alice", "cart": {"bait": 1, "apple": 1}}, (
        f"the logged-in user keeps the cart of the session (task 4, rule 4): got {got}"
    )
    response = victim.post("/logout/")
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and is_deletion(morsel), (
        f"logout deletes the cookie (task 4, rule 4): {set_cookies(response)}"
    )
    assert new_key not in rows(session_db), (
        f"logout deletes the row (task 4, rule 4): the table holds {sorted(rows(session_db))}"
    )


@pytest.mark.task(4)
def test_forged_cookie_gets_a_fresh_session_and_a_new_key(client, yours, session_db):
    client.cookies["sessionid"] = FORGED_KEY
    got = cart_of(client)
    assert got == {"user": None, "cart": {}}, (
        f"a forged cookie gives a fresh, empty session (task 4, rule 5): got {got}"
    )
    client.post("/cart/add/", {"item": "apple"})
    key = key_of(client)
    assert key and key != FORGED_KEY and FORGED_KEY not in rows(session_db), (
        f"the first save gives the session a new random key, never the forged one (task 4, "
        f"rule 5): cookie key {key!r}, table {sorted(rows(session_db))}"
    )
    set_expire_date(session_db, key, time.time() - 60)
    got = cart_of(client)
    assert got == {"user": None, "cart": {}}, (
        f"an expired session gives a fresh, empty session (task 4, rule 5): got {got}"
    )


@pytest.mark.task(4)
def test_logout_in_another_tab_is_not_undone(client, yours, session_db):
    from django.contrib.sessions.backends.base import UpdateError

    client.post("/cart/add/", {"item": "apple"})
    client.post("/login/", {"username": "alice", "password": "wonderland"})
    client.post("/cart/add/", {"item": "apple"})
    key = key_of(client)
    expect_saved_cart(session_db, key, {"apple": 2})
    try:
        # /race/cart/add/ runs your add_to_cart; before its response goes out, another tab of
        # the same browser (same cookie) logs out with your logout_view. Then your middleware
        # saves the session.
        response = client.post("/race/cart/add/", {"item": "pear"})
    except UpdateError:
        raise AssertionError(
            "your engine raised UpdateError (right: the session was deleted by the logout in "
            "the other tab), and your middleware let it through, so the visitor gets a 500. "
            "Catch it around request.session.save() and raise SessionInterrupted, a 400 "
            "(task 4, rule 6; task 2, rule 7)"
        ) from None
    found = rows(session_db)
    assert key not in found, (
        f"the logout in the other tab must win: the request that loaded the session before it "
        f"must not save it back (task 4, rule 6; task 1, rule 5 and task 2, rule 7 say how). "
        f"The logged-out session is back: {found.get(key)!r}"
    )
    status = status_of(response)
    cause = (
        "your engine's save() returned as if it had saved, and the cookie was set: with no row "
        "to update it raises UpdateError (task 1, rule 5)"
        if "sessionid" in response.cookies
        else "no cookie was set, so your middleware caught the UpdateError and answered anyway: "
        "raise SessionInterrupted (task 2, rule 7)"
    )
    assert status == 400, (
        f"saving a session deleted meanwhile raises UpdateError in your engine, and your "
        f"middleware turns it into SessionInterrupted, a 400 (task 4, rule 6): got {status}; "
        f"{cause}"
    )
    assert "sessionid" not in response.cookies, (
        f"an interrupted session sets no cookie (task 4, rule 6): {set_cookies(response)}"
    )
    got = cart_of(client)
    assert got == {"user": None, "cart": {}}, (
        f"after the logout in the other tab nobody is logged in and the cart is empty (task 4, "
        f"rule 6): got {got}"
    )
