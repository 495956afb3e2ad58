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


def test_db_copy_from_a_missing_store_creates_no_target(tmp_path):
    result = run("db", "copy", "--from", str(tmp_path / "none.db"), "--to", str(tmp_path / "new.db"))
    assert result.returncode == 1 and "no such store file" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert not (tmp_path / "new.db").exists()


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


# -- issue 24, items 15 to 22: the CLI and the store ------------------------------------------------------------
def checks_in(path):
    import sqlite3

    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count(*) FROM checks").fetchone()[0]
    finally:
        db.close()


def test_an_unrelated_sqlite_database_is_refused_and_left_untouched(tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE contacts (id INTEGER)")
    db.commit()
    db.close()
    before = digest(other)
    for args in (("check", "Did Chicago cooperate with ICE?"), ("ingest", str(EXAMPLES)), ("db", "migrate")):
        result = run(*args, "--db", str(other))
        assert result.returncode == 1, (args, result.stdout)
        assert result.stderr.strip().count("\n") == 0 and "not a veracity store" in result.stderr
        assert "contacts" in result.stderr and "Traceback" not in result.stderr
        assert digest(other) == before
    db = sqlite3.connect(other)
    assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["contacts"]
    db.close()


def test_a_file_that_is_not_sqlite_is_not_a_store_rather_than_damaged(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping: eggs, milk\n" * 50)
    before = digest(notes)
    for args in (("check", "Did Chicago cooperate with ICE?"), ("search", "eggs"), ("db", "migrate")):
        result = run(*args, "--db", str(notes))
        assert result.returncode == 1, (args, result.stdout)
        assert result.stderr.strip().count("\n") == 0 and "not a veracity store" in result.stderr
        assert "damaged" not in result.stderr and ".recover" not in result.stderr
    assert digest(notes) == before


def test_a_read_only_store_checks_without_saving_and_says_so(demo_db_copy):
    demo_db_copy.chmod(0o444)
    before = digest(demo_db_copy)
    result = run("check", "Did Chicago cooperate with ICE?", "--db", str(demo_db_copy), "-f", "json")
    assert result.returncode == 0, result.stderr
    assert '"schema_version": 1' in result.stdout
    assert result.stderr.strip().count("\n") == 0 and "read-only" in result.stderr and "not saved" in result.stderr
    assert digest(demo_db_copy) == before


def test_version():
    from veracity import __version__

    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"veracity {__version__}"


def test_an_empty_search_is_worded_for_search(demo_db_copy):
    result = run("search", "  ", "--db", str(demo_db_copy))
    assert result.returncode == 1 and result.stderr.strip().count("\n") == 0
    assert "search text is empty" in result.stderr and "veracity search" in result.stderr
    assert "question" not in result.stderr and "veracity check" not in result.stderr


def test_show_with_an_empty_id_asks_for_an_id_not_ambiguous(demo_db_copy):
    from veracity.store.base import CheckRecord
    from veracity.store.sqlite import SqliteStore

    store = SqliteStore(demo_db_copy)
    for check_id in ("aaaa11112222", "bbbb33334444"):
        store.save_check(CheckRecord(id=check_id, question="q", created_at="2026-01-01T00:00:00+00:00",
                                     verdict=None, report_json="{}"))
    store.close()
    for given in ("", " "):
        result = run("show", given, "--db", str(demo_db_copy))
        assert result.returncode == 1 and result.stderr.strip().count("\n") == 0
        assert "ambiguous" not in result.stderr and "give a check id" in result.stderr


def test_search_scores_read_the_same_in_every_mode(demo_engine):
    # "chicago police": lexical and dense rank different passages first; "xylophone": no passage has the word,
    # so only the dense run answers (hybrid printed 0.5000 at best for both)
    for query in ("arrest records", "chicago police", "Chicago police ICE", "xylophone"):
        for mode in ("hybrid", "lexical", "dense"):
            for limit in (3, 10):
                hits = demo_engine.search(query, limit=limit, mode=mode)
                if not hits:
                    assert mode == "lexical" and query == "xylophone"
                    continue
                assert hits[0].score == 1.0, (query, mode, limit)  # the best passage of the search, in every mode
                assert all(0.0 <= h.score <= 1.0 for h in hits)
                assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_failed_output_write_saves_nothing(demo_db_copy, tmp_path):
    before = checks_in(demo_db_copy)
    result = run("check", "Did Chicago cooperate with ICE?", "--db", str(demo_db_copy),
                 "-o", str(tmp_path / "missing" / "r.md"))
    assert checks_in(demo_db_copy) == before
    assert result.returncode == 1 and result.stderr.strip().count("\n") == 0
    assert "cannot write" in result.stderr and "nothing was written or saved" in result.stderr
    written = run("check", "Did Chicago cooperate with ICE?", "--db", str(demo_db_copy), "-o", str(tmp_path / "r.md"))
    assert written.returncode == 0 and (tmp_path / "r.md").exists()
    assert checks_in(demo_db_copy) == before + 1
