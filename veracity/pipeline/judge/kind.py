"""kind: is a source a RULING (a fact-checker's argument about the claim) or a REPORT (an article that states facts)?

The two kinds need different readers. A report that states the claim supports it, and the direct path
(direct.py) decides on it. A ruling restates the claim in order to rule on it ("Smith said that ...; the data
show otherwise"), so read sentence by sentence it looks like a source stating the claim: on LIAR2 test, the
direct path's `supported` was right 36% of the time where the aggregator (aggregate.py), fitted on rulings,
was right 89%. So the judge routes by kind: rulings to the aggregator, reports to the direct path.

A source's kind is P(ruling) from a logistic regression over the hashed words and word pairs of the sentences
the judge read from it (the same `grams` as the aggregator's cues), fitted by benchmarks/fit_kind.py on
licence-clean dev data only: PolitiFact justifications (LIAR2 valid) as rulings; news (FRANK dev, WiCE dev,
Factcheck-GPT dev) and Wikipedia (Fool Me Twice dev, FEVER-symmetric dev) as reports. The weights are stored in
veracity/models/kind.json. A question states nothing, so a question sentence is never read as stating the
claim (`statements`).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ...onnx_model import MODELS, fitted_model
from ...text import sentence_spans, words
from ...types import Evidence

KIND_PATH = MODELS / "kind.json"
KIND_BUCKETS = 1 << 14
WHOLE_SENTENCES = 40  # a source's kind is read from its first sentences and the ones the judge read
RULING_SHARE = 0.5  # the judge routes to the aggregator when more than this share of the sources read are rulings


def grams(text: str) -> list[str]:
    """A text's lower-cased words and word pairs: the cues the aggregator and the kind model hash."""
    tokens = [w.lower() for w in words(text)]
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def buckets(texts: Iterable[str], size: int = KIND_BUCKETS) -> list[int]:
    """The distinct hash buckets of the texts' grams, sorted."""
    return sorted({zlib.crc32(g.encode()) % size for t in texts for g in grams(t)})


@lru_cache(maxsize=1)
def fitted() -> dict[str, Any] | None:
    """The fitted kind model, or None when none ships (the judge then treats every source as a report)."""
    return fitted_model(KIND_PATH, {"buckets": KIND_BUCKETS})


def ruling_probability(texts: list[str], model: dict[str, Any]) -> float:
    """P(ruling) of one source from the sentences read from it: binary bucket features, L2-normalised."""
    hit = buckets(texts)
    if not hit:
        return 0.0
    weights = model["weights"]
    z = sum(weights[i] for i in hit) / math.sqrt(len(hit)) + model["bias"]
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Kinds:
    """The sources' kinds for one claim: P(ruling) per independence group, and the share of groups that are rulings
    (P(ruling) at the fitted threshold or more)."""

    ruling: dict[int, float]
    share: float

    @property
    def rulings(self) -> bool:
        return bool(self.ruling) and self.share > RULING_SHARE


def kinds(evidence: list[Evidence]) -> Kinds:
    """Each independent source's P(ruling), from the sentences the judge read from it and the first WHOLE_SENTENCES
    of its documents' text (each sentence once)."""
    model = fitted()
    if model is None or not evidence:
        return Kinds({}, 0.0)
    read: dict[int, dict[str, None]] = {}
    whole: dict[int, str] = {}
    for e in evidence:
        read.setdefault(e.document.group, {})[e.quote] = None
        whole[e.document.id] = e.document.text
    for e in evidence:  # the document's own text, where the store gave it: a whole text tells its kind best
        if e.document.id in whole:
            spans = sentence_spans(whole.pop(e.document.id))[:WHOLE_SENTENCES]
            read[e.document.group].update((e.document.text[sp.start:sp.end], None) for sp in spans)
    ruling = {group: round(ruling_probability(list(quotes), model), 4) for group, quotes in read.items()}
    share = sum(p >= model["threshold"] for p in ruling.values()) / len(ruling)
    return Kinds(ruling, round(share, 4))


def statements(text: str) -> str:
    """The text without its questions: a question ("Did the city cooperate with ICE?") states nothing, so the
    direct path never reads one as stating the claim or its opposite."""
    kept = [text[s.start:s.end] for s in sentence_spans(text) if not text[s.start:s.end].rstrip().endswith("?")]
    return " ".join(kept)
