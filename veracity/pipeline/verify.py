"""verify: every sentence must rest on its citations; a sentence that does not is dropped and recorded.

In extractive mode a sentence is supported when each of its evidence quotes is exactly the cited
document's text at [start, end) and every citation number names a source of the report.
"""

from __future__ import annotations

from dataclasses import replace

from ..types import Document, Failure, Finding, Source


def verify(finding_list: list[Finding], sources: dict[int, Source], documents: dict[int, Document]):
    by_number = {s.id: s for s in sources.values()}
    kept, failures = [], []
    for f in finding_list:
        sentences = []
        for s in f.sentences:
            ok = bool(s.citations) and all(n in by_number for n in s.citations) and all(
                e.source in by_number and documents[by_number[e.source].document_id].text[e.start:e.end] == e.quote
                for e in s.evidence) and all(s.text in e.quote or e.quote in s.text for e in s.evidence)
            if ok:
                sentences.append(replace(s, support=1.0))
            else:
                failures.append(Failure("verify", f"dropped a sentence not supported by its citation: {s.text[:80]!r}"))
        if sentences:
            kept.append(replace(f, sentences=tuple(sentences)))
    return kept, failures
