"""The Python API: `Assistant` answers questions over the indexed articles; `Conversation` remembers turns.

Usage::

    bot = Assistant()
    answer = bot.ask("How many people were injured?")
    conv = bot.chat(); conv.ask("Who is Jane Doe?"); conv.ask("What did she say about the floods?")
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from assistant.answer import Answer, RelatedPassage, RetrievedChunk, Timings
from assistant.compose import Draft, ExtractiveAnswerer
from assistant.engine import GroundedAnswerer
from assistant.errors import AssistantError, InvalidQuestionError, StoreError
from assistant.evidence import relabelled, untagged_names
from assistant.frame import Lexicon, correct_spelling
from assistant.lexicon import NOTHING_LEARNED, Learned, learned_from
from assistant.prompts import refusal
from assistant.question import Question, analyse, split_compound
from assistant.rewrite import GenderOf, Turn, own_query, rewrite, subject_of
from assistant.routing import RoutedAnswerer, join_answers
from assistant.settings import Settings
from index.corpus import Article
from index.store import IndexStore

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from assistant.retrieve import HybridRetriever
    from index.build import IndexSummary
    from index.snapshot import Snapshot

log = logging.getLogger(__name__)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


class Answerer(Protocol):
    """Turns a question and retrieved chunks into a cited draft."""

    name: str

    def answer(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> Draft: ...


def clean_question(question: object, limit: int) -> str:
    """Validate and normalise a question; raises InvalidQuestionError with what to do instead."""
    if not isinstance(question, str):
        raise InvalidQuestionError(f"the question must be text, not {type(question).__name__}")
    if len(question) > limit:
        raise InvalidQuestionError(
            f"the question is {len(question):,} characters long; the limit is {limit:,}. Ask a shorter question."
        )
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", question))
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InvalidQuestionError("the question is empty; ask something about the articles")
    return text


ENGLISH_ONLY = ("I can only answer questions asked in English (the articles are in English); "
                "please ask again in English.")


def without_markup(text: str) -> str:
    """The question's words without HTML tags ("Who is <b>X</b>?" asks "Who is X?"); shown as typed, asked so."""
    bare = re.sub(r"</?[A-Za-z][^<>]{0,200}>", " ", text)
    return re.sub(r"\s+([?!,;:])", r"\1", re.sub(r"\s+", " ", bare)).strip() or text


