"""The public API: an Engine holds the store and the loaded models, and runs ingest, search and check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigError, InputError, NotFound
from .jobs import Jobs, check_date
from .plugins import registry
from .settings import Settings
from .types import Document, Report

if TYPE_CHECKING:
    from .ingest import IngestSummary
    from .store.base import CheckRecord
    from .sources.web import WebRun
    from .types import Failure, Hit
    from .embed import Embedder
    from .llm import LLM
    from .stance import StanceModel
    from .store.base import ReviewStore, Schema, Store, WebArchive
    from .store.copy import CopySummary


def llm_for(settings: Settings) -> LLM | None:
    """The language model the settings name (LLM mode), or None (extractive mode)."""
    if settings.gguf:
        return registry().llm("gguf", model_path=settings.gguf)
    if not settings.llm:
        return None
    if not settings.llm_model:
        raise ConfigError(f"--llm {settings.llm} needs a model name: add --model NAME (or llm_model in the config "
                          "file, or VERACITY_LLM_MODEL)")
    return registry().llm(settings.llm_backend, url=settings.llm, model=settings.llm_model,
                             api_key=settings.llm_api_key or None, timeout_s=settings.llm_timeout_s)


class Engine:
    """Models load once per Engine and are reused for every call."""

    def __init__(self, settings: Settings | None = None, *, create: bool = True) -> None:
        self.settings = settings or Settings.load()
        self.store: Store = registry().store(self.settings.store, path=self.settings.db, create=create,
                                               settings=self.settings)
        self._embedder: Embedder | None = None
        self._stance: StanceModel | None = None
        self._llm: LLM | None = None
        self._llm_loaded = False
        self._jobs: Jobs | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            embedder = registry().embedder(self.settings.embedder)
            self.store.vector_space(embedder.name)  # vectors of two embedders never mix in one store
            self._embedder = embedder
        return self._embedder

    @property
    def stance(self) -> StanceModel:
        if self._stance is None:
            self._stance = registry().stance_model(self.settings.stance)
        return self._stance

    @property
    def llm(self) -> LLM | None:
        """The configured language model (LLM mode), or None when none is configured (extractive mode)."""
        if not self._llm_loaded:
            self._llm = llm_for(self.settings)
            self._llm_loaded = True
        return self._llm

    def ingest(self, paths: list[Path], progress: Callable[[str, int, int], None] | None = None) -> IngestSummary:
        from .ingest import ingest

        return ingest(paths, store=self.store, embedder=self.embedder, settings=self.settings, progress=progress)

    def search(self, query: str, *, limit: int | None = None, mode: str = "hybrid") -> list[Hit]:
        from .pipeline.plan import normalise
        from .search import hybrid
        from .text import content_words

        if not content_words(query or ""):
            raise InputError("the search text is empty; give words to look for, e.g. veracity search \"arrest records\"")
        return hybrid(self.store, self.embedder, normalise(query), limit or self.settings.search_limit, mode=mode)

    def check(self, question: str, *, as_of: str | None = None, verdict: bool = True, save: bool = True,
              on_stage: Callable[[str, float], None] | None = None, web: str | None = None, refresh: bool = False,
              replay: WebRun | None = None, check_id: str | None = None) -> Report:
        """Run a check. verdict=False skips the stance model (the report's verdict is then null).
        on_stage(stage, ms) is called as each pipeline stage ends (progress for the service's event stream).
        web="web" adds web pages for the plan's queries to the store (the pipeline's web stage), web="only" checks
        against those pages alone, web="" not at all, None as the `web` setting says; refresh=True asks the
        providers and servers again instead of the cache; replay: a past check's web run (see `replay`).
        check_id gives the report its id (a service's job gives its own), under which its web run is kept too."""
        from .pipeline import run_check
        from .pipeline.web import WebStep

        if web is None:
            web = "web" if self.settings.web else ""
        step = None
        if web or replay is not None:
            from .sources.web import parts_for

            step = WebStep(parts_for(self.store, self.embedder, self.settings, search=replay is None),
                           only=web == "only", refresh=refresh, replay=replay)
        report = run_check(question, store=self.store, embedder=self.embedder,
                           stance_model=self.stance if verdict else None, settings=self.settings,
                           as_of=check_date(as_of, "--as-of"), llm=self.llm, on_stage=on_stage, web=step,
                           report_id=check_id)
        if save:
            self.save(report)
        return report

    def save(self, report: Report, *, created_at: str | None = None) -> None:
        """Keep a check in the store's history (`check(save=False)` then `save` lets a caller write the report
        somewhere else first); created_at (ISO 8601) defaults to now."""
        from .render.json import to_json
        from .store.base import CheckRecord

        self.store.save_check(CheckRecord(id=report.id, question=report.question, created_at=created_at or _now(),
                                          verdict=report.verdict.label if report.verdict else None,
                                          report_json=to_json(report)))

    def replay(self, check_id: str, *, verdict: bool = True, save: bool = True) -> Report:
        """Run a saved check again on the same web snapshots and search results, with no network; a check
        without web sources is run again on the collection as it is now."""
        past = self.show(check_id)
        from .sources.web import replay

        record = self.web_archive.web_run(past.id)
        if record is None:
            return self.check(past.question, as_of=past.as_of, verdict=verdict, save=save, web="")
        from .sources.web import parts_for

        run = replay(parts_for(self.store, self.embedder, self.settings, search=False), past.id, record)
        return self.check(past.question, as_of=record.get("as_of"), verdict=verdict, save=save, replay=run)

    def ingest_urls(self, urls: list[str]) -> tuple[int, list[Failure]]:
        """Read web pages into the store by hand: (pages read, failures)."""
        from .sources.web import ingest_urls

        from .sources.web import parts_for

        return ingest_urls(parts_for(self.store, self.embedder, self.settings, search=False), urls)

    def schema(self) -> Schema:
        """The store's schema migrations: every one it has had, and those opening it applied (an Engine opened
        with create=True brings a store up to date: `veracity db migrate`)."""
        return self.store.schema()

    def copy_from(self, source: Path, *, batch: int = 200,
                  progress: Callable[[int, int], None] | None = None) -> CopySummary:
        """Copy a SQLite store (documents, passages, vectors, checks, the web archive) into this engine's store,
        `batch` documents a transaction; a rerun resumes (`veracity db copy`)."""
        from .store.copy import copy_store
        from .store.sqlite import SqliteStore

        if batch < 1:
            raise InputError("--batch must be at least 1")
        src = SqliteStore(source, create=False)
        try:
            return copy_store(src, self.store, near_duplicate_jaccard=self.settings.near_duplicate_jaccard,
                              batch=batch, progress=progress)
        finally:
            src.close()

    def history(self, limit: int = 20) -> list[CheckRecord]:
        return self.store.checks(limit)

    @property
    def jobs(self) -> Jobs:
        """The store's job queue: checks and ingests for workers to run (the service's and `veracity worker`'s)."""
        if self._jobs is None:
            self._jobs = Jobs(self.store, self.settings)
        return self._jobs

    @property
    def web_archive(self) -> WebArchive:
        """The store's web archive: search responses and page snapshots, for the cache and for replay."""
        return self.store

    @property
    def reviews(self) -> ReviewStore:
        """The fact-checkers' rulings the store read at ingest."""
        return self.store

    def documents(self, limit: int, after: int = 0) -> list[Document]:
        """Documents with id > after, in id order, without their text (a listing of the collection)."""
        return self.store.list_documents(limit, after)

    def document(self, document_id: int) -> Document:
        """One document with its text, or NotFound."""
        found = self.store.documents([document_id])
        if document_id not in found:
            raise NotFound(f"no document {document_id} in the collection")
        return found[document_id]

    def counts(self) -> dict[str, int]:
        """How many documents, passages and independent groups the store holds (and more, by store)."""
        return self.store.counts()

    @property
    def where(self) -> str:
        """Where the store is, for messages: its file, or its PostgreSQL URI without the password."""
        return str(self.store.path)

    @property
    def read_only(self) -> bool:
        """The store can be searched and checked, but nothing can be saved in it (a file without write permission)."""
        return self.store.read_only

    def web_found(self, report: Report) -> dict[int, list[str]]:
        """For each source of a web check, the final URLs of the pages the web gave the check that are this source
        or an independent copy of it (its group), in the order fetched: the collection's own copy of a page is
        still found on the web. Empty for a check without the web."""
        if report.web is None:
            return {}
        record = self.web_archive.web_run(report.id)
        if not record:
            return {}
        snapshots = self.web_archive.snapshots(list(record.get("fetch_ids") or []))
        documents = self.store.documents([s.document_id for s in snapshots if s.document_id is not None])
        by_group: dict[int, list[str]] = {}
        for snap in snapshots:
            doc = documents.get(snap.document_id) if snap.document_id is not None else None
            if doc is not None and snap.final_url not in by_group.get(doc.group, []):
                by_group.setdefault(doc.group, []).append(snap.final_url)
        return {s.id: by_group[s.group] for s in report.sources if s.group in by_group}

    def show(self, check_id: str) -> Report:
        """A saved check's report (its id or the id's first characters), or NotFound."""
        from .render.json import from_json

        if not check_id.strip():
            raise InputError("give a check id (its first characters are enough); `veracity history` lists them")
        return from_json(self.store.check(check_id).report_json)

    def close(self) -> None:
        self.store.close()


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")
