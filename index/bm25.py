"""BM25 over the chunk texts of one stored generation (bm25s scoring, English stemmer and stopwords), searched
so that a search reads a bounded number of postings per query term however large the corpus grows.

bm25s scores every (term, chunk) pair at index time. Each term also keeps an impact-ordered list of its
`postings` highest-scoring chunks. A search takes its candidates from those lists, then scores every candidate
exactly, term by term, by binary search in the terms' full (chunk-ordered) postings. A term in no more than
`postings` chunks (a name, a rare word: the terms that decide most news queries) therefore finds every chunk
that has it, with its exact score; only a chunk whose every query term is common, and which is in none of
their kept lists, can be missed (the dense half of the hybrid search can still find it). While no term is in
more than `postings` chunks the ranking is exactly bm25s's.

Usage::

    bm25 = BM25Index(snapshot.records, postings=2000)
    bm25.search("how many people", top_k=12)     # [(chunk_id, score), …]
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

DEFAULT_POSTINGS = 2000
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s.tokenize's default token_pattern


class ChunkText(Protocol):
    """A stored chunk as BM25 needs it (index.snapshot.ChunkRecord is one)."""

    @property
    def chunk_id(self) -> str: ...
    @property
    def text(self) -> str: ...


def impact_ordered(data: Any, docs: Any, indptr: Any, keep: int) -> tuple[Any, Any, Any]:
    """Per term (a column of a CSC score matrix), its `keep` highest scores and their documents, best first;
    equal scores in document order. One sort for all terms, no loop over the vocabulary."""
    import numpy as np

    data, docs, indptr = np.asarray(data, dtype=np.float32), np.asarray(docs, dtype=np.int32), np.asarray(indptr)
    lengths = np.diff(indptr)
    terms = np.repeat(np.arange(len(lengths)), lengths)
    order = np.lexsort((docs, -data, terms))  # by term, then score (highest first), then document
    within = np.arange(len(order)) - np.repeat(indptr[:-1], lengths)  # each entry's place in its term's list
    chosen = order[within < keep]
    out_ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.minimum(lengths, keep), out=out_ptr[1:])
    return data[chosen], docs[chosen], out_ptr


def _doc_ordered(data: Any, docs: Any, indptr: Any) -> tuple[Any, Any, Any]:
    """The CSC score matrix with each term's postings ordered by chunk (for binary search)."""
    import numpy as np

    terms = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    order = np.lexsort((docs, terms))
    return (np.asarray(data, dtype=np.float32)[order], np.asarray(docs, dtype=np.int32)[order],
            np.asarray(indptr, dtype=np.int64))


def _empty_csc() -> tuple[Any, Any, Any]:
    import numpy as np

    return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64)


class BM25Index:
    """bm25s over chunk texts with an English stemmer and stopwords, searched through impact-ordered postings."""

    def __init__(self, records: Sequence[ChunkText], postings: int = DEFAULT_POSTINGS) -> None:
        import bm25s
        import Stemmer

        if postings < 1:
            raise ValueError(f"postings must be at least 1, got {postings}")
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
        self.ids = [r.chunk_id for r in records]
        self.postings = postings
        self.stemmer = Stemmer.Stemmer("english")
        # queries are split here (`words`), not by bm25s.tokenize: its per-call progress-bar objects took half
        # the time of a small search
        self.stopwords = frozenset(bm25s.stopwords.STOPWORDS_EN)
        self.vocab: dict[str, int] = {}
        self.full_data, self.full_docs, self.full_ptr = _empty_csc()
        self.data, self.docs, self.indptr = impact_ordered(*_empty_csc(), postings)
        self.exact = True
        if not records:
            return
        model = bm25s.BM25()
        tokens = bm25s.tokenize([r.text for r in records], stopwords="en", stemmer=self.stemmer, show_progress=False)
        model.index(tokens, show_progress=False)
        self.vocab = dict(model.vocab_dict)
        scores = model.scores
        self.full_data, self.full_docs, self.full_ptr = _doc_ordered(scores["data"], scores["indices"],
                                                                    scores["indptr"])
        self.data, self.docs, self.indptr = impact_ordered(scores["data"], scores["indices"], scores["indptr"],
                                                           postings)
        longest = scores["indptr"][1:] - scores["indptr"][:-1]
        self.exact = not len(longest) or int(longest.max()) <= postings

    def cut_at(self, term: int) -> float:
        """The lowest score the term's kept list holds when it was cut to `postings` chunks, else 0."""
        a, b = int(self.indptr[term]), int(self.indptr[term + 1])
        full = int(self.full_ptr[term + 1] - self.full_ptr[term])
        return float(self.data[b - 1]) if full > b - a and b > a else 0.0

    def words(self, query: str) -> list[str]:
        """The query's stemmed terms, split as bm25s splits the chunks (its pattern, lower case, its stopwords)."""
        return self.stemmer.stemWords([w for w in _TOKEN.findall(query.lower()) if w not in self.stopwords])

    def search(self, query: str, top_k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best `top_k` chunks with a positive score, best first (ties: input order)."""
        import numpy as np

        if not self.ids or top_k < 1:
            return []
        terms = [self.vocab[w] for w in self.words(query) if w in self.vocab and w]
        if not terms:
            return []
        weight = Counter(terms)  # a term asked twice counts twice, as in bm25s
        order = list(weight)
        spans = [(int(self.indptr[t]), int(self.indptr[t + 1])) for t in order]
        kept_docs = np.concatenate([self.docs[a:b] for a, b in spans])
        if not len(kept_docs):
            return []
        kept_scores = np.concatenate([self.data[a:b] * weight[t] for t, (a, b) in zip(order, spans)])
        # a term whose list was cut may still score a candidate outside its list, by at most its lowest kept score
        cut = [self.cut_at(t) * weight[t] for t in order]
        entry_cut = np.repeat(np.asarray(cut, dtype=np.float64), [b - a for a, b in spans])
        candidates, inverse = np.unique(kept_docs, return_inverse=True)
        known = np.bincount(inverse, weights=kept_scores)
        bound = known + sum(cut) - np.bincount(inverse, weights=entry_cut)
        k = min(top_k, len(candidates))
        if sum(cut) > 0 and k < len(candidates):  # drop candidates that cannot reach the k-th best known score
            floor = np.partition(known, len(known) - k)[len(known) - k]
            keep = bound >= floor
            candidates = candidates[keep]
            totals = np.zeros(len(candidates), dtype=np.float64)
            for t in order:  # the exact score of every remaining candidate: each term's full chunk-ordered postings
                a, b = int(self.full_ptr[t]), int(self.full_ptr[t + 1])
                if b == a:
                    continue
                docs = self.full_docs[a:b]
                at = np.minimum(np.searchsorted(docs, candidates), b - a - 1)
                hit = docs[at] == candidates
                totals[hit] += self.full_data[a:b][at[hit]] * weight[t]
        else:  # no list was cut: the kept scores are the whole scores
            totals = known.astype(np.float64)
        k = min(top_k, len(candidates))
        best = np.argpartition(-totals, k - 1)[:k] if k < len(candidates) else np.arange(len(candidates))
        best = best[np.lexsort((candidates[best], -totals[best]))]
        return [(self.ids[int(candidates[i])], float(totals[i])) for i in best if totals[i] > 0]
