"""Memory (issue 24.10): a process loads each model once, however many worker threads ask for it at the same
moment, and the shared session gives every thread the answers it would get alone."""

from __future__ import annotations

import threading

import numpy as np

from veracity.embed import MiniLMEmbedder

THREADS = 4


def at_once(fn) -> list:
    """fn() in THREADS threads released together; their results (bounded: 120 s)."""
    barrier, got, errors = threading.Barrier(THREADS), [], []

    def run() -> None:
        barrier.wait(30)
        try:
            got.append(fn())
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors and len(got) == THREADS, errors
    return got


FRESH_PROCESS = """
import json, threading
from veracity import onnx_model
from veracity.embed import MODEL_SHA256, MiniLMEmbedder
from veracity.stance import MiniLMStance
embed_path, stance, got = MiniLMEmbedder().model_path, MiniLMStance(), []
barrier = threading.Barrier(4)
def run():
    barrier.wait(30)
    got.append((onnx_model.session(embed_path, MODEL_SHA256), onnx_model.session(stance.model_path, stance.sha256),
                onnx_model.tokenizer(256)))
threads = [threading.Thread(target=run) for _ in range(4)]
[t.start() for t in threads]
[t.join(120) for t in threads]
print(json.dumps([len({id(g[part]) for g in got}) for part in range(3)] + [len(got)]))
"""


def test_threads_asking_at_once_share_one_session_per_model():
    """A fresh process (nothing loaded yet, as a service starting its workers), four threads asking at once."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == [1, 1, 1, THREADS]  # one embedder session, one stance session, one tokenizer


def test_threads_sharing_a_session_get_what_each_would_get_alone():
    texts = [f"Chicago police record {i} went to federal agents in {2000 + i}." for i in range(24)]
    alone = MiniLMEmbedder().embed(texts)
    results = at_once(lambda: MiniLMEmbedder().embed(texts))
    assert all(np.array_equal(r, alone) for r in results)
