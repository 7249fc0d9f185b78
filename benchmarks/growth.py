"""How retrieval cost grows: hybrid search p50/p95 (query embedding excluded), memory and build time, 1k-1M chunks.

Embedding a million chunks would take days here, so each synthetic chunk is two real news sentences (the
seeds and lee-dev) plus news-like filler, and its vector is built from the bundled model's embeddings of its two
sentences plus noise for the filler (`--vectors text`, the default): vectors with the structure of real text,
whose neighbourhoods an HNSW graph can follow. Queries are real questions embedded by the model. BM25 sees the
realistic term statistics of the texts. `--vectors random` uses random unit vectors instead: in 384 dimensions
they have no neighbourhood structure, the worst case for graph search (reported for comparison).

python -m benchmarks.growth [--sizes 1000 100000 1000000] [--server] [--vectors text|random]
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

    def __init__(self, collection: Any, records: list[Any], postings: int) -> None:
        from index.bm25 import BM25Index

        self.chunks = collection
        self.records_by_id = {r.chunk_id: r for r in records}
        self._bm25 = BM25Index(records, postings)

    def bm25(self, postings: int) -> Any:
        return self._bm25


def base_sentences() -> list[str]:
    """The real news sentences synthetic chunks are made of (seeds and lee-dev)."""
    from index.corpus import load_corpus
    from index.sentences import split_sentences

    docs = load_corpus(REPO / "seeds")[0] + load_corpus(REPO / "evals" / "corpora" / "lee-dev")[0]
    return [d.text[s.start : s.end] for d in docs for s in split_sentences(d.text)]


def texts(n: int, rng: random.Random, sentences: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """n chunk texts, each two sentences and filler in random order, and the indices of its two sentences."""
    words = sorted({w.strip(".,") for s in sentences for w in s.split() if w.isalpha()})
    out, pairs = [], []
    for _ in range(n):
        i, j = rng.sample(range(len(sentences)), 2)
        parts = [sentences[i], sentences[j], " ".join(rng.choice(words) for _ in range(rng.randint(10, 30)))]
        rng.shuffle(parts)
        out.append(" ".join(parts))
        pairs.append((i, j))
    return out, pairs


class Vectors:
    """Chunk and query vectors: from real sentence embeddings (text) or random unit vectors (random)."""

    def __init__(self, kind: str, sentences: list[str], seed: int) -> None:
        self.kind = kind
        self.gen = np.random.default_rng(seed)
        self.model: Any = None
        self.base = np.zeros((0, DIM), dtype=np.float32)
        if kind == "text":
            from index.embed import load_embedder
            from index.settings import EmbedderSettings

            self.model = load_embedder(EmbedderSettings())
            self.base = np.asarray(self.model.get_text_embedding_batch(sentences), dtype=np.float32)

    def chunks(self, pairs: list[tuple[int, int]]) -> np.ndarray:
        noise = self.gen.standard_normal((len(pairs), DIM)).astype(np.float32)
        if self.kind == "random":
            vecs = noise
        else:  # the chunk's two sentences, and the filler as noise of about the same weight as one sentence
            idx = np.asarray(pairs)
            vecs = self.base[idx[:, 0]] + self.base[idx[:, 1]] + noise / np.sqrt(DIM)
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)  # type: ignore[no-any-return]

    def queries(self, questions: list[str]) -> np.ndarray:
        if self.kind == "random":
            vecs = self.gen.standard_normal((len(questions), DIM)).astype(np.float32)
            return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)  # type: ignore[no-any-return]
        return np.asarray([self.model.get_query_embedding(q) for q in questions], dtype=np.float32)


def run_size(client: Any, n: int, queries: list[str], vectors: Vectors, sentences: list[str],
             seed: int = 3) -> dict[str, float]:
    from assistant.retrieve import HybridRetriever
    from assistant.settings import RetrievalSettings
    from index.snapshot import ChunkRecord

    rng = random.Random(seed)
    name = f"bench-{n}"
    try:
        client.delete_collection(name)
    except Exception:  # noqa: BLE001
        pass
    coll = client.create_collection(name, configuration={"hnsw": {"space": "cosine"}})
    body, pairs = texts(n, rng, sentences)
    records = [ChunkRecord(f"c{i:07d}", f"d{i // 10:06d}", t, 0, len(t)) for i, t in enumerate(body)]
    before = rss_mb()
    started = time.perf_counter()
    for start in range(0, n, 5000):
        vecs = vectors.chunks(pairs[start : start + 5000])
        part = records[start : start + 5000]
        coll.add(ids=[r.chunk_id for r in part], embeddings=vecs.tolist(), documents=[r.text for r in part],
                 metadatas=[{"doc_id": r.doc_id, "start": 0, "end": r.end} for r in part])
    add_s = time.perf_counter() - started
    started = time.perf_counter()
    snapshot = SyntheticSnapshot(coll, records, RetrievalSettings().bm25_postings)
    bm25_s = time.perf_counter() - started
    retriever = HybridRetriever(snapshot, embedder=None, settings=RetrievalSettings())  # type: ignore[arg-type]
    qvecs = vectors.queries(queries)
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
    parser.add_argument("--vectors", choices=["text", "random"], default="text",
                        help="vectors from real sentence embeddings (default) or random unit vectors")
    args = parser.parse_args()
    import chromadb

    from index.store import chroma_settings

    queries = ["How many Russians fight with IS?", "Kadyrov Instagram threat", "Melikov Daghestan vulnerable",
               "special operation Kabardino-Balkar", "video Raqqa airport jet", "Caucasus Emirate Umarov 2007",
               "How many people died in the floods?", "Who is the interim leader of the Democrats?"]
    sentences = base_sentences()
    vectors = Vectors(args.vectors, sentences, seed=3)
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
            results[mode] = [run_size(client, n, queries, vectors, sentences) for n in args.sizes]
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
    about = ("random unit vectors (dim 384)" if args.vectors == "random" else
             "each chunk: the sum of its two real sentences' embeddings plus noise (dim 384); real query embeddings")
    write("growth", {"vectors": about, "results": results}, table)


if __name__ == "__main__":
    main()
