"""The search providers that ship with veracity, each over its documented API with httpx (DuckDuckGo through
the maintained `ddgs` package). Each maps its errors to the typed outcomes of `base`, has a time budget, and
retries once, after a short pause, where that helps (a 5xx, a dropped connection). Each goes through the proxy the
environment names, read as the page fetcher reads it (proxy.py)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any

import httpx

from ..errors import ConfigError
from ..ingest.extract import parse_date
from ..factcheck import ClaimReview
from .base import (AuthFailed, BadResponse, QuotaExhausted, RateLimited, SearchResponse,
                   SearchResult, SearchTimeout)
from .fetch import USER_AGENT
from .proxy import environment_proxy

RETRY_PAUSE_S = 0.5


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class HttpProvider:
    """What the JSON providers share: one request with a time budget, one retry, status codes mapped."""

    name = "http"
    quota_statuses: tuple[int, ...] = (402,)

    def __init__(self, *, timeout_s: float = 10.0) -> None:
        self.timeout_s = timeout_s

    def request(self, method: str, url: str, *, query: str, **kwargs: Any) -> Any:
        deadline = time.monotonic() + self.timeout_s
        for attempt in (1, 2):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                with httpx.Client(timeout=left, headers={"User-Agent": USER_AGENT}, follow_redirects=False,
                                  trust_env=False, proxy=environment_proxy(url)) as client:  # as the fetcher reads it
                    response = client.request(method, url, **kwargs)
            except httpx.TimeoutException as exc:
                error: Exception = SearchTimeout(f"{self.name}: no answer within {self.timeout_s:g} s for {query!r}",
                                                 backend=self.name, retryable=True)
                error.__cause__ = exc
            except httpx.HTTPError as exc:
                error = SearchTimeout(f"{self.name}: cannot be reached for {query!r} ({type(exc).__name__}: {exc})",
                                      backend=self.name, retryable=True)
                error.__cause__ = exc
            else:
                if response.status_code < 500:
                    return self.decode(response, query)
                error = BadResponse(f"{self.name}: the server answered HTTP {response.status_code} for {query!r}",
                                    backend=self.name, retryable=True)
            if attempt == 1 and deadline - time.monotonic() > RETRY_PAUSE_S:
                time.sleep(RETRY_PAUSE_S)
                continue
            raise error
        raise SearchTimeout(f"{self.name}: no answer within {self.timeout_s:g} s for {query!r}", backend=self.name,
                            retryable=True)

    def decode(self, response: httpx.Response, query: str) -> Any:
        status, body = response.status_code, response.text[:300]
        if status == 429:
            if "quota" in body.lower() or "credit" in body.lower():
                raise QuotaExhausted(f"{self.name}: the quota is used up (HTTP 429: {body!r})", backend=self.name)
            raise RateLimited(f"{self.name}: rate limited (HTTP 429) for {query!r}", backend=self.name, retryable=True)
        if status in self.quota_statuses:
            raise QuotaExhausted(f"{self.name}: the plan's quota or credits are used up (HTTP {status})",
                                 backend=self.name)
        if status in (401, 403):
            if "quota" in body.lower():
                raise QuotaExhausted(f"{self.name}: the quota is used up (HTTP {status})", backend=self.name)
            raise AuthFailed(f"{self.name}: the API key was refused (HTTP {status}); check {self.name}_api_key",
                             backend=self.name)
        if status != 200:
            raise BadResponse(f"{self.name}: unexpected HTTP {status} for {query!r}", backend=self.name)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadResponse(f"{self.name}: the answer for {query!r} is not JSON ({body[:80]!r})",
                              backend=self.name) from exc

    def results(self, rows: Any, query: str, fields: tuple[str, str, str, str], max_results: int) -> SearchResponse:
        """SearchResults from a list of JSON objects, given the names of (url, title, snippet, date) in them."""
        if not isinstance(rows, list):
            raise BadResponse(f"{self.name}: the answer for {query!r} has no result list", backend=self.name)
        url_key, title_key, snippet_key, date_key = fields
        results: list[SearchResult] = []
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get(url_key), str):
                raise BadResponse(f"{self.name}: a result for {query!r} has no {url_key!r}", backend=self.name)
            results.append(SearchResult(url=row[url_key], title=str(row.get(title_key) or ""),
                                        snippet=str(row.get(snippet_key) or ""), provider=self.name,
                                        rank=len(results) + 1, published=parse_date(row.get(date_key))))
            if len(results) == max_results:
                break
        return SearchResponse(provider=self.name, query=query, results=tuple(results), fetched_at=now())


class SearxngSearch(HttpProvider):
    """A SearXNG instance's JSON API: GET /search?q=...&format=json (the instance must enable the json format)."""

    name = "searxng"

    def __init__(self, *, url: str, timeout_s: float = 10.0) -> None:
        if not url:
            raise ConfigError("search provider searxng needs searxng_url (VERACITY_SEARXNG_URL), the base URL of "
                              "your SearXNG instance")
        super().__init__(timeout_s=timeout_s)
        self.url = url.rstrip("/") + "/search"

    def search(self, query: str, *, max_results: int) -> SearchResponse:
        data = self.request("GET", self.url, query=query, params={"q": query, "format": "json"})
        return self.results(data.get("results") if isinstance(data, dict) else None, query,
                            ("url", "title", "content", "publishedDate"), max_results)


