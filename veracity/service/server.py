"""`veracity serve`: uvicorn with the app, refusing a non-loopback address without an API token."""

from __future__ import annotations

import logging

from ..errors import ConfigError
from ..settings import Settings
from .security import check_token


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8750) -> None:
    check_token(settings.api_token, host)
    if settings.service_workers < 0:
        raise ConfigError("service_workers (--workers) is 0 or more")
    try:
        import uvicorn

        from .app import create_app
    except ImportError as exc:
        raise ConfigError(f"the service needs its extra ({exc.name} is missing): pip install 'veracity[service]'") from exc

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings, host=host)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, timeout_graceful_shutdown=15)
