"""Opt-in LLM answers: the LLM writes from numbered sources, and only sentences the verifier accepts are kept.

The extractive answerer stays in charge of two decisions: whether to abstain (made before the LLM is called)
and what to answer when too little of the generation survives verification.

Usage::

    bot = Assistant(Settings(backend="openai", llm={"api_base": "http://127.0.0.1:8080/v1"}))
    answer = bot.ask("Who is Jane Doe?")
    answer.backend, answer.dropped     # "llm:local-model", generated sentences the verifier removed
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answer import Figure
from assistant.compose import CitationBook, Draft, Evidence, is_heading
from assistant.llm_backends import _backend_errors, _where
from assistant.prompts import load
from assistant.verify import answer_sentences, claims, unsupported

if TYPE_CHECKING:

    from assistant.answer import RetrievedChunk
    from assistant.question import Question
    from assistant.settings import LLMSettings
    from index.snapshot import Snapshot

log = logging.getLogger(__name__)

FALLBACK_NOTE = "Too little of the generated answer could be checked against the articles; the extractive answer:"
_MARKER = re.compile(r"\[(\d+)\]")
_LIST_PREFIX = re.compile(r"(?m)^[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]+")
_LABEL = re.compile(r"^\s*(?:answer|response)\s*:\s*", re.IGNORECASE)
_SOURCE_WORD = re.compile(r"\[\s*(?:source|src|s)\s*(\d+)\s*\]", re.IGNORECASE)
_MARKER_LIST = re.compile(r"\[\s*\d+(?:\s*(?:,|and|&)\s*\d+)+\s*\]")
_REFERS_BACK = re.compile(
    r"^(?:he|she|they|it|this|that|these|those|his|her|their|its|the (?:group|official|envoy|agency)|"
    r"according to (?:him|her|them))\b",
    re.IGNORECASE,
)


# ---- backends -------------------------------------------------------------------------------------------
# ---- sources and prompt ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """A numbered passage shown to the LLM: `documents[doc_id].text[start:end] == text`."""

    n: int
    doc_id: str
    start: int
    end: int
    text: str


def number_sources(snapshot: Snapshot, evidence: list[Evidence], limit: int) -> list[Source]:
    """The best `limit` evidence sentences as sources [1]..[k], headlines and repeats left out.

    A sentence that opens by referring back ("He added ...") brings the sentence before it in the same
    paragraph, so the LLM knows who "he" is; the span still covers exactly that stretch of clean text.
    """
    sources: list[Source] = []
    seen: set[str] = set()
    for e in evidence:
        if len(sources) >= limit:
            break
        if is_heading(e.text) or len(e.text) < 25:
            continue
        key = " ".join(e.text.lower().split())
        if key in seen:
            continue
        text = snapshot.documents[e.doc_id].text
        spans = [(e.start, e.end)]
        if _REFERS_BACK.match(e.text):
            before = [s for s in snapshot.sentences(e.doc_id) if s.end <= e.start and s.paragraph == e.paragraph]
            if before:
                spans.insert(0, (before[-1].start, e.end))
        for start, end in spans:
            taken = any(o.doc_id == e.doc_id and start < o.end and o.start < end for o in sources)
            if not taken:
                sources.append(Source(len(sources) + 1, e.doc_id, start, end, text[start:end]))
                seen.add(key)
                break
    return sources


def build_messages(question: Question, sources: list[Source], refusal: str) -> list[Any]:
    """System prompt (rules, fixed) and user prompt (numbered sources and the question, both data)."""
    from llama_index.core.llms import ChatMessage

    # The number closes each source as well as opening it: a small model that copies a source copies its
    # marker, instead of the next source's opening number (SmolLM2 did that when numbers only led each line).
    listing = "\n".join(f"[{s.n}] {' '.join(s.text.split())} [{s.n}]" for s in sources)
    return [
        ChatMessage(role="system", content=load("answer_system").format(refusal=refusal)),
        ChatMessage(role="user", content=load("answer_user").format(sources=listing, question=question.text)),
    ]


# ---- verification ---------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _tidy(raw: str) -> str:
    """Undo formatting that is not content: list bullets, an 'Answer:' label, '[Source 1]' and '[1, 2]'."""
    text = _LIST_PREFIX.sub("", _LABEL.sub("", raw))
    text = _SOURCE_WORD.sub(r"[\1]", text)
    return _MARKER_LIST.sub(lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m.group())), text)


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Rewrite [n] markers through `mapping`; numbers it does not know stay as they are."""
    return _MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", text)


