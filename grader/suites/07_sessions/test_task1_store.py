"""Task 1: the learner's SessionStore — graded directly, and behind Django's own
SessionMiddleware (so only the learner's engine is under test)."""

import datetime
import string
import time

import pytest
from kata_helpers import (
    FORGED_KEY,
    row_data,
    rows,
    same,
    set_cookies,
    set_expire_date,
    set_session_data,
    status_of,
)

DEFAULT_AGE = 1209600  # settings.SESSION_COOKIE_AGE: two weeks
KEY_CHARS = set(string.ascii_lowercase + string.digits)


def saved(store, data: dict) -> str:
    """A new session holding ``data``, saved; returns its key."""
    session = store.SessionStore()
    for name, value in data.items():
        session[name] = value
    session.save()
    assert type(session.session_key) is str and session.session_key, (
        f"after save() a new session must have a key, a str (task 1, rule 5): session_key is "
        f"{session.session_key!r}"
    )
    return session.session_key


def save_or_explain(session, why: str) -> None:
    """``session.save()``; an UpdateError (no row to update) fails with ``why``."""
    from django.contrib.sessions.backends.base import UpdateError

    key = session.session_key
    try:
        session.save()
    except UpdateError:
        raise AssertionError(
            f"save() raised UpdateError: it tried to update the row of {key!r}, and there is "
            f"none. {why}"
        ) from None


@pytest.mark.task(1)
def test_create_saves_an_empty_session_under_a_new_random_key(store, session_db):
    first = store.SessionStore()
    first.create()
    key = first.session_key
    assert isinstance(key, str) and len(key) >= 32, (
        f"create() must give the session a random key of at least 32 characters, from "
        f"self._get_new_session_key() (task 1, rule 4): got {key!r}"
    )
    found = rows(session_db)
    assert key in found, (
        f"create() must insert a row for the new key at once (task 1, rule 4): the table "
        f"holds keys {sorted(found)}"
    )
    data = row_data(session_db, key)
    assert data == {}, f"create() saves an empty session (task 1, rule 4): the row holds {data!r}"
    keys = {key}
    for _ in range(5):
        other = store.SessionStore()
        other.create()
        assert type(other.session_key) is str, (
            f"create() must give a str key (task 1, rule 4): got {other.session_key!r}"
        )
        keys.add(other.session_key)
    assert len(keys) == 6, (
        f"every create() must draw a new random key (task 1, rule 4): 6 sessions got "
        f"{len(keys)} different keys: {sorted(keys)}"
    )


@pytest.mark.task(1)
def test_save_writes_the_session_as_json_with_its_expiry(store, session_db):
    before = time.time()
    session = store.SessionStore()
    session["cart"] = {"apple": 2}
    session["user"] = "alice"
    session.save()
    after = time.time()
    key = session.session_key
    assert type(key) is str, f"after save() the key is a str (task 1, rule 5): got {key!r}"
    found = rows(session_db)
    assert list(found) == [key], (
        f"save() of a new session must write exactly one row, under the session's new key "
        f"{key!r} (task 1, rule 5): the table holds keys {sorted(found)}"
    )
    data = row_data(session_db, key)
    assert data == {"cart": {"apple": 2}, "user": "alice"}, (
        f"session_data must be json.dumps of the whole session dict (task 1, rule 3): "
        f"expected {{'cart': {{'apple': 2}}, 'user': 'alice'}}, the row holds {data!r}"
    )
    expire = found[key][1]
    assert isinstance(expire, (int, float)) and (
        before + DEFAULT_AGE - 2 <= expire <= after + DEFAULT_AGE + 2
    ), (
        f"expire_date must be time.time() + self.get_expiry_age() as a Unix timestamp "
        f"(task 1, rule 3): expected about {before + DEFAULT_AGE:.0f} (now + {DEFAULT_AGE} s), "
        f"got {expire!r}"
    )
    session["user"] = "bob"
    session.save()
    found = rows(session_db)
    data = row_data(session_db, key)
    assert list(found) == [key] and data["user"] == "bob", (
        f"saving an existing session again must update its row, same key (task 1, rule 5): "
        f"keys {sorted(found)}, data {data!r}"
    )


