"""Run the grounding eval: every corpus and split through the public API, scored, reported, and gated.

Usage::

    assistant eval [--cases FILE] [--report DIR] [--backend NAME] [--no-gate]
    .venv/bin/python -m evals.runner --write-baseline [--accept-lower METRIC --why "…"]
    code = run_eval(settings, cases=Path("my_cases.jsonl"), assistant=fake_bot, thresholds=Path("t.json"))

Without --cases every corpus of evals/suite.json is indexed into its own data folder and each of its
splits (evals/cases/<corpus>-<split>.jsonl) is scored and gated on its own; the sanity answerers run on
each split too, and the eval fails if the gate cannot tell one of them from the real answerer.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from assistant.errors import AssistantError
from evals.calibrate import calibrate
from evals.cases import EVALS, SPLITS, EvalDataError, case_file, check_gold, load_cases, load_json, load_pairs
from evals.gate import Check, baseline_for, gate_metrics, limits_for, load_thresholds, read_baseline, record_baseline
from evals.metrics import Case, aggregate, by_kind, by_tag, error_row, retrieval_row, score_case
from evals.sanity import SANITY

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from assistant.api import Assistant
    from assistant.settings import Settings

log = logging.getLogger(__name__)
REPO = EVALS.parent
SUITE = EVALS / "suite.json"
DEFAULT_PAIRS = EVALS / "support_pairs.jsonl"
DEFAULT_THRESHOLDS = EVALS / "thresholds.json"
DEFAULT_BASELINE = EVALS / "baseline.json"
DEFAULT_REPORT = REPO / "reports" / "eval"
TAG_METRICS = (
    "answers.key_fact_recall", "retrieval.doc.recall@5", "retrieval.passage.recall@5",
    "peer.retrieval.passage.recall@5", "citations.recall", "citations.precision", "citations.cited_gold_rate",
    "abstention.accuracy",
)
KIND_METRICS = (
    "answers.key_fact_recall", "answers.answer_first", "citations.gold_precision", "answers.words.median",
    "abstention.correct_rate", "abstention.false_rate",
)
__all__ = ["Check", "EvalDataError", "gate_metrics", "load_cases", "run_eval", "main"]


# ---- running ---------------------------------------------------------------------------------------
def run_cases(bot: Assistant, cases: list[Case], texts: dict[str, str], threshold: float) -> list[dict[str, Any]]:
    """Each case through the public API (last turn scored); a case that raises is recorded, not fatal."""
    rows = []
    for i, case in enumerate(cases, 1):
        try:
            conv = bot.chat()
            for turn in case.turns:
                answer = conv.ask(turn)
            with bot.reading():  # the claims are read with what these articles taught
                row = score_case(case, answer, texts, threshold)
        except Exception as exc:  # one broken case must not hide the other results
            log.debug("case %s raised", case.id, exc_info=True)
            row = error_row(case, f"{type(exc).__name__}: {exc}")
        log.info("case %d/%d %s: %s", i, len(cases), case.id, "; ".join(row["failures"]) or "ok")
        rows.append(row)
    return rows


def run_peer(bot: Assistant, cases: list[Case], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Score stock llama-index retrieval on the same standalone queries; adds row["peer"]."""
    from evals.peer import DESCRIPTION, PeerRetriever

    try:
        peer = PeerRetriever(bot.embedder, bot.documents())
        for case, row in zip(cases, rows):
            spans = peer.retrieve(str(row["query"]))
            row["peer_chunks"] = [s._asdict() for s in spans]
            row["peer"] = retrieval_row(spans, case) if case.answerable else None
    except Exception as exc:  # the peer row is context, not the product: report it missing, go on
        log.warning("peer retrieval failed (%s: %s); the report shows it as n/a", type(exc).__name__, exc)
        log.debug("peer retrieval failure", exc_info=True)
        for row in rows:
            row["peer"] = None
        return {"description": DESCRIPTION, "nodes": 0, "error": f"{type(exc).__name__}: {exc}"}
    return {"description": DESCRIPTION, "nodes": peer.nodes}


# ---- one run (a corpus and a split) -----------------------------------------------------------------
def _meta(bot: Assistant, run: str, cases_path: Path, case_list: list[Case], threshold: float) -> dict[str, Any]:
    return {
        "run": run, "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cases_file": str(cases_path), "cases_sha256": hashlib.sha256(cases_path.read_bytes()).hexdigest(),
        "n_cases": len(case_list), "n_answerable": sum(c.answerable for c in case_list),
        "backend": bot.settings.backend, "settings_hash": bot.settings.fingerprint(),
        "corpus": str(bot.settings.corpus_dir), "embedder": type(bot.embedder).__name__,
        "support_threshold": threshold,
    }


