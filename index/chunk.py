"""Sentence-aware, token-measured chunks that remember their exact character span in the clean text."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from index.corpus import Article


def bundled_tiktoken_cache() -> str:
    """Folder of BPE files shipped inside llama-index-core, so tiktoken never downloads."""
    import llama_index.core

    return str(Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache")


def use_offline_tiktoken() -> None:
    """Point tiktoken at the bundled cache before its first use (idempotent; respects a user's choice)."""
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", bundled_tiktoken_cache())


@lru_cache(maxsize=4)
def token_counter(encoding: str) -> Callable[[str], list[int]]:
    """`encode` of a tiktoken encoding, loaded from the bundled cache."""
    use_offline_tiktoken()
    import tiktoken

    return tiktoken.get_encoding(encoding).encode


@dataclass(frozen=True)
class Chunk:
    """A piece of one article: `article.text[start:end] == text`."""

    chunk_id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int


def _locate(haystack: str, needle: str, cursor: int) -> tuple[int, int]:
    """Span of `needle` in `haystack` at or after `cursor`, tolerant of whitespace changes."""
    pos = haystack.find(needle, cursor)
    if pos < 0:
        pos = haystack.find(needle)
    if pos >= 0:
        return pos, pos + len(needle)
    pattern = r"\s+".join(re.escape(part) for part in needle.split())
    match = re.compile(pattern).search(haystack, cursor) or re.compile(pattern).search(haystack)
    if match is None:
        raise ValueError(f"chunk not found in its article text: {needle[:60]!r}")
    return match.start(), match.end()


# Imported by `import nltk` for features Punkt never uses: about 110 MB of RSS and 1-3 s of a build.
_NOT_NEEDED_BY_PUNKT = ("scipy", "sklearn", "pandas")


def _import_punkt() -> Any:
    """nltk's PunktSentenceTokenizer class, imported without the scientific stack nltk's package import pulls
    in (each is optional to nltk: its modules that use them catch the ImportError). One already imported by
    someone else is left alone, and all stay importable afterwards."""
    import sys

    blocked = [] if "nltk" in sys.modules else [name for name in _NOT_NEEDED_BY_PUNKT if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError meanwhile
    try:
        from nltk.tokenize.punkt import PunktSentenceTokenizer
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return PunktSentenceTokenizer


def _punkt_sentences() -> Callable[[str], list[str]]:
    """The sentence pass llama-index's SentenceSplitter uses by default (an untrained Punkt tokenizer, pieces
    running from one sentence start to the next), without llama-index's global nltk set-up."""
    from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer_internal

    tokenizer = _import_punkt()()
    return lambda text: split_by_sentence_tokenizer_internal(text, tokenizer)


@lru_cache(maxsize=8)
def _splitter(chunk_size: int, chunk_overlap: int, encoding: str) -> Any:
    """One llama-index SentenceSplitter per setting, built once per process (it is stateless)."""
    from llama_index.core.node_parser import SentenceSplitter

    return SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap, tokenizer=token_counter(encoding),
                            paragraph_separator="\n\n", chunking_tokenizer_fn=_punkt_sentences())


def chunk_article(article: Article, chunk_size: int, chunk_overlap: int, encoding: str = "cl100k_base") -> list[Chunk]:
    """Split one article with llama-index's SentenceSplitter, measured in tiktoken tokens."""
    splitter = _splitter(chunk_size, chunk_overlap, encoding)
    chunks: list[Chunk] = []
    cursor = 0
    for i, piece in enumerate(splitter.split_text(article.text)):
        start, end = _locate(article.text, piece, cursor)
        cursor = start + 1
        chunks.append(
            Chunk(
                chunk_id=f"{article.doc_id}:{i:04d}",
                doc_id=article.doc_id,
                index=i,
                text=article.text[start:end],
                start=start,
                end=end,
            )
        )
    return chunks
