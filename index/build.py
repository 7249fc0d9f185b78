"""Incremental, atomic indexing: embed only what changed, then switch generations in one write.

Usage::

    summary = build_index(assistant.settings.Settings())   # any IndexConfig; or build_index(settings, embedder=fake, client=c)
    print(summary.line())
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from index.chunk import Chunk, chunk_article
from index.corpus import Article, Skipped, load_corpus
from index.errors import StoreError
from index.language import ParseCache, ParsedSentence
from index.settings import IndexConfig
from index.store import IndexStore, Manifest, now_iso
from index.vectors import embed_group

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection
    from llama_index.core.base.embeddings.base import BaseEmbedding

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
T = TypeVar("T")
COPY_BATCH = 2000


class IndexSummary(BaseModel):
    """What one indexing run did."""

    model_config = ConfigDict(extra="forbid")

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    kept: list[str] = Field(default_factory=list, description="unreadable now; their indexed version is kept")
    skipped: list[Skipped] = Field(default_factory=list)
    chunks: int = 0
    embedded: int = 0
    generation: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        head = (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged articles; {self.chunks} chunks; {self.embedded} texts embedded; "
            f"{self.seconds:.2f} s"
        )
        if not self.changed:
            head += " — index up to date, nothing embedded"
        if self.skipped:
            head += f"; {len(self.skipped)} file(s) skipped"
        if self.kept:
            head += f" ({len(self.kept)} unreadable now, their indexed version kept: {', '.join(self.kept)})"
        return head


def chunk_metadata(article: Article, chunk: Chunk) -> dict[str, Any]:
    """Flat metadata stored with each chunk (Chroma takes no None values)."""
    meta: dict[str, Any] = {
        "doc_id": article.doc_id,
        "title": article.title,
        "chunk_index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
    }
    for field in ("outlet", "date", "author"):
        value = getattr(article, field)
        if value:
            meta[field] = value
    return meta


def _nodes_for(article: Article, settings: IndexConfig) -> list[Any]:
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    chunking = settings.chunking
    nodes = []
    for chunk in chunk_article(article, chunking.chunk_size, chunking.chunk_overlap, chunking.encoding):
        node = TextNode(
            id_=chunk.chunk_id,
            text=chunk.text,
            metadata=chunk_metadata(article, chunk),
            start_char_idx=chunk.start,
            end_char_idx=chunk.end,
            excluded_embed_metadata_keys=["doc_id", "chunk_index", "start", "end", "outlet", "date", "author"],
            excluded_llm_metadata_keys=["chunk_index", "start", "end"],
        )
        node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=article.doc_id)
        nodes.append(node)
    return nodes


def _copy_docs(src: Collection, dst: Collection, doc_ids: Iterable[str]) -> int:
    """Copy stored records (with vectors) of unchanged articles into the new generation."""
    ids = list(doc_ids)
    copied = 0
    for i in range(0, len(ids), 100):
        got = src.get(where={"doc_id": {"$in": ids[i : i + 100]}}, include=["embeddings", "documents", "metadatas"])  # type: ignore[dict-item]
        for j in range(0, len(got["ids"]), COPY_BATCH):
            dst.add(
                ids=got["ids"][j : j + COPY_BATCH],
                embeddings=got["embeddings"][j : j + COPY_BATCH],  # type: ignore[index]
                documents=got["documents"][j : j + COPY_BATCH],  # type: ignore[index]
                metadatas=got["metadatas"][j : j + COPY_BATCH],  # type: ignore[index]
            )
        copied += len(got["ids"])
    return copied


BUILD_GROUP = 16  # articles parsed, chunked, embedded and written together
AHEAD = 2  # groups parsed and chunked ahead of the one being embedded


@dataclass
class _Group:
    """Articles ready to embed: their chunk nodes and their parsed sentences."""

    articles: list[Article]
    nodes: list[list[Any]]
    parsed: list[list[ParsedSentence]]


def _prepare(articles: list[Article], parses: ParseCache, settings: IndexConfig) -> _Group:
    """Parse (stored on disk as a side effect) and chunk a group of articles."""
    parsed = parses.get_many([a.text for a in articles])
    return _Group(articles, [_nodes_for(a, settings) for a in articles], parsed)


_DONE = object()


def _in_background(items: Iterator[T], ahead: int = AHEAD) -> Iterator[T]:
    """The items of `items`, computed by a background thread up to `ahead` items before they are asked for.
    An error raised there is raised here; when the caller stops early, the thread stops after its item."""
    out: queue.Queue[Any] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put((_DONE, exc))
            return
        put((_DONE, None))

    worker = threading.Thread(target=produce, name="index-prepare", daemon=True)
    worker.start()
    try:
        while True:
            item, error = out.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        worker.join()


def _estimate_texts(articles: Sequence[Article]) -> int:
    """A progress-bar guess of how many texts (their sentences) the articles will embed."""
    return sum(max(1, len(a.text) // 140) for a in articles)


REBUILD_SPACE_FACTOR = 1.5  # a rebuild writes a new generation beside the current one
REBUILD_SPACE_MIN_MB = 50


def check_free_space(settings: IndexConfig) -> None:
    """Refuse a rebuild before touching anything when the disk cannot hold a second copy of the store."""
    path = Path(settings.data_dir)
    store = path / "chroma"
    used = sum(f.stat().st_size for f in store.rglob("*") if f.is_file()) if store.is_dir() else 0
    needed = max(int(used * REBUILD_SPACE_FACTOR), REBUILD_SPACE_MIN_MB << 20)
    path.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(path).free
    if free < needed:
        raise StoreError(f"not enough free disk space to rebuild the index in {path}: about {needed >> 20} MB "
                         f"needed, {free >> 20} MB free; free some space and run it again (the current index is "
                         "untouched)")


class IndexLockedError(StoreError):
    """Another indexer holds the data folder's lock and did not finish in time."""

    exit_code = 2


