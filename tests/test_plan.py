import pytest

from veracity.errors import InputError
from veracity.pipeline.plan import plan, to_claim


@pytest.mark.parametrize("question, claim", [
    ("Did Chicago cooperate with ICE?", "Chicago cooperated with ICE"),
    ("Does the city share records with ICE?", "The city shares records with ICE"),
    ("Is Chicago a sanctuary city?", "Chicago is a sanctuary city"),
    ("Has the mayor rejected the amendment?", "The mayor has rejected the amendment"),
    ("Did Denver ban plastic bags?", "Denver banned plastic bags"),
    ("Was the moon landing faked?", "The moon landing was faked"),
    ("Were the arrest records sent to ICE?", "The arrest records were sent to ICE"),
    ("Was Barack Obama born in Kenya?", "Barack Obama was born in Kenya"),
    ("Did Chicago police share arrest records with ICE?", "Chicago police shared arrest records with ICE"),
    ("Did Chicago officials say they would comply?", "Chicago officials said they would comply"),
    ("Does the city council discuss the budget?", "The city council discusses the budget"),
])
def test_yes_no_questions_become_claims(question, claim):
    assert to_claim(question) == (claim, True)


def test_a_statement_stays_a_claim():
    assert to_claim("Chicago police sent ICE arrest records.") == ("Chicago police sent ICE arrest records.", False)


def test_plan_derives_three_or_more_distinct_queries():
    p = plan("  Did   Chicago cooperate with ICE? ")
    assert p.question == "Did Chicago cooperate with ICE?"
    assert len(p.queries) >= 3 and len(set(p.queries)) == len(p.queries)
    assert "Chicago cooperated with ICE" in p.queries
    assert set(p.entities) >= {"Chicago", "ICE"}


@pytest.mark.parametrize("bad", ["", "   ", "?", "the of and"])
def test_an_empty_question_is_an_input_error(bad):
    with pytest.raises(InputError, match="empty"):
        plan(bad)


def test_a_capital_at_the_start_of_a_sentence_is_not_a_name():
    from veracity.text import entities

    assert entities("Several studies have found that smoking can reduce Covid-19 risk.") == ["Covid-19"]
    assert entities("Delayed social distancing in the United States cost lives.") == ["United States"]
    assert entities("New York City residents tested positive.") == ["New York City"]
    assert entities("The Chicago Police sent the records to ICE.") == ["Chicago Police", "ICE"]


def test_open_questions_are_told_from_claims_and_yes_no_questions():
    assert plan("What did Chicago do about ICE?").is_open
    assert not plan("Did Chicago cooperate with ICE?").is_open
    assert not plan("Chicago police sent ICE the records").is_open


def test_a_yes_no_question_without_its_mark_is_planned_as_with_it():
    bare, marked = plan("Did Chicago cooperate with ICE"), plan("Did Chicago cooperate with ICE?")
    assert bare.claim == marked.claim == "Chicago cooperated with ICE" and bare.is_yes_no and not bare.is_open
    assert bare.queries == marked.queries and bare.entities == marked.entities
    assert bare.question == "Did Chicago cooperate with ICE"  # the report shows what was asked
    assert plan("What did Chicago do about ICE").is_open


def test_a_lower_case_acronym_is_written_as_the_collection_writes_it(demo_engine):
    """Issue 21, item 6: seed 000 asks "Did Chicago cooperate with ice"; the collection writes ICE (one demo
    article's garbled copy writes "Ice" and "ice" too, and capitalises function words: its casing has no vote)."""
    store = demo_engine.store
    typed, canonical = plan("Did Chicago cooperate with ice", store), plan("Did Chicago cooperate with ICE?", store)
    assert typed.claim == "Chicago cooperated with ICE"
    assert typed.queries == canonical.queries and typed.entities == canonical.entities
    assert not any(q.endswith(" report") for q in typed.queries)
    # a word the collection writes in lower case, or does not have, keeps the user's casing
    assert plan("Did chicago police share records with ice agents", store).claim == \
        "Chicago police shared records with ICE agents"
    assert plan("Did the police share records with ice agents", store).queries[0] == \
        "Did the police share records with ICE agents?"
    assert "zebra" in plan("Did the zebra cooperate with ice", store).claim


def test_the_check_of_a_bare_question_searches_what_the_canonical_one_searches(demo_engine):
    typed = demo_engine.check("Did Chicago cooperate with ice", save=False)
    canonical = demo_engine.check("Did Chicago cooperate with ICE?", save=False)
    assert typed.claim == canonical.claim == "Chicago cooperated with ICE"
    assert typed.queries == canonical.queries
    assert typed.verdict == canonical.verdict
