"""Factories for the web backends that ship with veracity: each takes the settings and returns the backend.
A third-party search provider or fetcher is registered the same way (hook register_search_providers /
register_fetchers) and is called with `settings=`; its own settings it declares (hook register_settings) and
reads with `settings.section(...)`, as these do (sources/provider_settings.py)."""

from __future__ import annotations

from ..settings import Settings
from .fetch import HttpxFetcher
from .provider_settings import BraveSettings, DuckDuckGoSettings, GoogleFactCheckSettings, SearxngSettings, TavilySettings
from .providers import BraveSearch, DuckDuckGoSearch, GoogleFactCheckSearch, SearxngSearch, TavilySearch


def searxng(*, settings: Settings) -> SearxngSearch:
    return SearxngSearch(url=settings.section(SearxngSettings).searxng_url, timeout_s=settings.web_timeout_s)


def brave(*, settings: Settings) -> BraveSearch:
    own = settings.section(BraveSettings)
    return BraveSearch(api_key=own.brave_api_key, url=own.brave_url, timeout_s=settings.web_timeout_s)


def tavily(*, settings: Settings) -> TavilySearch:
    own = settings.section(TavilySettings)
    return TavilySearch(api_key=own.tavily_api_key, url=own.tavily_url, timeout_s=settings.web_timeout_s)


def duckduckgo(*, settings: Settings) -> DuckDuckGoSearch:
    return DuckDuckGoSearch(url=settings.section(DuckDuckGoSettings).duckduckgo_url, timeout_s=settings.web_timeout_s)


def google_factcheck(*, settings: Settings) -> GoogleFactCheckSearch:
    own = settings.section(GoogleFactCheckSettings)
    return GoogleFactCheckSearch(api_key=own.google_factcheck_api_key, url=own.google_factcheck_url,
                                 timeout_s=settings.web_timeout_s)


def httpx_fetcher(*, settings: Settings) -> HttpxFetcher:
    return HttpxFetcher(timeout_s=settings.web_timeout_s, max_bytes=settings.web_max_bytes,
                        concurrency=settings.web_concurrency, allow_hosts=settings.web_allow_hosts,
                        deny_domains=settings.web_deny_domains)
