"""Every setting once, as data: name, default, help. Precedence: defaults < environment < explicit."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

from .errors import ConfigError


def default_db() -> Path:
    return Path(user_data_dir("veracity", appauthor=False)) / "veracity.db"


def _setting(default, help: str):
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    db: Path = _setting(None, "SQLite store file (default: per-user data directory)")
    store: str = _setting("sqlite", "store backend name, from the plugin registry")
    embedder: str = _setting("minilm", "embedder backend name, from the plugin registry")
    max_file_bytes: int = _setting(20_000_000, "files larger than this are skipped at ingest")
    passage_chars: int = _setting(420, "target passage length in characters (whole sentences)")
    search_limit: int = _setting(10, "passages shown by `veracity search`")
    gather_per_query: int = _setting(30, "passages kept per query and per retriever before fusion")
    max_evidence: int = _setting(12, "evidence sentences selected for a report")
    max_per_document: int = _setting(4, "evidence sentences at most from one document")
    relevance_threshold: float = _setting(
        0.38, "least query-sentence cosine for a sentence to count as evidence; set on SciFact "
              "by benchmarks/relevance_threshold.py (see benchmarks/results/relevance_threshold.json)")
    mmr_lambda: float = _setting(0.7, "relevance vs. diversity trade-off when selecting evidence")
    near_duplicate_jaccard: float = _setting(0.5, "MinHash Jaccard at which two documents share a group")
    llm: str = _setting("", "LLM mode: base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 "
                            "(empty: extractive mode)")
    llm_model: str = _setting("", "LLM mode: the model name the server knows, e.g. qwen2.5:7b")
    llm_api_key: str = _setting("", "LLM mode: API key, if the server wants one (keep it in the environment or "
                                    "the config file, not on the command line)")
    llm_backend: str = _setting("openai", "LLM mode: backend name, from the plugin registry")
    gguf: str = _setting("", "LLM mode without a server: a .gguf file run in-process by llama-cpp-python")
    llm_timeout_s: float = _setting(60.0, "LLM mode: seconds to wait for one answer")
    llm_max_calls: int = _setting(4, "LLM mode: calls at most per check (plan, write, one rewrite, one retry)")
    llm_budget_s: float = _setting(0.0, "LLM mode: no new call starts once a check's calls took this long "
                                        "(0: no limit); with llm_timeout_s it bounds a check's LLM time")
    llm_stance: str = _setting("off", "LLM mode: off, second (the LLM's stance as a second opinion, shown beside "
                                      "the stance model's verdict) or judge (the LLM's stance decides the verdict)")
    support_threshold: float = _setting(0.5, "LLM mode: least p(supports) from the stance model for a written "
                                             "sentence to be printed")

    def __post_init__(self) -> None:
        if self.db is None:
            object.__setattr__(self, "db", default_db())

    @classmethod
    def load(cls, **overrides) -> Settings:
        """Defaults, then the config file, then VERACITY_<NAME> environment variables, then non-None overrides."""
        values = read_config(config_path())
        for f in fields(cls):
            raw = os.environ.get(f"VERACITY_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "db" in values:
            values["db"] = Path(values["db"]).expanduser()
        return replace(cls(), **values)


def config_path() -> Path:
    """VERACITY_CONFIG, else config.toml in the per-user config directory."""
    return Path(os.environ.get("VERACITY_CONFIG") or Path(user_config_dir("veracity", appauthor=False)) / "config.toml")


def read_config(path: Path) -> dict:
    """Settings from a TOML file of `name = value` lines (names as in `veracity settings`); {} when absent."""
    if not path.is_file():
        return {}
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML ({exc}); fix or remove it") from exc
    known = {f.name: f for f in fields(Settings)}
    values = {}
    for name, value in data.items():
        if name not in known:
            raise ConfigError(f"config file {path}: unknown setting {name!r}; known: {', '.join(known)}")
        values[name] = _convert(name, known[name].type, str(value))
    return values


def _convert(name: str, kind, raw: str):
    kind = str(kind)
    try:
        if "int" in kind:
            return int(raw)
        if "float" in kind:
            return float(raw)
    except ValueError as exc:
        raise ConfigError(f"VERACITY_{name.upper()}={raw!r} is not a number; unset it or give a number") from exc
    return raw


def describe() -> list[tuple[str, str, str]]:
    """(name, environment variable, help) for every setting, for docs and tests."""
    return [(f.name, f"VERACITY_{f.name.upper()}", f.metadata["help"]) for f in fields(Settings)]
