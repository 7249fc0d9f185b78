"""Fill and check the character offsets of the hand-written eval data.

Usage (from the repo root)::

    .venv/bin/python evals/fill_spans.py            # fill start/end in every case file, then check everything
    .venv/bin/python evals/fill_spans.py --check    # check only, never rewrite a file

For every gold passage in ``evals/cases/<corpus>-<split>.jsonl`` (corpora from ``evals/suite.json``) the quote
is looked up verbatim in the CLEANED text of its article (``index.corpus.load_corpus``), and ``start``/``end``
are written back so that ``article.text[start:end] == quote``. Each file is rewritten in place, one object per
line. A quote that occurs more than once is ambiguous: lengthen it, or pin it by hand-writing offsets that
point at the intended occurrence (they are kept when they match). Every key fact must appear in its gold
passages. The case schema is then checked by ``evals.cases.load_cases`` and the support pairs here; the script
exits 1 with a list of every problem found, or 0 with a short summary when all is well.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

EVALS = Path(__file__).resolve().parent
ROOT = EVALS.parent
sys.path.insert(0, str(ROOT))

from evals.cases import SPLITS, EvalDataError, case_file, load_cases, read_jsonl  # noqa: E402 - after sys.path
from evals.runner import suite_corpora  # noqa: E402
from index.corpus import load_corpus  # noqa: E402 - after the sys.path line, so it runs as a script

SUPPORT = EVALS / "support_pairs.jsonl"
SEEDS = ROOT / "seeds"
PASSAGE_KEYS = ["doc_id", "quote", "start", "end"]

SUPPORT_KEYS = ["id", "sentence", "quotes", "supported", "kind"]
SUPPORTED_KINDS = {"faithful", "trimmed", "paraphrase"}
UNSUPPORTED_KINDS = {"swapped-number", "swapped-name", "swapped-place", "wrong-date", "unrelated", "partial"}

# Typographic characters an author is likely to type in their ASCII form.
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def norm(s: str) -> str:
    """Case-insensitive, whitespace-collapsed form used for key-fact matching (as the scorer does)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip().lower()


def _loose(s: str) -> str:
    return re.sub(r"\s+", " ", s.translate(_FOLD)).strip()


def occurrences(text: str, quote: str) -> list[int]:
    out, i = [], text.find(quote)
    while i != -1:
        out.append(i)
        i = text.find(quote, i + 1)
    return out


def near_miss(text: str, quote: str) -> str | None:
    """The verbatim text a quote was probably meant to be, if it only differs in quotes/dashes/spaces."""
    want = _loose(quote)
    if not want:
        return None
    # Map each position of the loose text back to the original so the hint is verbatim.
    loose_chars, origin = [], []
    prev_space = False
    for i, ch in enumerate(text):
        folded = ch.translate(_FOLD)
        if ch.isspace():
            if prev_space:
                continue
            folded, prev_space = " ", True
        else:
            prev_space = False
        for c in folded:
            loose_chars.append(c)
            origin.append(i)
    loose = "".join(loose_chars)
    j = loose.find(want)
    if j == -1:
        return None
    return text[origin[j] : origin[j + len(want) - 1] + 1]


def is_str_list(x, allow_empty: bool = True) -> bool:
    return isinstance(x, list) and (allow_empty or bool(x)) and all(isinstance(s, str) and s.strip() for s in x)


def fill_cases(cases: list[dict], texts: dict[str, str], errors: list[str], name: str) -> None:
    """Find each gold quote in its article and fill its offsets; every key fact must appear in the quotes."""
    for c in cases:
        where = f"{name} case {c.get('id', '<no id>')}"
        facts, docs, passages = c.get("key_facts") or [], c.get("gold_docs") or [], c.get("gold_passages") or []
        if not c.get("answerable") or not isinstance(passages, list):
            continue  # the schema (unanswerable cases have no passages, …) is load_cases' to check
        passage_text = []
        for k, p in enumerate(passages):
            pw = f"{where} passage {k}"
            if not isinstance(p, dict) or not {"doc_id", "quote"} <= set(p) or set(p) - set(PASSAGE_KEYS):
                errors.append(f"{pw}: must have the keys doc_id and quote (and start, end once filled)")
                continue
            doc, quote = p["doc_id"], p["quote"]
            if doc not in texts:
                errors.append(f"{pw}: unknown article {doc!r}")
                continue
            if doc not in docs:
                errors.append(f"{pw}: article {doc} is not listed in gold_docs")
            if not isinstance(quote, str) or not quote.strip():
                errors.append(f"{pw}: empty quote")
                continue
            if quote != quote.strip():
                errors.append(f"{pw}: quote has leading/trailing whitespace")
            text = texts[doc]
            hits = occurrences(text, quote)
            pinned = isinstance(p.get("start"), int) and isinstance(p.get("end"), int) and (
                text[p["start"] : p["end"]] == quote)
            if not hits:
                hint = near_miss(text, quote)
                msg = f"{pw}: quote not found verbatim in {doc}: {quote[:90]!r}"
                if hint:
                    msg += f"\n      did you mean (verbatim): {hint!r}"
                errors.append(msg)
                continue
            if len(hits) > 1 and not pinned:
                errors.append(
                    f"{pw}: quote is ambiguous in {doc} (found at offsets {hits}); lengthen it or pin start/end: {quote[:90]!r}"
                )
                continue
            if not pinned:
                p["start"], p["end"] = hits[0], hits[0] + len(quote)
            c["gold_passages"][k] = {key: p[key] for key in PASSAGE_KEYS}
            passage_text.append(quote)

        # Every key fact must be literally supported by the gold passages (one of its forms appears).
        joined = norm(" ".join(passage_text))
        if passage_text:
            for fact in facts:
                if c.get("kind") == "yes-no" and {f.lower() for f in fact} <= {"yes", "no"}:
                    continue  # the verdict itself: a word of the answer's template, not of the article
                if not any(norm(form) in joined for form in fact):
                    errors.append(f"{where}: no form of key fact {fact} appears in its gold passages")


