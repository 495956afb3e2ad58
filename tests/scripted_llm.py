"""A scripted language model at veracity's own seam (the llm.LLM protocol): no vendor SDK underneath.

Each step is a function of the request (messages, schema, max_tokens) that returns a Completion or raises
LLMError, so a test states exactly how the model behaves: faithful, careless, broken or obedient to a
prompt injection.
"""

from __future__ import annotations

import json
import re

from veracity.errors import LLMError
from veracity.llm import Completion, Message


class ScriptedLLM:
    name = "scripted"

    def __init__(self, *steps) -> None:
        self.steps = list(steps)
        self.requests: list[list[Message]] = []

    def complete(self, messages, *, schema, max_tokens, temperature):
        self.requests.append(list(messages))
        if not self.steps:
            raise AssertionError("the pipeline made more LLM calls than the script has steps")
        step = self.steps.pop(0)
        return step(messages, schema, max_tokens)

    def ping(self) -> str:
        return "scripted"

    @property
    def prompts(self) -> str:
        return "\n".join(m.content for request in self.requests for m in request)


def answer(payload, finish: str = "stop", wrap: str = "{}"):
    """A step that returns `payload` (a dict, or a function of the prompt text giving one) as JSON."""
    def step(messages, schema, max_tokens):
        body = payload(messages[-1].content) if callable(payload) else payload
        text = wrap.replace("{}", json.dumps(body)) if isinstance(body, dict) else body
        return Completion(text=text, tokens_in=sum(len(m.content.split()) for m in messages),
                          tokens_out=len(text.split()), finish_reason=finish)
    return step


def fail(message: str = "connection refused", retryable: bool = True):
    def step(messages, schema, max_tokens):
        raise LLMError(message, backend="scripted", retryable=retryable)
    return step


PLAN = {"claim": "", "queries": ["Chicago police ICE cooperation"], "sub_questions": [], "claims": []}


def evidence_lines(prompt: str) -> list[list[tuple[int, str]]]:
    """The findings of a write prompt: [(source number, quote), ...] per finding."""
    findings: list[list[tuple[int, str]]] = []
    for line in prompt.splitlines():
        if line.startswith("Finding "):
            findings.append([])
        elif (m := re.match(r"\[(\d+)\] (.*)", line)) and findings:
            findings[-1].append((int(m.group(1)), m.group(2)))
    return findings


def faithful(prompt: str, extra: str = "") -> dict:
    """A report whose sentences restate the evidence and cite it (`extra` is appended to the first one)."""
    findings = evidence_lines(prompt)
    first = findings[0][0]
    return {"summary": [f"{first[1].rstrip('.')}{extra} [{first[0]}]."],
            "findings": [{"heading": "What the sources report",
                          "sentences": [f"{q.rstrip('.')} [{n}]." for n, q in f[:2]]} for f in findings],
            "bottom_line": f"{first[1].rstrip('.')} [{first[0]}].",
            "follow_up_questions": ["What did the city say later?", "Which records were shared?"]}
