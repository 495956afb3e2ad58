"""Evaluation: how good and how fast veracity is, on public benchmarks, beside published numbers.

A suite reads a benchmark from a local data folder (it never downloads), runs the same code a check runs,
and returns SuiteResults: each metric with its published reference and the project's target.
`veracity eval SUITE --data PATH` prints them and writes Markdown and JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ..errors import InputError
from .base import (SUITES, Metric, Suite, SuiteResult, default_data, files_sha256, jsonl, missing, need,  # noqa: F401
                   skip, suite)


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
