"""The report suite: does a report carry the key facts, answer first, and stay short?

Questions over licence-clean articles (FRANK dev, CNN/DailyMail: `grounded/frank_cnndm_dev.jsonl` beside
`bench/`), each with its key facts ("nuggets") listed in advance in `report_questions.json`. The articles are
ingested into one store; `check` runs on every question as a user would: extractive, or in LLM mode where the
settings name a model (VERACITY_LLM, VERACITY_LLM_MODEL), the mode each report came out in kept beside its scores
(a model's prose that fails verification leaves a quoted report). Scored per question:
- nugget recall: the share of its nuggets the report's text carries (a nugget is present when every term of
  one of its alternatives appears, case-insensitive);
- the share of finding headings that are the opening words of one of the finding's own quotes, and of those
  that say little (under three words);
- the summary's length in words, and whether its first sentence answers (veracity's answer frame);
- the whole report's length in words (summary, headings, findings, bottom line).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..types import Report
from .base import Metric, SuiteResult, files_sha256, jsonl, need, suite

QUESTIONS = Path(__file__).with_name("report_questions.json")
DATA_FILE = "grounded/frank_cnndm_dev.jsonl"


@dataclass(frozen=True)
class Nugget:
    fact: str
    alternatives: tuple[tuple[str, ...], ...]  # present when every term of one alternative is in the text


@dataclass(frozen=True)
class ReportQuestion:
    id: str
    document: str  # the key of the article it is about
    question: str
    nuggets: tuple[Nugget, ...]


def load_questions(path: Path = QUESTIONS) -> tuple[list[str], list[ReportQuestion]]:
    """(the article keys to ingest, the questions)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    questions = [ReportQuestion(q["id"], q["document"], q["question"],
                                tuple(Nugget(n["fact"], tuple(tuple(a) for a in n["any"])) for n in q["nuggets"]))
                 for q in data["questions"]]
    return list(data["documents"]), questions


def normal(text: str) -> str:
    """Lower case, straight quotes, one space: what nuggets are matched against."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).lower()


def present(nugget: Nugget, text: str) -> bool:
    haystack = normal(text)
    return any(all(normal(term) in haystack for term in alt) for alt in nugget.alternatives)


def nugget_recall(nuggets: tuple[Nugget, ...] | list[Nugget], text: str) -> float:
    return sum(present(n, text) for n in nuggets) / len(nuggets) if nuggets else 0.0


def report_text(report: Report) -> str:
    """What a reader reads: the summary, each finding's heading and sentences, and the bottom line."""
    parts = [report.summary.text]
    for f in report.findings:
        parts.append(f.heading)
        parts += [s.text for s in f.sentences]
    parts.append(report.bottom_line.text)
    return "\n".join(parts)


def word_count(text: str) -> int:
    return len(re.findall(r"[\w'’.,-]*\w", text))


def heading_copies_quote(heading: str, quotes: list[str]) -> bool:
    """A heading that is the opening words of one of its finding's quotes (4 words or more of it)."""
    words = normal(heading.rstrip("\u2026. ")).split()
    if len(words) < 3:
        return False
    return any(normal(q).lstrip("\"' ").split()[:len(words)] == words for q in quotes)


def thin_heading(heading: str) -> bool:
    """A heading that says little: a word or two ("Memo limiting", "Last year")."""
    return len(heading.rstrip("\u2026. ").split()) < 3


def first_sentence(text: str) -> str:
    match = re.match(r".+?[.!?:](?=\s|$)", text.strip())
    return match.group(0) if match else text


def answers_first(report: Report) -> bool:
    """The summary opens with veracity's answer: its first sentence is a frame sentence (no source's words)
    that names the verdict's answer."""
    from ..pipeline.write import ANSWERS

    first = report.summary.sentences[0] if report.summary.sentences else None
    if first is None or first.role != "frame" or report.verdict is None:
        return False
    return first.text.startswith(ANSWERS.get(report.verdict.label, ("\0", ""))[0])


def score_report(q: ReportQuestion, report: Report) -> dict[str, Any]:
    text = report_text(report)
    copies = [heading_copies_quote(f.heading, [s.text for s in f.sentences]) for f in report.findings]
    return {"id": q.id, "question": q.question,
            "nugget_recall": round(nugget_recall(q.nuggets, text), 4),
            "missing": [n.fact for n in q.nuggets if not present(n, text)],
            "headings": len(copies), "headings_copying_quote": sum(copies),
            "headings_thin": sum(thin_heading(f.heading) for f in report.findings),
            "summary_words": word_count(report.summary.text), "answers_first": answers_first(report),
            "report_words": word_count(text), "verdict": report.verdict.label if report.verdict else None,
            "mode": report.mode}


def metrics(rows: list[dict[str, Any]]) -> tuple[Metric, ...]:
    n = len(rows)
    headings = sum(r["headings"] for r in rows)
    return (
        Metric("nugget_recall", round(sum(r["nugget_recall"] for r in rows) / n, 4), target=0.80),
        Metric("min_question_recall", round(min(r["nugget_recall"] for r in rows), 4), target=0.60),
        Metric("headings_copying_quote", round(sum(r["headings_copying_quote"] for r in rows) / max(headings, 1), 4),
               target=0.20, lower_is_better=True),
        Metric("headings_thin", round(sum(r.get("headings_thin", 0) for r in rows) / max(headings, 1), 4),
               target=0.20, lower_is_better=True),
        Metric("summary_words_max", max(r["summary_words"] for r in rows), target=120, lower_is_better=True),
        Metric("answers_first", round(sum(r["answers_first"] for r in rows) / n, 4), target=1.0),
        Metric("report_words_max", max(r["report_words"] for r in rows), target=700, lower_is_better=True),
    )


def articles(path: Path, keys: list[str]) -> dict[str, str]:
    """key -> article text, for the FRANK rows whose id holds the key (frank-cnndm-<hash>-<system>)."""
    found: dict[str, str] = {}
    for row in jsonl(path):
        key = row["id"].split("-")[2][:len(keys[0])]
        if key in keys and key not in found:
            found[key] = row["document"]
    return found


@suite("report")
def report_suite(data: Path, *, quick: bool = False, work: Path | None = None,
                 only: tuple[str, ...] = ()) -> list[SuiteResult]:
    from .retrieval import Collection, build_store, default_work

    root = data.parent if data.name == "bench" else data
    path = root / DATA_FILE
    need([path], "FRANK CNN/DM dev (grounded)")
    started = time.perf_counter()
    keys, questions = load_questions()
    texts = articles(path, keys)
    lost = [k for k in keys if k not in texts]
    if lost:
        raise ValueError(f"articles {lost} are not in {path}")
    if only:
        questions = [q for q in questions if q.id in only or q.document in only]
    collection = Collection("report", {k: (f"CNN/DailyMail article {k}", texts[k]) for k in keys}, {}, {}, (path,))
    engine = build_store(collection, (work or default_work()) / "report-frank.db")
    rows = [score_report(q, engine.check(q.question, verdict=True, save=False)) for q in questions]
    return [SuiteResult(suite="report", dataset="frank_cnndm_dev_questions", rows=len(rows), quick=quick,
                        seconds=round(time.perf_counter() - started, 1), metrics=metrics(rows),
                        data_sha256=files_sha256([path, QUESTIONS]),
                        notes=f"{len(questions)} questions, {sum(len(q.nuggets) for q in questions)} nuggets over "
                              f"{len(keys)} articles, one store; reports: "
                              + ", ".join(f"{m} {sum(r['mode'] == m for r in rows)}"
                                          for m in sorted({r['mode'] for r in rows})),
                        details={"questions": rows})]
