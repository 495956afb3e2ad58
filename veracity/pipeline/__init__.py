"""A check, in the order it runs: plan, gather, select, judge, organise, write, verify.

`run_check` only orchestrates: each stage is a function of its own module that takes and returns typed values
(veracity/types.py), and the report is assembled from what the stages handed over. The web stage (web.py) runs
after plan when a check asks for it. A stage's own parts sit in its folder (judge/: align, aggregate, direct,
kind, the fact-checkers' rulings in review; write/: the follow-up questions); what the stages share and are not
stages sits in helpers/ (claims, language, searched, and prose: LLM mode's calls for plan, write and judge).
"""

from __future__ import annotations

import time
from dataclasses import replace
import uuid
from collections.abc import Callable
from datetime import date

from ..version import __version__
from ..embed import Embedder
from ..errors import LLMError
from ..llm import LLM, Ledger
from ..settings import Settings
from ..stance import StanceModel
from ..store.base import Store
from ..sources.web import WebRun
from ..types import Failure, Gathered, Plan, Report, Selection
from .helpers import prose
from .helpers.claims import combine
from .gather import gather
from .helpers.language import language_notes
from .helpers.searched import searched_line, undated_sources
from . import judge as judging
from .judge import review
from .organise import focus_of, points, stored_vectors
from .plan import plan as make_plan
from .plan import with_leading_name
from .web import WebStep, scoped
from .web import web as web_stage
from .select import select
from .write import ExtractiveWriter, LLMWriter, WriteJob, Writer, number_sources

StageListener = Callable[[str, float], None]  # (stage, milliseconds it took), called as each stage ends


class Timer:
    def __init__(self, on_stage: StageListener | None = None) -> None:
        self.ms: dict[str, float] = {}
        self._t = time.perf_counter()
        self._on_stage = on_stage

    def lap(self, stage: str) -> float:
        """The stage's milliseconds since the last lap, kept and told to the listener."""
        now = time.perf_counter()
        self.ms[stage] = round((now - self._t) * 1000, 1)
        self._t = now
        if self._on_stage is not None:
            self._on_stage(stage, self.ms[stage])
        return self.ms[stage]


def versions(embedder: Embedder, stance_model: StanceModel | None, llm: LLM | None = None) -> dict[str, str]:
    return {"veracity": __version__, "embedder": embedder.version,
            "stance": stance_model.version if stance_model else "none",
            "calibration": judging.confidence_source() if stance_model else "none",
            "llm": llm.name if llm is not None else "none", "report_schema": "1"}


def run_check(question: str, *, store: Store, embedder: Embedder, stance_model: StanceModel | None,
              settings: Settings, as_of: str | None = None, today: str | None = None, llm: LLM | None = None,
              on_stage: StageListener | None = None, web: WebStep | None = None,
              report_id: str | None = None) -> Report:
    """llm: a language model to plan and write with (LLM mode), or None for the extractive report.
    stance_model None: no verdict. on_stage: called as each stage ends. web: the web stage, when the check adds
    web pages (or replays a past check's); its run is kept in the store's web archive under the report's id.
    report_id: the report's id (a new one by default)."""
    timer = Timer(on_stage)
    failures: list[Failure] = []
    ledger = Ledger(max_calls=settings.llm_max_calls, budget_s=settings.llm_budget_s) if llm is not None else None
    report_id = report_id or uuid.uuid4().hex[:12]

    p = make_plan(question, store)
    if llm is None and len(p.claims) >= 2:  # a pasted text: each of its claims checked on its own, then joined
        return pasted(p, timer, store=store, embedder=embedder, stance_model=stance_model, settings=settings,
                      as_of=as_of, today=today, on_stage=on_stage, web=web, report_id=report_id)
    if llm is not None and ledger is not None:
        p = refine(p, llm, ledger, failures)
    timer.lap("plan")

    run = web_stage(p, web) if web is not None else None
    if run is not None:
        store, today = scoped(store, run), run.checked_on or today
        timer.lap("web")
    p = with_leading_name(p, store)

    gathered = gather(p, store=store, embedder=embedder, per_query=settings.gather_per_query)
    timer.lap("gather")

    selection = select(gathered, threshold=settings.relevance_threshold, limit=settings.max_evidence,
                       per_document=settings.max_per_document, mmr_lambda=settings.mmr_lambda,
                       entities=p.entities, as_of=as_of)
    failures += selection_notes(p, gathered, selection, settings.max_evidence)
    timer.lap("select")

    searched = searched_line(len(p.queries), gathered.documents_searched, store, as_of)
    judged = judging.judge(p, selection, stance_model, searched=searched, llm=llm, ledger=ledger,
                   llm_stance=settings.llm_stance)
    failures += judged.failures
    ruled = review.rulings(p, judged, store, embedder)  # a fact-checker's rating of this very claim decides
    judged = ruled.judgement
    timer.lap("judge")

    rest = review.without_reviewed(judged.candidates, ruled.drafts)
    found, damaged = (points(rest, embedder.embed, gathered.query_vectors, stored=stored_vectors(store),
                             focus=focus_of(p.question, p.entities), question=p.question) if rest else ([], set()))
    drafts = ruled.drafts + tuple(found)
    timer.lap("organise")

    sources = number_sources(list(drafts))
    job = WriteJob(plan=p, verdict=judged.verdict, drafts=drafts, sources=sources,
                   documents={m.evidence.document.id: m.evidence.document for d in drafts for m in d.members}
                   | {c.evidence.document.id: c.evidence.document for c in judged.candidates},
                   gathered=gathered, searched=searched, damaged=frozenset(damaged))
    writer = writer_for(llm, ledger, stance_model, settings)
    draft = writer.write(job)
    timer.lap("write")

    written = writer.verify(job, draft)
    timer.lap("verify")
    undated, notes = undated_sources(list(written.sources), as_of)

    return kept(Report(
        id=report_id, question=p.question, claim=p.claim,
        checked_on=today or date.today().isoformat(), queries=p.queries, sources=written.sources,
        independent_sources=len({s.group for s in written.sources}), summary=written.summary,
        findings=written.findings, bottom_line=written.bottom_line, follow_up_questions=written.follow_ups,
        verdict=judged.verdict, timings_ms=timer.ms, versions=versions(embedder, stance_model, llm),
        nothing_found=not written.findings, failures=tuple(failures) + written.failures + tuple(notes), as_of=as_of,
        claims=p.claims, mode=written.mode, llm=ledger.report(llm.name) if llm is not None and ledger else None,
        open_question=p.is_open, undated_sources=undated), run, web)


