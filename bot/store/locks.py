"""A lock one process of a PostgreSQL database holds for as long as it runs: a session advisory
lock (`pg_try_advisory_lock`) on a connection of its own.

PostgreSQL releases it when that connection ends, however the process ended (stopped, killed,
its host gone), so a standby waiting for it takes over without a lease to expire. A process that
loses the connection loses the lock with it: `held` tells, and the holder should stop. SQLite has
no such lock (`Store.session_lock` gives None there).
"""

from __future__ import annotations

import contextlib
import hashlib

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from bot.store.database import DatabaseUnavailable


class SessionLock:
    """The advisory lock named `name` of one PostgreSQL database."""

    def __init__(self, engine: Engine, name: str) -> None:
        self._engine = engine
        self.name = name
        # advisory locks are keyed by a 64-bit integer: a stable one from the name
        digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
        self._key = int.from_bytes(digest, "big", signed=True)
        self._connection: Connection | None = None
        self._held = False

    def try_acquire(self) -> bool:
        """Take the lock if no other session holds it; DatabaseUnavailable when the database
        cannot be reached."""
        if self._held:
            return True
        try:
            if self._connection is None:
                self._connection = self._engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                )
            query = text("SELECT pg_try_advisory_lock(:key)")
            self._held = bool(self._connection.execute(query, {"key": self._key}).scalar())
        except DBAPIError as exc:
            self._drop_connection()
            raise DatabaseUnavailable(f"database unavailable: {exc.orig}") from exc
        return self._held

    def held(self) -> bool:
        """Whether the lock is still held: its connection answers."""
        if not self._held or self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
        except DBAPIError:
            self._drop_connection()
            return False
        return True

    def release(self) -> None:
        """Let the lock go: unlocked at once (a closed connection's session, and its lock, may
        outlive the close by a moment), then its connection closed."""
        if self._held and self._connection is not None:
            with contextlib.suppress(DBAPIError):  # gone already, and the lock with it
                unlock = text("SELECT pg_advisory_unlock(:key)")
                self._connection.execute(unlock, {"key": self._key})
        self._drop_connection()

    def _drop_connection(self) -> None:
        """Close the lock's connection for good (not back to the pool, where its session and
        the lock would live on)."""
        self._held = False
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(DBAPIError):  # gone already, and the lock with it
                connection.invalidate()
            connection.close()
