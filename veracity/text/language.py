"""Which language a text is in (py3langid, offline): the models read English."""

from __future__ import annotations

import threading
from typing import Any

from .words import STOPWORDS, words


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

            full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            full.set_languages(LANGUAGES)
            # made again from the chosen languages' columns alone: `full` keeps all 97 beside them (46 MB more)
            _IDENTIFIER.append(LanguageIdentifier(full.nb_ptc, full.nb_pc, full.nb_classes, full.tk_nextmove,
                                                  full.tk_output, norm_probs=True, tk_row=full.tk_row))
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
    tokens = [t.lower() for t in words(text[:2000])]
    if sum(t in STOPWORDS for t in tokens) > ENGLISH_WORDS_MAX * len(tokens):
        return False  # English function words enough: py3langid's model (about 80 MB) is not even loaded
    language, probability = language_identifier().classify(text[:2000])
    return bool(language != "en" and probability >= LANGUAGE_MIN_P)
