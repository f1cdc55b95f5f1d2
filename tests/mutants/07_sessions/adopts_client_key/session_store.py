"""Wrong: load() of an unknown key returns {} but keeps the client's key, so save() tries to update a row under a key the client chose instead of creating a fresh session with a new key (session fixation). Caught by: test_forged_key_gets_a_fresh_empty_session_with_a_new_key, test_djangos_middleware_on_your_engine_replaces_a_forged_cookie."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager

from django.conf import settings
from django.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError

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
    """
    with closing(sqlite3.connect(settings.KATA_SESSION_DB, timeout=10)) as connection, connection:
        connection.execute(SCHEMA)
        yield connection


# ── The engine ────────────────────────────────────────────────────────────────────────────


class SessionStore(SessionBase):
    """One visitor's session, stored as one row of ``kata_session``.

    No state lives on the class: each request builds its own ``SessionStore(key)``, and
    ``SessionBase`` keeps the loaded dict on the instance (``self._session_cache``).
    """

    def exists(self, session_key: str) -> bool:
        with connect() as db:
            row = db.execute(
                f"SELECT 1 FROM {TABLE} WHERE session_key = ?", (session_key,)
            ).fetchone()
        return row is not None

    def load(self) -> dict:
        with connect() as db:
            row = db.execute(
                f"SELECT session_data FROM {TABLE} WHERE session_key = ? AND expire_date > ?",
                (self.session_key, time.time()),
            ).fetchone()
        if row is None:
            # Unknown, forged or expired: forget the key the client sent. The next save()
            # then creates a fresh random key, so a key chosen by a client is never adopted.
            return {}
        return json.loads(row[0])

    def create(self) -> None:
        while True:
            self._session_key = self._get_new_session_key()
            try:
                # Insert at once: the row reserves the key (another request may have drawn it).
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return

    def save(self, must_create: bool = False) -> None:
        # Read the data first: loading a session that was never read may reset the key
        # (unknown key), and then this session must get a new key, not the client's one.
        data = self._get_session(no_load=must_create)
        if self.session_key is None:
            return self.create()
        # json.dumps raises TypeError for anything JSON cannot hold (set, datetime, objects),
        # before the database is touched: nothing half-written, a clear error.
        session_data = json.dumps(data)
        expire_date = time.time() + self.get_expiry_age()
        if must_create:
            try:
                with connect() as db:
                    db.execute(
                        f"INSERT INTO {TABLE} (session_key, session_data, expire_date) "
                        "VALUES (?, ?, ?)",
                        (self.session_key, session_data, expire_date),
                    )
            except sqlite3.IntegrityError:
                # The key is taken: the caller (create) draws another one. Never overwrite.
                raise CreateError from None
        else:
            with connect() as db:
                updated = db.execute(
                    f"UPDATE {TABLE} SET session_data = ?, expire_date = ? WHERE session_key = ?",
                    (session_data, expire_date, self.session_key),
                ).rowcount
            if updated == 0:
                # The row was deleted while this request ran (a logout in another tab): an
                # insert would bring the logged-out session back. The middleware answers 400.
                raise UpdateError

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            session_key = self.session_key
            if session_key is None:
                return
        with connect() as db:
            db.execute(f"DELETE FROM {TABLE} WHERE session_key = ?", (session_key,))

    @classmethod
    def clear_expired(cls) -> None:
        # The same test as load(): a row is live while expire_date > now.
        with connect() as db:
            db.execute(f"DELETE FROM {TABLE} WHERE expire_date <= ?", (time.time(),))
