"""How often a source that restates a claim otherwise (pipeline/judge/align.py restated_otherwise) is right to
contradict it, on licence-clean dev splits only: each claim against its gold evidence (FEVER-symmetric dev, Fool Me
Twice dev) or its whole document (FRANK dev, Factcheck-GPT stance dev, WiCE dev), read sentence by sentence (as
direct.restated reads a source), and the hypothesis of each pair of FEVER's RTE dev and SNLI dev (nli/combined)
against its premise's sentences. A fire is right when the claim is refuted (contradiction, not_entailment), wrong
when it is supported (entailment) or not settled (Factcheck-GPT's not_enough_evidence), and unsure on FRANK's and
WiCE's "not supported" and SNLI's neutral. Prints one line per set and the rate that align.RESTATED_P states,
(right + 1) / (right + wrong + 2), from the sure fires only; SICK and ANLI dev (evaluation only) are printed beside
it as a check and left out of the rate.

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

WRONG = {"SUPPORTS", "supported", "entailment", "not_enough_evidence"}  # a fire here is a false contradiction
# FRANK's and WiCE's "not supported" may be contradicted or only not stated (a summary is unsupported when any of its
# sentences is, WiCE's partly supported claims are not supported): a fire there is neither right nor wrong for sure
UNSURE = {"not_supported", "neutral"}
# licence-clean dev pairs from nli/combined: FEVER's RTE dev (not_entailment is refuted or not enough info; read
# one by one, its fires are contradictions) and SNLI dev
PAIRS = {("fever_rte", "dev"): "fever rte dev (nli/combined)", ("snli", "dev"): "snli dev (nli/combined)"}
# evaluation-only pairs, printed as a check and left out of the rate
CHECKS = {("sick", "train"): "sick train (evaluation only)", ("sick", "dev"): "sick dev (evaluation only)",
          ("anli_r1", "dev"): "anli r1 dev (evaluation only)", ("anli_r2", "dev"): "anli r2 dev (evaluation only)",
          ("anli_r3", "dev"): "anli r3 dev (evaluation only)"}


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

    pairs: dict[str, list[tuple[str, list[str], str]]] = {name: [] for name in {**PAIRS, **CHECKS}.values()}
    for line in (data / "nli/combined/pairs.jsonl").open():
        row = json.loads(line)
        name = {**PAIRS, **CHECKS}.get((row["source"], row["split"]))
        if name:
            premise = row["premise"]
            pairs[name].append((row["hypothesis"], [premise[s.start:s.end] for s in sentence_spans(premise)],
                                row["label"]))
    return pairs | {
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
                        "grounded/factcheck_gpt_stance_dev.jsonl", "bench/wice/dev.jsonl",
                        "nli/combined/pairs.jsonl"), "restated.py")
    tally: Counter[str] = Counter()
    for name, rows in sets(args.data).items():
        seen: Counter[str] = Counter()
        for claim, sentences, label in rows:
            kind = next((k for r in sentences if (k := restated_otherwise(claim, r))), None)  # as direct.restated
            if kind is None:
                continue
            seen[f"{kind} on {label}"] += 1
            outcome = "wrong" if label in WRONG else "unsure" if label in UNSURE else "right"
            if name not in CHECKS.values():
                tally[outcome] += 1
                tally[f"{kind} {outcome}"] += 1
            if args.examples:
                print(f"  {label} {kind}: {claim}")
        print(f"{name}: {len(rows)} claims; fires {dict(sorted(seen.items()))}", flush=True)
    right, wrong = tally["right"], tally["wrong"]
    kinds = {k: tally[k] for k in sorted(tally) if " " in k}
    print(f"all but the evaluation-only sets: {right} right, {wrong} wrong, {tally['unsure']} unsure {kinds}; "
          f"(right + 1) / (right + wrong + 2) = {(right + 1) / (right + wrong + 2):.3f}")


if __name__ == "__main__":
    main()
