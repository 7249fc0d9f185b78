"""The default answerer: the sentence-selection answerer, led by the grounded engine's answer-first statement.

Greetings and "which articles do you have" go to the grounded engine; other questions get the sentence answerer's
evidence, with the grounded engine's first statement (short answer in bold) put first when it has one, within a
word budget.

Usage::

    answerer = RoutedAnswerer(ExtractiveAnswerer(settings.answer, refusal()), GroundedAnswerer(settings.answer, refusal()))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from assistant.answer import RetrievedChunk, ShortAnswer
from assistant.compose import CitationBook, Draft, ExtractiveAnswerer
from assistant.engine import GroundedAnswerer
from assistant.evidence import AFTER_A_NAME, NO_SPAN, NO_SUPPORT, UNNAMED
from assistant.frame import reliably_typed, unheard_of
from assistant.question import Question
from index.snapshot import Snapshot

_STATEMENT = re.compile(r"\s*((?:[^\[]|\[(?!\d+\]))*?)((?:\s*\[\d+\])+)(\.?)")


def _statements(draft: Draft) -> list[tuple[str, list[tuple[str, int, int]], str]] | None:
    """(text, cited spans, closing stop) of each cited statement, or None if some text carries no marker."""
    spans = {c.n: (c.doc_id, c.start, c.end) for c in draft.citations}
    out, at = [], 0
    for m in _STATEMENT.finditer(draft.text):
        if m.start() != at:
            return None
        out.append((m.group(1), [spans[int(n)] for n in re.findall(r"\d+", m.group(2))], m.group(3)))
        at = m.end()
    return out if draft.text[at:].strip() == "" and out else None


_OPINION = re.compile(r"\s*what (?:does|did|do|has|have|had|is|was) (?:[\w.'’-]+ ){1,4}(?:think|thinks|believe|say|said"
                      r"|saying|tell|told|argue|suggest|propose|want|call|describe|warn|make of|feel)\b", re.IGNORECASE)


def lead_first(lead: Draft, draft: Draft, snapshot: Snapshot, limit: int, words_budget: int,
               names: Sequence[Sequence[str]] = ()) -> Draft:
    """The grounded answer's first statement (its short answer in bold), then the sentence answerer's other
    statements, renumbered, while the answer stays within `words_budget` words (at most `limit` statements).

    `names`: the question's name constraints (groups of terms); a statement from another article that names
    none of a group is about something else (a death toll from another country after the asked floods) and
    is dropped."""
    first, rest = _statements(lead), _statements(draft)
    if not first or rest is None:
        return draft
    lead_docs = {span[0] for s in first for span in s[1]}
    rest = [s for s in rest if {span[0] for span in s[1]} & lead_docs or _names_all(s[0], names)]
    book = CitationBook(snapshot)
    # "**Name** [1]: the quote that names them [2]." leads as one unit
    opening = first[:2] if len(first) > 1 and first[1][0].startswith(":") else first[:1]
    seen = {span for s in opening for span in s[1]}
    parts: list[str] = []
    budget = min(len(draft.text.split()), words_budget)  # never longer than the answer it reorders
    words = 0
    fresh = [s for s in rest if not any(_overlaps(span, other) for span in s[1] for other in seen)]
    for i, (text, spans, stop) in enumerate(opening + fresh[: limit - 1]):
        words += len(text.split())
        if i >= len(opening) and words > budget:
            break
        _restate(parts, book, text, spans, stop)
    short = lead.short_answer
    if short is not None:
        doc_id, start, end = first[0][1][-1]
        short = ShortAnswer(text=short.text, citation=book.cite(doc_id, start, end))
    return Draft(text=" ".join(parts), citations=book.citations, kind="answer", short_answer=short)


def _restate(parts: list[str], book: CitationBook, text: str, spans: Sequence[tuple[str, int, int]], stop: str) -> None:
    """Append one statement to `parts` with its spans cited in `book` (renumbered); "**Name** [1]:" and the quote
    it introduces stay one piece."""
    marks = "".join(f"[{book.cite(*span)}]" for span in spans)
    piece = f"{text} {marks}{stop}".replace("  ", " ")
    if piece.startswith(":") and parts:
        parts[-1] += piece
    else:
        parts.append(piece)


def join_answers(drafts: Sequence[Draft], snapshot: Snapshot, limit: int) -> Draft | None:
    """One answer to a two-part question from the answers to its parts: each part's first `limit` statements in
    turn, renumbered, a passage cited once; a part the articles do not answer is left out (all parts unanswered:
    the first refusal). None when a part's answer is not plain cited statements (a table): ask it whole."""
    answered = [d for d in drafts if not d.abstained]
    if not answered:
        return drafts[0]
    book = CitationBook(snapshot)
    parts: list[str] = []
    seen: set[tuple[str, int, int]] = set()
    short = None
    for d in answered:
        statements = _statements(d)
        if not statements or d.kind not in ("answer", "yes-no"):
            return None
        for text, spans, stop in statements[:limit]:
            if all(span in seen for span in spans):
                continue
            seen.update(spans)
            _restate(parts, book, text, spans, stop)
        if short is None and d.short_answer is not None:
            first = statements[0][1][-1]
            short = ShortAnswer(text=d.short_answer.text, citation=book.cite(*first))
    return Draft(text=" ".join(parts), citations=book.citations, kind="answer", short_answer=short)


