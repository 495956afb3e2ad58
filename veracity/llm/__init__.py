"""Language models behind one small interface: chat messages in, a Completion out.

Backends (an OpenAI-compatible HTTP server, an in-process GGUF file) register through the plugin door
as kind "llm". `ask()` adds what every backend needs and no backend should repeat: JSON-schema output
parsed into a pydantic model, <think> blocks stripped, retries with backoff where a retry can help, a
hard cap on calls per check, and tokens and seconds counted per stage.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import LLMError
from ..types import Usage


@dataclass(frozen=True)
class Message:
    role: str  # system | user | assistant
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    tokens_in: int
    tokens_out: int
    finish_reason: str  # "stop", or "length" when the output was cut at max_tokens


class LLM(Protocol):
    name: str  # the model, as reports and `veracity models` show it

    def complete(self, messages: list[Message], *, schema: dict[str, Any] | None, max_tokens: int,
                 temperature: float) -> Completion:
        """One chat completion; schema, when given, constrains the output to that JSON schema.
        Raises LLMError (retryable=True for timeouts, refused connections and 5xx answers)."""

    def ping(self) -> str:
        """A short line saying what answers; raises LLMError when nothing does."""


@dataclass
class Ledger:
    """LLM usage of one check, per stage, with a hard cap on the number of calls."""

    max_calls: int = 4
    budget_s: float = 0.0  # no new call starts once the calls have taken this long in all (0: no limit)
    stages: dict[str, Usage] = field(default_factory=dict)

    @property
    def calls(self) -> int:
        return sum(u.calls for u in self.stages.values())

    def record(self, stage: str, seconds: float, completion: Completion | None = None) -> None:
        u = self.stages.get(stage, Usage())
        self.stages[stage] = replace(u, calls=u.calls + 1, seconds=round(u.seconds + seconds, 3),
                                     tokens_in=u.tokens_in + (completion.tokens_in if completion else 0),
                                     tokens_out=u.tokens_out + (completion.tokens_out if completion else 0))

    def total(self) -> Usage:
        return Usage(calls=self.calls, tokens_in=sum(u.tokens_in for u in self.stages.values()),
                     tokens_out=sum(u.tokens_out for u in self.stages.values()),
                     seconds=round(sum(u.seconds for u in self.stages.values()), 3))

    def report(self, model: str) -> Usage:
        """The check's usage as its report gives it: the model, the total, and each stage."""
        return replace(self.total(), model=model, stages=dict(self.stages))


THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)


def json_text(text: str) -> str:
    """The JSON object in a model's answer: <think> blocks, a stray </think> preamble and code fences removed."""
    text = THINK.sub("", text)
    if "</think>" in text.lower():
        text = text[text.lower().rindex("</think>") + len("</think>"):]
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise LLMError(f"the model answered without a JSON object: {text.strip()[:80]!r}")
    return text[start:end + 1]


T = TypeVar("T", bound=BaseModel)


def ask(llm: LLM, messages: list[Message], model: type[T], *, stage: str, ledger: Ledger, max_tokens: int = 700,
        schema: dict[str, Any] | None = None, retries: int = 1, backoff_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep) -> T:
    """One logical request, parsed into `model` (`schema`, when given, is a tighter form of the model's own).
    Retries (within the ledger's call cap) on a retryable backend error, a truncated answer (with more
    room) or invalid JSON; raises LLMError when all fail."""
    schema = schema or model.model_json_schema()
    problem: LLMError | None = None
    for attempt in range(retries + 1):
        if ledger.calls >= ledger.max_calls:
            raise problem or LLMError(f"the check's budget of {ledger.max_calls} LLM calls is spent", backend=llm.name)
        if ledger.budget_s and ledger.total().seconds >= ledger.budget_s:
            raise LLMError(f"the check's LLM time budget of {ledger.budget_s:g} s is spent", backend=llm.name)
        started = time.perf_counter()
        try:
            completion = llm.complete(messages, schema=schema, max_tokens=max_tokens, temperature=0.0)
        except LLMError as exc:
            ledger.record(stage, time.perf_counter() - started)
            if not exc.retryable:
                raise
            problem = exc
            sleep(backoff_s * 2 ** attempt)
            continue
        ledger.record(stage, time.perf_counter() - started, completion)
        if completion.finish_reason == "length":
            problem = LLMError(f"the model's answer was cut off at {max_tokens} tokens", backend=llm.name)
            max_tokens = int(max_tokens * 1.5)
            continue
        try:
            return model.model_validate_json(json_text(completion.text))
        except (LLMError, ValidationError, json.JSONDecodeError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if isinstance(exc, ValidationError):
                e = exc.errors()[0]
                first = f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            problem = LLMError(f"the model's answer is not the JSON asked for ({first})", backend=llm.name)
    assert problem is not None
    raise problem
