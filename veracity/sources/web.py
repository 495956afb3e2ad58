"""The web as a source, the pipeline's web stage (pipeline/web.py) does the work through this module: search with
the plan's queries, fetch the results, and add the pages to the store as documents; then the check gathers over
the collection plus those pages (or, with --web-only, over those pages alone). Every search response and page is
kept, so `check --replay ID` reruns the same check with no network.

It works on typed collaborators (WebParts): the search chain, the fetcher, the web archive and a document adder.
What a run found is a frozen WebRun.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from ..embed import Embedder
from ..ingest.extract import RawDocument, read_page
from ..plugins import registry
from ..settings import Settings
from ..store.base import Snapshot, Store, WebArchive
from ..types import CitedText, Failure, Report, WebUse
from ..factcheck import ClaimReview, normal_rating
from .base import Fetched, Fetcher, Known, Page, PageOutcome, SearchResponse, SearchResult, Unusable
from .chain import ALWAYS_ASKED, Chain


@dataclass(frozen=True)
class WebRun:
    """What the web gave one check, and how to record and replay it."""

    question: str
    only: bool
    providers: tuple[str, ...]
    queries: tuple[str, ...]
    search_ids: tuple[int, ...] = ()
    fetch_ids: tuple[int, ...] = ()
    document_ids: tuple[int, ...] = ()
    results: int = 0
    pages_read: int = 0
    pages_failed: int = 0
    failures: tuple[Failure, ...] = ()
    claim_reviews: tuple[ClaimReview, ...] = ()
    checked_on: str | None = None
    replay_of: str | None = None

    def use(self) -> WebUse:
        return WebUse(providers=self.providers, queries=self.queries, results=self.results,
                      pages_read=self.pages_read, pages_failed=self.pages_failed, only=self.only,
                      replay_of=self.replay_of, claim_reviews=self.claim_reviews)

    def record(self, report: Report) -> dict[str, Any]:
        return {"question": self.question, "only": self.only, "providers": list(self.providers),
                "queries": list(self.queries), "search_ids": list(self.search_ids), "fetch_ids": list(self.fetch_ids),
                "results": self.results, "pages_read": self.pages_read, "pages_failed": self.pages_failed,
                "failures": [asdict(f) for f in self.failures], "checked_on": report.checked_on,
                "claim_reviews": [asdict(r) for r in self.claim_reviews],
                "as_of": report.as_of}

    def apply(self, report: Report) -> Report:
        """The report with what the web gave: the web line, the failures, and when no page could be read the
        counts in the summary (a check with no usable page is never 'refuted')."""
        summary = report.summary
        if self.pages_read == 0 and report.nothing_found:
            summary = CitedText(text=f"{summary.text} From the web: {self.results} results, {self.pages_read} pages "
                                     f"read, {self.pages_failed} could not be used (see Problems).",
                                citations=summary.citations, support=summary.support)
        return replace(report, web=self.use(), summary=summary, failures=self.failures + report.failures)


@dataclass
class Gathering:
    """A web run as it is being gathered (search, fetch, read); `run()` gives the frozen WebRun."""

    question: str
    only: bool
    providers: tuple[str, ...]
    queries: tuple[str, ...]
    search_ids: list[int] = field(default_factory=list)
    fetch_ids: list[int] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)
    results: int = 0
    pages_read: int = 0
    pages_failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    claim_reviews: list[ClaimReview] = field(default_factory=list)
    checked_on: str | None = None
    replay_of: str | None = None

    def run(self) -> WebRun:
        return WebRun(question=self.question, only=self.only, providers=self.providers, queries=self.queries,
                      search_ids=tuple(self.search_ids), fetch_ids=tuple(self.fetch_ids),
                      document_ids=tuple(self.document_ids), results=self.results, pages_read=self.pages_read,
                      pages_failed=self.pages_failed, failures=tuple(self.failures),
                      claim_reviews=tuple(self.claim_reviews), checked_on=self.checked_on, replay_of=self.replay_of)


DocumentAdder = Callable[[list[RawDocument]], list["int | None"]]


@dataclass(frozen=True)
class WebParts:
    """What the web stage works with: the search chain, the fetcher, the web archive, and the document adder
    (which prepares raw documents and adds them to the store: their ids in order, None where no text is left)."""

    chain: Chain | None  # None where no search is asked (reading given pages, a replay)
    fetcher: Fetcher
    archive: WebArchive
    add: DocumentAdder
    settings: Settings


def parts_for(store: Store, embedder: Embedder, settings: Settings, *, search: bool = True) -> WebParts:
    """The web stage's collaborators for this store, as the settings name them; search=False: no search
    providers (reading given pages, or a replay, asks none)."""
    archive: WebArchive = store
    return WebParts(chain=chain_for(settings) if search else None, fetcher=fetcher_for(settings), archive=archive,
                    add=lambda raws: add_documents(store, archive, embedder, settings, raws), settings=settings)


def chain_for(settings: Settings) -> Chain:
    names = [n.strip() for n in settings.search_provider.split(",") if n.strip()]
    return Chain([registry().create("search", name, settings=settings) for name in names])


def fetcher_for(settings: Settings) -> Fetcher:
    fetcher: Fetcher = registry().create("fetcher", settings.fetcher, settings=settings)
    return fetcher


def since(hours: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(hours=hours)).isoformat(timespec="seconds")


def response_json(response: SearchResponse) -> dict[str, Any]:
    return asdict(response)


def response_from(data: dict[str, Any]) -> SearchResponse:
    return SearchResponse(provider=data["provider"], query=data["query"],
                          results=tuple(SearchResult(**r) for r in data["results"]),
                          claim_reviews=tuple(ClaimReview(**c) for c in data.get("claim_reviews", ())),
                          fetched_at=data.get("fetched_at", ""), cached=True)


def search(chain: Chain, archive: WebArchive, queries: tuple[str, ...], settings: Settings, refresh: bool,
           gathering: Gathering) -> list[SearchResponse]:
    """Each query's responses: from the cache (web_cache_hours) unless refresh, else from the chain."""
    answers: list[SearchResponse] = []
    fresh_since = since(settings.web_cache_hours)
    for query in queries:
        cached: list[tuple[int, SearchResponse]] = []
        if not refresh and settings.web_cache_hours > 0:
            fallback_hit = False
            for name in chain.names:
                if name not in ALWAYS_ASKED and fallback_hit:
                    continue
                hit = archive.cached_search(name, query, settings.web_max_results, fresh_since)
                if hit is not None:
                    cached.append((hit.id, response_from(hit.response)))
                    fallback_hit = fallback_hit or name not in ALWAYS_ASKED
            if not fallback_hit:
                cached = []
        if cached:
            gathering.search_ids += [i for i, _ in cached]
            answers += [r for _, r in cached]
            continue
        for response in chain.search(query, max_results=settings.web_max_results, failures=gathering.failures):
            gathering.search_ids.append(archive.save_search(response.provider, query, settings.web_max_results,
                                                            response_json(response), response.fetched_at))
            answers.append(response)
    return answers


