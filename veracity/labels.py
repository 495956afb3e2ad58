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
# Every label a report's verdict can have.
VERDICT_LABELS = CLAIM_LABELS + (ANSWERED, DISPUTED)
# The role of a finding in a report, from the stance of its evidence.
SUPPORTING, REFUTING, CONTEXT = "supporting", "refuting", "context"
ROLE_OF_STANCE = {SUPPORTS: SUPPORTING, REFUTES: REFUTING, NEUTRAL: CONTEXT}
