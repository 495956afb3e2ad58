"""The small typed interfaces of web sources: a SearchProvider turns a query into results, a Fetcher turns URLs
into pages. Every way either can fail is a type, so a report can say what happened instead of crashing.

Search providers raise one of the SearchError subclasses below (a provider's outage becomes a line under
Problems); a fetcher never raises for a page: it returns the bytes and headers it received (Fetched) or one of
the page outcomes, and the reader (ingest/extract.py read_page) turns Fetched into a Page as it reads a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import SearchError
from ..factcheck import ClaimReview

# -- search ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    """One hit of a web search."""

    url: str
    title: str
    snippet: str
    provider: str
    rank: int  # 1 for the provider's first result
    published: str | None = None  # YYYY-MM-DD, when the provider gives one


@dataclass(frozen=True)
class SearchResponse:
    provider: str
    query: str
    results: tuple[SearchResult, ...]
    claim_reviews: tuple[ClaimReview, ...] = ()  # fact checks the provider returned (google_factcheck)
    fetched_at: str = ""
    cached: bool = False  # read from the store (web_cache_hours, or a replay), not asked anew


class SearchProvider(Protocol):
    """A web search backend. `search` returns results (possibly none, which is an answer) or raises one of
    RateLimited, QuotaExhausted, AuthFailed, BadResponse, SearchTimeout."""

    name: str

    def search(self, query: str, *, max_results: int) -> SearchResponse: ...


class RateLimited(SearchError):
    """The provider answered 429 (or said so): try again later, or fall back to another provider."""


class QuotaExhausted(SearchError):
    """The account's credits or monthly quota are used up."""


class AuthFailed(SearchError):
    """The API key is missing, wrong or revoked."""


class BadResponse(SearchError):
    """The provider answered, but not with what its API documents (a 5xx, HTML instead of JSON, fields missing)."""


class SearchTimeout(SearchError):
    """The provider did not answer within web_timeout_s (or could not be reached)."""


SEARCH_OUTCOMES: tuple[type[SearchError], ...] = (RateLimited, QuotaExhausted, AuthFailed, BadResponse, SearchTimeout)


# -- pages -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """What a server answered for a page: its bytes and headers, not yet read."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes
    content_type: str  # html | pdf | text, from the Content-Type header
    fetched_at: str  # ISO 8601, UTC
    not_modified: bool = False  # 304 to a conditional request (Known): no body; the stored snapshot stands


@dataclass(frozen=True)
class Page:
    """A page read and extracted; `content_hash` is the SHA-256 of the raw bytes received."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    content_type: str  # html | pdf | text
    content_hash: str
    text: str
    title: str
    author: str | None
    publisher: str | None
    published: str | None  # YYYY-MM-DD
    fetched_at: str  # ISO 8601, UTC
    etag: str | None = None
    last_modified: str | None = None
    revalidated: bool = False  # the server answered 304 to a conditional request: the stored snapshot stands
    claim_reviews: tuple[ClaimReview, ...] = ()  # schema.org ClaimReview markup found in the page


@dataclass(frozen=True)
class Unusable:
    """A page that could not be used; `reason` says why, in one line for the report's Problems."""

    url: str
    reason: str
    status: int | None = None
    outcome: str = field(init=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", type(self).__name__)


class Blocked(Unusable):
    """401, 403 or 429, or a captcha / "access denied" page."""


class Paywalled(Unusable):
    """402, or a page whose text is a subscription wall."""


class Unextractable(Unusable):
    """No article text could be extracted (or the content type is not HTML, PDF or plain text)."""


class TooLarge(Unusable):
    """Over web_max_bytes."""


class Timeout(Unusable):
    """No complete answer within web_timeout_s (or the connection failed)."""


class NotAllowed(Unusable):
    """robots.txt disallows it for veracity's user agent."""


class Refused(Unusable):
    """The safety check refused it: a non-public address, a scheme, userinfo, a port, a denied domain."""


PAGE_OUTCOMES: tuple[type[Unusable], ...] = (Blocked, Paywalled, Unextractable, TooLarge, Timeout, NotAllowed, Refused)
PageOutcome = Page | Unusable
FetchOutcome = Fetched | Unusable


@dataclass(frozen=True)
class Known:
    """What the store remembers of a URL, for a conditional request (ETag / Last-Modified)."""

    url: str
    etag: str | None
    last_modified: str | None
    page: Page


class Fetcher(Protocol):
    """Downloads pages. Never raises for a page: each URL gives what the server sent (Fetched) or an Unusable
    outcome, in input order; `known` pages are asked for conditionally (ETag / Last-Modified)."""

    name: str

    def fetch(self, urls: Sequence[str], *, known: dict[str, Known] | None = None) -> list[FetchOutcome]: ...
