"""Where documents, passages, vectors and past checks live."""

from .base import CheckRecord, Job, JobEvent, JobQueue, NewDocument, Store

__all__ = ["CheckRecord", "Job", "JobEvent", "JobQueue", "NewDocument", "Store"]
