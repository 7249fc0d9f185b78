"""A read-only view of the committed index generation: documents, sentences, collections, BM25."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from index.bm25 import DEFAULT_POSTINGS
from index.corpus import Article
from index.errors import StoreError
from index.language import ParseCache, ParsedSentence
from index.store import REBUILD_HINT, IndexStore, Manifest

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

    from index.bm25 import BM25Index


@dataclass(frozen=True)
class ChunkRecord:
    """A stored chunk: `documents[doc_id].text[start:end] == text`."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int

log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    """Everything the answerer reads, pinned to one generation so a concurrent rebuild cannot mix them."""

    store: IndexStore
    manifest: Manifest
    _sentences: dict[str, list[ParsedSentence]] = field(default_factory=dict)
    _vectors: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, store: IndexStore) -> Snapshot:
        manifest = store.read_manifest()
        if manifest is None:
            raise StoreError(f"no index found for these settings; run `assistant index` ({REBUILD_HINT})")
        return cls(store=store, manifest=manifest)

    @property
    def generation(self) -> int:
        return self.manifest.generation

    @cached_property
    def documents(self) -> dict[str, Article]:
        return {d.doc_id: d for d in self.manifest.documents}

    @cached_property
    def chunks(self) -> Collection:
        return self.store.collection(self.store.generation_names(self.generation)[0])

    @cached_property
    def sentence_collection(self) -> Collection:
        return self.store.collection(self.store.generation_names(self.generation)[1])

    def sentences(self, doc_id: str) -> list[ParsedSentence]:
        """Parsed sentences of one article, as stored at index time (so sentence ids line up)."""
        if doc_id not in self._sentences:
            self._sentences[doc_id] = ParseCache(self.store.settings.data_dir).get(self.documents[doc_id].text)
        return self._sentences[doc_id]

    @cached_property
    def records(self) -> list[ChunkRecord]:
        """All chunks of this generation, in a stable order."""
        try:
            got = self.chunks.get(include=["documents", "metadatas"])
        except Exception as exc:
            raise StoreError(f"cannot read chunks from the store: {exc}; {REBUILD_HINT}") from exc
        records = [
            ChunkRecord(chunk_id=i, doc_id=str(m["doc_id"]), text=t or "", start=int(m["start"]), end=int(m["end"]))  # type: ignore[arg-type,index]
            for i, t, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [])
        ]
        records.sort(key=lambda r: r.chunk_id)
        return records

    @cached_property
    def records_by_id(self) -> dict[str, ChunkRecord]:
        return {r.chunk_id: r for r in self.records}

    def bm25(self, postings: int = DEFAULT_POSTINGS) -> BM25Index:
        """A BM25 index over this generation's chunks (built once per snapshot and posting-list length)."""
        key = f"_bm25_{postings}"
        if key not in self.__dict__:
            from index.bm25 import BM25Index

            self.__dict__[key] = BM25Index(self.records, postings)
        return self.__dict__[key]  # type: ignore[no-any-return]

    def sentence_vectors(self, ids: list[str]) -> dict[str, Any]:
        """Stored embeddings of the given sentence ids (fetched once per snapshot, then kept in memory)."""
        import numpy as np

        missing = [i for i in ids if i not in self._vectors]
        if missing:
            got = self.sentence_collection.get(ids=missing, include=["embeddings"])
            if len(self._vectors) > 200_000:
                self._vectors.clear()
            for sid, vec in zip(got["ids"], got["embeddings"]):  # type: ignore[arg-type]
                self._vectors[sid] = np.asarray(vec, dtype=np.float32)
        found = {i: self._vectors.get(i) for i in ids}
        return {i: v for i, v in found.items() if v is not None}
