"""organise: cluster the evidence into 2 to 7 findings, each with a heading drawn from its content (headings.py);
a damaged source's sentences are told apart (damage.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from ...store.base import Store
from ...text import STOPWORDS, content_words, entities, sentence_spans, without_possessive, words
from ...types import (CONTEXT, REFUTING, ROLE_OF_STANCE, SUPPORTING, Candidate, Document, Evidence,
                     FindingDraft)
from .damage import damaged_document, damaged_sentence
from .headings import heading, key_heading

def role(c: Candidate) -> str | None:
    return ROLE_OF_STANCE[c.evidence.stance.label] if c.evidence.stance else None


T = TypeVar("T")


def greedy_clusters(items: list[T], vector: Callable[[T], np.ndarray], threshold: float) -> list[list[T]]:
    """Greedy average-link clustering, in the items' order (deterministic): an item joins the cluster whose items
    it is most like (average cosine of `threshold` or more), else starts one of its own."""
    groups: list[list[T]] = []
    for item in items:
        best, best_sim = None, threshold
        for g in groups:
            sim = float(np.mean([vector(item) @ vector(o) for o in g]))
            if sim >= best_sim:
                best, best_sim = g, sim
        if best is None:
            groups.append([item])
        else:
            best.append(item)
    return groups


def clusters(items: list[Candidate], threshold: float = 0.55) -> list[list[Candidate]]:
    """Greedy average-link clustering on sentence vectors, in relevance order (deterministic)."""
    return greedy_clusters(items, lambda c: c.vector, threshold)


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


# --- Coverage: the distinct points the sources make on the question, central ones first ----------------------
#
# select keeps the sentences most like the question, and a source's central fact is often not among them (the
# Sun-Times "In almost every case, ... the Police department has handed over documents" names neither Chicago nor
# ICE). So the findings are built from every sentence of the documents that address the question: each is scored
# for how central it is (its relevance to the question, its likeness to its document's headline, its place in the
# document, the document's own relevance), the sentences are clustered into points, and the points are taken in
# order of centrality, one finding each, the sources taking turns, within a word budget.

POINT_SIMILARITY = 0.5  # two sentences this alike (cosine) make the same point
SAME_POINT = 0.72  # two findings' sentences this alike would repeat a point: the second is left out
TOPIC_SENTENCES = 8  # the sentences most like the question that, with it, stand for its topic
PER_DOCUMENT = 14  # the most central sentences of each document that compete for a finding
MAX_DOCUMENT_SENTENCES = 150
PER_FINDING = 4  # sentences at most in a finding
SAME_FINDING = 0.55  # a sentence joins a finding only when this like the sentence that leads it
REPEAT = 0.85  # a sentence this like one already in the finding says nothing new
FINDING_WORDS = 500  # the findings' budget in words, so the whole report stays near 700 words


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    centrality: float
    damaged: bool
    leans_back: bool
    facts: frozenset[str] = frozenset()  # what it states that another sentence may not (see facts())


# A sentence that leans on one before it: a pronoun or a demonstrative first ("He said ...", "That case ..."), or a
# preposition with "that"/"this" and a noun ("for that case", "at that time").
LEANS = re.compile(r"^[\"\u201c\u2018']?(?:on the other hand|however|but|and|also|meanwhile|still|yet|instead|"
                   r"moreover|furthermore|in addition|nevertheless|this|that|these|those|it|its|they|them|their|he|"
                   r"she|his|her|such|there|then|the same)\b", re.I)
DEMONSTRATIVE = re.compile(r"\b(?:for|of|in|on|at|about|with|to|from|by|after|before|during|since)\s+"
                           r"(?:that|this|these|those|the same)\s+(?!year|week|month|day|morning|season|\w+ed\b)\w+", re.I)


def leans_back(sentence: str) -> bool:
    """Whether a sentence refers to something it does not name ("He said ...", "the records for that case")."""
    return bool(LEANS.match(sentence.strip()) or DEMONSTRATIVE.search(sentence))


CREDIT = re.compile(r"\b(?:contributed|contributing) (?:to )?(?:this|the) (?:report|story|article)\b"
                    r"|^(?:additional )?(?:reporting|writing|editing) by\b", re.I)


def document_sentences(doc: Document) -> list[tuple[int, int, str]]:
    """(start, end, text) of each sentence of a document that can stand as evidence (not a credit line)."""
    from ..select import reads_as_instructions, usable

    out = []
    for span in sentence_spans(doc.text)[:MAX_DOCUMENT_SENTENCES]:
        text = doc.text[span.start:span.end]
        if usable(text) and not reads_as_instructions(text) and not CREDIT.search(text):
            out.append((span.start, span.end, text))
    return out


StoredVectors = Callable[[list[int]], dict[tuple[int, int], np.ndarray]]


def stored_vectors(store: Store) -> StoredVectors:
    """(document id, sentence start) -> the sentence's vector stored at ingest, for the given documents."""

    def lookup(document_ids: list[int]) -> dict[tuple[int, int], np.ndarray]:
        if not document_ids:
            return {}
        ids = [int(i) for i in store.scope_vectors(document_ids)[0]]
        rows = store.sentence_vectors(ids)
        out: dict[tuple[int, int], np.ndarray] = {}
        for pid, passage in store.passages(ids).items():
            for span, row in zip(passage.sentences, rows.get(pid, ())):
                out[(passage.document_id, span.start)] = row
        return out

    return lookup


