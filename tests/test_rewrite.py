"""Yes/no questions are rewritten into claims conservatively (issue 13)."""

from __future__ import annotations

import pytest

from veracity.pipeline.plan import known, plan, to_claim


@pytest.mark.parametrize("question, claim", [
    ("Is the Vellum dam 85 metres tall?", "The Vellum dam is 85 metres tall"),
    ("Was the Vellum dam built in 1950?", "The Vellum dam was built in 1950"),
    ("Is the sky blue?", "The sky is blue"),
    ("Did ICE deport 500 people?", "ICE deported 500 people"),
    # a misspelt noun before the verb stays as it is, in the subject; the verb is inflected
    ("Did the Chicago police deparment cooperate with ICE?", "The Chicago police deparment cooperated with ICE"),
    ("Did Chicago polise cooperate with ICE?", "Chicago polise cooperated with ICE"),
    # a noun with no past tense before a verb is part of the subject, not the verb
    ("Did the Chicago zoo open a penguin house?", "The Chicago zoo opened a penguin house"),
    ("Did the police chief resign?", "The police chief resigned"),
    ("Did the mayor veto budget cuts?", "The mayor vetoed budget cuts"),
    # unsure where the subject ends, or the verb is not a known word: the question's own words
    ("Is the new bridge open to traffic?", "Is the new bridge open to traffic"),
    ("Did the council frobnicate?", "Did the council frobnicate"),
])
def test_questions_are_rewritten_conservatively(question, claim):
    assert to_claim(question) == (claim, True)


def test_a_misspelling_is_never_inflected():
    for question in ("Did the Chicago police deparment cooperate with ICE?", "Did Chicago polise cooperate with ICE?",
                     "Did the mayor deparment?"):
        claim = plan(question).claim
        assert "deparmented" not in claim and "polised" not in claim and "deparmentted" not in claim


def test_known_words():
    assert known("cooperate") and known("deport") and known("sent") and known("department")
    assert not known("deparment") and not known("polise")


def test_a_typo_does_not_flip_the_verdict(demo_engine):
    right = demo_engine.check("Did Chicago police cooperate with ICE?", save=False).verdict
    typo = demo_engine.check("Did Chicago polise cooperate with ICE?", save=False).verdict
    assert right is not None and typo is not None
    # the typo must not turn the verdict round: no refuted (on main before issue 13: refuted 98%) unless the
    # correct spelling is refuted too (the aggregator may abstain on one and call the other mixed)
    assert typo.label != "refuted" or right.label == "refuted", (typo, right)
    assert {typo.label, right.label} <= {"mixed", "not_enough_evidence"} or typo.label == right.label
