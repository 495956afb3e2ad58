"""Words: stopwords, word tokens, content words, names, unspaced scripts, plurals."""

from __future__ import annotations

import re


STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing done down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so some
such than that the their theirs them themselves then there these they this those through to too under until
up very was we were what when where which while who whom why will with would you your yours yourself
yourselves said says say according one two new also many much still even ever really
""".split())

# A word: letters and digits of any script (accents kept: "Einwanderungsbehörde", "policía"), with inner
# apostrophes, hyphens and full stops ("O'Hare", "Sun-Times", "574.5"), and commas between digits ("20,000").
_WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_]|(?<=\d),(?=\d))*|[^\W_]")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


# Scripts written without spaces between words: a lexical index of words cannot find a part of a run of them,
# so passages holding them are also indexed by their three-character pieces (`unspaced_trigrams`; SQLite's
# trigram index, m006 of either store).
UNSPACED = re.compile("[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                      "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")


def unspaced_trigrams(text: str) -> list[str]:
    """The three-character pieces of the text's runs of unspaced scripts, each once, in order (a run of one or
    two characters has none)."""
    grams = [run[i:i + 3] for run in UNSPACED.findall(text) for i in range(max(len(run) - 2, 0))]
    return list(dict.fromkeys(grams))


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w.lower() not in STOPWORDS and len(w) > 1]


LEADING_FUNCTION_WORDS = frozenset(
    "a an the this that these those in on at of for from to by with when if but and or so as after before since "
    "while why how what who whom whose where which can could should would will may might must".split())


def entities(text: str) -> list[str]:
    """Runs of capitalised words (and all-caps acronyms). At the start of the sentence a function word is cut
    ("The Chicago Police" -> "Chicago Police") and a lone ordinary word is skipped ("Several studies ..."):
    a capital there says nothing about being a name."""
    found: list[str] = []
    run: list[str] = []
    tokens = words(text)
    starts_at_zero = False
    for i, token in enumerate(tokens):
        if token[0].isupper() and token.lower() not in {"did", "does", "do", "is", "are", "was", "were", "has", "have"}:
            starts_at_zero = starts_at_zero or (i == 0)
            run.append(token)
        else:
            if run:
                found.append(" ".join(run))
            run = []
    if run:
        found.append(" ".join(run))
    if starts_at_zero and found:
        first = found[0].split()
        if first[0].lower() in LEADING_FUNCTION_WORDS:
            first = first[1:]
        elif len(first) == 1 and not distinctive(first[0]):
            first = []
        found = ([" ".join(first)] if first else []) + found[1:]
    return found


def distinctive(token: str) -> bool:
    """A name even at the start of a sentence: an acronym, a digit or a capital inside (ICE, COVID-19, McDonald)."""
    return any(c.isdigit() for c in token) or any(c.isupper() for c in token[1:])


def without_possessive(word: str) -> str:
    """ "Denver's" -> "Denver", "Trump’s" -> "Trump"."""
    return re.sub(r"[\u2019']s?$", "", word)


def plural(n: int, noun: str) -> str:
    """ "1 source", "3 sources"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
