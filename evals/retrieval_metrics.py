"""Retrieval metrics over ranked spans: document and passage gains, recall/MRR/nDCG at k, context size."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple, Protocol

KS = (1, 3, 5)


class Span(NamedTuple):
    """A character span of one article's clean text."""

    doc_id: str
    start: int
    end: int


class CitationLike(Protocol):
    """What the citation metrics read from a citation (assistant.answer.Citation fits)."""

    n: int
    doc_id: str
    title: str
    outlet: str | None
    date: str | None
    quote: str
    start: int
    end: int


# ---- retrieval -------------------------------------------------------------------------------------
def overlaps(a: Span, b: Span) -> bool:
    """Same article and the half-open character ranges share at least one character."""
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def doc_ranking(ranked: Iterable[Span]) -> list[str]:
    """Article ids in order of first appearance: the chunk ranking deduplicated by article."""
    seen: list[str] = []
    for span in ranked:
        if span.doc_id not in seen:
            seen.append(span.doc_id)
    return seen


def doc_gains(ranked: Iterable[Span], gold_docs: Iterable[str]) -> list[int]:
    """1 at each rank of the deduplicated article ranking whose article is gold, else 0."""
    gold = set(gold_docs)
    return [int(d in gold) for d in doc_ranking(ranked)]


def passage_gains(ranked: Sequence[Span], gold: Sequence[Span]) -> list[int]:
    """Gold passages first found at each rank: a chunk finds every not-yet-found gold span it overlaps."""
    found: set[int] = set()
    gains = []
    for chunk in ranked:
        new = {i for i, g in enumerate(gold) if i not in found and overlaps(chunk, g)}
        found |= new
        gains.append(len(new))
    return gains


def dcg(relevance: Sequence[int], k: int) -> float:
    """Discounted cumulative gain, DCG@k = sum of rel_i / log2(i + 1) over ranks i = 1..k."""
    return sum(rel / math.log2(i + 1) for i, rel in enumerate(relevance[:k], start=1))


def ranking_scores(gains: Sequence[int], n_gold: int, ks: Sequence[int] = KS) -> dict[str, float]:
    """hit@k, recall@k, nDCG@k for each k and MRR of one ranking, from the gold items found at each rank.

    Relevance is binary (a rank is relevant when it finds at least one new gold item), so nDCG@k never
    exceeds 1; the ideal DCG puts min(n_gold, k) relevant items at the top. MRR uses the whole ranking.
    A ranking shorter than k counts the missing ranks as not relevant.
    """
    if n_gold <= 0:
        raise ValueError("ranking_scores needs at least one gold item")
    relevance = [1 if g > 0 else 0 for g in gains]
    out: dict[str, float] = {}
    for k in ks:
        out[f"hit@{k}"] = float(any(relevance[:k]))
        out[f"recall@{k}"] = min(1.0, sum(gains[:k]) / n_gold)
        out[f"ndcg@{k}"] = dcg(relevance, k) / dcg([1] * min(n_gold, k), k)
    first = next((i for i, rel in enumerate(relevance, start=1) if rel), None)
    out["mrr"] = 1.0 / first if first else 0.0
    return out


def context_chars(ranked: Sequence[Span], k: int) -> int:
    """Characters of text in the top k: how much reading a ranking asks of the answerer."""
    return sum(s.end - s.start for s in ranked[:k])
