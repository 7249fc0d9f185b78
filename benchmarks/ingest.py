"""Ingestion against the embedder's own ceiling: index build time, the share of it spent in the embedder's
forward passes, end-to-end vs embedder-only throughput, plain sentence-transformers on the same text, peak
RSS of the build, unchanged re-index cost.

Each corpus is built in a fresh child process (so its peak RSS is the build's own), with the models loaded
and the libraries imported before the clock starts; the embedder-only throughput is the same embedder on
exactly the texts the build embedded, in the same length-sorted batches, in the same process.

python -m benchmarks.ingest [--articles 1000] [--no-lee]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, peak_rss_mb, write

LEE = REPO / "evals" / "corpora" / "lee-dev"
MODELS_ENV = "ASSISTANT_BENCH_MODELS"  # folder holding the ONNX export the measured builds start from
WINDOW_WORDS = 95  # the sentence-transformers reference embeds each article once, in windows of this size


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


class TimedEmbedder:
    """Wraps the embedder the build uses: time spent in it, and the texts it was given."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts: list[str] = []

    def get_text_embedding_batch(self, texts: list[str], **kwargs: Any) -> list[list[float]]:
        started = time.perf_counter()
        out = self.inner.get_text_embedding_batch(texts, **kwargs)
        self.seconds += time.perf_counter() - started
        self.texts.extend(texts)
        return out  # type: ignore[no-any-return]


def build_in_this_process(corpus: Path) -> dict[str, float]:
    """The measurements of one corpus (run in a child: `--child CORPUS`)."""
    import llama_index.vector_stores.chroma  # noqa: F401 - imported before the clock, as in a running UI

    from assistant.settings import Settings
    from index.build import build_index
    from index.embed import load_embedder
    from index.language import load_nlp

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        settings = Settings(data_dir=Path(tmp), corpus_dir=corpus)
        exported = Path(os.environ.get(MODELS_ENV, "/nonexistent")) / "models"
        if exported.is_dir():  # the ONNX export made once beforehand: the build's RSS must not include torch
            shutil.copytree(exported, Path(tmp) / "models")
        started = time.perf_counter()
        embedder = load_embedder(settings.embedder, settings.data_dir)  # includes the one-time ONNX export
        load_s = time.perf_counter() - started
        embedder.get_text_embedding_batch(["warm up"])
        load_nlp()
        timed = TimedEmbedder(embedder)
        first = build_index(settings, embedder=timed)  # type: ignore[arg-type]
        build_peak = peak_rss_mb()
        started, cpu = time.perf_counter(), _cpu_s()
        ordered, batch = sorted(timed.texts, key=len), settings.embedder.batch_size  # as the build batches them
        for i in range(0, len(ordered), batch):
            embedder.get_text_embedding_batch(ordered[i : i + batch])
        embed_only_s, embed_only_cpu_s = time.perf_counter() - started, _cpu_s() - cpu
        # the language layer alone, on the same cleaned texts (one spaCy thread: its CPU time is its wall time)
        from index.corpus import load_corpus
        from index.language import parse_many

        texts_of_corpus = [a.text for a in load_corpus(corpus)[0]]
        started, cpu = time.perf_counter(), _cpu_s()
        parse_many(texts_of_corpus)
        parse_s, parse_cpu_s = time.perf_counter() - started, _cpu_s() - cpu
        again = build_index(settings, embedder=embedder)
        started = time.perf_counter()
        cli = subprocess.run([sys.executable, "-m", "assistant.cli", "index", "--corpus", str(corpus)],
                             capture_output=True, text=True, cwd=REPO,
                             env={"ASSISTANT_DATA_DIR": tmp, "PATH": "/usr/bin:/bin"})
        cli_s = time.perf_counter() - started
        assert "unchanged" in cli.stdout, cli.stderr
    texts = len(timed.texts)
    return {
        "articles": len(first.added), "chunks": first.chunks, "texts_embedded": texts,
        "words": sum(len(p.read_text(encoding="utf-8").split()) for p in corpus.glob("*.txt")),
        "embedder_load_s": load_s, "build_s": first.seconds, "embed_in_build_s": timed.seconds,
        "embedder_share": timed.seconds / first.seconds, "embed_only_s": embed_only_s,
        "end_to_end_texts_per_s": texts / first.seconds, "embedder_only_texts_per_s": texts / embed_only_s,
        "throughput_ratio": embed_only_s / first.seconds, "chunks_per_s": first.chunks / first.seconds,
        "unchanged_reindex_s": again.seconds, "unchanged_cli_s": cli_s, "build_peak_rss_mb": build_peak,
        "embed_only_cpu_s": embed_only_cpu_s, "parse_s": parse_s, "parse_cpu_s": parse_cpu_s,
        # the best end-to-end / embedder-only ratio the cores allow: the build must do the embedder's CPU work
        # and the parse's at least, spread over every core at best
        "ratio_ceiling": embed_only_s / ((embed_only_cpu_s + parse_cpu_s) / (os.cpu_count() or 1)),
    }