LOCK_WAIT_S = 600.0


@contextmanager
def indexer_lock(data_dir: Path, wait: float = LOCK_WAIT_S) -> Iterator[None]:
    """One indexer at a time per data folder (an OS file lock, released even if the process is killed).

    A second indexer says it is waiting, then waits up to `wait` seconds; after that it gives up with
    IndexLockedError (exit code 2) and changes nothing.
    """
    import fcntl

    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handle = (data_dir / "index.lock").open("a+")
    except OSError as exc:
        raise StoreError(f"cannot index into {data_dir}: {exc.strerror or exc}; indexing needs a writable data "
                         "folder (set ASSISTANT_DATA_DIR to one); answering from a read-only one works") from exc
    with handle:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    log.warning("another `assistant index` is running on %s; waiting for it to finish …", data_dir)
                    told = True
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another `assistant index` is still running on {data_dir} after {wait:.0f} s; "
                        "let it finish, then run this command again") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def build_index(
    settings: IndexConfig,
    corpus_dir: Path | None = None,
    *,
    rebuild: bool = False,
    embedder: BaseEmbedding | None = None,
    store: IndexStore | None = None,
    progress: Progress | None = None,
    lock_wait: float = LOCK_WAIT_S,
) -> IndexSummary:
    """Bring the index in line with the corpus; only new or changed articles are embedded. One indexer runs
    at a time per data folder; a second one waits (see `indexer_lock`)."""
    with indexer_lock(Path(settings.data_dir), lock_wait):
        return _build_index(settings, corpus_dir, rebuild=rebuild, embedder=embedder, store=store,
                            progress=progress)


