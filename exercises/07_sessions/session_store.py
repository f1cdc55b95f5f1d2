"""A Django session engine on SQLite: ``SESSION_ENGINE = "session_store"``.

Django finds an engine by importing the module named in ``settings.SESSION_ENGINE`` and
taking its ``SessionStore`` class. ``SessionBase`` (Django's) already gives the dict
behaviour (``session["cart"]``, ``get``, ``pop``, ``modified``, ``accessed``), lazy loading,
random keys, expiry ages, ``flush()`` and ``cycle_key()``. An engine adds the storage:
where a session lives, keyed by its session key.

Here it lives in one table of a SQLite file, the file ``settings.KATA_SESSION_DB``::

    kata_session(session_key TEXT PRIMARY KEY, session_data TEXT, expire_date REAL)

``session_data`` is the session dict as JSON text; ``expire_date`` is a Unix timestamp
(seconds, like ``time.time()``). Task 1 of the README lists the rules.
"""

from __future__ import annotations

import json  # noqa: F401 - you will need it
import sqlite3
import time  # noqa: F401 - you will need it
from collections.abc import Iterator
from contextlib import closing, contextmanager

from django.conf import settings
from django.contrib.sessions.backends.base import (  # noqa: F401 - you will need them
    CreateError,
    SessionBase,
    UpdateError,
)

# ── Given: the table and a connection helper ──────────────────────────────────────────────

TABLE = "kata_session"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    session_key  TEXT PRIMARY KEY,
    session_data TEXT NOT NULL,
    expire_date  REAL NOT NULL
)
"""


@contextmanager
def connect() -> Iterator[sqlite3.Connection]:
    """Open ``settings.KATA_SESSION_DB``, make sure the table exists, and yield the connection.

    The block is one transaction: committed when it ends normally, rolled back when it
    raises. The connection is always closed. The path is read from settings on every call,
    so a test (or you, in a shell) can point the store at another file at any time.

        with connect() as db:
            row = db.execute("SELECT ... WHERE session_key = ?", (key,)).fetchone()
    """
    with closing(sqlite3.connect(settings.KATA_SESSION_DB, timeout=10)) as connection, connection:
        connection.execute(SCHEMA)
        yield connection


# ── Your engine ───────────────────────────────────────────────────────────────────────────


class SessionStore(SessionBase):
    """One visitor's session, stored as one row of ``kata_session``.

    Keep no session data on the class or the module: ``SessionBase`` keeps the loaded dict
    on the instance (``self._session_cache``) and calls ``load()`` at the first access.
    """

    def exists(self, session_key: str) -> bool:
        """True when the table has a row with this key, else False. (Rule 1.)"""
        raise NotImplementedError

    def load(self) -> dict:
        """Return the session dict stored under ``self.session_key`` (rule 6).

        Only a row whose ``expire_date > time.time()`` counts. No such row (unknown, forged
        or expired key): set ``self._session_key = None`` and return ``{}``, so the next
        ``save()`` gives this session a NEW random key. Never adopt a client's key.
        """
        raise NotImplementedError

    def create(self) -> None:
        """Give this session a new key and insert its row at once (rule 4).

        Loop: ``self._session_key = self._get_new_session_key()``, then
        ``self.save(must_create=True)``; on ``CreateError`` (key taken) try again.
        Finally ``self.modified = True``.
        """
        raise NotImplementedError

    def save(self, must_create: bool = False) -> None:
        """Write this session's row (rules 3 and 5).

        1. ``data = self._get_session(no_load=must_create)`` (this loads an unread session,
           and a load may reset the key).
        2. ``self.session_key is None`` → ``return self.create()``.
        3. ``json.dumps(data)`` and ``time.time() + self.get_expiry_age()``.
        4. ``must_create`` → INSERT; the key already has a row → raise ``CreateError``.
        5. Otherwise UPDATE the row of this key, never insert it: when no row was updated
           (it was deleted meanwhile, e.g. a logout in another tab) raise ``UpdateError``.
        """
        raise NotImplementedError

    def delete(self, session_key: str | None = None) -> None:
        """Delete the row of ``session_key`` (``None``: this session's own key; no key at
        all: do nothing). An unknown key is not an error. (Rule 7.)"""
        raise NotImplementedError

    @classmethod
    def clear_expired(cls) -> None:
        """Delete every row whose ``expire_date <= time.time()``; keep the others. (Rule 8.)"""
        raise NotImplementedError
