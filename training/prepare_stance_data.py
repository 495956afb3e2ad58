"""Build the licence-clean training set for the stance model, and its data card.

Only sets whose licence allows a shipped model to learn from them are read, and never a test split:

- SNLI dev (CC BY-SA 4.0), from nli/combined/pairs.jsonl
- FEVER RTE dev (CC BY-SA 3.0, binary entailment / not_entailment), from nli/combined/pairs.jsonl
- FEVER-symmetric dev and generated (CC BY-SA 3.0), from nli/combined/pairs.jsonl
- Fool Me Twice dev (Apache-2.0): gold evidence -> its label, one retrieved non-gold sentence -> neutral
- WiCE dev (annotations ODC-BY), stance half: supported claims -> their supporting sentences (entailment),
  one sentence outside every supporting set -> neutral
- Check-COVID train (MIT): news claims about COVID-19 -> their evidence sentences from the abstracts
  (the train part only: Check-COVID_all.json minus its dev and test files)
- Chunk-level rows, from the STANCE HALF of WiCE dev and Factcheck-GPT stance dev (Apache-2.0) only (chosen by
  hash, `stance_half`): the other half is left for benchmarks/fit_direct.py, whose heads and thresholds must be
  fitted on stance scores the model never trained on.
  - WiCE dev: a supported claim -> its supporting sentences with one sentence of context each side (supports);
    a partially supported claim -> its partial supporting sentences (not_supports: part of the claim is not
    there); a not supported claim -> the passage sharing most of its words (not_supports);
  - Factcheck-GPT: claim -> its whole passage (supports, refutes, or neutral for irrelevant and partial);
  - made by rule from those documents' sentences, as FactCC did: a sentence read in its chunk (the sentence and
    one neighbour each side) supports itself; with a number or name swapped for another from the same document,
    or negated, it is refuted; read against a chunk of the same document that does not hold it, neutral.
FRANK dev is never trained on, so the FRANK figures of fit_direct stay free of the stance model's training data.

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
    "factcheck_gpt": "Apache-2.0", "wice_chunk": "ODC-BY (annotations), CC BY-SA (Wikipedia text)",
    "snli": "CC BY-SA 4.0", "fever_rte": "CC BY-SA 3.0", "fever_symmetric": "CC BY-SA 3.0",
    "fool_me_twice": "Apache-2.0", "wice": "ODC-BY (annotations), CC BY-SA (Wikipedia text)",
    "check_covid": "MIT",
}
SNLI_ROWS = 5000
NEW_SOURCES = ("wice_chunk", "factcheck_gpt")  # the chunk-level rows (made-by-rule rows end in +rule)
CHECK_COVID_LABELS = {"SUPPORT": "supports", "REFUTE": "refutes", "NOTENOUGHINFO": "neutral"}


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
        if row["label"] != "supported" or not row.get("supporting_sentences") or not stance_half(row["claim"]):
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


def stance_half(key: str) -> bool:
    """True for the half of WiCE dev and Factcheck-GPT dev the stance model trains on (by claim for WiCE, by
    document for Factcheck-GPT); benchmarks/fit_direct.py fits its heads on the other half only."""
    return hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 == 0


def wice_lines(row: dict) -> list[str]:
    return [s for s in row["evidence"] if not s.startswith("(meta data)")]


def context(sentences: list[str], picked: list[int], width: int = 1) -> str:
    """The picked sentences with `width` neighbours each side, in document order."""
    keep = sorted({j for i in picked for j in range(i - width, i + width + 1) if 0 <= j < len(sentences)})
    return " ".join(sentences[j] for j in keep)


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 3}


def from_wice_chunks(path: Path):
    """WiCE dev, stance half: claims read against chunks, partial support marked as not supporting."""
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        if not stance_half(row["claim"]):
            continue
        sentences = row["evidence"]
        groups = [[i for i in g if i < len(sentences) and not sentences[i].startswith("(meta data)")]
                  for g in row.get("supporting_sentences") or []]
        groups = [g for g in groups if g]
        if row["label"] == "supported" and groups:
            yield {"source": "wice_chunk", "claim": row["claim"], "evidence": context(sentences, groups[0]),
                   "label": "supports"}
        elif row["label"] == "partially_supported" and groups:
            yield {"source": "wice_chunk", "claim": row["claim"], "evidence": context(sentences, groups[0], 0),
                   "label": "not_supports"}
        elif row["label"] == "not_supported":
            lines = wice_lines(row)
            if lines:
                wanted = words(row["claim"])
                best = max(range(len(lines)), key=lambda i: len(wanted & words(lines[i])))
                yield {"source": "wice_chunk", "claim": row["claim"], "evidence": context(lines, [best]),
                       "label": "not_supports"}


FCGPT_LABELS = {"supported": "supports", "refuted": "refutes", "not_enough_evidence": "neutral"}


def from_factcheck_gpt(path: Path):
    """Factcheck-GPT stance dev, stance half (by document): claim against its whole passage."""
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        if stance_half(row["document"]):
            yield {"source": "factcheck_gpt", "claim": row["claim"], "evidence": row["document"],
                   "label": FCGPT_LABELS[row["label"]]}


NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])", text) if s.strip()]


def made_by_rule(documents: list[tuple[str, list[str]]], rng: random.Random, per_document: int = 4):
    """FactCC-style rows from documents' own sentences (source, sentences): see the module docstring."""
    for source, sentences in documents:
        usable = [i for i, s in enumerate(sentences) if 40 <= len(s) <= 240 and not s.endswith("?")]
        if len(sentences) < 4 or not usable:
            continue
        text = " ".join(sentences)
        numbers = list(dict.fromkeys(NUMBER.findall(text)))
        names = list(dict.fromkeys(_ENTITY.findall(text)))
        for i in rng.sample(usable, min(per_document, len(usable))):
            claim = sentences[i]
            chunk = context(sentences, [i])
            draw = rng.random()
            if draw < 0.3:
                yield {"source": source + "+rule", "claim": claim, "evidence": chunk, "label": "supports"}
                continue
            if draw < 0.5:
                far = [j for j in range(len(sentences)) if abs(j - i) > 2]
                if far:
                    yield {"source": source + "+rule", "claim": claim,
                           "evidence": context(sentences, [rng.choice(far)]), "label": "neutral"}
                continue
            own_numbers = [n for n in numbers if n in NUMBER.findall(claim)]
            own_names = [n for n in names if n in claim]
            options = []
            if own_numbers and len(numbers) > len(own_numbers):
                old = rng.choice(own_numbers)
                new = rng.choice([n for n in numbers if n not in own_numbers])
                options.append(re.sub(rf"(?<![\d,.]){re.escape(old)}(?![\d,.]\d)", new, claim, count=1))
            if own_names and len(names) > len(own_names):
                old = rng.choice(own_names)
                new = rng.choice([n for n in names if n not in own_names and n.isdigit() == old.isdigit()] or [old])
                options.append(claim.replace(old, new, 1))
            if negative := negated(claim):
                options.append(negative)
            options = [o for o in options if o != claim]
            if options:
                yield {"source": source + "+rule", "claim": rng.choice(options), "evidence": chunk, "label": "refutes"}


