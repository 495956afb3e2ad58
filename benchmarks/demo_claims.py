"""Claims over the demo articles (examples/), each with the label a careful reader of the three articles gives:
how many the verdict gets, end to end through `Engine.check` on a fresh SQLite store.

benchmarks/demo_claims.tsv holds 33 claims written in session 14 for this check, before the rules they measured
were changed (18 the articles state, 10 they contradict, 5 they never address); label TAB claim, one a line. Two of
them are kept as tests (tests/test_direct.py). It is dev data: the rules are measured here, so its figure is not a
held-out one.

Usage: python benchmarks/demo_claims.py --out benchmarks/results [--claims benchmarks/demo_claims.tsv]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

from veracity import Engine
from veracity.settings import Settings
from veracity.version import __version__

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=Path, default=ROOT / "benchmarks/demo_claims.tsv")
    parser.add_argument("--out", type=Path, help="write demo_claims.json here")
    args = parser.parse_args()
    rows = [line.rstrip("\n").split("\t", 1) for line in args.claims.open() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(Settings.load(db=Path(tmp) / "demo.db"))
        engine.ingest([ROOT / "examples"])
        results = []
        for gold, claim in rows:
            verdict = engine.check(claim, save=False).verdict
            label = verdict.label if verdict else "none"
            results.append({"claim": claim, "gold": gold, "label": label,
                            "confidence": verdict.confidence if verdict else None})
            print(f"{'ok ' if label == gold else 'XX '} {gold:20s} {label:20s} "
                  f"{verdict.confidence if verdict else 0:.2f}  {claim}", flush=True)
    right = Counter(r["gold"] for r in results if r["label"] == r["gold"])
    total = Counter(r["gold"] for r in results)
    summary = {gold: f"{right[gold]} of {total[gold]}" for gold in total}
    print(f"right: {sum(right.values())} of {len(results)} {summary}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "demo_claims.json").write_text(json.dumps(
            {"veracity": __version__, "right": sum(right.values()), "claims": len(results), "by_label": summary,
             "results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
