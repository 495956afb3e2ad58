"""Headings that name a finding's point: the main clause of a sentence (clause, heading) or its key phrase
(key_heading), never a quote's opening words cut short."""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from ...text import STOPWORDS
from ...types import (REFUTES, REFUTING, SUPPORTING, SUPPORTS, Candidate)

from .damage import SMALL_WORDS, odd_words, shouting

# A heading is the main clause of one of the finding's sentences (see heading()): a leading adverbial ("Despite
# the promises, ", "On the other hand, ") and trailing clauses are dropped, and a long clause is cut before a
# preposition or conjunction, never after a negation, an auxiliary or an article.
LEADING = re.compile(r"^(?:(?:despite|although|though|while|as|after|before|since|because|when|if|in|on|at|for|"
                     r"during|under|with|without|according to|however|meanwhile|nevertheless|still|also|yet|"
                     r"instead|moreover|furthermore|in addition|by contrast|for example)\b[^,;:]{0,120},\s+)", re.I)
CONJUNCTION = re.compile(r"^(?:and|but|so|or|yet|still|plus)\b,?\s+", re.I)
TRAILING = re.compile(r"\s*(?:[;:\u2014\u2013]|\s-\s|,\s(?:which|who|but|while|although|though|because|according|"
                      r"as|and|so|yet|whereas|including)\b)")
BREAKS = {"with", "for", "to", "in", "on", "at", "by", "from", "after", "before", "during", "under", "over",
          "about", "against", "because", "while", "which", "who", "and", "but", "since", "despite", "through",
          "into", "amid", "when", "where", "although", "though", "or", "than", "including", "among", "between"}
DANGLING = {"not", "no", "never", "the", "a", "an", "to", "of", "will", "would", "can", "could", "should", "may",
            "might", "must", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does",
            "did", "and", "or", "but", "his", "her", "its", "their", "our", "my", "your", "this", "these", "those",
            "that", "very", "more", "most", "than"}
MAX_WORDS = 14


def clause(sentence: str) -> str:
    """The heading-sized main clause of a sentence, in the sentence's own words."""
    text = sentence.strip().lstrip("\u2022*-\u2013 ")
    for _ in range(2):  # "And, in 2012, the council ..." -> "the council ..."
        text = LEADING.sub("", CONJUNCTION.sub("", text, count=1), count=1)
    text = re.sub(r"\s*\([^()]*\)|,\s(?:which|who)\b[^,;:]*,", "", text)  # parentheses, ", which ...," asides
    main = TRAILING.split(text, maxsplit=1)[0].strip().rstrip(".!?,;").strip()
    ws = main.split() if len(main.split()) >= 4 else text.rstrip(".!?,;").split()  # not a stub like "But"
    cut = len(ws)
    if len(ws) > MAX_WORDS:  # the latest break that keeps 8+ words, else one that keeps 5+, else a hard cut
        cut = next((i for i in [*range(MAX_WORDS, 7, -1), *range(7, 4, -1)] if ws[i].lower() in BREAKS), MAX_WORDS)
    while cut > 1 and (ws[cut - 1].lower().strip(",") in DANGLING or re.search(r"n[\u2019']t$", ws[cut - 1].lower())):
        cut -= 1
    out = " ".join(ws[:cut]).rstrip(",")
    if out.count("\u201c") > out.count("\u201d"):
        out = out.replace("\u201c", "", 1)
    if out.count('"') % 2:
        out = out.replace('"', "", 1)
    if cut < len(ws):
        out += "\u2026"
    return out[:1].upper() + out[1:] if out else sentence.strip()


def heading(items: list[Candidate], taken: set[str], role: str | None = None) -> str:
    """The main clause of the member that takes the finding's side most clearly (a supporting finding: the
    most supportive), else of the most central member, the most relevant breaking ties; the next member's
    when another finding already has that heading."""
    side = {SUPPORTING: SUPPORTS, REFUTING: REFUTES}.get(role or "")

    def rank(c: Candidate) -> tuple[float, float, float]:
        lean = c.evidence.stance.scores.get(side, 0.0) if side is not None and c.evidence.stance else 0.0
        return (-lean, -float(np.mean([c.vector @ o.vector for o in items])), -c.evidence.relevance)

    for c in sorted(items, key=rank):
        text = clause(c.evidence.quote)
        if text.lower() not in taken:
            return text
    return items[0].evidence.document.title



# A heading names the point in a few words of its own: the span of the finding's sentence, between two content
# words and within one clause, that packs the most distinctive words (rare among the sentences competing for a
# finding), never the sentence's opening words when another span will do.

# A number with its currency and thousands ("£17,125", "50,000") is one token, so a heading never shows "000".
TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[£$€]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[£$€]?[A-Za-z0-9][\w'\u2019.&-]*[\w]|[A-Za-z0-9]"
                   r"|[,;:()\u201c\u201d\"\u2014\u2013]")
HEADING_MIN, HEADING_MAX = 3, 7


def casing(texts: list[str]) -> dict[str, str]:
    """lower-case word -> how the texts write it in mid-sentence most often (a name, an acronym)."""
    forms: dict[str, dict[str, int]] = {}
    for text in texts:
        for w in re.findall(r"[A-Za-z][\w'\u2019.&-]*\w|[A-Za-z]", text)[1:]:
            counts = forms.setdefault(w.lower(), {})
            counts[w] = counts.get(w, 0) + 1
    return {k: max(v.items(), key=lambda kv: (kv[1], kv[0]))[0] for k, v in forms.items()}


