"""Ingestion: index build time and chunks/s through the real embedder; unchanged re-index cost.

python -m benchmarks.ingest [--articles 1000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import REPO, peak_rss_mb, write


def synthetic_corpus(target: Path, articles: int, seed: int = 7) -> None:
    """News-like articles made of shuffled seed sentences and filler, one file each."""
    from index.corpus import load_corpus
    from index.sentences import split_sentences

    rng = random.Random(seed)
    docs, _ = load_corpus(REPO / "seeds")
    sentences = [d.text[s.start : s.end] for d in docs for s in split_sentences(d.text)]
    words = sorted({w for s in sentences for w in s.split() if w.isalpha()})
    target.mkdir(parents=True, exist_ok=True)
    for i in range(articles):
        body = []
        for _ in range(rng.randint(4, 9)):
            para = rng.sample(sentences, 3)
            para.append(" ".join(rng.choice(words) for _ in range(rng.randint(8, 20))).capitalize() + ".")
            rng.shuffle(para)
            body.append(" ".join(para))
        (target / f"syn_{i:05d}.txt").write_text(f"Synthetic report {i}\n\n" + "\n\n".join(body) + "\n")


def bench(corpus: Path, label: str) -> dict[str, float]:
    from assistant.settings import Settings
    from index.build import build_index
    from index.embed import load_embedder

    data = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
    try:
        settings = Settings(data_dir=data, corpus_dir=corpus)
        t = time.perf_counter()
        embedder = load_embedder(settings.embedder, data)  # includes the one-time ONNX export
        load_s = time.perf_counter() - t
        embedder.get_text_embedding_batch(["warm up"])
        from index.chunk import chunk_article
        from index.corpus import load_corpus

        articles, _ = load_corpus(corpus)
        t = time.perf_counter()
        chunk_texts = [c.text for a in articles for c in chunk_article(a, 128, 32)]
        chunking_s = time.perf_counter() - t
        t = time.perf_counter()
        embedder.get_text_embedding_batch(chunk_texts)
        embed_only = len(chunk_texts) / (time.perf_counter() - t)
        first = build_index(settings, embedder=embedder)
        again = build_index(settings, embedder=embedder)
        t = time.perf_counter()
        cli = subprocess.run([sys.executable, "-c", "import sys"], capture_output=True)
        start_s = time.perf_counter() - t
        t = time.perf_counter()
        cli = subprocess.run([sys.executable, "-m", "assistant.cli", "index", "--corpus", str(corpus)],
                             capture_output=True, text=True, env={"ASSISTANT_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"})
        cli_s = time.perf_counter() - t
        assert "unchanged" in cli.stdout, cli.stderr
        chunks = first.chunks
        texts = first.embedded
        return {
            "articles": len(first.added), "chunks": chunks, "texts_embedded": texts,
            "embedder_load_s": load_s, "build_s": first.seconds,
            "chunks_per_s": chunks / first.seconds, "chunk_embedding_only_per_s": embed_only,
            "chunking_s": chunking_s, "texts_per_s": texts / first.seconds,
            "unchanged_reindex_s": again.seconds, "unchanged_cli_s": cli_s, "python_start_s": start_s,
            "peak_rss_mb": peak_rss_mb(),
        }
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000, help="size of the synthetic corpus (0: skip)")
    args = parser.parse_args()
    results = {"seeds": bench(REPO / "seeds", "seeds")}
    if args.articles:
        with tempfile.TemporaryDirectory() as tmp:
            synthetic_corpus(Path(tmp) / "corpus", args.articles)
            results[f"synthetic_{args.articles}"] = bench(Path(tmp) / "corpus", "synthetic")
    table = []
    for name, r in results.items():
        table += [
            (f"{name}: articles / chunks / texts embedded", f"{r['articles']} / {r['chunks']} / {r['texts_embedded']}"),
            (f"{name}: build time", f"{r['build_s']:.2f} s (embedder load {r['embedder_load_s']:.2f} s)"),
            (f"{name}: chunks/s (target >= 150)", f"{r['chunks_per_s']:.0f} (all texts incl. sentences: {r['texts_per_s']:.0f}/s)"),
            (f"{name}: chunk embedding alone", f"{r['chunk_embedding_only_per_s']:.0f} chunks/s (chunking {r['chunking_s']:.2f} s)"),
            (f"{name}: unchanged re-index", f"{r['unchanged_reindex_s']*1000:.0f} ms in-process; CLI {r['unchanged_cli_s']:.2f} s "
             f"(python start {r['python_start_s']:.2f} s)"),
            (f"{name}: peak RSS", f"{r['peak_rss_mb']:.0f} MB"),
        ]
    write("ingest", results, table)


if __name__ == "__main__":
    main()
