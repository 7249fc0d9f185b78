"""Hybrid retrieval returns chunks with exact offsets, embedded and against a real Chroma server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import StoreError
from assistant.retrieve import rrf
from tests.chroma_server import ChromaServer


def test_rrf_fuses_rankings() -> None:
    scores = rrf([["a", "b", "c"], ["c", "a"]], k=60)
    assert max(scores, key=scores.__getitem__) == "a"
    assert scores["c"] > scores["b"]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["embedded", pytest.param("server", marks=[pytest.mark.server, pytest.mark.slow])])
def mode_bot(request: pytest.FixtureRequest, settings, fake_embedder) -> Assistant:  # type: ignore[no-untyped-def]
    if request.param == "server":
        server: ChromaServer = request.getfixturevalue("chroma_server")
        settings = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": server.port,
                                                "collection_prefix": f"t{abs(hash(request.node.name)) % 10**8}"})
    bot = Assistant(settings, embedder=fake_embedder)
    bot.index()
    return bot


def test_hybrid_finds_the_passage_and_offsets_are_exact(mode_bot: Assistant) -> None:
    answer = mode_bot.ask("What did Gen. Smirnov say about 1,700 Russians?")
    top_docs = [c.doc_id for c in answer.chunks[:3]]
    assert "001_29fed247de3de071" in top_docs
    for chunk in answer.chunks:
        assert mode_bot.document(chunk.doc_id).text[chunk.start : chunk.end] == chunk.text
        assert chunk.dense_rank or chunk.bm25_rank
    assert answer.chunks == sorted(answer.chunks, key=lambda c: -c.score)


def test_bm25_alone_and_dense_alone_also_work(mode_bot: Assistant) -> None:
    from assistant.retrieve import HybridRetriever

    snapshot, retriever = mode_bot._ready()
    for mode in ("bm25", "dense"):
        settings = retriever.settings.model_copy(update={"mode": mode})
        hits = HybridRetriever(snapshot, mode_bot.embedder, settings).search("Kadyrov Instagram destroyed")
        assert hits and hits[0].doc_id == "001_29fed247de3de071", mode


def test_second_index_run_is_unchanged(mode_bot: Assistant) -> None:
    summary = mode_bot.index()
    assert len(summary.unchanged) == 5 and summary.embedded == 0


@pytest.mark.server
@pytest.mark.slow
def test_server_outage_is_a_clear_error_and_answers_resume(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = ChromaServer(tmp_path / "outage")
    server.start()
    try:
        s = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": server.port})
        bot = Assistant(s, embedder=fake_embedder)
        bot.index()
        before = bot.ask("Who is Sergei Melikov?")
        server.stop()
        with pytest.raises(StoreError, match="vector search failed|cannot"):
            bot.ask("Who is Sergei Melikov?")
        server.start()
        assert bot.ask("Who is Sergei Melikov?").text == before.text
    finally:
        server.stop()
