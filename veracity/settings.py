"""Every setting once, as data: name, type, default, help.

veracity's own settings are the fields of `Settings`. A backend's own settings (PostgreSQL's pg_*, a search
provider's URL and key) are declared by its plugin as a frozen dataclass (hook register_settings,
veracity/hookspecs.py); they are set the same ways, by the same names (`Settings(pg_replica=...)`,
VERACITY_PG_REPLICA, `pg_replica = ...` in the config file), and the backend reads them typed with
`settings.section(PostgresSettings)`.

Precedence: defaults < config file < VERACITY_<NAME> environment variables < explicit values (CLI flags or
keyword arguments). Each value is parsed by the type the field declares (str, int, float, bool, Path, or a
tuple of strings), and a bad value is blamed on where it came from: the file and key, the environment
variable, or the flag.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from platformdirs import user_config_dir, user_data_dir

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib


def default_db() -> str:
    return str(Path(user_data_dir("veracity", appauthor=False)) / "veracity.db")


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


S = TypeVar("S")


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, init=False)
class Settings:
    """veracity's settings, and (in `declared`) the values set of the settings plugins declare. Built with keyword
    arguments, any of either kind: `Settings(db="x.db", pg_replica="postgresql://...")`; a name no one declares
    is refused."""

    db: str = _setting("", "the store: a SQLite file, or a postgresql:// URI (default: veracity.db in the per-user "
                           "data directory)")
    store: str = _setting("", "store backend name, from the plugin registry (default: postgres for a "
                              "postgresql:// db, else sqlite)")
    embedder: str = _setting("minilm", "embedder backend name, from the plugin registry")
    stance: str = _setting("minilm", "stance model backend name, from the plugin registry")
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
    web: bool = _setting(False, "every check also searches the web, as check --web (the service's web option)")
    search_provider: str = _setting("", "web search provider, or a fallback chain of them separated by commas "
                                        "(searxng, brave, tavily, duckduckgo, google_factcheck); empty: --web "
                                        "asks you to choose one")
    fetcher: str = _setting("httpx", "web page fetcher backend name, from the plugin registry")
    web_max_results: int = _setting(10, "web: results kept per query (and pages fetched per check at most)")
    web_timeout_s: float = _setting(10.0, "web: seconds for one search request or one page, all redirects included")
    web_max_bytes: int = _setting(10_000_000, "web: pages larger than this are not read (TooLarge)")
    web_concurrency: int = _setting(8, "web: pages fetched at once (at most 2 per host)")
    web_allow_hosts: tuple[str, ...] = _setting((), "web: host:port pairs the fetcher may reach although they are not "
                                                    "public or not on port 80/443 (an intranet, a test server); "
                                                    "empty by default")
    web_deny_domains: tuple[str, ...] = _setting((), "web: domains never fetched (subdomains included)")
    web_cache_hours: float = _setting(24.0, "web: search results are reused for this long (0: never); "
                                            "--refresh bypasses the cache")

    service_workers: int = _setting(2, "service: checks and ingests run at once by `veracity serve` (the rest wait "
                                       "in the queue)")
    api_token: str = _setting("", "service: bearer token (32 characters or more) required for every write (POST, "
                                  "DELETE) when set; required to serve on a non-loopback host, where reads need "
                                  "it too")
    allowed_hosts: tuple[str, ...] = _setting((), "service: host names the service answers to besides the address it "
                                                  "listens on, localhost, 127.0.0.1 and ::1 (the names it is reached "
                                                  "by, a reverse proxy's); a request whose Host header names another "
                                                  "host is refused (400), which stops DNS rebinding")
    session_hours: float = _setting(12.0, "service: a sign-in on /login lasts this long (its cookie carries the "
                                          "signed time it was given)")
    max_question_chars: int = _setting(2000, "service: longest question or claim accepted")
    max_upload_bytes: int = _setting(10_000_000, "service: largest file accepted by POST /api/documents")
    requests_per_minute: int = _setting(600, "service: requests per minute per client address (0: no limit)")
    job_lease_s: float = _setting(30.0, "jobs: seconds a worker holds a job without renewing it; a job whose "
                                        "worker stopped is taken again after this")
    upload_dir: str = _setting("", "service: folder for uploaded files (default: uploads/ beside a SQLite db)")
    declared: Mapping[str, Any] = field(default_factory=dict, hash=False, repr=False)  # plugins' settings set

    def __init__(self, **values: Any) -> None:
        declared = dict(values.pop("declared", None) or {})
        own = own_fields()
        by_plugins = declared_fields()
        for name, value in values.items():
            if name in own:
                continue
            if name not in by_plugins:
                raise TypeError(f"Settings has no setting {name!r}; known: {', '.join(list(own) + list(by_plugins))}")
            declared[name] = value
        for name, f in own.items():
            object.__setattr__(self, name, values[name] if name in values else default(f))
        object.__setattr__(self, "declared", declared)
        self.__post_init__()

    def section(self, declared: type[S]) -> S:
        """A plugin's settings (the dataclass it declared), typed: the values set here, else its defaults."""
        names = {f.name for f in fields(declared)}  # type: ignore[arg-type]
        return declared(**{name: value for name, value in self.declared.items() if name in names})

    def __post_init__(self) -> None:
        if not self.db:
            object.__setattr__(self, "db", default_db())
        elif not self.db.startswith(POSTGRES_SCHEMES):
            object.__setattr__(self, "db", str(Path(self.db).expanduser()))
        if not self.store:
            object.__setattr__(self, "store", "postgres" if self.db.startswith(POSTGRES_SCHEMES) else "sqlite")

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Defaults, then the config file, then VERACITY_<NAME> environment variables, then non-None overrides."""
        known = known_fields()
        values = read_config(config_path())
        for name, f in known.items():
            raw = os.environ.get(env_name(name))
            if raw is not None and raw != "":
                values[name] = parse(f, raw, source=f"environment variable {env_name(name)}")
        for name, value in overrides.items():
            if value is None:
                continue
            if name not in known:
                raise ConfigError(f"unknown setting {name!r}; known: {', '.join(known)}")
            values[name] = parse(known[name], value, source=f"--{name.replace('_', '-')}")
        return cls(**values)


def env_name(name: str) -> str:
    return f"VERACITY_{name.upper()}"


def config_path() -> Path:
    """VERACITY_CONFIG, else config.toml in the per-user config directory."""
    return Path(os.environ.get("VERACITY_CONFIG") or Path(user_config_dir("veracity", appauthor=False)) / "config.toml")


def read_config(path: Path) -> dict[str, Any]:
    """Settings from a TOML file of `name = value` lines (names as in docs/settings.md); {} when absent."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML ({exc}); fix or remove it") from exc
    known = known_fields()
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known:
            raise ConfigError(f"config file {path}: unknown setting {name!r}; known: {', '.join(known)}")
        values[name] = parse(known[name], value, source=f"config file {path}, key {name!r}")
    return values