def _cpu_s() -> float:
    """CPU seconds this process has used so far, every thread counted."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sentence_transformers_in_this_process(corpus: Path) -> dict[str, float]:
    """Plain sentence-transformers (torch) embedding every article once, in ~95-word windows."""
    from sentence_transformers import SentenceTransformer

    from index.embed import bundled_model_path

    windows = []
    for path in sorted(corpus.glob("*.txt")):
        words = path.read_text(encoding="utf-8").split()
        windows += [" ".join(words[i : i + WINDOW_WORDS]) for i in range(0, len(words), WINDOW_WORDS)]
    model = SentenceTransformer(str(bundled_model_path()), device="cpu")
    model.encode(["warm up"])
    started = time.perf_counter()
    model.encode(windows, batch_size=32, normalize_embeddings=True)
    return {"st_windows": len(windows), "st_once_s": time.perf_counter() - started}


def in_child(kind: str, corpus: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.ingest", f"--{kind}", str(corpus)], cwd=REPO,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{kind} benchmark of {corpus} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure(corpus: Path) -> dict[str, float]:
    result = in_child("child", corpus)
    result.update(in_child("st-child", corpus))
    result["build_vs_st_once"] = result["build_s"] / result["st_once_s"]
    return result


def export_models(folder: Path) -> None:
    """The one-time ONNX export, made in a child before the measured builds; they copy it (see MODELS_ENV)."""
    code = ("import sys; from pathlib import Path; from assistant.settings import Settings; "
            "from index.embed import load_embedder; load_embedder(Settings().embedder, Path(sys.argv[1]))")
    subprocess.run([sys.executable, "-c", code, str(folder)], cwd=REPO, check=True, capture_output=True)


def run_all(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    results = {"seeds": measure(REPO / "seeds")}
    if not args.no_lee and LEE.is_dir():
        results["lee-dev"] = measure(LEE)
    if args.articles:
        with tempfile.TemporaryDirectory() as tmp:
            synthetic_corpus(Path(tmp) / "corpus", args.articles)
            results[f"synthetic_{args.articles}"] = measure(Path(tmp) / "corpus")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000, help="size of the synthetic corpus (0: skip)")
    parser.add_argument("--no-lee", action="store_true", help="skip the 50-text lee-dev corpus")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--st-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child or args.st_child:
        run = build_in_this_process if args.child else sentence_transformers_in_this_process
        print(json.dumps(run(args.child or args.st_child)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-models-") as models:
        export_models(Path(models))
        os.environ[MODELS_ENV] = models
        results = run_all(args)
    table = []
    for name, r in results.items():
        table += [
            (f"{name}: articles / words / chunks / texts embedded",
             f"{r['articles']} / {r['words']} / {r['chunks']} / {r['texts_embedded']}"),
            (f"{name}: build", f"{r['build_s']:.2f} s, embedder forward passes {r['embedder_share']:.0%} of it "
                               f"(embedder load {r['embedder_load_s']:.2f} s, not included)"),
            (f"{name}: end-to-end / embedder-only (target >= 0.7)",
             f"{r['throughput_ratio']:.2f} ({r['end_to_end_texts_per_s']:.0f} vs "
             f"{r['embedder_only_texts_per_s']:.0f} texts/s; {r['chunks_per_s']:.0f} chunks/s)"),
            (f"{name}: ceiling of that ratio on {os.cpu_count()} cores",
             f"{r['ratio_ceiling']:.2f} (embedder-only {r['embed_only_s']:.1f} s wall, {r['embed_only_cpu_s']:.1f} s CPU; "
             f"spaCy parse alone {r['parse_cpu_s']:.1f} s CPU, {r['parse_s']:.1f} s wall)"),
            (f"{name}: build / sentence-transformers once (target <= 1.5)",
             f"{r['build_vs_st_once']:.2f} ({r['st_once_s']:.2f} s for {r['st_windows']} windows of "
             f"{WINDOW_WORDS} words)"),
            (f"{name}: peak RSS of the build", f"{r['build_peak_rss_mb']:.0f} MB"),
            (f"{name}: unchanged re-index", f"{r['unchanged_reindex_s'] * 1000:.0f} ms in-process; "
                                            f"CLI {r['unchanged_cli_s']:.2f} s"),
        ]
    write("ingest", results, table)


if __name__ == "__main__":
    main()
