"""Task 3: the cart, login and logout views — graded behind Django's own SessionMiddleware and
database engine, so only the learner's views are under test."""

import pytest
from kata_helpers import Browser, django_row, is_deletion, same, set_cookies, status_of


@pytest.fixture
def on_django_stack(stack):
    """Django's SessionMiddleware and database engine, your views."""
    stack(middleware="django", engine="django_db")


def body_of(response) -> object:
    try:
        return response.json()
    except ValueError:
        raise AssertionError(
            f"the view must answer with JSON (JsonResponse) (task 3): status "
            f"{response.status_code}, Content-Type {response.get('Content-Type')!r}, body "
            f"{response.content[:200]!r}"
        ) from None


def add(client, item):
    return client.post("/cart/add/", {"item": item})


def key_of(client) -> str:
    morsel = client.cookies.get("sessionid")
    return morsel.value if morsel is not None else ""


def log_in(client, username="alice", password="wonderland"):
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.task(3)
@pytest.mark.django_db
def test_adding_items_fills_the_cart(client, on_django_stack):
    responses = [add(client, item) for item in ("apple", "apple", "pear")]
    statuses = [status_of(response) for response in responses]
    assert statuses == [200, 200, 200], (
        f"POST /cart/add/ with an item answers 200 (task 3, rule 1): got {statuses}"
    )
    got = body_of(responses[-1])
    expected = {"cart": {"apple": 2, "pear": 1}}
    assert got == expected, (
        f"add_to_cart answers with the whole cart, each item with its count (task 3, rule 1): "
        f"after adding apple, apple, pear expected {expected}, got {got}"
    )
    got = body_of(client.get("/cart/"))
    expected = {"user": None, "cart": {"apple": 2, "pear": 1}}
    assert got == expected, (
        f"show_cart answers {{'user': ..., 'cart': ...}} from the session (task 3, rule 3): "
        f"expected {expected}, got {got}"
    )


@pytest.mark.task(3)
@pytest.mark.django_db
def test_every_add_is_saved_in_the_session(client, on_django_stack):
    expected = {}
    for item in ("apple", "pear", "apple"):
        add(client, item)
        expected[item] = expected.get(item, 0) + 1
        stored = django_row(key_of(client)) or {}
        assert stored.get("cart") == expected, (
            f"every add must be saved: changing the dict stored in the session does not mark "
            f"it modified; assign the cart back, request.session['cart'] = cart (task 3, "
            f"rule 2). After adding {item!r}, expected the stored cart {expected}, the session "
            f"row holds {stored}"
        )


@pytest.mark.task(3)
@pytest.mark.django_db
def test_new_visitor_sees_an_empty_cart(client, on_django_stack):
    got = body_of(client.get("/cart/"))
    assert got == {"user": None, "cart": {}}, (
        f"a new visitor has no user and an empty cart (task 3, rule 3): expected "
        f"{{'user': None, 'cart': {{}}}}, got {got}"
    )


@pytest.mark.task(3)
@pytest.mark.django_db
def test_add_to_cart_rejects_bad_requests(client, on_django_stack):
    response = client.get("/cart/add/", {"item": "apple"})
    assert status_of(response) == 405, (
        f"GET /cart/add/ must answer 405: adding changes state, so it is POST only (task 3, "
        f"rule 1): got {response.status_code}"
    )
    for form in ({}, {"item": ""}, {"item": "   "}):
        response = client.post("/cart/add/", form)
        assert status_of(response) == 400, (
            f"POST /cart/add/ with form {form} must answer 400 (task 3, rule 1): got "
            f"{response.status_code}"
        )
        got = body_of(response)
        assert isinstance(got, dict) and "error" in got, (
            f"a 400 from add_to_cart is JSON with an 'error' key (task 3, rule 1): got {got}"
        )
    got = body_of(client.get("/cart/"))["cart"]
    assert got == {}, f"rejected requests must not change the cart (task 3, rule 1): got {got}"


@pytest.mark.task(3)
@pytest.mark.django_db
def test_login_checks_the_password_and_stores_the_user(client, on_django_stack):
    response = client.get("/login/")
    assert status_of(response) == 405, (
        f"GET /login/ must answer 405 (task 3, rule 4): got {response.status_code}"
    )
    response = log_in(client, "alice", "not-the-password")
    assert status_of(response) == 401, (
        f"a wrong password must answer 401 (task 3, rule 4): got {response.status_code}"
    )
    got = body_of(response)
    assert isinstance(got, dict) and "error" in got, (
        f"a 401 from login_view is JSON with an 'error' key (task 3, rule 4): got {got}"
    )
    got = body_of(client.get("/cart/"))["user"]
    assert got is None, (
        f"after a failed login nobody is logged in (task 3, rule 4): user is {got!r}"
    )
    response = log_in(client, "ghost", "")
    assert status_of(response) == 401, (
        f"an unknown user must answer 401 (task 3, rule 4): got {response.status_code}"
    )
    response = log_in(client, "alice", "wonderland")
    got = body_of(response)
    assert (status_of(response), got) == (200, {"user": "alice"}), (
        f"a right password answers 200 {{'user': 'alice'}} (task 3, rule 4): got "
        f"{response.status_code} {got}"
    )
    got = body_of(client.get("/cart/"))["user"]
    assert got == "alice", (
        f"after login request.session['user'] is the user name (task 3, rule 4): /cart/ shows "
        f"user {got!r}"
    )


