"""Plain-text helpers shared by ingest and the pipeline: boilerplate, sentences, key words."""

from __future__ import annotations

import re
import threading
from datetime import date
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


# Labels an article puts above its first paragraph or a box: never its headline ("Key Takeaways").
_LABEL_LINE = re.compile(r"^\s*(key takeaways?|takeaways|highlights|summary|in brief|at a glance|overview|"
                         r"(table of )?contents|listen to (this )?article|share( this( article| story)?)?|"
                         r"advertisement|sponsored|editor'?s note|breaking( news)?|exclusive|analysis|opinion|"
                         r"live( updates)?|updated?|menu|skip to (main )?content|what to know|what we know|"
                         r"quick read|tl;?dr)\s*:?\s*$", re.IGNORECASE)
HEADLINE_WORDS = 25  # a title is a line of at most this many words that does not end as a sentence does
HEADLINE_LINES = 12  # ... among the first lines of the text that are not boilerplate


def headline_like(line: str) -> bool:
    """A line that reads as a title: a few words with letters, not ending with a full stop, not a list item,
    a label ("Key Takeaways") or a dateline."""
    stripped = line.strip().lstrip("#").strip()
    return (bool(stripped) and len(stripped.split()) <= HEADLINE_WORDS and not stripped.endswith((".", ",", ";", ":"))
            and not _LIST_ITEM.match(stripped) and not _LABEL_LINE.match(stripped) and not _DATELINE.match(stripped)
            and sum(c.isalpha() for c in without_dates(stripped)) >= 3)


def headline(text: str, fallback: str) -> str:
    """The title a reader would recognise, for a text with no title in its metadata: the first line that reads
    as a title among its first lines (labels such as "Key Takeaways", list items, datelines and boilerplate are
    passed over); else the first sentence of its first paragraph; else the fallback (the file's name)."""
    lines = strip_controls(text).split("\n")[:400]
    drop = boilerplate_lines(lines)
    kept = [line.strip().lstrip("#").strip() for i, line in enumerate(lines) if i not in drop and line.strip()]
    title = next((line for line in kept[:HEADLINE_LINES] if headline_like(line)), None)
    if title is None:
        body = next((line for line in kept if not _LABEL_LINE.match(line) and not _LIST_ITEM.match(line)
                     and not _DATELINE.match(line) and len(without_dates(line).split()) >= 3), "")
        spans = sentence_spans(body)
        title = body[:spans[0].end] if spans else body
    return " ".join(title.split()) or fallback


_MONTHS = {m: i for i, names in enumerate(("jan january", "feb february", "mar march", "apr april", "may",
                                           "jun june", "jul july", "aug august", "sep sept september",
                                           "oct october", "nov november", "dec december"), 1)
           for m in names.split()}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATE_FORMS = [re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),        # June 5, 2025
               re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),          # 5 June 2025
               re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")]  # 2025-06-05
# A line that dates the text: "Published June 5, 2025", "Updated: 5 June 2025", a byline or an embed's credit
# ("- Chi Latino Caucus (@chilatinocacaucus) June 5, 2025"). A date inside a sentence of the article ("On July
# 4, 1776, ...") is about what it reports, not when it was written.
_DATELINE = re.compile(r"^\W*(published|updated|posted|last (modified|updated)|dated?)\b", re.IGNORECASE)
DATELINE_WORDS = 14


def text_dates(text: str) -> list[date]:
    """Every whole date (day, month and year) written in the text, in order."""
    found: list[tuple[int, date]] = []
    for form in _DATE_FORMS:
        for m in form.finditer(text):
            month = m["month"]
            number = int(month) if month.isdigit() else _MONTHS[month.lower()]
            try:
                found.append((m.start(), date(int(m["year"]), number, int(m["day"]))))
            except ValueError:
                continue
    return [d for _, d in sorted(found, key=lambda pair: pair[0])]


def without_dates(text: str) -> str:
    for form in _DATE_FORMS:
        text = form.sub(" ", text)
    return text


def published_in_text(text: str, today: date | None = None) -> str | None:
    """The date a text carries of itself (YYYY-MM-DD), for a document no metadata dates: the latest whole date
    on a dateline (a line of a few words, or one that says published / updated / posted), never one after
    today. Dates inside the article's sentences are passed over. None when there is none."""
    today = today or date.today()
    best: date | None = None
    for line in strip_controls(text).split("\n"):
        dates = text_dates(line) if any(c.isdigit() for c in line) else []
        if not dates or (len(line.split()) > DATELINE_WORDS and not _DATELINE.match(line)):
            continue
        for d in dates:
            if d <= today and (best is None or d > best):
                best = d
    return best.isoformat() if best else None


# Terminal escape sequences (CSI such as "ESC[2J", OSC such as "ESC]0;title BEL", and two-byte ESC codes), then
# every other control character but tab and newline (C0, DEL and C1). None of them is text a reader sees.
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|[\x1b\x9d]\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                              r"|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What is left of a colour code when its ESC was lost or written out on the way to the file: "[31m", "[1;31m",
# "[0m", or the escape spelled as text ("^[[31m", "\\e[0m", "\\033[1m", "\\x1b[31m", "\\u001b[31m"). Removed
# whole, so no "31m" or "[0m" is left beside the word it coloured.
_SPELLED_ESCAPE = re.compile(r"(?:\^\[|\\(?:e|033|x1[bB]|u001[bB]))\[[0-?]*[ -/]*[@-~]")
_BARE_SGR = re.compile(r"\[\d{1,3}(?:;\d{1,3})*m")


def strip_controls(text: str) -> str:
    """Text without terminal escape sequences and control characters (tab and newline are kept; a carriage
    return becomes a newline)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
    return _BARE_SGR.sub("", _SPELLED_ESCAPE.sub("", text)) if "[" in text else text


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
