"""The vectors of a group of articles: every sentence embedded once, each chunk's vector pooled from them.

The answerer needs a vector per sentence and retrieval one per chunk. Embedding both means embedding every
word about twice (chunks overlap, and each sentence again on its own). With `chunk_vectors="sentences"` a
chunk's vector is the mean of the vectors of the sentences it holds, weighted by how many of its characters
each covers, so each text is embedded once; `"embedded"` embeds the chunk text on its own as well.

Usage::

    chunk_vectors, sentence_vectors = embed_group(embedder, chunks, sentences, "sentences", batch=64, tick=print)
    pool([(0, 120)], [(0, 60), (60, 120)], [[1.0, 0.0], [0.0, 1.0]])     # [[0.7071…, 0.7071…]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

ChunkVectors = Literal["sentences", "embedded"]
Span = tuple[int, int]
Vector = list[float]


def embed_texts(embedder: BaseEmbedding, texts: Sequence[str], batch: int, tick: Callable[[int], None]) -> list[Vector]:
    """Vectors of `texts` in input order, embedded in length-sorted batches (little padding per batch)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors: list[Vector] = [[] for _ in texts]
    for i in range(0, len(order), batch):
        part = order[i : i + batch]
        for j, vector in zip(part, embedder.get_text_embedding_batch([texts[j] for j in part])):
            vectors[j] = vector
        tick(len(part))
    return vectors


def pool(chunks: Sequence[Span], sentences: Sequence[Span], vectors: Sequence[Vector]) -> list[Vector | None]:
    """Per chunk, the unit-length mean of the vectors of the sentences it overlaps, each weighted by the number
    of characters it shares with the chunk; None for a chunk that overlaps no sentence. Spans are (start, end)
    character offsets into the same text."""
    import numpy as np

    if not sentences:
        return [None for _ in chunks]
    spans, matrix = np.asarray(sentences, dtype=np.int64), np.asarray(vectors, dtype=np.float64)
    out: list[Vector | None] = []
    for start, end in chunks:
        shared = np.clip(np.minimum(spans[:, 1], end) - np.maximum(spans[:, 0], start), 0, None)
        total = shared @ matrix
        norm = float(np.linalg.norm(total))
        out.append((total / norm).tolist() if norm > 0 else None)
    return out


def embed_group(embedder: BaseEmbedding, chunks: Sequence[tuple[str, Span, str]],
                sentences: Sequence[tuple[str, Span, str]], mode: ChunkVectors, batch: int,
                tick: Callable[[int], None]) -> tuple[list[Vector], list[Vector]]:
    """(chunk vectors, sentence vectors) of a group of articles, in the order given. Chunks and sentences are
    (doc_id, span, text). In "sentences" mode only the sentences are embedded, and a chunk that holds
    none of them (text the sentence splitter skipped) is embedded on its own."""
    if mode == "embedded":
        vectors = embed_texts(embedder, [c[2] for c in chunks] + [s[2] for s in sentences], batch, tick)
        return vectors[: len(chunks)], vectors[len(chunks) :]
    sentence_vectors = embed_texts(embedder, [s[2] for s in sentences], batch, tick)
    by_doc: dict[str, tuple[list[Span], list[Vector]]] = {}
    for (doc_id, span, _), vector in zip(sentences, sentence_vectors):
        spans, vectors = by_doc.setdefault(doc_id, ([], []))
        spans.append(span)
        vectors.append(vector)
    chunks_of: dict[str, list[int]] = {}
    for i, (doc_id, _, _) in enumerate(chunks):
        chunks_of.setdefault(doc_id, []).append(i)
    pooled: list[Vector | None] = [None] * len(chunks)
    for doc_id, where in chunks_of.items():  # each chunk pooled from its own article's sentences
        spans, vectors = by_doc.get(doc_id, ([], []))
        for i, mean in zip(where, pool([chunks[i][1] for i in where], spans, vectors)):
            pooled[i] = mean
    missing = [i for i, v in enumerate(pooled) if v is None]
    for i, vector in zip(missing, embed_texts(embedder, [chunks[i][2] for i in missing], batch, tick)):
        pooled[i] = vector
    return [v or [] for v in pooled], sentence_vectors
