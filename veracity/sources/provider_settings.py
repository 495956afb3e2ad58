"""Each built-in web search provider's own settings (its endpoint and API key), declared by the provider's plugin
(hook register_settings) rather than in veracity's core Settings; the factories in sources/default.py read them
typed with `settings.section(...)`. Nothing heavy is imported here: settings are resolved before any backend."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..hookspecs import Register, hookimpl


@dataclass(frozen=True)
class SearxngSettings:
    searxng_url: str = field(default="", metadata={"help": "SearXNG: base URL of your instance, e.g. "
                                                            "http://127.0.0.1:8888"})


@dataclass(frozen=True)
class BraveSettings:
    brave_api_key: str = field(default="", metadata={"help": "Brave Search API key (keep it in the environment or "
                                                              "the config file)"})
    brave_url: str = field(default="https://api.search.brave.com/res/v1/web/search",
                           metadata={"help": "Brave Search API endpoint"})


@dataclass(frozen=True)
class TavilySettings:
    tavily_api_key: str = field(default="", metadata={"help": "Tavily API key"})
    tavily_url: str = field(default="https://api.tavily.com/search", metadata={"help": "Tavily search endpoint"})


@dataclass(frozen=True)
class GoogleFactCheckSettings:
    google_factcheck_api_key: str = field(default="", metadata={"help": "Google Fact Check Tools API key "
                                                                         "(claims:search)"})
    google_factcheck_url: str = field(default="https://factchecktools.googleapis.com/v1alpha1/claims:search",
                                      metadata={"help": "Google Fact Check Tools claims:search endpoint"})


@dataclass(frozen=True)
class DuckDuckGoSettings:
    duckduckgo_url: str = field(default="https://html.duckduckgo.com/html/", metadata={"help": (
        "DuckDuckGo: the HTML endpoint ddgs posts to (change it only for a local mirror)")})


@hookimpl
def register_settings(register: Register) -> None:
    register("searxng", SearxngSettings)
    register("brave", BraveSettings)
    register("tavily", TavilySettings)
    register("duckduckgo", DuckDuckGoSettings)
    register("google_factcheck", GoogleFactCheckSettings)