@pytest.mark.task(1)
def test_expire_date_follows_set_expiry_and_the_cookie_age(store, session_db, settings):
    session = store.SessionStore()
    session["a"] = 1
    session.set_expiry(300)
    before = time.time()
    session.save()
    after = time.time()
    expire = rows(session_db)[session.session_key][1]
    assert before + 298 <= expire <= after + 302, (
        f"after set_expiry(300) the row must expire in 300 s: use self.get_expiry_age() "
        f"(task 1, rule 3): expected about {before + 300:.0f}, got {expire!r}"
    )
    settings.SESSION_COOKIE_AGE = 600
    before = time.time()
    key = saved(store, {"b": 2})
    after = time.time()
    expire = rows(session_db)[key][1]
    assert before + 598 <= expire <= after + 602, (
        f"with SESSION_COOKIE_AGE = 600 a new row must expire in 600 s: use "
        f"self.get_expiry_age() (task 1, rule 3): expected about {before + 600:.0f}, got {expire!r}"
    )


@pytest.mark.task(1)
def test_load_reads_the_saved_session_back(store):
    data = {
        "cart": {"apple": 2, "pear": 1},
        "tags": ["a", "b"],
        "n": 3,
        "price": 1.5,
        "ok": True,
        "nothing": None,
        "name": "Zoë 中文",
    }
    key = saved(store, data)
    again = store.SessionStore(key)
    loaded = dict(again.items())
    assert same(loaded, data), (
        f"a new SessionStore(key) must load what was saved under that key, with the same "
        f"types (json.loads; task 1, rule 6): expected {data!r}, got {loaded!r}"
    )
    assert type(again.session_key) is str and again.session_key == key, (
        f"loading a live session keeps its key (task 1, rule 6): expected {key!r}, "
        f"got {again.session_key!r}"
    )


@pytest.mark.task(1)
def test_store_loads_lazily_on_first_access(store, session_db):
    key = saved(store, {"n": 1})
    session = store.SessionStore(key)
    set_session_data(session_db, key, {"n": 2})
    got = session.get("n")
    assert same(got, 2), (
        f"SessionStore(key) must not read the database when it is built, only at the first "
        f"access (SessionBase calls load() for you; task 1, rule 6): the row was changed to "
        f"n=2 after the store was built, and session.get('n') returned {got!r}"
    )


@pytest.mark.task(1)
def test_json_round_trip_turns_tuples_into_lists(store):
    key = saved(store, {"pair": ("apple", 2)})
    got = store.SessionStore(key).get("pair")
    assert same(got, ["apple", 2]), (
        f"session data goes through JSON (task 1, rule 3), so a tuple comes back as a list: "
        f"expected ['apple', 2], got {got!r}. Are you using pickle or repr instead of json?"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "bad_value",
    [{1, 2}, datetime.datetime(2024, 1, 1, 12, 0), object()],
    ids=["set", "datetime", "object"],
)
def test_non_json_values_fail_at_save_with_a_type_error(store, session_db, bad_value):
    key = saved(store, {"ok": 1})
    session = store.SessionStore(key)
    session["bad"] = bad_value
    try:
        session.save()
    except TypeError as error:
        message = str(error)
    except NotImplementedError:
        raise  # the grader reports it as "not implemented yet"
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        raise AssertionError(
            f"save() of a value JSON cannot hold must raise TypeError, as json.dumps does "
            f"(task 1, rule 3): got {type(error).__name__}: {error}"
        ) from None
    else:
        raise AssertionError(
            f"save() must raise TypeError for a value JSON cannot hold ({type(bad_value).__name__}) "
            f"(task 1, rule 3): it saved without an error, and the row holds "
            f"{rows(session_db)[key][0]!r}"
        )
    assert "json" in message.lower(), (
        f"the TypeError must say the value is not JSON serializable (task 1, rule 3): "
        f"got {message!r}"
    )
    data = row_data(session_db, key)
    assert data == {"ok": 1}, (
        f"a failed save must leave the row as it was (task 1, rule 3): expected {{'ok': 1}}, "
        f"the row holds {data!r}"
    )


