"""Deterministic stand-ins for unit tests: they rank, they never touch the network."""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

DIM = 256


class HashEmbedding(BaseEmbedding):
    """Bag-of-words vectors from hashed, lower-cased word stems: texts sharing words rank close."""

    model_name: str = "hash-embedding"
    _calls: list[int] = PrivateAttr(default_factory=list)

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * DIM
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            word = word[:6]
            h = int(hashlib.md5(word.encode()).hexdigest(), 16)
            vec[h % DIM] += 1.0 if (h >> 8) % 2 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    @property
    def calls(self) -> list[int]:
        """Batch sizes embedded so far (to prove that nothing was re-embedded)."""
        return self._calls

    def _get_query_embedding(self, query: str) -> list[float]:
        self._calls.append(1)
        return self._vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        self._calls.append(1)
        return self._vector(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        self._calls.append(len(texts))
        return [self._vector(t) for t in texts]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


def enqueue_llm(replies: list[str]) -> Any:
    """A llama-index CustomLLM that returns queued replies in order and records the prompts it got."""
    from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
    from llama_index.core.llms.callbacks import llm_completion_callback

    class QueuedLLM(CustomLLM):
        queue: list[str] = []
        prompts: list[str] = []

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(model_name="queued-fake", context_window=8192, num_output=512)

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
            self.prompts.append(prompt)
            return CompletionResponse(text=self.queue.pop(0))

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
            self.prompts.append(prompt)
            reply = self.queue.pop(0)
            text = ""
            for piece in re.findall(r"\S+\s*", reply):
                text += piece
                yield CompletionResponse(text=text, delta=piece)

    return QueuedLLM(queue=list(replies), prompts=[])
