"""Grounded claims: claims checked against whole documents, the user's everyday case.

Sets (each a JSON-lines file; see ../shared/data/grounded/README.md):
- FRANK dev, CNN/DailyMail and BBC (XSum) summaries: supported only when no sentence has an error;
- Factcheck-GPT stance dev: supported / refuted / not_enough_evidence;
- WiCE (bench/wice, dev and test): supported, else not supported (partially supported counts as not supported,
  as in LLM-AggreFact).

The suite runs every claim end to end, as a user would: each set's documents are ingested into a store of its
own, and `Engine.check` runs on every claim. A claim of several sentences (a FRANK summary) is a pasted text:
it is supported when every one of its claims is. Scored per set: balanced accuracy (supported against the rest,
as LLM-AggreFact scores), supported precision and recall, coverage (the share of claims given a decisive
label), ECE of the stated confidence, and for Factcheck-GPT the three-label macro-F1; each beside the peers'
published figure.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..text import content_words, sentence_spans
from ..types import MIXED, NOT_ENOUGH_EVIDENCE, REFUTED, SUPPORTED, Document, Evidence, Report, Span
from .base import Metric, SuiteResult, files_sha256, jsonl, need, suite
from .verdict import Prediction, ece, macro_f1

POOL = 12  # the most relevant sentences the judge reads (pipeline/select.py JUDGE_POOL)
RELEVANCE = 0.38  # Settings.relevance_threshold's default
QUICK_CLAIMS = 60


@dataclass(frozen=True)
class GroundedCase:
    id: str
    dataset: str
    document: str
    claim: str
    label: str  # supported, refuted, not_enough_evidence, or not_supported (refuted or unmentioned, not known)


def frank(path: Path) -> list[GroundedCase]:
    return [GroundedCase(r["id"], r["dataset"], r["document"], r["claim"],
                         SUPPORTED if r["label"] == "supported" else "not_supported") for r in jsonl(path)]


def factcheck_gpt(path: Path) -> list[GroundedCase]:
    return [GroundedCase(r["id"], r["dataset"], r["document"], r["claim"], r["label"]) for r in jsonl(path)]


def wice(path: Path) -> list[GroundedCase]:
    out = []
    for i, r in enumerate(jsonl(path)):
        lines = [line for line in r["evidence"] if not line.startswith("(meta data)")]
        out.append(GroundedCase(f"wice-{path.stem}-{i}", f"wice_{path.stem}", "\n".join(lines), r["claim"],
                                SUPPORTED if r["label"] == "supported" else "not_supported"))
    return out


LEXICAL = 40  # sentences kept by shared words before they are embedded, as gather finds passages by their words


def sentences(claim: str, document: str) -> list[Span]:
    """The document's usable sentences that share the most content words with the claim (at most LEXICAL)."""
    from ..pipeline.select import usable

    wanted = {w.lower() for w in content_words(claim)}
    spans = [s for s in sentence_spans(document) if usable(document[s.start:s.end])]
    shared = [len(wanted & {w.lower() for w in content_words(document[s.start:s.end])}) for s in spans]
    order = sorted(range(len(spans)), key=lambda i: -shared[i])[:LEXICAL]
    return [spans[i] for i in sorted(order)]


def pool(claim: str, document: str, vectors: Callable[[list[str]], np.ndarray]) -> list[Evidence]:
    """The evidence a check of the claim would judge in this one document: the sentences select keeps (usable,
    relevance at least RELEVANCE), the POOL most relevant. Relevance is the cosine with the claim alone."""
    doc = Document(id=1, title="", location="", publisher=None, published=None, content_hash="", group=1,
                   text=document)
    spans = sentences(claim, document)
    if not spans:
        return []
    quotes = [document[s.start:s.end] for s in spans]
    vec = vectors([claim] + quotes)
    relevance = vec[1:] @ vec[0]
    order = [i for i in np.argsort(-relevance) if relevance[i] >= RELEVANCE][:POOL]
    return [Evidence(document=doc, start=spans[i].start, end=spans[i].end, quote=quotes[i],
                     relevance=round(float(relevance[i]), 4)) for i in order]


@dataclass(frozen=True)
class GroundedSet:
    name: str
    file: str
    load: Callable[[Path], list[GroundedCase]]
    reference: tuple[float, str] | None
    target: float | None = None


def _data_root(data: Path) -> Path:
    """The suite takes the benchmark folder (…/data/bench) like the others; grounded/ lies beside it."""
    return data.parent if data.name == "bench" else data


SETS = (
    GroundedSet("wice_test", "bench/wice/test.jsonl", wice, (75.9, "HHEM-2.1-open on LLM-AggreFact WiCE; "
                "MiniCheck-Flan-T5-L 72.2, AlignScore 66.0"), 0.70),
    GroundedSet("wice_dev", "bench/wice/dev.jsonl", wice, None),
    GroundedSet("frank_cnndm_dev", "grounded/frank_cnndm_dev.jsonl", frank,
                (62.8, "HHEM on AggreFact-CNN (related rows, not the same); MiniCheck-Flan-T5-L 69.9, AlignScore 52.4"),
                0.60),
    GroundedSet("frank_xsum_dev", "grounded/frank_xsum_dev.jsonl", frank,
                (67.8, "HHEM on AggreFact-XSum (related rows, not the same); MiniCheck-Flan-T5-L 74.3, AlignScore 71.4"),
                0.65),
    GroundedSet("factcheck_gpt_stance_dev", "grounded/factcheck_gpt_stance_dev.jsonl", factcheck_gpt, None),
)


