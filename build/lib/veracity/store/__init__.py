"""Where documents, passages, vectors and past checks live."""

from .base import CheckRecord, NewDocument, Store

__all__ = ["CheckRecord", "NewDocument", "Store"]
