"""Write the eval's results.json, report.md and plots, and print its summary table.

Usage::

    files = write_report(result, Path("reports/eval"))   # {"results": …/results.json, "report": …/report.md, …}
    print_summary(result, files, sys.stdout)
"""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path
from typing import Any, TextIO

from evals.metrics import KS

PLOT_METRICS = (
    ("answers.key_fact_recall", "key-fact recall"),
    ("retrieval.passage.recall@5", "passage recall@5"),
    ("peer.retrieval.passage.recall@5", "peer passage recall@5"),
    ("citations.recall", "citation recall"),
    ("citations.precision", "citation precision"),
    ("abstention.accuracy", "abstain iff unanswerable"),
)
_SEVERITY = ("error", "abstained", "answered an unanswerable", "missing key facts", "cites no gold",
             "unsupported", "marker", "citation [", "span", "redundant")
FAILURE_ROWS_IN_IMAGE = 25
DEFINITIONS = """## How the metrics are defined

- **Retrieval** (answerable cases, over `Answer.chunks` in rank order; binary relevance, DCG = Σ rel_i / log2(i+1),
  ideal DCG over min(|gold|, k) relevant items; MRR over the whole ranking). *Doc level*: the chunk ranking is
  deduplicated by article (first appearance), an article is relevant if it is in `gold_docs`. *Passage level*: a chunk
  is relevant when its character span overlaps a not-yet-found gold passage of the same article; each gold passage
  is found once. A ranking shorter than k counts the missing ranks as misses.
- **Key-fact recall**: share of key facts with an acceptable form in the answer after removing [n] markers and
  `**`, folding quotes/dashes (NFKC), dropping thousands commas (1,700 = 1700), collapsing whitespace, lower-casing.
  Abstentions on answerable cases score 0.
- **Marker integrity**: every [n] has a citation, every citation is used, citations are numbered 1..N in order.
- **Span validity**: share of citations with `document(doc_id).text[start:end] == quote`.
- **Cited-gold rate**: share of answered (not abstained) answerable cases with a citation whose span overlaps a gold
  passage (a case whose passages carry no span falls back to citing a gold article; the article-level rate is
  reported separately).
- **Citation recall / precision** (after ALCE, Gao et al. 2023; the judge is `verify.unsupported` at the calibrated
  threshold, not an NLI model): claim sentences are `verify.answer_sentences` minus list lead-ins, with marker-only
  pieces joined to the sentence before. A sentence is supported when the union of its cited quotes plus their
  title/outlet/date passes the checker. Precision: citations of an unsupported sentence are irrelevant; in a supported
  sentence a citation is irrelevant when the others still support it AND its quote alone backs none of the
  sentence's numbers, names or enough of its words. Both are averaged per answer, then over answered cases.
- **Abstention**: correct rate = abstained / unanswerable; false rate = abstained / answerable.
- **Latency**: p50/p95 of the last turn's `timings.total_ms` (linear interpolation), after one warm-up embedding.
"""


def fmt(name: str, value: float | None) -> str:
    """A metric value as people read it: ms for latency, counts as integers, rates with three decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if name.endswith("_ms"):
        return f"{value:,.0f} ms"
    if name.startswith("run.errors") or "context_chars" in name or name == "n":
        return f"{value:,.0f}"
    return f"{value:.3f}"


def severity(failures: list[str]) -> int:
    """Rank of a case's worst failure (0 = worst), for ordering the failures table."""
    ranks = [next((i for i, key in enumerate(_SEVERITY) if key in f), len(_SEVERITY)) for f in failures]
    return min(ranks, default=len(_SEVERITY))