@pytest.mark.task(1)
def test_non_json_value_in_a_new_session_writes_no_row(store, session_db):
    session = store.SessionStore()
    session["bad"] = {1, 2}
    try:
        session.save()
    except TypeError:
        pass
    except NotImplementedError:
        raise  # the grader reports it as "not implemented yet"
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        raise AssertionError(
            f"save() of a value JSON cannot hold must raise TypeError, as json.dumps does "
            f"(task 1, rule 3): got {type(error).__name__}: {error}"
        ) from None
    else:
        raise AssertionError(
            f"save() of a new session holding a set must raise TypeError (task 1, rule 3): it "
            f"saved, and the table holds {rows(session_db)!r}"
        )
    found = rows(session_db)
    assert found == {}, (
        f"a new session that cannot be saved must leave no row behind (task 1, rule 3): "
        f"the table holds {found!r}"
    )


@pytest.mark.task(1)
def test_forged_key_gets_a_fresh_empty_session_with_a_new_key(store, session_db):
    saved(store, {"user": "alice"})
    session = store.SessionStore(FORGED_KEY)
    got = dict(session.items())
    assert got == {}, (
        f"a key with no row must load as an empty session (task 1, rule 6): got {got!r}"
    )
    session["cart"] = {"apple": 1}
    save_or_explain(
        session,
        "A key with no row must not be kept: load() sets self._session_key = None, so save() "
        "creates a new random key (task 1, rule 6).",
    )
    found = rows(session_db)
    assert type(session.session_key) is str and session.session_key != FORGED_KEY, (
        f"the fresh session must get a new random key, a str (task 1, rule 6): session_key is "
        f"{session.session_key!r}"
    )
    assert FORGED_KEY not in found, (
        f"a key the server never issued must not be adopted: load() must reset the key "
        f"(self._session_key = None) so save() creates a new random one (task 1, rule 6). "
        f"The session was saved under {session.session_key!r}; the table holds {sorted(found)}"
    )
    assert row_data(session_db, session.session_key) == {"cart": {"apple": 1}}, (
        f"the fresh session must be saved under its new key (task 1, rule 5): the table "
        f"holds {found!r}"
    )


@pytest.mark.task(1)
def test_saving_an_unread_session_with_a_forged_key_does_not_adopt_it(store, session_db):
    session = store.SessionStore(FORGED_KEY)
    save_or_explain(
        session,
        "save() of a session that was never read must load it first (task 1, rule 5, step 1): "
        "the load finds no row and resets the key, and then save() creates a new one (step 2) "
        "instead of updating the client's key.",
    )
    found = rows(session_db)
    assert all(isinstance(key, str) and key for key in found), (
        f"every row needs a real key: after load() reset the key, save() must create a new "
        f"one (task 1, rule 5, step 2): the table holds keys {sorted(found, key=repr)}"
    )
    assert (
        FORGED_KEY not in found
        and type(session.session_key) is str
        and session.session_key != FORGED_KEY
    ), (
        f"save() of a session that was never read must load it first (rule 5, step 1): the "
        f"load finds no row and resets the key, so no row is written under a client's key "
        f"(task 1, rules 5 and 6). session_key is {session.session_key!r}; the table holds "
        f"{sorted(found)}"
    )


