"""The plugin door: one hook per kind, built-ins as default plugins, plugins selected by setting."""

from __future__ import annotations

import numpy as np

from tests.conftest import EXAMPLES
from veracity.engine import Engine
from veracity.hookspecs import hookimpl
from veracity.plugins import HOOKS, manager, plugin, registry
from veracity.settings import Settings


class ConstantEmbedder:
    name, dimension, version = "constant", 384, "constant-embedder 0.1"

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 384), dtype=np.float32) / 384 ** 0.5


class ConstantPlugin:
    @hookimpl
    def register_embedders(self, register):
        register("constant", ConstantEmbedder)


def test_every_kind_has_exactly_one_hook_and_the_built_ins_answer_them():
    hooks = manager().hook
    assert set(HOOKS.values()) == {name for name in dir(hooks) if name.startswith("register_")}
    table = registry()
    assert "sqlite" in table.names("store")
    assert {"minilm"} <= set(table.names("embedder")) and {"minilm"} <= set(table.names("stance"))
    assert {"openai", "gguf"} <= set(table.names("llm"))


def test_a_check_records_the_version_of_the_embedder_that_ran(tmp_path):
    """versions() used to stamp the bundled MiniLM's hash onto any embedder."""
    with plugin(ConstantPlugin(), name="test-constant"):
        engine = Engine(Settings.load(db=tmp_path / "c.db", embedder="constant"))
        engine.ingest([EXAMPLES / "chicago-pd-will-not-assist-ice.md"])
        report = engine.check("Did Chicago cooperate with ICE?", save=False)
    assert report.versions["embedder"] == "constant-embedder 0.1"
    assert report.versions["stance"].startswith("veracity-stance-minilm")
    assert "constant" not in registry().names("embedder")
