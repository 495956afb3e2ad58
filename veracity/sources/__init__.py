"""What supplies documents: the local collection (ingest) and the web: search providers, the fetcher, the
SSRF guard, and the step that adds web pages to a check (`web`). Interfaces and outcomes are in `base`."""

from .base import (PAGE_OUTCOMES, SEARCH_OUTCOMES, AuthFailed, BadResponse, Blocked, Fetcher,
                   NotAllowed, Page, Paywalled, QuotaExhausted, RateLimited, Refused, SearchProvider, SearchResponse,
                   SearchResult, SearchTimeout, Timeout, TooLarge, Unextractable, Unusable)

__all__ = ["PAGE_OUTCOMES", "SEARCH_OUTCOMES", "AuthFailed", "BadResponse", "Blocked", "Fetcher",
           "NotAllowed", "Page", "Paywalled", "QuotaExhausted", "RateLimited", "Refused", "SearchProvider",
           "SearchResponse", "SearchResult", "SearchTimeout", "Timeout", "TooLarge", "Unextractable", "Unusable"]