@pytest.mark.task(1)
def test_expired_session_loads_as_a_fresh_empty_session(store, session_db):
    key = saved(store, {"cart": {"apple": 1}})
    set_expire_date(session_db, key, time.time() + 60)
    got = store.SessionStore(key).get("cart")
    assert same(got, {"apple": 1}), (
        f"a row whose expire_date is still in the future must load (task 1, rule 6): "
        f"expected {{'apple': 1}}, got {got!r}"
    )
    set_expire_date(session_db, key, time.time() - 60)
    session = store.SessionStore(key)
    got = dict(session.items())
    assert got == {}, (
        f"a row whose expire_date has passed must load as an empty session (task 1, rule 6): "
        f"got {got!r}"
    )
    session["n"] = 1
    save_or_explain(
        session,
        "An expired session loads as a fresh one: load() resets the key, so save() creates a "
        "new one (task 1, rule 6).",
    )
    assert type(session.session_key) is str and session.session_key != key, (
        f"an expired session must get a new key when saved again (task 1, rule 6): still {key!r}"
    )


@pytest.mark.task(1)
def test_exists_tells_whether_a_row_has_the_key(store):
    key = saved(store, {"a": 1})
    checker = store.SessionStore()
    assert checker.exists(key) is True, (
        f"exists(key) must be True for a saved session (task 1, rule 1): got {checker.exists(key)!r}"
    )
    assert checker.exists(FORGED_KEY) is False, (
        f"exists(key) must be False for a key with no row (task 1, rule 1): got "
        f"{checker.exists(FORGED_KEY)!r}"
    )
    checker.delete(key)
    assert checker.exists(key) is False, (
        f"exists(key) must be False after delete(key) (task 1, rule 1): got {checker.exists(key)!r}"
    )


@pytest.mark.task(1)
def test_delete_removes_only_that_row(store, session_db):
    first = saved(store, {"who": "first"})
    second = saved(store, {"who": "second"})
    third = saved(store, {"who": "third"})
    store.SessionStore(first).delete()
    found = rows(session_db)
    assert set(found) == {second, third}, (
        f"delete() with no argument deletes this session's own row, and only it "
        f"(task 1, rule 7): expected keys {sorted({second, third})}, the table holds {sorted(found)}"
    )
    store.SessionStore().delete(second)
    found = rows(session_db)
    assert set(found) == {third}, (
        f"delete(key) deletes the row of that key (task 1, rule 7): expected only {third!r}, "
        f"the table holds {sorted(found)}"
    )
    store.SessionStore().delete()  # no key at all: nothing to do, no error
    store.SessionStore().delete(FORGED_KEY)  # unknown key: nothing to do, no error
    assert set(rows(session_db)) == {third}, (
        f"delete() without a key, or of an unknown key, must change nothing (task 1, rule 7): "
        f"the table holds {sorted(rows(session_db))}"
    )


@pytest.mark.task(1)
def test_save_with_must_create_refuses_an_existing_key(store, session_db):
    from django.contrib.sessions.backends.base import CreateError

    key = saved(store, {"owner": "first"})
    intruder = store.SessionStore(key)
    try:
        intruder.save(must_create=True)
    except CreateError:
        pass
    except NotImplementedError:
        raise  # the grader reports it as "not implemented yet"
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        raise AssertionError(
            f"save(must_create=True) on a key that already has a row must raise CreateError "
            f"(from django.contrib.sessions.backends.base; task 1, rule 5): got "
            f"{type(error).__name__}: {error}"
        ) from None
    else:
        raise AssertionError(
            f"save(must_create=True) must raise CreateError when the key already has a row "
            f"(task 1, rule 5): it returned, and the row now holds {rows(session_db)[key][0]!r}"
        )
    data = row_data(session_db, key)
    assert data == {"owner": "first"}, (
        f"save(must_create=True) must never overwrite an existing row (task 1, rule 5): "
        f"expected {{'owner': 'first'}}, the row holds {data!r}"
    )