def rule_documents(wice_path: Path, fcgpt_path: Path, covid_corpus: Path, rng: random.Random,
                   covid_documents: int = 2500) -> list[tuple[str, list[str]]]:
    """The documents made_by_rule reads: the stance half's WiCE and Factcheck-GPT documents, and a sample of the
    Check-COVID corpus abstracts (MIT)."""
    docs: list[tuple[str, list[str]]] = []
    for line in wice_path.open(encoding="utf-8"):
        row = json.loads(line)
        if stance_half(row["claim"]):
            docs.append(("wice", [s for s in wice_lines(row) if not s.startswith("#")]))
    seen: set[str] = set()
    for line in fcgpt_path.open(encoding="utf-8"):
        row = json.loads(line)
        if stance_half(row["document"]) and row["document"] not in seen:
            seen.add(row["document"])
            docs.append(("factcheck_gpt", split_sentences(row["document"])))
    abstracts = [json.loads(line)["abstract"] for line in covid_corpus.open(encoding="utf-8")]
    docs += [("check_covid", a) for a in rng.sample(abstracts, min(covid_documents, len(abstracts)))]
    return docs


def from_check_covid(folder: Path):
    """The train part of Check-COVID: every claim that is in neither the dev nor the test files."""
    def ids(name: str) -> set[str]:
        return {json.loads(line)["id"] for line in (folder / name).open(encoding="utf-8")}
    held_out = ids("covidCheck_dev_composed+extracted.json") | ids("covidCheck_test_composed.json") \
        | ids("covidCheck_test_extracted.json")
    abstracts = {}
    for line in (folder / "corpus.json").open(encoding="utf-8"):
        doc = json.loads(line)
        abstracts[doc["cord_id"]] = doc["abstract"]
    for line in (folder / "Check-COVID_all.json").open(encoding="utf-8"):
        row = json.loads(line)
        sentences = abstracts.get(row["cord_id"], [])
        picked = sorted({e["sent_index"] for e in row["evidence_set"] if e["sent_index"] < len(sentences)})
        if row["id"] in held_out or not picked:
            continue
        yield {"source": "check_covid", "claim": row["claim"].strip(),
               "evidence": " ".join(sentences[i] for i in picked), "label": CHECK_COVID_LABELS[row["label"]]}


