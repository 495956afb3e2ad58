"""The plugin manager: veracity's hooks (hookspecs), the built-in plugins that declare settings, and every
module of the `veracity` entry-point group, collected once per process.

It imports no backend: `Settings` asks it which settings the plugins declare before any backend is chosen, and
`plugins.registry()` adds veracity's own backends (default_plugins) when it first builds the table of backends.
"""

from __future__ import annotations

import pluggy

from . import hookspecs

_manager: pluggy.PluginManager | None = None


def manager() -> pluggy.PluginManager:
    global _manager
    if _manager is None:
        from .sources import provider_settings
        from .store import postgres_settings

        pm = pluggy.PluginManager("veracity")
        pm.add_hookspecs(hookspecs)
        pm.register(postgres_settings, name="veracity.store.postgres_settings")
        pm.register(provider_settings, name="veracity.sources.provider_settings")
        pm.load_setuptools_entrypoints("veracity")
        _manager = pm
    return _manager


def declared_settings() -> list[tuple[str, str, type]]:
    """(plugin, name it registered, dataclass) of every settings section the plugins declare, built-ins first."""
    found: list[tuple[str, str, type]] = []
    for impl in manager().hook.register_settings.get_hookimpls():
        def register(name: str, section: object, *, _plugin: str = impl.plugin_name) -> None:
            if not isinstance(section, type):
                raise TypeError(f"plugin {_plugin} registered settings {name!r} that are not a dataclass")
            found.append((_plugin, name, section))

        impl.function(register=register)
    return found