@pytest.mark.task(1)
def test_create_draws_another_key_when_the_first_is_taken(store, session_db):
    taken = saved(store, {"owner": "first"})
    fresh = "freshkeyfreshkeyfreshkey01234567"
    drawn = iter([taken, fresh])
    session = store.SessionStore()
    session._get_new_session_key = lambda: next(drawn)
    session.create()
    assert type(session.session_key) is str and session.session_key == fresh, (
        f"create() must draw keys from self._get_new_session_key() until "
        f"save(must_create=True) succeeds; on CreateError it tries the next key (task 1, "
        f"rule 4). The first key drawn was taken; expected the second, {fresh!r}, got "
        f"{session.session_key!r}"
    )
    data = row_data(session_db, taken)
    assert data == {"owner": "first"}, (
        f"create() must not overwrite the session that owns a taken key (task 1, rule 4): "
        f"the row holds {data!r}"
    )


@pytest.mark.task(1)
def test_clear_expired_removes_only_expired_rows(store, session_db):
    store.SessionStore.clear_expired()  # an empty (even missing) table: nothing to do
    live = [saved(store, {"n": n}) for n in range(2)]
    dead = [saved(store, {"n": n}) for n in range(2, 4)]
    for key in dead:
        set_expire_date(session_db, key, time.time() - 60)
    set_expire_date(session_db, live[1], time.time() + 60)
    store.SessionStore.clear_expired()
    found = set(rows(session_db))
    assert found == set(live), (
        f"clear_expired() must delete the rows whose expire_date has passed, and only those "
        f"(task 1, rule 8): expected to keep {sorted(live)}, the table holds {sorted(found)} "
        f"(expired were {sorted(dead)})"
    )


@pytest.mark.task(1)
def test_two_stores_never_share_data(store, session_db):
    first = store.SessionStore()
    first["owner"] = "first"
    second = store.SessionStore()
    got = dict(second.items())
    assert got == {}, (
        f"each SessionStore keeps its own data: no dict on the class or the module "
        f"(task 1, rule 2). A second new session already holds {got!r}"
    )
    first.save()
    second["owner"] = "second"
    second.save()
    assert first.session_key != second.session_key, (
        f"two sessions must get two keys (task 1, rule 4): both got {first.session_key!r}"
    )
    one = dict(store.SessionStore(first.session_key).items())
    two = dict(store.SessionStore(second.session_key).items())
    assert same(one, {"owner": "first"}) and same(two, {"owner": "second"}), (
        f"each key must load its own data (task 1, rule 2): got {one!r} and {two!r}"
    )


@pytest.mark.task(1)
def test_djangos_middleware_runs_on_your_engine(client, stack, session_db):
    stack(middleware="django", engine="learner")
    response = client.get("/s/set/", {"color": "blue"})
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and morsel.value, (
        f"with Django's SessionMiddleware and SESSION_ENGINE = 'session_store', a first visit "
        f"that stores a value must get a session cookie (task 1): {set_cookies(response)}"
    )
    key = morsel.value
    found = rows(session_db)
    assert key in found and row_data(session_db, key) == {"color": "blue"}, (
        f"the cookie's key must have a row holding the session (task 1, rules 3 and 5): "
        f"cookie key {key!r}, table {found!r}"
    )
    got = client.get("/s/get/").json()["session"]
    assert got == {"color": "blue"}, (
        f"the next visit (same cookie) must load the session from your engine (task 1, "
        f"rule 6): expected {{'color': 'blue'}}, got {got!r}"
    )
    client.get("/s/flush/")
    found = rows(session_db)
    assert key not in found, (
        f"flush() (logout) calls your delete(): the row must be gone (task 1, rule 7): the "
        f"table holds {sorted(found)}"
    )


@pytest.mark.task(1)
def test_djangos_middleware_on_your_engine_replaces_a_forged_cookie(client, stack, session_db):
    stack(middleware="django", engine="learner")
    client.cookies["sessionid"] = FORGED_KEY
    response = client.get("/s/set/", {"color": "red"})
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and morsel.value and morsel.value != FORGED_KEY, (
        f"a cookie with a key the server never issued must end in a NEW key, never the "
        f"client's (session fixation; task 1, rule 6): {set_cookies(response)}"
    )
    found = rows(session_db)
    assert FORGED_KEY not in found, (
        f"no row may be written under a client-chosen key (task 1, rule 6): the table holds "
        f"{sorted(found)}"
    )


