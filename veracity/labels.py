"""The labels of veracity, defined once: stances of evidence sentences, verdicts on claims, roles of findings.
`veracity.types` re-exports them; modules below types (factcheck) import them from here."""

from __future__ import annotations

# The stance of one evidence sentence toward a claim.
SUPPORTS, REFUTES, NEUTRAL = "supports", "refutes", "neutral"
STANCE_LABELS = (SUPPORTS, REFUTES, NEUTRAL)
# The verdict on a claim: is it true? mixed: the sources disagree, or support it only in part.
SUPPORTED, REFUTED, MIXED, NOT_ENOUGH_EVIDENCE = "supported", "refuted", "mixed", "not_enough_evidence"
CLAIM_LABELS = (SUPPORTED, REFUTED, MIXED, NOT_ENOUGH_EVIDENCE)
# The verdict on an open question ("What is Chicago's policy on ICE?"), which is neither true nor false: its
# answer is the most relevant evidence sentence (the leading answer), and the label says whether the other
# independent sources agree with it (answered), contradict it (disputed), or neither (not_enough_evidence).
ANSWERED, DISPUTED = "answered", "disputed"
ANSWER_LABELS = (ANSWERED, DISPUTED, NOT_ENOUGH_EVIDENCE)
# Every label a report's verdict can have, and its title in a report.
VERDICT_LABELS = CLAIM_LABELS + (ANSWERED, DISPUTED)
VERDICT_TITLE = {SUPPORTED: "Supported", REFUTED: "Refuted", MIXED: "Mixed", NOT_ENOUGH_EVIDENCE: "Not enough evidence",
                 ANSWERED: "Answered", DISPUTED: "Disputed"}
# The role of a finding in a report, from the stance of its evidence.
SUPPORTING, REFUTING, CONTEXT = "supporting", "refuting", "context"
ROLE_OF_STANCE = {SUPPORTS: SUPPORTING, REFUTES: REFUTING, NEUTRAL: CONTEXT}

# A verdict's confidence in words, from its floor up.
CONFIDENCE_WORDS = ((0.9, "very high"), (0.75, "high"), (0.6, "moderate"), (0.0, "low"))


def confidence_words(c: float) -> str:
    return next(word for floor, word in CONFIDENCE_WORDS if c >= floor)


# How a pasted text's claims are counted, one phrase per label ("2 of 3 claims supported, 1 not settled by the
# sources"): mixed is said of the sources, never of the claims.
COUNTED = {SUPPORTED: "supported", REFUTED: "refuted", MIXED: "on which the sources disagree",
           NOT_ENOUGH_EVIDENCE: "not settled by the sources", ANSWERED: "answered", DISPUTED: "disputed"}


def count_claims(labels: list[str]) -> str:
    """ "2 of 3 claims supported, 1 not settled by the sources" for the labels of a text's claims: the commonest
    label first (ties in the order of VERDICT_LABELS), then each other label with its count."""
    counts = {label: labels.count(label) for label in VERDICT_LABELS if label in labels}
    order = sorted(counts, key=lambda label: -counts[label])
    if not order:
        return "no claim judged"
    first = order[0]
    every = "both" if len(labels) == 2 else f"all {len(labels)}"
    head = (f"{every} claims {COUNTED[first]}" if counts[first] == len(labels) and len(labels) > 1 else
            f"{counts[first]} of {len(labels)} claim{'s' if len(labels) != 1 else ''} {COUNTED[first]}")
    return ", ".join([head] + [f"{counts[label]} {COUNTED[label]}" for label in order[1:]])
