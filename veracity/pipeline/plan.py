"""plan: normalise the question, turn a yes/no question into its claim, derive the search queries."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import cache

from ..errors import InputError
from ..store.base import Store
from ..text import (LEADING_FUNCTION_WORDS, STOPWORDS, content_words, distinctive, entities, sentence_spans,
                    without_possessive)
from ..types import Plan

AUXILIARIES = {"did", "does", "do", "is", "are", "was", "were", "has", "have", "had", "can", "could", "will",
               "would", "should"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "any"}
def inflections(verb: str, tag: str) -> tuple[str, ...]:
    """A verb's forms for a Penn tag (VBD past, VBZ third person) from lemminflect's English data: its irregular
    verbs and spelling rules ("rise" -> "rose", "ban" -> "banned", "admit" -> "admitted"); () for a word it does
    not know as a verb."""
    from lemminflect import getInflection

    return tuple(str(f) for f in getInflection(verb, tag=tag, inflect_oov=False))


def verb_lemmas(word: str) -> tuple[str, ...]:
    """The verbs a word can be a form of ("fell" -> fall, fell); () when it is never a verb ("chief", "zoo")."""
    from lemminflect import getAllLemmas

    return tuple(str(w) for w in getAllLemmas(word.lower()).get("VERB", ()))


def can_be_verb(word: str) -> bool:
    return bool(verb_lemmas(word))


# A past form the data cannot choose: "lie" has "lay" (to recline) first, but a claim that someone lied means
# the other sense.
PAST_BY_SENSE = {"lie": "lied"}


def past(verb: str) -> str:
    """The simple past, the first (commonest) form the data gives; a word it does not know: the regular -ed."""
    forms = inflections(verb, "VBD")
    if verb in PAST_BY_SENSE:
        return PAST_BY_SENSE[verb]
    if forms:
        return forms[0]
    if verb.endswith("e"):
        return verb + "d"
    if len(verb) > 2 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def third_person(verb: str) -> str:
    forms = inflections(verb, "VBZ")
    if forms:
        return forms[0]
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if len(verb) > 2 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


PARTICIPLES = {"sent", "made", "taken", "given", "held", "kept", "left", "told", "paid", "found", "won", "lost",
               "bought", "sold", "built", "born", "done", "seen", "known", "written", "shown", "run", "cut", "put",
               "set", "hit", "led", "brought", "thought", "caught", "taught", "spent", "said", "hidden",
               "stolen", "chosen", "broken", "driven", "eaten", "fallen", "forgotten", "frozen", "shot", "struck"}


def participle_at(tokens: list[str]) -> int | None:
    """Where a passive's participle stands ("the moon landing [faked]", "the records [sent] to ICE"), if any."""
    for i, token in enumerate(tokens[1:], 1):
        word = token.lower()
        if word in PARTICIPLES or (len(word) > 4 and word.endswith("ed") and not word.endswith("eed")
                                   and word not in {"hundred", "kindred", "sacred", "naked", "wicked", "beloved"}):
            return i
    return None


# Nouns that often follow a name in a subject ("Chicago police", "the city council"); a plural does too
# ("Chicago officials"), since after "did" or "does" the verb is in its base form and rarely ends in -s.
SUBJECT_NOUNS = {"police", "government", "officials", "council", "administration", "mayor", "governor", "staff",
                 "people", "public", "media", "department", "city", "state", "court", "board", "army", "military",
                 "company", "team", "party", "congress", "senate", "agency", "school", "university", "hospital",
                 "market", "industry"}


def title_case(tokens: list[str]) -> bool:
    """A headline in Title Case: most of its longer words capitalised, so capitals do not mark names."""
    longer = [t for t in tokens if len(t) > 3 and t[:1].isalpha()]
    return len(longer) >= 3 and sum(t[:1].isupper() for t in longer) / len(longer) >= 0.7


def subject_length(tokens: list[str], of_phrases: bool = True) -> int:
    """How many leading tokens form the subject: a determiner phrase or a run of capitalised words, then any
    subject nouns or plurals that follow it ("Chicago police", "the city council", "Chicago officials")."""
    if not tokens:
        return 0
    if tokens[0].lower() in DETERMINERS and len(tokens) > 1 and (tokens[1].lower() == "of"
                                                               or tokens[1].lower() in DETERMINERS):
        n = 1  # "any of the banks": the "of" phrase below makes the rest of it; "this a photo": "this" alone
    elif tokens[0].lower() in DETERMINERS:
        n = 2
        while n < len(tokens) and tokens[n][:1].isupper():
            n += 1
    else:
        n = 0
        while n < len(tokens) and (tokens[n][:1].isupper() or tokens[n][:1].isdigit()):
            n += 1
        n = max(n, 1)
    while n < len(tokens) - 1 and tokens[n][:1].islower() and (
            tokens[n].lower() in SUBJECT_NOUNS
            or (len(tokens[n]) > 3 and tokens[n].endswith("s") and not tokens[n].endswith(("ss", "us", "is")))):
        n += 1
    return min(of_phrase(tokens, n) if of_phrases else n, len(tokens))