NOT_DIRECT = "The articles do not say it directly; the closest evidence:"  # a lead-in, not a claim


def _overlaps(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    """Two cited spans share text (the same sentence quoted whole and without its opening connective)."""
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def _names_all(text: str, names: Sequence[Sequence[str]]) -> bool:
    """Whether `text` names one term of every group (a term matches as a word prefix: 'democrat' ~ 'democrats')."""
    low = text.lower()
    return all(any(re.search(rf"\b{re.escape(t[:-1] if len(t) > 4 else t)}", low) for t in group)
               for group in names if group)


class RoutedAnswerer:
    """The sentence-selection answerer for questions about the articles' content, with the grounded engine's
    replies for what needs no retrieval: greetings and thanks (chit-chat), and "which articles do you have"."""

    name = "extractive"

    def __init__(self, sentences: ExtractiveAnswerer, grounded: GroundedAnswerer) -> None:
        self.sentences = sentences
        self.grounded = grounded
        self.refusal = sentences.refusal
        self.lead = sentences.settings.grounded_lead

    def answer(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> Draft:
        frame = self.grounded.frame(question, snapshot)
        draft = self._answer(frame, question, snapshot, chunks, vector)
        if len(draft.figures) > 1 and draft.kind == "answer":  # the side-by-side table of the sentence answerer
            draft = replace(draft, kind="figures")
        if frame.intent == "yes-no" and draft.kind == "answer" and not draft.abstained:
            # no sentence says yes or no outright: the evidence, and a plain word that it does not decide it
            draft = replace(draft, text=f"{NOT_DIRECT}\n\n{draft.text}")
        return draft

    def _answer(self, frame: Any, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
                vector: list[float] | None) -> Draft:
        if frame.intent in ("chit-chat", "overview"):
            return self.grounded.answer(question, snapshot, chunks, vector)
        if unheard_of(frame, self.grounded.lexicon(snapshot)):
            # "Who won the 2028 Acme Cup?": an acronym or a year no article has, so none can say what it asks
            return self.grounded.refuse(question, snapshot, chunks, vector)
        if frame.intent == "yes-no":  # "Yes"/"No" only when a sentence states it; else the evidence as usual
            verdict = self.grounded.answer(question, snapshot, chunks, vector)
            if verdict.kind == "yes-no" and verdict.short_answer is not None:
                return verdict
        draft = self.sentences.answer(question, snapshot, chunks, vector)
        if self.lead and draft.abstained and (frame.corrected and reliably_typed(frame) or (
                frame.labels and frame.answer_type != "COUNT" and not question.kind)):  # (it checks what a count counts)
            # the word-overlap answerer refused, but the typed question has a span of its type that meets every
            # constraint once misspellings are read as the corpus words they stand for ("ambasador"), or in a
            # sentence that says most of the question in its own words (synonyms, pronouns it resolves)
            lead = self.grounded.answer(question, snapshot, chunks, vector)
            if not lead.abstained and lead.short_answer is not None and lead.kind == "answer" and (
                    frame.corrected and reliably_typed(frame) or self._sure(frame, lead, snapshot, chunks, vector)):
                return lead
        if not self.lead or draft.abstained or len(draft.figures) > 1 or draft.kind != "answer":
            return draft
        settings = self.sentences.settings
        role = self.grounded.role_reference(question, snapshot, chunks, vector) \
            if settings.refuse_without_span != "never" and not question.prefer_docs else None
        if role == UNNAMED:
            return self.grounded.refuse(question, snapshot, chunks, vector)  # "a spokesman said": named nowhere
        # a conversation's first who/where/which-town question names who or where answers it (unless its best
        # sentence speaks of the asked role right after naming someone, who may be the one); a follow-up's frame is
        # pieced from the turn before, and may ask for a type its words do not say
        named = settings.refuse_without_span == "named" and not question.prefer_docs and frame.intent == "factoid" \
            and frame.answer_type in ("PERSON", "PLACE") and role != AFTER_A_NAME
        if settings.refuse_without_span == "always" or (
                settings.refuse_without_span in ("reliable", "named") and reliably_typed(frame)) or named:
            reason = self.grounded.refusal_reason(question, snapshot, chunks, vector)
            # a "when"/"how many"/"how much" question whose evidence holds no date or number, or whose every
            # sentence misses a name or too many words of it ("the cash rate" where only other rates are given)
            if reason in (NO_SPAN, NO_SUPPORT):
                return self.grounded.refuse(question, snapshot, chunks, vector)
        lead = self.grounded.answer(question, snapshot, chunks, vector)
        if lead.abstained or lead.kind != "answer":
            return draft
        listed = frame.intent == "list" and frame.labels and "**" in lead.text  # a list that names its items
        if lead.short_answer is None and not listed and not self._says_all(frame, snapshot, chunks, vector):
            return draft
        limit = 1 if self._sure(frame, lead, snapshot, chunks, vector) else settings.max_sentences
        return lead_first(lead, draft, snapshot, limit, settings.lead_words, frame.groups)

    def _sure(self, frame: Any, lead: Draft, snapshot: Snapshot, chunks: list[RetrievedChunk],
              vector: list[float] | None) -> bool:
        """The short answer stands in the best sentence, which says most of what was asked: it is the answer, and
        further sentences would only be about the topic."""
        if lead.short_answer is None or not lead.citations:
            return False
        evidence = self.grounded.gather(frame, snapshot, chunks, vector)
        if not evidence:
            return False
        best, cited = evidence[0], lead.citations[-1] if lead.text.startswith("**") and "]:" in lead.text[:200] \
            else lead.citations[0]
        return (cited.doc_id, cited.start) == (best.doc_id, best.sentence.start) and \
            best.coverage >= self.sentences.settings.sure_coverage

    def _says_all(self, frame: Any, snapshot: Snapshot, chunks: list[RetrievedChunk],
                  vector: list[float] | None) -> bool:
        """The grounded engine's best sentence has every word of the question (a pronoun counting as the name it
        stands for: "He said the fighters are 'jerks'" for "What did Jane Doe call the fighters?"): it leads even
        without a short answer."""
        if frame.intent not in ("factoid", "definition") or frame.answer_type is not None:
            return False
        evidence = self.grounded.gather(frame, snapshot, chunks, vector)
        if not evidence or not evidence[0].hard_ok:
            return False
        # "What does Jo Roe think …?": the words that person said, matched through who said them, lead
        opinion = bool(_OPINION.match(frame.text)) and evidence[0].coverage >= 0.5
        return evidence[0].coverage >= 0.99 or opinion

    def gather(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> list[Any]:
        return self.sentences.gather(question, snapshot, chunks, vector)

    def should_abstain(self, question: Question, snapshot: Snapshot, evidence: list[Any]) -> bool:
        return self.sentences.should_abstain(question, snapshot, evidence)