def default(f: Field[Any]) -> Any:
    return f.default_factory() if callable(f.default_factory) else f.default


def own_fields() -> dict[str, Field[Any]]:
    """veracity's own settings, in order."""
    return {f.name: f for f in fields(Settings) if "help" in f.metadata}


_declared: dict[str, tuple[type, Field[Any]]] | None = None


def declared_fields() -> dict[str, tuple[type, Field[Any]]]:
    """Each setting a plugin declares: its name -> (the plugin's dataclass, the field); collected once."""
    global _declared
    if _declared is None:
        from .plugin_manager import declared_settings

        found: dict[str, tuple[type, Field[Any]]] = {}
        for plugin, name, section in declared_settings():
            for f in fields(section):
                if f.name in found or f.name in own_fields():
                    raise ConfigError(f"plugin {plugin} declares setting {f.name!r} ({name}), which is already "
                                      "declared; a plugin's settings take its backend's name as a prefix")
                if "help" not in f.metadata:
                    raise ConfigError(f"plugin {plugin} declares setting {f.name!r} ({name}) without help "
                                      "(field metadata 'help')")
                found[f.name] = (section, f)
        _declared = found
    return _declared


def forget_declared() -> None:
    """Collect the plugins' settings again on next use (a plugin was registered or taken away)."""
    global _declared
    _declared = None


def known_fields() -> dict[str, Field[Any]]:
    """Every setting by name: veracity's own, then the plugins'."""
    return own_fields() | {name: f for name, (_, f) in declared_fields().items()}


def declared_type(f: Field[Any]) -> Any:
    owner = declared_fields()[f.name][0] if f.name in declared_fields() else Settings
    return get_type_hints(owner)[f.name]


def parse(f: Field[Any], raw: object, *, source: str) -> Any:
    """raw (a string from the environment or a flag, or a TOML value) as the field's declared type."""
    kind = declared_type(f)
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError("not a boolean")
        if kind is int:
            if isinstance(raw, (bool, float)):
                raise ValueError("not a whole number")
            return int(raw)  # type: ignore[call-overload]
        if kind is float:
            if isinstance(raw, bool):
                raise ValueError("not a number")
            return float(raw)  # type: ignore[arg-type]
        if kind is Path:
            return Path(str(raw)).expanduser()
        if kind == tuple[str, ...]:
            items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
            return tuple(str(item).strip() for item in items if str(item).strip())
        if isinstance(raw, (dict, list)):
            raise ValueError("not a string")
        return str(raw)
    except (TypeError, ValueError) as exc:
        wanted = {bool: "true or false", int: "a whole number", float: "a number"}.get(kind, "a string")
        raise ConfigError(f"{source}: {raw!r} is not valid for {f.name} ({exc}); give {wanted}") from exc


def describe() -> list[tuple[str, str, str]]:
    """(name, environment variable, help) for every setting, for docs and tests."""
    return [(f.name, env_name(f.name), f.metadata["help"]) for f in known_fields().values()]
