"""Calibrate the support checker's overlap threshold on the hand-labelled pairs of support_pairs.jsonl.

For each threshold 0.00..1.00 (step 0.05) the checker's verdict `not verify.unsupported(sentence, quotes, t)`
is compared with the human label; the best accuracy wins, ties going to the threshold closest to 0.5.

Usage::

    .venv/bin/python -m evals.calibrate            # prints the curve and the per-kind accuracy
    result = calibrate(pairs)                      # pairs: dicts with sentence, quotes, supported, kind
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from assistant.verify import DEFAULT_OVERLAP, unsupported

GRID = tuple(round(i * 0.05, 2) for i in range(21))
CENTRE = 0.5


def verdicts(pairs: Sequence[dict[str, Any]], threshold: float) -> list[bool]:
    """The checker's 'supported' verdict for each pair at one threshold."""
    return [not unsupported(p["sentence"], list(p["quotes"]), threshold) for p in pairs]


def accuracy(pairs: Sequence[dict[str, Any]], threshold: float) -> float:
    """Share of pairs where the checker agrees with the human label."""
    if not pairs:
        raise ValueError("calibration needs at least one labelled pair")
    return sum(v == p["supported"] for v, p in zip(verdicts(pairs, threshold), pairs)) / len(pairs)


def pick(curve: Sequence[tuple[float, float]]) -> float:
    """Best-accuracy threshold; ties go to the one closest to 0.5 (then the lower)."""
    best = max(acc for _, acc in curve)
    tied = [t for t, acc in curve if abs(acc - best) < 1e-12]
    return min(tied, key=lambda t: (abs(t - CENTRE), t))


def calibrate(pairs: Sequence[dict[str, Any]], grid: Sequence[float] = GRID) -> dict[str, Any]:
    """Accuracy curve, chosen threshold, per-kind accuracy and the pairs it gets wrong."""
    curve = [(t, accuracy(pairs, t)) for t in grid]
    best = pick(curve)
    predicted = verdicts(pairs, best)
    kinds: dict[str, dict[str, Any]] = {}
    for p, v in zip(pairs, predicted):
        k = kinds.setdefault(p["kind"], {"n": 0, "correct": 0, "supported": p["supported"]})
        k["n"] += 1
        k["correct"] += int(v == p["supported"])
    for k in kinds.values():
        k["accuracy"] = k["correct"] / k["n"]
    wrong = [
        {"id": p["id"], "kind": p["kind"], "supported": p["supported"], "sentence": p["sentence"],
         "reasons": unsupported(p["sentence"], list(p["quotes"]), best)}
        for p, v in zip(pairs, predicted) if v != p["supported"]
    ]
    pos = [v for p, v in zip(pairs, predicted) if p["supported"]]
    neg = [not v for p, v in zip(pairs, predicted) if not p["supported"]]
    return {
        "threshold": best,
        "accuracy": dict(curve)[best],
        "n": len(pairs),
        "accepts_supported": sum(pos) / len(pos) if pos else None,
        "rejects_unsupported": sum(neg) / len(neg) if neg else None,
        "default_threshold": DEFAULT_OVERLAP,
        "default_accuracy": accuracy(pairs, DEFAULT_OVERLAP),
        "curve": [{"threshold": t, "accuracy": a} for t, a in curve],
        "by_kind": dict(sorted(kinds.items(), key=lambda kv: (not kv[1]["supported"], kv[0]))),
        "wrong": wrong,
    }


def main() -> int:
    """Print the calibration of the committed support pairs."""
    from evals.cases import EVALS, load_pairs

    DEFAULT_PAIRS = EVALS / "support_pairs.jsonl"

    result = calibrate(load_pairs(DEFAULT_PAIRS))
    print("threshold  accuracy")
    for point in result["curve"]:
        mark = "  <- chosen" if point["threshold"] == result["threshold"] else ""
        print(f"  {point['threshold']:.2f}     {point['accuracy']:.3f}{mark}")
    print("\nkind            n  accuracy")
    for kind, k in result["by_kind"].items():
        print(f"  {kind:<14}{k['n']:>2}  {k['accuracy']:.3f}")
    for w in result["wrong"]:
        print(f"\n{w['id']} ({w['kind']}, labelled {'supported' if w['supported'] else 'unsupported'}): "
              f"{w['sentence']}\n  checker: {'; '.join(w['reasons']) or 'supported'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
