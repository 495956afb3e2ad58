"""A GGUF model in this process through llama-cpp-python (the optional extra `veracity[gguf]`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import ConfigError, LLMError
from . import Completion, Message


class LlamaCppInProcess:
    def __init__(self, model_path: str | Path, n_ctx: int = 4096) -> None:
        path = Path(model_path).expanduser()
        if not path.is_file():
            raise ConfigError(f"GGUF file {path} does not exist; give the path of a .gguf model with --gguf")
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ConfigError("the in-process GGUF backend needs llama-cpp-python: "
                              "pip install 'veracity[gguf]'") from exc
        self.name = path.name
        try:
            self._llama = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=os.cpu_count(), verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"llama.cpp cannot load {path}: {exc}", backend="gguf") from exc

    def complete(self, messages: list[Message], *, schema: dict[str, Any] | None, max_tokens: int,
                 temperature: float) -> Completion:
        try:
            chat: list[Any] = [{"role": m.role, "content": m.content} for m in messages]
            out: Any = self._llama.create_chat_completion(
                messages=chat, max_tokens=max_tokens,
                temperature=temperature,
                response_format={"type": "json_object", "schema": schema} if schema is not None else None)
        except (ValueError, RuntimeError) as exc:  # e.g. the prompt does not fit the context
            raise LLMError(f"llama.cpp failed: {exc}", backend="gguf") from exc
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return Completion(text=choice["message"].get("content") or "", tokens_in=usage.get("prompt_tokens", 0),
                          tokens_out=usage.get("completion_tokens", 0),
                          finish_reason=choice.get("finish_reason") or "stop")

    def ping(self) -> str:
        return f"{self.name} is loaded in this process"
