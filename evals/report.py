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

KIND_PLOT = ("answers.key_fact_recall", "answers.answer_first", "citations.gold_precision", "abstention.correct_rate")
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
def _slug(run: str) -> str:
    return run.replace("/", "-")


def write_report(result: dict[str, Any], folder: Path) -> dict[str, Path]:
    """results.json, report.md, one by-kind plot per run, latency and failures plots, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"results": folder / "results.json", "report": folder / "report.md",
             "latency": folder / "latency.png", "failures": folder / "failures.png"}
    for run in result["runs"]:
        files[f"kinds:{run}"] = folder / f"kinds-{_slug(run)}.png"
    files["results"].write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str) + "\n",
                                encoding="utf-8")
    for run, data in result["runs"].items():
        plot_kinds(run, data, files[f"kinds:{run}"])
    all_rows = [dict(r, id=f"{run}:{r['id']}") for run, d in result["runs"].items() for r in d["cases"]]
    plot_latency(all_rows, path=files["latency"])
    plot_failures(all_rows, path=files["failures"])
    files["report"].write_text(markdown(result, files), encoding="utf-8")
    return files


def _cell(text: str, limit: int = 300) -> str:
    flat = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    return textwrap.shorten(flat, limit, placeholder=" …").replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in rows]


HEADLINE = ("answers.key_fact_recall", "answers.answer_first", "citations.gold_precision", "answers.words.median",
            "answers.factoid_words.median", "abstention.correct_rate", "abstention.correct_rate.near-domain",
            "abstention.correct_rate.off-topic", "abstention.correct_rate.chit-chat", "abstention.false_rate",
            "retrieval.doc.hit@3", "retrieval.passage.recall@5")


def markdown(result: dict[str, Any], files: dict[str, Path]) -> str:
    """The human report: dev/test side by side, sanity rows, then per run its gate, kinds and failures."""
    runs = result["runs"]
    verdict = "PASS" if result["meta"]["passed"] else "FAIL"
    out = ["# Grounding eval", "", f"{result['meta']['recorded_at']} · {result['meta']['duration_s']} s · "
           f"**Gate: {verdict}**", "", "## Dev and test side by side (their gap is overfitting)", ""]
    names = list(runs)
    rows = [[k, *[fmt(k, runs[r]["metrics"].get(k)) for r in names]] for k in HEADLINE]
    out += _table(["metric", *names], rows)
    out += ["", "## Sanity answerers (the gate must fail them)", ""]
    srows = []
    for r in names:
        for s_name, s in runs[r]["sanity"].items():
            verdict_s = "passes the gate: **the eval is fooled**" if s["passed_gate"] else (
                "fails the gate as it must (" + ", ".join(s["gate_failed_on"][:4])
                + ("…" if len(s["gate_failed_on"]) > 4 else "") + ")")
            srows.append([r, s_name, *[fmt(k, s["metrics"].get(k)) for k in HEADLINE[:5]], verdict_s])
    out += _table(["run", "answerer", *HEADLINE[:5], "verdict"], srows)
    for run, data in runs.items():
        meta, gate = data["meta"], data["gate"]
        out += ["", f"## {run}", "",
                f"{meta['n_cases']} cases ({meta['n_answerable']} answerable) from `{Path(meta['cases_file']).name}` · "
                f"backend `{meta['backend']}` · settings `{meta['settings_hash']}` · {gate['baseline']}", "",
                f"**{'PASS' if gate['passed'] else 'FAIL'}**", ""]
        out += _table(["metric", "value", "threshold", "baseline", "result", "why"], [
            [c["metric"], fmt(c["metric"], c["value"]), c["bound"], fmt(c["metric"], c["baseline"]),
             {"pass": "pass", "fail": "**FAIL**", "n/a": "n/a"}[c["status"]], c["why"]]
            for c in gate["checks"]
        ])
        out += ["", f"![by kind]({files[f'kinds:{run}'].name})", ""]
        keys = list(next(iter(data["by_kind"].values()), {}).keys())
        out += _table(["kind", *keys], [[k, *[fmt(m, v[m]) for m in keys]] for k, v in data["by_kind"].items()])
        bad = failing(data["cases"])
        out += ["", f"### Failures ({len(bad)} of {len(data['cases'])} cases)", ""]
        out += _table(["case", "kind", "why", "question (last turn)", "answer", "citations"], [
            [r["id"], str(r.get("kind")), _cell("; ".join(r["failures"]), 200), _cell(r["turns"][-1], 120),
             _cell(r["answer"]), _cell(citation_text(r, 60), 400)]
            for r in bad
        ])
    out += ["", *calibration_md(result["calibration"])]
    out += ["", "## Latency", "", f"![latency]({files['latency'].name})", ""]
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
def plot_kinds(run: str, data: dict[str, Any], path: Path) -> None:
    """Grouped bars: the answer scores of each kind of question in one run."""
    from matplotlib.figure import Figure

    kinds = list(data["by_kind"])
    keys = [k for k in KIND_PLOT]
    fig = Figure(figsize=(max(8.0, 1.0 * len(kinds) + 2), 4.8), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(keys)
    for i, key in enumerate(keys):
        values = [data["by_kind"][k].get(key) for k in kinds]
        xs = [j + (i - (len(keys) - 1) / 2) * width for j in range(len(kinds))]
        ax.bar(xs, [math.nan if v is None else v for v in values], width, label=key)
    ax.set_xticks(range(len(kinds)), [f"{k}\n(n={data['by_kind'][k]['n']:.0f})" for k in kinds], fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{run}: scores by kind of question (missing bar: not applicable)")
    fig.legend(fontsize=7, ncols=len(keys), loc="outside upper center")
    ax.grid(axis="y", alpha=0.3)
    fig.savefig(path, dpi=110)


def plot_latency(rows: list[dict[str, Any]], path: Path) -> None:
    """Histogram of answer latency with p50 and p95 lines."""
    from matplotlib.figure import Figure

    from evals.metrics import percentile

    values = [r["latency_ms"] for r in rows if r.get("latency_ms") is not None]
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    ax.hist(values or [0.0], bins=min(30, max(5, len(values) // 3)), color="#4c72b0")
    for key, style in (("latency.p50_ms", "--"), ("latency.p95_ms", ":")):
        v = percentile(values, 50 if "50" in key else 95)
        if v is not None:
            ax.axvline(v, color="#c44e52", linestyle=style, label=f"{key.split('.')[1][:3]} = {v:,.0f} ms")
    ax.set_xlabel("answer total_ms (last turn)")
    ax.set_ylabel("cases")
    ax.set_title(f"Latency over {len(values)} answers")
    ax.legend()
    fig.savefig(path, dpi=120)


def plot_failures(rows_in: list[dict[str, Any]], path: Path) -> None:
    """A table image of the worst failing cases with their answer and citations, truncated."""
    from matplotlib.figure import Figure

    bad = failing(rows_in)[:FAILURE_ROWS_IN_IMAGE]
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
    ax.set_title(f"Failing cases ({shown} of {len(failing(rows_in))} shown)", fontsize=9)
    fig.savefig(path, dpi=120)


# ---- stdout ----------------------------------------------------------------------------------------
def print_summary(result: dict[str, Any], files: dict[str, Path], out: TextIO) -> None:
    """Per run: every gated metric with its threshold and baseline, the sanity verdicts, then the verdict."""
    for run, data in result["runs"].items():
        gate = data["gate"]
        print(f"\n== {run} ({data['meta']['n_cases']} cases) — {gate['baseline']}", file=out)
        print(f"{'metric':<40}{'value':>10}{'threshold':>12}{'baseline':>10}  result", file=out)
        for c in gate["checks"]:
            print(f"{c['metric']:<40}{fmt(c['metric'], c['value']):>10}{c['bound']:>12}"
                  f"{fmt(c['metric'], c['baseline']):>10}  {c['status'].upper()}", file=out)
        for k in ("answers.words.median", "answers.words.p90", "answers.factoid_words.median"):
            print(f"{k:<40}{fmt(k, data['metrics'].get(k)):>10}  (reported)", file=out)
        for name, s in data["sanity"].items():
            state = "PASSES the gate: the eval is fooled" if s["passed_gate"] else (
                f"fails the gate as it must ({len(s['gate_failed_on'])} metrics)")
            print(f"sanity {name:<20} key facts {fmt('', s['metrics'].get('answers.key_fact_recall'))}, "
                  f"answer-first {fmt('', s['metrics'].get('answers.answer_first'))}, gold precision "
                  f"{fmt('', s['metrics'].get('citations.gold_precision'))}: {state}", file=out)
        for c in gate["checks"]:
            if c["status"] == "fail":
                print(f"FAILED {run} {c['metric']} = {fmt(c['metric'], c['value'])}: {c['why']}", file=out)
    print(f"\nreport: {files['report']}", file=out)
    if result["meta"]["passed"]:
        print("gate: PASS", file=out)
    else:
        print("gate: FAIL" + ("" if result["meta"]["gate_enforced"] else " (not enforced: --no-gate)"), file=out)
