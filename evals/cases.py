"""Eval inputs: case files per corpus and split, support pairs, JSON files; every problem named with its line.

Usage::

    cases = load_cases(Path("evals/cases/seeds-dev.jsonl"))
    files = case_files("seeds", ["dev", "test"])      # refuses "test" when called from a tuning script
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from evals.metrics import Case, Span

EVALS = Path(__file__).resolve().parent
CASES_DIR = EVALS / "cases"
KINDS = frozenset({
    "factoid", "paraphrase", "lowercase", "misspelled", "yes-no", "list", "compare", "overview", "conflicting",
    "followup", "pronoun-in-article", "chit-chat", "off-topic", "near-domain", "adversarial",
})
SPLITS = ("dev", "test")


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
    need = ["id", "turns", "answerable", "key_facts", "gold_docs", "gold_passages"]
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
    if not _str_list(obj["gold_docs"]) or not _str_list(obj.get("tags", [])):
        bad.append("gold_docs and tags must be lists of strings")
    if obj.get("kind", "factoid") not in KINDS:
        bad.append(f"kind must be one of {', '.join(sorted(KINDS))}")
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
                obj.get("tags", []), line=n, quotes=[p["quote"] for p in passages],
                kind=obj.get("kind", "factoid"), answer_type=obj.get("answer_type", "")), []


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


def case_file(corpus: str, split: str) -> Path:
    """evals/cases/<corpus>-<split>.jsonl."""
    if split not in SPLITS:
        raise EvalDataError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    return CASES_DIR / f"{corpus}-{split}.jsonl"


def tuning_cases(corpus: str, split: str = "dev") -> list[Case]:
    """Cases a tuning or calibration script may read: the dev split only, never the held-out test split."""
    if split != "dev":
        raise EvalDataError(f"tuning reads the dev split only; {corpus}-{split} is held out for measuring")
    return load_cases(case_file(corpus, split))
