"""Service memory: peak RSS of `veracity serve` with 1, 2 and 4 workers, each worker taking one check at once,
through benchmarks/service_load.py; and of a bare process whose 1, 2 or 4 threads first embed and score stance
at the same moment (as a pool's workers do when checks arrive together: the models load then).

Usage: python benchmarks/worker_memory.py [--root DIR] [--label NAME] [--workers 1 2 4] [--repeats 3]
                                          [--timeout 300] [--out benchmarks/results]
--root is the checkout whose veracity is measured (default: this one; an exported older commit gives the
figures before a change). Writes OUT/worker_memory.json, keeping the runs of other labels: for each label and
worker count, the server's peak RSS (VmHWM, sampled every 0.5 s) of each of --repeats fresh servers, their
median, and whether every check finished; for the bare process, its peak RSS (ru_maxrss). Bounded: one
check per worker, each run stopped at --timeout seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


AT_ONCE = """
import json, resource, sys, threading
from veracity.embed import MiniLMEmbedder
from veracity.stance import MiniLMStance
n = int(sys.argv[1])
barrier = threading.Barrier(n)
def run():
    barrier.wait(60)
    MiniLMEmbedder().embed(["Chicago police will not assist ICE."])
    MiniLMStance().score("Chicago police assisted ICE.", ["Chicago police will not assist ICE."])
threads = [threading.Thread(target=run) for _ in range(n)]
[t.start() for t in threads]
[t.join(300) for t in threads]
print(json.dumps({"threads": n, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def first_load_at_once(root: Path, n: int) -> dict[str, object]:
    """The peak RSS of a fresh process whose n threads embed and score stance at the same moment."""
    done = subprocess.run([sys.executable, "-c", AT_ONCE, str(n)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(root)}, cwd=root)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--label", default="shipped")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args()
    runs = []
    for n in args.workers:
        peaks, completed, walls = [], 0, []
        for _ in range(max(1, min(args.repeats, 10))):
            with tempfile.TemporaryDirectory(prefix="veracity-mem-") as out:
                done = subprocess.run([sys.executable, str(args.root / "benchmarks" / "service_load.py"), "--checks",
                                       str(n), "--workers", str(n), "--timeout", str(args.timeout), "--out", out,
                                       "--data", str(ROOT / "examples")], capture_output=True, text=True,
                                      cwd=args.root)  # the working folder comes first on sys.path
                path = Path(out) / "service_load.json"
                if not path.exists():
                    print(done.stderr[-2000:], file=sys.stderr)
                    return 1
                load = json.loads(path.read_text())
            peaks.append(load["server_peak_rss_mb"])
            completed += load["completed"]
            walls.append(load["wall_s"])
        runs.append({"workers": n, "checks": n * len(peaks), "completed": completed, "server_peak_rss_mb": peaks,
                     "median_peak_rss_mb": statistics.median(peaks), "wall_s": walls})
        print(json.dumps(runs[-1]), flush=True)
    bare = []
    for n in args.workers:
        peaks = [first_load_at_once(args.root, n) for _ in range(max(1, min(args.repeats, 10)))]
        bare.append({"threads": n, "peak_rss_mb": [p["peak_rss_mb"] for p in peaks],
                     "median_peak_rss_mb": statistics.median(float(str(p["peak_rss_mb"])) for p in peaks)})
        print(json.dumps(bare[-1]), flush=True)
    target = args.out / "worker_memory.json"
    results = json.loads(target.read_text()) if target.exists() else {}
    results[args.label] = {"service": runs, "first_load_at_once": bare, "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared), "
                           f"Python {platform.python_version()}", "load_average_at_start": [
                               round(x, 2) for x in os.getloadavg()]}
    args.out.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r["completed"] == r["checks"] for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