def of_phrase(tokens: list[str], n: int) -> int:
    """Past the "of" phrases that belong to the subject ending at n ("the price [of oil]", "the Department [of
    Homeland Security]", "any [of the banks]"): a determiner, then a run of capitalised words or one word. A word
    is always left after it for the predicate."""
    while n < len(tokens) - 1 and tokens[n].lower() == "of":
        m = n + 1
        if tokens[m].lower() in DETERMINERS:
            m += 1
        if m < len(tokens) and tokens[m][:1].isupper():
            while m < len(tokens) and tokens[m][:1].isupper():
                m += 1
        else:
            m += 1
        if m >= len(tokens):
            break
        n = m
    return n


@cache
def vocabulary() -> frozenset[str]:
    """The whole words of the bundled tokenizer's English vocabulary (bert-base-uncased, 30k entries): enough to
    tell a common word from a misspelling, offline."""
    from ..onnx_model import TOKENIZER_PATH

    vocab = json.loads(TOKENIZER_PATH.read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(w for w in vocab if w.isalpha())


def known(word: str) -> bool:
    """An English word the vocabulary has, itself or inflected ("deport" by "deported"); a misspelling such as
    "deparment" or "polise" is not."""
    w = word.lower()
    vocab = vocabulary()
    if not w.isalpha() or w in vocab or w in PARTICIPLES or can_be_verb(w):
        return True
    stems = [w] + ([w[:-1]] if w.endswith("e") else []) + ([w[:-1] + "i"] if w.endswith("y") else [])
    return any(stem + suffix in vocab for stem in stems
               for suffix in ("s", "es", "ed", "d", "ing", "ion", "ation", "ment", "er", "ers"))


PREPOSITIONS = {"in", "on", "at", "of", "for", "from", "to", "by", "with", "about", "near", "over", "under", "than",
                "as", "like", "into", "not", "still", "really", "very", "more", "less", "also", "now"}


def predicate_starts(token: str) -> bool:
    """A word that begins the predicate after "is/was ... ": a number, a determiner, a preposition, "not",
    an adverb in -ly, or a participle."""
    w = token.lower()
    return (token[:1].isdigit() or w in DETERMINERS or w in PREPOSITIONS or w.endswith("ly")
            or participle_at(["", token]) is not None)


COPULAS = {"is", "are", "was", "were"}


def subject_end(aux: str, rest: list[str]) -> int | None:
    """Where the subject of the words after the auxiliary ends, or None when the words do not say."""
    # after "is" a Title Case "of" could end the subject or start the predicate ("Is This Video of a 'Fireball'
    # Real?"): it is not taken into the subject there
    n = subject_length(rest, of_phrases=aux not in COPULAS or not title_case(rest))
    if aux in COPULAS:  # a passive: the subject runs up to the participle
        n = participle_at(rest) or n
    # "Is the Vellum dam 85 metres tall?": one more noun may belong to the subject, when the predicate plainly
    # starts after it; two or more words before the predicate's start could be split anywhere.
    if (aux in COPULAS and participle_at(rest) is None and n + 1 < len(rest)
            and not predicate_starts(rest[n]) and rest[n][:1].islower()):
        if predicate_starts(rest[n + 1]):
            n += 1
        elif any(predicate_starts(t) for t in rest[n + 1:]):
            return None
    return n


def with_verb(aux: str, subject: list[str], remainder: list[str]) -> list[str] | None:
    """The claim's words for "did/does/do SUBJECT VERB ...": the verb inflected for the auxiliary; None when the
    verb is not a word the vocabulary knows."""
    if remainder[0].lower() in DETERMINERS or remainder[0].lower() in PREPOSITIONS:
        # "Did Angels Prevent a Rape?": in Title Case the capitalised run took the verb too; a function word is
        # never the verb
        if not 2 <= len(subject) <= 3 or not can_be_verb(subject[-1].lower()):
            return None  # a longer run could end its subject anywhere ("DHS Secretly Watermark Ballots in ...")
        subject, remainder = subject[:-1], [subject[-1].lower(), *remainder]
    if not known(remainder[0]):
        nxt = remainder[1] if len(remainder) > 1 else ""
        if not (nxt[:1].islower() and known(nxt) and not predicate_starts(nxt)):
            return None
        # "Did Chicago polise cooperate with ICE?": the unknown word is a misspelt part of the subject
        subject, remainder = subject + remainder[:1], remainder[1:]
    nxt = remainder[1] if len(remainder) > 1 else ""
    if not can_be_verb(remainder[0]) and nxt[:1].islower() and not predicate_starts(nxt) and can_be_verb(nxt):
        # "Did the Chicago zoo open ...?", "Did the police chief resign?": a word that is never a verb before
        # one that can be is a noun of the subject; "Did the stock fall last week?": "fall" can be, so it is
        # the verb
        subject, remainder = subject + remainder[:1], remainder[1:]
    verb = remainder[0]
    inflected = past(verb.lower()) if aux == "did" else third_person(verb.lower()) if aux == "does" else verb
    return subject + [inflected] + remainder[1:]


def to_claim(question: str) -> tuple[str, bool]:
    """("Chicago cooperated with ICE", True) for "Did Chicago cooperate with ICE?"; else (question, False).
    Conservative: when the words do not say clearly where the subject ends, or the verb is not a word the
    vocabulary knows (a misspelling is never inflected), the claim keeps the question's own words."""
    tokens = question.rstrip(" ?.!").split()
    if len(tokens) < 3 or tokens[0].lower() not in AUXILIARIES or not question.rstrip().endswith("?"):
        return question.rstrip(" ?"), False
    aux, rest = tokens[0].lower(), tokens[1:]
    unsure = question.rstrip(" ?"), True
    n = subject_end(aux, rest)
    if n is None:
        return unsure
    subject, remainder = rest[:n], rest[n:]
    if not remainder:
        return unsure
    words = with_verb(aux, subject, remainder) if aux in {"did", "does", "do"} else subject + [aux] + remainder
    if words is None:
        return unsure
    claim = " ".join(words)
    return claim[0].upper() + claim[1:], True


def normalise(question: str) -> str:
    question = re.sub(r"\s+", " ", question or "").strip()
    if len(content_words(question)) == 0:
        raise InputError("the question is empty; ask a question or state a claim, e.g. "
                         "veracity check \"Did Chicago cooperate with ICE?\"")
    if len(question) > 2000:
        raise InputError(f"the question is {len(question)} characters long; keep it under 2,000")
    return question


def plan(question: str, store: Store | None = None) -> Plan:
    """The plan of a check. store: the collection, asked how it writes the question's lower-case words (see
    canonical); without it the question's own casing stands."""
    question = normalise(question)
    claims = split_claims(question)
    asked = question if claims else canonical(question, store)  # a pasted text: each claim is planned on its own
    claim, yes_no = to_claim(asked)
    keywords = [w for w in content_words(asked) if w.lower() not in STOPWORDS]
    names = entities(asked)
    queries = [asked]
    if claim.lower() != asked.lower().rstrip(" ?"):
        queries.append(claim)
    queries.append(" ".join(dict.fromkeys(keywords)))
    if names:
        others = [w for w in keywords if not any(w in n.split() for n in names)]
        queries.append(" ".join(dict.fromkeys(names + others[:3])))
    if len(keywords) > 3:
        queries.append(" ".join(sorted(keywords, key=len, reverse=True)[:3]))
    unique = list(dict.fromkeys(q.strip() for q in queries if q.strip()))
    while len(unique) < 3:
        unique.append(f"{unique[0]} {['evidence', 'report'][len(unique) - 1]}")
    is_open = not yes_no and (asked.rstrip().endswith("?") or asked.split()[0].lower() in OPEN_WORDS)
    return Plan(question=question, claim=claim, is_yes_no=yes_no, queries=tuple(unique), entities=tuple(names),
                is_open=is_open, claims=claims)


def canonical(question: str, store: Store | None) -> str:
    """The question in its canonical form, which the plan is made from: a word typed in lower case that the
    collection writes in capitals is written so ("ice" -> "ICE", see collection_case), and a question that
    opens with an auxiliary or a question word and ends with no mark gets its "?" ("Did Chicago cooperate with
    ice" plans like "Did Chicago cooperate with ICE?")."""
    if store is not None:
        seen: dict[str, str] = {}
        question = re.sub(r"(?<![\w'-])[a-z]{2,}(?![\w'-])",
                          lambda m: seen.setdefault(m[0], collection_case(m[0], store)), question)
    first = question.split()[0].lower() if question.split() else ""
    if (first in AUXILIARIES or first in OPEN_WORDS) and not question.rstrip().endswith(("?", ".", "!")):
        question = question.rstrip() + "?"
    return question


def collection_case(word: str, store: Store) -> str:
    """A lower-case word as the collection writes it: in capitals ("ICE") when the passages that have it write
    it in capitals at least twice, never in lower case, and in capitals at least twice as often as with a
    leading capital only (a headline's "Ice"); else as typed. A document whose capitals say nothing (it
    capitalises function words mid-sentence, as a headline or a garbled copy does) has no vote. Function words
    are left alone ("us", "who")."""
    if word in STOPWORDS or word in LEADING_FUNCTION_WORDS:
        return word
    hits = store.lexical(word, 30)
    if not hits:
        return word
    pattern = re.compile(rf"(?<![\w'-])((?i:{re.escape(word)}))(?![\w'-])")
    forms: dict[int, list[str]] = {}
    capitals: dict[int, list[int]] = {}  # document -> [function words capitalised mid-sentence, all of them]
    for passage in store.passages([i for i, _ in hits]).values():
        forms.setdefault(passage.document_id, []).extend(m.group(1) for m in pattern.finditer(passage.text))
        shouted, seen = function_word_capitals(passage.text)
        counts = capitals.setdefault(passage.document_id, [0, 0])
        counts[0], counts[1] = counts[0] + shouted, counts[1] + seen
    votes = [f for doc, fs in forms.items() if capitals[doc][0] <= CASE_NOISE * capitals[doc][1] for f in fs]
    upper = sum(f.isupper() for f in votes)
    lower = sum(f.islower() for f in votes)
    title = len(votes) - upper - lower
    return word.upper() if upper >= 2 and lower == 0 and upper >= 2 * title else word


CASE_NOISE = 0.1  # a document that capitalises more of its mid-sentence function words than this: casing is noise


def function_word_capitals(text: str) -> tuple[int, int]:
    """(function words written with a capital in mid-sentence, function words in mid-sentence) in a text."""
    tokens = text.split()
    shouted = seen = 0
    for before, token in zip(tokens, tokens[1:]):
        w = token.strip(".,;:!?\"'()[]\u201c\u201d\u2018\u2019")
        if not w or w.lower() not in STOPWORDS or before.endswith((".", "!", "?", ":", "\u201c", '"')):
            continue
        seen += 1
        shouted += w[0].isupper()
    return shouted, seen


MAX_CLAIMS = 8  # a pasted text is checked as at most this many claims


def split_claims(text: str) -> tuple[str, ...]:
    """The claims of a pasted text, offline: each of its sentences that states something (three content words
    or more, not a question), in order, at most MAX_CLAIMS. A single sentence or a question gives ()."""
    spans = sentence_spans(text)
    if len(spans) < 2:
        return ()
    claims = [text[s.start:s.end].strip() for s in spans]
    claims = [c for c in claims if not c.endswith("?") and len(content_words(c)) >= 3]
    return tuple(dict.fromkeys(claims))[:MAX_CLAIMS] if len(claims) >= 2 else ()


OPEN_WORDS = frozenset("who whom whose what which when where why how".split())


NOT_NAMES = frozenset("several many most some few numerous multiple various recent new more less all both each every "
                      "other such only early late first last".split())


def leading_name(claim: str, entities: tuple[str, ...], store: Store) -> str | None:
    """The claim's first word when it may be a name that a capital at the start of a sentence cannot reveal
    ("Denver cooperated with ICE"); the collection decides. It is a name to require when no stored passage has
    it at all (evidence could only be about something else), or when the passages that have it mostly write it
    with a capital in mid-sentence. Function words, quantifiers, -ed/-ing/-ly words and a word before "of" are
    never names here."""
    tokens = claim.split()
    word = re.sub(r"[^\w-]", "", without_possessive(tokens[0])) if tokens else ""
    if (len(word) < 3 or not word[0].isupper() or distinctive(word) or word.lower() in STOPWORDS
            or word.lower() in LEADING_FUNCTION_WORDS or word.lower() in NOT_NAMES
            or word.lower().endswith(("ed", "ing", "ly")) or any(word in e.split() for e in entities)
            or (len(tokens) > 1 and tokens[1].lower() == "of")):  # "Bits of ...", "Use of ...": a noun's head
        return None
    hits = store.lexical(word, 30)
    if not hits:
        return word
    mid = re.compile(rf"(?:\b[a-z]{{2,}}|,)[ \t]+((?i:{re.escape(word)}))\b")  # after a lower-case word or a comma
    capital = lower = 0
    for passage in store.passages([i for i, _ in hits]).values():
        for m in mid.finditer(passage.text):
            capital, lower = capital + m.group(1)[0].isupper(), lower + m.group(1)[0].islower()
    return word if capital >= 2 * max(lower, 1) else None


def with_leading_name(p: Plan, store: Store) -> Plan:
    """The plan, requiring the claim's first word as a name when the collection says it is one."""
    name = leading_name(p.claim, p.entities, store)
    return replace(p, entities=p.entities + (name,)) if name else p
