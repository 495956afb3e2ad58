"""The PostgreSQL store's connections: the primary (two connections, so hybrid search runs its lexical and
dense queries at once), an optional read replica for searches (setting pg_replica), reconnecting after a lost
connection, and database errors as one-line StoreErrors. Passwords never appear in messages: `masked()` hides
them."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, NoReturn, TypeVar

from ..errors import StoreError

log = logging.getLogger("veracity.store")
_T = TypeVar("_T")


def masked(uri: str) -> str:
    """The URI with any password replaced by ***, for messages and logs."""
    uri = re.sub(r"(://[^:/@?#]*):[^@/?#]*@", r"\1:***@", uri)
    return re.sub(r"(?i)(password=)[^&\s]*", r"\1***", uri)



class Link:
    """One database connection, opened on first use and again after it was lost, and the lock its users hold."""

    def __init__(self, connect: Callable[[], Any], uri: str = "") -> None:
        self.connect = connect
        self.uri = uri
        self.lock = threading.RLock()
        self.conn: Any = None

    def get(self) -> Any:
        if self.conn is None or self.conn.closed:
            self.conn = self.connect()
        return self.conn

    def drop(self) -> None:
        if self.conn is not None:
            with suppress(Exception):  # already broken
                self.conn.close()
        self.conn = None


class PostgresConnections:
    """Mixed into PostgresStore: `_db` and `_transaction` for the primary, `_read` for the searches."""

    uri: str
    path: str
    replica: str | None

    def _links(self, replica: str | None) -> None:
        self._main = Link(lambda: self._connect(self.uri))
        self._search = Link(lambda: self._connect(self.uri))  # dense search's own connection: concurrent_search
        # a read replica (setting pg_replica) serves the searches, on two connections likewise
        self.replica = masked(replica) if replica else None
        self._replica = (Link(lambda: self._connect(replica), replica),
                         Link(lambda: self._connect(replica), replica)) if replica else None
        self._fence: str | None = None  # the WAL position of this store's last document write, until replayed
        self._replica_down = False

    # -- connection -----------------------------------------------------------------------------
    def _connect(self, uri: str) -> Any:
        import psycopg
        from pgvector.psycopg import register_vector

        conn = psycopg.connect(uri, autocommit=True, connect_timeout=10,
                               application_name="veracity")
        with suppress(psycopg.ProgrammingError):  # no vector type yet: migrate creates it, then registers
            register_vector(conn)
        return conn

    @property
    def db(self) -> Any:
        """The open connection (reconnecting after a lost one)."""
        return self._main.get()

    def _fail(self, exc: Exception, link: Link) -> NoReturn:
        import psycopg

        text = " ".join(str(exc).split())
        for uri in (self.uri, *(link.uri for link in self._replica or ())):
            for secret in re.findall(r"://[^:/@?#]*:([^@/?#]+)@", uri) + re.findall(r"(?i)password=([^&\s]+)", uri):
                text = text.replace(secret, "***")
        if self._replica and link in self._replica:
            raise StoreError(f"cannot search the read replica {self.replica}: {text}; start it or fix pg_replica "
                             f"(VERACITY_PG_REPLICA)", backend="postgres", retryable=True) from None
        lost = isinstance(exc, psycopg.OperationalError) or (link.conn is not None and link.conn.closed)
        if lost:
            link.drop()
            if "does not exist" in text and "database" in text:
                raise StoreError(f"cannot open the PostgreSQL store {self.path}: {text}; create the database "
                                 f"(createdb) or fix the URI in VERACITY_DB / --db", backend="postgres") from None
            if "password" in text or "authentication" in text:
                raise StoreError(f"cannot log in to PostgreSQL at {self.path}: {text}; check the user and "
                                 f"password in VERACITY_DB / --db (or ~/.pgpass)", backend="postgres") from None
            raise StoreError(f"cannot reach PostgreSQL at {self.path}: {text}; start the server or fix the URI in "
                             f"VERACITY_DB / --db, then retry", backend="postgres", retryable=True) from None
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            raise StoreError(f"PostgreSQL store {self.path}: {text}; ask the database owner for rights (or to run "
                             f"`veracity db migrate` once)", backend="postgres") from None
        raise StoreError(f"PostgreSQL store {self.path}: {text}", backend="postgres") from None

    @contextmanager
    def _db(self, link: Link | None = None) -> Iterator[Any]:
        """A connection (the main one unless told), under its lock; database errors become one-line
        StoreErrors."""
        import psycopg

        link = link or self._main
        with link.lock:
            try:
                yield link.get()
            except psycopg.Error as exc:
                self._fail(exc, link)

    @contextmanager
    def _transaction(self, link: Link | None = None) -> Iterator[Any]:
        with self._db(link) as db, db.transaction():
            yield db

    def _read(self, run: Callable[[Any], _T], *, second: bool = False) -> _T:
        """Run a search-side read in a transaction: on the read replica when one is set and has replayed this
        store's own writes (so a document just written is found), else on the primary. A replica that cannot be
        reached is logged and the primary answers. second: the second connection (dense search's)."""
        primary = self._search if second else self._main
        link = primary if self._replica is None else self._replica[1 if second else 0]
        try:
            if link is not primary and self._fence is not None:
                with self._db(link) as db:
                    row = db.execute("SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)",
                                     (self._fence,)).fetchone()
                if not row[0]:
                    link = primary
                else:
                    self._fence = None
            with self._transaction(link) as db:
                result = run(db)
            self._replica_down = False
            return result
        except StoreError as exc:
            if link is primary or not exc.retryable:
                raise
            if not self._replica_down:  # once an outage, not once a search
                log.warning("%s; the primary answers until it is back", exc)
                self._replica_down = True
            with self._transaction(primary) as db:
                return run(db)

    def close(self) -> None:
        for link in (self._main, self._search):
            with link.lock:
                link.drop()

