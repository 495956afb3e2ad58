"""align: exact checks of a claim against one evidence sentence, beside the stance model.

The stance model reads meaning but misses plain mismatches ("opened in 1937" / "opened in 1957",
"voted against" / "voted for"). These checks use the same exact-match machinery as LLM mode's verification
(verify.facts, verify.missing_facts): the numbers, dates and names of the claim, looked up verbatim in the
sentence, and a negation or antonym that one side has and the other lacks. They are inputs to the
aggregator (pipeline/judge/aggregate.py), which learns from dev data how much each one counts.

`restated_otherwise` is stricter and decides on its own: the sentence says the claim in the claim's own words,
aligned word by word, except for one negation put in or taken out before a word both hold, one other number
in the number's place, or one word's opposite in its place ("will assist" / "will not be assisting"; "20,000
migrants" / "50,000 migrants"; "rejected the ordinance" / "approved the ordinance").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import takewhile

from ...text import STOPWORDS, entities, words
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


# -- a restatement of the claim that says otherwise ---------------------------------------------------------------
# Measured by benchmarks/restated.py on licence-clean dev splits only (FEVER-symmetric dev, Fool Me Twice dev, FRANK
# dev, Factcheck-GPT stance dev, WiCE dev: each claim against its gold evidence or document, sentence by sentence;
# FEVER's RTE dev and SNLI dev pairs from nli/combined): of its fires whose label is sure, 244 were on refuted claims
# and 12 on supported or unsettled ones (negation 183 / 8, number 56 / 4, antonym 5 / 0; two more fell on FRANK
# summaries that are unsupported somewhere). RESTATED_P is (244 + 1) / (244 + 12 + 2).
RESTATED_P = 0.95
RESTATED_COVERAGE = 0.8  # the share of the claim's content words the sentence holds in the claim's order
NEGATIVE_WORDS = frozenset("fail refuse deny lack reject decline stop cease avoid prevent ban prohibit oppose halt "
                           "end block forbid unable absent neither nor without".split())
BOUNDS = frozenset("more less over under least most up past nearly almost about around within approximately "
                   "roughly some than fewer above below top last next first".split())  # "more than 20,000": a bound
_NUMERAL = re.compile(r"^(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                      r"forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen)(-\w+)?$")
_UNITS = frozenset({"million", "billion", "trillion", "thousand", "percent", "%", "$", "£", "€"})
_NOT = NEGATIONS | {"not"}
# "walking down the aisle" / "walking up the aisle" say the same thing: a direction word swapped is no restatement
# that says otherwise (on SICK, evaluation only, its four fires were on pairs not labelled contradiction)
_IDIOMATIC = frozenset({"up", "down"})


@lru_cache(maxsize=100_000)
def _lemma(word: str) -> str:
    """A word's lemma from lemminflect's English data (a verb's first), else the word."""
    from lemminflect import getAllLemmas

    found = getAllLemmas(word)
    return next((str(found[pos][0]) for pos in ("VERB", "AUX", "NOUN", "ADJ") if pos in found), word)


def _tokens(text: str) -> list[str]:
    """Lower-case lemmas, "n't" split off as "not", thousands separators dropped."""
    out: list[str] = []
    for w in words(text.replace("\u2019", "'")):
        w = w.lower()
        if w.endswith("n't") and w != "n't":
            out += [{"ca": "can", "wo": "will", "sha": "shall"}.get(w[:-3], _lemma(w[:-3])), "not"]
        elif _NUMERAL.match(w):
            out.append(re.sub(r"(?<=\d),(?=\d{3})", "", w.rstrip(".,")))
        else:
            out.append(_lemma(w))
    return out


def _content(token: str) -> bool:
    return token not in STOPWORDS and token not in _NOT and not _NUMERAL.match(token) and len(token) > 1


def _governs(side: list[str]) -> bool:
    """A negation that governs the word after the side: only function words (three at most) follow it."""
    at = [i for i, x in enumerate(side) if x in _NOT]
    return bool(at) and len(side) - at[-1] - 1 <= 3 and all(x in STOPWORDS and x not in _NOT
                                                             for x in side[at[-1] + 1:])


Op = tuple[str, int, int, int, int]  # difflib's opcode: tag, claim start and end, sentence start and end


def _aligned(c: list[str], t: list[str]) -> list[Op] | None:
    """The claim's and the sentence's opcodes when most of the claim's content words line up in order (a pronoun
    may stand for the claim's subject at the start); None otherwise."""
    held = [x for x in c if _content(x)]
    ops: list[Op] = [(tag, i1, i2, j1, j2) for tag, i1, i2, j1, j2 in
                     SequenceMatcher(None, c, t, autojunk=False).get_opcodes()]
    equal = [k for k, op in enumerate(ops) if op[0] == "equal"]
    if len(held) < 3 or not equal:
        return None
    lead_c, lead_t = c[ops[0][1]:ops[0][2]], t[ops[0][3]:ops[0][4]]
    if equal[0] == 1 and lead_t and not any(_content(x) for x in lead_t[-4:]) and sum(map(_content, lead_c)) <= 3:
        held = [x for x in c[ops[0][2]:] if _content(x)]  # a pronoun stands for the claim's subject
    lined_up = sum(_content(x) for k in equal for x in c[ops[k][1]:ops[k][2]])
    return ops if len(held) >= 3 and lined_up >= RESTATED_COVERAGE * len(held) else None


def _change(c: list[str], t: list[str], ops: list[Op], k: int, leading: bool) -> str | None:
    """What the difference at ops[k] changes: "negation", "number", "" (neither), or None when it rules a
    restatement out (a negative word, a negation that does not line up, numbers that differ some other way)."""
    _, i1, i2, j1, j2 = ops[k]
    cs, ts = (c[i1:i2][-3:], t[j1:j2][-4:]) if leading else (c[i1:i2], t[j1:j2])
    if not leading and _opposite(cs, ts):
        return "antonym"
    if set(cs + ts) & NEGATIVE_WORDS:
        return None
    only_function = not any(_content(x) for x in ts) and sum(_content(x) for x in cs) <= (3 if leading else 0)
    if only_function and _content(c[ops[k + 1][1]]) and _governs(cs) != _governs(ts):
        return "negation"
    if any(x in _NOT for x in cs + ts):
        return None
    return _number_change(c, t, ops, k, cs, ts)


def _opposite(cs: list[str], ts: list[str]) -> bool:
    """The claim's side holds one word of an opposite pair ("approve") and otherwise function words; the sentence's
    side says its opposite ("reject") first, with no negation, negative word or number in either side."""
    paired = [x for x in cs if x in _OPPOSITE and x not in _IDIOMATIC]
    said = [x for x in ts if x in _OPPOSITE or _content(x)]
    if len(paired) != 1 or not said or said[0] not in _OPPOSITE[paired[0]]:
        return False
    rest = [x for x in cs if x != paired[0]] + [x for x in ts if x != said[0]]
    return not any(_content(x) for x in cs if x != paired[0]) and not any(
        x in _NOT or x in NEGATIVE_WORDS or _NUMERAL.match(x) for x in rest)


def _trailing(c: list[str], t: list[str], ops: list[Op]) -> str | None:
    """A number that ends the claim against the number that follows the same words in the sentence ("signed in
    2019" / "Signed In 2017 by ..."): "number", "" when there is no such pair, None when they differ otherwise."""
    tag, i1, i2, j1, j2 = ops[-1]
    cs = c[i1:i2]
    if tag != "replace" or not all(_NUMERAL.match(x) or x in _UNITS for x in cs):
        return ""
    ts = list(takewhile(lambda x: bool(_NUMERAL.match(x)) or x in _UNITS, t[j1:j2]))
    return _number_change(c, t, ops, len(ops) - 1, cs, ts) if ts else ""


def _number_change(c: list[str], t: list[str], ops: list[Op], k: int, cs: list[str], ts: list[str]) -> str | None:
    """"number" when the difference at ops[k] puts one number in another's place, after a stretch both hold and
    with no bound beside it; "" when it holds no number; None when numbers differ some other way."""
    numbers_c, numbers_t = [x for x in cs if _NUMERAL.match(x)], [x for x in ts if _NUMERAL.match(x)]
    if not (numbers_c or numbers_t):
        return ""
    _, i1, _, j1, _ = ops[k]
    beside = set(c[max(0, i1 - 2):i1] + t[max(0, j1 - 2):j1])
    in_place = k > 0 and ops[k - 1][0] == "equal" and all(_NUMERAL.match(x) or x in _UNITS for x in cs + ts)
    other = bool(numbers_c and numbers_t) and set(numbers_c) != set(numbers_t)
    return "number" if other and in_place and not beside & BOUNDS else None


_QUANTITY = frozenset("more less than only longer one single enough much many few fewer".split())  # "no more than"


def _governed(tokens: list[str]) -> tuple[set[str], int]:
    """The content words negations govern (the first within four words after one, unless a number or a quantity word
    such as "more" comes first), and how many negations there are."""
    governed: set[str] = set()
    count = 0
    for i, x in enumerate(tokens):
        if x not in _NOT:
            continue
        count += 1
        for y in tokens[i + 1:i + 5]:
            if _NUMERAL.match(y) or y in _QUANTITY:
                break
            if _content(y):
                governed.add(y)
                break
    return governed, count


def _flipped(c: list[str], t: list[str]) -> bool:
    """The sentence holds most of the claim's content words (RESTATED_COVERAGE, in any order, close together) and
    its numbers, and the one negation of the two governs a word both hold ("the city would comply with President
    Trump's immigration policies" / "Chicago officials ... will not comply with his immigration policies")."""
    held = {x for x in c if _content(x)}
    at = [i for i, x in enumerate(t) if x in held]
    if len(held) < 3 or len(held & set(t)) < RESTATED_COVERAGE * len(held) or max(at) - min(at) > 1.5 * len(c) + 3:
        return False
    if {x for x in c if _NUMERAL.match(x)} - set(t) or set(c + t) & NEGATIVE_WORDS:
        return False
    (in_c, count_c), (in_t, count_t) = _governed(c), _governed(t)
    return count_c + count_t == 1 and len(in_c | in_t) == 1 and (in_c | in_t) <= set(c) & set(t)


def restated_otherwise(claim: str, sentence: str) -> str | None:
    """"negation", "number" or "antonym" when the sentence restates the claim with one negation put in or taken out
    (right before a word both hold, only function words between), with one other number in the number's place (no
    bound such as "more than" beside it; at the claim's end, the number that follows the same words in the
    sentence), or with one word's opposite in its place ("approved" / "rejected"; align.ANTONYMS but for up /
    down); None otherwise. Every other difference must be free of negations, negative words ("failed", "refused")
    and numbers, most of the claim's content words must line up in order, and for a negation or an opposite the
    claim's numbers and dates must all be in the sentence. At the start, a pronoun may stand for the claim's subject
    ("They do not document ..." for "Chicago police document ..."). A negation is also found where the claim's
    words are in another order but close together (_flipped)."""
    c, t = _tokens(claim), _tokens(sentence)
    strict = _restated(c, t)
    return strict if strict else "negation" if _flipped(c, t) else None


def _restated(c: list[str], t: list[str]) -> str | None:
    ops = _aligned(c, t)
    if ops is None:
        return None
    equal = [k for k, op in enumerate(ops) if op[0] == "equal"]
    found: list[str] = []
    for k in range(equal[-1]):
        if ops[k][0] == "equal":
            continue
        change = _change(c, t, ops, k, leading=k < equal[0])
        if change is None:
            return None
        if change:
            found.append(change)
    last = _trailing(c, t, ops) if len(ops) - 1 > equal[-1] else ""
    if last is None:
        return None
    found += [last] if last else []
    if found in (["negation"], ["antonym"]) and not {x for x in c if _NUMERAL.match(x)} <= set(t):
        return None
    return found[0] if len(found) == 1 else None
