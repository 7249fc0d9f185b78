"""The Chroma side of the index: client (embedded or server), generation collections, the manifest.

Layout: each index build writes a fresh *generation* (a chunk collection and a sentence collection
named `<base>-g<N>` and `<base>-g<N>-sent`), then switches one manifest record in `<base>-meta` to
point at it. Readers only ever follow the manifest, so a build killed at any point leaves the previous
generation answering; the next build drops the orphans.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from index.corpus import Article
from index.errors import StoreError
from index.settings import IndexConfig

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)
MANIFEST_ID = "manifest"
_SEGMENT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MANIFEST_VERSION = 1
REBUILD_HINT = "run `assistant index --rebuild` to rebuild it from the corpus"


class Manifest(BaseModel):
    """What the current generation holds; written last, so it is the index's commit point."""

    model_config = ConfigDict(extra="forbid")

    version: int = MANIFEST_VERSION
    index_key: str
    generation: int
    built_at: str
    embedder: str
    chunking: dict[str, Any]
    documents: list[Article]
    chunk_counts: dict[str, int]
    sentence_counts: dict[str, int]

    def document(self, doc_id: str) -> Article | None:
        return next((d for d in self.documents if d.doc_id == doc_id), None)


def generation_name(index_key: str, generation: int, prefix: str) -> str:
    return f"{prefix}-{index_key}-g{generation:05d}"


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def open_client(settings: IndexConfig) -> ClientAPI:
    """Embedded PersistentClient under data_dir, or HttpClient when a Chroma host is configured."""
    import chromadb

    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings()
            )
        path = settings.data_dir / "chroma"
        if not writable(settings.data_dir) and (path / "chroma.sqlite3").is_file():
            path = private_copy(path)
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings())
    except OSError as exc:
        raise StoreError(f"cannot create the index store at {settings.data_dir / 'chroma'}: {exc}; set "
                         "ASSISTANT_DATA_DIR to a folder you can write, or index there first") from exc
    except Exception as exc:
        where = (
            f"Chroma server {settings.chroma_host}:{settings.chroma_port} (is `chroma run` up?)"
            if settings.chroma_host
            else f"store at {settings.data_dir / 'chroma'}"
        )
        raise StoreError(f"cannot open the {where}: {type(exc).__name__}: {exc}; {REBUILD_HINT}") from exc


def writable(folder: Path) -> bool:
    """Whether files can be created in `folder` (tried for real: permission bits do not bind root, and a
    read-only mount refuses even root)."""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def private_copy(path: Path) -> Path:
    """A private, writable copy of a read-only store, deleted at exit.

    Chroma writes to its catalogue even to read it, so a store on a read-only mount (or owned by another
    user) cannot be opened in place; answering from a copy keeps it servable without touching it."""
    import atexit
    import tempfile

    copy = Path(tempfile.mkdtemp(prefix="assistant-readonly-")) / "chroma"
    shutil.copytree(path, copy)
    atexit.register(shutil.rmtree, copy.parent, True)
    log.warning("the data folder %s is read-only: answering from a private copy of its index (%s); "
                "`assistant index` needs a writable folder", path.parent, copy)
    return copy


