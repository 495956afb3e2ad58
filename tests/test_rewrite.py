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
    # a typo may cost a decision (supported -> not_enough_evidence), never turn it round
    assert {typo.label, right.label} != {"supported", "refuted"}, (typo, right)


# The common irregular verbs of English (issue 24, item 28: "Did inflation rise?" gave "Inflation rised").
IRREGULAR = {
    "arise": "arose", "awake": "awoke", "bear": "bore", "beat": "beat", "become": "became", "begin": "began",
    "bend": "bent", "bind": "bound", "bite": "bit", "bleed": "bled", "blow": "blew", "break": "broke",
    "breed": "bred", "bring": "brought", "build": "built", "burst": "burst", "buy": "bought", "cast": "cast",
    "catch": "caught", "choose": "chose", "cling": "clung", "come": "came", "cost": "cost", "creep": "crept",
    "cut": "cut", "deal": "dealt", "dig": "dug", "draw": "drew", "drink": "drank", "drive": "drove", "eat": "ate",
    "fall": "fell", "feed": "fed", "feel": "felt", "fight": "fought", "find": "found", "flee": "fled",
    "fling": "flung", "fly": "flew", "forbid": "forbade", "forget": "forgot", "forgive": "forgave",
    "freeze": "froze", "get": "got", "give": "gave", "go": "went", "grind": "ground", "grow": "grew",
    "hang": "hung", "have": "had", "hear": "heard", "hide": "hid", "hit": "hit", "hold": "held", "hurt": "hurt",
    "keep": "kept", "know": "knew", "lay": "laid", "lead": "led", "leave": "left", "lend": "lent", "let": "let",
    "lie": "lied", "light": "lit", "lose": "lost", "make": "made", "mean": "meant", "meet": "met",
    "mislead": "misled", "overcome": "overcame", "oversee": "oversaw", "overtake": "overtook",
    "overthrow": "overthrew", "pay": "paid", "put": "put", "quit": "quit", "read": "read", "ride": "rode",
    "ring": "rang", "rise": "rose", "run": "ran", "say": "said", "see": "saw", "seek": "sought", "sell": "sold",
    "send": "sent", "set": "set", "shake": "shook", "shed": "shed", "shoot": "shot", "shrink": "shrank",
    "shut": "shut", "sing": "sang", "sink": "sank", "sit": "sat", "sleep": "slept", "slide": "slid",
    "speak": "spoke", "spend": "spent", "spin": "spun", "split": "split", "spread": "spread", "spring": "sprang",
    "stand": "stood", "steal": "stole", "stick": "stuck", "sting": "stung", "strike": "struck", "swear": "swore",
    "sweep": "swept", "swim": "swam", "swing": "swung", "take": "took", "teach": "taught", "tear": "tore",
    "tell": "told", "think": "thought", "throw": "threw", "undergo": "underwent", "understand": "understood",
    "undertake": "undertook", "upset": "upset", "wake": "woke", "wear": "wore", "win": "won",
    "withdraw": "withdrew", "withhold": "withheld", "write": "wrote",
}


@pytest.mark.parametrize("verb, past", sorted(IRREGULAR.items()))
def test_irregular_verbs_take_their_past(verb, past):
    assert to_claim(f"Did the council {verb}?") == (f"The council {past}", True)


@pytest.mark.parametrize("question, claim", [
    ("Did inflation rise?", "Inflation rose"),
    ("Did the stock fall last week?", "The stock fell last week"),  # "fall" is the verb, not "last"
    ("Did the stock market fall?", "The stock market fell"),
    ("Did the senator lie about the budget?", "The senator lied about the budget"),
    ("Did the city ban smoking in bars?", "The city banned smoking in bars"),
    ("Did the council admit the error?", "The council admitted the error"),
    ("Did the agency try again?", "The agency tried again"),
    ("Does the mayor teach at the university?", "The mayor teaches at the university"),
    ("Does the city have a plan?", "The city has a plan"),
    ("Does the council go along with it?", "The council goes along with it"),
])
def test_the_verb_after_the_subject_is_conjugated(question, claim):
    assert to_claim(question) == (claim, True)


@pytest.mark.parametrize("question, claim", [
    # issue 24, item 28, as the fresh-clone rerun found it: the word after an "of" was inflected
    ("Did the price of oil fall?", "The price of oil fell"),
    ("Did the price of oil fall last year?", "The price of oil fell last year"),
    ("Did the value of gold increase?", "The value of gold increased"),
    ("Did the Department of Homeland Security deport him?", "The Department of Homeland Security deported him"),
    ("Did any of the banks fail?", "Any of the banks failed"),
    ("Does the city of Chicago cooperate with ICE?", "The city of Chicago cooperates with ICE"),
    ("Is the price of oil high?", "The price of oil is high"),
    # Title Case: the capitalised run took the verb, and a determiner or preposition is never inflected
    ("Did Angels Prevent a Rape?", "Angels prevented a Rape"),
    ("Did Canada Legalize the Medicinal Use of Cocaine?", "Canada legalized the Medicinal Use of Cocaine"),
    ("Is This a Photograph of a Rainbow Owl?", "This is a Photograph of a Rainbow Owl"),
])
def test_an_of_phrase_belongs_to_the_subject_and_no_function_word_is_inflected(question, claim):
    assert to_claim(question) == (claim, True)


@pytest.mark.parametrize("question", [
    "Did DHS Secretly Watermark Ballots in an Election Fraud Sting Against Dems?",  # where the subject ends is unclear
    "Did a Teen Sell His Kidney in Exchange for an iPhone?",
])
def test_a_title_case_run_that_could_end_anywhere_keeps_the_questions_words(question):
    assert to_claim(question) == (question.rstrip("?"), True)