class BraveSearch(HttpProvider):
    """Brave Search API: GET /res/v1/web/search with X-Subscription-Token; results in web.results."""

    name = "brave"

    def __init__(self, *, api_key: str, url: str, timeout_s: float = 10.0) -> None:
        if not api_key:
            raise ConfigError("search provider brave needs brave_api_key (VERACITY_BRAVE_API_KEY)")
        super().__init__(timeout_s=timeout_s)
        self.api_key, self.url = api_key, url

    def search(self, query: str, *, max_results: int) -> SearchResponse:
        data = self.request("GET", self.url, query=query, params={"q": query, "count": min(max_results, 20)},
                            headers={"X-Subscription-Token": self.api_key, "Accept": "application/json"})
        if not isinstance(data, dict):
            raise BadResponse(f"brave: the answer for {query!r} is not an object", backend=self.name)
        web = data.get("web")
        if web is None:  # Brave leaves out "web" when nothing matched
            return SearchResponse(provider=self.name, query=query, results=(), fetched_at=now())
        return self.results(web.get("results") if isinstance(web, dict) else None, query,
                            ("url", "title", "description", "page_age"), max_results)


class TavilySearch(HttpProvider):
    """Tavily: POST /search with a bearer key; results in results (HTTP 432/433: plan or credit limit)."""

    name = "tavily"
    quota_statuses = (402, 432, 433)

    def __init__(self, *, api_key: str, url: str, timeout_s: float = 10.0) -> None:
        if not api_key:
            raise ConfigError("search provider tavily needs tavily_api_key (VERACITY_TAVILY_API_KEY)")
        super().__init__(timeout_s=timeout_s)
        self.api_key, self.url = api_key, url

    def search(self, query: str, *, max_results: int) -> SearchResponse:
        data = self.request("POST", self.url, query=query, json={"query": query, "max_results": max_results},
                            headers={"Authorization": f"Bearer {self.api_key}"})
        return self.results(data.get("results") if isinstance(data, dict) else None, query,
                            ("url", "title", "content", "published_date"), max_results)


