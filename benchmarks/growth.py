"""How retrieval cost grows: hybrid search p50/p95 (query embedding excluded), memory and build time, 1k-1M chunks.

Vectors are random unit vectors (embedding 100k chunks would take too long here); texts are shuffled
seed sentences plus news-like filler, so BM25 sees realistic term statistics.

python -m benchmarks.growth [--sizes 1000 100000 1000000] [--server]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import REPO, rss_mb, summary, timed, write

DIM = 384


class SyntheticSnapshot:
    """What HybridRetriever reads from a Snapshot, over a synthetic collection."""

    def __init__(self, collection: Any, records: list[Any]) -> None:
        from index.bm25 import BM25Index

        self.chunks = collection
        self.records_by_id = {r.chunk_id: r for r in records}
        self._bm25 = BM25Index(records)

    def bm25(self) -> Any:
        return self._bm25


def texts(n: int, rng: random.Random) -> list[str]:
    from index.corpus import load_corpus
    from index.sentences import split_sentences

    docs, _ = load_corpus(REPO / "seeds")
    sentences = [d.text[s.start : s.end] for d in docs for s in split_sentences(d.text)]
    words = sorted({w.strip(".,") for s in sentences for w in s.split() if w.isalpha()})
    out = []
    for _ in range(n):
        parts = rng.sample(sentences, 2) + [" ".join(rng.choice(words) for _ in range(rng.randint(10, 30)))]
        rng.shuffle(parts)
        out.append(" ".join(parts))
    return out


def run_size(client: Any, n: int, queries: list[str], seed: int = 3) -> dict[str, float]:
    from assistant.retrieve import HybridRetriever
    from assistant.settings import RetrievalSettings
    from index.snapshot import ChunkRecord

    rng = random.Random(seed)
    gen = np.random.default_rng(seed)
    name = f"bench-{n}"
    try:
        client.delete_collection(name)
    except Exception:  # noqa: BLE001
        pass
    coll = client.create_collection(name, configuration={"hnsw": {"space": "cosine"}})
    body = texts(n, rng)
    records = [ChunkRecord(f"c{i:07d}", f"d{i // 10:06d}", t, 0, len(t)) for i, t in enumerate(body)]
    before = rss_mb()
    started = time.perf_counter()
    for start in range(0, n, 5000):
        vecs = gen.standard_normal((min(5000, n - start), DIM)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        part = records[start : start + 5000]
        coll.add(ids=[r.chunk_id for r in part], embeddings=vecs.tolist(), documents=[r.text for r in part],
                 metadatas=[{"doc_id": r.doc_id, "start": 0, "end": r.end} for r in part])
    add_s = time.perf_counter() - started
    started = time.perf_counter()
    snapshot = SyntheticSnapshot(coll, records)
    bm25_s = time.perf_counter() - started
    retriever = HybridRetriever(snapshot, embedder=None, settings=RetrievalSettings())  # type: ignore[arg-type]
    qvecs = gen.standard_normal((len(queries), DIM)).astype(np.float32)
    qvecs /= np.linalg.norm(qvecs, axis=1, keepdims=True)
    for q, v in zip(queries, qvecs):
        retriever.search(q, v.tolist())  # warm
    k = iter(range(10**9))

    def one() -> None:
        i = next(k) % len(queries)
        retriever.search(queries[i], qvecs[i].tolist())

    lat = timed(one, 200)
    result = {"chunks": n, **{f"search_{key}_ms": v for key, v in summary(lat).items()},
              "vector_store_build_s": add_s, "bm25_build_s": bm25_s,
              "rss_mb": rss_mb(), "rss_growth_mb": rss_mb() - before}
    client.delete_collection(name)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--server", action="store_true", help="also run against a real `chroma run` server")
    args = parser.parse_args()
    import chromadb

    from index.store import chroma_settings

    queries = ["How many Russians fight with IS?", "Kadyrov Instagram threat", "Melikov Daghestan vulnerable",
               "special operation Kabardino-Balkar", "video Raqqa airport jet", "Caucasus Emirate Umarov 2007"]
    modes: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="bench-growth-"))
    server = None
    try:
        modes["embedded"] = chromadb.PersistentClient(path=str(tmp / "embedded"), settings=chroma_settings())
        if args.server:
            from tests.chroma_server import ChromaServer

            server = ChromaServer(tmp / "server")
            server.start()
            modes["server"] = chromadb.HttpClient(host="127.0.0.1", port=server.port, settings=chroma_settings())
        results: dict[str, list[dict[str, float]]] = {}
        for mode, client in modes.items():
            results[mode] = [run_size(client, n, queries) for n in args.sizes]
    finally:
        if server:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    table = []
    for mode, rows in results.items():
        for r in rows:
            table.append((f"{mode} {r['chunks']:>7} chunks: search p50 / p95",
                          f"{r['search_p50_ms']:.2f} / {r['search_p95_ms']:.2f} ms; RSS {r['rss_mb']:.0f} MB "
                          f"(+{r['rss_growth_mb']:.0f}); build {r['vector_store_build_s']:.1f} s vectors + "
                          f"{r['bm25_build_s']:.1f} s BM25"))
        if len(rows) > 1:
            ratio = rows[-1]["search_p50_ms"] / rows[0]["search_p50_ms"]
            table.append((f"{mode} growth p50 {rows[-1]['chunks']}/{rows[0]['chunks']} (target <= 3x)", f"{ratio:.2f}x"))
    write("growth", {"vectors": "random unit vectors (dim 384)", "results": results}, table)


if __name__ == "__main__":
    main()
