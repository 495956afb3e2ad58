"""Verdict aggregation on hand-made stances (the stance model itself is not exercised here)."""

from veracity.pipeline.judge import decide, tally, verdict
from veracity.pipeline.select import in_time
from veracity.types import Document, Evidence, Stance


def doc(i, group, published=None):
    return Document(id=i, title=f"d{i}", location=f"d{i}.txt", publisher=None, published=published,
                    content_hash=str(i), group=group, text="x")


def ev(document, supports, refutes, relevance=0.8):
    neutral = round(1 - supports - refutes, 4)
    label = max((("supports", supports), ("refutes", refutes), ("neutral", neutral)), key=lambda kv: kv[1])[0]
    return Evidence(document=document, start=0, end=1, quote="x", relevance=relevance,
                    stance=Stance(label, {"supports": supports, "refutes": refutes, "neutral": neutral}))


def test_ten_copies_of_one_wire_story_count_once():
    copies = [ev(doc(i, group=1), 0.9, 0.05) for i in range(10)]
    one = [ev(doc(0, group=1), 0.9, 0.05)]
    assert tally(copies) == tally(one)


def test_independent_support_outweighs_a_single_copy():
    label, _ = decide(tally([ev(doc(1, 1), 0.9, 0.05), ev(doc(2, 2), 0.85, 0.05)]))
    assert label == "supported"


def test_conflicting_evidence_is_mixed():
    label, _ = decide(tally([ev(doc(1, 1), 0.9, 0.05), ev(doc(2, 2), 0.05, 0.9)]))
    assert label == "mixed"


def test_refuting_evidence_is_refuted():
    label, _ = decide(tally([ev(doc(1, 1), 0.05, 0.9), ev(doc(2, 2), 0.1, 0.8)]))
    assert label == "refuted"


def test_neutral_evidence_is_not_enough_evidence_and_never_refuted():
    v = verdict("claim", [ev(doc(1, 1), 0.1, 0.1), ev(doc(2, 2), 0.1, 0.05)], searched="3 queries")
    assert v.label == "not_enough_evidence" and "not evidence that it is false" in v.rationale


def test_no_evidence_is_not_enough_evidence():
    v = verdict("claim", [], searched="3 queries over 3 documents")
    assert v.label == "not_enough_evidence" and "3 queries over 3 documents" in v.rationale
    assert 0.0 <= v.confidence <= 1.0


def test_as_of_drops_later_evidence_and_keeps_undated():
    assert in_time(ev(doc(1, 1, "2025-01-01"), 0.9, 0.0), "2025-06-01")
    assert not in_time(ev(doc(2, 2, "2025-07-01"), 0.9, 0.0), "2025-06-01")
    assert in_time(ev(doc(3, 3, None), 0.9, 0.0), "2025-06-01")
