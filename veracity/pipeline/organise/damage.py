"""Damaged source text: words no dictionary knows, shouting, stutters; a sentence or a document that reads as a garbled copy."""

from __future__ import annotations

import re
from functools import cache


from ...text import STOPWORDS


SMALL_WORDS = {"the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "that", "with", "by", "at", "from",
               "is", "are", "was", "were", "has", "have", "its", "their", "his", "her"}


REPEATED = {"very", "long", "far", "so", "really", "bye", "ha", "no", "that", "had", "is", "do", "ago", "more"}
PREFIXES = ("re", "un", "non", "pre", "over", "under", "co", "de", "dis", "mis", "anti", "counter")


@cache
def english(word: str) -> bool:
    """A word the bundled vocabularies know (the tokenizer's, lemminflect's), itself, inflected, or after a prefix
    ("reaffirmation") or in British spelling ("marginalised"); a misspelling ("examinate", "Sanctanty") is not."""
    from lemminflect import getAllLemmas

    from ..plan import vocabulary

    w = word.lower()
    if w != word:
        return english(w)
    forms = {w, w.replace("iz", "is"), w.replace("is", "iz")}
    forms |= {f[len(p):] for f in list(forms) for p in PREFIXES if f.startswith(p) and len(f) - len(p) >= 4}
    vocab = vocabulary()
    if any(f in vocab or getAllLemmas(f) for f in forms):
        return True
    return any(w[:i] in vocab and (w[i:] in vocab or getAllLemmas(w[i:])) for i in range(3, len(w) - 2))  # "carpark"


def odd_words(sentence: str) -> list[str]:
    """Misspelt words: unknown to the vocabularies and written in lower case (a capitalised unknown word may be a
    name), or capitalised in a sentence that capitalises its function words too; and words repeated side by side
    ("over over")."""
    tokens = re.findall(r"[A-Za-z]+(?:['\u2019][a-z]+)?", sentence)
    loud = shouting(sentence) >= 2
    odd = [t for t in tokens if len(t) >= 4 and (t[0].islower() or loud and not t.isupper()) and "'" not in t
           and "\u2019" not in t and not english(t)]
    odd += [b for a, b in zip(tokens, tokens[1:]) if a.lower() == b.lower() and a.lower() not in REPEATED]
    return odd


def shouting(sentence: str) -> int:
    """Function words written with a capital in mid-sentence ("Sent Ice The Arrest Records")."""
    ws = sentence.split()
    return sum(w[:1].isupper() and w.lower().strip(",.;:") in STOPWORDS
               for before, w in zip(ws, ws[1:]) if not before.endswith((".", ":", "\u201c", '"')))


def damaged_sentence(sentence: str) -> bool:
    return shouting(sentence) >= 2 or bool(odd_words(sentence))


def damaged_document(sentences: list[str]) -> bool:
    """A damaged text (a garbled copy: random Title Case, misspellings): five of its sentences and 30% or more are
    (a clean article has its share of slang and names the vocabularies lack, a garbled copy has far more)."""
    odd = [[w.lower() for w in odd_words(t)] for t in sentences]
    times: dict[str, int] = {}
    for ws in odd:
        for w in ws:
            times[w] = times.get(w, 0) + 1
    # a word the vocabularies lack that the text repeats is a real word of its subject ("suncream", a name); a
    # misspelling seldom comes twice the same
    bad = sum(shouting(t) >= 2 or any(times[w] == 1 for w in ws) for t, ws in zip(sentences, odd))
    return bad >= 5 and bad >= 0.3 * len(sentences)


# A credit line ("CNN's Jane Roe contributed to this report."): names, but no point of the story.
