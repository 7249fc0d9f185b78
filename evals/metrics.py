"""Pure scoring functions of the grounding eval: retrieval, key facts, citations, abstention, latency.

Nothing here loads a model or reads a file; every function takes plain values and is unit-tested on tiny
hand-made inputs (tests/test_eval_metrics.py).

Usage::

    gains = passage_gains([Span("d1", 0, 50), Span("d2", 10, 90)], gold=[Span("d2", 0, 40)])
    ranking_scores(gains, n_gold=1)          # {"hit@1": 0.0, "recall@1": 0.0, "ndcg@1": 0.0, ..., "mrr": 0.5}
    key_fact_recall("About 1700 [1] ...", [["1,700"], ["Smirnov"]])   # (0.5, [["Smirnov"]])
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.verify import DEFAULT_OVERLAP
from evals.citation_metrics import (  # noqa: F401 - re-exported: the metrics of one case live here
    SentenceSupport,
    citation_precision,
    citation_recall,
    cites_gold,
    claim_sentences,
    evidence,
    marker_problems,
    partly_supports,
    sentence_support,
    span_valid,
)
from evals.retrieval_metrics import (  # noqa: F401 - re-exported
    KS,
    CitationLike,
    Span,
    context_chars,
    dcg,
    doc_gains,
    doc_ranking,
    overlaps,
    passage_gains,
    ranking_scores,
)

Row = dict[str, Any]  # one scored case, as written to results.json

# ---- answers ---------------------------------------------------------------------------------------
_MARKER = re.compile(r"\s*\[\d+\]")
_FOLD = str.maketrans({
    "‘": "'", "’": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
    "–": "-", "—": "-", "‒": "-", "−": "-", "‐": "-", "‑": "-", "\u00a0": " ",
})
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def normalise(text: str) -> str:
    """Text as key facts are matched: no [n] markers or **bold**, folded quotes/dashes, no thousands commas,
    collapsed whitespace, lower case."""
    text = unicodedata.normalize("NFKC", text)
    text = _MARKER.sub("", text).replace("**", "").replace("__", "")
    text = _THOUSANDS.sub("", text.translate(_FOLD))
    return re.sub(r"\s+", " ", text).strip().lower()


def fact_present(answer: str, forms: Sequence[str]) -> bool:
    """Any acceptable form of a fact occurs in the normalised answer as whole words ("IED" never matches "died")."""
    norm = normalise(answer)
    for form in forms:
        want = normalise(form)
        if want and re.search(rf"(?<![\w]){re.escape(want)}(?![\w])", norm):
            return True
    return False


def first_statement(text: str) -> str:
    """The answer up to and including its first [n] marker: what a reader sees before any other claim. A label
    that introduces a quote ("**Jane Doe** [1]: She said … [2]") is one statement with the quote it introduces."""
    m = re.search(r"\[\d+\]", text)
    if m and text[m.end() : m.end() + 1] == ":":
        m = re.compile(r"\[\d+\]").search(text, m.end()) or m
    return text[: m.end()] if m else ""


def word_count(text: str) -> int:
    """Words a reader reads: markers and markup removed."""
    return len(re.findall(r"[\w][\w'’.,-]*", _MARKER.sub("", text).replace("**", "")))


def key_fact_recall(answer: str, key_facts: Sequence[Sequence[str]]) -> tuple[float, list[list[str]]]:
    """Share of key facts present in the answer, and the facts that are missing."""
    if not key_facts:
        raise ValueError("key_fact_recall needs at least one key fact")
    missing = [list(f) for f in key_facts if not fact_present(answer, f)]
    return 1 - len(missing) / len(key_facts), missing


# ---- abstention, latency, aggregation --------------------------------------------------------------
def rate(flags: Iterable[bool]) -> float | None:
    """Share of true flags (None when there are none to count)."""
    values = list(flags)
    return sum(values) / len(values) if values else None


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None (None when there are none)."""
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """q-th percentile (0..100) with linear interpolation between ranks, as numpy's default."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError("percentile q must be within 0..100")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


# ---- one case, and all cases -----------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One validated line of cases.jsonl (see evals/README.md)."""

    id: str
    turns: list[str]
    answerable: bool
    key_facts: list[list[str]]
    gold_docs: list[str]
    gold_passages: list[Span]
    tags: list[str]
    line: int = 0
    quotes: list[str] = field(default_factory=list)
    kind: str = "factoid"
    answer_type: str = ""


# Kinds whose answer is one fact: every key fact must sit in the first cited statement. The others (several
# items or sides) pass answer-first when the first statement carries at least one of their facts.
SINGLE_ANSWER_KINDS = frozenset({"factoid", "paraphrase", "lowercase", "misspelled", "yes-no", "followup",
                                 "pronoun-in-article", "adversarial"})
UNANSWERABLE_KINDS = ("off-topic", "near-domain", "chit-chat")


def answer_first(text: str, key_facts: Sequence[Sequence[str]], kind: str) -> bool:
    """The first cited statement carries the answer (all facts for one-answer kinds, one fact otherwise)."""
    first = first_statement(text)
    if not first:
        return False
    present = [fact_present(first, f) for f in key_facts]
    return all(present) if kind in SINGLE_ANSWER_KINDS else any(present)