def sentence_vectors(docs: dict[int, Document], per_doc: dict[int, list[tuple[int, int, str]]],
                     embed: Callable[[list[str]], np.ndarray], stored: StoredVectors | None,
                     dimension: int) -> np.ndarray:
    """The documents' title vectors, then every sentence's vector in document order: from the store where it has
    them (stored at ingest), else embedded in one batch."""
    known = stored(list(docs)) if stored is not None else {}
    keys = [(d, start) for d in docs for start, _, _ in per_doc[d]]
    texts = [t for d in docs for _, _, t in per_doc[d]]
    todo = [doc.title for doc in docs.values()] + [t for k, t in zip(keys, texts) if k not in known]
    fresh = iter(embed(todo)) if todo else iter(())
    return np.array([next(fresh) for _ in docs] + [known[k] if k in known else next(fresh) for k in keys],
                    dtype=np.float32).reshape(len(docs) + len(keys), dimension)


def headlines(docs: dict[int, Document], per_doc: dict[int, list[tuple[int, int, str]]],
              vectors: np.ndarray) -> dict[int, np.ndarray]:
    """A document's main point: its headline with its lead sentence (a title may be a file name)."""
    titles = {}
    k = len(docs)
    for d, title in zip(docs, vectors[:len(docs)]):
        headline = title + (vectors[k] if per_doc[d] else 0.0)
        titles[d] = headline / (np.linalg.norm(headline) or 1.0)
        k += len(per_doc[d])
    return titles


def topic_of(body: np.ndarray, query_vectors: np.ndarray) -> np.ndarray:
    """The question's topic, as the sources word it: the question with the sentences most like it."""
    relevance_all = (body @ query_vectors.T).max(axis=1) if len(body) else np.zeros(0)
    near = body[np.argsort(-relevance_all)[:TOPIC_SENTENCES]] if len(body) else query_vectors
    topic = query_vectors.mean(axis=0) + near.mean(axis=0)
    normed: np.ndarray = topic / (np.linalg.norm(topic) or 1.0)
    return normed


def focus_of(question: str, names: tuple[str, ...] | list[str] = ()) -> str:
    """What the question asks about its names: its content words that are not part of a name ("What honours has
    B.B. King received?" -> "honours received"); empty when the names are all it has."""
    named = {w.lower() for n in names for w in words(n)} | {w.lower() for n in entities(question) for w in words(n)}
    return " ".join(dict.fromkeys(w for w in content_words(question) if w.lower() not in named))


