"""Benchmarks in a fresh checkout: no shared data, one line saying what is missing, or the bundled fixtures
(issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from data import bench_data  # noqa: E402


@pytest.mark.parametrize("script", ["relevance_threshold.py", "search_scale.py", "make_eval_fixtures.py"])
def test_a_benchmark_without_its_data_says_what_is_missing_in_one_line(script, tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--data", str(tmp_path / "none"),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "not found" in result.stderr and "--data" in result.stderr
    assert str(tmp_path / "none") in result.stderr and "Traceback" not in result.stderr


def test_bench_falls_back_to_the_bundled_fixtures(tmp_path):
    data = bench_data(tmp_path / "none", docs=50, pages=60)
    assert data.source.startswith("bundled fixtures") and str(tmp_path / "none") in data.source
    assert len(data.abstracts) == 50 and all(a["text"] and a["title"] for a in data.abstracts)
    assert len(data.claims) > 100 and len(data.queries) > 100 and data.pages == []
