"""Task 2: the learner's SessionMiddleware — graded on Django's own engines (the database engine,
and the signed-cookie engine), so only the learner's middleware is under test."""

import time

import pytest
from django.utils.http import parse_http_date
from kata_helpers import (
    EPOCH,
    Browser,
    django_row,
    is_deletion,
    set_cookies,
    status_of,
    vary_of,
)

DEFAULT_AGE = 1209600


@pytest.fixture
def on_django_db(stack):
    """Your middleware, Django's database engine (rows in django_session)."""
    stack(middleware="learner", engine="django_db")


def first_key(response) -> str:
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and morsel.value, (
        f"a visit that stores a value in the session must set the session cookie "
        f"'sessionid' (task 2, rules 4 and 5): {set_cookies(response)}"
    )
    return morsel.value


def set_expire(key: str, expire_at: float) -> None:
    import datetime

    from django.contrib.sessions.models import Session

    stamp = datetime.datetime.fromtimestamp(expire_at, tz=datetime.UTC)
    Session.objects.filter(session_key=key).update(expire_date=stamp)


def expire_of(key: str) -> float:
    from django.contrib.sessions.models import Session

    session = Session.objects.filter(session_key=key).first()
    assert session is not None, (
        f"Django's database engine has no row for the cookie's key {key!r}: does your "
        f"middleware use the engine named by settings.SESSION_ENGINE (task 2, rule 1)?"
    )
    return session.expire_date.timestamp()


