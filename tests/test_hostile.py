"""Hostile and damaged input, fed through ingest, check and every renderer (issue 13)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import EXAMPLES
from veracity.engine import Engine
from veracity.errors import StoreError
import veracity.ingest as ingest_module
from veracity.ingest import extract
from veracity.ingest.chunk import chunk
from veracity.render import render
from veracity.render.terminal import print_report
from veracity.settings import Settings
from veracity.text import clean_text

ESCAPES = "\x1b[2J\x1b]0;PWNED-TITLE\x07"
HTML = '<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))'
HOSTILE = (f"The Wobble clock tower chimes {ESCAPES} hourly in the town square.\n"
           f"The Wobble clock tower was built in 1887 by the town council {HTML} and repaired in 1990.\n")


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "veracity.cli", *args], capture_output=True, text=True,
                          timeout=180, cwd=cwd, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})


def one_line(text: str) -> bool:
    return text.strip().count("\n") == 0


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Engine:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "a.txt").write_text(HOSTILE, encoding="utf-8")
    engine = Engine(Settings.load(db=folder / "h.db"))
    summary = engine.ingest([folder / "a.txt"])
    assert summary.added == 1
    return engine


def rendered(report) -> dict[str, str]:
    out = {fmt: render(report, fmt) for fmt in ("markdown", "json", "html")}
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, force_terminal=True, width=120))
    out["terminal"] = buffer.getvalue()
    return out


def test_control_characters_are_stripped_at_ingest_and_offsets_point_into_the_stored_text(hostile):
    doc = hostile.store.documents([1])[1]
    assert "\x1b" not in doc.text and "\x07" not in doc.text
    assert doc.text == clean_text(HOSTILE)
    report = hostile.check("Does the Wobble clock tower chime?", save=False)
    quotes = [e for f in report.findings for s in f.sentences for e in s.evidence]
    assert quotes, report.summary.text
    for e in quotes:
        assert doc.text[e.start:e.end] == e.quote


def test_no_renderer_passes_escape_codes_or_raw_html_from_a_source(hostile):
    report = hostile.check("Does the Wobble clock tower chime?", save=False)
    # as if read from an older store, or typed by the user: every text field holds the hostile strings
    nasty = f"Wobble {ESCAPES} {HTML}"
    finding = report.findings[0]
    sentence = replace(finding.sentences[0], text=nasty + " " + finding.sentences[0].text)
    report = replace(report, question=nasty, queries=(nasty,), summary=replace(report.summary, text=nasty),
                     findings=(replace(finding, heading=nasty, sentences=(sentence,)),) + report.findings[1:],
                     sources=tuple(replace(s, title=nasty, publisher=nasty, location=nasty) for s in report.sources),
                     follow_up_questions=(nasty,))
    out = rendered(report)
    for fmt, text in out.items():
        assert "\x1b[2J" not in text and "\x1b]0;" not in text and "\x07" not in text, fmt
    assert "<script" not in out["html"] and "<img" not in out["html"] and "&lt;script&gt;" in out["html"]
    # Markdown: every "<", "[" and "]" from a source is backslash-escaped, so no tag and no link is made
    assert not re.search(r"(?<!\\)<(script|img)", out["markdown"]) and "\\<script" in out["markdown"]
    assert not re.search(r"(?<!\\)\]\(javascript", out["markdown"])
    assert json.loads(out["json"])["question"] == nasty  # JSON keeps the data, escaped by json itself
    assert "Wobble" in out["terminal"]  # the text is shown, only the codes (and the title they set) are gone


def test_c1_controls_are_escaped_in_json(hostile):
    report = hostile.check("Does the Wobble clock tower chime?", save=False)
    report = replace(report, question="a\x9b31mb\x85 \u2028")
    out = render(report, "json")
    assert "\x9b" not in out and "\x85" not in out and json.loads(out)["question"] == "a\x9b31mb\x85 \u2028"


def test_the_cli_check_does_not_emit_the_escape_codes(hostile):
    result = cli("check", "Does the Wobble clock tower chime?", "--db", hostile.settings.db)
    assert result.returncode == 0, result.stderr
    assert "\x1b]0;" not in result.stdout and "\x1b[2J" not in result.stdout and "Wobble" in result.stdout
    search = cli("search", "Wobble", "--db", hostile.settings.db)
    assert "\x1b" not in search.stdout and "Wobble" in search.stdout


@pytest.fixture()
def corrupted(demo_db_copy) -> Path:
    with open(demo_db_copy, "r+b") as f:  # the reproduction: a run of 0xff over one page
        f.seek(200000)
        f.write(b"\xff" * 8192)
    return demo_db_copy


def test_a_damaged_store_is_one_line_for_check_and_search(corrupted):
    for args in (("check", "Did Chicago cooperate with ICE?"), ("search", "Sun-Times police")):
        result = cli(*args, "--db", str(corrupted))
        assert result.returncode == 1, result.stdout
        assert one_line(result.stderr) and "damaged" in result.stderr and str(corrupted) in result.stderr
        assert ".recover" in result.stderr and "Traceback" not in result.stderr


def test_ingest_never_writes_into_a_damaged_store(corrupted, tmp_path):
    new = tmp_path / "new.txt"
    new.write_text("A new article about the harbour bridge, which reopened on Monday after repairs.")
    before = corrupted.read_bytes()
    result = cli("ingest", str(new), "--db", str(corrupted))
    assert result.returncode == 1 and one_line(result.stderr) and "damaged" in result.stderr
    assert "added" not in result.stdout
    assert corrupted.read_bytes() == before


def test_a_store_of_the_wrong_length_is_caught_before_writing(demo_db_copy, tmp_path):
    (tmp_path / "n.txt").write_text("Another article about the harbour bridge reopening on Monday after repairs.")
    with open(demo_db_copy, "ab") as f:  # a page appended by something other than SQLite
        f.write(b"\xff" * 4096)
    engine = Engine(Settings.load(db=demo_db_copy))
    problem, whole = engine.store.integrity()
    assert problem and "pages" in problem and whole
    before = demo_db_copy.read_bytes()
    with pytest.raises(StoreError, match="damaged"):
        engine.ingest([tmp_path / "n.txt"])
    data = demo_db_copy.read_bytes()
    assert data == before
    demo_db_copy.write_bytes(data[:len(data) - 3 * 4096])  # truncated
    with pytest.raises(StoreError, match="damaged"):
        Engine(Settings.load(db=demo_db_copy)).ingest([tmp_path / "n.txt"])


def test_integrity_is_bounded_in_time(demo_engine, demo_db_copy):
    assert demo_engine.store.integrity() == (None, True)  # a small store is checked whole
    import sqlite3
    import time

    db = sqlite3.connect(demo_db_copy)  # make the store large enough that a full check takes a while
    db.execute("CREATE TABLE ballast (b BLOB)")
    db.execute("CREATE INDEX ballast_b ON ballast(b)")
    db.executemany("INSERT INTO ballast VALUES (randomblob(1500))", [()] * 15_000)
    db.commit()
    db.close()
    store = Engine(Settings.load(db=demo_db_copy)).store
    started = time.perf_counter()
    problem, whole = store.integrity(budget_s=0.01)
    assert time.perf_counter() - started < 2.0  # 0.01 s asked; slack for a loaded machine
    assert problem is None and not whole  # stopped: nothing found, and it says the check was partial
    assert store.integrity(budget_s=60) == (None, True)


def test_bad_jsonl_lines_are_skipped_with_their_numbers_and_good_ones_kept(tmp_path):
    rows = [json.dumps({"text": "The river bridge reopened on Monday after two years of repairs.", "title": "A"}),
            "{not json",
            json.dumps(["a list", "not an object"]),
            json.dumps({"text": "The library opened a new wing for children on Saturday morning.", "title": "B",
                        "published": "last Tuesday"}),
            "",
            json.dumps({"title": "no text"})]
    (tmp_path / "rows.jsonl").write_text("\n".join(rows) + "\n")
    engine = Engine(Settings.load(db=tmp_path / "s.db"))
    summary = engine.ingest([tmp_path / "rows.jsonl"])
    assert summary.added == 2
    assert [where for where, _ in summary.skipped] == [f"{tmp_path / 'rows.jsonl'}:{n}" for n in (2, 3, 6)]
    assert "JSON" in summary.skipped[0][1] and "'text'" in summary.skipped[1][1]
    assert len(summary.warnings) == 1 and ":4:" in summary.warnings[0] and "last Tuesday" in summary.warnings[0]
    titles = {d.title: d for d in engine.store.documents([1, 2]).values()}
    assert titles["B"].published is None


def test_a_large_text_file_streams_in_parts_with_progress(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, "PART_CHARS", 4000)
    monkeypatch.setattr(extract, "READ_BYTES", 1000)
    monkeypatch.setattr(ingest_module, "BATCH_SENTENCES", 40)
    paragraphs = [f"Paragraph {i} says that reservoir number {i} held {i * 37} megalitres in the dry season."
                  for i in range(150)]
    path = tmp_path / "big.txt"
    path.write_text("\n\n".join(paragraphs) + "\n")
    seen: list[int] = []
    engine = Engine(Settings.load(db=tmp_path / "s.db"))
    summary = engine.ingest([path], progress=lambda _path, done, _total: seen.append(done))
    assert summary.added >= 3 and not summary.skipped
    docs = engine.store.documents(list(range(1, summary.added + 1))).values()
    assert all(len(d.text) <= 4000 for d in docs)
    assert {d.title for d in docs} == {f"Paragraph 0 says that reservoir number 0 held 0 megalitres in the dry "
                                       f"season., part {n}" for n in range(1, summary.added + 1)}
    stored = "".join(d.text for d in sorted(docs, key=lambda d: d.id))
    assert all(p in stored for p in paragraphs)  # cut only between paragraphs
    assert seen == sorted(seen) and len(set(seen)) >= 3 and seen[-1] == path.stat().st_size


def test_a_huge_line_without_newlines_gives_bounded_passages():
    line = " ".join(f"word{i % 97}" for i in range(330_000))  # 2.2 MB, no newline, no full stop
    assert len(line) > 2_000_000
    chunks = chunk(line, 420)
    assert max(c.end - c.start for c in chunks) <= 1000
    assert chunks[0].start == 0 and chunks[-1].end == len(line)


def test_a_huge_line_is_read_in_parts(tmp_path):
    path = tmp_path / "line.txt"
    path.write_text("x" * 250 + " " + "word " * 90_000)  # one line, 450 kB
    parts = [item for item in extract.read_file(path, 10**9) if isinstance(item, extract.RawDocument)]
    assert len(parts) == 3 and max(len(p.text) for p in parts) <= extract.PART_CHARS


def test_documents_already_stored_by_another_process_count_as_present(demo_engine, tmp_path):
    from veracity.ingest import prepare
    from veracity.ingest.extract import RawDocument

    shutil.copy(demo_engine.settings.db, tmp_path / "s.db")
    first = Engine(Settings.load(db=tmp_path / "s.db"))
    second = Engine(Settings.load(db=tmp_path / "s.db"))  # its own connection, as another process has
    raws = [RawDocument(title="t", location="doc", text="The harbour bridge reopened on Monday after repairs.")]
    docs = prepare(raws, first.embedder, 420)
    assert not second.store.has_document(docs[0].content_hash)  # both looked before either wrote
    assert first.store.add_documents(docs, 0.5)[0] is not None
    assert second.store.add_documents(docs, 0.5) == [None]
    assert second.store.counts()["documents"] == 4


def test_two_processes_ingesting_the_same_files_at_once(tmp_path):
    db = str(tmp_path / "s.db")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    runs = [subprocess.Popen([sys.executable, "-m", "veracity.cli", "ingest", str(EXAMPLES), "--db", db],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    for p in runs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0 and "UNIQUE" not in err, err
    assert Engine(Settings.load(db=db)).store.counts()["documents"] == 3


def test_a_folder_of_unsupported_files_names_them_and_exits_1(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("table.csv", "letter.docx", "guide.rst"):
        (folder / name).write_text("some content")
    result = cli("ingest", str(folder), "--db", str(tmp_path / "s.db"))
    assert result.returncode == 1
    for name in (".csv", ".docx", ".rst", "table.csv", "unsupported", "nothing to ingest"):
        assert name in result.stderr


def test_unsupported_files_beside_good_ones_are_named_but_not_an_error(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(EXAMPLES / "chicago-pd-will-not-assist-ice.md", folder)
    (folder / "table.csv").write_text("a,b\n1,2\n")
    result = cli("ingest", str(folder), "--db", str(tmp_path / "s.db"))
    assert result.returncode == 0 and "table.csv" in result.stderr and "added 1 document" in result.stdout
