import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from veracity.engine import Engine
from veracity.errors import InputError, StoreError
from veracity.ingest.chunk import chunk
from veracity.dedupe import signature, similarity
from veracity.settings import Settings
from veracity.text import clean_text, sentence_spans


def test_boilerplate_is_removed_and_kept_lines_are_exact():
    raw = (EXAMPLES / "visaverge-chicago-sanctuary-memo.md").read_text()
    text = clean_text(raw)
    for gone in ("Read more:", "Rise in ICE agent impersonations", "Sanctuary City → A city", "— By VisaVerge.com",
                 "Learn Today"):
        assert gone not in text
    for line in text.splitlines():
        assert line in raw  # nothing rewritten, only dropped


def test_passages_are_whole_sentences_with_exact_offsets():
    text = clean_text((EXAMPLES / "sun-times-cpd-records-to-feds.md").read_text())
    chunks = chunk(text, 420)
    assert len(chunks) > 10
    for c in chunks:
        assert c.sentences[0].start == c.start and c.sentences[-1].end == c.end
        for s in c.sentences:
            assert text[s.start:s.end].strip() == text[s.start:s.end]


def test_sentences_do_not_end_at_abbreviations_initials_or_decimals():
    text = ("Dr. Smith met the U.S. envoy on Nov. 3, 2020, at 5 p.m. in Washington. The rate was 3.5% (p < 0.05).\n"
            "E. coli grew “fast”… then slowed! Was it 2.5 times? Yes")
    sentences = [text[s.start:s.end] for s in sentence_spans(text)]
    assert sentences == ["Dr. Smith met the U.S. envoy on Nov. 3, 2020, at 5 p.m. in Washington.",
                         "The rate was 3.5% (p < 0.05).", "E. coli grew “fast”… then slowed!", "Was it 2.5 times?",
                         "Yes"]


def test_near_duplicates_share_a_signature_neighbourhood():
    text = (EXAMPLES / "chicago-pd-will-not-assist-ice.md").read_text()
    copy = "SYNDICATED FROM THE WIRE\n" + text + "\nShare this story."
    other = (EXAMPLES / "sun-times-cpd-records-to-feds.md").read_text()
    assert similarity(signature(text), signature(copy)[None, :])[0] > 0.8
    assert similarity(signature(text), signature(other)[None, :])[0] < 0.2


def test_reingest_adds_nothing_and_a_syndicated_copy_joins_the_group(tmp_path):
    engine = Engine(Settings.load(db=tmp_path / "s.db"))
    first = engine.ingest([EXAMPLES / "chicago-pd-will-not-assist-ice.md"])
    again = engine.ingest([EXAMPLES / "chicago-pd-will-not-assist-ice.md"])
    assert (first.added, again.added, again.duplicates) == (1, 0, 1)
    copy = tmp_path / "copy.txt"
    copy.write_text("Reposted by Example Wire\n" + (EXAMPLES / "chicago-pd-will-not-assist-ice.md").read_text())
    assert engine.ingest([copy]).added == 1
    counts = engine.store.counts()
    assert counts == {"documents": 2, "groups": 1, "passages": counts["passages"], "checks": 0}


def test_jsonl_html_and_metadata(tmp_path):
    (tmp_path / "docs.jsonl").write_text(json.dumps({
        "text": "The council voted on Tuesday to fund the new library. The vote was 30 to 5.",
        "title": "Library vote", "url": "https://example.org/library", "published": "2025-03-04T10:00:00Z"}) + "\n")
    (tmp_path / "page.html").write_text(
        "<html><head><title>Bridge reopens</title></head><body><nav>Home | News | Sport</nav><article><h1>Bridge "
        "reopens</h1><p>The old river bridge reopened on Monday after two years of repairs costing 12 million "
        "dollars, the transport department said in a statement.</p><p>Traffic returned to normal by the evening "
        "rush hour, according to city officials who monitored the crossing.</p></article><footer>Subscribe to our "
        "newsletter</footer></body></html>")
    engine = Engine(Settings.load(db=tmp_path / "s.db"))
    summary = engine.ingest([tmp_path])
    assert summary.added == 2 and not summary.skipped
    docs = engine.store.documents([1, 2])
    by_title = {d.title: d for d in docs.values()}
    assert by_title["Library vote"].published == "2025-03-04"
    assert by_title["Library vote"].location == "https://example.org/library"
    html = next(d for d in docs.values() if "bridge" in d.title.lower())
    assert "Home | News" not in html.text and "Subscribe" not in html.text and "reopened on Monday" in html.text


def bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "binary": ("blob.txt", b"\x00\x01\x02\x03" * 100),
        "empty": ("empty.md", b"   \n"),
        "undecodable": ("latin.txt", "Caf\xe9 cr\xe8me br\xfbl\xe9e is served daily.".encode("latin-1")),
        "malformed html": ("broken.html", b"just words, no markup at all"),
        "malformed pdf": ("broken.pdf", b"%PDF-1.4\n garbage that is not a pdf"),
        "over size": ("huge.txt", b"word " * 3000),
        "bad jsonl": ("rows.jsonl", b'{"text": "fine line of text here"}\n{not json}\n'),
    }
    out = {}
    for kind, (name, data) in files.items():
        (tmp_path / name).write_bytes(data)
        out[kind] = tmp_path / name
    return out


def test_each_kind_of_bad_file_is_skipped_with_one_line(tmp_path):
    (tmp_path / "in").mkdir()
    files = bad_files(tmp_path / "in")
    engine = Engine(Settings.load(db=tmp_path / "s.db", max_file_bytes=10_000))
    summary = engine.ingest(list(files.values()) + [tmp_path / "does-not-exist.txt"])
    assert summary.added == 1  # the good line of the .jsonl file; its bad line is skipped on its own
    reasons = {k.replace(".jsonl:2", ".jsonl"): v for k, v in summary.skipped}
    assert len(reasons) == len(files) + 1
    for reason in reasons.values():
        assert "\n" not in reason and len(reason) < 300
    assert "binary" in reasons[str(files["binary"])]
    assert "empty" in reasons[str(files["empty"])]
    assert "UTF-8" in reasons[str(files["undecodable"])]
    assert "HTML" in reasons[str(files["malformed html"])]
    assert "PDF" in reasons[str(files["malformed pdf"])]
    assert "limit" in reasons[str(files["over size"])]
    assert "JSON" in reasons[str(files["bad jsonl"])]
    assert engine.store.counts()["documents"] == 1


def test_a_missing_store_directory_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        Engine(Settings.load(db=tmp_path / "nowhere" / "s.db"))


def test_a_read_only_store_refuses_writes_and_stays_untouched(demo_db_copy, tmp_path):
    new = tmp_path / "new.txt"
    new.write_text("A brand new article about bridges and rivers that the store has never seen before.")
    before = demo_db_copy.read_bytes()
    demo_db_copy.chmod(0o444)
    try:
        engine = Engine(Settings.load(db=demo_db_copy))
        with pytest.raises(StoreError, match="read-only"):
            engine.ingest([new])
    finally:
        demo_db_copy.chmod(0o644)
    assert demo_db_copy.read_bytes() == before


def test_a_failing_batch_writes_nothing_and_a_rerun_adds_it(tmp_path):
    from veracity.ingest import prepare
    from veracity.ingest.extract import RawDocument

    engine = Engine(Settings.load(db=tmp_path / "batch.db"))
    raws = [RawDocument(title=f"t{i}", location=f"doc{i}", text=f"Document number {i} says that the river flooded.")
            for i in range(3)]
    docs = prepare(raws, engine.embedder, engine.settings.passage_chars)
    from dataclasses import replace

    broken = replace(docs[0], content_hash="another", title=None)  # NOT NULL fails on the last insert
    with pytest.raises(StoreError):
        engine.store.add_documents(docs + [broken], engine.settings.near_duplicate_jaccard)
    assert engine.store.counts()["documents"] == 0 and engine.store.counts()["passages"] == 0
    engine.store.add_documents(docs, engine.settings.near_duplicate_jaccard)
    assert engine.store.counts()["documents"] == 3
    assert sorted(h.document.location for h in engine.search("river flooded", mode="lexical")) == ["doc0", "doc1", "doc2"]


def test_title_words_find_every_passage_of_a_document(tmp_path):
    """The full-text index holds each passage with its document's title."""
    doc = tmp_path / "d.jsonl"
    body = " ".join(f"Sentence number {i} talks about rainfall in the valley and nothing else." for i in range(40))
    doc.write_text(json.dumps({"title": "Zanzibar harbour report", "text": body}) + "\n")
    engine = Engine(Settings.load(db=tmp_path / "s.db"))
    engine.ingest([doc])
    hits = engine.store.lexical("Zanzibar", 100)
    assert len(hits) == engine.store.counts()["passages"] > 1


def test_ingest_lookups_use_indexes_so_they_do_not_grow_with_the_collection(demo_engine):
    """Each insert asks for the next group number and for near-duplicate candidates: both must be index
    lookups, not scans of every stored document (which made ingest quadratic)."""
    db = demo_engine.store.db
    plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN SELECT COALESCE(MAX(grp), 0) + 1 FROM documents"))
    assert "documents_grp" in plan
    plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN SELECT document_id FROM minhash_bands WHERE key IN (1, 2)"))
    assert "minhash_bands_key" in plan


