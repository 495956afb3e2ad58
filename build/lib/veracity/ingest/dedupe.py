"""Content hashes for exact duplicates; MinHash signatures for near-duplicates (independence groups)."""

from __future__ import annotations

import hashlib
import re

import numpy as np

PERMUTATIONS = 64
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20250101)
_A = _rng.integers(1, (1 << 61) - 1, PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, (1 << 61) - 1, PERMUTATIONS, dtype=np.uint64)


def content_hash(text: str) -> str:
    normal = re.sub(r"\s+", " ", text).strip().lower()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def signature(text: str, shingle: int = 5) -> np.ndarray:
    tokens = re.findall(r"\w+", text.lower())
    grams = {" ".join(tokens[i:i + shingle]) for i in range(max(1, len(tokens) - shingle + 1))}
    hashes = np.array([int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") >> 3
                       for g in grams], dtype=np.uint64)
    with np.errstate(over="ignore"):
        values = (hashes[:, None] * _A[None, :] + _B[None, :]) % _PRIME
    return values.min(axis=0).astype(np.uint64)


def similarity(sig: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of one signature against a matrix of signatures."""
    if len(others) == 0:
        return np.zeros(0)
    return (others == sig[None, :]).mean(axis=1)
