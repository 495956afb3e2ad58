"""The service's worker pool: N threads, each a Worker with its own store connection and engine."""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left

from ..settings import Settings
from ..worker import Worker

log = logging.getLogger("veracity.service")
BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)  # seconds, for the check latency histogram


class Latency:
    """A Prometheus histogram of the time from taking a check to its report, for checks this process ran."""

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0
        self._lock = threading.Lock()

    def observe(self, seconds: float) -> None:
        with self._lock:
            self.counts[bisect_left(BUCKETS, seconds)] += 1
            self.total += seconds

    def lines(self, name: str) -> list[str]:
        with self._lock:
            out, running = [], 0
            for bound, n in zip((*BUCKETS, float("inf")), self.counts):
                running += n
                le = "+Inf" if bound == float("inf") else f"{bound:g}"
                out.append(f'{name}_bucket{{le="{le}"}} {running}')
            out += [f"{name}_sum {self.total:.3f}", f"{name}_count {running}"]
        return out


class Pool:
    def __init__(self, settings: Settings, size: int) -> None:
        self.settings = settings
        self.size = size
        self.latency = Latency()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def _done(self, kind: str, seconds: float) -> None:
        if kind == "check":
            self.latency.observe(seconds)

    def _run(self, index: int) -> None:
        worker = None
        try:
            worker = Worker(self.settings, on_done=self._done)
            worker.run(stop=self.stop, poll_s=0.25)
        except Exception:  # a worker that cannot start is logged; the others go on
            log.exception("worker %d stopped", index)
        finally:
            if worker is not None:
                worker.close()

    def start(self) -> None:
        for i in range(self.size):
            thread = threading.Thread(target=self._run, args=(i,), name=f"veracity-worker-{i}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def alive(self) -> int:
        return sum(t.is_alive() for t in self.threads)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)
