"""Citation metrics: marker integrity, exact spans, gold citations and per-sentence support of an answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.verify import DEFAULT_OVERLAP, answer_sentences, claims, is_lead_in, overlap, unsupported
from evals.retrieval_metrics import CitationLike, Span, overlaps


# ---- citations -------------------------------------------------------------------------------------
def marker_problems(text: str, citations: Sequence[CitationLike]) -> list[str]:
    """What breaks the marker contract: each [n] has a citation, each citation is used, numbers are 1..N."""
    used = {int(m) for m in re.findall(r"\[(\d+)\]", text)}
    numbers = [c.n for c in citations]
    problems = []
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"citations numbered {numbers}, expected 1..{len(numbers)} in order")
    problems += [f"marker [{n}] has no citation" for n in sorted(used - set(numbers))]
    problems += [f"citation [{n}] is never used in the text" for n in sorted(set(numbers) - used)]
    return problems


def span_valid(citation: CitationLike, doc_text: str | None) -> bool:
    """The quote is exactly the cited span of the stored clean text."""
    if doc_text is None or not 0 <= citation.start < citation.end <= len(doc_text):
        return False
    return doc_text[citation.start : citation.end] == citation.quote


def cites_gold(citations: Sequence[CitationLike], gold_passages: Sequence[Span],
               gold_docs: Sequence[str]) -> tuple[bool, bool]:
    """(cited-gold, cited-gold-doc) of one answer.

    cited-gold: some citation span overlaps a gold passage span; for a case whose gold passages carry no
    span (end <= start) it falls back to citing a gold article. cited-gold-doc: some citation is in a gold article.
    """
    doc_hit = any(c.doc_id in set(gold_docs) for c in citations)
    spans = [g for g in gold_passages if g.end > g.start]
    if not spans:
        return doc_hit, doc_hit
    hit = any(overlaps(Span(c.doc_id, c.start, c.end), g) for c in citations for g in spans)
    return hit, doc_hit


def evidence(cited: Sequence[CitationLike]) -> list[str]:
    """The texts a sentence may lean on: each cited quote plus that citation's title, outlet and date."""
    out: list[str] = []
    for c in cited:
        out += [c.quote] + [x for x in (c.title, c.outlet, c.date) if x]
    return out


@dataclass
class SentenceSupport:
    """One claim sentence of an answer and how its citations back it."""

    sentence: str
    markers: list[int]
    supported: bool
    reasons: list[str]
    precise: list[int] = field(default_factory=list)  # markers judged relevant (ALCE precision)


def partly_supports(sentence: str, citation: CitationLike, threshold: float) -> bool:
    """The quote alone backs some content of the sentence: one of its numbers or names, or enough words.

    Title/outlet/date are left out here: every citation of an article shares them.
    """
    c = claims(sentence)
    quote = citation.quote
    if any(n in claims(quote).numbers for n in c.numbers):
        return True
    if any(name.lower() in quote.lower() for name in c.names):
        return True
    return bool(c.terms) and overlap(sentence, [quote]) >= threshold


_MARKERS_ONLY = re.compile(r"(?:\s*\[\d+\])+\s*[.!?]?\s*")


def claim_sentences(text: str) -> list[tuple[str, list[int]]]:
    """`verify.answer_sentences` with list lead-ins dropped and marker-only pieces joined to the sentence before.

    The splitter cuts `… “quite possible.” [1]` into the quote and a lone "[1]"; the marker belongs to the quote.
    """
    out: list[tuple[str, list[int]]] = []
    for sentence, markers in answer_sentences(text):
        if _MARKERS_ONLY.fullmatch(sentence) and out:
            out[-1] = (f"{out[-1][0]} {sentence.strip()}", out[-1][1] + markers)
        else:
            out.append((sentence, markers))
    return [(s, m) for s, m in out if not is_lead_in(s)]


def sentence_support(text: str, citations: Sequence[CitationLike],
                     threshold: float = DEFAULT_OVERLAP) -> list[SentenceSupport]:
    """ALCE-style support of each claim sentence (list lead-ins ending in ':' are not claims).

    Recall: a sentence is supported when the union of its cited evidence passes `verify.unsupported`.
    Precision (after ALCE, Gao et al. 2023): the citations of an unsupported sentence are all imprecise; in a
    supported sentence a citation is imprecise when removing it leaves the sentence supported by the others
    AND its quote alone supports no content of the sentence (`partly_supports`); otherwise it is precise.
    """
    by_n = {c.n: c for c in citations}
    out = []
    for sentence, markers in claim_sentences(text):
        marks = list(dict.fromkeys(markers))
        cited = [by_n[n] for n in marks if n in by_n]
        reasons = unsupported(sentence, evidence(cited), threshold)
        if len(cited) < len(marks):
            reasons.append("marks a citation that does not exist")
        row = SentenceSupport(sentence, marks, supported=not reasons, reasons=reasons)
        if row.supported:
            for c in cited:
                rest = [o for o in cited if o is not c]
                redundant = bool(rest) and not unsupported(sentence, evidence(rest), threshold)
                if not (redundant and not partly_supports(sentence, c, threshold)):
                    row.precise.append(c.n)
        out.append(row)
    return out


def citation_recall(rows: Sequence[SentenceSupport]) -> float | None:
    """Share of claim sentences fully supported by their citations (None: no claim sentence)."""
    return sum(r.supported for r in rows) / len(rows) if rows else None


def citation_precision(rows: Sequence[SentenceSupport]) -> float | None:
    """Share of (sentence, citation) pairs judged relevant (None: nothing cited)."""
    total = sum(len(r.markers) for r in rows)
    return sum(len(r.precise) for r in rows) / total if total else None
