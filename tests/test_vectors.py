"""A build embeds each sentence once and pools chunk vectors from them (`index.vectors`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from index.build import build_index
from index.store import IndexStore
from index.vectors import embed_group, pool
from tests.fakes import HashEmbedding


def test_a_chunk_is_the_character_weighted_mean_of_its_sentences() -> None:
    a, b = [1.0, 0.0], [0.0, 1.0]
    # the chunk holds all of sentence one (30 chars) and 10 chars of sentence two
    [vector] = pool([(0, 40)], [(0, 30), (30, 90)], [a, b])
    assert vector is not None
    expected = np.array([30.0, 10.0]) / math.hypot(30, 10)
    assert np.allclose(vector, expected)
    assert math.isclose(float(np.linalg.norm(vector)), 1.0)


def test_a_sentence_shared_by_two_chunks_counts_in_both_and_a_chunk_without_sentences_is_none() -> None:
    a, b, c = [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]
    first, second, empty = pool([(0, 50), (40, 100), (200, 220)], [(0, 40), (40, 60), (60, 100)], [a, b, c])
    assert first is not None and second is not None
    assert first[1] > 0 and second[1] > 0, "the overlap's sentence is in both chunks"
    assert first[2] == 0 and second[0] == 0
    assert empty is None


def test_only_sentences_are_embedded_and_an_empty_chunk_is_embedded_on_its_own() -> None:
    embedder = HashEmbedding()
    seen: list[str] = []
    original = embedder.get_text_embedding_batch

    def spy(texts: list[str], **kwargs: object) -> list[list[float]]:
        seen.extend(texts)
        return original(texts)

    object.__setattr__(embedder, "get_text_embedding_batch", spy)
    text = "Rain fell on Monday. The river rose fast. [photo]"
    sentences = [("d", (0, 20), text[0:20]), ("d", (21, 41), text[21:41])]
    chunks = [("d", (0, 41), text[0:41]), ("d", (42, 49), text[42:49])]
    chunk_vectors, sentence_vectors = embed_group(embedder, chunks, sentences, "sentences", batch=8,
                                                  tick=lambda n: None)
    assert sorted(seen) == sorted([text[0:20], text[21:41], text[42:49]])
    assert len(chunk_vectors) == 2 and len(sentence_vectors) == 2
    assert np.allclose(chunk_vectors[1], embedder.get_text_embedding(text[42:49]))
    seen.clear()
    embed_group(embedder, chunks, sentences, "embedded", batch=8, tick=lambda n: None)
    assert sorted(seen) == sorted([text[0:41], text[42:49], text[0:20], text[21:41]])


def test_stored_chunk_vectors_are_pooled_from_the_stored_sentence_vectors(settings, fake_embedder: HashEmbedding) -> None:  # type: ignore[no-untyped-def]
    summary = build_index(settings, embedder=fake_embedder)
    store = IndexStore(settings)
    manifest = store.read_manifest()
    assert manifest is not None
    assert summary.embedded == sum(manifest.sentence_counts.values()), "each sentence once, no chunk text"
    chunk_name, sent_name = store.generation_names(manifest.generation)
    chunks: dict[str, Any] = dict(store.collection(chunk_name).get(include=["embeddings", "metadatas"]))
    sents: dict[str, Any] = dict(store.collection(sent_name).get(include=["embeddings", "metadatas"]))
    doc_id = str(chunks["metadatas"][0]["doc_id"])
    own = sorted((int(m["start"]), int(m["end"]), list(v)) for m, v in zip(sents["metadatas"], sents["embeddings"])
                 if m["doc_id"] == doc_id)
    checked = 0
    for meta, vector in zip(chunks["metadatas"], chunks["embeddings"]):
        if meta["doc_id"] != doc_id:
            continue
        [expected] = pool([(int(meta["start"]), int(meta["end"]))], [(a, b) for a, b, _ in own], [v for _, _, v in own])
        assert expected is not None and np.allclose(vector, expected, atol=1e-6)
        checked += 1
    assert checked > 1


@pytest.mark.parametrize("mode", ["sentences", "embedded"])
def test_how_chunk_vectors_are_made_names_the_collection(settings, mode: str) -> None:  # type: ignore[no-untyped-def]
    other = settings.model_copy(update={"embedder": settings.embedder.model_copy(update={"chunk_vectors": mode})})
    assert (other.collection_name() == settings.collection_name()) == (mode == settings.embedder.chunk_vectors)


def test_chunks_of_articles_given_interleaved_keep_their_order() -> None:
    embedder = HashEmbedding()
    a, b = "Rain fell on Monday in the hills.", "The port closed for the strike."
    sentences = [("a", (0, len(a)), a), ("b", (0, len(b)), b)]
    chunks = [("b", (0, len(b)), b), ("a", (0, len(a)), a), ("b", (0, len(b)), b)]
    chunk_vectors, _ = embed_group(embedder, chunks, sentences, "sentences", batch=8, tick=lambda n: None)
    for (_, _, text), vector in zip(chunks, chunk_vectors):
        assert np.allclose(vector, embedder.get_text_embedding(text))
