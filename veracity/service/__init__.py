"""The HTTP service: a JSON API (OpenAPI at /docs) and server-rendered web pages over the same engine.

Checks and ingests run as jobs in the store's queue (store/base.py JobQueue), taken by a pool of worker threads
(veracity/worker.py); `veracity serve` starts both. HTMX 2.0.11 (0BSD, static/htmx.LICENSE) is vendored in
static/; nothing is loaded from outside.
"""

from .app import create_app

__all__ = ["create_app"]
