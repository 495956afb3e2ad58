"""The exception tree. Every error a user can meet is one of these.

    VeracityError
    ├── ConfigError      unknown backend, bad setting, missing key: says how to fix it
    ├── InputError       unreadable file, empty question, bad date: says which input and why
    │   └── NotFound     no job, check or document with that id (the service answers 404)
    ├── BackendError     .backend, .retryable
    │   ├── StoreError
    │   ├── SearchError
    │   ├── ModelError
    │   └── LLMError
"""

from __future__ import annotations


class VeracityError(Exception):
    """Base of every error veracity raises on purpose."""


class ConfigError(VeracityError):
    """A setting, backend name or model file is wrong; the message says how to fix it."""


class InputError(VeracityError):
    """A user input (question, file, date) cannot be used; the message names it and why."""


class NotFound(InputError):
    """There is no job, check or document with the id given; the message names it and where to find one."""


class BackendError(VeracityError):
    def __init__(self, message: str, *, backend: str = "", retryable: bool = False) -> None:
        super().__init__(message)
        self.backend = backend
        self.retryable = retryable


class StoreError(BackendError):
    """The store cannot be opened, read or written."""


class SearchError(BackendError):
    """A search provider failed."""


class ModelError(BackendError):
    """A bundled model is missing, corrupt or failed to run."""


class LLMError(BackendError):
    """A language model could not be reached or gave unusable output."""
