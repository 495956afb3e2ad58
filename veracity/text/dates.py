"""Dates written in a text, and the date a text carries of itself (its dateline)."""

from __future__ import annotations

import re

from .clean import strip_controls
from datetime import date


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
DATELINE = re.compile(r"^\W*(published|updated|posted|last (modified|updated)|dated?)\b", re.IGNORECASE)
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
        if not dates or (len(line.split()) > DATELINE_WORDS and not DATELINE.match(line)):
            continue
        for d in dates:
            if d <= today and (best is None or d > best):
                best = d
    return best.isoformat() if best else None