def gold_precision(citations: Sequence[CitationLike], gold: Sequence[Span]) -> float:
    """Share of citations whose span overlaps a gold passage (0 when nothing is cited)."""
    if not citations:
        return 0.0
    hits = sum(any(overlaps(Span(c.doc_id, c.start, c.end), g) for g in gold) for c in citations)
    return hits / len(citations)


def _identity(case: Case) -> Row:
    return {"id": case.id, "kind": case.kind, "tags": case.tags, "answerable": case.answerable, "turns": case.turns}


def retrieval_row(ranked: Sequence[Span], case: Case) -> Row:
    """Doc- and passage-level ranking scores of one ranking for an answerable case."""
    return {
        "doc": ranking_scores(doc_gains(ranked, case.gold_docs), len(set(case.gold_docs))),
        "passage": ranking_scores(passage_gains(ranked, case.gold_passages), len(case.gold_passages)),
        "context_chars@5": context_chars(ranked, 5),
    }


def score_case(case: Case, answer: Any, doc_texts: dict[str, str],
               threshold: float = DEFAULT_OVERLAP) -> Row:
    """Every per-case score of one final `Answer` (read by attribute), plus the reasons it failed."""
    text: str = answer.text
    citations: list[CitationLike] = list(answer.citations)
    abstained: bool = answer.abstained
    ranked = [Span(c.doc_id, c.start, c.end) for c in answer.chunks]
    markers = re.findall(r"\[\d+\]", text)
    valid = [span_valid(c, doc_texts.get(c.doc_id)) for c in citations]
    sentences = [] if abstained and not citations else sentence_support(text, citations, threshold)
    row: Row = {
        **_identity(case),
        "query": answer.query,
        "answer": text,
        "abstained": abstained,
        "latency_ms": answer.timings.total_ms,
        "citations": [{"n": c.n, "doc_id": c.doc_id, "start": c.start, "end": c.end, "quote": c.quote,
                       "valid": ok} for c, ok in zip(citations, valid)],
        "chunks": [{"doc_id": s.doc_id, "start": s.start, "end": s.end} for s in ranked],
        "marker_problems": marker_problems(text, citations) if (not abstained or citations or markers) else None,
        "spans_valid": sum(valid),
        "spans_total": len(valid),
        "sentences": [vars(s) for s in sentences],
        "citation_recall": citation_recall(sentences),
        "citation_precision": citation_precision(sentences),
        "retrieval": None, "key_fact_recall": None, "missing_facts": [], "cited_gold": None, "cited_gold_doc": None,
        "answer_first": None, "gold_precision": None, "words": word_count(text),
        "kind_reported": getattr(answer, "kind", None),
    }
    if case.answerable:
        row["retrieval"] = retrieval_row(ranked, case)
        row["key_fact_recall"], row["missing_facts"] = key_fact_recall(text, case.key_facts)
        row["answer_first"] = answer_first(text, case.key_facts, case.kind)
        row["gold_precision"] = gold_precision(citations, case.gold_passages)
        if abstained:  # a refusal answers nothing, whatever words it happens to contain
            row["key_fact_recall"], row["missing_facts"] = 0.0, [list(f) for f in case.key_facts]
            row["answer_first"], row["gold_precision"] = False, 0.0
        else:
            row["cited_gold"], row["cited_gold_doc"] = cites_gold(citations, case.gold_passages, case.gold_docs)
    row["failures"] = failures(case, row)
    return row


def failures(case: Case, row: Row) -> list[str]:
    """Why a scored case is not perfect, one short phrase each (empty: it passed everything)."""
    out = []
    if row.get("error"):
        return [f"error: {row['error']}"]
    if case.answerable and row["abstained"]:
        out.append("abstained on an answerable question")
    if not case.answerable and not row["abstained"]:
        out.append("answered an unanswerable question")
    if row["missing_facts"] and not row["abstained"]:
        out.append("missing key facts: " + "; ".join(f[0] for f in row["missing_facts"]))
    out += row["marker_problems"] or []
    if row["spans_valid"] != row["spans_total"]:
        out.append(f"{row['spans_total'] - row['spans_valid']} citation span(s) differ from the text")
    if case.answerable and not row["abstained"] and row.get("answer_first") is False:
        out.append("answer not in the first cited statement")
    if row["cited_gold"] is False:
        out.append("cites no gold passage" + ("" if row["cited_gold_doc"] else " nor gold article"))
    bad = [s for s in row["sentences"] if not s["supported"]]
    if bad:
        out.append(f"{len(bad)}/{len(row['sentences'])} sentence(s) unsupported ({bad[0]['reasons'][0]})")
    loose = sum(len(s["markers"]) - len(s["precise"]) for s in row["sentences"] if s["supported"])
    if loose:
        out.append(f"{loose} redundant citation(s)")
    return out


