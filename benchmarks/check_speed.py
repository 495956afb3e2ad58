"""Check latency on the demo collection: the judge step and a whole warm check, claim after claim.

Issue 21's speed targets: the judge step at most 0.5 s for 12 evidence sentences, a warm check at most 1.5 s, on
this 2-core CPU. Each claim below is different, so no score is reused from an earlier check; the first check
(model loading) is left out. The judge step's time is the report's own `timings_ms["judge"]` (it reads the
pool of JUDGE_POOL sentences, each alone and with its follower, and scores the report's evidence). The
stance model's pairs/s on the same machine, in the same run, is given beside it, with the load average, because
this machine is shared.

Usage: python benchmarks/check_speed.py --out benchmarks/results [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from veracity import Engine
from veracity.pipeline.select import JUDGE_POOL
from veracity.settings import Settings
from veracity.stance import StanceModel
from veracity.types import Stance

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = [
    "The cost of sheltering migrants in Chicago has reached $574.5 million since August 2022.",
    "More than 20,000 migrants have arrived in Chicago since August 2022.",
    "The Chicago Police Department will not assist with upcoming deportations by ICE in the city.",
    "The Chicago Police Department will assist ICE with upcoming deportations in the city.",
    "Chicago became a sanctuary city in 1985.",
    "Chicago police sent ICE arrest records.",
    "Mary Richardson-Lowry is Chicago's Corporation Counsel.",
    "Brandon Johnson was elected mayor of Chicago in April 2023.",
    "Chicago's police department hired 500 new officers in 2024.",
    "The migrant shelter costs in Chicago reached $1 billion.",
    "Did Chicago cooperate with ICE?",
    "Does the Welcoming City Ordinance bar police from helping with civil immigration enforcement?",
    "What is Chicago's policy on police cooperation with ICE?",
    "Illinois Attorney General Kwame Raoul is investigating the police department's records sharing.",
    "Chicago police handed arrest records to federal immigration agents.",
    "Chicago stopped housing migrants in city shelters.",
    "The city of Chicago spent nothing on migrants.",
    "Federal agents conducted immigration raids in Chicago.",
    "Chicago's mayor supports the Trump administration's deportation plans.",
    "A supervisor must decline civil immigration requests from ICE.",
]


class Counted:
    """The engine's stance model, counting the pairs it scores."""

    def __init__(self, inner: StanceModel) -> None:
        self.inner, self.name, self.version, self.pairs = inner, inner.name, inner.version, 0

    def score(self, claim: str, evidence: list[str]) -> list[Stance]:
        self.pairs += len(evidence)
        return self.inner.score(claim, evidence)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for check_speed.json")
    parser.add_argument("--repeats", type=int, default=2, help="passes over the claims (each in a fresh engine)")
    args = parser.parse_args()
    judge_ms: list[float] = []
    check_s: list[float] = []
    pairs_scored: list[int] = []
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "demo.db"
        Engine(Settings.load(db=str(db))).ingest([ROOT / "examples"])
        for _ in range(args.repeats):
            engine = Engine(Settings.load(db=str(db)))  # fresh: nothing scored in an earlier pass is reused
            engine.check("Is the Welcoming City Ordinance still in force?", save=False)  # loads the models
            counted = Counted(engine.stance)
            engine._stance = counted  # counts the claim/sentence pairs each check scores
            for claim in CLAIMS:
                counted.pairs = 0
                started = time.perf_counter()
                report = engine.check(claim, save=False)
                check_s.append(time.perf_counter() - started)
                judge_ms.append(report.timings_ms["judge"])
                pairs_scored.append(counted.pairs)
    from veracity.stance import MiniLMStance

    stance = MiniLMStance()
    pairs = [(c, "The Chicago Police Department announced on Monday that they will not be assisting ICE.") for c in
             CLAIMS] * 3
    stance.probabilities(pairs[:4])
    started = time.perf_counter()
    stance.probabilities(pairs)
    pairs_per_s = len(pairs) / (time.perf_counter() - started)
    q = statistics.quantiles
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "checks": len(check_s), "judge_pool": JUDGE_POOL,
        "judge_step_s": {"median": round(statistics.median(judge_ms) / 1000, 3),
                         "p95": round(q(judge_ms, n=20)[-1] / 1000, 3), "max": round(max(judge_ms) / 1000, 3)},
        "warm_check_s": {"median": round(statistics.median(check_s), 3), "p95": round(q(check_s, n=20)[-1], 3),
                         "max": round(max(check_s), 3)},
        "stance_pairs_per_check_median": statistics.median(pairs_scored),
        "stance_pairs_per_s_same_run": round(pairs_per_s, 1),
        "targets": {"judge_step_s": 0.5, "warm_check_s": 1.5},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "check_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
