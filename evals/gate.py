"""The eval's gate: thresholds per corpus and split, a baseline that only goes down on purpose.

Usage::

    limits = load_thresholds(Path("evals/thresholds.json"))
    checks = gate_metrics(metrics, limits_for(limits, "seeds/test"), reference)
    record_baseline(path, runs, limits, accept_lower={"answers.answer_first"}, why="…")
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.cases import EvalDataError, load_json


@dataclass
class Check:
    """One gated metric: its value, its bound, its baseline and the verdict."""

    metric: str
    value: float | None
    bound: str
    baseline: float | None
    status: str  # "pass", "fail" or "n/a"
    why: str = ""


def _check_spec(path: Path, name: str, spec: object) -> None:
    if not isinstance(spec, dict) or len({"min", "max"} & set(spec)) != 1:
        raise EvalDataError(f"thresholds file {path}: {name} needs exactly one of \"min\" or \"max\"")
    if not isinstance(spec.get("min", spec.get("max")), int | float):
        raise EvalDataError(f"thresholds file {path}: {name}'s bound must be a number")
    unknown = set(spec) - {"min", "max", "vs_baseline", "why", "target"}
    if unknown:
        raise EvalDataError(f"thresholds file {path}: {name} has unknown keys {sorted(unknown)}")


def load_thresholds(path: Path) -> dict[str, Any]:
    """{"baseline_tolerance", "metrics": {name: spec}, "runs": {"corpus/split": {name: spec}}} (runs optional)."""
    data = load_json(path, "thresholds")
    metrics = data.get("metrics")
    if not isinstance(metrics, dict) or not metrics:
        raise EvalDataError(f"thresholds file {path} needs a non-empty \"metrics\" object")
    for name, spec in metrics.items():
        _check_spec(path, name, spec)
    runs = data.get("runs", {})
    if not isinstance(runs, dict):
        raise EvalDataError(f"thresholds file {path}: \"runs\" must map 'corpus/split' to metric bounds")
    for run, specs in runs.items():
        if not isinstance(specs, dict):
            raise EvalDataError(f"thresholds file {path}: runs.{run} must be an object of metric bounds")
        for name, spec in specs.items():
            _check_spec(path, f"runs.{run}.{name}", spec)
    if not isinstance(data.get("baseline_tolerance", 0.02), int | float):
        raise EvalDataError(f"thresholds file {path}: baseline_tolerance must be a number")
    return data


def limits_for(thresholds: dict[str, Any], run: str) -> dict[str, Any]:
    """The common bounds with this run's own bounds laid over them."""
    metrics = dict(thresholds["metrics"])
    metrics.update(thresholds.get("runs", {}).get(run, {}))
    return {"baseline_tolerance": thresholds.get("baseline_tolerance", 0.02), "metrics": metrics}


def gate_metrics(metrics: dict[str, float | None], thresholds: dict[str, Any],
                 baseline: dict[str, Any] | None) -> list[Check]:
    """Each metric of the thresholds against its bound and, unless exempt, against the baseline."""
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


def read_baseline(path: Path | None) -> dict[str, Any]:
    """The baseline file's content ({"runs": {...}, "accepted": [...]}); empty when there is none."""
    if path is None or not path.exists():
        return {"runs": {}, "accepted": []}
    data = load_json(path, "baseline")
    if not isinstance(data.get("runs", {}), dict):
        raise EvalDataError(f"baseline file {path}: \"runs\" must be an object; re-record it with --write-baseline")
    return {"runs": data.get("runs", {}), "accepted": data.get("accepted", []), **data}


def baseline_for(data: dict[str, Any], run: str, meta: dict[str, Any]) -> tuple[dict[str, Any] | None, str, bool]:
    """(reference, note, problem): the run's baseline, why it is or is not compared, and whether that fails.

    Changed cases never skip silently: a baseline recorded for other cases fails the gate until re-recorded.
    """
    ref = data.get("runs", {}).get(run)
    if ref is None:
        return None, f"{run}: no baseline recorded; thresholds only", False
    if ref.get("backend") != meta.get("backend"):
        return None, f"{run}: baseline is for backend {ref.get('backend')}; thresholds only", False
    if ref.get("cases_sha256") != meta.get("cases_sha256"):
        return None, (f"{run}: the cases changed since the baseline was recorded; re-record it deliberately with "
                      f"`python -m evals.runner --write-baseline` and review the diff"), True
    return ref, f"{run}: compared with baseline recorded {ref.get('recorded_at', '?')}", False


def record_baseline(path: Path, runs: dict[str, dict[str, Any]], thresholds: dict[str, Any],
                    accept_lower: set[str], why: str | None) -> list[str]:
    """Write the baseline for these runs; refuse (EvalDataError) when a metric got worse without acceptance.

    `runs` maps "corpus/split" to {"meta": …, "metrics": …}. Returns the acceptances recorded.
    """
    old = read_baseline(path)
    if accept_lower and not (why and why.strip()):
        raise EvalDataError("--accept-lower needs --why \"…\" saying why the lower value is right")
    worse: list[str] = []
    accepted: list[dict[str, Any]] = list(old.get("accepted", []))
    notes: list[str] = []
    new_runs = dict(old.get("runs", {}))
    for run, result in runs.items():
        limits = limits_for(thresholds, run)["metrics"]
        before = (old.get("runs", {}).get(run) or {}).get("metrics", {})
        values = {k: round(v, 4) for k in limits if isinstance(v := result["metrics"].get(k), int | float)}
        for name, value in values.items():
            prev = before.get(name)
            if prev is None or not limits[name].get("vs_baseline", True):
                continue
            higher = "min" in limits[name]
            if (value < prev - 1e-4) if higher else (value > prev + 1e-4):
                if name in accept_lower:
                    accepted.append({"run": run, "metric": name, "from": prev, "to": value, "why": why,
                                     "at": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
                    notes.append(f"{run} {name}: {prev} -> {value} accepted ({why})")
                else:
                    worse.append(f"{run} {name}: {prev} -> {value}")
        meta = result["meta"]
        new_runs[run] = {**{k: meta.get(k) for k in ("recorded_at", "backend", "settings_hash", "cases_sha256",
                                                      "n_cases")}, "metrics": values}
    if worse:
        raise EvalDataError("the baseline would go down without acceptance: " + "; ".join(worse)
                            + ". If that is right, re-run with --accept-lower METRIC --why \"…\" for each.")
    data = {
        "_about": "Gate reference for `assistant eval`, per corpus/split. A value may only get worse with "
                  "`python -m evals.runner --write-baseline --accept-lower METRIC --why \"…\"`, recorded below.",
        "runs": new_runs, "accepted": accepted,
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return notes
