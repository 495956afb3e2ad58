"""The one plugin door: every backend (store, embedder, search provider, LLM) registers here.

Built-ins use the same door as third-party packages: a module with a function decorated by
`hookimpl` named `register_backends(registry)`, found through the `veracity` entry-point group.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

from .errors import ConfigError

hookspec = pluggy.HookspecMarker("veracity")
hookimpl = pluggy.HookimplMarker("veracity")
KINDS = ("store", "embedder", "search", "stance", "llm")


class Specs:
    @hookspec
    def register_backends(self, registry: Registry) -> None:
        """Add backend factories with registry.add(kind, name, factory)."""


class Registry:
    def __init__(self) -> None:
        self._factories: dict[tuple[str, str], Callable[..., Any]] = {}

    def add(self, kind: str, name: str, factory: Callable[..., Any]) -> None:
        if kind not in KINDS:
            raise ConfigError(f"unknown backend kind {kind!r}; use one of {', '.join(KINDS)}")
        self._factories[(kind, name)] = factory

    def names(self, kind: str) -> list[str]:
        return sorted(name for k, name in self._factories if k == kind)

    def create(self, kind: str, name: str, **options: Any) -> Any:
        try:
            factory = self._factories[(kind, name)]
        except KeyError:
            known = ", ".join(self.names(kind)) or "none"
            raise ConfigError(f"no {kind} backend named {name!r}; installed: {known}") from None
        return factory(**options)


_registry: Registry | None = None


def registry() -> Registry:
    global _registry
    if _registry is None:
        manager = pluggy.PluginManager("veracity")
        manager.add_hookspecs(Specs)
        from . import builtins

        manager.register(builtins)
        manager.load_setuptools_entrypoints("veracity")
        _registry = Registry()
        manager.hook.register_backends(registry=_registry)
    return _registry