def pick(responses: list[SearchResponse], limit: int) -> list[str]:
    """Result URLs to read: round-robin over the responses by rank, each URL once, `limit` at most."""
    urls: list[str] = []
    depth = max((len(r.results) for r in responses), default=0)
    for rank in range(depth):
        for response in responses:
            if rank < len(response.results) and response.results[rank].url not in urls:
                urls.append(response.results[rank].url)
    return urls[:limit]


def review_document(review: ClaimReview) -> RawDocument:
    """A ClaimReview from a search provider as a document whose text states the rating (it is quoted like any
    source sentence)."""
    publisher = review.publisher or "A fact-checker"
    when = f" on {review.published}" if review.published else ""
    text = f"{publisher} rated the claim “{review.claim}” as “{review.rating or 'unrated'}”{when}."
    return RawDocument(title=f"{publisher} fact check: {review.claim}"[:300], location=review.url or "",
                       text=text, publisher=review.publisher, published=review.published, reviews=(review,))


def page_document(page: Page | Snapshot) -> RawDocument:
    return RawDocument(title=page.title, location=page.final_url, text=page.text, publisher=page.publisher,
                       published=page.published, reviews=page.claim_reviews if isinstance(page, Page) else ())


def add_documents(store: Store, archive: WebArchive, embedder: Embedder, settings: Settings,
                  raws: list[RawDocument]) -> list[int | None]:
    """Documents for these raws (added, or found by content hash), in order; None where no text is left."""
    from ..dedupe import content_hash
    from ..ingest import prepare
    from ..text import clean_text

    texts = [clean_text(r.text) for r in raws]
    hashes = [content_hash(t) for t in texts]
    present = archive.document_ids(hashes)
    fresh = [i for i, h in enumerate(hashes) if h not in present and h not in {hashes[j] for j in range(i)}]
    prepared = prepare([raws[i] for i in fresh], embedder, settings.passage_chars,
                       [texts[i] for i in fresh]) if fresh else []
    store.add_documents([d for d in prepared if d is not None], settings.near_duplicate_jaccard)
    present = archive.document_ids(hashes)
    return [present.get(h) for h in hashes]


