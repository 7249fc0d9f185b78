"""Split a pool of newly written cases into dev and test, stratified by kind, by a hash of the id.

Run once per pool, before anyone measures the answerer on the new cases; the split never looks at answers.

    python -m evals.split_pool evals/cases/_pool/lee-a.jsonl evals/cases/_pool/lee-b.jsonl --corpus lee-dev --test 0.5
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path

from evals.cases import case_file


def split(cases: list[dict], test_share: float) -> tuple[list[dict], list[dict]]:
    """(dev, test): within each kind, cases ordered by sha256(id); the first share go to test (at least one dev)."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for c in cases:
        by_kind[c.get("kind", "factoid")].append(c)
    dev, test = [], []
    for group in by_kind.values():
        group.sort(key=lambda c: hashlib.sha256(c["id"].encode()).hexdigest())
        n_test = round(len(group) * test_share)
        if len(group) > 1:
            n_test = min(n_test, len(group) - 1)
        test += group[:n_test]
        dev += group[n_test:]
    return dev, test


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pools", nargs="+", type=Path)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--test", type=float, default=0.5, help="share of each kind that goes to test")
    args = ap.parse_args()
    cases = [json.loads(line) for p in args.pools for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    for c in cases:
        c.pop("note", None)
    dev, test = split(cases, args.test)
    for name, rows in (("dev", dev), ("test", test)):
        path = case_file(args.corpus, name)
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(existing + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{path}: +{len(rows)}")


if __name__ == "__main__":
    main()
