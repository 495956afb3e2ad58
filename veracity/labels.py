"""The labels of veracity, defined once: stances of evidence sentences, verdicts on claims, roles of findings.
`veracity.types` re-exports them; modules below types (factcheck) import them from here."""

from __future__ import annotations

# The stance of one evidence sentence toward a claim.
SUPPORTS, REFUTES, NEUTRAL = "supports", "refutes", "neutral"
STANCE_LABELS = (SUPPORTS, REFUTES, NEUTRAL)
# The verdict on a claim: the only four answers a check gives.
SUPPORTED, REFUTED, MIXED, NOT_ENOUGH_EVIDENCE = "supported", "refuted", "mixed", "not_enough_evidence"
VERDICT_LABELS = (SUPPORTED, REFUTED, MIXED, NOT_ENOUGH_EVIDENCE)
# The role of a finding in a report, from the stance of its evidence.
SUPPORTING, REFUTING, CONTEXT = "supporting", "refuting", "context"
ROLE_OF_STANCE = {SUPPORTS: SUPPORTING, REFUTES: REFUTING, NEUTRAL: CONTEXT}
