"""Helpers of the 07 suite: which halves to plug together, and how to look at rows and cookies.

Named kata_*: the suite folder is first on sys.path and must not shadow a learner module.
"""

import json
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from django.utils.http import parse_http_date

LEARNER_MIDDLEWARE = "session_middleware.SessionMiddleware"
DJANGO_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
LEARNER_ENGINE = "session_store"
DJANGO_DB_ENGINE = "django.contrib.sessions.backends.db"
SIGNED_COOKIE_ENGINE = "django.contrib.sessions.backends.signed_cookies"

# A key no server ever handed out: 32 characters of the alphabet Django's keys use.
FORGED_KEY = "forgedbyanattacker0123456789abcd"
EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"


def rows(db_path: Path) -> dict:
    """{session_key: (session_data text, expire_date)} of the learner's table ({} if none yet)."""
    if not Path(db_path).exists():
        return {}
    with closing(sqlite3.connect(db_path)) as db:
        try:
            found = db.execute(
                "SELECT session_key, session_data, expire_date FROM kata_session"
            ).fetchall()
        except sqlite3.OperationalError:
            return {}
    return {key: (data, expire) for key, data, expire in found}


def row_data(db_path: Path, key: str):
    """The JSON-decoded session_data of one row (AssertionError with a message if it is not JSON)."""
    text = rows(db_path)[key][0]
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise AssertionError(
            f"session_data must be the session dict as JSON text (task 1, rule 3); "
            f"the row holds {text!r}"
        ) from None


def set_expire_date(db_path: Path, key: str, expire_date: float) -> None:
    with closing(sqlite3.connect(db_path)) as db, db:
        db.execute(
            "UPDATE kata_session SET expire_date = ? WHERE session_key = ?", (expire_date, key)
        )


def set_session_data(db_path: Path, key: str, data: dict) -> None:
    with closing(sqlite3.connect(db_path)) as db, db:
        db.execute(
            "UPDATE kata_session SET session_data = ? WHERE session_key = ?",
            (json.dumps(data), key),
        )


def same(got, expected) -> bool:
    """``got == expected`` with the same plain types all the way down (dict, list, str, int, …).

    A learner's value is never trusted to compare itself: an object whose ``__eq__`` always
    answers True, or a ``str`` subclass, is not equal to anything here. Containers are walked
    item by item (so a dict subclass such as OrderedDict is fine: its ``__eq__`` is not used);
    every other value must have exactly the expected type before ``==``.
    """
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and len(got) == len(expected)
            and all(
                type(key) is str and key in expected and same(value, expected[key])
                for key, value in got.items()
            )
        )
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and all(map(same, got, expected))
    return type(got) is type(expected) and got == expected


def status_of(response) -> int:
    """The response's status code, which must be a plain int (checked before any ``==``)."""
    status = response.status_code
    assert type(status) is int, (
        f"a response's status_code must be an int: got {type(status).__name__} {status!r}"
    )
    return status


def set_cookies(response) -> str:
    """The Set-Cookie lines of a response, for failure messages."""
    lines = [morsel.OutputString() for morsel in response.cookies.values()]
    return "; ".join(lines) if lines else "(no Set-Cookie)"


def vary_of(response) -> list[str]:
    return [part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()]


def is_deletion(morsel) -> bool:
    """A Set-Cookie that makes the browser drop the cookie: Max-Age=0 or an expiry in the past."""
    if morsel["max-age"] not in ("", None) and int(morsel["max-age"]) <= 0:
        return True
    if morsel["expires"]:
        try:
            return parse_http_date(morsel["expires"]) <= time.time()
        except ValueError:
            return False
    return False


def django_row(key: str):
    """The decoded data of a row of Django's own django_session table, or None."""
    from django.contrib.sessions.models import Session

    session = Session.objects.filter(session_key=key).first()
    return None if session is None else session.get_decoded()


class Browser:
    """One visitor's cookie jar on a shared test client.

    Every Browser talks to the same client, so to the same handler and the same middleware
    instance, as every visitor of a real server does. Each keeps its own cookies.
    """

    def __init__(self, client):
        from http.cookies import SimpleCookie

        self.client = client
        self.cookies = SimpleCookie()

    def _send(self, method: str, *args, **kwargs):
        saved = self.client.cookies
        self.client.cookies = self.cookies
        try:
            return getattr(self.client, method)(*args, **kwargs)
        finally:
            self.cookies = self.client.cookies
            self.client.cookies = saved

    def get(self, *args, **kwargs):
        return self._send("get", *args, **kwargs)

    def post(self, *args, **kwargs):
        return self._send("post", *args, **kwargs)

    def key(self, name: str = "sessionid") -> str:
        morsel = self.cookies.get(name)
        return morsel.value if morsel is not None else ""