def is_english(text: str) -> bool:
    """Most letters are Latin: other scripts (Cyrillic, Arabic, CJK …) get the English-only reply."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    return latin >= 0.6 * len(letters)


class Assistant:
    """Question answering with citations over the indexed news articles.

    Components are optional: pass `embedder`, `store`, `answerer` or `llm` to replace the defaults
    built from `settings` (tests inject fakes this way).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: BaseEmbedding | None = None,
        store: IndexStore | None = None,
        answerer: Answerer | None = None,
        llm: Any | None = None,
        auto_index: bool = True,
    ) -> None:
        self.settings = settings or Settings()
        self._embedder = embedder
        self.store = store or IndexStore(self.settings)
        self._answerer = answerer
        self._llm = llm
        self.auto_index = auto_index
        self._lock = threading.RLock()
        self._checked = 0.0  # when the committed generation was last looked up (see _follow)
        self._snapshot: Snapshot | None = None
        self._retriever: HybridRetriever | None = None

    # ---- components -------------------------------------------------------------------------------
    @property
    def embedder(self) -> BaseEmbedding:
        with self._lock:
            if self._embedder is None:
                from index.embed import load_embedder

                self._embedder = load_embedder(self.settings.embedder, self.settings.data_dir)
            return self._embedder

    @property
    def answerer(self) -> Answerer:
        with self._lock:
            if self._answerer is None:
                grounded = GroundedAnswerer(self.settings.answer, refusal())
                fallback: Any = (grounded if self.settings.answer.engine == "grounded"
                                 else RoutedAnswerer(ExtractiveAnswerer(self.settings.answer, refusal()), grounded))
                if self.settings.backend == "extractive" and self._llm is None:
                    self._answerer = fallback
                else:
                    from assistant.generate import LLMAnswerer
                    from assistant.llm_backends import make_llm

                    llm = self._llm or make_llm(self.settings)
                    self._answerer = LLMAnswerer(llm, self.settings.llm, fallback)
            return self._answerer

    FOLLOW_EVERY_S = 1.0  # how often a reader looks for a newer committed generation

    def _follow(self) -> None:
        """Switch to a newer generation committed by another process (`assistant index` elsewhere)."""
        now = time.monotonic()
        if self._snapshot is None or now - self._checked < self.FOLLOW_EVERY_S:
            return
        self._checked = now
        if self.store.vanished():  # the data folder was deleted under us: never answer from deleted files
            log.warning("the index at %s was deleted; it will be rebuilt", self.settings.data_dir)
            self.store.forget()
            self._snapshot = None
            self._retriever = None
            return
        generation = self.store.current_generation()
        if generation is not None and generation != self._snapshot.generation:
            log.info("index generation %s -> %s: switching", self._snapshot.generation, generation)
            self._snapshot = None
            self._retriever = None

    def _ready(self, refresh: bool = False) -> tuple[Snapshot, HybridRetriever]:
        with self._lock:
            if refresh:
                self._snapshot, self._retriever = None, None
            else:
                self._follow()
            if self._snapshot is None or self._retriever is None:
                from assistant.retrieve import HybridRetriever
                from index.snapshot import Snapshot

                if self.auto_index and self.store.read_manifest() is None:
                    self.index()
                self._snapshot = Snapshot.load(self.store)
                GroundedAnswerer.lexicon(self._snapshot)  # the corpus's words, acronyms and non-person names
                self._retriever = HybridRetriever(self._snapshot, self.embedder, self.settings.retrieval)
            return self._snapshot, self._retriever

    # ---- corpus -----------------------------------------------------------------------------------
    def index(self, rebuild: bool = False, progress: Callable[[int, int], None] | None = None) -> IndexSummary:
        """Bring the index in line with the corpus folder (incremental; `rebuild` starts over)."""
        from index.build import build_index

        # not under self._lock: questions keep being answered from the current generation while this builds
        # (build_index holds the data folder's own lock against other indexers)
        summary = build_index(self.settings, rebuild=rebuild, embedder=self.embedder, store=self.store,
                              progress=progress)
        with self._lock:
            self._snapshot = None
            self._retriever = None
        return summary

    def example_questions(self, k: int = 4) -> list[str]:
        """Questions that work from a fresh start, derived from the indexed articles."""
        from assistant.engine import example_questions

        snapshot, _ = self._ready()
        with learned_from(GroundedAnswerer.lexicon(snapshot).learned):
            return example_questions(snapshot, k)

    def documents(self) -> list[Article]:
        """All indexed articles with clean text and metadata."""
        snapshot, _ = self._ready()
        return list(snapshot.documents.values())

    def document(self, doc_id: str) -> Article:
        """One indexed article by id (file stem); KeyError names the known ids."""
        snapshot, _ = self._ready()
        try:
            return snapshot.documents[doc_id]
        except KeyError:
            raise KeyError(f"no article {doc_id!r}; known: {', '.join(sorted(snapshot.documents))}") from None

    def status(self) -> dict[str, Any]:
        """Which articles are indexed, when, and in which generation."""
        snapshot, _ = self._ready()
        m = snapshot.manifest
        return {
            "generation": m.generation,
            "built_at": m.built_at,
            "collection": self.store.generation_names(m.generation)[0],
            "server": self.settings.chroma_host,
            "documents": [
                {"doc_id": d.doc_id, "title": d.title, "outlet": d.outlet, "date": d.date,
                 "chunks": m.chunk_counts.get(d.doc_id, 0)}
                for d in m.documents
            ],
        }

    # ---- answering --------------------------------------------------------------------------------
    def ask(self, question: str) -> Answer:
        """Answer one standalone question."""
        return self._answer(question, [])

    def chat(self) -> Conversation:
        """A conversation whose follow-ups are resolved against earlier turns."""
        return Conversation(self)

    def stream(self, question: str) -> Iterator[str | Answer]:
        """Text deltas of the answer, then the final `Answer`."""
        yield from self._stream(question, [])

    def _prepare(self, question: str, history: list[Turn]) -> tuple[str, Question, float, Learned]:
        """The cleaned question, its standalone query, the time taken and what the indexed articles taught (the
        acronyms and non-person words every later stage reads through `learned_from`)."""
        started = time.perf_counter()
        text = clean_question(question, self.settings.answer.max_question_chars)
        lexicon = self._lexicon() if is_english(text) else None  # a question in another language is only refused
        taught = self.taught() if is_english(text) else NOTHING_LEARNED
        with learned_from(taught):
            query = rewrite(without_markup(text), history, lexicon.gender_of if history and lexicon else None)
            # a follow-up (read with the last turn) looks first in the articles the last answer cited
            follow_up = bool(history) and query != rewrite(without_markup(text), [], None)
            if lexicon is not None:
                query = correct_spelling(query, lexicon)
            q = analyse(query)
        if follow_up:
            q = replace(q, prefer_docs=history[-1].docs)
        return text, q, (time.perf_counter() - started) * 1000, taught

    def reading(self) -> AbstractContextManager[None]:
        """A block in which text is read as these articles taught (their acronyms, their words that are no one's
        name): for scoring or checking answers outside `ask`."""
        return learned_from(self.taught())

    def taught(self) -> Learned:
        """What the indexed articles taught the answering code (nothing without an index)."""
        try:
            snapshot, _ = self._ready()
        except AssistantError:
            return NOTHING_LEARNED
        return GroundedAnswerer.lexicon(snapshot).learned

    def _lexicon(self) -> Lexicon | None:
        """The corpus lexicon of the answering engine (None without an index: answering will say so)."""
        lexicon = getattr(self.answerer, "lexicon", None) or getattr(getattr(self.answerer, "grounded", None),
                                                                     "lexicon", None)
        if lexicon is None:
            return None
        try:
            snapshot, _ = self._ready()
        except AssistantError:
            return None
        return lexicon(snapshot)  # type: ignore[no-any-return]

    def _gender_of(self) -> GenderOf | None:
        """The articles' he/she for a person's name (from the corpus lexicon), for resolving follow-ups."""
        lexicon = self._lexicon()
        return None if lexicon is None else lexicon.gender_of

    def _retrieve(self, q: Question) -> tuple[Snapshot, list[RetrievedChunk], list[float] | None, float]:
        started = time.perf_counter()
        snapshot, retriever = self._ready()
        if not q.terms:
            return snapshot, [], None, (time.perf_counter() - started) * 1000
        vector = self.embedder.get_query_embedding(q.text) if retriever.settings.mode != "bm25" else None
        top_k = retriever.settings.top_k * (2 if q.is_quantity else 1)  # figures sit in more chunks than a fact
        try:
            search = retriever.search(q.text, vector, top_k=top_k)
        except StoreError as failed:  # the generation we held may have been collected: reload once and retry
            try:
                snapshot, retriever = self._ready(refresh=True)
                search = retriever.search(q.text, vector, top_k=top_k)
            except StoreError:
                raise failed from None  # the store itself is down: say what failed first
        return snapshot, search, vector, (time.perf_counter() - started) * 1000

    def _finish(self, text: str, q: Question, chunks: list[RetrievedChunk], draft: Draft, t0: float,
                rewrite_ms: float, retrieve_ms: float, compose_ms: float, backend: str,
                dropped: list[str] | None = None) -> Answer:
        return Answer(
            question=text, query=q.text, text=draft.text, citations=draft.citations,
            abstained=draft.abstained, figures=draft.figures, chunks=chunks, dropped=dropped or [],
            kind=getattr(draft, "kind", "refusal" if draft.abstained else "answer"),
            short_answer=getattr(draft, "short_answer", None),
            related=[RelatedPassage(**r) if isinstance(r, dict) else r for r in getattr(draft, "related", [])],
            backend=backend, settings_hash=self.settings.fingerprint(),
            timings=Timings(rewrite_ms=rewrite_ms, retrieve_ms=retrieve_ms, compose_ms=compose_ms,
                            total_ms=(time.perf_counter() - t0) * 1000),
        )

    def _people(self, answer: Answer) -> tuple[str, ...]:
        """The people the language layer found in the answer's cited passages, in citation order: who a follow-up's
        "he" or "she" may mean (a capitalised body or place in the answer is never taken for a person)."""
        snapshot, _ = self._ready()
        out: list[str] = []
        for c in sorted(answer.citations, key=lambda c: c.n):
            doc = snapshot.documents.get(c.doc_id)
            if doc is None:
                continue
            for s in snapshot.sentences(c.doc_id):
                if s.start < c.end and c.start < s.end:
                    for ent in relabelled(doc.text, s):
                        name = re.sub(r"['’]s$", "", doc.text[ent.start : ent.end]).strip()
                        if ent.label == "PERSON" and c.start <= ent.start < c.end and name and name not in out:
                            out.append(name)
                    short = answer.short_answer
                    if short is not None and short.citation == c.n and short.text not in out and any(
                            doc.text[a:b] == short.text for a, b in untagged_names(doc.text, s)):
                        out.insert(0, short.text)  # a name the recogniser missed that answered a who-question
        return tuple(out)

    def _answer_parts(self, q: Question) -> tuple[Draft, list[RetrievedChunk]] | None:
        """A two-part question ("Who founded the group, and who leads it now?") answered part by part, the second
        read as a follow-up of the first; None for a single question (or parts that cannot be joined)."""
        parts = split_compound(q.text)
        if len(parts) < 2:
            return None
        drafts: list[Draft] = []
        chunks: list[RetrievedChunk] = []
        history: list[Turn] = []
        snapshot = None
        for part in parts:
            pq = analyse(rewrite(part, history, self._gender_of()) if history else part)
            snapshot, found, vector, _ = self._retrieve(pq)
            draft = self.answerer.answer(pq, snapshot, found, vector)
            drafts.append(draft)
            chunks += found
            short = draft.short_answer.text if draft.short_answer is not None else None
            history = [Turn(question=part, query=pq.text, answer=draft.text, short_answer=short,
                            subject=subject_of(part))]
        assert snapshot is not None
        joined = join_answers(drafts, snapshot, limit=2)
        return None if joined is None else (joined, chunks)

    def _answer(self, question: str, history: list[Turn]) -> Answer:
        final: Answer | None = None
        for event in self._stream(question, history, deltas=False):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final

    def _stream(self, question: str, history: list[Turn], deltas: bool = True) -> Iterator[str | Answer]:
        # what the articles taught is put in effect around each step, never across a `yield`: a UI may resume this
        # generator in another thread
        t0 = time.perf_counter()
        text, q, rewrite_ms, taught = self._prepare(question, history)
        if not is_english(text):
            if deltas:
                yield ENGLISH_ONLY
            yield self._finish(text, q, [], Draft(text=ENGLISH_ONLY, abstained=True, kind="refusal"), t0,
                               rewrite_ms, 0.0, 0.0, "extractive")
            return
        snapshot, chunks, vector, retrieve_ms = self._retrieve(q)
        started = time.perf_counter()
        answerer = self.answerer
        stream_fn = getattr(answerer, "stream", None)
        with learned_from(taught):
            joined = self._answer_parts(q) if isinstance(answerer, RoutedAnswerer) else None
        if joined is not None:
            draft, more = joined
            chunks = chunks + [c for c in more if c.chunk_id not in {x.chunk_id for x in chunks}]
            if deltas:
                yield from stream_pieces(draft.text)
        elif deltas and stream_fn is not None:
            streamed: Draft | None = None
            events = stream_fn(q, snapshot, chunks, vector)
            while True:
                with learned_from(taught):
                    event = next(events, None)
                if event is None:
                    break
                if isinstance(event, str):
                    yield event
                else:
                    streamed = event
            assert streamed is not None
            draft = streamed
        else:
            with learned_from(taught):
                draft = answerer.answer(q, snapshot, chunks, vector)
            if deltas:  # sentence-sized pieces: word-by-word streaming cost 8x under load for nothing
                yield from stream_pieces(draft.text)
        dropped = list(draft.dropped)
        compose_ms = (time.perf_counter() - started) * 1000
        yield self._finish(text, q, chunks, draft, t0, rewrite_ms, retrieve_ms, compose_ms,
                           draft.backend or answerer.name, dropped)


