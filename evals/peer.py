"""The peer row: what stock llama-index retrieves over the same articles, scored like ours.

`VectorStoreIndex.from_documents` with its default chunking (SentenceSplitter, 1024 tokens, 200 overlap) over
the clean article texts, embedded by the assistant's own embedder object, and the retrieval stage of
`CitationQueryEngine.from_args(index, similarity_top_k=2, citation_chunk_size=512)`: `engine.retrieve(query)`.
The engine's citation-node splitting is not applied: it only cuts the same two retrieved nodes into ≤512-token
pieces in text order (it does not re-rank), it needs an LLM call to matter, and its pieces lose their offsets.
No LLM is ever called; llama-index's global `Settings.llm` is set to `MockLLM` only while the engine is built.

Usage::

    peer = PeerRetriever(bot.embedder, bot.documents())
    peer.retrieve("How many Russians fight with IS?")     # [Span(doc_id, start, end), ...] best first
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from evals.metrics import Span

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from index.corpus import Article

log = logging.getLogger(__name__)
TOP_K = 2
CITATION_CHUNK_SIZE = 512
DESCRIPTION = (
    "stock llama-index: VectorStoreIndex.from_documents (default SentenceSplitter, 1024/200 tokens) over the "
    f"clean texts, same embedder; CitationQueryEngine.from_args(similarity_top_k={TOP_K}, "
    f"citation_chunk_size={CITATION_CHUNK_SIZE}).retrieve(query) without citation splitting or LLM; "
    "queried with the assistant's standalone query (answer.query)"
)


@contextmanager
def mock_llm() -> Iterator[None]:
    """Point llama-index's global LLM at MockLLM for the duration, then restore whatever was there."""
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core.llms import MockLLM

    saved = LlamaSettings._llm
    LlamaSettings.llm = MockLLM()
    try:
        yield
    finally:
        LlamaSettings._llm = saved


def as_llama_embedding(embedder: Any) -> BaseEmbedding:
    """The embedder itself if it is a llama-index BaseEmbedding, else a thin delegate to the same object.

    The assistant's embedder may be a plain class with get_query_embedding / get_text_embedding_batch (the
    ONNX runtime); wrapping it keeps one model in memory and gives llama-index the type it asserts.
    """
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    if isinstance(embedder, BaseEmbedding):
        return embedder

    class Delegate(BaseEmbedding):
        _inner: Any = PrivateAttr()

        def _get_query_embedding(self, query: str) -> list[float]:
            return list(self._inner.get_query_embedding(query))

        def _get_text_embedding(self, text: str) -> list[float]:
            return list(self._inner.get_text_embedding(text))

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [list(v) for v in self._inner.get_text_embedding_batch(texts)]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        async def _aget_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embedding(text)

    wrapped = Delegate(model_name=str(getattr(embedder, "model_name", type(embedder).__name__)))
    wrapped._inner = embedder
    return wrapped


class PeerRetriever:
    """Stock llama-index dense retrieval (top 2 default-sized nodes) over the clean article texts."""

    def __init__(self, embedder: Any, articles: Sequence[Article], top_k: int = TOP_K) -> None:
        if top_k <= 0:
            raise ValueError("top_k must be positive")
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.query_engine import CitationQueryEngine

        self.texts = {a.doc_id: a.text for a in articles}
        documents = [
            Document(text=a.text, id_=a.doc_id, metadata={"doc_id": a.doc_id},
                     excluded_embed_metadata_keys=["doc_id"], excluded_llm_metadata_keys=["doc_id"])
            for a in articles
        ]
        with mock_llm():
            index = VectorStoreIndex.from_documents(documents, embed_model=as_llama_embedding(embedder))
            self.engine = CitationQueryEngine.from_args(
                index, similarity_top_k=top_k, citation_chunk_size=CITATION_CHUNK_SIZE
            )
        self.nodes = len(index.docstore.docs)

    def retrieve(self, query: str) -> list[Span]:
        """The engine's retrieved nodes as spans of the clean texts, best first."""
        from llama_index.core.schema import QueryBundle

        return [self._span(hit.node) for hit in self.engine.retrieve(QueryBundle(query))]

    def _span(self, node: Any) -> Span:
        doc_id = node.metadata["doc_id"]
        text, content = self.texts[doc_id], node.get_content()
        start, end = node.start_char_idx, node.end_char_idx
        if start is None or end is None or text[start:end] != content:
            found = text.find(content)
            if found < 0:
                log.warning("peer node of %s not found in its text; scoring it as the whole article", doc_id)
                return Span(doc_id, 0, len(text))
            start, end = found, found + len(content)
        return Span(doc_id, start, end)