def test_dense_search_sees_passages_added_by_this_or_another_connection(demo_db_copy, tmp_path):
    reader, writer = Engine(Settings.load(db=demo_db_copy)), Engine(Settings.load(db=demo_db_copy))
    query = "penguins nesting on the ice shelf of Antarctica"
    assert reader.search(query, mode="dense")  # loads the vectors into memory

    def ingest(engine, name, text):
        path = tmp_path / f"{name}.txt"
        path.write_text(text)
        assert engine.ingest([path]).added == 1

    def top(engine):  # the two nearest passages
        return " | ".join(hit.passage.text for hit in engine.search(query, mode="dense")[:2])

    ingest(writer, "other", "Emperor penguins nest on the sea ice of Antarctica through the winter.")
    assert "Emperor penguins" in top(reader)
    ingest(reader, "own", "Adelie penguins nesting on the Antarctic ice shelf were counted from the air.")
    assert "Adelie penguins" in top(reader)


def test_progress_moves_within_a_large_file_and_ends_at_the_total(tmp_path, monkeypatch):
    monkeypatch.setattr("veracity.ingest.BATCH_SENTENCES", 4)  # several batches from a small file
    big = tmp_path / "many.jsonl"
    big.write_text("\n".join(json.dumps({"title": f"doc {i}", "text": f"Report {i} says the bridge in town {i} "
                                         f"reopened after repairs. Traffic returned on day {i}."})
                             for i in range(12)) + "\n")
    small = tmp_path / "note.txt"
    small.write_text("The council met on Tuesday to discuss the budget for the coming year.")
    calls = []
    Engine(Settings.load(db=tmp_path / "p.db")).ingest([big, small], progress=lambda *a: calls.append(a))
    total = big.stat().st_size + small.stat().st_size
    done = [d for _, d, _ in calls]
    assert all(t == total for _, _, t in calls)
    assert done == sorted(done) and done[0] == 0 and done[-1] == total
    assert any(0 < d < big.stat().st_size for path, d, _ in calls if path == str(big))  # moved inside the file


def test_a_store_refuses_vectors_from_another_embedder_and_stays_untouched(demo_db_copy):
    import numpy as np

    from veracity.hookspecs import hookimpl
    from veracity.plugins import plugin, registry

    class OtherEmbedder:
        name, dimension, version = "other-embedder", 384, "other-embedder 1"

        def embed(self, texts):
            return np.ones((len(texts), 384), dtype=np.float32) / 384 ** 0.5

    class OtherPlugin:
        @hookimpl
        def register_embedders(self, register):
            register("other-embedder-for-test", OtherEmbedder)

    before = demo_db_copy.read_bytes()
    with plugin(OtherPlugin(), name="test-other-embedder"):
        engine = Engine(Settings.load(db=demo_db_copy, embedder="other-embedder-for-test"))
        with pytest.raises(StoreError, match="made by the embedder 'all-MiniLM-L6-v2-int8', not 'other-embedder'"):
            engine.search("Chicago police", mode="dense")
        with pytest.raises(StoreError, match="VERACITY_EMBEDDER"):
            engine.ingest([EXAMPLES])
    assert "other-embedder-for-test" not in registry().names("embedder")  # the plugin left with its block
    assert demo_db_copy.read_bytes() == before
    assert Engine(Settings.load(db=demo_db_copy)).search("Chicago police", mode="dense")  # its own embedder works


def test_a_year_inside_a_sentence_of_an_html_file_is_not_its_date(tmp_path):
    """Found by issue 24's rerun: "in the year 2024" inside the article made a local .html file dated 2024-01-01.
    The date comes from the markup (or the URL), else from a dateline in the text, never from a sentence."""
    from veracity.ingest.extract import html_article

    body = "<p>" + "The council met to talk about the budget for the harbour and the schools of the city. " * 5
    undated = f"<html><head><title>Budget</title></head><body><article>{body}In the year 2024 the harbour grew.</p>" \
              "</article></body></html>"
    dated = undated.replace("</head>", '<meta property="article:published_time" content="2025-06-05T10:00:00Z">'
                                       "</head>")
    assert html_article(undated) is not None and html_article(undated).published is None
    assert html_article(dated).published == "2025-06-05"
    (tmp_path / "budget.html").write_text(undated, encoding="utf-8")
    engine = Engine(Settings.load(db=str(tmp_path / "s.db")))
    engine.ingest([tmp_path / "budget.html"])
    [doc] = engine.store.documents([1]).values()
    assert doc.published is None
