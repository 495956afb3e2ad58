"""organise: cluster the evidence into 2 to 7 findings, each with a heading drawn from its content."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from ..text import STOPWORDS, words
from .select import Candidate

ROLE_OF = {"supports": "supporting", "refutes": "refuting", "neutral": "context"}


def role(c: Candidate) -> str | None:
    return ROLE_OF[c.evidence.stance.label] if c.evidence.stance else None


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


def phrases(text: str) -> list[str]:
    """Runs of 1-3 content words (no stopword inside), as candidate heading phrases."""
    out, run = [], []
    for w in words(text) + ["."]:
        if w.lower() in STOPWORDS or not re.match(r"[A-Za-z]", w):
            for n in (3, 2, 1):
                out += [" ".join(run[i:i + n]) for i in range(len(run) - n + 1)]
            run = []
        else:
            run.append(w)
    return out


def heading(items: list[Candidate], question: str, taken: set[str]) -> str:
    asked = {w.lower() for w in words(question)}
    counts: Counter[str] = Counter()
    for c in items:
        for p in set(phrases(c.evidence.quote)):
            novel = [w for w in p.split() if w.lower() not in asked]
            if novel:
                counts[p] += 1 + 0.5 * (len(p.split()) - 1) + 0.25 * sum(w[0].isupper() for w in novel)
    ranked = [p for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if p.lower() not in taken]
    chosen: list[str] = []
    for p in ranked:
        used = {w.lower() for c in chosen for w in c.split()}
        if not used & {w.lower() for w in p.split()}:
            chosen.append(p)
        if len(chosen) == 2:
            break
    text = " and ".join(chosen) if chosen else items[0].evidence.document.title
    return text[0].upper() + text[1:]


def organise(chosen: list[Candidate], question: str, max_findings: int = 7) -> list[tuple[str, str | None, list[Candidate]]]:
    """(heading, role, members) in report order: supporting, refuting, then context."""
    order = {"supporting": 0, "refuting": 1, "context": 2, None: 3}
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
        h = heading(g, question, taken)
        taken.add(h.lower())
        out.append((h, r, g))
    return out