class GoogleFactCheckSearch(HttpProvider):
    """Google Fact Check Tools claims:search: ClaimReview records by fact-checkers. Their review pages are
    results like any other; the records themselves travel in SearchResponse.claim_reviews."""

    name = "google_factcheck"

    def __init__(self, *, api_key: str, url: str, timeout_s: float = 10.0) -> None:
        if not api_key:
            raise ConfigError("search provider google_factcheck needs google_factcheck_api_key "
                              "(VERACITY_GOOGLE_FACTCHECK_API_KEY)")
        super().__init__(timeout_s=timeout_s)
        self.api_key, self.url = api_key, url

    def search(self, query: str, *, max_results: int) -> SearchResponse:
        data = self.request("GET", self.url, query=query,
                            params={"query": query, "pageSize": max_results, "key": self.api_key})
        if not isinstance(data, dict):
            raise BadResponse(f"google_factcheck: the answer for {query!r} is not an object", backend=self.name)
        claims = data.get("claims", [])  # the API answers {} when no claim matched
        if not isinstance(claims, list):
            raise BadResponse(f"google_factcheck: 'claims' for {query!r} is not a list", backend=self.name)
        records: list[ClaimReview] = []
        titles: dict[str, str] = {}
        for claim in claims:
            reviews = claim.get("claimReview") if isinstance(claim, dict) else None
            if not isinstance(reviews, list):
                raise BadResponse(f"google_factcheck: a claim for {query!r} has no claimReview", backend=self.name)
            for review in reviews:
                if not isinstance(review, dict) or not isinstance(review.get("url"), str):
                    raise BadResponse(f"google_factcheck: a review for {query!r} has no url", backend=self.name)
                publisher = review.get("publisher") or {}
                records.append(ClaimReview(
                    claim=str(claim.get("text") or ""), rating=str(review.get("textualRating") or "") or None,
                    publisher=str(publisher.get("name") or publisher.get("site") or "") or None,
                    published=parse_date(review.get("reviewDate")), url=review["url"], origin="claims:search"))
                titles[review["url"]] = str(review.get("title") or claim.get("text") or "")
        records = records[:max_results]
        results = tuple(SearchResult(url=str(r.url), title=titles.get(str(r.url)) or r.claim,
                                     snippet=f"{r.publisher}: {r.rating}", provider=self.name, rank=i,
                                     published=r.published) for i, r in enumerate(records, 1))
        return SearchResponse(provider=self.name, query=query, results=results, claim_reviews=tuple(records),
                              fetched_at=now())


class DuckDuckGoSearch:
    """DuckDuckGo's HTML endpoint through `ddgs` (best-effort, no key). Only ddgs's DuckDuckGo engine is used,
    posting to `url` (duckduckgo_url), so no other engine or address is contacted."""

    name = "duckduckgo"

    def __init__(self, *, url: str, timeout_s: float = 10.0) -> None:
        self.url = url
        self.timeout_s = timeout_s

    def search(self, query: str, *, max_results: int) -> SearchResponse:
        try:
            from ddgs.engines.duckduckgo import Duckduckgo
            from ddgs.exceptions import DDGSException, TimeoutException
        except ImportError as exc:
            raise ConfigError("search provider duckduckgo needs the ddgs package: pip install 'veracity[duckduckgo]'"
                              ) from exc

        engine = Duckduckgo(proxy=environment_proxy(self.url), timeout=max(1, round(self.timeout_s)), verify=True)
        engine.search_url = self.url
        try:
            found = engine.search(query)
        except TimeoutException as exc:
            raise SearchTimeout(f"duckduckgo: no answer within {self.timeout_s:g} s for {query!r}",
                                backend=self.name, retryable=True) from exc
        except DDGSException as exc:
            raise BadResponse(f"duckduckgo: {exc} for {query!r}", backend=self.name, retryable=True) from exc
        if found is None:  # ddgs gives None for any status but 200 (DuckDuckGo throttles with 202 or 403)
            raise RateLimited(f"duckduckgo: no result page for {query!r} (DuckDuckGo throttles keyless searches; "
                              "try again later or configure another provider)", backend=self.name, retryable=True)
        results = tuple(SearchResult(url=r.href, title=r.title, snippet=r.body, provider=self.name, rank=i)
                        for i, r in enumerate((r for r in found if r.href), 1) if i <= max_results)
        return SearchResponse(provider=self.name, query=query, results=results, fetched_at=now())
