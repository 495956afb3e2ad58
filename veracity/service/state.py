"""What every request of the service shares."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from ..engine import Engine
from ..settings import Settings
from .pool import Pool
from .security import HostCheck, RateLimit, loopback

T = TypeVar("T")


class Service:
    """What every request shares: the settings, one engine (its store used under a lock, since one SQLite
    connection must not be used by two threads at once), the worker pool, the rate limiter, and the address the
    server listens on (host): requests must name it, and beyond loopback (public) reads need the token too."""

    def __init__(self, settings: Settings, workers: int, host: str = "127.0.0.1") -> None:
        self.settings = settings
        self.host = host
        self.hosts = HostCheck(host, settings.allowed_hosts)
        self.public = not loopback(host)
        self.engine = Engine(settings, create=True)
        self.lock = threading.Lock()
        self.pool = Pool(settings, workers)
        self.limit = RateLimit(settings.requests_per_minute)

    async def run(self, fn: Callable[[Engine], T]) -> T:
        """Call fn(engine) on a worker thread, holding the store lock."""
        def locked() -> T:
            with self.lock:
                return fn(self.engine)

        return await run_in_threadpool(locked)
