"""The models read English: a note in the report when the question or the evidence is in another language."""

from __future__ import annotations

from ...text import not_english
from ...types import Failure


def language_notes(question: str, evidence: list[str]) -> list[Failure]:
    """At most one note for the question and one for the evidence (the texts the check would quote or, when
    it quotes none, the passages its search found): the search, the verdict and the wording were made by
    English models, so they may miss or misread what is there."""
    notes = []
    if not_english(question):
        notes.append(Failure("plan", "The question is not in English. veracity's models read English, so the "
                                     "search may miss relevant passages and the verdict may be wrong; ask in "
                                     "English where you can."))
    foreign = sum(not_english(text) for text in evidence)
    if evidence and foreign * 2 > len(evidence):
        notes.append(Failure("judge", f"{foreign} of the {len(evidence)} passages read are not in English. "
                                      "veracity's models read English, so they may misjudge what those passages "
                                      "say."))
    return notes
