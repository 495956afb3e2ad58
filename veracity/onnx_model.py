"""Loading of the bundled ONNX models: sha256 checked at load, one session per process.

A process loads each model once, whatever the number of threads that ask for it at once (the service's worker
threads all start their first check together): the first loads it under a lock, the others wait and get the same
session. Sharing is safe: onnxruntime's InferenceSession.run may be called from several threads at once, and a
tokenizer's encode does not change it (truncation is set here, before it is shared)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer

from .errors import ModelError

MODELS = Path(__file__).parent / "models"
TOKENIZER_PATH = MODELS / "tokenizer.json"


def fitted_model(path: Path, expect: dict[str, object]) -> dict[str, Any] | None:
    """A model fitted by a benchmarks/fit_*.py script, read from its JSON file, or None when the file is missing or
    was fitted for something else: each key of `expect` must hold that value (a list read as a tuple)."""
    if not path.exists():
        return None
    model = json.loads(path.read_text())
    for key, value in expect.items():
        found = model.get(key)
        if (tuple(found) if isinstance(found, list) else found) != value:
            return None
    return dict(model)
# all-MiniLM-L6-v2's upstream tokenizer.json (bert-base-uncased vocabulary).
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified(path: Path, expected: str) -> Path:
    if not path.exists():
        raise ModelError(f"model file {path} is missing; reinstall veracity (pip install --force-reinstall veracity)",
                         backend="onnx")
    actual = sha256_file(path)
    if actual != expected:
        raise ModelError(f"model file {path} has sha256 {actual[:12]}..., expected {expected[:12]}...; "
                         "the file is corrupt or was replaced: reinstall veracity", backend="onnx")
    return path


_LOADED: dict[tuple[object, ...], Any] = {}
_LOADING = threading.Lock()


def once(key: tuple[object, ...], load: Callable[[], Any]) -> Any:
    """The object loaded for key in this process, loading it (once, under the lock) when it is not there yet.
    functools.cache alone lets threads that ask at the same time each load their own copy."""
    with _LOADING:
        if key not in _LOADED:
            _LOADED[key] = load()
        return _LOADED[key]


def session(path: str, expected_sha256: str) -> Any:
    """The process's one onnxruntime session for a model file."""
    return once(("session", path, expected_sha256), lambda: _session(path, expected_sha256))


def _session(path: str, expected_sha256: str) -> Any:
    import onnxruntime as ort

    verified(Path(path), expected_sha256)
    options = ort.SessionOptions()
    options.intra_op_num_threads = int(os.environ.get("VERACITY_THREADS", "0")) or min(4, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    try:
        return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise ModelError(f"cannot load model {path}: {exc}", backend="onnx") from exc


def tokenizer(max_length: int, pair: bool = False) -> Tokenizer:
    tok: Tokenizer = once(("tokenizer", max_length, pair), lambda: _tokenizer(max_length, pair))
    return tok


def _tokenizer(max_length: int, pair: bool) -> Tokenizer:
    tok = Tokenizer.from_file(str(verified(TOKENIZER_PATH, TOKENIZER_SHA256)))
    tok.enable_truncation(max_length, strategy="only_first" if pair else "longest_first")
    tok.no_padding()
    return tok
