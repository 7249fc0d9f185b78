"""BM25 over the chunk texts of one stored generation (bm25s, English stemmer and stopwords).

Usage::

    bm25 = BM25Index(snapshot.records)
    bm25.search("how many people", top_k=12)     # [(chunk_id, score), …]
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol


class ChunkText(Protocol):
    """A stored chunk as BM25 needs it (index.snapshot.ChunkRecord is one)."""

    @property
    def chunk_id(self) -> str: ...
    @property
    def text(self) -> str: ...


class BM25Index:
    """bm25s over chunk texts with an English stemmer and stopwords."""

    def __init__(self, records: Sequence[ChunkText]) -> None:
        import bm25s
        import Stemmer

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
        self.ids = [r.chunk_id for r in records]
        self.stemmer = Stemmer.Stemmer("english")
        self.model = bm25s.BM25()
        tokens = bm25s.tokenize([r.text for r in records], stopwords="en", stemmer=self.stemmer, show_progress=False)
        self.model.index(tokens, show_progress=False)

    def search(self, query: str, top_k: int) -> list[tuple[str, float]]:
        import bm25s

        tokens = bm25s.tokenize([query], stopwords="en", stemmer=self.stemmer, show_progress=False)
        if not tokens.ids or not tokens.ids[0] or not self.ids:
            return []
        try:
            docs, scores = self.model.retrieve(tokens, k=min(top_k, len(self.ids)), show_progress=False)
        except (ValueError, IndexError):  # a query made only of unknown terms
            return []
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]
