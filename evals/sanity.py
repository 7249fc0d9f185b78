"""Sanity answerers: cheap strategies the gate must tell apart from a real answerer.

"quote everything retrieved" cites every retrieved sentence (key facts high, precision and length terrible);
"first sentence of the top article" always quotes the lead of the best article (short, mostly wrong).
They use only the public API (`Answer`-like drafts through the `Answerer` protocol).

Usage::

    bot = Assistant(settings, embedder=emb, store=store, answerer=QuoteEverything())
"""

from __future__ import annotations

import re
from typing import Any

from assistant.answer import Citation, Draft


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Rough sentence spans inside text[start:end] (the sanity rows need no language model)."""
    out = []
    for m in re.finditer(r"[^.!?\n]+[.!?]*", text[start:end]):
        s, e = start + m.start(), start + m.end()
        piece = text[s:e]
        s += len(piece) - len(piece.lstrip())
        e -= len(piece) - len(piece.rstrip())
        if e - s > 3:
            out.append((s, e))
    return out


def _cite(snapshot: Any, doc_id: str, s: int, e: int, n: int) -> Citation:
    doc = snapshot.documents[doc_id]
    return Citation(n=n, doc_id=doc_id, title=doc.title, outlet=doc.outlet, date=doc.date,
                    quote=doc.text[s:e], start=s, end=e)


class QuoteEverything:
    """Quotes every sentence of every retrieved chunk, each cited."""

    name = "sanity:quote-everything"

    def answer(self, question: Any, snapshot: Any, chunks: list[Any], vector: Any) -> Draft:
        parts: list[str] = []
        cites: list[Citation] = []
        seen: set[tuple[str, int, int]] = set()
        for chunk in chunks:
            text = snapshot.documents[chunk.doc_id].text
            for s, e in _sentences(text, chunk.start, chunk.end):
                if (chunk.doc_id, s, e) in seen:
                    continue
                seen.add((chunk.doc_id, s, e))
                cites.append(_cite(snapshot, chunk.doc_id, s, e, len(cites) + 1))
                parts.append(f"{text[s:e]} [{len(cites)}]")
        return Draft(text=" ".join(parts), citations=cites, abstained=not cites, backend=self.name)


class FirstSentence:
    """Quotes the first sentence of the top-ranked article."""

    name = "sanity:first-sentence"

    def answer(self, question: Any, snapshot: Any, chunks: list[Any], vector: Any) -> Draft:
        if not chunks:
            return Draft(text="", abstained=True, backend=self.name)
        doc_id = chunks[0].doc_id
        text = snapshot.documents[doc_id].text
        spans = _sentences(text, 0, len(text))
        if not spans:
            return Draft(text="", abstained=True, backend=self.name)
        s, e = spans[0]
        return Draft(text=f"{text[s:e]} [1]", citations=[_cite(snapshot, doc_id, s, e, 1)], backend=self.name)


SANITY: dict[str, Any] = {"quote-everything": QuoteEverything, "first-sentence": FirstSentence}
