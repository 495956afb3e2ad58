"""Plain-text helpers shared by ingest and the pipeline, one module per subject: `words` (stopwords, word tokens,
content words, names, unspaced scripts), `sentences` (sentence spans), `clean` (control characters, escape
sequences, boilerplate lines), `dates` (dates in a text, its dateline), `layout` (the headline), `language`
(English or not). The names most modules use are here too."""

from .clean import boilerplate_lines, clean_text, strip_controls
from .dates import published_in_text, text_dates, without_dates
from .language import not_english
from .layout import headline, headline_like
from .sentences import MAX_SENTENCE_CHARS, bounded, sentence_spans
from .words import (LEADING_FUNCTION_WORDS, STOPWORDS, UNSPACED, content_words, distinctive, entities, plural,
                    unspaced_trigrams, without_possessive, words)

__all__ = ["LEADING_FUNCTION_WORDS", "MAX_SENTENCE_CHARS", "STOPWORDS", "UNSPACED", "boilerplate_lines", "bounded",
           "clean_text", "content_words", "distinctive", "entities", "headline", "headline_like", "not_english",
           "plural", "published_in_text", "sentence_spans", "strip_controls", "text_dates", "unspaced_trigrams",
           "without_dates", "without_possessive", "words"]
