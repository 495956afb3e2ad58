"""A check, in the order it runs: plan, gather, select, judge, organise, write, verify."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import date

from .. import __version__
from ..errors import LLMError
from ..llm import Ledger
from ..stance import MiniLMStance
from ..text import content_words, without_possessive
from ..types import STANCE_LABELS, CitedText, Failure, LLMUsage, Report, Stance, Verdict
from . import judge as judging
from . import prose
from . import write as writing
from .gather import gather
from .language import language_notes
from .scope import searched_line, undated_sources
from .organise import organise
from .plan import plan as make_plan
from .select import instruction_sentences, leading_name, names_all, select
from .verify import verify


StageListener = Callable[[str, float], None]  # (stage, milliseconds it took), called as each stage ends


class Timer:
    def __init__(self, on_stage: StageListener | None = None) -> None:
        self.ms: dict[str, float] = {}
        self._t = time.perf_counter()
        self._on_stage = on_stage

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.ms[stage] = round((now - self._t) * 1000, 1)
        self._t = now
        if self._on_stage is not None:
            self._on_stage(stage, self.ms[stage])


def versions(embedder, stance_model, llm=None) -> dict[str, str]:
    return {"veracity": __version__, "embedder": embedder.version,
            "stance": stance_model.version if stance_model else "none",
            "calibration": judging.calibration()["fitted_on"] if stance_model else "none",
            "llm": llm.name if llm is not None else "none", "report_schema": "1"}


def run_check(question: str, *, store, embedder, stance_model, settings, as_of: str | None = None,
              today: str | None = None, llm=None, on_stage: StageListener | None = None) -> Report:
    """llm: a language model to plan and write with (LLM mode), or None for the extractive report.
    on_stage: called as each stage ends (plan, gather, select, judge, organise, write, verify)."""
    timer = Timer(on_stage)
    failures: list[Failure] = []
    ledger = Ledger(max_calls=settings.llm_max_calls, budget_s=settings.llm_budget_s) if llm is not None else None
    p = make_plan(question)
    if llm is not None:
        try:
            p = prose.refine(p, llm, ledger)
        except LLMError as exc:
            failures.append(Failure("plan", f"the LLM could not plan the searches ({exc}); the rule-based "
                                            "queries were used"))
    name = leading_name(p.claim, p.entities, store)
    if name:
        p = replace(p, entities=p.entities + (name,))
    timer.lap("plan")
    gathered = gather(p, store=store, embedder=embedder, per_query=settings.gather_per_query)
    timer.lap("gather")
    injected = instruction_sentences(gathered.hits)
    chosen = select(gathered, store, threshold=settings.relevance_threshold, limit=settings.max_evidence,
                    per_document=settings.max_per_document, mmr_lambda=settings.mmr_lambda,
                    entities=p.entities, injected=injected)
    chosen = [c for c in chosen if judging.in_time(c.evidence, as_of)]
    failures += [Failure("select", f"ignored text in “{title}” that reads as instructions to an AI model (a prompt "
                                   "injection), not as evidence") for title in dict.fromkeys(injected.values())]
    failures += language_notes(p.question, [c.evidence.quote for c in chosen]
                               or [h.passage.text for h in gathered.hits[:settings.max_evidence]])
    timer.lap("select")
    searched = searched_line(len(p.queries), store, as_of)
    verdict: Verdict | None = None
    if stance_model is not None and chosen and p.is_open:
        scored, verdict = judging.agreement([c.evidence for c in chosen], stance_model, searched=searched)
        chosen = [replace(c, evidence=e) for c, e in zip(chosen, scored)]
    elif stance_model is not None:
        if chosen:
            scored = judging.score(p.claim, [c.evidence for c in chosen], stance_model)
            chosen = [replace(c, evidence=e) for c, e in zip(chosen, scored)]
        verdict = judging.verdict(p.claim, [c.evidence for c in chosen], searched=searched)
        if llm is not None and settings.llm_stance in ("second", "judge") and chosen:
            chosen, verdict = llm_stance(p.claim, chosen, verdict, settings.llm_stance, llm, ledger, searched,
                                         failures)
    timer.lap("judge")
    groups = organise(chosen) if chosen else []
    timer.lap("organise")
    sources = writing.number_sources(groups)
    finding_list = writing.findings(groups, sources)
    draft = None
    if llm is not None and finding_list:
        try:
            draft = prose.write(p, verdict_line(verdict), groups, {d: s.id for d, s in sources.items()}, llm,
                                ledger)
        except LLMError as exc:
            failures.append(Failure("write", f"the LLM could not write the report ({exc}); it was written "
                                             "extractively instead: every sentence quotes its source"))
    timer.lap("write")
    documents = {c.evidence.document.id: c.evidence.document for c in chosen}
    finding_list, dropped = verify(finding_list, sources, documents)
    failures += dropped
    written = None
    if draft is not None and len(finding_list) == len(groups):
        written = prose.verified(draft, groups, finding_list, sources, stance_model or MiniLMStance(),
                                 settings.support_threshold, llm, ledger)
        finding_list, failures = written.findings, failures + written.failures
        if not written.kept:
            failures.append(Failure("verify", "nothing the LLM wrote passed verification; the report quotes its "
                                              "sources instead"))
            written = None
    timer.lap("verify")
    used = {n for f in finding_list for s in f.sentences for n in s.citations}
    if written is not None:  # the model's summary and bottom line may cite a source no finding sentence cites
        used |= {n for t in (written.summary, written.bottom_sentence) if t is not None for n in t.citations}
    sources = {k: v for k, v in sources.items() if v.id in used}
    kept_groups = [g for g in groups if any(sources.get(c.evidence.document.id) for c in g[2])]
    if finding_list:
        summary = writing.summary(kept_groups, sources)
        newest = max((s.published for s in sources.values() if s.published), default=None)
        bottom = writing.bottom_line(p, verdict, finding_list)
        questions = writing.follow_ups(p, finding_list, verdict, newest,
                                       [documents[k].text for k in sources if k in documents])
        if written is not None:
            summary = written.summary or summary
            if written.bottom_sentence is not None:
                bottom = CitedText(text=f"{written.bottom_sentence.text} {bottom.text}",
                                   citations=tuple(sorted(set(bottom.citations)
                                                          | set(written.bottom_sentence.citations))),
                                   support=written.bottom_sentence.support)
            questions = (written.follow_ups + [q for q in questions if q not in written.follow_ups])[:5] \
                if len(written.follow_ups) < 2 else written.follow_ups
    else:
        missing = [e for e in p.entities if not any(names_all(h.document.text, (e,)) for h in gathered.hits)]
        for w in dict.fromkeys(without_possessive(w) for w in content_words(p.claim)):
            if not any(w.lower() in m.lower() or m.lower() in w.lower() for m in missing) and not store.lexical(w, 1):
                missing.append(w)  # a word no stored passage has at all
        quoted = [f"“{m}”" for m in missing]
        why = (f"No source searched mentions {', '.join(quoted[:-1])} or {quoted[-1]}." if len(quoted) > 1 else
               f"No source searched mentions {quoted[0]}." if quoted else
               "No passage reached the relevance threshold, so no finding is reported.")
        summary = CitedText(text=f"Nothing in the sources searched addresses this question. Searched: {searched}, "
                                 f"for {'; '.join(repr(q) for q in p.queries)}. {why}", citations=())
        bottom = CitedText(text="Not enough evidence in the sources searched. This does not mean the claim is "
                                "false: add sources that cover it (veracity ingest PATH) and check again.", citations=())
        questions = [f"Which sources would cover “{p.question}”?",
                     "Is the question about a place, person or event the collection does not include?"]
    undated, notes = undated_sources(list(sources.values()), as_of)
    failures += notes
    return Report(
        id=uuid.uuid4().hex[:12], question=p.question, claim=p.claim,
        checked_on=today or date.today().isoformat(), queries=p.queries,
        sources=tuple(sorted(sources.values(), key=lambda s: s.id)),
        independent_sources=len({s.group for s in sources.values()}),
        summary=summary, findings=tuple(finding_list), bottom_line=bottom, follow_up_questions=tuple(questions),
        verdict=verdict, timings_ms=timer.ms, versions=versions(embedder, stance_model, llm),
        nothing_found=not finding_list, failures=tuple(failures), as_of=as_of, claims=p.claims,
        mode="llm" if written is not None else "extractive", llm=usage(llm, ledger), open_question=p.is_open,
        undated_sources=undated)


def llm_stance(claim, chosen, verdict, mode: str, llm, ledger, searched: str, failures: list):
    """The LLM's stance on each evidence sentence: a second opinion beside the stance model's verdict, or,
    when the user opted in (mode "judge"), the stances the verdict is computed from."""
    try:
        labels = prose.second_opinion(claim, [c.evidence for c in chosen], llm, ledger)
    except LLMError as exc:
        failures.append(Failure("judge", f"the LLM could not give its stance ({exc}); the stance model judged alone"))
        return chosen, verdict
    model_labels = [c.evidence.stance.label for c in chosen]
    agreement = round(sum(a == b for a, b in zip(labels, model_labels)) / len(labels), 3)
    by_llm = [replace(c, evidence=replace(c.evidence, stance=Stance(label, {k: float(k == label)
                                                                           for k in STANCE_LABELS})))
              for c, label in zip(chosen, labels)]
    llm_verdict = judging.verdict(claim, [c.evidence for c in by_llm], searched=searched)
    if mode == "second":
        return chosen, replace(verdict, second_opinion={"by": f"llm {llm.name}", "label": llm_verdict.label,
                                                        "stances": labels, "agreement": agreement})
    rationale = (f"Judged from the LLM's stances ({llm.name}; opted in with --llm-stance judge; the confidence "
                 f"is calibrated for the stance model, not for this LLM). {llm_verdict.rationale}")
    return by_llm, replace(llm_verdict, rationale=rationale,
                           second_opinion={"by": "stance model", "label": verdict.label, "stances": model_labels,
                                           "agreement": agreement})


def verdict_line(verdict) -> str:
    if verdict is None:
        return "none (the verdict was not computed)"
    return f"{verdict.label} ({verdict.confidence:.0%}): {verdict.rationale}"


def usage(llm, ledger: Ledger | None) -> LLMUsage | None:
    if llm is None or ledger is None:
        return None
    total = ledger.total()
    return LLMUsage(model=llm.name, calls=total.calls, tokens_in=total.tokens_in, tokens_out=total.tokens_out,
                    seconds=total.seconds, stages={k: asdict(u) for k, u in ledger.stages.items()})
