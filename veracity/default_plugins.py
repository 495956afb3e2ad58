"""The backends that ship with veracity, registered through the same hooks as any third-party plugin.

Imports stay inside the hooks: listing the installed backends loads no model and no driver. The settings these
backends read beyond veracity's own are declared by their plugins: store/postgres_settings.py (pg_*) and
sources/provider_settings.py (each search provider's URL and key).
"""

from __future__ import annotations

from .hookspecs import Register, hookimpl


@hookimpl
def register_stores(register: Register) -> None:
    from .settings import Settings

    def sqlite(*, path: str, create: bool = True, settings: Settings | None = None) -> object:
        from .store.sqlite import SqliteStore

        return SqliteStore(path, create=create)

    def postgres(*, path: str, create: bool = True, settings: Settings | None = None) -> object:
        from .store.postgres import PostgresStore  # psycopg loads only when a PostgreSQL store is opened

        from .store.postgres_settings import PostgresSettings

        # the settings the caller resolved (file, environment, arguments), never read again here
        tuning = (settings or Settings()).section(PostgresSettings)
        return PostgresStore(path, create=create, ef_search=tuning.pg_ef_search,
                             candidate_budget=tuning.pg_candidate_budget, replica=tuning.pg_replica or None)

    register("sqlite", sqlite)

    register("postgres", postgres)


@hookimpl
def register_embedders(register: Register) -> None:
    from .embed import MiniLMEmbedder

    register("minilm", MiniLMEmbedder)


@hookimpl
def register_stance_models(register: Register) -> None:
    from .stance import MiniLMStance

    register("minilm", MiniLMStance)


@hookimpl
def register_llms(register: Register) -> None:
    from .llm.gguf import LlamaCppInProcess
    from .llm.openai import OpenAICompatible

    register("openai", OpenAICompatible)
    register("gguf", LlamaCppInProcess)


@hookimpl
def register_search_providers(register: Register) -> None:
    from .sources.default import brave, duckduckgo, google_factcheck, searxng, tavily

    register("searxng", searxng)
    register("brave", brave)
    register("tavily", tavily)
    register("duckduckgo", duckduckgo)
    register("google_factcheck", google_factcheck)


@hookimpl
def register_fetchers(register: Register) -> None:
    from .sources.default import httpx_fetcher

    register("httpx", httpx_fetcher)