def score_run(bot: Assistant, run: str, cases_path: Path, calibration: dict[str, Any],
              limits: dict[str, Any], baseline: dict[str, Any], sanity: bool) -> dict[str, Any]:
    """Every case of one file through `bot`, its metrics and gate, and the sanity rows beside it."""
    from assistant.api import Assistant

    case_list = load_cases(cases_path)
    texts = {d.doc_id: d.text for d in bot.documents()}  # indexes if needed, so no case pays for it
    check_gold(case_list, texts, cases_path)
    bot.embedder.get_query_embedding("warm-up")  # the first forward pass is not a user's latency
    rows = run_cases(bot, case_list, texts, calibration["threshold"])
    peer = run_peer(bot, case_list, rows)
    metrics = aggregate(rows) | {"calibration.accuracy": calibration["accuracy"]}
    meta = _meta(bot, run, cases_path, case_list, calibration["threshold"])
    run_limits = limits_for(limits, run)
    reference, note, problem = baseline_for(baseline, run, meta)
    checks = gate_metrics(metrics, run_limits, reference)
    if problem:
        checks.append(Check("baseline", None, "recorded for these cases", None, "fail", note))
    sanity_rows: dict[str, Any] = {}
    if sanity:
        for name, make in SANITY.items():
            fake = Assistant(bot.settings, embedder=bot.embedder, store=bot.store, answerer=make(), auto_index=False)
            s_rows = run_cases(fake, case_list, texts, calibration["threshold"])
            s_metrics = aggregate(s_rows) | {"calibration.accuracy": calibration["accuracy"]}
            s_checks = gate_metrics(s_metrics, run_limits, None)
            s_failed = [c.metric for c in s_checks if c.status == "fail"]
            sanity_rows[name] = {"metrics": s_metrics, "gate_failed_on": s_failed, "passed_gate": not s_failed}
    failed = [c for c in checks if c.status == "fail"]
    fooled = [n for n, r in sanity_rows.items() if r["passed_gate"]]
    return {
        "meta": meta, "metrics": metrics, "peer": peer,
        "by_kind": by_kind(rows, KIND_METRICS), "by_tag": by_tag(rows, TAG_METRICS),
        "gate": {"baseline": note, "passed": not failed and not fooled, "fooled_by": fooled,
                 "checks": [asdict(c) for c in checks]},
        "sanity": sanity_rows, "cases": rows,
    }


def suite_corpora(path: Path = SUITE, watch: bool = False) -> dict[str, Path]:
    """{corpus name: folder} of the eval suite (folders relative to the repository root); with `watch`, also the
    corpora under watch: measured when asked for by name, not yet part of the default run and its gate."""
    data = load_json(path, "suite")
    corpora = data.get("corpora")
    watched = data.get("watch", {})
    if not isinstance(corpora, dict) or not corpora or not isinstance(watched, dict):
        raise EvalDataError(f"suite file {path} needs a \"corpora\" object of name -> folder (and may have a "
                            "\"watch\" one)")
    chosen = {**corpora, **watched} if watch else corpora
    return {name: (REPO / folder).resolve() for name, folder in chosen.items()}


def _plan(settings: Settings | None, cases: Path | None, assistant: Assistant | None,
          embedder: BaseEmbedding | None, only: list[str] | None,
          splits: list[str] | None = None) -> list[tuple[str, Assistant, Path]]:
    """(run name, assistant, cases file) for each run: one file, or every corpus × split of the suite."""
    from assistant.api import Assistant
    from assistant.settings import Settings

    base = settings or (assistant.settings if assistant else Settings())
    if cases is not None:
        stem = cases.stem
        run = stem.replace("-dev", "/dev").replace("-test", "/test") if stem.endswith(SPLITS) else f"custom/{stem}"
        return [(run, assistant or Assistant(base, embedder=embedder), cases)]
    plan = []
    shared = embedder or (assistant.embedder if assistant else None)
    for name, folder in suite_corpora(watch=bool(only)).items():
        if only and name not in only:
            continue
        if assistant is not None and Path(assistant.settings.corpus_dir).resolve() == folder:
            bot = assistant
        else:
            data_dir = Path(base.data_dir) / "eval" / name
            bot = Assistant(base.model_copy(update={"corpus_dir": folder, "data_dir": data_dir}), embedder=shared)
        shared = shared or bot.embedder
        for split in splits or SPLITS:
            path = case_file(name, split)
            if path.exists():
                plan.append((f"{name}/{split}", bot, path))
    if not plan:
        raise EvalDataError("no case files found for the suite; expected evals/cases/<corpus>-<split>.jsonl")
    return plan


