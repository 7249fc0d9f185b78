"""Errors a user can act on: each message says what went wrong and how to fix it.

The base class and the index layer's errors (corpus, store, embedder) are defined in `index.errors` and
re-exported here, so `from assistant.errors import …` covers every error the package raises on purpose.
"""

from __future__ import annotations

from index.errors import AssistantError, CorpusError, EmbedderError, StoreError

__all__ = ["AssistantError", "BackendError", "ConfigError", "CorpusError", "EmbedderError", "InvalidQuestionError",
           "StoreError"]


class InvalidQuestionError(AssistantError, ValueError):
    """The question is empty, whitespace only, or otherwise unusable."""

    exit_code = 2


class BackendError(AssistantError):
    """An opt-in LLM backend is misconfigured or unreachable."""

    exit_code = 3


class ConfigError(AssistantError, ValueError):
    """A setting has a value that cannot work (e.g. public UI without credentials)."""

    exit_code = 2
