"""Every setting once, as data: name, default, help. Precedence: defaults < environment < explicit."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from platformdirs import user_data_dir

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

    def __post_init__(self) -> None:
        if self.db is None:
            object.__setattr__(self, "db", default_db())

    @classmethod
    def load(cls, **overrides) -> "Settings":
        """Defaults, then VERACITY_<NAME> environment variables, then non-None overrides."""
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"VERACITY_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "db" in values:
            values["db"] = Path(values["db"]).expanduser()
        return replace(cls(), **values)


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