NEGATIONS = ((" is ", " is not "), (" was ", " was not "), (" are ", " are not "), (" were ", " were not "),
             (" can ", " cannot "), (" will ", " will not "), (" has been ", " has not been "),
             (" have been ", " have not been "), (" did ", " did not "), (" does ", " does not "),
             (" would ", " would not "), (" could ", " could not "), (" should ", " should not "),
             (" must ", " must not "), (" had been ", " had not been "))
_ENTITY = re.compile(r"(?<!^)(?<![.!?] )\b([A-Z][a-z]+(?: [A-Z][a-z]+)*|\d{3,4})\b")


def negated(text: str) -> str | None:
    """The first auxiliary negated, or None when the text has none or is negated already."""
    if re.search(r"\b(not|never|no|n't)\b", text):
        return None
    for plain, negative in NEGATIONS:
        if plain in text:
            return text.replace(plain, negative, 1)
    return None


def one_sentence(text: str) -> bool:
    return len(text) < 300 and not re.search(r"[.!?] [A-Z]", text.rstrip(".!? "))


def negated_evidence(evidence: str, claim: str) -> str | None:
    """The evidence negated only where the negated clause is the claim's: the three words after the
    auxiliary must all be in the claim, otherwise negating it would not touch what the claim says."""
    if not one_sentence(evidence) or re.search(r"\b(not|never|no|n't)\b", evidence):
        return None
    claim_words = set(re.findall(r"\w+", claim.lower()))
    for plain, negative in NEGATIONS:
        at = evidence.find(plain)
        if at < 0:
            continue
        following = re.findall(r"\w+", evidence[at + len(plain):].lower())[:3]
        if len(following) == 3 and set(following) <= claim_words:
            return evidence[:at] + negative + evidence[at + len(plain):]
        return None
    return None