def function_word(token: str) -> bool:
    """A word that names nothing: a stopword, also with a contraction ("I'm", "There's", "didn't")."""
    w = token.lower()
    base = re.split(r"['\u2019]", w)[0]
    stem = w[:-3] if w.endswith(("n't", "n\u2019t")) else base
    return w in STOPWORDS or w in SMALL_WORDS or len(w) < 3 or base in STOPWORDS or stem in STOPWORDS \
        or stem in DANGLING or base in {"i", "there", "here"} or w in CONJUNCTIONS


CONJUNCTIONS = {"though", "although", "whereas", "unless", "despite", "however", "yet", "meanwhile", "whether"}


@cache
def only_verb(token: str) -> bool:
    """A verb form that cannot be a noun or an adjective ("implemented", "came", "limiting"): a heading that ends
    on it, with the sentence going on, has lost its object ("Athens implemented", "Memo limiting")."""
    from lemminflect import getAllLemmas

    w = token.lower()
    tags = set(getAllLemmas(w))
    return "VERB" in tags and not tags & {"NOUN", "ADJ", "PROPN"}


def opening_aside(tokens: list[str]) -> int:
    """How many tokens a leading adverbial takes ("In almost every case," "Last year,"): the key phrase is sought
    after it when what follows has three words or more."""
    if "," not in tokens[:8]:
        return 0
    comma = tokens.index(",")
    if LEADING.match(" ".join(tokens[:comma + 1]).replace(" ,", ",") + " ") or \
            re.match(r"(?i)(last|next|this|earlier|later|around|about)\b", tokens[0]):
        return comma + 1 if sum(t[0].isalnum() for t in tokens[comma + 1:]) >= HEADING_MIN else 0
    return 0


def span_value(tokens: list[str], scores: list[float], i: int, j: int) -> float:
    """A candidate key phrase's worth: its words' weight per word, less when it opens the sentence, when it ends on
    a verb whose object follows (cut off), when it has two words only (used when no three will do), or when it
    says a word twice."""
    cut = j + 1 < len(tokens) and tokens[j + 1][0].isalnum() and only_verb(tokens[j])
    short = 0.4 if j - i + 1 < HEADING_MIN else 0.0
    named = [t.lower() for t, v in zip(tokens[i:j + 1], scores[i:j + 1]) if v > 0]
    twice = 0.5 if len(set(named)) < len(named) else 0.0  # "Customs and Customs": a garbled copy's stutter
    return sum(scores[i:j + 1]) / (j - i + 2.5) - (0.3 if i == 0 else 0.0) - (0.5 if cut else 0.0) - short - twice


def misspelt(token: str, odd: frozenset[str]) -> bool:
    """Whether a token is, or has a part that is, one of the sentence's misspelt words ("sun-etes")."""
    return bool(odd) and any(part in odd for part in re.split(r"[^a-z]+", token.lower()))


def key_span(tokens: list[str], pool: list[str], avoid: frozenset[str] = frozenset()) -> tuple[int, int] | None:
    """Where the sentence's key phrase is, as token positions (first, last): the span of 3 to 7 words, within one
    clause and after a leading adverbial, that packs the most distinctive words (rare in the pool), names and
    numbers counting more, not starting at the sentence's opening word when another will do, not ending on a verb
    whose object it cuts off; None when no word is distinctive."""
    docs = [set(w.lower() for w in re.findall(r"\w+", t)) for t in pool] or [set()]

    def weight(k: int, token: str) -> float:
        if not token[0].isalnum() and token[0] not in "£$€" or function_word(token):
            return 0.0
        w = token.lower()
        df = sum(w in d for d in docs)
        named = k > 0 and token[0].isupper() or any(c.isdigit() for c in token)
        return float(np.log((1 + len(docs)) / (1 + df))) + 0.3 + (0.2 if named else 0.0)

    scores = [weight(k, t) for k, t in enumerate(tokens)]
    best: tuple[float, int, int] | None = None
    for i in range(opening_aside(tokens), len(tokens)):
        if scores[i] == 0.0 or misspelt(tokens[i], avoid):
            continue
        for j in range(i + 1, min(i + HEADING_MAX, len(tokens))):
            if not tokens[j][0].isalnum() and tokens[j][0] not in "£$€" or misspelt(tokens[j], avoid):
                break  # a span stays in one clause, and never shows a misspelt word
            if j - i + 1 < min(HEADING_MIN, 2) or scores[j] == 0.0 or "." in tokens[j]:  # nor "U.S" cut short
                continue
            value = span_value(tokens, scores, i, j)
            if best is None or value > best[0] + 1e-9:
                best = (value, i, j)
    return None if best is None else (best[1], best[2])


def key_heading(sentence: str, pool: list[str], taken: set[str], clean: list[str] | None = None,
                damaged: bool = False) -> str:
    """A heading of 2 to 7 words from the sentence's key phrase (see above); from a damaged source, in the casing
    clean text uses (the quote itself keeps its own)."""
    tokens = TOKEN.findall(sentence)
    span = key_span(tokens, pool, frozenset(w.lower() for w in odd_words(sentence)))
    if span is None:
        return clause(sentence)
    i, j = span
    forms = casing(clean if clean is not None else pool)
    shouted = damaged or shouting(sentence) >= 2
    out = []
    for t in tokens[i:j + 1]:
        if shouted or t.isupper() and len(t) > 5:
            t = forms.get(t.lower(), t.lower())
        out.append(t)
    text = re.sub(r"\s+([,;:)])", r"\1", " ".join(out))
    text = text[:1].upper() + text[1:]
    if text.lower() in taken:
        return clause(sentence)
    return text

