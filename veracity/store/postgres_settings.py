"""The PostgreSQL store's settings, declared by the store's plugin (hook register_settings) rather than in
veracity's core Settings: `settings.section(PostgresSettings)` reads them typed. No driver is imported here."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..hookspecs import Register, hookimpl


@dataclass(frozen=True)
class PostgresSettings:
    pg_ef_search: int = field(default=800, metadata={"help": (
        "PostgreSQL store: HNSW candidate list per dense query (higher: better recall, slower; at least the number "
        "of passages asked for, at most 1000)")})
    pg_replica: str = field(default="", metadata={"help": (
        "PostgreSQL store: URI of a read replica (a streaming standby) that serves searches; empty: the primary "
        "does. A worker's own writes are searched on the primary until the replica has replayed them")})
    pg_candidate_budget: int = field(default=3000, metadata={"help": (
        "PostgreSQL store: summed document frequency of the rarest query terms that bring lexical candidates "
        "(higher: closer to exhaustive BM25, slower)")})


@hookimpl
def register_settings(register: Register) -> None:
    register("postgres", PostgresSettings)