def sentences_of(raw: str) -> list[str]:
    """Generated sentences with their markers; a marker split off after the full stop rejoins its sentence."""
    out: list[str] = []
    for piece, _ in answer_sentences(_tidy(raw)):
        if out and not re.search(r"[A-Za-z]", piece):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


class _Judge:
    """Reads LLM text as it arrives and keeps only supported sentences, renumbered in order of first use.

    `answer` and `stream` both go through it, so the same reply gives the same answer either way.
    """

    def __init__(self, snapshot: Snapshot, sources: list[Source], refusal: str) -> None:
        self.book = CitationBook(snapshot)
        self.sources = {s.n: s for s in sources}
        self.refusal = refusal
        self.raw = ""
        self.judged = 0
        self.kept: list[str] = []
        self.dropped: list[str] = []
        self.abstained = False

    def feed(self, delta: str) -> list[str]:
        """Add generated text; return the sentences it completed that passed (already renumbered)."""
        self.raw += delta
        pieces = sentences_of(self.raw)
        pending = 1  # the last sentence may still grow
        if pieces and pieces[-1].startswith("[") and "]" not in pieces[-1]:
            pending = 2  # "[Source 2" may yet become the marker of the sentence before it
        return self._judge(pieces[self.judged : len(pieces) - pending])

    def finish(self) -> list[str]:
        """The generation ended: judge what is left."""
        return self._judge(sentences_of(self.raw)[self.judged :])

    def _judge(self, pieces: list[str]) -> list[str]:
        passed: list[str] = []
        for piece in pieces:
            self.judged += 1
            if self.abstained:
                continue
            if not self.kept and _norm(self.refusal) in _norm(piece):
                self.abstained = True  # the refusal before any kept sentence: the model found no answer
                continue
            reasons = self._problems(piece)
            if reasons:
                log.info("dropped generated sentence %r: %s", piece, "; ".join(reasons))
                self.dropped.append(piece)
                continue
            piece = self._needed_markers(piece)
            mapping = {n: self.book.cite(self.sources[n].doc_id, self.sources[n].start, self.sources[n].end)
                       for n in dict.fromkeys(int(x) for x in _MARKER.findall(piece))}
            text = renumber(piece, mapping)
            self.kept.append(text)
            passed.append(text)
        return passed

    def _needed_markers(self, piece: str) -> str:
        """Drop markers whose source the sentence is supported without, and put markers before the full stop.

        The verifier checks a sentence against its cited passages together, so "[1][2]" passes when [1] alone
        supports it; citing [2] as well would point the reader at a passage that says nothing of it.
        """
        needed = list(dict.fromkeys(int(x) for x in _MARKER.findall(piece)))
        for n in list(needed):
            rest = [m for m in needed if m != n]
            if rest and not unsupported(piece, [self.sources[m].text for m in rest]):
                needed = rest
        seen: set[int] = set()

        def keep(m: re.Match[str]) -> str:
            n = int(m.group(1))
            if n not in needed or n in seen:
                return ""
            seen.add(n)
            return f" [{n}]"

        text = re.sub(r"\s*\[(\d+)\]", keep, piece).strip()
        tail = re.search(r"(?<![.\s])\.\s*((?:\[\d+\]\s*)+)$", text)  # "… the region. [1]" → "… the region [1]."
        if tail:
            marks = "".join(f"[{n}]" for n in _MARKER.findall(tail.group(1)))
            text = f"{text[: tail.start()]} {marks}."
        return text

    def _problems(self, piece: str) -> list[str]:
        numbers = list(dict.fromkeys(int(x) for x in _MARKER.findall(piece)))
        if not numbers:
            return ["cites no source"]
        if not claims(piece).terms:  # "The article: [1]" has nothing to check, so nothing to support
            return ["states nothing the source could support"]
        missing = [n for n in numbers if n not in self.sources]
        if missing:
            return [f"cites [{n}], but there are only {len(self.sources)} sources" for n in missing]
        return unsupported(piece, [self.sources[n].text for n in numbers])

    def enough(self, min_kept: float) -> bool:
        """Did enough of the generation survive to show it as the answer?"""
        total = len(self.kept) + len(self.dropped)
        return bool(self.kept) and len(self.kept) / total >= min_kept