def failing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with at least one failure, worst first."""
    return sorted((r for r in rows if r["failures"]), key=lambda r: (severity(r["failures"]), r["id"]))


def citation_text(row: dict[str, Any], width: int = 70) -> str:
    """'[1] doc:start-end “quote…”' per citation, one per line."""
    return "\n".join(
        f"[{c['n']}] {c['doc_id'][:3]}:{c['start']}-{c['end']} “{textwrap.shorten(c['quote'], width)}”"
        + ("" if c["valid"] else " (span mismatch)")
        for c in row["citations"]
    )


# ---- files -----------------------------------------------------------------------------------------
def write_report(result: dict[str, Any], folder: Path) -> dict[str, Path]:
    """results.json, report.md and the three PNG plots in `folder` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "results": folder / "results.json",
        "report": folder / "report.md",
        "categories": folder / "scores_by_category.png",
        "latency": folder / "latency.png",
        "failures": folder / "failures.png",
    }
    files["results"].write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str) + "\n",
                                encoding="utf-8")
    plot_categories(result, files["categories"])
    plot_latency(result, files["latency"])
    plot_failures(result, files["failures"])
    files["report"].write_text(markdown(result, files), encoding="utf-8")
    return files


def _cell(text: str, limit: int = 300) -> str:
    flat = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    return textwrap.shorten(flat, limit, placeholder=" …").replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in rows]


def markdown(result: dict[str, Any], files: dict[str, Path]) -> str:
    """The human report: gate table, other metrics, peer, calibration, categories, failures."""
    meta, metrics, gate = result["meta"], result["metrics"], result["gate"]
    verdict = "PASS" if gate["passed"] else ("FAIL" if gate["enforced"] else "FAIL (not enforced: --no-gate)")
    line = (f"{meta['recorded_at']} · {meta['n_cases']} cases ({meta['n_answerable']} answerable) from "
            f"`{Path(meta['cases_file']).name}` · backend `{meta['backend']}` · settings `{meta['settings_hash']}` · "
            f"{meta['duration_s']} s")
    out = [
        "# Grounding eval", "", line, "",
        f"**Gate: {verdict}.** {gate['baseline']}.", "",
        "## Gated metrics", "",
    ]
    gated = {c["metric"] for c in gate["checks"]}
    out += _table(["metric", "value", "threshold", "baseline", "result", "why"], [
        [c["metric"], fmt(c["metric"], c["value"]), c["bound"], fmt(c["metric"], c["baseline"]),
         {"pass": "pass", "fail": "**FAIL**", "n/a": "n/a"}[c["status"]], c["why"]]
        for c in gate["checks"]
    ])
    others = [k for k in metrics if k not in gated and not k.startswith("peer.")]
    out += ["", "## Other metrics (reported, not gated)", ""]
    out += _table(["metric", "value"], [[k, fmt(k, metrics[k])] for k in others])
    about = (f"Peer: {result['peer']['description']} ({result['peer']['nodes']} nodes over the corpus). "
             "Ours: the assistant's hybrid ranking (`Answer.chunks`). Peer rankings hold 2 nodes, so its @3/@5 "
             "equal its @2; its nodes are far larger (see context chars), which favours it on span-overlap "
             "passage metrics.")
    out += ["", "## Retrieval: ours vs stock llama-index (peer)", "", about, ""]
    rows = []
    for level in ("doc", "passage"):
        for name in [f"{m}@{k}" for m in ("hit", "recall", "ndcg") for k in KS] + ["mrr"]:
            ours, peer = metrics.get(f"retrieval.{level}.{name}"), metrics.get(f"peer.retrieval.{level}.{name}")
            delta = f"{ours - peer:+.3f}" if ours is not None and peer is not None else "n/a"
            rows.append([f"{level} {name}", fmt(name, ours), fmt(name, peer), delta])
    rows.append(["context chars in top 5", fmt("context_chars", metrics.get("retrieval.context_chars@5")),
                 fmt("context_chars", metrics.get("peer.retrieval.context_chars@5")), ""])
    out += _table(["metric", "ours", "peer", "ours − peer"], rows)
    out += ["", *calibration_md(result["calibration"])]
    out += ["", "## By category", "", f"![scores by category]({files['categories'].name})", ""]
    keys = list(next(iter(result["by_tag"].values()), {}).keys())
    out += _table(["tag", *keys], [[tag, *[fmt(k, v[k]) for k in keys]] for tag, v in result["by_tag"].items()])
    out += ["", "## Latency", "", f"![latency]({files['latency'].name})", ""]
    bad = failing(result["cases"])
    out += ["", f"## Failures ({len(bad)} of {len(result['cases'])} cases)", "",
            f"![failures]({files['failures'].name})", ""]
    out += _table(["case", "tags", "why", "question (last turn)", "answer", "citations"], [
        [r["id"], ", ".join(r["tags"]), _cell("; ".join(r["failures"]), 200), _cell(r["turns"][-1], 120),
         _cell(r["answer"]), _cell(citation_text(r, 60), 400)]
        for r in bad
    ])
    return "\n".join(out) + "\n\n" + DEFINITIONS


