"""Evaluation: how good and how fast veracity is, on public benchmarks, beside published numbers.

A suite reads a benchmark from a local data folder (it never downloads), runs the same code a check runs,
and returns SuiteResults: each metric with its published reference and the project's target.
`veracity eval SUITE --data PATH` prints them and writes Markdown and JSON.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
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


def run(name: str, data: Path | None, *, quick: bool = False, work: Path | None = None,
        only: tuple[str, ...] = ()) -> list[SuiteResult]:
    """Run one suite (or all); `only` keeps the named datasets of a suite (e.g. checkthat2a, fever-symmetric)."""
    from . import endtoend, grounded, report, retrieval, verdict  # noqa: F401  (importing registers the suites)

    if name not in SUITES and name != "all":
        raise InputError(f"unknown suite {name!r}; choose one of: all, {', '.join(sorted(SUITES))}")
    data = data or default_data()
    if data is None or not data.is_dir():
        raise InputError(f"benchmark folder {data or '../shared/data/bench'} not found; pass --data PATH")
    names = sorted(SUITES) if name == "all" else [name]
    results: list[SuiteResult] = []
    for n in names:
        results += SUITES[n](data, quick=quick, work=work, only=only)
    if results and all(r.skipped for r in results):
        raise InputError(f"no benchmark of {name!r} found in {data} ({results[0].skipped}); pass --data with the "
                         "folder that holds the benchmarks (for example ../shared/data/bench)")
    return results


def to_markdown(results: list[SuiteResult]) -> str:
    lines = ["| suite | dataset | rows | metric | veracity | reference | target | met |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        for m in r.metrics:
            ref = f"{m.reference:g} ({m.reference_source})" if m.reference is not None else "--"
            target = ("<= " if m.lower_is_better else ">= ") + f"{m.target:g}" if m.target is not None else "--"
            met = {None: "--", True: "yes", False: "**no**"}[m.met]
            lines.append(f"| {r.suite}{' (quick)' if r.quick else ''} | {r.dataset} | {r.rows} | {m.name} | "
                         f"{m.value:.4g} | {ref} | {target} | {met} |")
    notes = [f"- {r.suite} / {r.dataset}: {r.notes}" for r in results if r.notes]
    notes += [f"- {r.suite} / {r.dataset}: skipped, {r.skipped}" for r in results if r.skipped]
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def to_json(results: list[SuiteResult]) -> str:
    out = []
    for r in results:
        item = asdict(r)
        item.pop("predictions")
        for m, d in zip(r.metrics, item["metrics"]):
            d["met"] = m.met
        out.append(item)
    return json.dumps(out, indent=2)


def write_predictions(results: list[SuiteResult], path: Path) -> int:
    """One JSON line per claim of the verdict sets: {"dataset", "claim", "gold", "predicted", "confidence"},
    labels in veracity's names, so anyone can score them independently. Returns the number of lines."""
    lines = [json.dumps(asdict(p), ensure_ascii=False) for r in results for p in r.predictions]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
