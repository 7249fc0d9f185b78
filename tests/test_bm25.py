"""BM25 through impact-ordered postings: exactly bm25s while no term is in more chunks than a list keeps, and a
search that reads at most that many entries per query term beyond it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.bm25 import BM25Index, impact_ordered
from index.chunk import chunk_article
from index.corpus import load_corpus

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Rec:
    chunk_id: str
    text: str


def _seed_chunks() -> list[Rec]:
    docs, _ = load_corpus(REPO / "seeds")
    return [Rec(c.chunk_id, c.text) for d in docs for c in chunk_article(d, 128, 32)]


def _exact(records: list[Rec], query: str, k: int) -> list[tuple[str, float]]:
    """bm25s's own retrieval, the reference."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    model = bm25s.BM25()
    model.index(bm25s.tokenize([r.text for r in records], stopwords="en", stemmer=stemmer, show_progress=False),
                show_progress=False)
    docs, scores = model.retrieve(bm25s.tokenize([query], stopwords="en", stemmer=stemmer, show_progress=False),
                                  k=k, show_progress=False)
    return [(records[int(d)].chunk_id, float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]


@pytest.mark.parametrize("query", ["How many Russians fight with IS?", "Kadyrov Instagram threat",
                                   "Who leads the Caucasus Emirate?", "special operation Kabardino-Balkar"])
def test_untruncated_postings_rank_exactly_as_bm25s(query: str) -> None:
    records = _seed_chunks()
    index = BM25Index(records)
    assert index.exact
    got, want = index.search(query, 10), _exact(records, query, 10)
    assert [c for c, _ in got] == [c for c, _ in want]
    assert [round(s, 4) for _, s in got] == [round(s, 4) for _, s in want]


def test_unknown_words_stopwords_and_an_empty_index_find_nothing() -> None:
    index = BM25Index(_seed_chunks())
    assert index.search("zxqv wibblewobble", 5) == []
    assert index.search("the of and", 5) == []
    assert BM25Index([]).search("Kadyrov", 5) == []


def test_each_term_keeps_its_best_chunks_best_first() -> None:
    import numpy as np

    # one term (a CSC column) in six documents with these scores
    data = np.array([0.1, 0.9, 0.5, 0.7, 0.3, 0.2], dtype=np.float32)
    docs = np.arange(6, dtype=np.int32)
    kept_data, kept_docs, ptr = impact_ordered(data, docs, np.array([0, 6]), keep=3)
    assert list(ptr) == [0, 3]
    assert list(kept_docs) == [1, 3, 2]
    assert np.allclose(kept_data, [0.9, 0.7, 0.5])
    # two terms; equal scores keep document order, so a cut list is the same on every run
    data = np.array([0.4, 0.4, 0.4, 0.8, 0.2], dtype=np.float32)
    docs = np.array([7, 2, 5, 1, 3], dtype=np.int32)
    kept_data, kept_docs, ptr = impact_ordered(data, docs, np.array([0, 3, 5]), keep=2)
    assert list(ptr) == [0, 2, 4] and list(kept_docs) == [2, 5, 1, 3]


def test_truncated_postings_still_find_a_terms_best_chunks_and_bound_the_work() -> None:
    rng = random.Random(5)
    filler = ["river", "bridge", "market", "council", "storm", "harbour", "school", "train"]
    # chunk i says "flood" i + 1 times: every chunk has its own score for the term
    records = [Rec(f"c{i:03d}", " ".join(["flood"] * (i + 1) + rng.sample(filler, 4))) for i in range(120)]
    full, cut = BM25Index(records, postings=10_000), BM25Index(records, postings=20)
    assert full.exact and not cut.exact
    assert cut.search("flood", 5) == full.search("flood", 5)
    assert [c for c, _ in cut.search("flood", 3)] == ["c119", "c118", "c117"]
    assert max(int(b - a) for a, b in zip(cut.indptr[:-1], cut.indptr[1:])) == 20
    with pytest.raises(ValueError, match="postings"):
        BM25Index(records, postings=0)


@pytest.mark.parametrize("query", ["How many Russians fight with IS?", "Kadyrov's Instagram post, 2015",
                                   "Who's the U.S. envoy to the North-Caucasus?", "Café Müller — naïve façade",
                                   "the of and", "", "1,700 fighters; 2,500 citizens"])
def test_a_query_is_split_and_stemmed_as_bm25s_splits_the_chunks(query: str) -> None:
    import bm25s
    import Stemmer

    want = bm25s.tokenize([query], stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False,
                          return_ids=False)[0]
    assert BM25Index([Rec("c1", "anything at all")]).words(query) == [w for w in want if w]


def test_a_chunk_outside_a_cut_terms_list_still_gets_that_terms_score() -> None:
    # "river" is in every chunk and its kept list is full of one-word chunks; the chunks that also say "flood" are
    # longer, so outside that list: their "river" score must come from the term's full postings
    records = [Rec(f"r{j:03d}", "river") for j in range(100)]
    records += [Rec(f"f{i:03d}", "flood river " + " ".join(f"word{x}" for x in range(i + 3))) for i in range(20)]
    full, cut = BM25Index(records, postings=10_000), BM25Index(records, postings=20)
    river = cut.vocab["river"]
    kept = {records[int(d)].chunk_id for d in cut.docs[cut.indptr[river] : cut.indptr[river + 1]]}
    assert cut.cut_at(river) > 0 and full.cut_at(river) == 0
    got, want = cut.search("flood river", 5), full.search("flood river", 5)
    assert [c for c, _ in got] == [c for c, _ in want] == ["f000", "f001", "f002", "f003", "f004"]
    assert not kept & {c for c, _ in got}
    assert [round(s, 5) for _, s in got] == [round(s, 5) for _, s in want]
