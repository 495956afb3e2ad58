"""The plugin door: one hook per backend kind.

A plugin is a module (or object) with functions decorated by `hookimpl`, found through the `veracity`
entry-point group; veracity's own backends are registered the same way, as the default plugins
(`veracity/default_plugins.py`). Each hook receives a `register(name, factory)` callable:

    from veracity.hookspecs import hookimpl

    @hookimpl
    def register_stance_models(register):
        register("my-model", MyStanceModel)

A factory is called with the backend's options as keyword arguments and returns an object that meets the
kind's interface: `Store` (veracity.store.base), `Embedder` (veracity.embed), `StanceModel`
(veracity.stance), `LLM` (veracity.llm), and for web sources `SearchProvider` and `Fetcher`
(veracity.sources).

A plugin's own settings (a server URL, an API key, a tuning knob) are declared by the plugin, not in
veracity's Settings: `register_settings` registers a frozen dataclass whose fields carry a default and
`metadata={"help": ...}`. They are then set like any setting (config file, VERACITY_<NAME>, `Settings(name=...)`)
and listed in the docs, and the factory reads them typed with `settings.section(TheDataclass)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import pluggy

hookspec = pluggy.HookspecMarker("veracity")
hookimpl = pluggy.HookimplMarker("veracity")


class Register(Protocol):
    def __call__(self, name: str, factory: Callable[..., object]) -> None: ...


@hookspec
def register_stores(register: Register) -> None:
    """Store backends (documents, passages, vectors, checks, jobs), chosen by the `store` setting."""


@hookspec
def register_embedders(register: Register) -> None:
    """Embedders (text -> unit vectors), chosen by the `embedder` setting."""


@hookspec
def register_stance_models(register: Register) -> None:
    """Stance models (claim, evidence -> supports / refutes / neutral), chosen by the `stance` setting."""


@hookspec
def register_llms(register: Register) -> None:
    """Language-model backends for LLM mode, chosen by the `llm_backend` setting."""


@hookspec
def register_search_providers(register: Register) -> None:
    """Web search providers (query -> results), chosen by the `search_provider` setting."""


@hookspec
def register_fetchers(register: Register) -> None:
    """Fetchers (URL -> the bytes and headers received, or why not: sources.base Fetched | Unusable), chosen by
    the `fetcher` setting."""


@hookspec
def register_settings(register: Register) -> None:
    """Settings a plugin's backends read (register(plugin name, frozen dataclass of the settings)); their names
    share one namespace with veracity's own settings, so prefix them with the backend's name."""
