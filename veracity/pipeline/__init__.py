"""A check, in the order it runs: plan, gather, select, judge, organise, write, verify."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import date

from .. import __version__
from ..types import CitedText, Report, Verdict
from . import judge as judging
from . import write as writing
from .gather import gather
from .organise import organise
from .plan import plan as make_plan
from .select import select
from .verify import verify


class Timer:
    def __init__(self) -> None:
        self.ms: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.ms[stage] = round((now - self._t) * 1000, 1)
        self._t = now


def versions(embedder, stance_model) -> dict[str, str]:
    from ..embed import MODEL_SHA256 as EMBED_SHA
    from ..stance import MODEL_SHA256 as STANCE_SHA

    return {"veracity": __version__, "embedder": f"{embedder.name} sha256:{EMBED_SHA[:16]}",
            "stance": f"{stance_model.name} sha256:{STANCE_SHA[:16]}" if stance_model else "none",
            "calibration": judging.calibration()["fitted_on"] if stance_model else "none",
            "report_schema": "1"}


def run_check(question: str, *, store, embedder, stance_model, settings, as_of: str | None = None,
              today: str | None = None) -> Report:
    timer = Timer()
    p = make_plan(question)
    timer.lap("plan")
    gathered = gather(p, store=store, embedder=embedder, per_query=settings.gather_per_query)
    timer.lap("gather")
    chosen = select(gathered, store, threshold=settings.relevance_threshold, limit=settings.max_evidence,
                    per_document=settings.max_per_document, mmr_lambda=settings.mmr_lambda,
                    entities=p.entities)
    chosen = [c for c in chosen if judging.in_time(c.evidence, as_of)]
    timer.lap("select")
    counts = store.counts()
    searched = (f"{len(p.queries)} queries over {counts['documents']} documents"
                + (f" published on or before {as_of}" if as_of else ""))
    verdict: Verdict | None = None
    if stance_model is not None and chosen and p.is_open:
        scored, verdict = judging.agreement([c.evidence for c in chosen], stance_model, searched=searched)
        chosen = [replace(c, evidence=e) for c, e in zip(chosen, scored)]
    elif stance_model is not None:
        if chosen:
            scored = judging.score(p.claim, [c.evidence for c in chosen], stance_model)
            chosen = [replace(c, evidence=e) for c, e in zip(chosen, scored)]
        verdict = judging.verdict(p.claim, [c.evidence for c in chosen], searched=searched)
    timer.lap("judge")
    groups = organise(chosen, p.question) if chosen else []
    timer.lap("organise")
    sources = writing.number_sources(groups)
    finding_list = writing.findings(groups, sources)
    timer.lap("write")
    documents = {c.evidence.document.id: c.evidence.document for c in chosen}
    finding_list, failures = verify(finding_list, sources, documents)
    timer.lap("verify")
    used = {n for f in finding_list for s in f.sentences for n in s.citations}
    sources = {k: v for k, v in sources.items() if v.id in used}
    kept_groups = [g for g in groups if any(sources.get(c.evidence.document.id) for c in g[2])]
    if finding_list:
        summary = writing.summary(kept_groups, sources)
        newest = max((s.published for s in sources.values() if s.published), default=None)
        bottom = writing.bottom_line(p, verdict, finding_list)
        questions = writing.follow_ups(p, finding_list, verdict, newest)
    else:
        from .select import names_all

        missing = [e for e in p.entities if not any(names_all(h.document.text, (e,)) for h in gathered.hits)]
        why = (f"No source searched mentions {', '.join(missing)}." if missing else
               "No passage reached the relevance threshold, so no finding is reported.")
        summary = CitedText(text=f"Nothing in the sources searched addresses this question. Searched: {searched}, "
                                 f"for {'; '.join(repr(q) for q in p.queries)}. {why}", citations=())
        bottom = CitedText(text="Not enough evidence in the sources searched. This does not mean the claim is "
                                "false: add sources that cover it (veracity ingest PATH) and check again.", citations=())
        questions = [f"Which sources would cover “{p.question}”?",
                     "Is the question about a place, person or event the collection does not include?"]
    return Report(
        id=uuid.uuid4().hex[:12], question=p.question, claim=p.claim,
        checked_on=today or date.today().isoformat(), queries=p.queries,
        sources=tuple(sorted(sources.values(), key=lambda s: s.id)),
        independent_sources=len({s.group for s in sources.values()}),
        summary=summary, findings=tuple(finding_list), bottom_line=bottom, follow_up_questions=tuple(questions),
        verdict=verdict, timings_ms=timer.ms, versions=versions(embedder, stance_model),
        nothing_found=not finding_list, failures=tuple(failures), as_of=as_of)