@pytest.mark.task(1)
def test_create_marks_the_session_modified(client, stack, store, session_db):
    session = store.SessionStore()
    session.create()
    assert session.modified is True, (
        f"create() ends with self.modified = True (task 1, rule 4): modified is "
        f"{session.modified!r}"
    )
    stack(middleware="django", engine="learner")
    old_key = client.get("/s/set/", {"color": "blue"}).cookies["sessionid"].value
    response = client.get("/s/cycle/")
    morsel = response.cookies.get("sessionid")
    assert morsel is not None and morsel.value and morsel.value != old_key, (
        f"a view that only calls request.session.cycle_key() must send the new key: "
        f"cycle_key() calls your create(), and create() sets self.modified = True, so the "
        f"middleware saves and sets the cookie (task 1, rule 4). Without it the browser keeps "
        f"the old key, whose row cycle_key() deleted: {set_cookies(response)}"
    )
    got = client.get("/s/get/").json()["session"]
    assert got == {"color": "blue"}, (
        f"after cycle_key() the data lives on under the new key (task 1, rule 4): expected "
        f"{{'color': 'blue'}}, got {got!r}"
    )


@pytest.mark.task(1)
def test_save_of_a_session_deleted_meanwhile_raises_update_error(store, session_db):
    from django.contrib.sessions.backends.base import UpdateError

    key = saved(store, {"user": "alice"})
    tab = store.SessionStore(key)
    seen = tab.get("user")  # this request loads the session...
    assert same(seen, "alice"), (
        f"SessionStore(key) must load the saved session (task 1, rule 6): got {seen!r}"
    )
    store.SessionStore(key).delete()  # ...another tab logs out (flush() deletes the row)...
    tab["cart"] = {"apple": 1}  # ...and this request changes the session and saves it
    try:
        tab.save()
    except UpdateError:
        pass
    except NotImplementedError:
        raise  # the grader reports it as "not implemented yet"
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        raise AssertionError(
            f"save() of a session whose row was deleted meanwhile must raise UpdateError (from "
            f"django.contrib.sessions.backends.base; task 1, rule 5): got "
            f"{type(error).__name__}: {error}"
        ) from None
    else:
        raise AssertionError(
            f"save() without must_create only updates the row of its key; when no row was "
            f"updated (the user logged out in another tab) it raises UpdateError (task 1, "
            f"rule 5). It returned normally, and the table holds {rows(session_db)!r}"
        )
    found = rows(session_db)
    assert found == {}, (
        f"save() must never insert a row that was deleted: that brings a logged-out session "
        f"back to life (task 1, rule 5). The table holds {found!r}"
    )


@pytest.mark.task(1)
def test_djangos_middleware_on_your_engine_keeps_a_logged_out_session_gone(
    client, stack, session_db
):
    stack(middleware="django", engine="learner")
    key = client.get("/s/set/", {"user": "alice"}).cookies["sessionid"].value
    # /s/race/ reads the session, another tab logs out (a full request), then it changes it.
    response = client.get("/s/race/")
    found = rows(session_db)
    assert key not in found, (
        f"a request that loaded the session before a logout in another tab must not save it "
        f"back: save() updates only, and raises UpdateError when the row is gone (task 1, "
        f"rule 5). The logged-out session is back: {found.get(key)!r}"
    )
    status = status_of(response)
    assert status == 400, (
        f"Django's SessionMiddleware turns your UpdateError into SessionInterrupted, a 400 "
        f"(task 1, rule 5): got {status}, {set_cookies(response)}"
    )
    assert "sessionid" not in response.cookies, (
        f"an interrupted session sets no cookie (task 1, rule 5): {set_cookies(response)}"
    )
    got = client.get("/s/get/").json()["session"]
    assert got == {}, (
        f"after the logout in the other tab the session stays empty (task 1, rule 5): got {got!r}"
    )