class Conversation:
    """A conversation with memory: follow-ups are rewritten into standalone queries before retrieval."""

    MEMORY = 8  # turns kept: follow-ups lean on the last one or two, and memory must not grow with the chat

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.turns: list[Turn] = []

    def ask(self, question: str) -> Answer:
        answer = self.assistant._answer(question, self.turns)
        self._remember(answer)
        return answer

    def stream(self, question: str) -> Iterator[str | Answer]:
        for event in self.assistant._stream(question, self.turns):
            if isinstance(event, Answer):
                self._remember(event)
            yield event

    def _remember(self, answer: Answer) -> None:
        if answer.kind == "chit-chat":  # "thanks!" must not become the turn a follow-up refers to
            return
        short = answer.short_answer.text if answer.short_answer is not None else None
        with learned_from(self.assistant.taught()):
            subject = subject_of(own_query(answer.query))
        self.turns.append(Turn(question=answer.question, query=answer.query, answer=answer.text,
                               short_answer=short, subject=subject, people=self.assistant._people(answer),
                               docs=tuple(dict.fromkeys(c.doc_id for c in answer.citations))))
        del self.turns[: -self.MEMORY]

    def clear(self) -> None:
        self.turns.clear()


def stream_pieces(text: str) -> list[str]:
    """The answer in pieces that end after a statement's markers or a line break; they join back to `text`."""
    pieces = re.findall(r".*?(?:\]\.?\s+|\n|$)", text, flags=re.S)
    return [p for p in pieces if p]