@pytest.mark.task(3)
@pytest.mark.django_db
def test_login_rotates_the_session_key_against_fixation(client, on_django_stack):
    attacker, victim = Browser(client), Browser(client)  # one server, two browsers
    add(attacker, "bait")
    planted = attacker.key()
    assert planted, "setup: the attacker's visit must create a session (task 3, rule 1)"
    victim.cookies["sessionid"] = planted  # the attacker plants their key in the victim's browser
    add(victim, "apple")
    response = log_in(victim)
    morsel = response.cookies.get("sessionid")
    new_key = morsel.value if morsel is not None else planted
    assert new_key and new_key != planted, (
        f"login must give the session a new key with request.session.cycle_key(), or an "
        f"attacker who planted (or saw) the old key is logged in too (session fixation; task 3, "
        f"rule 4): the key after login is still {planted!r}; {set_cookies(response)}"
    )
    assert django_row(planted) is None, (
        f"after login the old key must be invalid: cycle_key() deletes its row (task 3, "
        f"rule 4): the planted key still has a row, {django_row(planted)}"
    )
    got = body_of(attacker.get("/cart/"))
    assert got["user"] is None, (
        f"the attacker's old key must not be logged in (task 3, rule 4): the attacker sees {got}"
    )


@pytest.mark.task(3)
@pytest.mark.django_db
def test_login_keeps_the_cart(client, on_django_stack):
    add(client, "apple")
    add(client, "pear")
    old_key = key_of(client)
    cart = {"apple": 1, "pear": 1}
    stored = (django_row(old_key) or {}).get("cart")
    assert same(stored, cart), (
        f"before the login, the cart saved in the session is {stored!r}, not {cart}: an add was "
        f"not saved, so the login has no cart to keep. Changing the dict inside the session does "
        f"not mark it modified: assign the cart back, request.session['cart'] = cart (task 3, "
        f"rule 2). The login is not the cause"
    )
    log_in(client)
    got = body_of(client.get("/cart/"))
    expected = {"user": "alice", "cart": cart}
    assert got == expected, (
        f"login keeps the session data under the new key: cycle_key() moves it, flush() would "
        f"throw the cart away (task 3, rule 4): expected {expected}, got {got}"
    )
    assert key_of(client) != old_key, (
        f"login must change the session key (task 3, rule 4): still {old_key!r}"
    )


@pytest.mark.task(3)
@pytest.mark.django_db
def test_logout_flushes_the_session(client, on_django_stack):
    add(client, "apple")
    log_in(client)
    key = key_of(client)
    response = client.get("/logout/")
    assert status_of(response) == 405, (
        f"GET /logout/ must answer 405 (task 3, rule 5): got {response.status_code}"
    )
    response = client.post("/logout/")
    got = body_of(response)
    assert (status_of(response), got) == (200, {"user": None}), (
        f"logout answers 200 {{'user': None}} (task 3, rule 5): got {response.status_code} {got}"
    )
    assert django_row(key) is None, (
        f"logout must flush(): the session's row is deleted, so the old key is worthless "
        f"(task 3, rule 5): the row still holds {django_row(key)}"
    )
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and is_deletion(morsel), (
        f"after flush() the session is empty, so the middleware deletes the cookie (task 3, "
        f"rule 5): {set_cookies(response)}"
    )
    got = body_of(client.get("/cart/"))
    assert got == {"user": None, "cart": {}}, (
        f"after logout there is no user and no cart (task 3, rule 5): got {got}"
    )


@pytest.mark.task(3)
@pytest.mark.django_db
def test_item_names_are_stripped(client, on_django_stack):
    add(client, "  apple ")
    response = add(client, "apple  ")
    got = body_of(response)
    expected = {"cart": {"apple": 2}}
    assert (status_of(response), got) == (200, expected), (
        f"add_to_cart strips the spaces around the item name, so '  apple ' and 'apple  ' are "
        f"both 'apple' (task 3, rule 1): expected 200 {expected}, got {response.status_code} {got}"
    )
