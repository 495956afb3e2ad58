"""Cut the small, permissively licensed benchmark samples that the CI eval gate runs on.

Only sets whose licence allows redistribution are cut: FEVER-symmetric (CC BY-SA 3.0), CheckThat! 2022 task 2A
(CC BY-SA 3.0 DE), Check-COVID (MIT) and Factcheck-GPT stance dev (Apache-2.0; 20 claims of each label). The samples keep the benchmark's own file layout, so the same loaders
read them: `veracity eval verdict --data tests/fixtures/eval --only fever-symmetric`.

Usage: python benchmarks/make_eval_fixtures.py --data ../shared/data/bench --out tests/fixtures/eval
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import random
import shutil
from pathlib import Path

SEED = 0

LIAR2_SAMPLE = 300


def sample_lines(lines: list[str], n: int, rng: random.Random) -> list[str]:
    return [lines[i] for i in sorted(rng.sample(range(len(lines)), min(n, len(lines))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/bench"))
    parser.add_argument("--out", type=Path, default=Path("tests/fixtures/eval"))
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from data import require

    require(args.data, ("fever-symmetric/fever_symmetric_test.jsonl", "checkthat2022-task2a-en", "check-covid"),
            "make_eval_fixtures.py")
    rng = random.Random(SEED)

    fever = args.out / "fever-symmetric"
    fever.mkdir(parents=True, exist_ok=True)
    lines = (args.data / "fever-symmetric/fever_symmetric_test.jsonl").read_text(encoding="utf-8").splitlines()
    (fever / "fever_symmetric_test.jsonl").write_text("\n".join(sample_lines(lines, 200, rng)) + "\n", encoding="utf-8")
    shutil.copy(args.data / "fever-symmetric/DATA_LICENSE", fever / "DATA_LICENSE")

    ct_in, ct = args.data / "checkthat2022-task2a-en", args.out / "checkthat2022-task2a-en"
    ct.mkdir(parents=True, exist_ok=True)
    queries = sample_lines((ct_in / "test_TEST.tsv").read_text(encoding="utf-8").splitlines(), 100, rng)
    qids = {q.split("\t", 1)[0] for q in queries}
    qrels = [line for line in (ct_in / "CT2022-Task2A-EN-Test_Qrels_gold.tsv").read_text(encoding="utf-8").splitlines()
             if line.split("\t")[0] in qids]
    gold = {line.split("\t")[2] for line in qrels}
    claims = (ct_in / "vclaims.jsonl").read_text(encoding="utf-8").splitlines()
    keep = [c for c in claims if json.loads(c)["vclaim_id"] in gold]
    keep += sample_lines([c for c in claims if json.loads(c)["vclaim_id"] not in gold], 1200, rng)
    (ct / "test_TEST.tsv").write_text("\n".join(queries) + "\n", encoding="utf-8")
    (ct / "CT2022-Task2A-EN-Test_Qrels_gold.tsv").write_text("\n".join(qrels) + "\n", encoding="utf-8")
    (ct / "vclaims.jsonl").write_text("\n".join(sorted(keep)) + "\n", encoding="utf-8")

    cc_in, cc = args.data / "check-covid", args.out / "check-covid"
    cc.mkdir(parents=True, exist_ok=True)
    dev = sample_lines([line for line in (cc_in / "covidCheck_dev_composed+extracted.json").read_text(
        encoding="utf-8").splitlines() if line.strip()], 30, rng)
    wanted = {json.loads(line)["cord_id"] for line in dev}
    corpus = (cc_in / "corpus.json").read_text(encoding="utf-8").splitlines()
    others = [line for line in corpus if json.loads(line)["cord_id"] not in wanted]
    corpus_keep = [line for line in corpus if json.loads(line)["cord_id"] in wanted] + sample_lines(others, 40, rng)
    (cc / "covidCheck_dev_composed+extracted.json").write_text("\n".join(dev) + "\n", encoding="utf-8")
    (cc / "corpus.json").write_text("\n".join(corpus_keep) + "\n", encoding="utf-8")
    shutil.copy(cc_in / "LICENSE", cc / "LICENSE")

    grounded_in, grounded = args.data.parent / "grounded", args.out / "grounded"
    grounded.mkdir(parents=True, exist_ok=True)
    fc = (grounded_in / "factcheck_gpt_stance_dev.jsonl").read_text(encoding="utf-8").splitlines()
    by_label: dict[str, list[str]] = {}
    for line in fc:
        by_label.setdefault(json.loads(line)["label"], []).append(line)
    grng = random.Random(SEED)  # its own generator: the samples above stay as they were
    fc_keep = [line for label in sorted(by_label) for line in sample_lines(by_label[label], 20, grng)]
    (grounded / "factcheck_gpt_stance_dev.jsonl").write_text("\n".join(fc_keep) + "\n", encoding="utf-8")

    liar_in, liar = args.data / "liar2", args.out / "liar2"  # fact-checkers' rulings as evidence (issue 21's routing)
    liar.mkdir(parents=True, exist_ok=True)
    with (liar_in / "test.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    lrng = random.Random(SEED)  # its own generator: the samples above stay as they were
    picked = [rows[i] for i in sorted(lrng.sample(range(len(rows)), LIAR2_SAMPLE))]
    with (liar / "test.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(fields or []))
        writer.writeheader()
        writer.writerows(picked)
    shutil.copy(liar_in / "LICENSE", liar / "LICENSE")
    print(f"wrote {args.out}: fever-symmetric 200, checkthat2a {len(queries)} queries / {len(keep)} claims, "
          f"check-covid {len(dev)} claims / {len(corpus_keep)} abstracts, factcheck-gpt {len(fc_keep)} claims, "
          f"liar2 {len(picked)} claims")


if __name__ == "__main__":
    main()
