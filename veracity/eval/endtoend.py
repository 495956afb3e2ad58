"""End to end on a closed collection: Check-COVID.

Its 347 abstracts are ingested into a veracity store; `check` (with the verdict) runs on every dev claim, as a
user would run it. Scored:
- the verdict against the gold label (SUPPORT / REFUTE / NOTENOUGHINFO; `mixed` counts as not enough evidence);
- whether the gold abstract is among the cited sources (claims with a SUPPORT or REFUTE label);
- citation precision, judged independently of veracity's own offsets and verifier: a report sentence counts as
  supported when its text, whitespace-normalised, is contained in the original benchmark text of a source it
  cites (lexical containment: the right judge for the extractive writer, whose sentences are quotes).
"""

from __future__ import annotations

import random
import re
import statistics
import time
from pathlib import Path
from typing import Any

from ..text import strip_controls
from ..types import Report

from .base import Metric, SuiteResult, files_sha256, jsonl, need, suite
from .retrieval import Collection, build_store, default_work
from ..types import MIXED, REFUTED, SUPPORTED
from .verdict import NEE, macro_f1

GOLD = {"SUPPORT": SUPPORTED, "REFUTE": REFUTED, "NOTENOUGHINFO": NEE}
QUICK_CLAIMS = 40


def normalised(text: str) -> str:
    """Lower case, spaces collapsed, control characters dropped (as ingest drops them from what it stores)."""
    return re.sub(r"\s+", " ", strip_controls(text)).strip().lower()


def check_covid(data: Path) -> tuple[Collection, list[dict[str, Any]]]:
    base = data / "check-covid"
    files = (base / "corpus.json", base / "covidCheck_dev_composed+extracted.json")
    need(files, "Check-COVID")
    docs = {d["cord_id"]: (d["title"], f"{d['title']}\n\n" + " ".join(d["abstract"])) for d in jsonl(files[0])}
    claims = list(jsonl(files[1]))
    return Collection("checkcovid", docs, {}, {}, files), claims


def citation_precision(report: Report, docs: dict[str, tuple[str, str]], prefix: str) -> tuple[int, int]:
    """(supported sentences, sentences) of the report's findings, by lexical containment in the cited text."""
    by_number = {s.id: s.location[len(prefix):] for s in report.sources}
    supported = total = 0
    for finding in report.findings:
        for sentence in finding.sentences:
            total += 1
            cited = [normalised(docs[by_number[n]][1]) for n in sentence.citations if by_number.get(n) in docs]
            supported += any(normalised(sentence.text) in text for text in cited)
    return supported, total


@suite("endtoend")
def endtoend_suite(data: Path, *, quick: bool = False, work: Path | None = None,
                   only: tuple[str, ...] = ()) -> list[SuiteResult]:
    if only and "check-covid" not in only:
        return []
    started = time.perf_counter()
    collection, claims = check_covid(data)
    if quick:
        claims = [claims[i] for i in sorted(random.Random(0).sample(range(len(claims)), min(QUICK_CLAIMS, len(claims))))]
    engine = build_store(collection, (work or default_work()) / "checkcovid.db")
    prefix = f"{collection.name}:"
    gold, pred, cited_gold, cited_rows, latencies = [], [], 0, 0, []
    supported = sentences = 0
    for claim in claims:
        t = time.perf_counter()
        report = engine.check(claim["claim"].strip(), verdict=True, save=False)
        latencies.append((time.perf_counter() - t) * 1000)
        label = report.verdict.label if report.verdict else NEE
        gold.append(GOLD[claim["label"]])
        pred.append(NEE if label == MIXED else label)
        if claim["label"] != "NOTENOUGHINFO":
            cited_rows += 1
            cited_gold += any(s.location == prefix + claim["cord_id"] for s in report.sources)
        s, n = citation_precision(report, collection.docs, prefix)
        supported, sentences = supported + s, sentences + n
    accuracy = sum(g == p for g, p in zip(gold, pred)) / len(claims)
    metrics = (
        Metric("verdict_accuracy", round(accuracy, 4)),
        Metric("verdict_macro_f1", round(macro_f1(gold, pred, (SUPPORTED, REFUTED, NEE)), 4), 0.699,
               "Check-COVID paper, full pipeline F1 on composed claims (76.99 on extracted)"),
        Metric("gold_abstract_cited", round(cited_gold / max(cited_rows, 1), 4)),
        Metric("citation_precision", round(supported / max(sentences, 1), 4), target=1.0),
        Metric("check_p50_ms", round(statistics.median(latencies), 1), lower_is_better=True),
    )
    return [SuiteResult(
        suite="endtoend", dataset="check-covid dev", rows=len(claims), quick=quick,
        seconds=round(time.perf_counter() - started, 1), metrics=metrics,
        data_sha256=files_sha256(list(collection.files)),
        notes=f"{len(collection.docs)} abstracts ingested; {sentences} report sentences judged for citation precision",
        details={"gold": {k: gold.count(k) for k in (SUPPORTED, REFUTED, NEE)},
                 "predicted": {k: pred.count(k) for k in (SUPPORTED, REFUTED, NEE)}})]
