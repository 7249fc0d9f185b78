"""Indexing is incremental (content hashes), atomic (generations + one manifest write) and repairable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import CorpusError, StoreError
from index.build import build_index
from index.store import IndexStore
from tests.fakes import HashEmbedding


def test_first_run_adds_all_second_run_embeds_nothing(settings, fake_embedder: HashEmbedding) -> None:  # type: ignore[no-untyped-def]
    first = build_index(settings, embedder=fake_embedder)
    assert sorted(first.added) == sorted(p.stem for p in settings.corpus_dir.glob("*.txt"))
    assert first.chunks > 0 and first.embedded > first.chunks  # chunks plus sentences
    fake_embedder.calls.clear()
    second = build_index(settings, embedder=fake_embedder)
    assert len(second.unchanged) == 5 and not second.changed
    assert fake_embedder.calls == []
    assert "5 unchanged" in second.line() and "nothing embedded" in second.line()
    assert second.generation == first.generation


def test_changed_removed_and_new_articles(settings, fake_embedder: HashEmbedding) -> None:  # type: ignore[no-untyped-def]
    build_index(settings, embedder=fake_embedder)
    corpus: Path = settings.corpus_dir
    changed = corpus / "004_691aa7bb0ddf0b33.txt"
    changed.write_text(changed.read_text() + "\nA new closing paragraph about Grozny.\n")
    (corpus / "002_fd9a463dd4fe210a.txt").unlink()
    (corpus / "005_new.txt").write_text("A new article\n\nThe Grozny mayor opened a bridge on Monday.\n")
    fake_embedder.calls.clear()
    summary = build_index(settings, embedder=fake_embedder)
    assert summary.updated == ["004_691aa7bb0ddf0b33"]
    assert summary.removed == ["002_fd9a463dd4fe210a"]
    assert summary.added == ["005_new"]
    assert len(summary.unchanged) == 3
    embedded = sum(fake_embedder.calls)
    assert 0 < embedded < 40, "only the new and changed articles are embedded"
    store = IndexStore(settings)
    manifest = store.read_manifest()
    assert manifest is not None
    assert {d.doc_id for d in manifest.documents} == {p.stem for p in corpus.glob("*.txt")}
    chunks = store.collection(store.generation_names(manifest.generation)[0])
    assert chunks.count() == sum(manifest.chunk_counts.values())
    assert not chunks.get(where={"doc_id": "002_fd9a463dd4fe210a"})["ids"]
    old = [c.name for c in store.client.list_collections() if "-g" in c.name]
    # the current generation and the one before it (readers may still hold it until the next build); no older
    kept = [*store.generation_names(manifest.generation), *store.generation_names(manifest.generation - 1)]
    assert sorted(old) == sorted(kept), "generations older than the previous one are dropped"


def test_a_build_that_dies_leaves_the_previous_index_answering(settings, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant import Assistant

    bot = Assistant(settings, embedder=fake_embedder)
    bot.index()
    before = bot.ask("Who is Sergei Melikov?")
    (settings.corpus_dir / "001_29fed247de3de071.txt").write_text("Changed\n\nSomething else entirely happened.\n")

    class Dying(HashEmbedding):
        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            raise RuntimeError("killed mid-build")

    with pytest.raises(RuntimeError):
        build_index(settings, embedder=Dying())
    fresh = Assistant(settings, embedder=fake_embedder, auto_index=False)
    after = fresh.ask("Who is Sergei Melikov?")
    assert after.text == before.text
    repaired = build_index(settings, embedder=fake_embedder)
    assert repaired.updated == ["001_29fed247de3de071"]
    names = [c.name for c in IndexStore(settings).client.list_collections() if "-g" in c.name]
    # the repaired generation and the one it replaced; the half-built one was dropped
    assert sorted(names) == sorted([*IndexStore(settings).generation_names(repaired.generation),
                                    *IndexStore(settings).generation_names(repaired.generation - 1)])


def test_missing_corpus_is_exit_2_and_leaves_the_index(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_index(settings, embedder=fake_embedder)
    with pytest.raises(CorpusError):
        build_index(settings, corpus_dir=tmp_path / "missing", embedder=fake_embedder)
    assert IndexStore(settings).read_manifest() is not None


def test_corrupt_manifest_says_how_to_rebuild_and_rebuild_recovers(settings, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    build_index(settings, embedder=fake_embedder)
    store = IndexStore(settings)
    meta = store.client.get_collection(store.meta_name)
    meta.upsert(ids=["manifest"], documents=["{not json"], embeddings=[[0.0]])
    with pytest.raises(StoreError, match="assistant index --rebuild"):
        build_index(settings, embedder=fake_embedder)
    summary = build_index(settings, rebuild=True, embedder=fake_embedder)
    assert len(summary.added) == 5


def test_deleted_store_files_are_recovered_by_rebuild(settings, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    from chromadb.api.shared_system_client import SharedSystemClient

    build_index(settings, embedder=fake_embedder)
    SharedSystemClient.clear_system_cache()
    sqlite = settings.data_dir / "chroma" / "chroma.sqlite3"
    sqlite.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="--rebuild"):
        build_index(settings, embedder=fake_embedder)
    SharedSystemClient.clear_system_cache()
    summary = build_index(settings, rebuild=True, embedder=fake_embedder)
    assert len(summary.added) == 5
    shutil.rmtree(settings.data_dir / "chroma", ignore_errors=True)
    SharedSystemClient.clear_system_cache()
    assert len(build_index(settings, embedder=fake_embedder).added) == 5


def test_collection_name_changes_with_chunking(settings) -> None:  # type: ignore[no-untyped-def]
    other = settings.model_copy(update={"chunking": settings.chunking.model_copy(update={"chunk_size": 256})})
    assert settings.collection_name() != other.collection_name()
    assert len(settings.collection_name()) >= 3


def test_one_indexer_at_a_time(settings, fake_embedder: HashEmbedding) -> None:  # type: ignore[no-untyped-def]
    """A second indexer waits for the first (lock on the data folder), and gives up with exit 2 in time."""
    import fcntl
    import threading

    from index.build import IndexLockedError, build_index

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    holder = (settings.data_dir / "index.lock").open("a+")
    fcntl.flock(holder.fileno(), fcntl.LOCK_EX)  # another process indexing (flock: per open file)
    with pytest.raises(IndexLockedError, match="another `assistant index` is still running") as caught:
        build_index(settings, embedder=fake_embedder, lock_wait=0.5)
    assert caught.value.exit_code == 2
    assert not (settings.data_dir / "chroma").exists(), "the locked-out indexer changed nothing"
    threading.Timer(0.5, lambda: fcntl.flock(holder.fileno(), fcntl.LOCK_UN)).start()
    summary = build_index(settings, embedder=fake_embedder, lock_wait=10)  # waits, then indexes
    assert len(summary.added) == 5
    holder.close()


def test_an_indexed_article_that_turns_unreadable_keeps_its_indexed_version(settings, fake_embedder: HashEmbedding) -> None:  # type: ignore[no-untyped-def]
    first = build_index(settings, embedder=fake_embedder)
    victim = sorted(Path(settings.corpus_dir).glob("*.txt"))[0]
    victim.write_bytes(victim.read_bytes()[:200] + b"\xff\xfe" + victim.read_bytes()[200:])  # one bad byte
    again = build_index(settings, embedder=fake_embedder)
    assert again.kept == [victim.stem] and victim.stem not in again.removed
    assert "indexed version kept" in again.line()
    assert len(again.unchanged) == len(first.added)
    assert [s.path for s in again.skipped] == [str(victim)]


def test_duplicate_articles_are_indexed_once(settings, fake_embedder: HashEmbedding) -> None:  # type: ignore[no-untyped-def]
    source = sorted(Path(settings.corpus_dir).glob("*.txt"))[0]
    shutil.copy(source, Path(settings.corpus_dir) / "zz_copy.txt")
    summary = build_index(settings, embedder=fake_embedder)
    assert "zz_copy" not in summary.added and len(summary.added) == 5
    assert any("same text as" in s.reason for s in summary.skipped)


def test_rebuilds_leave_no_dead_segment_folders(settings, fake_embedder: HashEmbedding) -> None:  # type: ignore[no-untyped-def]
    """Chroma keeps a deleted collection's segment folder; after eight builds only live segments have folders."""
    import re
    import sqlite3

    for i in range(8):
        (Path(settings.corpus_dir) / "zz_changing.txt").write_text(
            f"Build {i}\n\nThe council met on day {i} and voted on the new bridge.\n", encoding="utf-8")
        build_index(settings, embedder=fake_embedder)
    path = settings.data_dir / "chroma"
    with sqlite3.connect(path / "chroma.sqlite3") as db:
        live = {str(r[0]) for r in db.execute("SELECT id FROM segments")}
    folders = {p.name for p in path.iterdir() if p.is_dir() and re.fullmatch(r"[0-9a-f-]{36}", p.name)}
    assert folders <= live, f"{len(folders - live)} dead segment folders left behind"
    bot = Assistant(settings, embedder=fake_embedder, auto_index=False)
    assert not bot.ask("Who is Sergei Melikov?").abstained  # the live generation still answers


