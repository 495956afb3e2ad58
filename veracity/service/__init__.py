"""The HTTP service: a JSON API (OpenAPI at /docs) and server-rendered web pages over the same engine.

Checks and ingests run as jobs in the store's queue, submitted and read through the engine's job door
(veracity/jobs.py, `engine.jobs`) and taken by a pool of worker threads (veracity/worker.py); `veracity serve`
starts both. The service goes through the engine only: it imports neither veracity.store nor veracity.pipeline. HTMX 2.0.11 (0BSD, static/htmx.LICENSE) is vendored in
static/; nothing is loaded from outside.
"""

from .app import create_app

__all__ = ["create_app"]
