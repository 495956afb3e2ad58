"""A fallback chain of search providers with a circuit breaker: one provider's outage is a line under Problems,
and the next provider answers. `search_provider = "searxng,duckduckgo"` asks searxng first.

google_factcheck is not a fallback: when it is in the list it is always asked as well, since it answers with
fact-checks (ClaimReview records), not with web results.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from ..errors import ConfigError, SearchError
from ..types import Failure
from .base import AuthFailed, BadResponse, QuotaExhausted, SearchProvider, SearchResponse

ALWAYS_ASKED = ("google_factcheck",)


@dataclass
class Breaker:
    """Per provider: open (skipped) after `threshold` failures in a row, or at once on a failure that waiting
    will not fix soon (a refused key, a used-up quota); half-open again after `cooldown_s`."""

    threshold: int = 2
    cooldown_s: float = 60.0
    failures: dict[str, int] = field(default_factory=dict)
    opened_at: dict[str, float] = field(default_factory=dict)
    # the service's worker threads share one Breaker: each read-and-update of the two dicts holds this lock
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def is_open(self, name: str) -> bool:
        with self.lock:
            opened = self.opened_at.get(name)
            if opened is None:
                return False
            if time.monotonic() - opened >= self.cooldown_s:
                del self.opened_at[name]  # half-open: one more try
                self.failures[name] = self.threshold - 1
                return False
            return True

    def failed(self, name: str, error: SearchError) -> None:
        with self.lock:
            self.failures[name] = self.failures.get(name, 0) + 1
            if self.failures[name] >= self.threshold or isinstance(error, (AuthFailed, QuotaExhausted)):
                self.opened_at[name] = time.monotonic()

    def succeeded(self, name: str) -> None:
        with self.lock:
            self.failures.pop(name, None)
            self.opened_at.pop(name, None)


BREAKER = Breaker()  # shared by the checks of one process


@dataclass
class Chain:
    providers: list[SearchProvider]
    breaker: Breaker = field(default_factory=lambda: BREAKER)

    def __post_init__(self) -> None:
        if not self.providers:
            raise ConfigError("no search provider: set search_provider (e.g. duckduckgo, or searxng with "
                              "searxng_url; several separated by commas form a fallback chain)")

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.providers]

    def search(self, query: str, *, max_results: int, failures: list[Failure]) -> list[SearchResponse]:
        """The first answering fallback provider's response, plus those of the always-asked ones. Each provider
        that fails or is skipped adds a Failure; an empty list means nobody answered."""
        answers: list[SearchResponse] = []
        answered = False
        for provider in self.providers:
            always = provider.name in ALWAYS_ASKED
            if answered and not always:
                continue
            if self.breaker.is_open(provider.name):
                failures.append(Failure("search", f"{provider.name}: skipped for {query!r} (circuit open after "
                                                  "repeated failures)"))
                continue
            try:
                response = provider.search(query, max_results=max_results)
            except SearchError as exc:
                self.breaker.failed(provider.name, exc)
                failures.append(Failure("search", f"{type(exc).__name__}: {exc}"))
                continue
            except Exception as exc:  # a plugin's (or a library's) own error: a line under Problems, not a crash
                error = BadResponse(f"{provider.name}: failed for {query!r} ({type(exc).__name__}: {exc})",
                                    backend=provider.name)
                self.breaker.failed(provider.name, error)
                failures.append(Failure("search", f"BadResponse: {error}"))
                continue
            self.breaker.succeeded(provider.name)
            answers.append(response)
            answered = answered or not always
        return answers