def test_unchanged_files_are_not_cleaned_again(settings, fake_embedder: HashEmbedding, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A re-index reads every file but cleans only those whose bytes changed (#14: an unchanged re-index of a
    large corpus was mostly cleaning); a rebuild cleans everything again."""
    import index.corpus as corpus_module

    build_index(settings, embedder=fake_embedder)
    changed = settings.corpus_dir / "004_691aa7bb0ddf0b33.txt"
    changed.write_text(changed.read_text() + "\nA new closing paragraph about Grozny.\n")
    cleaned: list[int] = []
    real_clean = corpus_module.clean_article
    monkeypatch.setattr(corpus_module, "clean_article", lambda raw: cleaned.append(1) or real_clean(raw))
    summary = build_index(settings, embedder=fake_embedder)
    assert summary.updated == ["004_691aa7bb0ddf0b33"] and len(summary.unchanged) == 4
    assert len(cleaned) == 1, "only the changed file was cleaned"
    cleaned.clear()
    build_index(settings, embedder=fake_embedder, rebuild=True)
    assert len(cleaned) == 5


def test_answering_from_stored_parses_never_loads_the_pipeline(settings, fake_embedder: HashEmbedding, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The language layer is computed at index time; a question reads the stored parses and must not pay the
    spaCy load (a cold `assistant ask` went from 1.5 s / 280 MB to 2.7 s / 380 MB when it did)."""
    import index.language as language

    build_index(settings, embedder=fake_embedder)

    def refuse() -> None:
        raise AssertionError("the spaCy pipeline was loaded to answer a question")

    monkeypatch.setattr(language, "load_nlp", refuse)
    answer = Assistant(settings, embedder=fake_embedder, auto_index=False).ask("Who is Sergei Melikov?")
    assert answer.citations and not answer.abstained


def test_background_groups_keep_order_and_raise_the_producers_error() -> None:
    import threading

    from index.build import _in_background

    assert list(_in_background(iter(range(7)))) == list(range(7))

    def failing():  # type: ignore[no-untyped-def]
        yield 1
        raise ValueError("parse failed")

    got = []
    with pytest.raises(ValueError, match="parse failed"):
        for item in _in_background(failing()):
            got.append(item)
    assert got == [1]
    before = threading.active_count()
    stream = _in_background(iter(range(1000)), ahead=2)
    assert next(stream) == 0
    stream.close()  # the consumer stops early: the producer thread ends too
    assert threading.active_count() == before
