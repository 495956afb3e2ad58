"""The public API: an Engine holds the store and the loaded models, and runs ingest, search and check."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigError, InputError
from .plugins import registry
from .settings import Settings
from .types import Report

if TYPE_CHECKING:
    from .ingest import IngestSummary
    from .store.base import CheckRecord
    from .types import Hit
    from .embed import Embedder
    from .llm import LLM
    from .stance import StanceModel
    from .store.base import Store


def check_date(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise InputError(f"{what} {value!r} is not a date; use YYYY-MM-DD")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InputError(f"{what} {value!r} is not a real date ({exc})") from exc


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
        self.store: Store = registry().store(self.settings.store, path=self.settings.db, create=create)
        self._embedder: Embedder | None = None
        self._stance: StanceModel | None = None
        self._llm: LLM | None = None
        self._llm_loaded = False

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

        return hybrid(self.store, self.embedder, normalise(query), limit or self.settings.search_limit, mode=mode)

    def check(self, question: str, *, as_of: str | None = None, verdict: bool = True, save: bool = True,
              on_stage: Callable[[str, float], None] | None = None) -> Report:
        """Run a check. verdict=False skips the stance model (the report's verdict is then null).
        on_stage(stage, ms) is called as each pipeline stage ends (progress for the service's event stream)."""
        from .pipeline import run_check
        from .render.json import to_json

        report = run_check(question, store=self.store, embedder=self.embedder, stance_model=self.stance if verdict else None,
                           settings=self.settings, as_of=check_date(as_of, "--as-of"), llm=self.llm, on_stage=on_stage)
        if save:
            from .store.base import CheckRecord

            self.store.save_check(CheckRecord(id=report.id, question=report.question, created_at=_now(),
                                              verdict=report.verdict.label if report.verdict else None,
                                              report_json=to_json(report)))
        return report

    def history(self, limit: int = 20) -> list[CheckRecord]:
        return self.store.checks(limit)

    def show(self, check_id: str) -> Report:
        from .render.json import from_json

        return from_json(self.store.check(check_id).report_json)

    def close(self) -> None:
        self.store.close()


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")
