"""Chunks are sentence-aware, measured in tiktoken tokens, and point at exact spans of the clean text."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunk import chunk_article, token_counter
from index.corpus import load_corpus
from index.sentences import split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize(("size", "overlap"), [(64, 16), (128, 32), (256, 0)])
def test_chunks_are_exact_spans_within_the_token_budget(size: int, overlap: int) -> None:
    count = token_counter("cl100k_base")
    articles, _ = load_corpus(SEEDS)
    for article in articles:
        chunks = chunk_article(article, size, overlap)
        assert chunks
        covered = set()
        for chunk in chunks:
            assert article.text[chunk.start : chunk.end] == chunk.text
            assert len(count(chunk.text)) <= size + 8  # splitter joins with separators it does not count
            covered.update(range(chunk.start, chunk.end))
        letters = {i for i, ch in enumerate(article.text) if not ch.isspace()}
        assert letters <= covered, "every character of the article is in some chunk"


def test_tiktoken_uses_the_bundled_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from index.chunk import bundled_tiktoken_cache, use_offline_tiktoken

    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    use_offline_tiktoken()
    assert os.environ["TIKTOKEN_CACHE_DIR"] == bundled_tiktoken_cache()
    assert any(Path(bundled_tiktoken_cache()).iterdir())


def test_sentences_do_not_split_abbreviations() -> None:
    text = "Gen. Sergei Smirnov spoke in Washington, D.C. on Nov. 22. He said more.\n\nNew paragraph"
    spans = [text[s.start : s.end] for s in split_sentences(text)]
    assert spans == ["Gen. Sergei Smirnov spoke in Washington, D.C. on Nov. 22.", "He said more.", "New paragraph"]


def test_chunks_are_whole_sentences_of_the_language_layer() -> None:
    """One sentence split for everything: chunks start and end on the spaCy sentences the answerer cites."""
    from index.chunk import chunk_sentences
    from index.corpus import load_corpus
    from index.language import parse
    from tests.conftest import SEEDS

    article = load_corpus(SEEDS)[0][1]
    sentences = parse(article.text)
    chunks = chunk_sentences(article, sentences, 128, 32)
    starts, ends = {s.start for s in sentences}, {s.end for s in sentences}
    count = token_counter("cl100k_base")
    assert chunks and all(c.start in starts and c.end in ends for c in chunks)
    assert all(article.text[c.start : c.end] == c.text for c in chunks)
    assert all(len(count(c.text)) <= 128 or c.text.count(". ") == 0 for c in chunks)
    assert chunks[0].start == sentences[0].start and chunks[-1].end == sentences[-1].end
    assert all(b.start <= a.end for a, b in zip(chunks, chunks[1:])), "neighbours share or touch"
