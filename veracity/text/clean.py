"""Cleaning text: control characters and terminal escape sequences removed, boilerplate lines dropped."""

from __future__ import annotations

import re


_LIST_HEAD = re.compile(r"^\s*(read more|related( articles| stories)?|also read|recommended( for you)?|"
                        r"more from [\w .]+|trending|popular)\s*:?\s*$", re.IGNORECASE)
_GLOSSARY_HEAD = re.compile(r"^\s*(learn today|glossary|key terms|definitions)\s*:?\s*$", re.IGNORECASE)
_GLOSSARY_ITEM = re.compile(r"^[^→\n]{1,90}\s(→|=>)\s")
_BYLINE = re.compile(r"^\s*[—–-]?\s*by\s+[A-Z][\w.&' -]{1,60}$", re.IGNORECASE)
_PROMO = re.compile(r"(donat(e|ion)|subscribe|newsletter|sign up for|supporters|keep [\w ]+ independent|"
                    r"loading\.\.\.|advertisement|cookie)", re.IGNORECASE)
_CREDIT = re.compile(r"^\s*[A-Z][\w.'-]+(\s[A-Z][\w.'-]+){0,3}\s?/\s?[A-Z][\w.' -]{1,40}$")
LIST_ITEM = re.compile(r"^\s*([•*▪◦·-]|\d+[.)])\s+")


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
        if in_list and (LIST_ITEM.match(stripped) or _GLOSSARY_ITEM.match(stripped) or short):
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