def augment(rows: list[dict], rng: random.Random) -> list[dict]:
    """Counter the lexical-overlap shortcut: FEVER-style mutations of supported claims are refuted.

    - negation: the first auxiliary of a supported claim negated ("is" -> "is not");
    - substitution: a name or year in a supported claim that the evidence mentions, swapped for another
      name or year taken from a different claim;
    - evidence negation: the evidence sentence negated instead, so a negation on either side counts
      (a one-sentence evidence only, so the negated clause is the one that matters) -> refutes;
    - both negated: claim and evidence negated together still agree -> supports, so that "not" alone
      is no shortcut to refutes.
    """
    pool: dict[bool, list[str]] = {True: [], False: []}
    for r in rows:
        for e in _ENTITY.findall(r["claim"]):
            pool[e.isdigit()].append(e)
    out = []
    for r in rows:
        if r["label"] != "supports":
            continue
        if evidence := negated_evidence(r["evidence"], r["claim"]):
            draw = rng.random()
            if draw < 0.7:
                out.append({**r, "source": r["source"] + "+evidence_negation", "evidence": evidence,
                            "label": "refutes"})
            elif claim := negated(r["claim"]):
                out.append({**r, "source": r["source"] + "+both_negated", "claim": claim, "evidence": evidence})
        if r["source"] == "snli":
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
    parser.add_argument("--finetune-replay", type=int, default=0,
                        help="for fine-tuning the shipped model further (training/warm_start.py): the train file "
                             "holds the chunk-level and made-by-rule rows and this many rows of the rest, drawn at "
                             "random, so that it keeps what it learnt")
    args = parser.parse_args()
    rng = random.Random(SEED)
    inputs = {
        "nli/combined/pairs.jsonl": args.data / "nli/combined/pairs.jsonl",
        "bench/fool-me-twice/dev.jsonl": args.data / "bench/fool-me-twice/dev.jsonl",
        "bench/wice/dev.jsonl": args.data / "bench/wice/dev.jsonl",
        "bench/check-covid/Check-COVID_all.json": args.data / "bench/check-covid/Check-COVID_all.json",
        "bench/check-covid/corpus.json": args.data / "bench/check-covid/corpus.json",
        "grounded/factcheck_gpt_stance_dev.jsonl": args.data / "grounded/factcheck_gpt_stance_dev.jsonl",
    }
    missing = [name for name, path in inputs.items() if not path.exists()]
    if missing:
        raise SystemExit(f"missing {', '.join(missing)} under {args.data}: point --data at the shared data folder")
    rows = list(from_combined(inputs["nli/combined/pairs.jsonl"]))
    snli = [r for r in rows if r["source"] == "snli"]  # captions of photos: far from news, so half is enough
    rows = [r for r in rows if r["source"] != "snli"] + rng.sample(snli, min(SNLI_ROWS, len(snli)))
    rows += list(from_fool_me_twice(inputs["bench/fool-me-twice/dev.jsonl"], rng))
    rows += list(from_wice(inputs["bench/wice/dev.jsonl"], rng))
    rows += list(from_check_covid(args.data / "bench/check-covid"))
    rows.sort(key=lambda r: (r["source"], r["claim"], r["evidence"]))
    rows += augment(rows, rng)
    rows += list(from_wice_chunks(inputs["bench/wice/dev.jsonl"]))
    rows += list(from_factcheck_gpt(inputs["grounded/factcheck_gpt_stance_dev.jsonl"]))
    rows += list(made_by_rule(rule_documents(inputs["bench/wice/dev.jsonl"],
                                             inputs["grounded/factcheck_gpt_stance_dev.jsonl"],
                                             inputs["bench/check-covid/corpus.json"], rng), rng))
    rng.shuffle(rows)
    # The dev part is held out by claim, so no claim is on both sides.
    claims = sorted({r["claim"] for r in rows})
    dev_claims = set(rng.sample(claims, int(len(claims) * args.dev_fraction)))
    train = [r for r in rows if r["claim"] not in dev_claims]
    if args.finetune_replay:
        new = [r for r in train if r["source"] in NEW_SOURCES or r["source"].endswith("+rule")]
        rest = [r for r in train if not (r["source"] in NEW_SOURCES or r["source"].endswith("+rule"))]
        train = new + rng.sample(rest, min(args.finetune_replay, len(rest)))
        rng.shuffle(train)
    dev = [r for r in rows if r["claim"] in dev_claims]
    args.out.mkdir(parents=True, exist_ok=True)
    for name, part in (("stance_train.jsonl.gz", train), ("stance_dev.jsonl.gz", dev)):
        with gzip.open(args.out / name, "wt", encoding="utf-8", compresslevel=9) as fh:
            for row in part:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = Counter((r["source"], r["label"]) for r in rows)
    lines = ["# Stance model training data card", "",
             f"Built by training/prepare_stance_data.py (seed {SEED}); {len(train)} train rows, "
             f"{len(dev)} held-out dev rows (split by claim)"
             + (f"; the train file holds the chunk-level and made-by-rule rows and {args.finetune_replay} rows of the "
                "rest, for fine-tuning the shipped model further" if args.finetune_replay else "") + ".", "",
             "Rows marked +negation, +substitution and +evidence_negation are made here from supported pairs "
             "of the same set (FEVER-style mutations), labelled refutes; +both_negated rows negate claim and "
             "evidence together and stay supports. Rows marked wice_chunk and factcheck_gpt read a claim against "
             "a chunk or passage; +rule rows are made from documents' own sentences (FactCC-style; see the "
             "script's docstring). WiCE dev and Factcheck-GPT dev give only their stance half (by hash) here; the "
             "other half is left for benchmarks/fit_direct.py.", "",
             "| source | licence | label | rows |", "|---|---|---|---|"]
    for (source, label), n in sorted(counts.items()):
        lines.append(f"| {source} | {LICENCES[source.split('+')[0]]} | {label} | {n} |")
    lines += ["", "Input files (sha256):", ""]
    lines += [f"- `{name}`: `{sha256(path)}`" for name, path in inputs.items()]
    lines += ["", "Not used (evaluation only or no licence established): SICK, ANLI, SciFact, AVeriTeC, "
              "HealthVer, Climate-FEVER, COVID-Fact, every test split, SNLI test, Check-COVID dev and test, FRANK (kept "
              "out so that the direct path's FRANK figures stay free of the stance model's training data).", ""]
    (args.out / "DATA_CARD.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(train)} train, {len(dev)} dev rows -> {args.out}")


if __name__ == "__main__":
    main()
