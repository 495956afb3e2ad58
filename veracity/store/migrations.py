"""The migration runner both stores use: numbered migrations applied in order and recorded in the store.

Each migration is a small function named m<NNN>_<what>, taking the backend's connection; a backend lists its
own in order (`sqlite_migrations.MIGRATIONS`, `postgres_migrations.MIGRATIONS`: each counts its own schema).
A store records the name of every migration applied to it (table `migrations`), so a new one is applied
exactly once, and the highest number is kept in `meta.schema_version` for older readers. `migrate` runs
inside the caller's transaction: the migrations are applied whole or not at all. Never edit a released
migration; add the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .sql import Dialect, Session

Migration = Callable[[Any], None]

# the table of applied migrations, as each backend writes its default time
MIGRATIONS_TABLE = {"sqlite": "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
                              "applied_at TEXT NOT NULL DEFAULT (datetime('now')))",
                    "postgres": "CREATE TABLE IF NOT EXISTS migrations (name text PRIMARY KEY, "
                                "applied_at timestamptz NOT NULL DEFAULT now())"}
TABLE_EXISTS = {"sqlite": "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                "postgres": "SELECT 1 WHERE to_regclass(?) IS NOT NULL"}


def number(migration: Migration) -> int:
    return int(migration.__name__[1:4])


def latest(migrations: Sequence[Migration]) -> int:
    return max(number(m) for m in migrations)


def _exists(db: Session, table: str) -> bool:
    return db.execute(TABLE_EXISTS[db.dialect.backend], (table,)).fetchone() is not None


def applied(conn: Any, dialect: Dialect, migrations: Sequence[Migration]) -> set[str]:
    """Names of the migrations a store has had. A store from before the migrations table (SQLite 0.1.0 and
    0.1.x) recorded only meta.schema_version: its migrations up to that number count as applied."""
    db = Session(conn, dialect)
    if _exists(db, "migrations"):
        return {r[0] for r in db.execute("SELECT name FROM migrations").fetchall()}
    if not _exists(db, "meta"):
        return set()
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    version = int(row[0]) if row else 0
    return {m.__name__ for m in migrations if number(m) <= version}


def pending(conn: Any, dialect: Dialect, migrations: Sequence[Migration]) -> list[Migration]:
    done = applied(conn, dialect, migrations)
    return [m for m in migrations if m.__name__ not in done]


def migrate(conn: Any, dialect: Dialect, migrations: Sequence[Migration]) -> list[str]:
    """Apply every pending migration in order, inside the caller's transaction; returns their names."""
    db = Session(conn, dialect)
    done = applied(conn, dialect, migrations)
    db.execute(MIGRATIONS_TABLE[dialect.backend])
    db.executemany("INSERT INTO migrations (name) VALUES (?) ON CONFLICT DO NOTHING", [(n,) for n in sorted(done)])
    names = []
    for migration in migrations:
        if migration.__name__ in done:
            continue
        migration(conn)
        db.execute("INSERT INTO migrations (name) VALUES (?)", (migration.__name__,))
        names.append(migration.__name__)
    db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET "
               "value = excluded.value", (str(latest(migrations)),))
    return names
