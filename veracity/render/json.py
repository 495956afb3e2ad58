"""The JSON report, schema_version 1 (documented in the README)."""

from __future__ import annotations

import json
from dataclasses import asdict

from .escape import json_text
from ..types import CitedText, EvidenceRef, Failure, Finding, LLMUsage, Report, Sentence, Source, Stance, Verdict

SCHEMA_VERSION = 1


def to_dict(report: Report) -> dict:
    def stance(s):
        return None if s is None else {"label": s.label, "scores": s.scores}

    return {
        "schema_version": SCHEMA_VERSION, "id": report.id, "question": report.question, "claim": report.claim,
        "checked_on": report.checked_on, "as_of": report.as_of, "queries": list(report.queries),
        "sources": [{"id": s.id, "title": s.title, "location": s.location, "publisher": s.publisher,
                     "published": s.published, "group": s.group, "document_id": s.document_id}
                    for s in report.sources],
        "independent_sources": report.independent_sources,
        "summary": {"text": report.summary.text, "citations": list(report.summary.citations),
                    "support": report.summary.support},
        "findings": [{"heading": f.heading, "role": f.role, "sentences": [
            {"text": s.text, "citations": list(s.citations), "support": s.support,
             "evidence": [{"source": e.source, "quote": e.quote, "start": e.start, "end": e.end,
                           "stance": stance(e.stance)} for e in s.evidence]} for s in f.sentences]}
            for f in report.findings],
        "bottom_line": {"text": report.bottom_line.text, "citations": list(report.bottom_line.citations),
                        "support": report.bottom_line.support},
        "follow_up_questions": list(report.follow_up_questions),
        "verdict": None if report.verdict is None else asdict(report.verdict),
        "nothing_found": report.nothing_found, "open_question": report.open_question,
        "failures": [asdict(f) for f in report.failures],
        "timings_ms": report.timings_ms, "versions": report.versions,
        "mode": report.mode, "claims": list(report.claims),
        "llm": None if report.llm is None else asdict(report.llm),
        "undated_sources": report.undated_sources,
    }


def to_json(report: Report) -> str:
    return json_text(json.dumps(to_dict(report), ensure_ascii=False, indent=2))


def from_json(text: str) -> Report:
    d = json.loads(text)

    def stance(s):
        return None if s is None else Stance(s["label"], s["scores"])

    return Report(
        id=d["id"], question=d["question"], claim=d["claim"], checked_on=d["checked_on"], queries=tuple(d["queries"]),
        sources=tuple(Source(**s) for s in d["sources"]), independent_sources=d["independent_sources"],
        summary=CitedText(d["summary"]["text"], tuple(d["summary"]["citations"]), d["summary"].get("support")),
        findings=tuple(Finding(heading=f["heading"], role=f["role"], sentences=tuple(
            Sentence(text=s["text"], citations=tuple(s["citations"]), support=s["support"], evidence=tuple(
                EvidenceRef(e["source"], e["quote"], e["start"], e["end"], stance(e["stance"])) for e in s["evidence"]))
            for s in f["sentences"])) for f in d["findings"]),
        bottom_line=CitedText(d["bottom_line"]["text"], tuple(d["bottom_line"]["citations"]),
                              d["bottom_line"].get("support")),
        follow_up_questions=tuple(d["follow_up_questions"]),
        verdict=None if d["verdict"] is None else Verdict(**d["verdict"]),
        timings_ms=d["timings_ms"], versions=d["versions"], nothing_found=d["nothing_found"],
        failures=tuple(Failure(**f) for f in d["failures"]), as_of=d.get("as_of"),
        mode=d.get("mode", "extractive"), claims=tuple(d.get("claims", ())), open_question=d.get("open_question", False),
        llm=None if d.get("llm") is None else LLMUsage(**d["llm"]), undated_sources=d.get("undated_sources"))
