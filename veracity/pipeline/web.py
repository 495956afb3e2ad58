"""web: the stage that adds web pages for the plan's queries to the store, or brings back a past check's pages
for a replay. It runs after plan (so LLM mode's refined queries are searched too) and before gather; with
--web-only the rest of the check sees those pages alone (a scoped store)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from ..sources.scope import ScopedStore
from ..sources.web import WebParts, WebRun, read_web
from ..store.base import Store
from ..types import Plan


@dataclass(frozen=True)
class WebStep:
    """A check's web stage as the engine sets it up: its collaborators and what was asked (a replay brings its
    recorded run instead of searching)."""

    parts: WebParts
    only: bool = False
    refresh: bool = False
    replay: WebRun | None = None


def web(p: Plan, step: WebStep) -> WebRun:
    """Search with the plan's queries, read the results into the store; or the replayed run."""
    if step.replay is not None:
        return step.replay
    return read_web(step.parts, p.question, p.queries, only=step.only, refresh=step.refresh)


def scoped(store: Store, run: WebRun) -> Store:
    """The store the rest of the check reads: the web pages alone with --web-only, else the whole store."""
    return cast(Store, ScopedStore(store, list(run.document_ids))) if run.only else store
