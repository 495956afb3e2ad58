"""The CLI as a subprocess: one clear line and a non-zero exit on bad input, store untouched."""

import hashlib
import os
import subprocess
import sys

from typer.testing import CliRunner

from tests.conftest import EXAMPLES
from veracity.cli import app


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "veracity.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_question_is_one_line_and_exit_1(demo_db_copy):
    before = digest(demo_db_copy)
    result = run("check", "   ", "--db", str(demo_db_copy))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "empty" in result.stderr
    assert digest(demo_db_copy) == before


def test_missing_db_directory(tmp_path):
    result = run("ingest", str(EXAMPLES), "--db", str(tmp_path / "missing" / "x.db"))
    assert result.returncode == 1 and "does not exist" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert not (tmp_path / "missing").exists()


def test_check_without_a_store_says_to_ingest(tmp_path):
    result = run("check", "Is the sky blue?", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1 and "veracity ingest" in result.stderr


def test_bad_date_and_format(demo_db_copy):
    result = run("check", "Did Chicago cooperate with ICE?", "--db", str(demo_db_copy), "--as-of", "yesterday")
    assert result.returncode == 1 and "YYYY-MM-DD" in result.stderr
    result = run("check", "Did Chicago cooperate with ICE?", "--db", str(demo_db_copy), "-f", "pdf")
    assert result.returncode == 1 and "unknown format" in result.stderr


def test_check_history_show_and_search_through_the_env_db(demo_db_copy, tmp_path):
    env = {"VERACITY_DB": str(demo_db_copy)}
    result = run("check", "Did Chicago cooperate with ICE?", "-f", "json", "-o", str(tmp_path / "r.json"), env=env)
    assert result.returncode == 0, result.stderr
    assert '"schema_version": 1' in (tmp_path / "r.json").read_text()
    listed = run("history", env=env)
    assert listed.returncode == 0 and "Did Chicago cooperate with ICE?" in listed.stdout
    check_id = listed.stdout.split()[0]
    shown = run("show", check_id, "-f", "markdown", env=env)
    assert shown.returncode == 0 and "Found 3 sources" in shown.stdout
    found = run("search", "arrest records", "--format", "json", env=env)
    assert found.returncode == 0 and '"passage_id"' in found.stdout


def test_ingest_reports_skipped_files_and_exits_1(tmp_path):
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 nonsense")
    result = run("ingest", str(EXAMPLES), str(tmp_path / "bad.pdf"), "--db", str(tmp_path / "s.db"))
    assert result.returncode == 1
    assert "skipped:" in result.stderr and "added 3 documents" in result.stdout


def test_plugins_lists_installed_backends_and_the_selected_ones(tmp_path, monkeypatch):
    from veracity.hookspecs import hookimpl
    from veracity.plugins import plugin

    class Extra:
        @hookimpl
        def register_stance_models(self, register):
            register("extra-stance", lambda: None)

    monkeypatch.setenv("VERACITY_STANCE", "extra-stance")
    monkeypatch.setenv("VERACITY_SEARCH_PROVIDER", "searxng,duckduckgo")
    with plugin(Extra(), name="test-extra"):
        result = CliRunner().invoke(app, ["plugins"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.strip().splitlines())
    assert lines["stance"] == "extra-stance (selected) [test-extra], minilm [veracity.default_plugins]"
    assert lines["store"] == "postgres [veracity.default_plugins], sqlite (selected) [veracity.default_plugins]"
    assert lines["llm"] == "gguf [veracity.default_plugins], openai [veracity.default_plugins]"  # extractive: none
    assert "duckduckgo (selected)" in lines["search"] and "searxng (selected)" in lines["search"]
    assert "brave (selected)" not in lines["search"]
