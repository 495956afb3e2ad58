"""`veracity serve`: uvicorn with the app, refusing a non-loopback address without an API token."""

from __future__ import annotations

import logging

from ..errors import ConfigError
from ..settings import Settings
from .security import loopback


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8750) -> None:
    if not loopback(host) and not settings.api_token:
        raise ConfigError(f"serving on {host} (not loopback) needs an API token: set VERACITY_API_TOKEN or "
                          "api_token in the config file, or serve on 127.0.0.1")
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
