"""Hybrid retrieval: dense (Chroma) and BM25 candidates fused by reciprocal rank fusion.

Usage::

    retriever = HybridRetriever(snapshot, embedder, settings.retrieval)
    chunks = retriever.search("How many Russians fight with IS?")
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING, Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.answer import RetrievedChunk
from assistant.errors import StoreError
from assistant.settings import RetrievalSettings
from assistant.snapshot import Snapshot
from index.store import REBUILD_HINT

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

log = logging.getLogger(__name__)


def rrf(rankings: list[list[str]], k: int) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings an id appears in."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


class HybridRetriever(BaseRetriever):
    """A llama-index retriever over one index generation; `search` returns typed chunks."""

    def __init__(self, snapshot: Snapshot, embedder: BaseEmbedding, settings: RetrievalSettings) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.embedder = embedder
        self.settings = settings
        self.last_query_vector: list[float] | None = None

    @cached_property
    def _bm25(self) -> Any:
        import Stemmer
        from llama_index.retrievers.bm25 import BM25Retriever

        nodes = self.snapshot.nodes
        return BM25Retriever.from_defaults(
            nodes=nodes, similarity_top_k=min(self.settings.bm25_top_k, len(nodes)), stemmer=Stemmer.Stemmer("english")
        )

    @cached_property
    def _nodes_by_id(self) -> dict[str, TextNode]:
        return {n.node_id: n for n in self.snapshot.nodes}

    def dense(self, vector: list[float], top_k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        try:
            got = self.snapshot.chunks.query(query_embeddings=[vector], n_results=top_k, include=["distances"])
        except Exception as exc:  # noqa: BLE001
            raise StoreError(f"vector search failed: {type(exc).__name__}: {exc}; {REBUILD_HINT}") from exc
        return [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0])]  # type: ignore[index]

    def sparse(self, query: str) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first; empty when the query has no indexable term."""
        try:
            hits = self._bm25.retrieve(query)
        except Exception:  # noqa: BLE001 - bm25s raises on queries made only of stopwords
            return []
        return [(h.node.node_id, float(h.score or 0.0)) for h in hits if (h.score or 0.0) > 0]

    def search(self, query: str, vector: list[float] | None = None) -> list[RetrievedChunk]:
        """Top chunks for `query`, fused; pass `vector` to reuse a query embedding."""
        s = self.settings
        dense: list[tuple[str, float]] = []
        sparse: list[tuple[str, float]] = []
        if s.mode in ("hybrid", "dense"):
            vector = vector if vector is not None else self.embedder.get_query_embedding(query)
            self.last_query_vector = vector
            dense = self.dense(vector, s.dense_top_k)
        if s.mode in ("hybrid", "bm25"):
            sparse = self.sparse(query)
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, start=1)}
        sparse_rank = {cid: r for r, (cid, _) in enumerate(sparse, start=1)}
        fused = rrf([[c for c, _ in dense], [c for c, _ in sparse]], s.rrf_k)
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[: s.top_k]
        out = []
        for cid, score in ranked:
            node = self._nodes_by_id.get(cid)
            if node is None:
                continue
            meta = node.metadata
            out.append(
                RetrievedChunk(
                    chunk_id=cid,
                    doc_id=str(meta["doc_id"]),
                    text=node.get_content(),
                    start=int(meta["start"]),
                    end=int(meta["end"]),
                    score=score,
                    dense_rank=dense_rank.get(cid),
                    bm25_rank=sparse_rank.get(cid),
                )
            )
        return out

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [
            NodeWithScore(node=self._nodes_by_id[c.chunk_id], score=c.score) for c in self.search(query_bundle.query_str)
        ]