def calibration_md(cal: dict[str, Any]) -> list[str]:
    about = (f"Overlap threshold chosen on {cal['n']} labelled pairs: **{cal['threshold']:.2f}** "
             f"(accuracy {cal['accuracy']:.3f}; accepts {cal['accepts_supported']:.3f} of supported pairs, rejects "
             f"{cal['rejects_unsupported']:.3f} of unsupported ones). `verify.DEFAULT_OVERLAP` = "
             f"{cal['default_threshold']} scores {cal['default_accuracy']:.3f}. Citation recall and precision "
             "above use the chosen threshold.")
    out = ["## Support-checker calibration", "", about, ""]
    out += _table(["threshold", *[f"{p['threshold']:.2f}" for p in cal["curve"]]],
                  [["accuracy", *[f"{p['accuracy']:.2f}" for p in cal["curve"]]]])
    out += [""] + _table(["kind", "label", "n", "accuracy"], [
        [k, "supported" if v["supported"] else "unsupported", str(v["n"]), f"{v['accuracy']:.3f}"]
        for k, v in cal["by_kind"].items()
    ])
    if cal["wrong"]:
        out += ["", "Pairs the checker gets wrong:", ""]
        out += [f"- `{w['id']}` ({w['kind']}, labelled {'supported' if w['supported'] else 'unsupported'}): "
                f"{w['sentence']} — checker: {'; '.join(w['reasons']) or 'supported'}" for w in cal["wrong"]]
    return out


