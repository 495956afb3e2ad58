"""What every evaluation suite shares: metrics, results, the suite registry and reading benchmark files."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    reference: float | None = None  # the published number to compare with
    reference_source: str = ""
    target: float | None = None  # the project's floor for this metric (higher is better)
    lower_is_better: bool = False

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value <= self.target if self.lower_is_better else self.value >= self.target


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    dataset: str
    rows: int
    quick: bool
    seconds: float
    metrics: tuple[Metric, ...]
    data_sha256: str
    notes: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    predictions: tuple[Any, ...] = ()  # verdict suites: one Prediction per claim (predictions.jsonl)
    skipped: str = ""  # why a dataset was not scored (its files are missing); such a result has no metrics

    def metric(self, name: str) -> Metric:
        return next(m for m in self.metrics if m.name == name)


Suite = Callable[..., list[SuiteResult]]
SUITES: dict[str, Suite] = {}


def suite(name: str) -> Callable[[Suite], Suite]:
    def register(fn: Suite) -> Suite:
        SUITES[name] = fn
        return fn
    return register


def default_data() -> Path | None:
    """../shared/data/bench beside the checkout when present; VERACITY_EVAL_DATA overrides."""
    if env := os.environ.get("VERACITY_EVAL_DATA"):
        return Path(env)
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        candidate = base.parent / "shared" / "data" / "bench"
        if candidate.is_dir():
            return candidate
    return None


def files_sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def need(paths: Iterable[Path], what: str) -> None:
    """Every file of a benchmark must be there; the first one missing is named."""
    if problem := missing(paths, what):
        raise InputError(f"{problem}; pass --data with the folder that holds the benchmarks "
                         "(for example ../shared/data/bench)")


def missing(paths: Iterable[Path], what: str) -> str | None:
    """'<benchmark> not found at <first missing file>', or None when every file is there."""
    gap = next((path for path in paths if not path.exists()), None)
    return f"{what} not found at {gap}" if gap is not None else None


def skip(suite: str, dataset: str, reason: str) -> SuiteResult:
    """The result of a dataset not scored, for a suite run over every dataset it knows (not named by --only)."""
    return SuiteResult(suite=suite, dataset=dataset, rows=0, quick=False, seconds=0.0, metrics=(), data_sha256="",
                       skipped=reason)


def jsonl(path: Path) -> Iterator[Any]:
    """The objects of a JSON-lines file, one a line (blank lines skipped)."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
