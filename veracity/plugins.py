"""Backends by kind and name, collected once per process from the hooks in `hookspecs`.

The default plugins (veracity's own backends) and every module in the `veracity` entry-point group answer
the same hooks. `registry()` builds the table on first use; tests that add a plugin use `plugin()`, which
registers it and takes it away again, so no test leaks a backend into another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .plugin_manager import manager

if TYPE_CHECKING:
    from .embed import Embedder
    from .llm import LLM
    from .stance import StanceModel
    from .store.base import Store

# kind -> the hook that registers it, and the setting that selects it
HOOKS: dict[str, str] = {"store": "register_stores", "embedder": "register_embedders",
                         "stance": "register_stance_models", "llm": "register_llms",
                         "search": "register_search_providers", "fetcher": "register_fetchers"}
SELECTED_BY: dict[str, str] = {"store": "store", "embedder": "embedder", "stance": "stance", "llm": "llm_backend",
                               "search": "search_provider", "fetcher": "fetcher"}
KINDS = tuple(HOOKS)


@dataclass(frozen=True)
class Backend:
    kind: str
    name: str
    plugin: str  # the plugin that registered it ("veracity.default_plugins" for the built-ins)
    factory: Callable[..., object]


class Registry:
    def __init__(self) -> None:
        self._backends: dict[tuple[str, str], Backend] = {}

    def add(self, kind: str, name: str, factory: Callable[..., object], *, plugin: str = "") -> None:
        if kind not in HOOKS:
            raise ConfigError(f"unknown backend kind {kind!r}; use one of {', '.join(KINDS)}")
        self._backends[(kind, name)] = Backend(kind, name, plugin, factory)

    def names(self, kind: str) -> list[str]:
        return sorted(name for k, name in self._backends if k == kind)

    def backends(self) -> list[Backend]:
        return sorted(self._backends.values(), key=lambda b: (KINDS.index(b.kind), b.name))

    def create(self, kind: str, name: str, **options: Any) -> Any:
        try:
            backend = self._backends[(kind, name)]
        except KeyError:
            known = ", ".join(self.names(kind)) or "none"
            setting = SELECTED_BY.get(kind, kind)
            raise ConfigError(f"no {kind} backend named {name!r} (setting {setting}); installed: {known}") from None
        return backend.factory(**options)

    # typed doors for the kinds the core uses
    def store(self, name: str, **options: Any) -> Store:
        store: Store = self.create("store", name, **options)
        return store

    def embedder(self, name: str, **options: Any) -> Embedder:
        embedder: Embedder = self.create("embedder", name, **options)
        return embedder

    def stance_model(self, name: str, **options: Any) -> StanceModel:
        model: StanceModel = self.create("stance", name, **options)
        return model

    def llm(self, name: str, **options: Any) -> LLM:
        llm: LLM = self.create("llm", name, **options)
        return llm


_registry: Registry | None = None
DEFAULT_PLUGINS = "veracity.default_plugins"


def registry() -> Registry:
    global _registry
    if _registry is None:
        table = Registry()
        pm = manager()
        if not pm.has_plugin(DEFAULT_PLUGINS):
            from . import default_plugins

            pm.register(default_plugins, name=DEFAULT_PLUGINS)
        for kind, hook_name in HOOKS.items():
            impls = sorted(getattr(pm.hook, hook_name).get_hookimpls(), key=lambda i: i.plugin_name != DEFAULT_PLUGINS)
            for impl in reversed(impls):  # the built-ins, registered first, are added last
                def register(name: str, factory: Callable[..., object], *, _kind: str = kind,
                             _plugin: str = impl.plugin_name) -> None:
                    table.add(_kind, name, factory, plugin=_plugin)

                impl.function(register=register)
        _registry = table
    return _registry


@contextmanager
def plugin(module: object, name: str | None = None) -> Iterator[Registry]:
    """Register a plugin for the duration of a block (tests, embedding apps), then take it away again."""
    global _registry
    from .settings import forget_declared

    pm = manager()
    pm.register(module, name=name)
    _registry = None
    forget_declared()
    try:
        yield registry()
    finally:
        pm.unregister(module)
        _registry = None
        forget_declared()
