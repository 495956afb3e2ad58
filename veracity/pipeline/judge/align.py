"""align: exact checks of a claim against one evidence sentence, beside the stance model.

The stance model reads meaning but misses plain mismatches ("opened in 1937" / "opened in 1957",
"voted against" / "voted for"). These checks use the same exact-match machinery as LLM mode's verification
(verify.facts, verify.missing_facts): the numbers, dates and names of the claim, looked up verbatim in the
sentence, and a negation or antonym that one side has and the other lacks. They are inputs to the
aggregator (pipeline/judge/aggregate.py), which learns from dev data how much each one counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...text import entities, words
from ..verify import MONTHS, NUMBER, missing_facts

NEGATIONS = frozenset("not no never none nobody nothing neither nor without cannot n't isn't wasn't aren't "
                      "weren't don't doesn't didn't won't wouldn't can't couldn't shouldn't hasn't haven't hadn't "
                      "refused refuses refuse denied denies deny".split())
# Pairs of words that say opposite things about the same event; either order counts.
ANTONYMS = (
    ("for", "against"), ("increase", "decrease"), ("increased", "decreased"), ("rise", "fall"), ("rose", "fell"),
    ("more", "less"), ("more", "fewer"), ("higher", "lower"), ("win", "lose"), ("won", "lost"),
    ("support", "oppose"), ("supported", "opposed"), ("supports", "opposes"), ("approve", "reject"),
    ("approved", "rejected"), ("allow", "ban"), ("allowed", "banned"), ("legal", "illegal"), ("up", "down"),
    ("before", "after"), ("above", "below"), ("most", "least"), ("always", "never"), ("all", "none"),
    ("gain", "loss"), ("gained", "lost"), ("raise", "cut"), ("raised", "cut"), ("open", "closed"),
    ("opened", "closed"), ("accept", "refuse"), ("accepted", "refused"), ("true", "false"), ("guilty", "innocent"),
    ("comply", "defy"), ("cooperate", "refuse"), ("cooperated", "refused"), ("dead", "alive"), ("died", "survived"),
)
_OPPOSITE: dict[str, set[str]] = {}
for _a, _b in ANTONYMS:
    _OPPOSITE.setdefault(_a, set()).add(_b)
    _OPPOSITE.setdefault(_b, set()).add(_a)


@dataclass(frozen=True)
class Alignment:
    """What an exact comparison of a claim and one evidence sentence finds."""

    number_conflict: bool  # the claim has a number (or year) the sentence lacks, and the sentence has another
    number_match: bool  # the claim has numbers and the sentence has every one of them
    names_missing: float  # share of the claim's names that the sentence lacks (0 when the claim names none)
    negation_mismatch: bool  # one side is negated and the other is not
    antonym: bool  # the sentence has the opposite of a word of the claim, and not that word itself


def _numbers(text: str) -> set[str]:
    return {re.sub(r"(?<=\d),(?=\d{3})", "", n.rstrip(".,")) for n in NUMBER.findall(text)}


def _negated(tokens: list[str]) -> bool:
    return any(t in NEGATIONS or t.endswith("n't") for t in tokens)


def _antonym(claim_tokens: list[str], sentence_tokens: list[str]) -> bool:
    """The sentence holds the opposite of a claim word (and not the word itself), which the claim does not."""
    sentence_words, claim_words = set(sentence_tokens), set(claim_tokens)
    return any(opp in sentence_words and word not in sentence_words and opp not in claim_words
               for word in claim_words for opp in _OPPOSITE.get(word, ()))


def _number_conflict(claim: str, sentence: str, missing: set[str], missing_numbers: set[str],
                     claim_numbers: set[str], sentence_numbers: set[str]) -> bool:
    """The sentence gives other numbers where the claim's are missing, or another month where its month is."""
    months_missing = any(w.lower() in MONTHS and w in missing for w in words(claim))
    return bool(missing_numbers and sentence_numbers - claim_numbers) or (
        months_missing and any(w.lower() in MONTHS for w in words(sentence)))


def align(claim: str, sentence: str) -> Alignment:
    claim_tokens = [w.lower() for w in words(claim)]
    sentence_tokens = [w.lower() for w in words(sentence)]
    claim_numbers, sentence_numbers = _numbers(claim), _numbers(sentence)
    missing = set(missing_facts(claim, sentence))
    missing_numbers = {n for n in claim_numbers if n in missing or n not in sentence_numbers}
    names = [n for n in entities(claim) if n]
    return Alignment(
        number_conflict=_number_conflict(claim, sentence, missing, missing_numbers, claim_numbers, sentence_numbers),
        number_match=bool(claim_numbers) and not missing_numbers,
        names_missing=sum(n in missing for n in names) / len(names) if names else 0.0,
        negation_mismatch=_negated(claim_tokens) != _negated(sentence_tokens),
        antonym=_antonym(claim_tokens, sentence_tokens),
    )
