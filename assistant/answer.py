"""The one typed result of a question: answer text with [n] markers, citations, figures, provenance.

Usage::

    answer = Assistant().ask("How many people were injured?")
    for c in answer.citations:
        assert bot.document(c.doc_id).text[c.start:c.end] == c.quote
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MARKER = re.compile(r"\[(\d+)\]")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(_Model):
    """An exact passage of a stored clean article that supports part of the answer."""

    n: int = Field(description="Marker number as it appears in the text, from 1.")
    doc_id: str = Field(description="Article id (file stem).")
    title: str
    outlet: str | None = None
    date: str | None = None
    quote: str = Field(description="Exact text of the clean article: text[start:end].")
    start: int
    end: int


class Figure(_Model):
    """One figure the articles give for a quantity, with who gave it and where it is cited."""

    value: float = Field(description="The number itself, e.g. 1700.")
    display: str = Field(description="The figure as worded, e.g. 'approximately 1,700'.")
    what: str = Field(description="What is counted, e.g. 'people'.")
    scope: str | None = Field(None, description="Scope as stated, e.g. 'in the north of the country'.")
    who: str | None = Field(None, description="Person or body that gave it, e.g. 'Gen. Jane Doe'.")
    role: str | None = Field(None, description="Their office, e.g. 'deputy police chief'.")
    outlet: str | None = None
    date: str | None = None
    doc_id: str
    citation: int = Field(description="Marker number of the citation that supports it.")

    @property
    def attribution(self) -> str:
        parts = [p for p in (self.who, self.role) if p]
        return ", ".join(parts) if parts else "unattributed"


class RetrievedChunk(_Model):
    """A chunk the retriever returned, with its fused score and per-retriever ranks."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    score: float
    dense_rank: int | None = None
    bm25_rank: int | None = None


class Timings(_Model):
    """Milliseconds spent in each stage."""

    rewrite_ms: float = 0.0
    retrieve_ms: float = 0.0
    compose_ms: float = 0.0
    total_ms: float = 0.0


class ShortAnswer(_Model):
    """The answer in a few words, as it stands in its cited quote."""

    text: str
    citation: int = Field(description="Marker number of the quote that states it.")


class RelatedPassage(_Model):
    """A passage close to a refused question; it does NOT answer it."""

    doc_id: str
    start: int
    end: int
    quote: str


class Answer(_Model):
    """What `Assistant.ask` returns."""

    question: str = Field(description="The question as asked.")
    query: str = Field(description="The query as searched (after follow-up resolution).")
    text: str = Field(description="Answer text with inline [n] markers.")
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = Field(False, description="True when the articles do not contain the answer.")
    kind: str = Field("answer", description="answer, figures, overview, yes-no, compare, refusal or chit-chat.")
    short_answer: ShortAnswer | None = Field(None, description="The answer in a few words, with its citation.")
    related: list[RelatedPassage] = Field(default_factory=list,
                                          description="Closest passages of a refusal, labelled as not answering.")
    figures: list[Figure] = Field(default_factory=list)
    chunks: list[RetrievedChunk] = Field(default_factory=list)
    dropped: list[str] = Field(default_factory=list, description="Generated sentences the verifier removed.")
    backend: str = "extractive"
    timings: Timings = Field(default_factory=Timings)
    settings_hash: str = ""

    @property
    def rewritten(self) -> bool:
        """The searched query says more than the question (a capital letter or spacing added is not a rewrite)."""
        return " ".join(self.query.split()).casefold() != " ".join(self.question.split()).casefold()

    def markers(self) -> list[int]:
        """Marker numbers in order of appearance in the text."""
        return [int(m) for m in MARKER.findall(self.text)]

    def sources_text(self) -> str:
        """Numbered sources as plain text (CLI and logs)."""
        lines = []
        for c in self.citations:
            meta = ", ".join(x for x in (c.outlet, c.date) if x)
            lines.append(f"[{c.n}] {c.title}" + (f" ({meta})" if meta else "") + f" — “{c.quote}”")
        return "\n".join(lines)


@dataclass
class Draft:
    """What an answerer produces, before API bookkeeping (the API turns it into an `Answer`); custom
    answerers, the sanity answerers of the eval among them, return one."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    abstained: bool = False
    dropped: list[str] = field(default_factory=list)
    backend: str | None = None
    kind: str = "answer"
    short_answer: Any = None
    related: list[Any] = field(default_factory=list)
