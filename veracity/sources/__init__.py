"""The web as a source of documents (the local collection is read by `veracity.ingest`): search providers, the
fetcher, the SSRF guard, the web archive's runs and replays (`web`, which the pipeline's web stage calls), and a
store scoped to one check's pages (`scope`). Interfaces and outcomes are in `base`."""

from .base import (PAGE_OUTCOMES, SEARCH_OUTCOMES, AuthFailed, BadResponse, Blocked, Fetcher,
                   NotAllowed, Page, Paywalled, QuotaExhausted, RateLimited, Refused, SearchProvider, SearchResponse,
                   SearchResult, SearchTimeout, Timeout, TooLarge, Unextractable, Unusable)

__all__ = ["PAGE_OUTCOMES", "SEARCH_OUTCOMES", "AuthFailed", "BadResponse", "Blocked", "Fetcher",
           "NotAllowed", "Page", "Paywalled", "QuotaExhausted", "RateLimited", "Refused", "SearchProvider",
           "SearchResponse", "SearchResult", "SearchTimeout", "Timeout", "TooLarge", "Unextractable", "Unusable"]
