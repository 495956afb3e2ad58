"""Install (issue 24, item 24): the licence is an SPDX string, `make demo` installs the runtime only and
`make test` the dev extra. `make -n` prints what a fresh clone would run, without running it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_the_licence_is_an_spdx_string():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "Apache-2.0"  # a table is deprecated by setuptools (PEP 639)
    assert any(r.startswith("setuptools>=") and int(r.split(">=")[1]) >= 77
               for r in project["build-system"]["requires"])


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_installs_the_runtime_only_and_make_test_the_dev_extra(tmp_path):
    def planned(target: str) -> str:
        result = subprocess.run(["make", "-n", target, f"VENV={tmp_path / 'venv'}"], cwd=ROOT, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    demo = planned("demo")
    assert "venv" in demo and "pip install --progress-bar off -e .\n" in demo and "[dev]" not in demo
    assert "veracity ingest examples" in demo
    test = planned("test")
    assert 'pip install --progress-bar off -e ".[dev]"' in test and "pytest" in test