def fetch_pages(fetcher: Fetcher, urls: Sequence[str], known: dict[str, Known] | None = None) -> list[PageOutcome]:
    """Fetch the pages and read them as files are read (ingest/extract.py read_page); a page the server says is
    unchanged (304 to a conditional request) is the known page, revalidated."""
    known = known or {}

    def read(got: Fetched | Unusable) -> PageOutcome:
        if isinstance(got, Unusable):
            return got
        if got.not_modified and got.url in known:
            return replace(known[got.url].page, revalidated=True, fetched_at=got.fetched_at)
        return read_page(got)

    return [read(got) for got in fetcher.fetch(urls, known=known)]


def read_pages(parts: WebParts, urls: list[str], refresh: bool, gathering: Gathering) -> None:
    """Fetch, extract and store the pages; record each fetch as a snapshot and each unusable page as a failure."""
    archive = parts.archive
    known: dict[str, Known] = {}
    if not refresh:
        for url in urls:
            snap = archive.latest_snapshot(url)
            if snap is not None and (snap.etag or snap.last_modified):
                known[url] = Known(url=url, etag=snap.etag, last_modified=snap.last_modified, page=page_of(snap))
    outcomes = fetch_pages(parts.fetcher, urls, known)
    pages = [o for o in outcomes if isinstance(o, Page)]
    for outcome in outcomes:
        if isinstance(outcome, Unusable):
            gathering.failures.append(Failure("fetch", f"{outcome.outcome}: {outcome.url}: {outcome.reason}"))
    ids = parts.add([page_document(p) for p in pages])
    for page, doc_id in zip(pages, ids):
        if doc_id is None:
            gathering.failures.append(Failure("fetch", f"Unextractable: {page.url}: no text left after removing "
                                                       "boilerplate"))
            continue
        gathering.fetch_ids.append(archive.save_snapshot(snapshot_of(page, doc_id)))
        gathering.document_ids.append(doc_id)
        merge_reviews(gathering.claim_reviews, page.claim_reviews)
    gathering.pages_read = len(gathering.fetch_ids)
    gathering.pages_failed = len(urls) - gathering.pages_read


def snapshot_of(page: Page, document_id: int) -> Snapshot:
    return Snapshot(url=page.url, final_url=page.final_url, status=page.status, headers=page.headers,
                    content_type=page.content_type, content_hash=page.content_hash, text=page.text, title=page.title,
                    author=page.author, publisher=page.publisher, published=page.published, fetched_at=page.fetched_at,
                    etag=page.etag, last_modified=page.last_modified, document_id=document_id)


