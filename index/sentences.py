"""Sentence spans of clean text: the units the answerer quotes and cites."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tokens ending in "." that do not end a sentence.
_ABBREVIATIONS = {
    "gen", "maj", "lt", "col", "capt", "sgt", "adm", "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov",
    "st", "jr", "sr", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "est", "approx", "fig",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "d.c", "e.g", "i.e", "a.m", "p.m",
}
# End punctuation plus any closing quotes/brackets (they stay with the sentence), then space, then a new start.
_BOUNDARY = re.compile(r"[.!?…][\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """One sentence: `text[start:end]` of the clean article it came from."""

    start: int
    end: int
    paragraph: int


def _ends_with_abbreviation(segment: str) -> bool:
    tail = segment.rstrip("\"”’)] ").rstrip(".")
    word = re.split(r"[\s(\[\"“*_]", tail)[-1].lower()  # "**Nov." in bold answer text too
    if word in _ABBREVIATIONS or word.split("-")[-1] in _ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha()  # an initial, e.g. "Jane Q. Public"


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text`, never crossing a paragraph break ("\\n\\n"), with exact spans."""
    sentences: list[Sentence] = []
    for p_index, para in enumerate(re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text)):
        p_start, p_text = para.start(), para.group()
        cut = 0
        for boundary in _BOUNDARY.finditer(p_text):
            segment = p_text[cut : boundary.end()]
            if _ends_with_abbreviation(segment.rstrip("\"”’)]")):
                continue
            _add(sentences, p_text, p_start, cut, boundary.end(), p_index)
            cut = boundary.end()
        _add(sentences, p_text, p_start, cut, len(p_text), p_index)
    return sentences


def _add(out: list[Sentence], para: str, offset: int, start: int, end: int, p_index: int) -> None:
    piece = para[start:end]
    stripped_left = len(piece) - len(piece.lstrip())
    stripped_right = len(piece) - len(piece.rstrip())
    s, e = offset + start + stripped_left, offset + end - stripped_right
    if e > s:
        out.append(Sentence(start=s, end=e, paragraph=p_index))