# ---- plots (matplotlib Figure objects: no pyplot, no global backend state) -------------------------
def plot_categories(result: dict[str, Any], path: Path) -> None:
    """Grouped bars: a few scores per tag."""
    from matplotlib.figure import Figure

    tags = list(result["by_tag"])
    fig = Figure(figsize=(max(8.0, 1.1 * len(tags) + 2), 4.8), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(PLOT_METRICS)
    for i, (key, label) in enumerate(PLOT_METRICS):
        values = [result["by_tag"][t].get(key) for t in tags]
        xs = [j + (i - (len(PLOT_METRICS) - 1) / 2) * width for j in range(len(tags))]
        ax.bar(xs, [math.nan if v is None else v for v in values], width, label=label)
    ax.set_xticks(range(len(tags)), [f"{t}\n(n={result['by_tag'][t]['n']:.0f})" for t in tags], fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score (0..1)")
    ax.set_title("Scores by category (missing bar: not applicable to that category)")
    fig.legend(fontsize=7, ncols=len(PLOT_METRICS), loc="outside upper center")
    ax.grid(axis="y", alpha=0.3)
    fig.savefig(path, dpi=120)


def plot_latency(result: dict[str, Any], path: Path) -> None:
    """Histogram of answer latency with p50 and p95 lines."""
    from matplotlib.figure import Figure

    values = [r["latency_ms"] for r in result["cases"] if r.get("latency_ms") is not None]
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    ax.hist(values or [0.0], bins=min(30, max(5, len(values) // 3)), color="#4c72b0")
    for key, style in (("latency.p50_ms", "--"), ("latency.p95_ms", ":")):
        v = result["metrics"].get(key)
        if v is not None:
            ax.axvline(v, color="#c44e52", linestyle=style, label=f"{key.split('.')[1][:3]} = {v:,.0f} ms")
    ax.set_xlabel("answer total_ms (last turn)")
    ax.set_ylabel("cases")
    ax.set_title(f"Latency over {len(values)} answers")
    ax.legend()
    fig.savefig(path, dpi=120)


def plot_failures(result: dict[str, Any], path: Path) -> None:
    """A table image of the worst failing cases with their answer and citations, truncated."""
    from matplotlib.figure import Figure

    bad = failing(result["cases"])[:FAILURE_ROWS_IN_IMAGE]
    widths = (12, 34, 60, 62)
    rows = [[r["id"], textwrap.fill("; ".join(r["failures"]), widths[1], max_lines=5, placeholder=" …"),
             textwrap.fill(" / ".join(r["answer"].splitlines()), widths[2], max_lines=5, placeholder=" …"),
             "\n".join(textwrap.shorten(line, widths[3]) for line in citation_text(r, 42).splitlines()[:5])]
            for r in bad] or [["—", "no failures", "", ""]]
    lines = [max(cell.count("\n") + 1 for cell in row) for row in rows]
    height = 0.6 + 0.16 * (sum(lines) + len(rows) + 1)
    fig = Figure(figsize=(15, height), layout="constrained")
    ax = fig.subplots()
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=["case", "why", "answer", "citations"], loc="upper center",
                     cellLoc="left", colWidths=[w / sum(widths) for w in widths])
    table.auto_set_font_size(False)
    table.set_fontsize(6.5)
    unit = 1.0 / (sum(lines) + len(rows) + 1)
    for (r, _), cell in table.get_celld().items():
        cell.set_height(unit * (1.2 if r == 0 else lines[r - 1] + 1))
        cell.get_text().set_verticalalignment("center")
    shown = f"{len(bad)} worst" if bad else "no"
    ax.set_title(f"Failing cases ({shown} of {len(failing(result['cases']))} shown)", fontsize=9)
    fig.savefig(path, dpi=120)


# ---- stdout ----------------------------------------------------------------------------------------
def print_summary(result: dict[str, Any], files: dict[str, Path], out: TextIO) -> None:
    """The gate table, the peer line and the verdict, as plain text."""
    m, gate = result["metrics"], result["gate"]
    print(f"\n{'metric':<36}{'value':>12}{'threshold':>12}{'baseline':>11}  result", file=out)
    for c in gate["checks"]:
        print(f"{c['metric']:<36}{fmt(c['metric'], c['value']):>12}{c['bound']:>12}"
              f"{fmt(c['metric'], c['baseline']):>11}  {c['status'].upper()}", file=out)
    print(f"\npeer (stock llama-index, top 2): passage recall@5 {fmt('', m.get('peer.retrieval.passage.recall@5'))} "
          f"vs ours {fmt('', m.get('retrieval.passage.recall@5'))}; doc MRR {fmt('', m.get('peer.retrieval.doc.mrr'))} "
          f"vs ours {fmt('', m.get('retrieval.doc.mrr'))}", file=out)
    cal = result["calibration"]
    print(f"support checker: threshold {cal['threshold']:.2f}, accuracy {cal['accuracy']:.3f} on {cal['n']} pairs",
          file=out)
    print(f"failing cases: {len(failing(result['cases']))} of {len(result['cases'])}; report: {files['report']}",
          file=out)
    print(gate["baseline"], file=out)
    failed = [c for c in gate["checks"] if c["status"] == "fail"]
    for c in failed:
        print(f"FAILED {c['metric']} = {fmt(c['metric'], c['value'])}: {c['why']}", file=out)
    if not failed:
        print("gate: PASS", file=out)
    elif not gate["enforced"]:
        print("gate: FAIL (not enforced: --no-gate)", file=out)
    else:
        print("gate: FAIL", file=out)
