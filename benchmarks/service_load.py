"""Load benchmark of the service: N checks submitted at once over HTTP to a real `veracity serve` on 127.0.0.1,
against the demo collection; every check followed on its event stream (SSE) to its end.

Usage: python benchmarks/service_load.py [--data examples] [--checks 50] [--workers 2] [--timeout 600]
                                         [--out benchmarks/results]
Writes OUT/service_load.json: p50/p95/max time from submit to report, throughput, errors, lost and duplicated
checks, and the server's peak RSS (VmHWM). Bounded: at most 500 checks, and the run stops at --timeout seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ("Did Chicago cooperate with ICE?", "Did the Chicago police share arrest records with ICE?",
             "Does Chicago's Welcoming City Ordinance limit police cooperation with immigration agents?",
             "Will the Chicago police assist with ICE deportations?", "Is Chicago a sanctuary city?")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def follow(url: str, job_id: str, deadline: float) -> tuple[str, float]:
    """Read the job's event stream until done/failed/cancelled; (last event, when it arrived)."""
    last = ""
    while time.monotonic() < deadline:
        try:
            with httpx.stream("GET", f"{url}/api/checks/{job_id}/events", timeout=deadline - time.monotonic(),
                              headers={"Last-Event-ID": "0"}) as response:
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        last = line.split(":", 1)[1].strip()
                        if last in ("done", "failed", "cancelled"):
                            return last, time.monotonic()
        except httpx.HTTPError:
            time.sleep(0.5)  # reconnect: the stored events replay
    return "timeout", time.monotonic()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "examples", help="the collection to serve (demo: examples/)")
    ap.add_argument("--checks", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"missing: the collection {args.data} (give --data, e.g. examples/)", file=sys.stderr)
        return 2
    checks = min(args.checks, 500)
    load = [round(x, 2) for x in os.getloadavg()]
    work = Path(tempfile.mkdtemp(prefix="veracity-load-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VERACITY_CONFIG": str(work / "none.toml"),
           "VERACITY_REQUESTS_PER_MINUTE": "0"}
    db = work / "load.db"
    subprocess.run([sys.executable, "-m", "veracity.cli", "ingest", str(args.data), "--db", str(db)], env=env,
                   check=True, capture_output=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (work / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "veracity.cli", "serve", "--db", str(db), "--port", str(port),
                               "--workers", str(args.workers)], env=env, stdout=log, stderr=subprocess.STDOUT)
    rss: list[float] = []
    stop = threading.Event()
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start; see " + str(work / "server.log"))

        def sample() -> None:
            while not stop.wait(0.5):
                value = peak_rss_mb(server.pid)
                if value is not None:
                    rss.append(value)

        threading.Thread(target=sample, daemon=True).start()
        deadline = time.monotonic() + args.timeout
        errors: list[str] = []

        def one(i: int) -> tuple[str | None, float, str, float]:
            start = time.monotonic()
            try:
                r = httpx.post(f"{url}/api/checks", json={"question": QUESTIONS[i % len(QUESTIONS)]}, timeout=60)
            except httpx.HTTPError as exc:
                errors.append(f"submit {i}: {exc}")
                return None, start, "error", time.monotonic()
            if r.status_code != 202:
                errors.append(f"submit {i}: HTTP {r.status_code} {r.text[:200]}")
                return None, start, "error", time.monotonic()
            job_id = r.json()["id"]
            last, at = follow(url, job_id, deadline)
            return job_id, start, last, at

        began = time.monotonic()
        with ThreadPoolExecutor(checks) as pool:
            results = list(pool.map(one, range(checks)))
        wall = time.monotonic() - began
        stop.set()
        ids = [r[0] for r in results if r[0]]
        jobs = [httpx.get(f"{url}/api/checks/{i}", timeout=30).json() for i in ids]
        times = sorted(at - start for job_id, start, last, at in results if last == "done")
        done = [j for j in jobs if j["state"] == "done"]
        check_ids = [j["result"]["check_id"] for j in done]
        with sqlite3.connect(db) as c:
            saved = c.execute("SELECT COUNT(*) FROM checks").fetchone()[0]
        out = {
            "checks": checks, "workers": args.workers, "collection": str(args.data.relative_to(ROOT))
            if args.data.is_relative_to(ROOT) else str(args.data),
            "completed": len(done), "errors": len(errors) + sum(1 for r in results if r[2] in ("failed", "error")),
            "lost": checks - len(done), "duplicated": len(check_ids) - len(set(check_ids)),
            "retried": sum(1 for j in done if j["attempts"] != 1), "checks_saved": saved,
            "time_to_report_s": {"p50": round(statistics.median(times), 2) if times else None,
                                 "p95": round(times[max(0, int(round(0.95 * len(times))) - 1)], 2) if times else None,
                                 "max": round(times[-1], 2) if times else None},
            "wall_s": round(wall, 1), "checks_per_minute": round(60 * len(done) / wall, 1),
            "server_peak_rss_mb": max(rss) if rss else None,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}",
            "load_average_at_start": load, "error_samples": errors[:5],
        }
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "service_load.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    ok = out["completed"] == checks and out["errors"] == 0 and out["duplicated"] == 0 and saved == checks
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
