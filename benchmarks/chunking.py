"""Choose chunk size and overlap by measured retrieval quality on the eval cases.

For each setting: doc-level hit@3 and MRR, passage-level hit@5 (a retrieved chunk overlaps a gold span),
over the answerable single-turn cases, with the real embedder and hybrid retrieval.

python -m benchmarks.chunking
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from benchmarks.common import REPO, write

GRID = [(64, 16), (96, 24), (128, 0), (128, 32), (192, 48), (256, 64), (512, 64)]


def score(bot: object, cases: list[dict]) -> dict[str, float]:
    hit3 = mrr = phit5 = 0.0
    for case in cases:
        answer = bot.ask(case["turns"][-1])  # type: ignore[attr-defined]
        docs: list[str] = []
        for c in answer.chunks:
            if c.doc_id not in docs:
                docs.append(c.doc_id)
        gold = set(case["gold_docs"])
        ranks = [i for i, d in enumerate(docs, start=1) if d in gold]
        hit3 += bool(ranks and ranks[0] <= 3)
        mrr += 1 / ranks[0] if ranks else 0
        spans = [(p["doc_id"], p["start"], p["end"]) for p in case["gold_passages"]]
        phit5 += any(c.doc_id == d and c.start < e and s < c.end for c in answer.chunks[:5] for d, s, e in spans)
    n = len(cases)
    return {"doc_hit@3": hit3 / n, "doc_mrr": mrr / n, "passage_hit@5": phit5 / n}


def main() -> None:
    from assistant import Assistant
    from assistant.settings import Settings
    from index.embed import load_embedder

    cases = [json.loads(line) for line in (REPO / "evals" / "cases.jsonl").open()]
    cases = [c for c in cases if c["answerable"] and len(c["turns"]) == 1]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        embedder = None
        for size, overlap in GRID:
            settings = Settings(data_dir=Path(tmp), corpus_dir=REPO / "seeds",
                                chunking={"chunk_size": size, "chunk_overlap": overlap})
            embedder = embedder or load_embedder(settings.embedder, Path(tmp))
            bot = Assistant(settings, embedder=embedder)
            summary = bot.index()
            results[f"{size}/{overlap}"] = {"chunks": summary.chunks, **score(bot, cases)}
    table = [(f"chunk {k} ({v['chunks']} chunks)", "  ".join(f"{m} {v[m]:.3f}" for m in ("doc_hit@3", "doc_mrr", "passage_hit@5")))
             for k, v in results.items()]
    write("chunking", {"cases": len(cases), "results": results}, table)


if __name__ == "__main__":
    main()
