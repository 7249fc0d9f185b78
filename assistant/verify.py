"""Deterministic grounding checks: is a sentence supported by the passages it cites?

A sentence is supported when every number, date and name it states appears in the cited passages and
enough of its content words do too. The same check gates LLM output and scores citations in the eval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.lexicon import NUMBER_WORDS, STOPWORDS, fold_aliases, person_names, terms
from index.sentences import split_sentences

DEFAULT_OVERLAP = 0.5
_MARKERS = re.compile(r"\s*\[(\d+)\]")
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+(?:\.\d+)?\b")
_CAPITAL = re.compile(r"\b[A-Z][a-z]+(?:[-'’][A-Za-z]+)?\b")
_GENERIC_CAPS = {"The", "A", "An", "In", "On", "At", "And", "But", "He", "She", "It", "They", "This", "That",
                 "According", "However", "Estimates", "Yes", "No"}


@dataclass(frozen=True)
class Claims:
    """What a sentence asserts that can be checked literally."""

    numbers: frozenset[str]
    names: frozenset[str]
    terms: frozenset[str]


_TIME = re.compile(r"\b(\d{1,2})[.:](\d{2})(?=\s*(?:a\.?m\.?|p\.?m\.?)|\s*(?:hours|h)\b)", re.IGNORECASE)


def _fold(text: str) -> str:
    """Curly quotes to straight, times to H:MM, so spelling variants compare equal."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return _TIME.sub(lambda m: f"{int(m.group(1))}:{m.group(2)}", text)


def _numbers(text: str) -> set[str]:
    text = _fold(text)
    found = {m.group() for m in re.finditer(r"\b\d{1,2}:\d{2}\b", text)}
    text = re.sub(r"\b\d{1,2}:\d{2}\b", " ", text)
    found |= {n.replace(",", "").lstrip("0") or "0" for n in _NUMBER.findall(text)}
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in NUMBER_WORDS and word not in ("one", "dozens", "hundreds", "thousands"):
            found.add(str(NUMBER_WORDS[word]))
    return found


def claims(sentence: str) -> Claims:
    """Numbers (digits or words), capitalised names and stemmed content terms of a sentence."""
    text = _fold(_MARKERS.sub("", sentence))
    first = re.match(r"[\W_]*([A-Z][a-z]+)", text)
    opener = first.group(1) if first and re.search(r"(?:ing|ed|ly)$", first.group(1)) else None
    names = {w for w in _CAPITAL.findall(text)
             if w not in _GENERIC_CAPS and w.lower() not in STOPWORDS and w != opener}
    for name, _, _ in person_names(text):
        names.add(name.split()[-1])
    return Claims(numbers=frozenset(_numbers(text)), names=frozenset(names), terms=frozenset(terms(text)))


def overlap(sentence: str, passages: list[str]) -> float:
    """Share of the sentence's content terms that occur in the passages."""
    mine = claims(sentence).terms
    if not mine:
        return 0.0  # a marker with nothing to support ("The article: [1]") is not a supported claim
    theirs = set(terms(" ".join(passages)))
    return len(mine & theirs) / len(mine)


def unsupported(sentence: str, passages: list[str], threshold: float = DEFAULT_OVERLAP) -> list[str]:
    """Why the passages do not support the sentence (empty list: supported)."""
    if not passages:
        return ["cites no passage"]
    c = claims(sentence)
    joined = _fold(" ".join(passages))
    reasons = [f"number {n} not in cited text" for n in sorted(c.numbers - _numbers(joined))]
    folded = fold_aliases(joined).lower()
    for name in sorted(c.names):
        if name.lower() not in joined.lower() and fold_aliases(name).strip().lower() not in folded:
            reasons.append(f"name {name} not in cited text")
    score = overlap(sentence, passages)
    if score < threshold:
        reasons.append(f"only {score:.0%} of its words are in the cited text")
    return reasons


def is_supported(sentence: str, passages: list[str], threshold: float = DEFAULT_OVERLAP) -> bool:
    return not unsupported(sentence, passages, threshold)


def is_lead_in(sentence: str) -> bool:
    """A line that introduces a list ("…give four figures:") frames the answer rather than claiming a fact."""
    return sentence.rstrip().endswith(":") and not _MARKERS.search(sentence)


def answer_sentences(text: str) -> list[tuple[str, list[int]]]:
    """Split answer text into (sentence or list line, its [n] markers); markers may sit before the stop."""
    out: list[tuple[str, list[int]]] = []
    for line in text.split("\n"):
        for s in split_sentences(line):
            for piece in re.split(r"(?<=\])\s+(?=[A-Z“\"(])", line[s.start : s.end]):
                piece = piece.strip()
                if not piece:
                    continue
                if out and not _MARKERS.sub("", piece).strip(" .,;:"):  # markers after a closing quote
                    prev, marks = out.pop()
                    piece, piece_marks = f"{prev} {piece}", marks + [int(n) for n in _MARKERS.findall(piece)]
                    out.append((piece, piece_marks))
                    continue
                out.append((piece, [int(n) for n in _MARKERS.findall(piece)]))
    return out
