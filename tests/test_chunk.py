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


def test_chunks_match_the_stock_sentence_splitter() -> None:
    """The chunker's own Punkt set-up (no scipy/scikit-learn/pandas) cuts exactly where llama-index's does."""
    from llama_index.core.node_parser import SentenceSplitter

    count = token_counter("cl100k_base")
    articles, _ = load_corpus(SEEDS)
    for size, overlap in [(128, 32), (64, 16)]:
        stock = SentenceSplitter(chunk_size=size, chunk_overlap=overlap, tokenizer=count, paragraph_separator="\n\n")
        for article in articles:
            assert [c.text for c in chunk_article(article, size, overlap)] == stock.split_text(article.text)


def test_chunking_does_not_import_the_scientific_stack() -> None:
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from index.corpus import load_corpus; "
            "from index.chunk import chunk_article; a = load_corpus(Path(sys.argv[1]))[0][0]; "
            "assert chunk_article(a, 128, 32); print(sorted(m for m in ('scipy', 'sklearn', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(SEEDS)], capture_output=True, text=True,
                          cwd=SEEDS.parent, check=True)
    assert done.stdout.strip() == "[]", done.stderr
