"""The backends that ship with veracity, registered through the same door as any plugin."""

from __future__ import annotations

from .plugins import hookimpl


@hookimpl
def register_backends(registry) -> None:
    from .embed import MiniLMEmbedder
    from .llm.gguf import LlamaCppInProcess
    from .llm.openai import OpenAICompatible
    from .stance import MiniLMStance
    from .store.sqlite import SqliteStore

    registry.add("store", "sqlite", SqliteStore)
    registry.add("embedder", "minilm", MiniLMEmbedder)
    registry.add("stance", "minilm", MiniLMStance)
    registry.add("llm", "openai", OpenAICompatible)
    registry.add("llm", "gguf", LlamaCppInProcess)
