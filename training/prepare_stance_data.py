"""Build the licence-clean training set for the stance model, and its data card.

Only sets whose licence allows a shipped model to learn from them are read, and never a test split:

- SNLI dev (CC BY-SA 4.0), from nli/combined/pairs.jsonl
- FEVER RTE dev (CC BY-SA 3.0, binary entailment / not_entailment), from nli/combined/pairs.jsonl
- FEVER-symmetric dev and generated (CC BY-SA 3.0), from nli/combined/pairs.jsonl
- Fool Me Twice dev (Apache-2.0): gold evidence -> its label, one retrieved non-gold sentence -> neutral
- WiCE dev (annotations ODC-BY): supported claims -> their supporting sentences (entailment),
  one sentence outside every supporting set -> neutral

Usage: python training/prepare_stance_data.py --data ../shared/data --out training/build
Writes OUT/stance_train.jsonl.gz, OUT/stance_dev.jsonl.gz and OUT/DATA_CARD.md.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
from collections import Counter
from pathlib import Path

SEED = 13
LABELS = ("supports", "refutes", "neutral")
NLI_TO_STANCE = {"entailment": "supports", "contradiction": "refutes", "neutral": "neutral",
                 "not_entailment": "not_supports"}
COMBINED_KEEP = {("snli", "dev"), ("fever_rte", "dev"), ("fever_symmetric", "dev"),
                 ("fever_symmetric", "generated")}
LICENCES = {
    "snli": "CC BY-SA 4.0", "fever_rte": "CC BY-SA 3.0", "fever_symmetric": "CC BY-SA 3.0",
    "fool_me_twice": "Apache-2.0", "wice": "ODC-BY (annotations), CC BY-SA (Wikipedia text)",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def from_combined(path: Path):
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        if (row["source"], row["split"]) in COMBINED_KEEP:
            yield {"source": row["source"], "claim": row["hypothesis"], "evidence": row["premise"],
                   "label": NLI_TO_STANCE[row["label"]]}


def from_fool_me_twice(path: Path, rng: random.Random):
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        gold = [e["text"] for e in row.get("gold_evidence", [])]
        if not gold:
            continue
        label = "supports" if row["label"] == "SUPPORTS" else "refutes"
        yield {"source": "fool_me_twice", "claim": row["text"], "evidence": " ".join(gold), "label": label}
        others = [e["text"] for e in row.get("retrieved_evidence", []) if e["text"] not in gold]
        if others:
            yield {"source": "fool_me_twice", "claim": row["text"], "evidence": rng.choice(others),
                   "label": "neutral"}


def from_wice(path: Path, rng: random.Random):
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        if row["label"] != "supported" or not row.get("supporting_sentences"):
            continue
        sentences = row["evidence"]
        best = row["supporting_sentences"][0]
        text = " ".join(sentences[i] for i in best if i < len(sentences))
        if text:
            yield {"source": "wice", "claim": row["claim"], "evidence": text, "label": "supports"}
        used = {i for group in row["supporting_sentences"] for i in group}
        spare = [s for i, s in enumerate(sentences) if i not in used and len(s) > 40
                 and not s.startswith("(meta data)")]
        if spare:
            yield {"source": "wice", "claim": row["claim"], "evidence": rng.choice(spare), "label": "neutral"}


NEGATIONS = ((" is ", " is not "), (" was ", " was not "), (" are ", " are not "), (" were ", " were not "),
             (" can ", " cannot "), (" will ", " will not "), (" has been ", " has not been "),
             (" have been ", " have not been "), (" did ", " did not "), (" does ", " does not "))
_ENTITY = re.compile(r"(?<!^)(?<![.!?] )\b([A-Z][a-z]+(?: [A-Z][a-z]+)*|\d{3,4})\b")


def negated(claim: str) -> str | None:
    for plain, negative in NEGATIONS:
        if plain in claim and negative not in claim:
            return claim.replace(plain, negative, 1)
    return None


def augment(rows: list[dict], rng: random.Random) -> list[dict]:
    """Counter the lexical-overlap shortcut: FEVER-style mutations of supported claims are refuted.

    - negation: the first auxiliary of a supported claim negated ("is" -> "is not");
    - substitution: a name or year in a supported claim that the evidence mentions, swapped for another
      name or year taken from a different claim.
    """
    pool: dict[bool, list[str]] = {True: [], False: []}
    for r in rows:
        for e in _ENTITY.findall(r["claim"]):
            pool[e.isdigit()].append(e)
    out = []
    for r in rows:
        if r["label"] != "supports" or r["source"] == "snli":
            continue
        if rng.random() < 0.5 and (claim := negated(r["claim"])):
            out.append({**r, "source": r["source"] + "+negation", "claim": claim, "label": "refutes"})
        names = [e for e in _ENTITY.findall(r["claim"]) if e in r["evidence"]]
        if names and rng.random() < 0.5:
            old = rng.choice(names)
            new = rng.choice(pool[old.isdigit()])
            if new != old and new not in r["evidence"]:
                out.append({**r, "source": r["source"] + "+substitution", "claim": r["claim"].replace(old, new, 1),
                            "label": "refutes"})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("training/build"))
    parser.add_argument("--dev-fraction", type=float, default=0.05)
    args = parser.parse_args()
    rng = random.Random(SEED)
    inputs = {
        "nli/combined/pairs.jsonl": args.data / "nli/combined/pairs.jsonl",
        "bench/fool-me-twice/dev.jsonl": args.data / "bench/fool-me-twice/dev.jsonl",
        "bench/wice/dev.jsonl": args.data / "bench/wice/dev.jsonl",
    }
    rows = list(from_combined(inputs["nli/combined/pairs.jsonl"]))
    rows += list(from_fool_me_twice(inputs["bench/fool-me-twice/dev.jsonl"], rng))
    rows += list(from_wice(inputs["bench/wice/dev.jsonl"], rng))
    rows.sort(key=lambda r: (r["source"], r["claim"], r["evidence"]))
    rows += augment(rows, rng)
    rng.shuffle(rows)
    # The dev part is held out by claim, so no claim is on both sides.
    claims = sorted({r["claim"] for r in rows})
    dev_claims = set(rng.sample(claims, int(len(claims) * args.dev_fraction)))
    train = [r for r in rows if r["claim"] not in dev_claims]
    dev = [r for r in rows if r["claim"] in dev_claims]
    args.out.mkdir(parents=True, exist_ok=True)
    for name, part in (("stance_train.jsonl.gz", train), ("stance_dev.jsonl.gz", dev)):
        with gzip.open(args.out / name, "wt", encoding="utf-8", compresslevel=9) as fh:
            for row in part:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = Counter((r["source"], r["label"]) for r in rows)
    lines = ["# Stance model training data card", "",
             f"Built by training/prepare_stance_data.py (seed {SEED}); {len(train)} train rows, "
             f"{len(dev)} held-out dev rows (split by claim).", "",
             "Rows marked +negation and +substitution are made here from supported claims of the same set "
             "(FEVER-style mutations), labelled refutes.", "",
             "| source | licence | label | rows |", "|---|---|---|---|"]
    for (source, label), n in sorted(counts.items()):
        lines.append(f"| {source} | {LICENCES[source.split('+')[0]]} | {label} | {n} |")
    lines += ["", "Input files (sha256):", ""]
    lines += [f"- `{name}`: `{sha256(path)}`" for name, path in inputs.items()]
    lines += ["", "Not used (evaluation only or no licence established): SICK, ANLI, SciFact, AVeriTeC, "
              "HealthVer, Climate-FEVER, COVID-Fact, every test split, SNLI test.", ""]
    (args.out / "DATA_CARD.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(train)} train, {len(dev)} dev rows -> {args.out}")


if __name__ == "__main__":
    main()