def relevance_to(v: np.ndarray, query_vectors: np.ndarray, focus: np.ndarray | None) -> float:
    """How well a sentence answers the question: its likeness to the nearest query, and, when the question asks
    something about its names, equally its likeness to what is asked (the focus). Every sentence of an article
    about B.B. King is like a query that names him; the one about his honours is also like "honours received"."""
    nearest = float((query_vectors @ v).max())
    return nearest if focus is None else (nearest + float(focus @ v)) / 2


def score_sentences(chosen: tuple[Candidate, ...], embed: Callable[[list[str]], np.ndarray],
                    query_vectors: np.ndarray, stored: StoredVectors | None = None,
                    focus: str = "") -> tuple[list[Scored], set[int]]:
    """Every usable sentence of the documents that address the question, scored for centrality; and the ids of
    the documents whose text is damaged. A sentence the judge read keeps its stance. focus: what the question
    asks about its names (focus_of), weighed beside the queries."""
    judged = {(c.evidence.document.id, c.evidence.start): c for c in chosen}
    weight: dict[int, float] = {}
    docs: dict[int, Document] = {}
    for c in chosen:
        docs.setdefault(c.evidence.document.id, c.evidence.document)
        weight[c.evidence.document.id] = max(weight.get(c.evidence.document.id, 0.0), c.evidence.relevance)
    top = max(weight.values(), default=1.0) or 1.0
    per_doc = {d: document_sentences(doc) for d, doc in docs.items()}
    vectors = sentence_vectors(docs, per_doc, embed, stored, query_vectors.shape[1])
    titles = headlines(docs, per_doc, vectors)
    damaged = {d for d in docs if damaged_document([t for _, _, t in per_doc[d]])}
    topic = topic_of(vectors[len(docs):], query_vectors)
    aim = embed([focus])[0] if focus else None
    rows: dict[int, list[Scored]] = {}
    k = len(docs)
    for d, doc in docs.items():
        for i, (start, end, text) in enumerate(per_doc[d]):
            v = vectors[k + i]
            relevance = float((query_vectors @ v).max())
            answers = relevance_to(v, query_vectors, aim)
            lead = max(0.0, 1.0 - i / 8)
            c = judged.get((d, start)) or Candidate(Evidence(document=doc, start=start, end=end, quote=text,
                                                             relevance=round(relevance, 4)), v)
            side = 0.02 if c.evidence.stance is not None and role(c) in (SUPPORTING, REFUTING) else 0.0
            centrality = (0.45 * answers + 0.15 * float(topic @ v)
                          + (0.25 * float(titles[d] @ v) + 0.15 * lead) * weight[d] / top + side)
            rows.setdefault(d, []).append(Scored(c, centrality, d in damaged and damaged_sentence(text),
                                                 leans_back(text), facts(text, d in damaged)))
        k += len(per_doc[d])
    weights = fact_weights([s.facts for r in rows.values() for s in r])
    out: list[Scored] = []
    for r in rows.values():  # a sentence that states facts the sources keep stating competes too
        r.sort(key=lambda s: (-s.centrality - news(s.facts, weights, set()), s.candidate.evidence.start))
        out += r[:PER_DOCUMENT]
    out.sort(key=lambda s: (-s.centrality, s.candidate.evidence.document.id, s.candidate.evidence.start))
    return out, damaged


def informative(s: Scored) -> float:
    """The sentence a point is told by: central, with names and numbers, standing on its own, undamaged."""
    text = s.candidate.evidence.quote
    facts = min(len(entities(text)) + len(re.findall(r"\d+", text)), 4)
    return s.centrality + 0.02 * facts - 0.15 * s.leans_back - 0.1 * s.damaged


def point_clusters(scored: list[Scored]) -> list[list[Scored]]:
    """Greedy clustering in order of centrality: a sentence joins the point whose sentences it is most like
    (average cosine of POINT_SIMILARITY or more), else starts a point of its own."""
    return greedy_clusters(scored, lambda s: s.candidate.vector, POINT_SIMILARITY)