def page_of(snap: Snapshot) -> Page:
    return Page(url=snap.url, final_url=snap.final_url, status=snap.status, headers=snap.headers,
                content_type=snap.content_type, content_hash=snap.content_hash, text=snap.text, title=snap.title,
                author=snap.author, publisher=snap.publisher, published=snap.published, fetched_at=snap.fetched_at,
                etag=snap.etag, last_modified=snap.last_modified)


def merge_reviews(found: list[ClaimReview], more: Sequence[ClaimReview]) -> None:
    """Add reviews to `found`, once each: the same claim rated the same way at the same URL is one review,
    whether a provider returned it or the page's markup carried it (the first one found is kept)."""
    seen = {(r.url, r.claim.lower(), normal_rating(r.rating or "")) for r in found}
    for review in more:
        key = (review.url, review.claim.lower(), normal_rating(review.rating or ""))
        if key not in seen:
            seen.add(key)
            found.append(review)


def add_reviews(parts: WebParts, responses: list[SearchResponse], gathering: Gathering) -> None:
    """The fact checks a provider returned: each a document stating its rating, and listed in the report."""
    reviews = list(dict.fromkeys(c for r in responses for c in r.claim_reviews if c.url))
    if reviews:
        gathering.document_ids += [i for i in parts.add([review_document(c) for c in reviews]) if i is not None]
        merge_reviews(gathering.claim_reviews, reviews)


def read_web(parts: WebParts, question: str, queries: tuple[str, ...], *, only: bool = False,
           refresh: bool = False) -> WebRun:
    """Search with the plan's queries, fetch and store the pages: the web stage's run."""
    settings, chain = parts.settings, parts.chain or chain_for(parts.settings)
    gathering = Gathering(question=question, only=only, providers=tuple(chain.names), queries=queries)
    responses = search(chain, parts.archive, queries, settings, refresh, gathering)
    urls = pick([r for r in responses if r.provider not in ALWAYS_ASKED]
                + [r for r in responses if r.provider in ALWAYS_ASKED], settings.web_max_results)
    gathering.results = len({r.url for resp in responses for r in resp.results})
    if not responses and not gathering.failures:
        gathering.failures.append(Failure("search", "no provider answered"))
    read_pages(parts, urls, refresh, gathering)
    add_reviews(parts, responses, gathering)
    return gathering.run()


def replay(parts: WebParts, check_id: str, record: dict[str, Any]) -> WebRun:
    """The web run of a past check, rebuilt from the store alone: its search responses and snapshots."""
    archive = parts.archive
    gathering = Gathering(question=record["question"], only=record["only"], providers=tuple(record["providers"]),
                          queries=tuple(record["queries"]), search_ids=list(record["search_ids"]),
                          fetch_ids=list(record["fetch_ids"]), results=record["results"],
                          pages_read=record["pages_read"], pages_failed=record["pages_failed"],
                          failures=[Failure(**f) for f in record["failures"]], checked_on=record.get("checked_on"),
                          replay_of=check_id)
    recorded = [ClaimReview(**r) for r in record.get("claim_reviews", ())]
    snapshots = archive.snapshots(gathering.fetch_ids)
    gathering.document_ids = [i for i in parts.add([page_document(s) for s in snapshots]) if i is not None]
    responses = [response_from(s.response) for s in archive.searches(gathering.search_ids)]
    add_reviews(parts, responses, gathering)
    gathering.claim_reviews = recorded  # as the check found them (pages' markup included), in its order
    return gathering.run()


def ingest_urls(parts: WebParts, urls: list[str]) -> tuple[int, list[Failure]]:
    """`veracity ingest URL...`: read pages into the store by hand; (pages added or already present, failures)."""
    gathering = Gathering(question="", only=False, providers=(), queries=())
    read_pages(parts, urls, False, gathering)
    return gathering.pages_read, gathering.failures