class IndexStore:
    """Chroma collections for one settings key: generations plus the manifest record."""

    #: The vector index configuration of every generation collection (tests lower Chroma's thresholds so
    #: that a small corpus is written to an HNSW file instead of staying in the brute-force buffer).
    HNSW: dict[str, Any] = {"space": "cosine"}

    def __init__(self, settings: IndexConfig, client: ClientAPI | None = None) -> None:
        self.settings = settings
        self._client = client
        self.key = settings.index_key()
        self.prefix = settings.collection_prefix

    @property
    def client(self) -> ClientAPI:
        if self._client is None:
            self._client = open_client(self.settings)
        return self._client

    @property
    def meta_name(self) -> str:
        return f"{self.prefix}-{self.key}-meta"

    def generation_names(self, generation: int) -> tuple[str, str]:
        chunks = generation_name(self.key, generation, self.prefix)
        return chunks, f"{chunks}-sent"

    def _guard(self, action: str, exc: Exception) -> StoreError:
        return StoreError(f"the index store failed while {action}: {type(exc).__name__}: {exc}; {REBUILD_HINT}")

    def read_manifest(self) -> Manifest | None:
        """The committed manifest, None when nothing was ever indexed; StoreError when unreadable."""
        if self._client is None:  # first use: make sure Chroma never opens a damaged catalogue
            problem = self.damaged()
            if problem:
                raise StoreError(f"the index store at {self.settings.data_dir / 'chroma'} is damaged ({problem}); "
                                 f"{REBUILD_HINT}")
        try:
            meta = self.client.get_or_create_collection(self.meta_name)
            got = meta.get(ids=[MANIFEST_ID], include=["documents"])
        except StoreError:
            raise
        except Exception as exc:
            raise self._guard("reading the manifest", exc) from exc
        if not got["ids"]:
            return None
        try:
            return Manifest.model_validate(json.loads(got["documents"][0]))  # type: ignore[index]
        except (ValidationError, ValueError, TypeError) as exc:
            raise StoreError(f"the index manifest is corrupt ({exc.__class__.__name__}); {REBUILD_HINT}") from exc

    def write_manifest(self, manifest: Manifest) -> None:
        """Atomically switch readers to `manifest` (one upsert of one record)."""
        meta = self.client.get_or_create_collection(self.meta_name)
        meta.upsert(ids=[MANIFEST_ID], documents=[manifest.model_dump_json()], embeddings=[[0.0]],  # type: ignore[arg-type]
                    metadatas=[{"generation": manifest.generation}])

    def current_generation(self) -> int | None:
        """The committed generation number, read cheaply (no article list); None if unknown or unreadable."""
        try:
            meta = self.client.get_or_create_collection(self.meta_name)
            got = meta.get(ids=[MANIFEST_ID], include=["metadatas"])
            value = (got.get("metadatas") or [{}])[0] or {}
            generation = value.get("generation")
            return int(generation) if isinstance(generation, int | float | str) else None
        except Exception:  # a reader must keep answering from what it holds
            return None

    def collection(self, name: str) -> Collection:
        try:
            return self.client.get_collection(name)
        except Exception as exc:
            raise self._guard(f"opening collection {name}", exc) from exc

    def create(self, name: str) -> Collection:
        """A fresh cosine-space collection, replacing a leftover of the same name."""
        self.drop(name)
        return self.client.create_collection(name, configuration={"hnsw": dict(self.HNSW)})  # type: ignore[arg-type]

    def drop(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception:  # noqa: BLE001 - absent is fine
            pass

    def drop_orphans(self, keep: set[str]) -> list[str]:
        """Delete generation collections of this key that the manifest does not point at."""
        base = f"{self.prefix}-{self.key}-g"
        dropped = []
        for coll in self.client.list_collections():
            name = coll if isinstance(coll, str) else coll.name
            if name.startswith(base) and name not in keep:
                self.drop(name)
                dropped.append(name)
        if dropped and not self.settings.chroma_host:
            self.sweep_segment_folders()
        return dropped

    def sweep_segment_folders(self) -> list[str]:
        """Delete the segment folders Chroma leaves behind for deleted collections (chroma-core/chroma#5259):
        every folder named like a segment id that no segment of the store's catalogue refers to."""
        import sqlite3

        path = self.settings.data_dir / "chroma"
        catalogue = path / "chroma.sqlite3"
        if not catalogue.is_file():
            return []
        try:
            with sqlite3.connect(f"file:{catalogue}?mode=ro", uri=True) as db:
                live = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
        except sqlite3.Error as exc:  # never guess what is dead when the catalogue cannot be read
            log.warning("segment sweep skipped: %s", exc)
            return []
        removed = []
        for folder in path.iterdir():
            if folder.is_dir() and _SEGMENT_ID.fullmatch(folder.name) and folder.name not in live:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.name)
        return removed

    def vanished(self) -> bool:
        """The embedded store this object opened was deleted from disk (someone removed the data folder)."""
        if self.settings.chroma_host or self._client is None:
            return False
        return not (self.settings.data_dir / "chroma" / "chroma.sqlite3").is_file()

    def forget(self) -> None:
        """Drop the open client (and Chroma's cache of it), so the next use opens the folder afresh."""
        self._client = None
        _reset_shared_system(self.settings.data_dir / "chroma")

    def damaged(self) -> str | None:
        """Why the embedded store's catalogue is damaged (sqlite quick_check), or None when it is sound.

        Checked before Chroma opens it: a damaged catalogue can make Chroma's Rust core panic, which no
        `except Exception` catches."""
        import sqlite3

        if self.settings.chroma_host:
            return None
        catalogue = self.settings.data_dir / "chroma" / "chroma.sqlite3"
        if not catalogue.is_file():
            return None
        def check(mode: str) -> str:
            with sqlite3.connect(f"file:{catalogue}?mode={mode}", uri=True) as db:
                return str(db.execute("PRAGMA quick_check").fetchone()[0])

        try:
            try:
                verdict = check("ro")
            except sqlite3.OperationalError as exc:
                # a process killed mid-write leaves a hot journal, which only a writer may roll back (as sqlite
                # does on the next open for writing): crash recovery, not damage
                hot = catalogue.with_name(catalogue.name + "-journal").exists()
                if not (hot and "readonly" in str(exc)):
                    raise
                verdict = check("rw")
        except sqlite3.Error as exc:
            return f"{type(exc).__name__}: {exc}"
        return None if verdict == "ok" else verdict[:200]

    def move_aside(self) -> Path:
        """Move a damaged embedded store out of the way; it is deleted only after a new index is committed."""
        from datetime import datetime as _dt

        path = self.settings.data_dir / "chroma"
        target = self.settings.data_dir / f"chroma.damaged-{_dt.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
        self._client = None
        _reset_shared_system(path)
        path.rename(target)
        return target

    def wipe(self) -> None:
        """Remove everything of this key; in embedded mode a store too corrupt to open is deleted."""
        if not self.settings.chroma_host:
            try:
                self.drop_orphans(keep=set())
                self.drop(self.meta_name)
                return
            except Exception:  # noqa: BLE001 - unreadable store: start over on disk
                path = self.settings.data_dir / "chroma"
                log.warning("store at %s is unreadable; deleting it", path)
                self._client = None
                _reset_shared_system(path)
                shutil.rmtree(path, ignore_errors=True)
                return
        self.drop_orphans(keep=set())
        self.drop(self.meta_name)


