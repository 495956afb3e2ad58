"""veracity: check a question or claim against your sources and get a cited, verified report."""

from __future__ import annotations

from .version import __version__

from .errors import ConfigError, InputError, NotFound, StoreError, VeracityError
from .types import Report

__all__ = [
    "ConfigError",
    "Engine",
    "InputError",
    "NotFound",
    "Report",
    "StoreError",
    "VeracityError",
    "__version__",
]


def __getattr__(name: str) -> type:
    if name == "Engine":
        from .engine import Engine

        return Engine
    raise AttributeError(name)
