"""organise: cluster the evidence into 2 to 7 findings, each with a heading drawn from its content."""

from __future__ import annotations

import re

import numpy as np

from ..types import CONTEXT, REFUTES, REFUTING, ROLE_OF_STANCE, SUPPORTING, SUPPORTS, Candidate, FindingDraft


def role(c: Candidate) -> str | None:
    return ROLE_OF_STANCE[c.evidence.stance.label] if c.evidence.stance else None


def clusters(items: list[Candidate], threshold: float = 0.55) -> list[list[Candidate]]:
    """Greedy average-link clustering on sentence vectors, in relevance order (deterministic)."""
    groups: list[list[Candidate]] = []
    for c in items:
        best, best_sim = None, threshold
        for g in groups:
            sim = float(np.mean([c.vector @ o.vector for o in g]))
            if sim >= best_sim:
                best, best_sim = g, sim
        if best is None:
            groups.append([c])
        else:
            best.append(c)
    return groups


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


def organise(chosen: tuple[Candidate, ...], max_findings: int = 7) -> list[FindingDraft]:
    """2 to 7 finding drafts in report order: supporting, refuting, then context."""
    order: dict[str | None, int] = {SUPPORTING: 0, REFUTING: 1, CONTEXT: 2, None: 3}
    by_role: dict[str | None, list[Candidate]] = {}
    for c in chosen:
        by_role.setdefault(role(c), []).append(c)
    groups = [(r, g) for r in sorted(by_role, key=lambda r: order[r]) for g in clusters(by_role[r])]
    while len(groups) > max_findings:  # fold the smallest cluster into the most similar of its role
        groups.sort(key=lambda rg: (order[rg[0]], -len(rg[1])))
        r, small = min(groups, key=lambda rg: len(rg[1]))
        groups.remove((r, small))
        same = [g for rr, g in groups if rr == r] or [g for _, g in groups]
        target = max(same, key=lambda g: float(np.mean([a.vector @ b.vector for a in g for b in small])))
        target += small
    if len(groups) == 1 and len(groups[0][1]) >= 4:  # split one big cluster so a report has 2+ findings
        r, g = groups[0]
        groups = [(r, g[: len(g) // 2]), (r, g[len(g) // 2:])]
    taken: set[str] = set()
    out = []
    for r, g in groups:
        h = heading(g, taken, r)
        taken.add(h.lower())
        out.append(FindingDraft(heading=h, role=r, members=tuple(g)))
    return out