def claim_label(report: Report) -> tuple[str, float]:
    """The label and confidence of a check: a pasted text is supported when every claim is; refuted when one is."""
    if report.claim_results:
        labels = [r.verdict.label if r.verdict else NOT_ENOUGH_EVIDENCE for r in report.claim_results]
        confidences = [r.verdict.confidence if r.verdict else 0.0 for r in report.claim_results]
        if all(label == SUPPORTED for label in labels):
            return SUPPORTED, min(confidences)
        if REFUTED in labels:
            return REFUTED, max(c for label, c in zip(labels, confidences) if label == REFUTED)
        return NOT_ENOUGH_EVIDENCE, min(confidences)
    if report.verdict is None:
        return NOT_ENOUGH_EVIDENCE, 0.0
    return (NOT_ENOUGH_EVIDENCE if report.verdict.label == MIXED else report.verdict.label), report.verdict.confidence


def score(s: GroundedSet, cases: list[GroundedCase], predicted: list[tuple[str, float]]) -> tuple[Metric, ...]:
    gold = np.array([c.label == SUPPORTED for c in cases])
    pred = np.array([p == SUPPORTED for p, _ in predicted])
    ba = (pred[gold].mean() + (~pred[~gold]).mean()) / 2 if gold.any() and (~gold).any() else float("nan")
    decisive = [p in (SUPPORTED, REFUTED) for p, _ in predicted]
    right = [(p == c.label) if p in (SUPPORTED, REFUTED) else (c.label != SUPPORTED)
             for c, (p, _) in zip(cases, predicted)]
    metrics = [
        Metric("balanced_accuracy", round(float(ba), 4), s.reference[0] / 100 if s.reference else None,
               s.reference[1] if s.reference else "", s.target),
        Metric("supported_precision", round(float(gold[pred].mean()), 4) if pred.any() else 0.0),
        Metric("supported_recall", round(float(pred[gold].mean()), 4) if gold.any() else 0.0),
        Metric("coverage", round(float(np.mean(decisive)), 4)),
        Metric("ece", round(ece([c for _, c in predicted], right), 4), lower_is_better=True),
    ]
    if any(c.label == REFUTED for c in cases):
        labels = (SUPPORTED, REFUTED, NOT_ENOUGH_EVIDENCE)
        metrics.append(Metric("macro_f1", round(macro_f1([c.label for c in cases], [p for p, _ in predicted],
                                                         labels), 4), target=0.50 if "factcheck" in s.name else None))
    return tuple(metrics)


@suite("grounded")
def grounded_suite(data: Path, *, quick: bool = False, work: Path | None = None,
                   only: tuple[str, ...] = ()) -> list[SuiteResult]:
    from .retrieval import Collection, build_store, default_work

    root = _data_root(data)
    results = []
    for s in SETS:
        if only and s.name not in only:
            continue
        path = root / s.file
        if not path.exists():
            print(f"skipped grounded/{s.name}: {path} not found")
            continue
        need([path], s.name)
        started = time.perf_counter()
        cases = s.load(path)
        if quick:
            cases = [cases[i] for i in sorted(random.Random(0).sample(range(len(cases)), min(QUICK_CLAIMS, len(cases))))]
        docs = list(dict.fromkeys(c.document for c in cases))
        collection = Collection(s.name, {str(i + 1): (f"{s.name} document {i + 1}", text)
                                         for i, text in enumerate(docs)}, {}, {}, (path,))
        engine = build_store(collection, (work or default_work()) / f"grounded-{s.name}{'-quick' if quick else ''}.db")
        predicted = []
        for c in cases:
            report = engine.check(c.claim, verdict=True, save=False)
            predicted.append(claim_label(report))
        metrics = score(s, cases, predicted)
        results.append(SuiteResult(
            suite="grounded", dataset=s.name, rows=len(cases), quick=quick,
            seconds=round(time.perf_counter() - started, 1), metrics=metrics, data_sha256=files_sha256([path]),
            notes=f"{len(docs)} documents ingested; each claim checked end to end against the whole store",
            details={"gold": {k: sum(c.label == k for c in cases) for k in (SUPPORTED, REFUTED, NOT_ENOUGH_EVIDENCE,
                                                                                "not_supported")},
                     "predicted": {k: sum(p == k for p, _ in predicted) for k in (SUPPORTED, REFUTED,
                                                                                     NOT_ENOUGH_EVIDENCE)}},
            predictions=tuple(Prediction(s.name, c.claim, c.label, p, round(conf, 3))
                              for c, (p, conf) in zip(cases, predicted))))
    return results
