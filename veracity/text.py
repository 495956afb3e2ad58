"""Plain-text helpers shared by ingest and the pipeline: boilerplate, sentences, key words."""

from __future__ import annotations

import re
import threading
from typing import Any

import sentencex

from .types import Span

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing done down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so some
such than that the their theirs them themselves then there these they this those through to too under until
up very was we were what when where which while who whom why will with would you your yours yourself
yourselves said says say according one two new also many much still even ever really
""".split())

_LIST_HEAD = re.compile(r"^\s*(read more|related( articles| stories)?|also read|recommended( for you)?|"
                        r"more from [\w .]+|trending|popular)\s*:?\s*$", re.IGNORECASE)
_GLOSSARY_HEAD = re.compile(r"^\s*(learn today|glossary|key terms|definitions)\s*:?\s*$", re.IGNORECASE)
_GLOSSARY_ITEM = re.compile(r"^[^→\n]{1,90}\s(→|=>)\s")
_BYLINE = re.compile(r"^\s*[—–-]?\s*by\s+[A-Z][\w.&' -]{1,60}$", re.IGNORECASE)
_PROMO = re.compile(r"(donat(e|ion)|subscribe|newsletter|sign up for|supporters|keep [\w ]+ independent|"
                    r"loading\.\.\.|advertisement|cookie)", re.IGNORECASE)
_CREDIT = re.compile(r"^\s*[A-Z][\w.'-]+(\s[A-Z][\w.'-]+){0,3}\s?/\s?[A-Z][\w.' -]{1,40}$")
_LIST_ITEM = re.compile(r"^\s*([•*▪◦·-]|\d+[.)])\s+")


def boilerplate_lines(lines: list[str]) -> set[int]:
    """Indexes of lines that are navigation, link lists, glossary boxes, bylines or promotion."""
    drop: set[int] = set()
    in_list = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _LIST_HEAD.match(stripped) or _GLOSSARY_HEAD.match(stripped):
            drop.add(i)
            in_list = True
            continue
        short = len(stripped.split()) <= 16 and not stripped.endswith((".", "?", "!", "”", '"'))
        if in_list and (_LIST_ITEM.match(stripped) or _GLOSSARY_ITEM.match(stripped) or short):
            drop.add(i)
            continue
        in_list = False
        if _GLOSSARY_ITEM.match(stripped) or _BYLINE.match(stripped) or _CREDIT.match(stripped) or _PROMO.search(stripped) and len(stripped) < 300:
            drop.add(i)
    return drop


# Terminal escape sequences (CSI such as "ESC[2J", OSC such as "ESC]0;title BEL", and two-byte ESC codes), then
# every other control character but tab and newline (C0, DEL and C1). None of them is text a reader sees.
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|[\x1b\x9d]\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                              r"|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """Text without terminal escape sequences and control characters (tab and newline are kept; a carriage
    return becomes a newline)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def clean_text(text: str) -> str:
    """Drop control characters and boilerplate lines; every kept line stays as the source has it otherwise.
    Offsets (passages, quotes) are into this cleaned text, which is what the store keeps."""
    text = strip_controls(text)
    lines = text.split("\n")
    drop = boilerplate_lines(lines)
    kept = [line.rstrip() for i, line in enumerate(lines) if i not in drop]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


MAX_SENTENCE_CHARS = 1000  # a longer "sentence" (a table, a line with no full stop) is cut at spaces


def bounded(start: int, end: int, text: str, limit: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """The span start:end, cut into pieces of at most `limit` characters, at the last space before the limit
    when there is one (else hard). Whatever the input, no sentence (and so no passage) grows without bound."""
    spans: list[Span] = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        piece = text[start:cut].rstrip()
        if piece:
            spans.append(Span(start, start + len(piece)))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append(Span(start, end))
    return spans


def sentence_spans(text: str) -> list[Span]:
    """Sentences as character spans into text, line by line (a line break always ends a sentence), from
    sentencex's rule-based boundaries (abbreviations, initials, decimals and ellipses do not end one). A line is
    split into pieces of MAX_SENTENCE_CHARS at most before sentencex sees it, and so is any sentence."""
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for piece_span in bounded(0, len(line), line, 20 * MAX_SENTENCE_CHARS):
                part = line[piece_span.start:piece_span.end]
                for b in sentencex.get_sentence_boundaries("en", part):
                    start, end = piece_span.start + b["start_index"], piece_span.start + b["end_index"]
                    piece = line[start:end]
                    lead = len(piece) - len(piece.lstrip())
                    piece = piece.strip()
                    if piece:
                        spans += [Span(offset + s.start, offset + s.end)
                                  for s in bounded(start + lead, start + lead + len(piece), line)]
        offset += len(line) + 1
    return spans


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


# The languages py3langid chooses among (ISO 639-1): the widely written ones. Its full set of 97 reads some
# short English sentences full of names as a neighbour (Nigerian Pidgin, Breton, Latin); from these 50, English
# sentences and questions are read as English (tests/test_search_words.py).
LANGUAGES = ("en de fr es it pt nl pl sv da no fi id ms tr vi ro cs hu tl sw ca hr sk sl et lv lt af eu gl ga cy is "
             "sq la eo ru zh ja ko ar he hi el uk bg sr th fa").split()
LANGUAGE_MIN_P = 0.5  # the other language's probability must reach this ...
ENGLISH_WORDS_MAX = 0.25  # ... and English function words be at most this share of the words
_IDENTIFIER: list[Any] = []
_IDENTIFIER_LOCK = threading.Lock()


def language_identifier() -> Any:
    """py3langid's naive Bayes identifier (its model ships in the wheel), loaded once per process (0.7 s)."""
    with _IDENTIFIER_LOCK:
        if not _IDENTIFIER:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            identifier.set_languages(LANGUAGES)
            _IDENTIFIER.append(identifier)
        return _IDENTIFIER[0]


def not_english(text: str) -> bool:
    """Whether text reads as another language than English: most of its letters are not Latin (Chinese,
    Russian, Arabic ...), or py3langid finds another language at probability 0.5 or more and English
    function words are a quarter of its words or less (so a name-laden English sentence stays English)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if c < "\u0250" or "\u1e00" <= c <= "\u1eff")
    if latin < 0.5 * len(letters):
        return True
    language, probability = language_identifier().classify(text[:2000])
    if language == "en" or probability < LANGUAGE_MIN_P:
        return False
    tokens = [t.lower() for t in words(text[:2000])]
    return sum(t in STOPWORDS for t in tokens) <= ENGLISH_WORDS_MAX * len(tokens)