def error_row(case: Case, message: str) -> Row:
    """The row of a case whose answer raised: it counts as a miss everywhere it is scored."""
    zero = retrieval_row([], case) if case.answerable else None
    row: Row = {
        **_identity(case),
        "query": case.turns[-1], "answer": "", "abstained": False, "latency_ms": None, "citations": [],
        "chunks": [], "marker_problems": None, "spans_valid": 0, "spans_total": 0, "sentences": [],
        "citation_recall": None, "citation_precision": None, "retrieval": zero,
        "key_fact_recall": 0.0 if case.answerable else None, "missing_facts": case.key_facts,
        "cited_gold": False if case.answerable else None, "cited_gold_doc": False if case.answerable else None,
        "answer_first": False if case.answerable else None, "gold_precision": 0.0 if case.answerable else None,
        "words": 0, "kind_reported": None, "error": message,
    }
    row["failures"] = failures(case, row)
    return row


def _retrieval_means(rows: Sequence[Row], key: str, prefix: str) -> dict[str, float | None]:
    scored = [r[key] for r in rows if r.get(key)]
    out: dict[str, float | None] = {}
    for level in ("doc", "passage"):
        names = [f"hit@{k}" for k in KS] + [f"recall@{k}" for k in KS] + [f"ndcg@{k}" for k in KS] + ["mrr"]
        for name in names:
            out[f"{prefix}.{level}.{name}"] = mean(s[level][name] for s in scored)
    out[f"{prefix}.context_chars@5"] = mean(s["context_chars@5"] for s in scored)
    return out


def aggregate(rows: Sequence[Row]) -> dict[str, float | None]:
    """Headline metrics over scored rows (each row has 'answerable'); None when no case can be scored."""
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    ok = [r for r in rows if not r.get("error")]
    answered = [r for r in ok if not r["abstained"]]
    latencies = [float(r["latency_ms"]) for r in ok]
    spans_total = sum(r["spans_total"] for r in rows)
    out = _retrieval_means(rows, "retrieval", "retrieval")
    out |= {
        "answers.key_fact_recall": mean(r["key_fact_recall"] for r in ans),
        "answers.complete_rate": rate(r["key_fact_recall"] == 1.0 for r in ans),
        "citations.marker_integrity": rate(not r["marker_problems"] for r in rows
                                           if r["marker_problems"] is not None),
        "citations.span_validity": sum(r["spans_valid"] for r in rows) / spans_total if spans_total else None,
        "citations.cited_gold_rate": rate(bool(r["cited_gold"]) for r in ans if r["cited_gold"] is not None),
        "citations.cited_gold_doc_rate": rate(bool(r["cited_gold_doc"]) for r in ans
                                              if r["cited_gold_doc"] is not None),
        "citations.recall": mean(r["citation_recall"] for r in answered),
        "citations.precision": mean(r["citation_precision"] for r in answered),
        "answers.answer_first": rate(bool(r["answer_first"]) for r in ans),
        "answers.words.median": percentile([float(r["words"]) for r in answered if r["answerable"]], 50),
        "answers.words.p90": percentile([float(r["words"]) for r in answered if r["answerable"]], 90),
        "answers.factoid_words.median": percentile(
            [float(r["words"]) for r in answered if r["answerable"] and r.get("kind") in SINGLE_ANSWER_KINDS], 50),
        "citations.gold_precision": mean(r["gold_precision"] for r in ans),
        "abstention.correct_rate": rate(bool(r["abstained"]) and not r.get("error") for r in una),
        **{f"abstention.correct_rate.{k}": rate(bool(r["abstained"]) and not r.get("error")
                                                for r in una if r.get("kind") == k) for k in UNANSWERABLE_KINDS},
        "abstention.false_rate": rate(bool(r["abstained"]) for r in ans),
        "abstention.accuracy": rate(bool(r["abstained"]) != r["answerable"] and not r.get("error") for r in rows),
        "latency.p50_ms": percentile(latencies, 50),
        "latency.p95_ms": percentile(latencies, 95),
        "run.errors": float(len(rows) - len(ok)),
        "run.failed_case_rate": rate(bool(r["failures"]) for r in rows),
    }
    if any(r.get("peer") for r in rows):
        out |= _retrieval_means(rows, "peer", "peer.retrieval")
    return out


def by_kind(rows: Sequence[Row], keys: Sequence[str]) -> dict[str, dict[str, float | None]]:
    """The chosen metrics recomputed over the cases of each kind, with 'n' cases."""
    out: dict[str, dict[str, float | None]] = {}
    for kind in sorted({str(r.get("kind")) for r in rows}):
        sub = [r for r in rows if str(r.get("kind")) == kind]
        agg = aggregate(sub)
        out[kind] = {"n": float(len(sub)), **{k: agg.get(k) for k in keys}}
    return out


def by_tag(rows: Sequence[Row], keys: Sequence[str]) -> dict[str, dict[str, float | None]]:
    """The chosen metrics recomputed over the cases of each tag, with 'n' cases."""
    tags = sorted({t for r in rows for t in r["tags"]})
    out: dict[str, dict[str, float | None]] = {}
    for tag in tags:
        sub = [r for r in rows if tag in r["tags"]]
        agg = aggregate(sub)
        out[tag] = {"n": float(len(sub)), **{k: agg.get(k) for k in keys}}
    return out
