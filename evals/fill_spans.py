"""Fill and check the character offsets of the hand-written eval data.

Usage (from the repo root)::

    .venv/bin/python evals/fill_spans.py            # fill start/end in cases.jsonl, then check everything
    .venv/bin/python evals/fill_spans.py --check    # check only, never rewrite the file

For every gold passage in ``evals/cases.jsonl`` the quote is looked up verbatim in the CLEANED
text of its article (``index.corpus.load_corpus``), and ``start``/``end`` are written back so that
``article.text[start:end] == quote``. The file is rewritten in place, one object per line, keys in
the canonical order. A quote that occurs more than once is ambiguous: lengthen it, or pin it by
hand-writing offsets that point at the intended occurrence (they are kept when they match).

The script also checks the schema of cases.jsonl and support_pairs.jsonl and exits 1 with a list
of every problem found, or 0 with a short summary when all is well.
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

from index.corpus import load_corpus  # noqa: E402 - after the sys.path line, so it runs as a script

CASES = EVALS / "cases.jsonl"
SUPPORT = EVALS / "support_pairs.jsonl"
SEEDS = ROOT / "seeds"

CASE_KEYS = ["id", "turns", "answerable", "key_facts", "gold_docs", "gold_passages", "tags"]
PASSAGE_KEYS = ["doc_id", "quote", "start", "end"]
TAGS = {
    "numeric", "conflicting", "who", "when", "where", "why", "what", "multi-doc", "followup",
    "unanswerable", "off-topic", "near-domain", "adversarial", "single",
}
ID_PREFIXES = ("fig-", "num-", "who-", "when-", "where-", "why-", "what-", "multi-", "fu-", "un-", "adv-")

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


def read_jsonl(path: Path, errors: list[str]) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path.name}:{n}: invalid JSON ({exc})")
            continue
        if not isinstance(row, dict):
            errors.append(f"{path.name}:{n}: not a JSON object")
            continue
        rows.append(row)
    return rows


def is_str_list(x, allow_empty: bool = True) -> bool:
    return isinstance(x, list) and (allow_empty or bool(x)) and all(isinstance(s, str) and s.strip() for s in x)


def check_cases(cases: list[dict], texts: dict[str, str], errors: list[str]) -> None:
    ids = Counter(c.get("id") for c in cases)
    for dup, n in ids.items():
        if n > 1:
            errors.append(f"id {dup!r} used {n} times")

    for c in cases:
        cid = c.get("id", "<no id>")
        where = f"case {cid}"
        if list(c) != CASE_KEYS:
            missing = [k for k in CASE_KEYS if k not in c]
            extra = [k for k in c if k not in CASE_KEYS]
            if missing or extra:
                errors.append(f"{where}: missing keys {missing}, unknown keys {extra}")
                continue
        if not isinstance(cid, str) or not cid.startswith(ID_PREFIXES):
            errors.append(f"{where}: id must start with one of {', '.join(ID_PREFIXES)}")
        if not is_str_list(c["turns"], allow_empty=False):
            errors.append(f"{where}: turns must be a non-empty list of non-empty strings")
        if not isinstance(c["answerable"], bool):
            errors.append(f"{where}: answerable must be true or false")
        tags = c["tags"]
        if not is_str_list(tags, allow_empty=False):
            errors.append(f"{where}: tags must be a non-empty list of strings")
            tags = []
        bad_tags = sorted(set(tags) - TAGS)
        if bad_tags:
            errors.append(f"{where}: unknown tags {bad_tags}")
        if len(set(tags)) != len(tags):
            errors.append(f"{where}: duplicate tags")
        if ("unanswerable" in tags) == bool(c["answerable"]):
            errors.append(f"{where}: tag 'unanswerable' must be present exactly when answerable is false")
        if "followup" in tags and len(c["turns"]) < 2:
            errors.append(f"{where}: followup case needs at least 2 turns")

        facts, docs, passages = c["key_facts"], c["gold_docs"], c["gold_passages"]
        if not isinstance(facts, list) or not all(is_str_list(f, allow_empty=False) for f in facts):
            errors.append(f"{where}: key_facts must be a list of non-empty lists of non-empty strings")
            facts = []
        if not is_str_list(docs):
            errors.append(f"{where}: gold_docs must be a list of doc ids")
            docs = []
        for d in docs:
            if d not in texts:
                errors.append(f"{where}: gold_docs names unknown article {d!r}")
        if not isinstance(passages, list):
            errors.append(f"{where}: gold_passages must be a list")
            passages = []

        if c["answerable"] is False:
            if facts or docs or passages:
                errors.append(f"{where}: unanswerable case must have empty key_facts, gold_docs and gold_passages")
            continue
        if not facts:
            errors.append(f"{where}: answerable case needs at least one key fact")
        if not docs:
            errors.append(f"{where}: answerable case needs at least one gold doc")
        if not passages:
            errors.append(f"{where}: answerable case needs at least one gold passage")

        passage_text = []
        for k, p in enumerate(passages):
            pw = f"{where} passage {k}"
            if not isinstance(p, dict) or sorted(p) != sorted(PASSAGE_KEYS):
                errors.append(f"{pw}: must have exactly the keys {PASSAGE_KEYS}")
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
            pinned = isinstance(p["start"], int) and isinstance(p["end"], int) and text[p["start"] : p["end"]] == quote
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


def write_cases(cases: list[dict]) -> None:
    lines = [json.dumps({k: c[k] for k in CASE_KEYS}, ensure_ascii=False) for c in cases]
    tmp = CASES.with_suffix(".jsonl.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(CASES)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only check; do not rewrite cases.jsonl")
    args = ap.parse_args()

    articles, skipped = load_corpus(SEEDS)
    texts = {a.doc_id: a.text for a in articles}
    errors: list[str] = [f"corpus file skipped: {s.path} ({s.reason})" for s in skipped]

    parse_errors: list[str] = []
    cases = read_jsonl(CASES, parse_errors)
    pairs = read_jsonl(SUPPORT, parse_errors) if SUPPORT.exists() else []
    errors += parse_errors
    if not SUPPORT.exists():
        errors.append(f"{SUPPORT.name} is missing")

    before = [json.dumps(c, ensure_ascii=False, sort_keys=True) for c in cases]
    check_cases(cases, texts, errors)
    check_support(pairs, texts, errors)

    changed = before != [json.dumps(c, ensure_ascii=False, sort_keys=True) for c in cases]
    writable = not parse_errors and all(set(CASE_KEYS) <= set(c) for c in cases)
    if args.check:
        if changed:
            errors.append("offsets in cases.jsonl are stale; run without --check to fill them")
    elif writable:
        rendered = "".join(json.dumps({k: c[k] for k in CASE_KEYS}, ensure_ascii=False) + "\n" for c in cases)
        if rendered != CASES.read_text(encoding="utf-8"):
            write_cases(cases)
            print(f"wrote offsets to {CASES.relative_to(ROOT)}")

    if errors:
        print(f"{len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print(f"  - {e}", file=sys.stderr)
        return 1

    tags = Counter(t for c in cases for t in c["tags"])
    kinds = Counter(p["kind"] for p in pairs)
    print(f"OK: {len(cases)} cases ({sum(c['answerable'] for c in cases)} answerable), {len(pairs)} support pairs")
    print("  tags:  " + ", ".join(f"{t}={n}" for t, n in sorted(tags.items())))
    print("  kinds: " + ", ".join(f"{k}={n}" for k, n in sorted(kinds.items())))
    sup = sum(p["supported"] for p in pairs)
    print(f"  support pairs: {sup} supported, {len(pairs) - sup} unsupported")
    return 0


if __name__ == "__main__":
    sys.exit(main())