def words_of(text: str) -> int:
    return len(text.split())


def points(chosen: tuple[Candidate, ...], embed: Callable[[list[str]], np.ndarray], query_vectors: np.ndarray,
           max_findings: int = 7, budget: int = FINDING_WORDS, stored: StoredVectors | None = None,
           focus: str = "", question: str = "") -> tuple[list[FindingDraft], set[int]]:
    """Finding drafts, one per distinct point, central points first, the sources taking turns, a point that
    states facts the findings before it do not (a name, a number, a rule) before one that repeats them; and the
    ids of the documents whose text is damaged. A finding is told by its most informative clean sentence, with a
    second source's sentence on the same point when one says it too."""
    scored, damaged = score_sentences(chosen, embed, query_vectors, stored, focus)
    remaining = point_clusters(scored)
    weight = fact_weights([s.facts for s in scored])
    covered = set(facts(question))  # the question's own names are no news
    used: dict[int, int] = {}
    picked: list[list[Scored]] = []
    spent = 0

    while remaining and len(picked) < max_findings:
        remaining.sort(key=lambda g: (-point_rank(g, used, weight, covered), g[0].candidate.evidence.document.id,
                                      g[0].candidate.evidence.start))
        g = remaining.pop(0)
        fresh = [m for m in g if not repeats(m, [p for f in picked for p in f], SAME_POINT)]
        if len(fresh) < len(g):  # what repeats a finding goes; the rest of the point still competes
            if fresh:
                remaining.append(fresh)
            continue
        lead = lead_of(g)
        cost = words_of(lead.candidate.evidence.quote) + 6
        if picked and spent + cost > budget:
            continue
        members, spent = told(lead, g, spent + cost, budget, weight, covered)
        used[lead.candidate.evidence.document.id] = used.get(lead.candidate.evidence.document.id, 0) + 1
        picked.append(members)
        covered.update(f for m in members for f in m.facts)
        rest = [m for m in g if m not in members and not repeats(m, members, REPEAT)]
        if rest:  # what the finding had no room for makes a point of its own
            remaining.append(rest)
    return finding_drafts(picked, scored, damaged), damaged


# --- Facts: what a sentence states that another may not ------------------------------------------------------
#
# Two sentences on the same point can state different facts: "the Welcoming City Ordinance forbids city agencies
# from cooperating" and "a supervisor must respond and decline the request" are both about the city's rules. A
# point whose lead states a fact no finding before it states (a name, a number, a rule) is worth more than one
# that says again what the report says; a fact the sources state again and again, more still.

NEWS = 0.03  # a point's rank rises this much for each new fact it states (a repeated one counts up to twice)
MAX_NEWS = 6.0  # ... for six facts at most
RULE_WEIGHT = 3.0  # a rule (what someone must or must not do) counts as much as a name of three words
RULE = re.compile(r"\b(must|shall|forbids?|forbidden|prohibits?|prohibited|bars|barred|requires?|required|bans?|"
                  r"banned|declines?|may not|cannot|is not allowed)\b", re.I)


def facts(sentence: str, damaged: bool = False) -> frozenset[str]:
    """The facts a sentence states, as keys: the words of the names it mentions ("welcoming", "city", "ordinance";
    not from a damaged text, whose capitals say nothing), its numbers ("1985", "17125") and the rules it states
    ("rule: supervisor must": a must or a prohibition, with the word before it that it binds)."""
    keys: set[str] = set()
    if not damaged:
        keys |= {without_possessive(w).lower() for name in entities(sentence) for w in name.split()
                 if len(w) > 1 and w.lower() not in STOPWORDS and not w[0].isdigit()}
    keys |= {w.replace(",", "") for w in words(sentence) if any(c.isdigit() for c in w)}
    for m in RULE.finditer(sentence):
        before = [w for w in content_words(sentence[:m.start()].rsplit(",", 1)[-1]) if not w[0].isdigit()]
        if before:
            keys.add(f"rule: {without_possessive(before[-1]).lower()} {m.group(1).lower()}")
    return frozenset(keys)