# ---- entry points ----------------------------------------------------------------------------------
def run_eval(
    settings: Settings | None = None,
    cases: Path | None = None,
    report_dir: Path | None = None,
    gate: bool = True,
    *,
    assistant: Assistant | None = None,
    embedder: BaseEmbedding | None = None,
    thresholds: Path | None = None,
    baseline: Path | None = DEFAULT_BASELINE,
    support_pairs: Path | None = None,
    write_baseline_to: Path | None = None,
    accept_lower: list[str] | None = None,
    why: str | None = None,
    corpora: list[str] | None = None,
    splits: list[str] | None = None,
    sanity: bool = True,
    out: TextIO | None = None,
) -> int:
    """Run, score, report and gate every run; 1 when gating and any run fails (or a sanity row passes)."""
    from evals.report import print_summary, write_report

    out = out or sys.stdout
    started = time.perf_counter()
    limits = load_thresholds(thresholds or DEFAULT_THRESHOLDS)
    calibration = calibrate(load_pairs(support_pairs or DEFAULT_PAIRS))
    reference = read_baseline(None if write_baseline_to is not None else baseline)
    runs: dict[str, Any] = {}
    for run, bot, path in _plan(settings, cases, assistant, embedder, corpora, splits):
        print(f"evaluating {run}: {path.name} …", file=out, flush=True)
        runs[run] = score_run(bot, run, path, calibration, limits, reference, sanity)
    passed = all(r["gate"]["passed"] for r in runs.values())
    result = {
        "meta": {"recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                 "duration_s": round(time.perf_counter() - started, 1), "gate_enforced": gate, "passed": passed},
        "calibration": calibration, "runs": runs,
    }
    files = write_report(result, report_dir or DEFAULT_REPORT)
    print_summary(result, files, out)
    if write_baseline_to is not None:
        notes = record_baseline(write_baseline_to, runs, limits, set(accept_lower or []), why)
        for note in notes:
            print(f"accepted lower: {note}", file=out)
        print(f"baseline written to {write_baseline_to}", file=out)
    return 1 if gate and not passed else 0


def main(argv: list[str] | None = None) -> int:
    """`python -m evals.runner`: the eval with the same options as `assistant eval`, plus --write-baseline."""
    parser = argparse.ArgumentParser(prog="python -m evals.runner", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, help="one JSONL cases file (default: every corpus and split)")
    parser.add_argument("--corpus", action="append", help="only this suite corpus (repeatable)")
    parser.add_argument("--split", action="append", choices=list(SPLITS), help="only this split (repeatable)")
    parser.add_argument("--report", type=Path, help="report folder (default: reports/eval)")
    parser.add_argument("--backend", choices=["extractive", "openai", "ollama", "llamacpp"])
    parser.add_argument("--thresholds", type=Path, help="thresholds file (default: evals/thresholds.json)")
    parser.add_argument("--no-gate", action="store_true", help="report only; never fail")
    parser.add_argument("--no-sanity", action="store_true", help="skip the sanity answerers")
    parser.add_argument("--write-baseline", action="store_true",
                        help="re-record evals/baseline.json from this run (deliberate; review the diff)")
    parser.add_argument("--accept-lower", action="append", default=[], metavar="METRIC",
                        help="with --write-baseline: allow this metric to go down (needs --why)")
    parser.add_argument("--why", help="why the lower values are right; recorded in the baseline file")
    args = parser.parse_args(argv)
    from assistant.cli import quiet_libraries
    from assistant.settings import Settings

    quiet_libraries()
    try:
        settings = Settings(**({"backend": args.backend} if args.backend else {}))
        return run_eval(settings, args.cases, args.report, gate=not args.no_gate, thresholds=args.thresholds,
                        write_baseline_to=DEFAULT_BASELINE if args.write_baseline else None,
                        accept_lower=args.accept_lower, why=args.why, corpora=args.corpus, splits=args.split,
                        sanity=not args.no_sanity)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
