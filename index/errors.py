"""Errors a user can act on, for the whole package: each message says what went wrong and how to fix it.

The base class and the index layer's errors live here, at the bottom layer, so `index/` never imports
`assistant/`; `assistant.errors` re-exports them beside the answering layer's own errors.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for every error the assistant raises on purpose; carries an exit code for the CLI."""

    exit_code: int = 1


class CorpusError(AssistantError):
    """The corpus folder is missing or holds no readable article."""

    exit_code = 2


class StoreError(AssistantError):
    """The index store is missing, corrupt or unreachable."""

    exit_code = 3


class EmbedderError(AssistantError):
    """The embedding model cannot be loaded or failed its integrity check."""

    exit_code = 3