def check_support(pairs: list[dict], texts: dict[str, str], errors: list[str]) -> None:
    ids = Counter(p.get("id") for p in pairs)
    for dup, n in ids.items():
        if n > 1:
            errors.append(f"support pair id {dup!r} used {n} times")
    for p in pairs:
        where = f"support pair {p.get('id', '<no id>')}"
        if sorted(p) != sorted(SUPPORT_KEYS):
            errors.append(f"{where}: must have exactly the keys {SUPPORT_KEYS}")
            continue
        if not str(p["id"]).startswith("sp-"):
            errors.append(f"{where}: id must start with sp-")
        if not isinstance(p["sentence"], str) or not p["sentence"].strip():
            errors.append(f"{where}: empty sentence")
        if not isinstance(p["supported"], bool):
            errors.append(f"{where}: supported must be true or false")
        kind = p["kind"]
        if kind not in SUPPORTED_KINDS | UNSUPPORTED_KINDS:
            errors.append(f"{where}: unknown kind {kind!r}")
        elif (kind in SUPPORTED_KINDS) != p["supported"]:
            errors.append(f"{where}: kind {kind!r} contradicts supported={p['supported']}")
        if not is_str_list(p["quotes"], allow_empty=False):
            errors.append(f"{where}: quotes must be a non-empty list of strings")
            continue
        for q in p["quotes"]:
            if not any(q in t for t in texts.values()):
                hint = next((h for h in (near_miss(t, q) for t in texts.values()) if h), None)
                msg = f"{where}: quote not found verbatim in any article: {q[:90]!r}"
                if hint:
                    msg += f"\n      did you mean (verbatim): {hint!r}"
                errors.append(msg)


def rows_of(path: Path, errors: list[str]) -> list[dict]:
    """The objects of a JSONL file (evals.cases.read_jsonl), or [] with its problems added to `errors`."""
    try:
        return [obj for _, obj in read_jsonl(path)]
    except EvalDataError as exc:
        errors.append(str(exc))
        return []


def write_rows(path: Path, rows: list[dict]) -> None:
    tmp = path.with_suffix(".jsonl.tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only check; do not rewrite any case file")
    args = ap.parse_args()
    errors: list[str] = []
    counts: list[str] = []
    for corpus, folder in suite_corpora(watch=True).items():
        articles, skipped = load_corpus(folder)
        texts = {a.doc_id: a.text for a in articles}
        errors += [f"corpus file skipped: {s.path} ({s.reason})" for s in skipped]
        for split in SPLITS:
            path = case_file(corpus, split)
            if not path.exists():
                continue
            cases = rows_of(path, errors)
            before = [json.dumps(c, ensure_ascii=False, sort_keys=True) for c in cases]
            fill_cases(cases, texts, errors, path.name)
            if before != [json.dumps(c, ensure_ascii=False, sort_keys=True) for c in cases]:
                if args.check:
                    errors.append(f"offsets in {path.name} are stale; run without --check to fill them")
                else:
                    write_rows(path, cases)
                    print(f"wrote offsets to {path.relative_to(ROOT)}")
            try:
                checked = load_cases(path)
                counts.append(f"{path.name}: {len(checked)} cases ({sum(c.answerable for c in checked)} answerable)")
            except EvalDataError as exc:
                errors.append(str(exc))

    pairs = rows_of(SUPPORT, errors)
    seeds = {a.doc_id: a.text for a in load_corpus(SEEDS)[0]}
    check_support(pairs, seeds, errors)

    if errors:
        print(f"{len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print(f"  - {e}", file=sys.stderr)
        return 1
    print("OK: " + "; ".join(counts))
    kinds = Counter(p["kind"] for p in pairs)
    sup = sum(p["supported"] for p in pairs)
    print(f"  support pairs: {len(pairs)} ({sup} supported, {len(pairs) - sup} unsupported); "
          + ", ".join(f"{k}={n}" for k, n in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
