"""Errors a user can act on: each message says what went wrong and how to fix it."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for every error the assistant raises on purpose; carries an exit code for the CLI."""

    exit_code: int = 1


class InvalidQuestionError(AssistantError, ValueError):
    """The question is empty, whitespace only, or otherwise unusable."""

    exit_code = 2


class CorpusError(AssistantError):
    """The corpus folder is missing or holds no readable article."""

    exit_code = 2


class StoreError(AssistantError):
    """The index store is missing, corrupt or unreachable."""

    exit_code = 3


class EmbedderError(AssistantError):
    """The embedding model cannot be loaded or failed its integrity check."""

    exit_code = 3


class BackendError(AssistantError):
    """An opt-in LLM backend is misconfigured or unreachable."""

    exit_code = 3


class ConfigError(AssistantError, ValueError):
    """A setting has a value that cannot work (e.g. public UI without credentials)."""

    exit_code = 2
