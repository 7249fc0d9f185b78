"""Hybrid retrieval: dense (Chroma) and BM25 (impact-ordered postings) candidates fused by reciprocal rank fusion.

Kept free of llama-index imports so a cold `assistant ask` starts fast; `as_llama_retriever()` wraps it
as a llama-index `BaseRetriever` for users who compose it with llama-index query engines.

Usage::

    retriever = HybridRetriever(snapshot, embedder, settings.retrieval)
    chunks = retriever.search("How many people were injured?")
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any

from assistant.answer import RetrievedChunk
from assistant.settings import RetrievalSettings
from index.bm25 import BM25Index
from index.errors import StoreError
from index.snapshot import Snapshot
from index.store import REBUILD_HINT

log = logging.getLogger(__name__)


def rrf(rankings: list[list[str]], k: int) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings an id appears in."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


class HybridRetriever:
    """Dense + BM25 retrieval over one index generation; `search` returns typed chunks, best first."""

    def __init__(self, snapshot: Snapshot, embedder: Any, settings: RetrievalSettings) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.settings = settings

    @cached_property
    def _bm25(self) -> BM25Index:
        return self.snapshot.bm25(self.settings.bm25_postings)

    def dense(self, vector: list[float], top_k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        try:
            got = self.snapshot.chunks.query(query_embeddings=[vector], n_results=top_k, include=["distances"])  # type: ignore[arg-type]
        except Exception as exc:
            raise StoreError(f"vector search failed: {type(exc).__name__}: {exc}; {REBUILD_HINT}") from exc
        return [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0])]  # type: ignore[index]

    def sparse(self, query: str, top_k: int) -> list[tuple[str, float]]:
        return self._bm25.search(query, top_k)

    def search(self, query: str, vector: list[float] | None = None, top_k: int | None = None) -> list[RetrievedChunk]:
        """Top chunks for `query`, fused; pass `vector` to reuse a query embedding."""
        s = self.settings
        top_k = top_k or s.top_k
        dense: list[tuple[str, float]] = []
        sparse: list[tuple[str, float]] = []
        if s.mode in ("hybrid", "dense"):
            vector = vector if vector is not None else self.embedder.get_query_embedding(query)
            dense = self.dense(vector, max(s.dense_top_k, top_k))
        if s.mode in ("hybrid", "bm25"):
            sparse = self.sparse(query, max(s.bm25_top_k, top_k))
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, start=1)}
        sparse_rank = {cid: r for r, (cid, _) in enumerate(sparse, start=1)}
        fused = rrf([[c for c, _ in dense], [c for c, _ in sparse]], s.rrf_k)
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]
        records = self.snapshot.records_by_id
        out = []
        for cid, score in ranked:
            r = records.get(cid)
            if r is None:
                continue
            out.append(RetrievedChunk(chunk_id=cid, doc_id=r.doc_id, text=r.text, start=r.start, end=r.end,
                                      score=score, dense_rank=dense_rank.get(cid), bm25_rank=sparse_rank.get(cid)))
        return out

    def as_llama_retriever(self) -> Any:
        """This retriever as a llama-index `BaseRetriever` (returns `NodeWithScore`s with offsets)."""
        from llama_index.core.base.base_retriever import BaseRetriever
        from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

        outer = self

        class _Hybrid(BaseRetriever):
            def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
                return [
                    NodeWithScore(
                        node=TextNode(id_=c.chunk_id, text=c.text, start_char_idx=c.start, end_char_idx=c.end,
                                      metadata={"doc_id": c.doc_id}),
                        score=c.score,
                    )
                    for c in outer.search(query_bundle.query_str)
                ]

        return _Hybrid()
