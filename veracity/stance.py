"""Claim/evidence stance: supports, refutes or neutral, from the cross-encoder trained in training/."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from . import onnx_model
from .embed import batches_by_length
from .types import STANCE_LABELS, Stance

MODEL_PATH = onnx_model.MODELS / "stance-int8.onnx"
MODEL_SHA256 = "127ced96a7ea5aef04f0fab1593fe3bb3831cbf41fdcda3521f8fd64da0e33e8"


class StanceModel(Protocol):
    name: str
    version: str  # name and model hash, recorded with every check

    def score(self, claim: str, evidence: list[str]) -> list[Stance]:
        """One Stance per evidence text, toward the claim."""


def clipped(claim: str, max_tokens: int) -> str:
    """The claim cut to its first max_tokens tokens (with the special ones). The pair's truncation shortens the
    evidence only, and fails when the claim alone fills the model's length."""
    encoding = onnx_model.tokenizer(max_tokens).encode(claim)
    if not encoding.overflowing:
        return claim
    return claim[:max(end for _, end in encoding.offsets)]


class MiniLMStance:
    name = "veracity-stance-minilm-int8-v2"

    def __init__(self, max_length: int = 128, *, model_path: str | None = None, sha256: str | None = None) -> None:
        """model_path and its sha256 name another trained stance model (a candidate being evaluated);
        by default the one that ships."""
        if model_path and not sha256:
            raise ValueError("a candidate stance model needs its sha256 (it is checked at load)")
        self.max_length = max_length
        self.model_path = str(model_path or MODEL_PATH)
        self.sha256: str = sha256 if model_path and sha256 else MODEL_SHA256
        self.version = f"{self.name} sha256:{self.sha256[:16]}"

    def probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Softmax scores (rows: pairs of (claim, evidence); columns: STANCE_LABELS).

        Each pair runs on its own. The model is dynamically quantized: every activation is scaled by the
        range of the whole input tensor, so in a padded batch a pair's scores would depend on the other pairs
        and on the padding. Alone, a pair gets the same scores in any company, and no padding is computed
        (as fast as batches of 16 on this CPU: benchmarks/results/stance_batch.json)."""
        out = np.zeros((len(pairs), len(STANCE_LABELS)), dtype=np.float32)
        if not pairs:
            return out
        sess = onnx_model.session(self.model_path, self.sha256)
        tok = onnx_model.tokenizer(self.max_length, pair=True)
        room = self.max_length * 3 // 4  # the evidence is truncated to fit; a claim longer than this is cut
        claims = {claim: clipped(claim, room) for claim in {c for c, _ in pairs}}
        encodings = tok.encode_batch([(evidence, claims[claim]) for claim, evidence in pairs])
        for rows, feed in batches_by_length(encodings, 1):
            logits = sess.run(None, feed)[0]
            logits = logits - logits.max(axis=1, keepdims=True)
            probs = np.exp(logits)
            out[rows] = probs / probs.sum(axis=1, keepdims=True)
        return out

    def score(self, claim: str, evidence: list[str]) -> list[Stance]:
        probs = self.probabilities([(claim, e) for e in evidence])
        return [Stance(label=STANCE_LABELS[int(p.argmax())],
                       scores={label: round(float(v), 4) for label, v in zip(STANCE_LABELS, p)})
                for p in probs]