def _reset_shared_system(path: Any) -> None:
    """Drop chroma's cached client for `path`, so a deleted folder can be reopened fresh."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:  # noqa: BLE001
        pass


class _ProbeConfig:
    """The few settings a probe needs, rebuilt in the child process from JSON."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.data_dir = Path(values["data_dir"])
        self.chroma_host = values.get("chroma_host")
        self.chroma_port = int(values.get("chroma_port") or 8000)
        self.collection_prefix = str(values["collection_prefix"])
        self._key = str(values["key"])

    def index_key(self) -> str:
        return self._key


def probe_values(settings: IndexConfig) -> dict[str, Any]:
    return {"data_dir": str(settings.data_dir), "chroma_host": settings.chroma_host,
            "chroma_port": settings.chroma_port, "collection_prefix": settings.collection_prefix,
            "key": settings.index_key()}


def probe(settings: Any) -> str:
    """Counts and one query per collection of the committed generation; StoreError when they do not hold.

    Run it in a child process (`probe_in_child`): a damaged vector index can crash the process that queries it.
    """
    store = IndexStore(settings)
    manifest = store.read_manifest()
    if manifest is None:
        return "nothing indexed yet"
    expected = (sum(manifest.chunk_counts.values()), sum(manifest.sentence_counts.values()))
    for name, count in zip(store.generation_names(manifest.generation), expected):
        coll = store.collection(name)
        if coll.count() != count:
            raise StoreError(f"collection {name} holds {coll.count()} records, the manifest says {count}; "
                             f"{REBUILD_HINT}")
        if count:
            sample = coll.get(limit=1, include=["embeddings"])
            coll.query(query_embeddings=[list(sample["embeddings"][0])], n_results=min(3, count))  # type: ignore[index,arg-type]
    return f"generation {manifest.generation} answers: {expected[0]} chunks, {expected[1]} sentences"


def probe_in_child(settings: IndexConfig, timeout: float = 120.0) -> str | None:
    """None when the committed index answers a probe in a separate process, else why it does not."""
    import subprocess
    import sys

    code = ("import json, sys; from index.store import probe, _ProbeConfig; from index.errors import StoreError\n"
            "try:\n    print(probe(_ProbeConfig(json.loads(sys.argv[1]))))\n"
            "except StoreError as exc:\n    print(exc, file=sys.stderr); sys.exit(3)\n")
    try:
        done = subprocess.run([sys.executable, "-c", code, json.dumps(probe_values(settings))], capture_output=True,
                              text=True, timeout=timeout, cwd=str(Path(__file__).resolve().parent.parent))
    except subprocess.TimeoutExpired:
        return f"a probe query did not finish in {timeout:.0f} s"
    if done.returncode == 0:
        return None
    if done.returncode < 0:
        return f"a probe query crashed the process (signal {-done.returncode}): the vector index is damaged"
    last = (done.stderr.strip().splitlines() or [f"probe exited with {done.returncode}"])[-1]
    if done.returncode == 3:  # the store's own diagnosis, which says how to fix it
        return last
    # anything else the vector store raised on a plain query (a damaged file may fail this way rather than crash)
    return f"a probe query failed ({last}): the vector index is damaged; {REBUILD_HINT}"