def _build_index(
    settings: IndexConfig,
    corpus_dir: Path | None,
    *,
    rebuild: bool,
    embedder: BaseEmbedding | None,
    store: IndexStore | None,
    progress: Progress | None,
) -> IndexSummary:
    started = time.perf_counter()
    store = store or IndexStore(settings)
    if store.vanished():  # the data folder was deleted since this store was opened: start from an empty one
        store.forget()
    folder = Path(corpus_dir or settings.corpus_dir)
    indexed = store.read_manifest() if not rebuild and folder.is_dir() else None
    # files whose bytes did not change since they were indexed are not cleaned again (a rebuild starts afresh)
    articles, skipped = load_corpus(folder, {d.doc_id: d for d in indexed.documents} if indexed else None)
    for item in skipped:
        log.warning("skipped %s: %s", item.path, item.reason)
    damaged_aside = None
    if rebuild:  # re-embed everything into a new generation; the current one answers until the switch
        check_free_space(settings)
        problem = store.damaged()
        if problem:  # moved aside, not deleted: it goes only once the new index is committed
            damaged_aside = store.move_aside()
            log.warning("the store was damaged (%s); moved to %s and rebuilding", problem, damaged_aside)
        try:
            current = store.read_manifest()
        except StoreError:
            store.wipe()  # unreadable: nothing to keep answering with
            current = None
        old: dict[str, Article] = {}
    else:
        current = indexed
        old = {d.doc_id: d for d in current.documents} if current else {}
    new = {a.doc_id: a for a in articles}
    summary = IndexSummary(skipped=skipped)
    # an indexed article that can no longer be read (a bad byte, a permission) keeps its indexed version:
    # a damaged file must not silently take its article out of the answers
    previous = {d.doc_id: d for d in current.documents} if current else {}
    for item in skipped:
        doc_id = Path(item.path).stem
        if doc_id in previous and doc_id not in new and not item.reason.startswith("same text as"):
            new[doc_id] = previous[doc_id]
            summary.kept.append(doc_id)
            log.warning("kept the indexed version of %s: the file is now unreadable (%s)", doc_id, item.reason)
    for doc_id, article in new.items():
        before = old.get(doc_id)
        if before is None:
            summary.added.append(doc_id)
        elif before.model_dump() != article.model_dump():
            summary.updated.append(doc_id)
        else:
            summary.unchanged.append(doc_id)
    summary.removed = sorted(set(old) - set(new)) if not rebuild else sorted(
        {d.doc_id for d in current.documents} - set(new) if current else set()
    )
    keep = set(store.generation_names(current.generation)) if current else set()
    store.drop_orphans(keep)
    if current and not summary.changed:
        summary.chunks = sum(current.chunk_counts.values())
        summary.generation = current.generation
        summary.seconds = time.perf_counter() - started
        return summary

    generation = (current.generation + 1) if current else 1
    chunk_name, sent_name = store.generation_names(generation)
    chunk_coll, sent_coll = store.create(chunk_name), store.create(sent_name)
    if current:
        old_chunks, old_sents = (store.collection(n) for n in store.generation_names(current.generation))
        _copy_docs(old_chunks, chunk_coll, summary.unchanged)
        _copy_docs(old_sents, sent_coll, summary.unchanged)

    to_embed = [new[d] for d in summary.added + summary.updated]
    embedder = embedder or _default_embedder(settings)
    parses = ParseCache(settings.data_dir)
    # every article's parse is on disk before the generation is committed (answering reads it from there)
    embedding = {a.doc_id for a in to_embed}
    parses.ensure([article.text for doc_id, article in new.items() if doc_id not in embedding])
    total = _estimate_texts(to_embed)  # a guess, corrected group by group as the real counts are known
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, max(total, done))

    from llama_index.vector_stores.chroma import ChromaVectorStore

    vector_store = ChromaVectorStore(chroma_collection=chunk_coll)
    counts = dict(current.chunk_counts) if current else {}
    sent_counts = dict(current.sentence_counts) if current else {}
    # a group of articles at a time: one spaCy stream, one length-sorted embedding stream over its sentences
    # (chunk vectors are pooled from them, `index.vectors`), batched writes; memory stays flat however large the
    # corpus. The next groups are parsed and chunked in a background thread while this one is embedded (spaCy is
    # single-threaded, the embedder runs one forward pass per core): the cores stay busy.
    groups = (to_embed[first : first + BUILD_GROUP] for first in range(0, len(to_embed), BUILD_GROUP))
    for group in _in_background(_prepare(group, parses, settings) for group in groups):
        nodes = [node for article_nodes in group.nodes for node in article_nodes]
        sentences = [(a, i, s) for a, sents in zip(group.articles, group.parsed) for i, s in enumerate(sents)]
        sentence_texts = [a.text[s.start : s.end] for a, _, s in sentences]
        total += len(sentences) - _estimate_texts(group.articles)
        chunk_vectors, sent_vectors = embed_group(
            embedder, [(str(n.metadata["doc_id"]), (int(n.metadata["start"]), int(n.metadata["end"])), n.text)
                       for n in nodes],
            [(a.doc_id, (s.start, s.end), text) for (a, _, s), text in zip(sentences, sentence_texts)],
            settings.embedder.chunk_vectors, settings.embedder.batch_size, tick)
        for node, vector in zip(nodes, chunk_vectors):
            node.embedding = vector
        if nodes:
            vector_store.add(nodes)
        for j in range(0, len(sentences), COPY_BATCH):
            part = sentences[j : j + COPY_BATCH]
            sent_coll.add(
                ids=[f"{a.doc_id}:s{i:04d}" for a, i, _ in part],
                embeddings=sent_vectors[j : j + COPY_BATCH],  # type: ignore[arg-type]
                documents=sentence_texts[j : j + COPY_BATCH],
                metadatas=[{"doc_id": a.doc_id, "start": s.start, "end": s.end, "paragraph": s.paragraph}
                           for a, _, s in part],
            )
        for article, article_nodes, sents in zip(group.articles, group.nodes, group.parsed):
            counts[article.doc_id] = len(article_nodes)
            sent_counts[article.doc_id] = len(sents)
    summary.embedded = done

    for doc_id in summary.removed:
        counts.pop(doc_id, None)
        sent_counts.pop(doc_id, None)
    manifest = Manifest(
        index_key=store.key,
        generation=generation,
        built_at=now_iso(),
        embedder=settings.embedder.model,
        chunking=settings.chunking.model_dump(),
        documents=sorted(articles, key=lambda a: a.doc_id),
        chunk_counts=counts,
        sentence_counts=sent_counts,
    )
    store.write_manifest(manifest)  # the commit point
    # the previous generation stays until the next build: readers still holding it keep answering until they
    # notice the switch (Assistant checks the manifest's generation before each question)
    keep = set(store.generation_names(generation))
    if current is not None:
        keep |= set(store.generation_names(current.generation))
    store.drop_orphans(keep)
    if damaged_aside is not None:  # the new index is committed: the damaged copy can go
        shutil.rmtree(damaged_aside, ignore_errors=True)
    summary.chunks = sum(counts.values())
    summary.generation = generation
    summary.seconds = time.perf_counter() - started
    return summary


def _default_embedder(settings: IndexConfig) -> BaseEmbedding:
    from index.embed import load_embedder

    return load_embedder(settings.embedder, settings.data_dir)
