"""Content hashes for exact duplicates; MinHash signatures and their band keys for near-duplicates
(independence groups). Shared by ingest (which makes signatures) and every store (which indexes them)."""

from __future__ import annotations

import hashlib
import re

import numpy as np

PERMUTATIONS = 64
BANDS = 16  # MinHash bands of 4 rows: a pair at Jaccard 0.5 / 0.6 / 0.8 becomes a candidate with p 0.64 / 0.89 / 1.0
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
    signature: np.ndarray = values.min(axis=0).astype(np.uint64)
    return signature


def similarity(sig: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of one signature against a matrix of signatures."""
    if len(others) == 0:
        return np.zeros(0)
    shared: np.ndarray = (others == sig[None, :]).mean(axis=1)
    return shared


def band_keys(signature: np.ndarray) -> list[int]:
    """One signed 64-bit key per MinHash band (the band's number and its rows, hashed)."""
    rows = len(signature) // BANDS
    data = signature.astype(np.uint64)
    return [int.from_bytes(hashlib.blake2b(bytes([b]) + data[b * rows:(b + 1) * rows].tobytes(), digest_size=8).digest(),
                           "little", signed=True) for b in range(BANDS)]
