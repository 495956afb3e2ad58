from veracity.settings import Settings, describe


def test_every_setting_is_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for _name, env, help_text in describe():
        assert help_text
        assert env in readme, f"{env} is not documented in the README"


def test_environment_overrides_defaults_and_explicit_overrides_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VERACITY_MAX_EVIDENCE", "5")
    monkeypatch.setenv("VERACITY_DB", str(tmp_path / "env.db"))
    assert Settings.load().max_evidence == 5
    assert Settings.load(max_evidence=7).max_evidence == 7
    assert str(Settings.load().db) == str(tmp_path / "env.db")
