"""Settings: parsed by declared type, with errors that name where a bad value came from."""

from __future__ import annotations

import dataclasses

import pytest

from veracity.errors import ConfigError
from veracity.settings import Settings, parse


def test_environment_overrides_the_file_and_explicit_values_override_both(monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("max_evidence = 3\nmmr_lambda = 0.5\n")
    monkeypatch.setenv("VERACITY_CONFIG", str(config))
    assert (Settings.load().max_evidence, Settings.load().mmr_lambda) == (3, 0.5)
    monkeypatch.setenv("VERACITY_MAX_EVIDENCE", "5")
    monkeypatch.setenv("VERACITY_DB", str(tmp_path / "env.db"))
    assert Settings.load().max_evidence == 5
    assert Settings.load(max_evidence=7).max_evidence == 7
    assert Settings.load().db == str(tmp_path / "env.db")


@pytest.mark.parametrize(("where", "match"), [
    ("file", r"config file .*config.toml, key 'max_evidence': 'many' is not valid for max_evidence .*whole number"),
    ("env", r"environment variable VERACITY_MAX_EVIDENCE: 'many' is not valid for max_evidence"),
    ("flag", r"--max-evidence: 'many' is not valid for max_evidence"),
])
def test_a_bad_value_is_blamed_on_its_real_source(where, match, monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('max_evidence = "many"\n' if where == "file" else "")
    monkeypatch.setenv("VERACITY_CONFIG", str(config))
    if where == "env":
        monkeypatch.setenv("VERACITY_MAX_EVIDENCE", "many")
    with pytest.raises(ConfigError, match=match):
        Settings.load(**({"max_evidence": "many"} if where == "flag" else {}))


def test_values_are_parsed_by_declared_type():
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    assert parse(fields["max_evidence"], "12", source="test") == 12
    assert parse(fields["relevance_threshold"], "0.4", source="test") == 0.4
    assert parse(fields["llm_model"], "12", source="test") == "12"  # a string stays a string
    with pytest.raises(ConfigError, match="whole number"):
        parse(fields["max_evidence"], 1.5, source="test")  # a TOML float is not silently truncated
    with pytest.raises(ConfigError, match="whole number"):
        parse(fields["max_evidence"], True, source="test")


def test_unknown_settings_are_refused_with_the_known_names(monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('lmm = "typo"\n')
    monkeypatch.setenv("VERACITY_CONFIG", str(config))
    with pytest.raises(ConfigError, match="unknown setting 'lmm'; known: db, store"):
        Settings.load()


def test_the_store_backend_follows_the_db(tmp_path):
    assert Settings.load(db=tmp_path / "a.db").store == "sqlite"
    assert Settings.load(db="postgresql://user@localhost/veracity").store == "postgres"
    assert Settings.load(db="postgresql://user@localhost/veracity").db == "postgresql://user@localhost/veracity"
    assert Settings.load(db=tmp_path / "a.db", store="other").store == "other"