# ---- the answerer ---------------------------------------------------------------------------------------
class LLMAnswerer:
    """Answers with an LLM from numbered sources; every sentence it shows passed `assistant.verify`.

    Usage::

        answerer = LLMAnswerer(make_llm(settings), settings.llm, ExtractiveAnswerer(settings.answer, refusal()))
        draft = answerer.answer(question, snapshot, chunks, vector)
    """

    def __init__(self, llm: Any, settings: LLMSettings, fallback: Any) -> None:
        self.llm = llm
        self.settings = settings
        self.fallback = fallback
        model = str(getattr(getattr(llm, "metadata", None), "model_name", "") or type(llm).__name__)
        self.name = f"llm:{Path(model).name if model.endswith('.gguf') else model}"
        self.where = _where(llm, settings)
        # An in-process llama.cpp model is not safe to call from two threads (the UI answers several at once).
        self._serial: AbstractContextManager[Any] = (
            threading.Lock() if type(llm).__name__ == "LlamaCPP" else nullcontext()
        )

    def _prepare(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
                 vector: list[float] | None) -> tuple[list[Source], list[Any]] | None:
        """Sources and chat messages, or None when the extractive rules say the articles do not answer."""
        refuses = getattr(self.fallback, "refuses", None)
        if refuses is not None and refuses(question, snapshot, chunks, vector):
            return None
        rules = getattr(self.fallback, "sentences", self.fallback)  # the sentence-level evidence stage
        evidence = rules.gather(question, snapshot, chunks, vector)
        if refuses is None and rules.should_abstain(question, snapshot, evidence):
            return None
        sources = number_sources(snapshot, evidence, self.settings.sources)
        if not sources:
            return None
        return sources, build_messages(question, sources, self.fallback.refusal)

    def answer(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> Draft:
        prepared = self._prepare(question, snapshot, chunks, vector)
        if prepared is None:
            return Draft(text=self.fallback.refusal, abstained=True, backend=self.name)
        sources, messages = prepared
        with self._serial, _backend_errors(self.where):
            reply = self.llm.chat(messages)
        judge = _Judge(snapshot, sources, self.fallback.refusal)
        judge.feed(reply.message.content or "")
        judge.finish()
        return self._final(judge, question, snapshot, chunks, vector, shown="")

    def stream(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> Iterator[str | Draft]:
        """Verified sentences as they are generated, then the final Draft (whose text is what was yielded).

        A sentence is shown only once it is complete and has passed the verifier, so nothing shown is ever
        taken back. If too little survives, the extractive answer follows what was shown, after a note.
        """
        prepared = self._prepare(question, snapshot, chunks, vector)
        if prepared is None:
            yield self.fallback.refusal
            yield Draft(text=self.fallback.refusal, abstained=True, backend=self.name)
            return
        sources, messages = prepared
        judge = _Judge(snapshot, sources, self.fallback.refusal)
        shown = ""
        with self._serial, _backend_errors(self.where):
            for chunk in self.llm.stream_chat(messages):
                for sentence in judge.feed(chunk.delta or ""):
                    piece = f" {sentence}" if shown else sentence
                    shown += piece
                    yield piece
                if judge.abstained:
                    break
        for sentence in judge.finish():
            piece = f" {sentence}" if shown else sentence
            shown += piece
            yield piece
        draft = self._final(judge, question, snapshot, chunks, vector, shown=shown)
        if draft.text != shown:
            extra = draft.text[len(shown):]
            yield from re.findall(r"\s*\S+(?:\s+$)?", extra)
        yield draft

    def _final(self, judge: _Judge, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None, shown: str) -> Draft:
        """The answer from what the judge kept; the extractive answer when too little survived."""
        if judge.abstained:
            return Draft(text=self.fallback.refusal, abstained=True, dropped=judge.dropped, backend=self.name)
        if judge.enough(self.settings.min_kept):
            return Draft(text=" ".join(judge.kept), citations=judge.book.citations, dropped=judge.dropped,
                         backend=self.name)
        log.info("%d of %d generated sentences passed verification; using the extractive answer",
                 len(judge.kept), len(judge.kept) + len(judge.dropped))
        backup = self.fallback.answer(question, snapshot, chunks, vector)
        label = f"extractive (fallback from {self.name})"
        if not shown:
            return Draft(text=backup.text, citations=backup.citations, figures=backup.figures,
                         abstained=backup.abstained, dropped=judge.dropped, backend=label)
        # Sentences already streamed stay; the extractive answer's citations join the same numbering.
        mapping = {c.n: judge.book.cite(c.doc_id, c.start, c.end) for c in backup.citations}
        text = renumber(backup.text, mapping)
        figures = [Figure(**{**f.model_dump(), "citation": mapping.get(f.citation, f.citation)})
                   for f in backup.figures]
        return Draft(text=f"{shown}\n\n{FALLBACK_NOTE}\n\n{text}", citations=judge.book.citations,
                     figures=figures, abstained=backup.abstained, dropped=judge.dropped, backend=label)
