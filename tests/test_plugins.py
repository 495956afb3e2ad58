"""The plugin door: one hook per kind, built-ins as default plugins, plugins selected by setting."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pytest

from tests.conftest import EXAMPLES
from veracity.engine import Engine
from veracity.hookspecs import hookimpl
from veracity.plugins import HOOKS, manager, plugin, registry
from veracity.settings import Settings, describe


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
    assert set(HOOKS.values()) | {"register_settings"} == {name for name in dir(hooks) if name.startswith("register_")}
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


@dataclass(frozen=True)
class ConstantSettings:
    constant_scale: float = field(default=1.0, metadata={"help": "constant embedder: the scale of its vectors"})


class ConstantWithSettings:
    @hookimpl
    def register_settings(self, register):
        register("constant", ConstantSettings)


def test_a_plugin_declares_its_own_settings_and_reads_them_typed(monkeypatch, tmp_path):
    monkeypatch.setenv("VERACITY_CONFIG", str(tmp_path / "none.toml"))
    with pytest.raises(TypeError, match="no setting 'constant_scale'"):
        Settings(constant_scale=2.0)
    with plugin(ConstantWithSettings(), name="test-constant-settings"):
        assert Settings().section(ConstantSettings).constant_scale == 1.0  # the plugin's default
        assert Settings(constant_scale=2.0).section(ConstantSettings).constant_scale == 2.0
        monkeypatch.setenv("VERACITY_CONSTANT_SCALE", "3.5")  # parsed by the type the plugin declared
        assert Settings.load().section(ConstantSettings).constant_scale == 3.5
        assert Settings.load(constant_scale="4").section(ConstantSettings).constant_scale == 4.0
        changed = replace(Settings(constant_scale=2.0), max_evidence=3)  # replace keeps a plugin's values
        assert (changed.max_evidence, changed.section(ConstantSettings).constant_scale) == (3, 2.0)
        assert ("constant_scale", "VERACITY_CONSTANT_SCALE", "constant embedder: the scale of its vectors") in describe()
    assert "constant_scale" not in {name for name, _, _ in describe()}


def test_backend_settings_are_declared_by_their_plugins_not_in_the_core():
    from dataclasses import fields

    from veracity.sources.provider_settings import BraveSettings, SearxngSettings
    from veracity.store.postgres_settings import PostgresSettings

    own = {f.name for f in fields(Settings)}
    assert not {"pg_replica", "pg_ef_search", "searxng_url", "brave_api_key"} & own
    assert {"pg_replica", "searxng_url", "brave_api_key"} <= {name for name, _, _ in describe()}
    settings = Settings(pg_ef_search=123, searxng_url="http://127.0.0.1:8888")
    assert settings.section(PostgresSettings) == PostgresSettings(pg_ef_search=123)
    assert settings.section(SearxngSettings).searxng_url == "http://127.0.0.1:8888"
    assert settings.section(BraveSettings).brave_url.startswith("https://api.search.brave.com/")


def test_the_engine_hands_out_each_store_capability_typed(tmp_path):
    engine = Engine(Settings.load(db=tmp_path / "caps.db"))
    assert engine.web_archive.web_run("nope") is None
    assert engine.reviews.claim_reviews() == []
    assert engine.jobs.counts()["queued"] == 0
    assert engine.read_only is False
    engine.close()