def pasted(p: Plan, timer: Timer, *, store: Store, embedder: Embedder, stance_model: StanceModel | None,
           settings: Settings, as_of: str | None, today: str | None, on_stage: StageListener | None,
           web: WebStep | None, report_id: str) -> Report:
    """A pasted text of several claims: the web stage once for the whole text, then each claim checked on its own
    over the same store, and the reports joined."""
    timer.lap("plan")
    run = web_stage(p, web) if web is not None else None
    web_ms = timer.lap("web") if run is not None else 0.0
    reports = [run_check(claim, store=scoped(store, run) if run else store, embedder=embedder,
                         stance_model=stance_model, settings=settings, as_of=as_of,
                         today=run.checked_on or today if run else today, on_stage=on_stage) for claim in p.claims]
    joined = combine(p.question, p.claims, reports, report_id)
    if run is not None:
        joined = replace(joined, timings_ms={"web": web_ms, **joined.timings_ms})
    return kept(joined, run, web)


def kept(report: Report, run: WebRun | None, step: WebStep | None) -> Report:
    """The report with what the web gave it; the web run kept in the store's archive under the report's id
    (whoever saves the check later: the service's workers do it)."""
    if run is None or step is None:
        return report
    report = run.apply(report)
    step.parts.archive.save_web_run(report.id, run.record(report))
    return report


def selection_notes(p: Plan, gathered: Gathered, selection: Selection, max_evidence: int) -> list[Failure]:
    """What the report's problems say about the evidence: text that reads as instructions to an AI model, and
    evidence (or, with none, the search's hits) not in English."""
    notes = [Failure("select", f"ignored text in “{title}” that reads as instructions to an AI model (a prompt "
                               "injection), not as evidence") for title in selection.injected_titles]
    return notes + language_notes(p.question, [c.evidence.quote for c in selection.candidates]
                                  or [h.passage.text for h in gathered.hits[:max_evidence]])


def writer_for(llm: LLM | None, ledger: Ledger | None, stance_model: StanceModel | None,
               settings: Settings) -> Writer:
    """LLM mode's writer (which verifies what the model writes with the stance model), else the extractive one."""
    if llm is not None and ledger is not None:
        return LLMWriter(llm, ledger, stance_model or registry_stance(settings), settings.support_threshold)
    return ExtractiveWriter()


def refine(p: Plan, llm: LLM, ledger: Ledger, failures: list[Failure]) -> Plan:
    """LLM mode: the model adds queries, sub-questions and the claims of a long text; on failure, the
    rule-based plan stands and the report says so."""
    try:
        return prose.refine(p, llm, ledger)
    except LLMError as exc:
        failures.append(Failure("plan", f"the LLM could not plan the searches ({exc}); the rule-based queries "
                                        "were used"))
        return p


def registry_stance(settings: Settings) -> StanceModel:
    """LLM mode without a verdict (--no-verdict) still verifies written sentences with the stance model."""
    from ..plugins import registry

    return registry().stance_model(settings.stance)
