from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from veracity.engine import Engine
from veracity.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory) -> Engine:
    """A real SQLite store with the demo collection ingested once per test session."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = Engine(Settings.load(db=db))
    summary = engine.ingest([EXAMPLES])
    assert summary.added == 3 and not summary.skipped
    return engine


@pytest.fixture()
def demo_db_copy(demo_engine, tmp_path) -> Path:
    target = tmp_path / "copy.db"
    shutil.copy(demo_engine.settings.db, target)
    return target
