"""How often a source that restates a claim otherwise (pipeline/judge/align.py restated_otherwise) is right to
contradict it, on dev splits only: each claim against its gold evidence (FEVER-symmetric dev, Fool Me Twice dev)
or its whole document (FRANK dev, Factcheck-GPT stance dev, WiCE dev), read sentence by sentence and two
sentences at a time. A fire is right when the claim is refuted, wrong when it is supported, and unsure on FRANK's and
WiCE's "not supported". Prints one line per set and the rate that align.RESTATED_P states, (right + 1) / (right +
wrong + 2), from the sure fires only.

Usage: python benchmarks/restated.py --data ../shared/data [--examples]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from data import require

from veracity.eval.grounded import factcheck_gpt, frank, wice
from veracity.pipeline.judge.align import restated_otherwise
from veracity.text import sentence_spans

WRONG = {"SUPPORTS", "supported"}  # a fire on a claim with this gold label is a false contradiction
# FRANK's and WiCE's "not supported" may be contradicted or only not stated (a summary is unsupported when any of its
# sentences is, WiCE's partly supported claims are not supported): a fire there is neither right nor wrong for sure
UNSURE = {"not_supported"}


def sets(data: Path) -> dict[str, list[tuple[str, list[str], str]]]:
    bench, grounded = data / "bench", data / "grounded"
    fever = [json.loads(line) for line in (bench / "fever-symmetric/fever_symmetric_dev.jsonl").open()]
    fool = [json.loads(line) for line in (bench / "fool-me-twice/dev.jsonl").open()]

    def whole(cases: list, split_claim: bool) -> list[tuple[str, list[str], str]]:
        out = []
        for case in cases:
            sentences = [case.document[s.start:s.end] for s in sentence_spans(case.document)]
            claims = [case.claim[s.start:s.end] for s in sentence_spans(case.claim)] if split_claim else [case.claim]
            out += [(claim, sentences, case.label) for claim in claims]
        return out

    return {
        "fever-symmetric dev": [(r["claim"], [r["evidence"]], r["gold_label"]) for r in fever],
        "fool-me-twice dev": [(r["text"], [e["text"] for e in r["gold_evidence"]], r["label"]) for r in fool],
        "frank cnndm dev (summary sentences)": whole(frank(grounded / "frank_cnndm_dev.jsonl"), True),
        "frank xsum dev (summary sentences)": whole(frank(grounded / "frank_xsum_dev.jsonl"), True),
        "factcheck-gpt stance dev": whole(factcheck_gpt(grounded / "factcheck_gpt_stance_dev.jsonl"), False),
        "wice dev": whole(wice(data / "bench/wice/dev.jsonl"), False),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--examples", action="store_true", help="print each fire")
    args = parser.parse_args()
    require(args.data, ("bench/fever-symmetric/fever_symmetric_dev.jsonl", "bench/fool-me-twice/dev.jsonl",
                        "grounded/frank_cnndm_dev.jsonl", "grounded/frank_xsum_dev.jsonl",
                        "grounded/factcheck_gpt_stance_dev.jsonl", "bench/wice/dev.jsonl"), "restated.py")
    right = wrong = unsure = 0
    for name, rows in sets(args.data).items():
        seen: Counter[str] = Counter()
        for claim, sentences, label in rows:
            readings = sentences + [f"{a} {b}" for a, b in zip(sentences, sentences[1:])]
            kind = next((k for r in readings if (k := restated_otherwise(claim, r))), None)
            if kind is None:
                continue
            seen[f"{kind} on {label}"] += 1
            right, wrong, unsure = right + (label not in WRONG | UNSURE), wrong + (label in WRONG), unsure + (label in UNSURE)
            if args.examples:
                print(f"  {label} {kind}: {claim}")
        print(f"{name}: {len(rows)} claims; fires {dict(seen)}", flush=True)
    print(f"all: {right} right, {wrong} wrong, {unsure} unsure; (right + 1) / (right + wrong + 2) = "
          f"{(right + 1) / (right + wrong + 2):.3f}")


if __name__ == "__main__":
    main()
