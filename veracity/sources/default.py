"""Factories for the web backends that ship with veracity: each takes the settings and returns the backend.
A third-party search provider or fetcher is registered the same way (hook register_search_providers /
register_fetchers) and is called with `settings=`."""

from __future__ import annotations

from ..settings import Settings
from .fetch import HttpxFetcher
from .providers import BraveSearch, DuckDuckGoSearch, GoogleFactCheckSearch, SearxngSearch, TavilySearch


def searxng(*, settings: Settings) -> SearxngSearch:
    return SearxngSearch(url=settings.searxng_url, timeout_s=settings.web_timeout_s)


def brave(*, settings: Settings) -> BraveSearch:
    return BraveSearch(api_key=settings.brave_api_key, url=settings.brave_url, timeout_s=settings.web_timeout_s)


def tavily(*, settings: Settings) -> TavilySearch:
    return TavilySearch(api_key=settings.tavily_api_key, url=settings.tavily_url, timeout_s=settings.web_timeout_s)


def duckduckgo(*, settings: Settings) -> DuckDuckGoSearch:
    return DuckDuckGoSearch(url=settings.duckduckgo_url, timeout_s=settings.web_timeout_s)


def google_factcheck(*, settings: Settings) -> GoogleFactCheckSearch:
    return GoogleFactCheckSearch(api_key=settings.google_factcheck_api_key, url=settings.google_factcheck_url,
                                 timeout_s=settings.web_timeout_s)


def httpx_fetcher(*, settings: Settings) -> HttpxFetcher:
    return HttpxFetcher(timeout_s=settings.web_timeout_s, max_bytes=settings.web_max_bytes,
                        concurrency=settings.web_concurrency, allow_hosts=settings.web_allow_hosts,
                        deny_domains=settings.web_deny_domains)
