"""Run the grounding eval: every case through the public API, scored, reported, and gated.

Usage::

    assistant eval [--cases FILE] [--report DIR] [--backend NAME] [--no-gate]
    .venv/bin/python -m evals.runner --write-baseline        # deliberately re-record evals/baseline.json
    code = run_eval(settings, cases=Path("my_cases.jsonl"), assistant=fake_bot, thresholds=Path("t.json"))
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from assistant.errors import AssistantError
from evals.calibrate import calibrate
from evals.metrics import Case, Span, aggregate, by_tag, error_row, retrieval_row, score_case

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from assistant.api import Assistant
    from assistant.settings import Settings

log = logging.getLogger(__name__)
EVALS = Path(__file__).resolve().parent
REPO = EVALS.parent
DEFAULT_CASES = EVALS / "cases.jsonl"
DEFAULT_PAIRS = EVALS / "support_pairs.jsonl"
DEFAULT_THRESHOLDS = EVALS / "thresholds.json"
DEFAULT_BASELINE = EVALS / "baseline.json"
DEFAULT_REPORT = REPO / "reports" / "eval"
TAG_METRICS = (
    "answers.key_fact_recall", "retrieval.doc.recall@5", "retrieval.passage.recall@5",
    "peer.retrieval.passage.recall@5", "citations.recall", "citations.precision", "citations.cited_gold_rate",
    "abstention.accuracy",
)


class EvalDataError(AssistantError):
    """An eval input file (cases, support pairs, thresholds, baseline) is missing or malformed."""

    exit_code = 2


# ---- inputs ----------------------------------------------------------------------------------------
def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) of each non-blank line; EvalDataError names every bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalDataError(f"{path} does not exist; pass an existing JSONL file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"cannot read {path}: {exc}") from None
    rows, problems = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: invalid JSON ({exc.msg}, column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"line {n}: expected a JSON object, got {type(obj).__name__}")
            continue
        rows.append((n, obj))
    if problems:
        raise EvalDataError(f"{path}: " + "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
                            + ". Fix these lines (one JSON object per line).")
    if not rows:
        raise EvalDataError(f"{path} holds no case; add one JSON object per line")
    return rows


def _str_list(x: object, empty: bool = True) -> bool:
    return isinstance(x, list) and (empty or bool(x)) and all(isinstance(s, str) and s.strip() for s in x)


def _case(n: int, obj: dict[str, Any]) -> tuple[Case | None, list[str]]:
    where = f"line {n} ({obj.get('id', 'no id')})"
    need = ["id", "turns", "answerable", "key_facts", "gold_docs", "gold_passages", "tags"]
    missing = [k for k in need if k not in obj]
    if missing:
        return None, [f"{where}: missing keys {missing}"]
    bad = []
    if not isinstance(obj["id"], str) or not obj["id"].strip():
        bad.append("id must be a non-empty string")
    if not _str_list(obj["turns"], empty=False):
        bad.append("turns must be a non-empty list of questions")
    if not isinstance(obj["answerable"], bool):
        bad.append("answerable must be true or false")
    if not isinstance(obj["key_facts"], list) or not all(_str_list(f, empty=False) for f in obj["key_facts"]):
        bad.append("key_facts must be a list of lists of acceptable forms")
    if not _str_list(obj["gold_docs"]) or not _str_list(obj["tags"]):
        bad.append("gold_docs and tags must be lists of strings")
    passages = obj["gold_passages"]
    ok_passages = isinstance(passages, list) and all(
        isinstance(p, dict) and isinstance(p.get("doc_id"), str) and isinstance(p.get("quote"), str)
        and isinstance(p.get("start"), int) and isinstance(p.get("end"), int) for p in passages)
    if not ok_passages:
        bad.append("gold_passages must be objects with doc_id, quote, start, end")
    if not bad and obj["answerable"] and not (obj["key_facts"] and obj["gold_docs"] and passages):
        bad.append("an answerable case needs key_facts, gold_docs and gold_passages")
    if bad:
        return None, [f"{where}: {b}" for b in bad]
    spans = [Span(p["doc_id"], p["start"], p["end"]) for p in passages]
    return Case(obj["id"], obj["turns"], obj["answerable"], obj["key_facts"], obj["gold_docs"], spans,
                obj["tags"], line=n, quotes=[p["quote"] for p in passages]), []


def load_cases(path: Path) -> list[Case]:
    """Validated cases; EvalDataError lists every bad line with what to fix."""
    cases, problems = [], []
    for n, obj in read_jsonl(path):
        case, errs = _case(n, obj)
        problems += errs
        if case:
            cases.append(case)
    seen: set[str] = set()
    for c in cases:
        if c.id in seen:
            problems.append(f"line {c.line}: id {c.id!r} is used twice")
        seen.add(c.id)
    if problems:
        raise EvalDataError(f"{path}: " + "; ".join(problems[:8]) + ("; …" if len(problems) > 8 else ""))
    return cases


def load_pairs(path: Path) -> list[dict[str, Any]]:
    """Support pairs with sentence, quotes, supported and kind."""
    pairs = []
    for n, obj in read_jsonl(path):
        if not (isinstance(obj.get("sentence"), str) and _str_list(obj.get("quotes"), empty=False)
                and isinstance(obj.get("supported"), bool) and isinstance(obj.get("kind"), str)):
            raise EvalDataError(f"{path}: line {n}: needs sentence, quotes (list), supported (bool) and kind")
        pairs.append(obj | {"id": obj.get("id", f"line-{n}")})
    return pairs


def check_gold(cases: list[Case], texts: dict[str, str], cases_path: Path) -> None:
    """Gold articles exist in the indexed corpus and gold quotes sit at their offsets."""
    problems = []
    for c in cases:
        problems += [f"line {c.line} ({c.id}): article {d} is not in the index" for d in c.gold_docs if d not in texts]
        for span, quote in zip(c.gold_passages, c.quotes):
            if span.doc_id in texts and texts[span.doc_id][span.start : span.end] != quote:
                problems.append(f"line {c.line} ({c.id}): gold quote is not at {span.start}:{span.end} of {span.doc_id}")
    if problems:
        raise EvalDataError(f"{cases_path}: " + "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
                            + ". Index the corpus the cases were written for (seeds/), or run evals/fill_spans.py.")


def load_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalDataError(f"{what} file {path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise EvalDataError(f"{what} file {path}: invalid JSON at line {exc.lineno} ({exc.msg})") from None
    if not isinstance(data, dict):
        raise EvalDataError(f"{what} file {path} must hold a JSON object")
    return data


def load_thresholds(path: Path) -> dict[str, Any]:
    """{"baseline_tolerance": 0.02, "metrics": {name: {"min"|"max": bound, "vs_baseline": bool, "why": str}}}."""
    data = load_json(path, "thresholds")
    metrics = data.get("metrics")
    if not isinstance(metrics, dict) or not metrics:
        raise EvalDataError(f"thresholds file {path} needs a non-empty \"metrics\" object")
    for name, spec in metrics.items():
        if not isinstance(spec, dict) or len({"min", "max"} & set(spec)) != 1:
            raise EvalDataError(f"thresholds file {path}: {name} needs exactly one of \"min\" or \"max\"")
        if not isinstance(spec.get("min", spec.get("max")), int | float):
            raise EvalDataError(f"thresholds file {path}: {name}'s bound must be a number")
        unknown = set(spec) - {"min", "max", "vs_baseline", "why"}
        if unknown:
            raise EvalDataError(f"thresholds file {path}: {name} has unknown keys {sorted(unknown)}")
    if not isinstance(data.get("baseline_tolerance", 0.02), int | float):
        raise EvalDataError(f"thresholds file {path}: baseline_tolerance must be a number")
    return data


# ---- running ---------------------------------------------------------------------------------------
def run_cases(bot: Assistant, cases: list[Case], texts: dict[str, str], threshold: float) -> list[dict[str, Any]]:
    """Each case through the public API (last turn scored); a case that raises is recorded, not fatal."""
    rows = []
    for i, case in enumerate(cases, 1):
        try:
            conv = bot.chat()
            for turn in case.turns:
                answer = conv.ask(turn)
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


# ---- gate ------------------------------------------------------------------------------------------
@dataclass
class Check:
    """One gated metric: its value, its bound, its baseline and the verdict."""

    metric: str
    value: float | None
    bound: str
    baseline: float | None
    status: str  # "pass", "fail" or "n/a"
    why: str = ""


def gate_metrics(metrics: dict[str, float | None], thresholds: dict[str, Any],
         baseline: dict[str, Any] | None) -> list[Check]:
    """Each metric of the thresholds file against its bound and, unless exempt, against the baseline."""
    tol = float(thresholds.get("baseline_tolerance", 0.02))
    base = (baseline or {}).get("metrics", {})
    checks = []
    for name, spec in thresholds["metrics"].items():
        higher = "min" in spec
        bound = float(spec["min"] if higher else spec["max"])
        ref = base.get(name) if spec.get("vs_baseline", True) else None
        check = Check(name, metrics.get(name), f"{'≥' if higher else '≤'} {bound:g}", ref, "pass")
        if name not in metrics:
            check.status, check.why = "fail", "not a computed metric (typo in thresholds.json?)"
        elif check.value is None:
            check.status, check.why = "n/a", "no case to score it"
        else:
            v = check.value
            reasons = []
            if (v < bound) if higher else (v > bound):
                reasons.append(f"{'below' if higher else 'above'} its threshold {bound:g}")
            if ref is not None and ((v < ref - tol - 1e-9) if higher else (v > ref + tol + 1e-9)):
                reasons.append(f"{abs(v - ref):.3f} {'below' if higher else 'above'} baseline {ref:.3f} "
                               f"(tolerance {tol:g})")
            if reasons:
                check.status, check.why = "fail", "; ".join(reasons)
        checks.append(check)
    return checks


def baseline_for(path: Path | None, meta: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """The baseline to compare with, or None and why it is not comparable."""
    if path is None or not path.exists():
        return None, f"no baseline at {path}; thresholds only"
    data = load_json(path, "baseline")
    for key, what in (("cases_sha256", "cases file"), ("backend", "backend")):
        if data.get(key) != meta.get(key):
            return None, (f"baseline not compared: it was recorded for another {what} "
                          f"({str(data.get(key))[:12]} vs {str(meta.get(key))[:12]}); thresholds only")
    return data, f"compared with baseline recorded {data.get('recorded_at', '?')}"


def write_baseline(path: Path, result: dict[str, Any], thresholds: dict[str, Any]) -> None:
    """Record the current values of every gated metric as the new baseline."""
    meta = result["meta"]
    data = {
        "_about": "Gate reference for `assistant eval`; re-record deliberately with "
                  "`python -m evals.runner --write-baseline`.",
        **{k: meta[k] for k in ("recorded_at", "backend", "settings_hash", "cases_sha256", "n_cases")},
        "metrics": {k: (round(v, 4) if isinstance(v, float) else v)
                    for k in thresholds["metrics"] if (v := result["metrics"].get(k)) is not None},
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


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
    out: TextIO | None = None,
) -> int:
    """Run, score, report and gate; 1 when gating and a metric misses its threshold or drops below baseline."""
    from evals.report import print_summary, write_report

    out = out or sys.stdout
    started = time.perf_counter()
    cases_path = cases or DEFAULT_CASES
    case_list = load_cases(cases_path)
    limits = load_thresholds(thresholds or DEFAULT_THRESHOLDS)
    calibration = calibrate(load_pairs(support_pairs or DEFAULT_PAIRS))
    if assistant is None:
        from assistant.api import Assistant

        assistant = Assistant(settings, embedder=embedder)
    bot = assistant
    print(f"evaluating {len(case_list)} cases from {cases_path} …", file=out, flush=True)
    texts = {d.doc_id: d.text for d in bot.documents()}  # indexes if needed, so no case pays for it
    check_gold(case_list, texts, cases_path)
    bot.embedder.get_query_embedding("warm-up")  # the first forward pass is not a user's latency
    rows = run_cases(bot, case_list, texts, calibration["threshold"])
    peer = run_peer(bot, case_list, rows)
    metrics = aggregate(rows) | {"calibration.accuracy": calibration["accuracy"]}
    meta = {
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cases_file": str(cases_path), "cases_sha256": hashlib.sha256(cases_path.read_bytes()).hexdigest(),
        "n_cases": len(case_list), "n_answerable": sum(c.answerable for c in case_list),
        "backend": bot.settings.backend, "settings_hash": bot.settings.fingerprint(),
        "embedder": type(bot.embedder).__name__, "support_threshold": calibration["threshold"],
    }
    if write_baseline_to is not None:
        reference, baseline_note = None, f"baseline being re-recorded to {write_baseline_to}; thresholds only"
    else:
        reference, baseline_note = baseline_for(baseline, meta)
    checks = gate_metrics(metrics, limits, reference)
    failed = [c for c in checks if c.status == "fail"]
    meta["duration_s"] = round(time.perf_counter() - started, 1)
    result = {
        "meta": meta, "metrics": metrics, "calibration": calibration, "peer": peer,
        "by_tag": by_tag(rows, TAG_METRICS),
        "gate": {"enforced": gate, "baseline": baseline_note, "passed": not failed,
                 "checks": [asdict(c) for c in checks]},
        "cases": rows,
    }
    files = write_report(result, report_dir or DEFAULT_REPORT)
    print_summary(result, files, out)
    if write_baseline_to is not None:
        write_baseline(write_baseline_to, result, limits)
        print(f"baseline written to {write_baseline_to}", file=out)
    return 1 if gate and failed else 0


def main(argv: list[str] | None = None) -> int:
    """`python -m evals.runner`: the eval with the same options as `assistant eval`, plus --write-baseline."""
    parser = argparse.ArgumentParser(prog="python -m evals.runner", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, help="JSONL cases file (default: evals/cases.jsonl)")
    parser.add_argument("--report", type=Path, help="report folder (default: reports/eval)")
    parser.add_argument("--backend", choices=["extractive", "openai", "ollama", "llamacpp"])
    parser.add_argument("--thresholds", type=Path, help="thresholds file (default: evals/thresholds.json)")
    parser.add_argument("--no-gate", action="store_true", help="report only; never fail")
    parser.add_argument("--write-baseline", action="store_true",
                        help="re-record evals/baseline.json from this run (deliberate; review the diff)")
    args = parser.parse_args(argv)
    from assistant.cli import _quiet_libraries
    from assistant.settings import Settings

    _quiet_libraries()
    try:
        settings = Settings(**({"backend": args.backend} if args.backend else {}))
        return run_eval(settings, args.cases, args.report, gate=not args.no_gate, thresholds=args.thresholds,
                        write_baseline_to=DEFAULT_BASELINE if args.write_baseline else None)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
