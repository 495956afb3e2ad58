"""Follow-up questions: what the sources raise and the report does not settle, in the sources' own words.

Three kinds, in this order, each grounded in sentences of the cited documents (never a template over a bare
name, which says nothing a reader could not have typed):

- a disputed point: the report has findings on both sides; the question sets the two clauses side by side;
- matters left open: a sentence reports a call, a plan, a proposal, an investigation, a hearing or a lawsuit
  ("Sigcho-Lopez is calling for an investigation into ...") - what came of it?
- questions left unanswered: a sentence says someone did not respond, declined to comment or refrained from
  saying - is there an answer now?

The sentences chosen name someone (a person, an office, an event) and share words with the question, and are
not garbled (Title Case runs); the question quotes their main clause (organise.clause) exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...text import content_words, entities, sentence_spans
from ...types import REFUTES, REFUTING, SUPPORTING, SUPPORTS, Finding, Sentence
from ..organise.headings import clause

# A sentence that reports something still to be settled: asked for, planned, proposed, under way or in court.
PENDING = re.compile(r"\b(call(s|ed|ing)? for|ask(s|ed|ing)? for|plan(s|ned|ning)? to|is planning|are planning|"
                     r"propos(e|es|ed|al|ing)|introduc(ed|es) (a|an) (proposal|bill|ordinance|measure|amendment)|"
                     r"pending|investigat(e|es|ed|ing|ion|ions)|inquiry|lawsuits?|sued|sues|appeal(s|ed)?|"
                     r"(will|would) (decide|vote|rule|review|consider))\b", re.IGNORECASE)
# A sentence that reports a question left unanswered.
UNANSWERED = re.compile(r"\b(did ?n[o’']t respond|did not respond|declined to (comment|say|answer)|would ?n[o’']t "
                        r"(comment|say)|refrained from|did ?n[o’']t (say|disclose)|did not (say|disclose)|"
                        r"no comment|(remains|is) unclear|not (yet )?known)\b", re.IGNORECASE)
MAX_QUESTIONS = 5
MIN_SCORE = 4  # twice the question's words a sentence shares, plus the report's (at most 6)


@dataclass(frozen=True)
class Raised:
    """A sentence of a cited document that raises something the report does not settle."""

    text: str
    kind: str  # pending | unanswered
    score: int  # the question's words it shares
    order: int  # its place among the sentences read (ties go to the earlier)


def garbled(text: str) -> bool:
    """Title Case runs or capitalised function words mid-sentence ("Sent Ice The Arrest Records"): a damaged
    source, or a headline; its clause would make a poor question."""
    ws = [w for w in text.split() if w[:1].isalpha()]
    small = {"the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "that", "with", "by", "at", "from"}
    shouting = sum(w[0].isupper() and w.lower() in small for w in ws[1:])
    upper = sum(w.isupper() and len(w) > 3 for w in ws)
    return len(ws) >= 4 and (sum(w[0].isupper() for w in ws) > 0.5 * len(ws) or shouting >= 2 or upper >= 3)


def stems(text: str) -> set[str]:
    return {w.lower()[:5] for w in content_words(text)}


def raised(texts: list[str], question: str, report: str) -> list[Raised]:
    """The sentences of the texts that leave something open and bear on the question or on what the report
    says (report: its text), best first."""
    asked, said = stems(question), stems(report)
    out: list[Raised] = []
    order = 0
    for text in texts:
        for span in sentence_spans(text):
            sentence = text[span.start:span.end]
            order += 1
            kind = "pending" if PENDING.search(sentence) else "unanswered" if UNANSWERED.search(sentence) else None
            if kind is None or garbled(sentence) or not entities(sentence) or "?" in sentence:
                continue
            words = stems(sentence)
            score = 2 * len(asked & words) + min(len(said & words), 6)
            if score >= MIN_SCORE:
                out.append(Raised(sentence, kind, score, order))
    return sorted(out, key=lambda r: (-r.score, r.order))


def as_question(r: Raised) -> str | None:
    """The sentence's main clause, then what a reader would ask of it; None when the clause has lost what was
    left open (cut before "is planning a hearing") or is too short to say anything."""
    text = clause(r.text).rstrip("…").rstrip(" ,;:")
    cue = PENDING if r.kind == "pending" else UNANSWERED
    if len(text.split()) < 4 or not cue.search(text):
        return None
    return f"{text}: what came of it?" if r.kind == "pending" else f"{text}: is there an answer now?"


def side_clause(f: Finding, side: str, question: str) -> str:
    """The main clause of the finding's sentence most on the question's point (the question's words it shares),
    then taking the finding's side most clearly (the stance model's score for side); garbled sentences only
    when there is nothing else."""
    asked = stems(question)

    def lean(s: Sentence) -> float:
        return max((e.stance.scores.get(side, 0.0) for e in s.evidence if e.stance is not None), default=0.0)

    ranked = sorted(f.sentences, key=lambda s: (garbled(s.text), -len(asked & stems(s.text)), -lean(s)))
    return clause(ranked[0].text) if ranked else f.heading


def disputed(finding_list: list[Finding], question: str) -> str | None:
    """When the report has findings on both sides: how the two fit together, in their own words."""
    pro = next((f for f in finding_list if f.role == SUPPORTING), None)
    con = next((f for f in finding_list if f.role == REFUTING), None)
    if pro is None or con is None:
        return None
    return (f"How do these fit together: “{side_clause(pro, SUPPORTS, question)}”, "
            f"yet “{side_clause(con, REFUTES, question)}”?")


def follow_ups(question: str, finding_list: list[Finding], texts: list[str]) -> list[str]:
    """Up to MAX_QUESTIONS questions about what the sources raise and the report leaves open (see the module's
    docstring); empty when the sources raise nothing of the kind (the caller adds its own)."""
    out: list[str] = []
    point = disputed(finding_list, question)
    if point:
        out.append(point)
    quoted = {s.text for f in finding_list for s in f.sentences}
    picks = raised(texts, question, " ".join(quoted))
    # a matter the report has not quoted first: the report settles nothing about what it never mentions
    for r in sorted(picks, key=lambda r: r.text in quoted):
        q = as_question(r)
        if q and q.lower() not in {o.lower() for o in out}:
            out.append(q)
        if len(out) >= MAX_QUESTIONS - 1:
            break
    return out
