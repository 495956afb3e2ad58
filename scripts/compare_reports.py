"""Behaviour unchanged? Write the JSON reports of a fixed set of questions, then compare two such sets.

A refactor must leave every report the same except its id and timings. Run `write` before and after the change
(before: from a checkout of the old commit, e.g. `git worktree add /tmp/before HEAD`, then
`PYTHONPATH=/tmp/before python scripts/compare_reports.py write /tmp/reports-before`), then `compare`.

Usage: python scripts/compare_reports.py write OUT_DIR [--collection examples]
       python scripts/compare_reports.py compare BEFORE_DIR AFTER_DIR     (exit 1 when a report differs)
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

QUESTIONS = [
    "Did Chicago cooperate with ICE?",
    "Did Chicago cooperate with ice",
    "What is the current policy for Chicago police cooperation with ICE operations?",
    "The cost of sheltering migrants in Chicago has reached $574.5 million since August 2022.",
    "The Chicago Police Department will not assist with upcoming deportations by ICE in the city.",
    "The Chicago Police Department will assist ICE with upcoming deportations in the city.",
    "Mary Richardson-Lowry is Chicago's Corporation Counsel.",
    "Brandon Johnson was elected mayor of Chicago in April 2023.",
    "Chicago became a sanctuary city in 1985.",
    "More than 20,000 migrants have arrived in Chicago since August 2022. The city has spent $574.5 million on "
    "migrants. Chicago police will assist ICE with deportations.",
    "Is the moon made of cheese?",
]
VOLATILE = {"id", "timings_ms", "checked_on"}  # differ between any two runs of the same check


def stable(value: Any) -> Any:
    """The report without the fields that differ between runs."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def write(out: Path, collection: Path) -> None:
    from veracity import Engine
    from veracity.render import render
    from veracity.settings import Settings

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        engine = Engine(Settings.load(db=str(Path(work) / "store.db")))
        engine.ingest([collection])
        for i, question in enumerate(QUESTIONS):
            report = json.loads(render(engine.check(question, save=False), "json"))
            (out / f"{i:02d}.json").write_text(json.dumps(stable(report), indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(QUESTIONS)} reports to {out}")


def compare(before: Path, after: Path) -> int:
    differing = 0
    for old in sorted(before.glob("*.json")):
        new = after / old.name
        a = old.read_text().splitlines()
        b = new.read_text().splitlines() if new.exists() else []
        if a != b:
            differing += 1
            print(f"{old.name} differs:")
            print("\n".join(list(difflib.unified_diff(a, b, "before", "after", n=1, lineterm=""))[:40]))
    print(f"{differing} of {len(list(before.glob('*.json')))} reports differ")
    return 1 if differing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="write the reports")
    w.add_argument("out", type=Path)
    w.add_argument("--collection", type=Path, default=Path(__file__).resolve().parents[1] / "examples")
    c = sub.add_parser("compare", help="compare two folders of reports")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "write":
        write(args.out, args.collection)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
