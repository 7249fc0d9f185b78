"""Conversational question answering over a news corpus, with citations to exact passages.

Usage::

    from assistant import Assistant
    answer = Assistant().ask("How many people were injured?")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.answer import Answer, Citation, Figure
    from assistant.api import Assistant, Conversation
    from assistant.errors import AssistantError, InvalidQuestionError

__all__ = ["Answer", "Assistant", "AssistantError", "Citation", "Conversation", "Figure", "InvalidQuestionError"]

_LAZY = {
    "Answer": "assistant.answer",
    "Citation": "assistant.answer",
    "Figure": "assistant.answer",
    "Assistant": "assistant.api",
    "Conversation": "assistant.api",
    "AssistantError": "assistant.errors",
    "InvalidQuestionError": "assistant.errors",
}


def __getattr__(name: str) -> Any:
    """Import heavy modules only when first used, so `import assistant` stays fast."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