def news(stated: frozenset[str], weight: dict[str, float], covered: set[str]) -> float:
    """What a sentence's facts that the report does not yet state are worth to its rank."""
    return NEWS * min(sum(weight.get(f, 1.0) * (RULE_WEIGHT if f.startswith("rule: ") else 1.0)
                          for f in stated - covered), MAX_NEWS)


def fact_weights(stated: list[frozenset[str]]) -> dict[str, float]:
    """fact -> its weight: 1, and up to 2 for a fact that many sentences state (a name the sources keep using)."""
    counts: dict[str, int] = {}
    for fs in stated:
        for f in fs:
            counts[f] = counts.get(f, 0) + 1
    return {f: min(2.0, 1.0 + (n - 1) / 4) for f, n in counts.items()}


def lead_of(point: list[Scored]) -> Scored:
    """The sentence that tells a point: its most informative, from a clean text where one has it."""
    return max([m for m in point if not m.damaged] or point, key=informative)


def repeats(s: Scored, others: list[Scored], threshold: float) -> bool:
    """Whether a sentence is at least `threshold` like (cosine) one of the others."""
    return any(float(s.candidate.vector @ o.candidate.vector) >= threshold for o in others)


def point_rank(g: list[Scored], used: dict[int, int], weight: dict[str, float], covered: set[str]) -> float:
    """How soon a point gets a finding: its most central sentence, more when more sources make it, less when its
    source already has findings (the sources take turns), more for the facts it states that the report lacks."""
    best = lead_of(g)
    sources = len({m.candidate.evidence.document.id for m in g})
    return (max(m.centrality for m in g) + 0.03 * (sources - 1) - 0.06 * used.get(best.candidate.evidence.document.id, 0)
            + news(best.facts, weight, covered))


def told(lead: Scored, point: list[Scored], spent: int, budget: int, weight: dict[str, float] | None = None,
         covered: set[str] | None = None) -> tuple[list[Scored], int]:
    """A point's finding: its lead, then more of the point within the word budget: its next most informative
    sentences, another source's first, one that states facts the report does not yet state before one that does
    not, none a repeat of one already in. Returns the members and the words spent."""
    members = [lead]
    known = set(covered or ()) | lead.facts
    others = sorted((m for m in point if m is not lead and not m.damaged and not m.leans_back),
                    key=lambda m: (m.candidate.evidence.document.id == lead.candidate.evidence.document.id,
                                   -informative(m) - news(m.facts, weight or {}, known)))
    for m in others:
        if len(members) >= PER_FINDING:
            break
        extra = words_of(m.candidate.evidence.quote)
        if spent + extra > budget or float(m.candidate.vector @ lead.candidate.vector) < SAME_FINDING or any(
                float(m.candidate.vector @ o.candidate.vector) >= REPEAT for o in members):
            continue
        spent += extra
        members.append(m)
        known |= m.facts
    return members, spent



def finding_drafts(picked: list[list[Scored]], scored: list[Scored], damaged: set[int]) -> list[FindingDraft]:
    """A draft per finding, headed by a key phrase of its lead; supporting or refuting only when every sentence
    the judge read in it was filed that way (one stance per finding), else context."""
    drafts = []
    taken: set[str] = set()
    pool = [m.candidate.evidence.quote for m in scored]
    clean = [m.candidate.evidence.quote for m in scored if m.candidate.evidence.document.id not in damaged]
    for members in picked:
        cands = tuple(m.candidate for m in members)
        sides = {role(c) for c in cands if c.evidence.stance is not None}
        first = members[0].candidate.evidence
        h = key_heading(first.quote, pool, taken, clean, damaged=first.document.id in damaged)
        taken.add(h.lower())
        only = sides.pop() if len(sides) == 1 else None
        drafts.append(FindingDraft(heading=h, role=only if only in (SUPPORTING, REFUTING) else CONTEXT, members=cands))
    return drafts


# --- Headings from key phrases -----------------------------------------------------------------------------------
#
