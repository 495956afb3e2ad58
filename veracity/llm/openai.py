"""Any OpenAI-compatible chat server: Ollama, llama.cpp, vLLM, LM Studio, or a hosted API.

Structured output is asked for the standard way (response_format json_schema). Servers that only know
the older {"type": "json_object", "schema": ...} form reject that with a 4xx answer (llama-cpp-python's
server: a 500 naming json_object); the client then switches to the older form for the rest of the session.
"""

from __future__ import annotations

from typing import Any

import httpx

from ..errors import LLMError
from . import Completion, Message


class OpenAICompatible:
    def __init__(self, url: str, model: str, api_key: str | None = None, timeout_s: float = 60.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        if not url.startswith(("http://", "https://")):
            raise LLMError(f"--llm {url!r} is not an http(s) URL; give the server's OpenAI-compatible base, "
                           "e.g. http://127.0.0.1:11434/v1", backend="openai")
        self.url = url.rstrip("/")
        self.name = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=self.url, headers=headers, timeout=timeout_s, transport=transport)
        self._json_form = "json_schema"

    def _post(self, body: dict[str, Any]) -> httpx.Response:
        try:
            return self._client.post("/chat/completions", json=body)
        except httpx.TimeoutException as exc:
            raise LLMError(f"the LLM at {self.url} did not answer within {self._client.timeout.read} s "
                           "(raise VERACITY_LLM_TIMEOUT_S or use a smaller model)", backend="openai",
                           retryable=True) from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"cannot reach the LLM at {self.url} ({type(exc).__name__}: {exc}); start the server "
                           "or fix --llm", backend="openai", retryable=True) from exc

    def complete(self, messages: list[Message], *, schema: dict[str, Any] | None, max_tokens: int,
                 temperature: float) -> Completion:
        body = {"model": self.name, "messages": [{"role": m.role, "content": m.content} for m in messages],
                "max_tokens": max_tokens, "temperature": temperature}
        for _ in range(2):
            if schema is not None:
                body["response_format"] = (
                    {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema, "strict": True}}
                    if self._json_form == "json_schema" else {"type": "json_object", "schema": schema})
            response = self._post(body)
            rejected_form = response.status_code in (400, 422) or (
                response.status_code >= 500 and "json_object" in response.text)  # llama-cpp-python answers 500
            if rejected_form and schema is not None and self._json_form == "json_schema":
                self._json_form = "json_object"  # an older server: ask again in the form it knows
                continue
            break
        self._refuse(response)
        return self._completion(response)

    def _refuse(self, response: httpx.Response) -> None:
        """An LLMError that says what to fix, for an answer that is not a success."""
        if response.status_code in (401, 403):
            raise LLMError(f"the LLM at {self.url} refused the request ({response.status_code}); set the API key in "
                           "VERACITY_LLM_API_KEY or the config file", backend="openai")
        if response.status_code == 404:
            raise LLMError(f"the LLM at {self.url} has no /chat/completions or no model {self.name!r} (404); check "
                           "--llm (it usually ends in /v1) and --model", backend="openai")
        if response.status_code == 429 or response.status_code >= 500:
            raise LLMError(f"the LLM at {self.url} answered {response.status_code}", backend="openai", retryable=True)
        if response.status_code >= 400:
            raise LLMError(f"the LLM at {self.url} rejected the request ({response.status_code}: "
                           f"{response.text[:160]})", backend="openai")

    def _completion(self, response: httpx.Response) -> Completion:
        try:
            data = response.json()
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"the LLM at {self.url} answered something that is not a chat completion "
                           f"({response.text[:80]!r})", backend="openai", retryable=True) from exc
        usage = data.get("usage") or {}
        return Completion(text=text, tokens_in=int(usage.get("prompt_tokens") or 0),
                          tokens_out=int(usage.get("completion_tokens") or 0),
                          finish_reason=choice.get("finish_reason") or "stop")

    def ping(self) -> str:
        try:
            response = self._client.get("/models", timeout=5.0)
            response.raise_for_status()
            names = [m.get("id", "?") for m in response.json().get("data", [])]
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            raise LLMError(f"the LLM at {self.url} does not answer ({type(exc).__name__}: {exc})",
                           backend="openai") from exc
        served = ", ".join(names[:5]) or "no models listed"
        return f"{self.url} answers; it serves {served}"