@pytest.mark.task(2)
@pytest.mark.django_db
def test_first_visit_sets_the_cookie_and_stores_the_session(client, on_django_db):
    response = client.get("/s/set/", {"color": "blue"})
    key = first_key(response)
    stored = django_row(key)
    assert stored is not None, (
        f"Django's database engine has no row for the cookie's key {key!r}: the middleware "
        f"must use the engine named by settings.SESSION_ENGINE (task 2, rule 1)"
    )
    assert stored == {"color": "blue"}, (
        f"the session must be saved in the engine under the cookie's key (task 2, rules 4 "
        f"and 5): Django's engine holds {stored!r} for key {key!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_later_visits_load_the_session_named_by_the_cookie(client, on_django_db):
    first_key(client.get("/s/set/", {"color": "blue"}))
    got = client.get("/s/get/").json()["session"]
    assert got == {"color": "blue"}, (
        f"a later visit sends the cookie; request.session must be the engine's SessionStore "
        f"for that key (task 2, rule 2): expected {{'color': 'blue'}}, got {got!r}"
    )


@pytest.mark.task(2)
def test_works_with_djangos_signed_cookie_engine(client, stack):
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    stack(middleware="learner", engine="signed")
    response = client.get("/s/set/", {"color": "green"})
    in_cookie = SessionStore(first_key(response)).load()
    assert in_cookie == {"color": "green"}, (
        f"with SESSION_ENGINE = Django's signed_cookies engine the session lives in the cookie "
        f"itself: your middleware must use the engine named by settings.SESSION_ENGINE, not "
        f"import session_store (task 2, rule 1). The cookie decodes to {in_cookie!r}"
    )
    got = client.get("/s/get/").json()["session"]
    assert got == {"color": "green"}, (
        f"with SESSION_ENGINE = Django's signed_cookies engine, your middleware must use that "
        f"engine: import settings.SESSION_ENGINE, do not import session_store yourself "
        f"(task 2, rule 1). Expected {{'color': 'green'}}, got {got!r}"
    )
    response = client.get("/s/flush/")
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and is_deletion(morsel), (
        f"flush() must delete the cookie on the signed-cookie engine too (task 2, rule 3): "
        f"{set_cookies(response)}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_page_that_never_touches_the_session_reads_and_writes_nothing(client, on_django_db):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get("/s/plain/")
    assert "sessionid" not in response.cookies and Session.objects.count() == 0, (
        f"a first visit to a page that never uses request.session must not create a session "
        f"nor set a cookie (task 2, rule 4): {set_cookies(response)}, "
        f"{Session.objects.count()} rows"
    )
    first_key(client.get("/s/set/", {"color": "blue"}))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/s/plain/")
    assert len(queries) == 0, (
        f"a page that never uses request.session must not read (or write) the session store: "
        f"process_request only builds SessionStore(key), which loads itself at the first "
        f"access (task 2, rules 2 and 4). This visit ran {len(queries)} queries: "
        f"{[query['sql'][:80] for query in queries.captured_queries]}"
    )
    assert "sessionid" not in response.cookies, (
        f"a page that never uses request.session must not set the cookie (task 2, rule 4): "
        f"{set_cookies(response)}"
    )
    assert "cookie" not in vary_of(response), (
        f"a page that never uses request.session gets no 'Vary: Cookie' (task 2, rule 6): "
        f"Vary is {response.get('Vary')!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_read_only_visit_does_not_save_the_session(client, on_django_db):
    key = first_key(client.get("/s/set/", {"color": "blue"}))
    marker = time.time() + 1000
    set_expire(key, marker)
    response = client.get("/s/get/")
    assert "sessionid" not in response.cookies, (
        f"a visit that only reads the session must not save it nor set the cookie again: save "
        f"only when request.session.modified (task 2, rule 4): {set_cookies(response)}"
    )
    assert abs(expire_of(key) - marker) < 1, (
        "a visit that only reads the session must not save it (task 2, rule 4): the row's "
        "expire_date was rewritten"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_save_every_request_saves_read_only_visits(client, on_django_db, settings):
    settings.SESSION_SAVE_EVERY_REQUEST = True
    key = first_key(client.get("/s/set/", {"color": "blue"}))
    marker = time.time() + 1000
    set_expire(key, marker)
    response = client.get("/s/get/")
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and morsel.value == key, (
        f"with SESSION_SAVE_EVERY_REQUEST = True every visit saves the session and sets the "
        f"cookie again (task 2, rule 4): {set_cookies(response)}"
    )
    assert abs(expire_of(key) - marker) > 100, (
        "with SESSION_SAVE_EVERY_REQUEST = True a read-only visit must save the session "
        "(which moves its expiry) (task 2, rule 4): the row was not saved"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_save_every_request_creates_nothing_for_an_empty_session(client, on_django_db, settings):
    from django.contrib.sessions.models import Session

    settings.SESSION_SAVE_EVERY_REQUEST = True
    response = client.get("/s/plain/")
    assert "sessionid" not in response.cookies and Session.objects.count() == 0, (
        f"even with SESSION_SAVE_EVERY_REQUEST an empty session (no key, no data: "
        f"is_empty()) is never saved, so visitors without a session get no cookie "
        f"(task 2, rule 4): {set_cookies(response)}, {Session.objects.count()} rows"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_flush_deletes_the_cookie_and_saves_nothing(client, on_django_db):
    from django.contrib.sessions.models import Session

    key = first_key(client.get("/s/set/", {"color": "blue"}))
    response = client.get("/s/flush/")
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and is_deletion(morsel), (
        f"after flush() the middleware must delete the cookie (Max-Age=0, expires in 1970: "
        f"response.delete_cookie) (task 2, rule 3): {set_cookies(response)}"
    )
    assert morsel["expires"] == EPOCH or morsel["max-age"] in (0, "0"), (
        f"a deleted cookie has Max-Age=0 or expires {EPOCH!r} (task 2, rule 3): "
        f"{set_cookies(response)}"
    )
    keys = list(Session.objects.values_list("session_key", flat=True))
    assert keys == [], (
        f"after flush() nothing may be saved: the old row is deleted by the engine and no new "
        f"empty session is created (task 2, rule 3): the table holds {keys} (old key {key!r})"
    )
    assert "cookie" in vary_of(response), (
        f"a response that deletes the session cookie gets 'Vary: Cookie' (task 2, rule 6): "
        f"Vary is {response.get('Vary')!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_flush_deletes_the_cookie_with_its_path_domain_and_samesite(client, on_django_db, settings):
    settings.SESSION_COOKIE_PATH = "/s/"
    settings.SESSION_COOKIE_DOMAIN = "shop.example"
    settings.SESSION_COOKIE_SAMESITE = "None"  # a cross-site cookie: it must also be Secure
    settings.SESSION_COOKIE_SECURE = True
    response = client.get("/s/set/", {"color": "blue"})
    first_key(response)
    response = client.get("/s/flush/")
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and is_deletion(morsel), (
        f"after flush() the middleware must delete the cookie (task 2, rule 3): "
        f"{set_cookies(response)}"
    )
    assert (morsel["path"], morsel["domain"]) == ("/s/", "shop.example"), (
        f"a browser deletes a cookie only when the path and domain match the ones it was set "
        f"with: pass SESSION_COOKIE_PATH and SESSION_COOKIE_DOMAIN to delete_cookie (task 2, "
        f"rule 3): expected path '/s/', domain 'shop.example', got {set_cookies(response)}"
    )
    assert morsel["samesite"] == "None", (
        f"delete the cookie with samesite=SESSION_COOKIE_SAMESITE too (task 2, rule 3): for "
        f"SameSite=None, delete_cookie then marks the deletion Secure, and a browser accepts "
        f"it in a cross-site request as well. Expected SameSite=None, got {set_cookies(response)}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_session_cookie_is_httponly_by_default(client, on_django_db):
    response = client.get("/s/set/", {"color": "blue"})
    first_key(response)
    morsel = response.cookies["sessionid"]
    assert morsel["httponly"], (
        f"the session cookie must be HttpOnly by default (SESSION_COOKIE_HTTPONLY is True), so "
        f"page JavaScript cannot steal the key (task 2, rule 5): {set_cookies(response)}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_cookie_flags_follow_the_defaults(client, on_django_db):
    before = time.time()
    response = client.get("/s/set/", {"color": "blue"})
    first_key(response)
    morsel = response.cookies["sessionid"]
    got = {
        "path": morsel["path"],
        "domain": morsel["domain"],
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
        "max-age": str(morsel["max-age"]),
    }
    expected = {
        "path": "/",
        "domain": "",
        "secure": False,
        "httponly": True,
        "samesite": "Lax",
        "max-age": str(DEFAULT_AGE),
    }
    assert got == expected, (
        f"with the default settings the cookie must be {expected} (task 2, rule 5): got {got}"
    )
    assert morsel["expires"], (
        f"a cookie with a Max-Age also gets an Expires date (task 2, rule 5): "
        f"{set_cookies(response)}"
    )
    expires = parse_http_date(morsel["expires"])
    assert before + DEFAULT_AGE - 60 <= expires <= time.time() + DEFAULT_AGE + 60, (
        f"Expires must be now + request.session.get_expiry_age() (task 2, rule 5): got "
        f"{morsel['expires']!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_cookie_flags_follow_the_settings(client, on_django_db, settings):
    settings.SESSION_COOKIE_NAME = "kata_sid"
    settings.SESSION_COOKIE_AGE = 600
    settings.SESSION_COOKIE_HTTPONLY = False
    settings.SESSION_COOKIE_SECURE = True
    settings.SESSION_COOKIE_SAMESITE = "Strict"
    settings.SESSION_COOKIE_PATH = "/s/"
    settings.SESSION_COOKIE_DOMAIN = "shop.example"
    response = client.get("/s/set/", {"color": "blue"})
    morsel = response.cookies.get("kata_sid")
    assert morsel is not None and morsel.value and "sessionid" not in response.cookies, (
        f"the cookie is named settings.SESSION_COOKIE_NAME ('kata_sid' here) (task 2, "
        f"rule 5): {set_cookies(response)}"
    )
    got = {
        "path": morsel["path"],
        "domain": morsel["domain"],
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
        "max-age": str(morsel["max-age"]),
    }
    expected = {
        "path": "/s/",
        "domain": "shop.example",
        "secure": True,
        "httponly": False,
        "samesite": "Strict",
        "max-age": "600",
    }
    assert got == expected, (
        f"every cookie flag comes from the SESSION_COOKIE_* settings (task 2, rule 5): "
        f"expected {expected}, got {got}"
    )
    got = client.get("/s/get/").json()["session"]
    assert got == {"color": "blue"}, (
        f"later visits must read the key from the cookie named SESSION_COOKIE_NAME "
        f"('kata_sid') (task 2, rule 2): expected {{'color': 'blue'}}, got {got!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_expire_at_browser_close_sets_a_browser_session_cookie(client, on_django_db, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    response = client.get("/s/set/", {"color": "blue"})
    first_key(response)
    morsel = response.cookies["sessionid"]
    assert morsel["max-age"] in ("", None) and not morsel["expires"], (
        f"with SESSION_EXPIRE_AT_BROWSER_CLOSE the cookie has no Max-Age and no Expires, so "
        f"the browser drops it when it closes (task 2, rule 5): {set_cookies(response)}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_cookie_max_age_follows_set_expiry(client, on_django_db):
    response = client.get("/s/expiry/", {"seconds": "300"})
    first_key(response)
    morsel = response.cookies["sessionid"]
    assert str(morsel["max-age"]) == "300", (
        f"after request.session.set_expiry(300) the cookie's Max-Age is 300: use "
        f"request.session.get_expiry_age() (task 2, rule 5): {set_cookies(response)}"
    )
    response = client.get("/s/expiry/", {"seconds": "0"})
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and morsel["max-age"] in ("", None) and not morsel["expires"], (
        f"after request.session.set_expiry(0) the cookie lasts until the browser closes: no "
        f"Max-Age, no Expires (get_expire_at_browser_close(); task 2, rule 5): "
        f"{set_cookies(response)}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_vary_cookie_when_the_session_is_read(client, on_django_db):
    response = client.get("/s/get/")
    assert "cookie" in vary_of(response), (
        f"a response built from request.session depends on the cookie: it must carry "
        f"'Vary: Cookie' when the session was accessed, even without a cookie (task 2, rule 6): "
        f"Vary is {response.get('Vary')!r}"
    )
    first_key(client.get("/s/set/", {"color": "blue"}))
    response = client.get("/s/get/")
    assert "cookie" in vary_of(response), (
        f"a visit that reads the session must get 'Vary: Cookie' (task 2, rule 6): Vary is "
        f"{response.get('Vary')!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_vary_cookie_keeps_the_vary_values_already_there(client, on_django_db):
    response = client.get("/s/vary/")
    got = vary_of(response)
    assert "cookie" in got and "accept-language" in got, (
        f"add Cookie to the Vary header with patch_vary_headers, keeping what the view put "
        f"there (task 2, rule 6): expected Accept-Language and Cookie, Vary is "
        f"{response.get('Vary')!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_two_visitors_get_separate_sessions(client, on_django_db):
    visitor_a, visitor_b = Browser(client), Browser(client)  # one server, two browsers
    key_a = first_key(visitor_a.get("/s/set/", {"owner": "a"}))
    got = visitor_b.get("/s/get/").json()["session"]
    assert got == {}, (
        f"a second visitor without a cookie must get a new, empty session: build a new store "
        f"per request, keep nothing on the middleware (task 2, rule 2). They saw {got!r}"
    )
    key_b = first_key(visitor_b.get("/s/set/", {"owner": "b"}))
    assert key_a != key_b, f"two visitors must get two keys (task 2, rule 2): both got {key_a!r}"
    got_a = visitor_a.get("/s/get/").json()["session"]
    got_b = visitor_b.get("/s/get/").json()["session"]
    assert (got_a, got_b) == ({"owner": "a"}, {"owner": "b"}), (
        f"each visitor must see only their own session (task 2, rule 2): A saw {got_a!r}, "
        f"B saw {got_b!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_server_error_responses_do_not_save_the_session(client, on_django_db):
    from django.contrib.sessions.models import Session

    response = client.get("/s/fail/")
    assert status_of(response) == 500, (
        f"the probe view /s/fail/ must answer 500, got {response.status_code}"
    )
    assert "sessionid" not in response.cookies and Session.objects.count() == 0, (
        f"a 5xx response must not save the session nor set the cookie: the request failed "
        f"halfway (task 2, rule 4): {set_cookies(response)}, {Session.objects.count()} rows"
    )
    key = first_key(client.get("/s/set/", {"color": "blue"}))
    client.get("/s/fail/")
    stored = django_row(key)
    assert stored == {"color": "blue"}, (
        f"a 5xx response must not save the changes its view made (task 2, rule 4): the "
        f"session now holds {stored!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_vary_cookie_when_the_cookie_is_set_without_reading_the_session(
    client, on_django_db, settings
):
    settings.SESSION_SAVE_EVERY_REQUEST = True
    key = first_key(client.get("/s/set/", {"color": "blue"}))
    response = client.get("/s/plain/")  # never touches request.session: not accessed
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and morsel.value == key, (
        f"with SESSION_SAVE_EVERY_REQUEST = True every visit sets the cookie again (task 2, "
        f"rule 4): {set_cookies(response)}"
    )
    assert "cookie" in vary_of(response), (
        f"a response that sets the session cookie gets 'Vary: Cookie', even when the view never "
        f"read the session (task 2, rule 6): Vary is {response.get('Vary')!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_session_deleted_by_another_tab_is_not_saved_back(client, on_django_db):
    from django.contrib.sessions.backends.base import UpdateError

    key = first_key(client.get("/s/set/", {"user": "alice"}))
    try:
        # /s/race/ reads the session, another tab logs out (a full request), then changes it.
        response = client.get("/s/race/")
    except UpdateError:
        raise AssertionError(
            "Django's database engine raised UpdateError: the session was deleted (a logout in "
            "another tab) while this request ran. Your middleware let it through, so the visitor "
            "gets a 500. Catch UpdateError around request.session.save() and raise "
            "django.contrib.sessions.exceptions.SessionInterrupted: a 400 (task 2, rule 7)"
        ) from None
    status = status_of(response)
    assert status == 400, (
        f"when request.session.save() raises UpdateError, raise SessionInterrupted: Django "
        f"answers 400 (task 2, rule 7). Got {status}, {set_cookies(response)}"
    )
    assert "sessionid" not in response.cookies, (
        f"an interrupted session sets no cookie (task 2, rule 7): {set_cookies(response)}"
    )
    assert django_row(key) is None, (
        f"the logged-out session must stay deleted (task 2, rule 7): its row holds "
        f"{django_row(key)!r}"
    )
    got = client.get("/s/get/").json()["session"]
    assert got == {}, (
        f"after the logout in the other tab the session stays empty (task 2, rule 7): got {got!r}"
    )


@pytest.mark.task(2)
@pytest.mark.django_db
def test_update_error_becomes_session_interrupted(on_django_db):
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.exceptions import SessionInterrupted
    from django.http import HttpResponse
    from django.test import RequestFactory

    from grader.loader import load

    alive = SessionStore()
    alive["user"] = "alice"
    alive.save()
    key = alive.session_key

    def view(request):
        request.session.get("user")  # this request loads the session...
        SessionStore(key).delete()  # ...another tab logs out...
        request.session["late"] = "yes"  # ...and this request changes it
        return HttpResponse("changed")

    middleware = load("session_middleware").SessionMiddleware(view)
    factory = RequestFactory()
    factory.cookies["sessionid"] = key
    try:
        response = middleware(factory.get("/s/race/"))
    except SessionInterrupted:
        pass
    except UpdateError:
        raise AssertionError(
            "your middleware let UpdateError out of process_response: catch it around "
            "request.session.save() and raise django.contrib.sessions.exceptions."
            "SessionInterrupted instead (task 2, rule 7)"
        ) from None
    except NotImplementedError:
        raise  # the grader reports it as "not implemented yet"
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        raise AssertionError(
            f"when request.session.save() raises UpdateError, raise SessionInterrupted (from "
            f"django.contrib.sessions.exceptions; task 2, rule 7): got "
            f"{type(error).__name__}: {error}"
        ) from None
    else:
        raise AssertionError(
            f"save() raised UpdateError (the session was deleted while this request ran), and "
            f"your middleware returned a response ({response.status_code}, "
            f"{set_cookies(response)}): raise SessionInterrupted instead, so the visitor gets a "
            f"400 and no cookie (task 2, rule 7)"
        )
    assert django_row(key) is None, (
        f"the logged-out session must stay deleted (task 2, rule 7): its row holds "
        f"{django_row(key)!r}"
    )
