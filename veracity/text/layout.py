"""A text's headline: the first line that reads as a title, passing over labels, list items and datelines."""

from __future__ import annotations

import re

from .clean import LIST_ITEM, boilerplate_lines, strip_controls
from .dates import DATELINE, without_dates
from .sentences import sentence_spans


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
            and not LIST_ITEM.match(stripped) and not _LABEL_LINE.match(stripped) and not DATELINE.match(stripped)
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
        body = next((line for line in kept if not _LABEL_LINE.match(line) and not LIST_ITEM.match(line)
                     and not DATELINE.match(line) and len(without_dates(line).split()) >= 3), "")
        spans = sentence_spans(body)
        title = body[:spans[0].end] if spans else body
    return " ".join(title.split()) or fallback
