"""The default answerer: answer-first extraction over the stored language layer, with constraint-based abstention.

For a factoid it finds candidate spans of the expected type (entities, numbers) in the evidence sentences, scores
them by sentence relevance, constraint matches, closeness to the matched words and agreement across sentences,
and states the short answer in bold inside its supporting quote. It abstains when a constraint term of the
question is matched by neither the chosen evidence nor its immediate context, or when no span of the expected type
exists. Every sentence shown is an exact span or a template filled only with words of the spans it cites.

Usage::

    answerer = GroundedAnswerer(settings.answer, refusal())
    draft = answerer.answer(question, snapshot, chunks, vector)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import RetrievedChunk, ShortAnswer
from assistant.compose import CitationBook, Draft, ExtractiveAnswerer, with_marker
from assistant.frame import STRICT_TYPES, Frame, Lexicon, analyse_frame, build_lexicon, stem
from assistant.question import Question, looks_like_instruction
from assistant.settings import AnswerSettings
from index.language import ParsedSentence
from index.snapshot import Snapshot

_PRONOUN = re.compile(r"^(?:He|She|They|His|Her|Their)\b")
_REASON = re.compile(r"\b(?:because|since|due to|as a result|in order to|so that|after|amid|over|for)\b", re.I)
_NEGATION = frozenset({"not", "no", "never", "n't", "nobody", "none", "nothing", "neither", "nor"})


@dataclass
class Scored:
    """One evidence sentence with how well it matches the frame."""

    doc_id: str
    index: int
    sentence: ParsedSentence
    text: str
    dense: float
    coverage: float
    hard_ok: bool
    matched: set[str]
    score: float = 0.0
    predicate_ok: bool = True
    near: set[str] = field(default_factory=set)
    near_coverage: float = 0.0


class GroundedAnswerer:
    """Answer-first, grounded by construction; lays conflicting figures side by side (via the figures stage)."""

    name = "extractive"

    def __init__(self, settings: AnswerSettings, refusal: str) -> None:
        self.settings = settings
        self.refusal = refusal
        self.figures = ExtractiveAnswerer(settings, refusal)

    @property
    def sentences(self) -> ExtractiveAnswerer:
        """The sentence-level evidence stage (shared with the LLM answerer, which numbers its sources)."""
        return self.figures

    def refuses(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
                vector: list[float] | None) -> bool:
        """True when this answerer would refuse: the question's constraints are not met by the evidence."""
        frame = self.frame(question, snapshot)
        if frame.intent in ("chit-chat", "overview"):
            return True
        return self.refusal_reason(question, snapshot, chunks, vector) is not None

    def refusal_reason(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
                       vector: list[float] | None) -> str | None:
        """Why this answerer would refuse the question (None: it would answer)."""
        frame = self.frame(question, snapshot)
        return self._abstain_reason(frame, snapshot, self.gather(frame, snapshot, chunks, vector))

    # ---- lexicon and frame ----------------------------------------------------------------------
    @staticmethod
    def lexicon(snapshot: Snapshot) -> Lexicon:
        cached = snapshot.__dict__.get("_lexicon")
        if cached is None:
            cached = build_lexicon(snapshot)
            snapshot.__dict__["_lexicon"] = cached
        return cached  # type: ignore[no-any-return]

    def frame(self, question: Question, snapshot: Snapshot) -> Frame:
        return analyse_frame(question.text, self.lexicon(snapshot))

    # ---- evidence -------------------------------------------------------------------------------
    def _terms_of(self, snapshot: Snapshot, doc_id: str, s: ParsedSentence) -> set[str]:
        text = snapshot.documents[doc_id].text
        out = {t.lemma for t in s.tokens}
        out |= {text[t.start : t.end].lower().replace("’", "'") for t in s.tokens}
        return out

    def gather(self, frame: Frame, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> list[Scored]:
        """Sentences of the retrieved chunks, scored by constraint coverage, dense similarity and answer type."""
        found: dict[tuple[str, int], Scored] = {}
        for rank, chunk in enumerate(chunks, start=1):
            doc = snapshot.documents.get(chunk.doc_id)
            if doc is None:
                continue
            for i, s in enumerate(snapshot.sentences(chunk.doc_id)):
                if s.end <= chunk.start or s.start >= chunk.end or (chunk.doc_id, i) in found:
                    continue
                text = doc.text[s.start : s.end]
                if looks_like_instruction(text):
                    continue
                found[(chunk.doc_id, i)] = Scored(chunk.doc_id, i, s, text, 0.0, 0.0, False, set(),
                                                  score=0.02 / rank)
        scored = list(found.values())
        if vector is not None and scored:
            import numpy as np

            ids = [f"{e.doc_id}:s{e.index:04d}" for e in scored]
            vectors = snapshot.sentence_vectors(ids)
            q = np.asarray(vector, dtype=np.float32)
            for e, sid in zip(scored, ids):
                v = vectors.get(sid)
                if v is not None:
                    e.dense = float(np.dot(q, v))
        total = sum(frame.weights.get(t, 1.0) for t in frame.terms) or 1.0
        for e in scored:
            own = self._terms_of(snapshot, e.doc_id, e.sentence)
            context = own | self._context_terms(snapshot, e)
            e.matched = {t for t in frame.terms if t in own or (t not in frame.hard and _kin(t, own))}
            e.near = e.matched | {t for t in frame.terms if t in context or (t not in frame.hard and _kin(t, context))}
            e.coverage = sum(frame.weights.get(t, 1.0) for t in e.matched) / total
            # every name of the question is matched by one of its words ("Mr Doe" matches "Jane Doe")
            e.hard_ok = all(any(t in context or _name_kin(t, context) for t in group) or (group == (frame.focus,) and (
                group[0] in e.near or e.dense >= self.settings.hard_relief_dense)) for group in frame.groups) or (
                e.coverage >= self.settings.hard_relief_coverage and e.dense >= self.settings.hard_relief_dense)
            predicate = [t for t in frame.terms if t not in frame.hard and frame.weights.get(t, 0) > 0]
            e.predicate_ok = not predicate or bool(set(predicate) & e.matched) or e.dense >= self.settings.dense_override
            e.near_coverage = sum(frame.weights.get(t, 1.0) for t in e.near) / total
            typed = bool(self.candidates(frame, snapshot, e)) if frame.labels else False
            e.score += (self.settings.weight_coverage * e.coverage + self.settings.weight_dense * e.dense
                        + self.settings.weight_type * typed + (0.1 if e.hard_ok else 0.0))
        scored.sort(key=lambda e: -e.score)
        return scored

    def _context_terms(self, snapshot: Snapshot, e: Scored) -> set[str]:
        """Words of the neighbouring sentences of the same paragraph and of the article's title."""
        sentences = snapshot.sentences(e.doc_id)
        out: set[str] = set()
        for j in (e.index - 1, e.index + 1, e.index - 2):
            if 0 <= j < len(sentences) and abs(sentences[j].paragraph - e.sentence.paragraph) <= 1:
                out |= self._terms_of(snapshot, e.doc_id, sentences[j])
        if sentences and sentences[0].paragraph == 0 and e.index != 0:
            out |= self._terms_of(snapshot, e.doc_id, sentences[0])
        return out

    # ---- candidates -----------------------------------------------------------------------------
    def candidates(self, frame: Frame, snapshot: Snapshot, e: Scored) -> list[tuple[int, int, str, float]]:
        """(start, end, label, score) of spans of the expected type that are not words of the question."""
        text = snapshot.documents[e.doc_id].text
        out = []
        q_words = set(frame.names) | set(frame.terms)
        for ent in e.sentence.entities:
            if ent.label not in frame.labels:
                continue
            surface = text[ent.start : ent.end]
            words = {w.lower() for w in re.findall(r"[A-Za-z0-9]+", surface)}
            if words and words <= q_words:
                continue
            if frame.answer_type == "AGE" and not _looks_like_age(text, ent.start, ent.end):
                continue
            if frame.answer_type == "COUNT" and re.fullmatch(r"(?:19|20)\d\d", surface.strip()):
                continue
            if frame.answer_type in ("DURATION", "DATE") and _looks_like_age(text, ent.start, ent.end):
                continue
            if frame.unit and frame.unit not in text[ent.start : ent.end + 12].lower():
                continue  # "how high, in metres": only a span measured in metres answers
            bonus = 0.0
            if frame.answer_type == "PERSON":
                bonus = {"PERSON": 0.3, "ORG": 0.1}.get(ent.label, 0.0)
            if frame.answer_type == "ORG":
                bonus = {"ORG": 0.3}.get(ent.label, 0.0)
            out.append((ent.start, ent.end, ent.label, bonus + self._closeness(frame, snapshot, e, ent.start)))
        if frame.answer_type in ("PERSON", "PERSON_NAME") and frame.focus and re.match(
                r"\s*what (?:is|was|were|are) the names? of", frame.text, re.I):
            roles = [i for i, t in enumerate(e.sentence.tokens) if t.lemma == frame.focus]
            if roles:  # the role is in the sentence: only a name standing beside it is that person's
                out = [c for c in out if any(abs(_token_at(e.sentence, c[0]) - r) <= 4 for r in roles)]
        if frame.answer_type in ("COUNT", "AGE", "QUANTITY", "AMOUNT"):
            inside = [(x.start, x.end) for x in e.sentence.entities]
            for t in e.sentence.tokens:
                if t.pos == "NUM" and not any(a <= t.start < b for a, b in inside):
                    surface = text[t.start : t.end]
                    if surface.lower() in q_words or (frame.answer_type == "AGE"
                                                      and not _looks_like_age(text, t.start, t.end)):
                        continue
                    if frame.unit and frame.unit not in text[t.start : t.end + 12].lower():
                        continue
                    out.append((t.start, t.end, "CARDINAL", self._closeness(frame, snapshot, e, t.start)))
        if frame.answer_type in ("PERSON", "ORG", "NAME"):
            pronoun = subject_pronoun(text, e.sentence)
            named = self._antecedent(snapshot, e, pronoun) if pronoun else None
            if named is not None:
                a, b = named[1]
                label = "PERSON" if pronoun in ("he", "she") else "ORG"
                # the sentence's own subject is the pronoun: its referent is who did what the question asks
                out.append((a, b, label, 0.8))
        return out

    def _closeness(self, frame: Frame, snapshot: Snapshot, e: Scored, at: int) -> float:
        """1 / (1 + token distance) to the nearest question word in the sentence, plus a focus-noun bonus."""
        text = snapshot.documents[e.doc_id].text
        positions = [i for i, t in enumerate(e.sentence.tokens)
                     if t.lemma in e.matched or text[t.start : t.end].lower() in e.matched]
        here = next((i for i, t in enumerate(e.sentence.tokens) if t.start >= at), len(e.sentence.tokens) - 1)
        if not positions:
            return 0.0
        score = 1.0 / (1 + min(abs(here - p) for p in positions))
        if frame.focus:
            tok = e.sentence.tokens[here] if here < len(e.sentence.tokens) else None
            if tok is not None and 0 <= tok.head < len(e.sentence.tokens):
                head = e.sentence.tokens[tok.head]
                if head.lemma == frame.focus or text[head.start : head.end].lower() == frame.focus:
                    score += 1.0
        return score

    # ---- answering --------------------------------------------------------------------------------
    def answer(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> Draft:
        frame = self.frame(question, snapshot)
        if frame.intent == "chit-chat":
            return self._chit_chat(snapshot, question.text)
        if frame.intent == "overview":
            return self._overview(snapshot)
        evidence = self.gather(frame, snapshot, chunks, vector)
        reason = self._abstain_reason(frame, snapshot, evidence)
        if reason:
            return self._refuse(snapshot, evidence)
        return self._answer(question, frame, snapshot, chunks, vector, evidence)

    def refuse(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> Draft:
        """The refusal, with the closest passages as `related` (labelled as not answering)."""
        frame = self.frame(question, snapshot)
        return self._refuse(snapshot, self.gather(frame, snapshot, chunks, vector))

    def _answer(self, question: Question, frame: Frame, snapshot: Snapshot, chunks: list[RetrievedChunk],
                vector: list[float] | None, evidence: list[Scored]) -> Draft:
        book = CitationBook(snapshot)
        counting = frame.answer_type == "COUNT" or (question.is_quantity and frame.intent not in ("yes-no", "why"))
        if counting and (frame.answer_type != "COUNT" or self._several_counts(frame, snapshot, evidence)):
            table = self.figures._figures_answer(question, snapshot, self.figures.gather(question, snapshot, chunks,
                                                                                         vector), book)
            if table is not None and frame.intent != "yes-no":
                table.kind = "figures"
                return table
            book = CitationBook(snapshot)
        if frame.intent == "yes-no":
            return self._yes_no(frame, snapshot, evidence, book)
        if frame.intent == "compare":
            return self._compare(frame, snapshot, evidence, book)
        if frame.intent == "list" and frame.labels:
            return self._list(frame, snapshot, evidence, book)
        if frame.labels:
            return self._factoid(frame, snapshot, evidence, book)
        return self._passage(frame, snapshot, evidence, book)

    def _several_counts(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored]) -> bool:
        """Two or more supported sentences give different numbers for the counted thing: worth a side-by-side
        table (one number answers a plain factoid)."""
        values: set[str] = set()
        sentences = 0
        for e in self._supported(frame, evidence)[: 2 * self.settings.type_window]:
            found = {snapshot.documents[e.doc_id].text[a:b].lower() for a, b, _, _ in self.candidates(frame, snapshot, e)}
            if found - values:
                sentences += 1
            values |= found
        return sentences >= 2 and len(values) >= 2

    def _supported(self, frame: Frame, evidence: list[Scored]) -> list[Scored]:
        floor, override = self.settings.min_coverage, self.settings.dense_override
        # the sentence with its neighbours must cover enough of the question (long questions spread over two),
        # and mention the asked attribute ("population", "birth") when the question names one
        return [e for e in evidence if e.hard_ok and (e.coverage >= floor or e.dense >= override - 0.1
                                                       or (e.coverage >= floor / 2 and e.near_coverage >= floor))
                and (frame.attribute is None or frame.attribute in e.near or e.dense >= override + 0.1)]

    def _abstain_reason(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored]) -> str | None:
        if not frame.terms:
            return "the question has no content words"
        if not evidence:
            return "nothing retrieved"
        hard_unknown = [w for w in frame.unknown if w.lower() in {n.lower() for n in frame.names} or w[:1].isupper()]
        if hard_unknown:
            return f"the articles never mention {', '.join(hard_unknown)}"
        if max(e.dense for e in evidence) < self.settings.min_dense:
            return "nothing similar enough"
        good = self._supported(frame, evidence)
        if not good:
            return "no evidence matches every constraint of the question"
        if frame.answer_type in STRICT_TYPES and frame.intent not in ("list", "compare", "yes-no"):
            top = [e for e in good[: self.settings.type_window] if e.predicate_ok]
            if not any(self.candidates(frame, snapshot, e) for e in top):
                return NO_SPAN
        return None

    def _refuse(self, snapshot: Snapshot, evidence: list[Scored]) -> Draft:
        related = [{"doc_id": e.doc_id, "start": e.sentence.start, "end": e.sentence.end, "quote": e.text}
                   for e in evidence[:3]]
        return Draft(text=self.refusal, abstained=True, kind="refusal", related=related)

    def _cite(self, book: CitationBook, e: Scored) -> int:
        return book.cite(e.doc_id, e.sentence.start, e.sentence.end)

    def _factoid(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored], book: CitationBook) -> Draft:
        good = self._supported(frame, evidence)[: self.settings.type_window]
        if frame.answer_type in STRICT_TYPES:
            good = [e for e in good if e.predicate_ok] or good
        best: tuple[float, Scored, tuple[int, int, str, float]] | None = None
        counts: dict[str, int] = {}
        options = []
        for rank, e in enumerate(good):
            for cand in self.candidates(frame, snapshot, e):
                key = snapshot.documents[e.doc_id].text[cand[0] : cand[1]].lower()
                counts[key] = counts.get(key, 0) + 1
                options.append((e, cand, key, rank))
        if frame.answer_type not in STRICT_TYPES:
            options = [o for o in options if o[0] is good[0]] if good else options
        if frame.answer_type == "PERSON" and any(o[1][2] == "PERSON" for o in options):
            options = [o for o in options if o[1][2] == "PERSON"]
        for e, cand, key, rank in options:
            value = e.score + self.settings.weight_closeness * cand[3] + 0.05 * (counts[key] - 1) - 0.03 * rank
            if best is None or value > best[0]:
                best = (value, e, cand)
        if best is None:
            return self._passage(frame, snapshot, evidence, book)
        _, e, (start, end, _, _) = best
        doc_text = snapshot.documents[e.doc_id].text
        answer_text = doc_text[start:end]
        lead = ""
        if not e.sentence.start <= start < e.sentence.end:  # the name sits in an earlier sentence
            named = self._antecedent(snapshot, e, subject_pronoun(doc_text, e.sentence) or "he")
            if named is not None:
                sent, _ = named
                n = book.cite(e.doc_id, sent.start, sent.end)
                lead = f"**{answer_text}** [{n}]: "
        n = self._cite(book, e)
        quote = e.text if lead else _bold(e.text, start - e.sentence.start, end - e.sentence.start)
        text = lead + with_marker(quote, n)
        short = ShortAnswer(text=answer_text, citation=book.citations[-1].n if lead else n)
        extra = self._second(frame, snapshot, good, e, best[0])
        if extra is not None:
            text += " " + with_marker(extra.text, self._cite(book, extra))
        return Draft(text=text, citations=book.citations, kind="answer", short_answer=short)

    def _list(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored], book: CitationBook) -> Draft:
        """Sentences naming several spans of the asked type first; up to three, each adding new names."""
        good = self._supported(frame, evidence)[: 2 * self.settings.type_window] or evidence[:4]
        text = {e.doc_id: snapshot.documents[e.doc_id].text for e in good}

        def names(e: Scored) -> set[str]:
            return {text[e.doc_id][a:b].lower() for a, b, _, _ in self.candidates(frame, snapshot, e)}

        ranked = sorted(good, key=lambda e: -(e.score + 0.15 * min(3, len(names(e)))))
        chosen: list[Scored] = []
        seen: set[str] = set()
        for e in ranked:
            new = names(e) - seen
            if (new or not chosen) and _distinct(e, chosen) and (not chosen or e.score >= 0.6 * chosen[0].score):
                chosen.append(e)
                seen |= new
            if len(chosen) >= 3:
                break
        if not any(names(e) for e in chosen):
            return self._passage(frame, snapshot, evidence, book)
        parts = []
        for e in chosen:
            spans = sorted(self.candidates(frame, snapshot, e))
            quote = e.text
            for a, b, _, _ in reversed(_merge(spans)):
                quote = _bold(quote, a - e.sentence.start, b - e.sentence.start)
            parts.append(with_marker(quote, self._cite(book, e)))
        return Draft(text=" ".join(parts), citations=book.citations, kind="answer")

    def _second(self, frame: Frame, snapshot: Snapshot, good: list[Scored], chosen: Scored,
                best: float) -> Scored | None:
        """A further supported sentence that offers a different span of the expected type (a distinct fact)."""
        shown = {snapshot.documents[chosen.doc_id].text[a:b].lower() for a, b, _, _ in
                 self.candidates(frame, snapshot, chosen)}
        for e in good:
            if e is chosen or not e.predicate_ok or e.score < self.settings.second_relative * chosen.score:
                continue
            spans = {snapshot.documents[e.doc_id].text[a:b].lower() for a, b, _, _ in self.candidates(frame, snapshot, e)}
            if spans - shown and _distinct(e, [chosen]):
                return e
        return None

    def _antecedent(self, snapshot: Snapshot, e: Scored, pronoun: str = "he"
                    ) -> tuple[ParsedSentence, tuple[int, int]] | None:
        """The nearest compatible name earlier in the same or the previous paragraph (he/she: a person;
        it: a body or place; they: a body, group or people), preferring the subject of its sentence."""
        labels = _REFERENTS.get(pronoun, _REFERENTS["he"])
        sentences = snapshot.sentences(e.doc_id)
        text = snapshot.documents[e.doc_id].text
        for j in range(e.index - 1, -1, -1):
            s = sentences[j]
            if e.sentence.paragraph - s.paragraph > 1:
                break
            found = [ent for ent in s.entities if ent.label in labels]
            if found:
                subjects = {t.start for t in s.tokens if t.dep in ("nsubj", "nsubjpass")}
                best = next((ent for ent in found if any(ent.start <= x < ent.end for x in subjects)), None)
                if best is None:
                    best = found[-1] if pronoun in ("he", "she") else found[0]
                if text[best.start : best.end].strip():
                    return s, (best.start, best.end)
        return None

    def _passage(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored], book: CitationBook) -> Draft:
        """Why/how/definition/list: the best supported sentence first, plus one that adds a distinct fact."""
        good = self._supported(frame, evidence) or evidence
        best = good[0]
        chosen = [best]
        sentences = snapshot.sentences(best.doc_id)
        if frame.intent == "why" and not _REASON.search(best.text) and best.index + 1 < len(sentences):
            nxt = sentences[best.index + 1]
            if nxt.paragraph - best.sentence.paragraph <= 1:
                text = snapshot.documents[best.doc_id].text[nxt.start : nxt.end]
                chosen.append(Scored(best.doc_id, best.index + 1, nxt, text, best.dense, 0.0, True, set()))
        limit = 3 if frame.intent == "list" else 2
        floor = 0.75 if frame.intent == "list" else self.settings.passage_relative
        for e in good[1:]:
            if len(chosen) >= limit:
                break
            if e.score >= floor * best.score and _distinct(e, chosen):
                chosen.append(e)
        parts = []
        for i, e in enumerate(chosen):
            named = self.attribution(snapshot, e)
            if named is not None and i == 0 and (frame.answer_type in ("PERSON", "ORG", "NAME")
                                                 or frame.intent == "definition"
                                                 or re.match(r"\s*(?:which|who|whom|whose)\b", frame.text, re.I)):
                sent, (a, b) = named  # the name is the answer: it comes first
                parts.append(f"**{snapshot.documents[e.doc_id].text[a:b]}** "
                             f"[{book.cite(e.doc_id, sent.start, sent.end)}]:")
                named = None
            parts.append(with_marker(e.text, self._cite(book, e)))
            if named is not None:  # who is speaking or meant, named after the quote it belongs to
                sent, (a, b) = named
                parts[-1] = parts[-1].rstrip(".") + (f" — **{snapshot.documents[e.doc_id].text[a:b]}** "
                                                     f"[{book.cite(e.doc_id, sent.start, sent.end)}].")
        return Draft(text=" ".join(parts), citations=book.citations, kind="answer")

    def attribution(self, snapshot: Snapshot, e: Scored) -> tuple[ParsedSentence, tuple[int, int]] | None:
        """Who a sentence is about or who speaks in it, when it does not say so itself: the referent of its
        subject pronoun, or the speaker of quoted words named in a neighbouring sentence of the paragraph."""
        text = snapshot.documents[e.doc_id].text
        pronoun = subject_pronoun(text, e.sentence)
        if pronoun:
            return self._antecedent(snapshot, e, pronoun)
        if not _QUOTE.search(e.text) or _speaker_in(text, e.sentence) is not None:
            return None
        sentences = snapshot.sentences(e.doc_id)
        for j in (e.index + 1, e.index + 2, e.index - 1):
            if not 0 <= j < len(sentences) or sentences[j].paragraph != e.sentence.paragraph:
                continue
            speaker = _speaker_in(text, sentences[j])
            if speaker is not None:
                return sentences[j], speaker
        return None

    def _yes_no(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored], book: CitationBook) -> Draft:
        good = self._supported(frame, evidence)
        best = good[0]
        n = self._cite(book, best)
        explicit = best.coverage >= self.settings.yes_no_coverage
        doc_text = snapshot.documents[best.doc_id].text
        negated = any(doc_text[t.start : t.end].lower() in _NEGATION or t.dep == "neg" for t in best.sentence.tokens)
        q_negated = bool(re.search(r"\b(?:not|n't|never|no)\b", frame.text.lower()))
        if explicit:
            verdict = "No" if negated != q_negated else "Yes"
            text = f"**{verdict}** — {with_marker(best.text, n)}"
            return Draft(text=text, citations=book.citations, kind="yes-no",
                         short_answer=ShortAnswer(text=verdict, citation=n))
        text = f"The articles do not say directly. The closest evidence: {with_marker(best.text, n)}"
        return Draft(text=text, citations=book.citations, kind="yes-no")

    def _compare(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored], book: CitationBook) -> Draft:
        sides = [n for n in frame.names] or list(frame.hard)
        parts: list[str] = []
        used: set[tuple[str, int]] = set()
        for side in sides[:3]:
            pick = next((e for e in evidence if side in e.matched and (e.doc_id, e.index) not in used), None)
            if pick is None:
                continue
            used.add((pick.doc_id, pick.index))
            parts.append(f"- {with_marker(pick.text, self._cite(book, pick))}")
        if len(parts) < 2:
            return self._passage(frame, snapshot, evidence, book)
        return Draft(text="\n".join(parts), citations=book.citations, kind="compare")

    # ---- no retrieval needed ------------------------------------------------------------------------
    def _overview(self, snapshot: Snapshot) -> Draft:
        book = CitationBook(snapshot)
        lines = []
        docs = sorted(snapshot.documents.values(), key=lambda d: (d.date or "", d.doc_id))
        for doc in docs:
            sentences = snapshot.sentences(doc.doc_id)
            if not sentences:
                continue
            lead = sentences[0]
            # a real headline is short; an untitled article's "title" is just its opening paragraph
            titled = bool(doc.title) and len(doc.title.split()) <= 25 and doc.title.strip() != doc.text[
                lead.start : lead.end].strip() and doc.text.startswith(doc.title)
            if titled and len(sentences) > 1 and sentences[0].end <= len(doc.title) + 1:
                lead = sentences[1]
            quote = doc.text[lead.start : lead.end]
            n = book.cite(doc.doc_id, lead.start, lead.end)
            meta = ", ".join(x for x in (doc.outlet, doc.date) if x)
            head = f"**{doc.title}**" + (f" ({meta})" if meta else "") if titled and doc.title not in quote else ""
            lines.append(f"- {head + ': ' if head else ''}{with_marker(quote, n)}")
        text = f"The {len(lines)} indexed articles:\n" + "\n".join(lines)
        return Draft(text=text, citations=book.citations, kind="overview")

    def _chit_chat(self, snapshot: Snapshot, said: str = "") -> Draft:
        examples = example_questions(snapshot, 2)
        tips = " or ".join(f"“{q}”" for q in examples)
        low = said.lower()
        opener = ("You're welcome!" if re.search(r"\bthanks?\b|\bthank you\b|\bcheers\b", low)
                  else "Goodbye!" if re.search(r"\b(?:bye|goodbye|see you)\b", low) else "Hello!")
        text = (f"{opener} I answer questions about the indexed news articles, quoting and citing the passages I use"
                + (f" — try {tips}" if tips else "") + ".")
        return Draft(text=text, abstained=True, kind="chit-chat")


def example_questions(snapshot: Snapshot, k: int) -> list[str]:
    """Questions that work from a fresh start, derived from the indexed articles (people named in leads)."""
    out: list[str] = []
    for doc_id, doc in sorted(snapshot.documents.items()):
        for s in snapshot.sentences(doc_id)[:4]:
            person = next((e for e in s.entities if e.label == "PERSON" and " " in doc.text[e.start : e.end]), None)
            if person is not None:
                out.append(f"Who is {doc.text[person.start : person.end]}?")
                break
        if len(out) >= k:
            break
    return out


NO_SPAN = "no span of the expected type"
_REFERENTS = {"he": frozenset({"PERSON"}), "she": frozenset({"PERSON"}),
              "it": frozenset({"ORG", "GPE", "NORP"}), "they": frozenset({"ORG", "NORP", "GPE", "PERSON"})}


_QUOTE = re.compile(r"[“”\"]")
SPEECH_VERBS = frozenset({"say", "tell", "write", "add", "state", "claim", "declare", "note", "insist", "warn",
                          "explain", "argue", "announce", "report", "ask", "reply", "respond", "accord"})


def _speaker_in(text: str, sentence: ParsedSentence) -> tuple[int, int] | None:
    """The named person (or body) who says something in this sentence: subject of a speech verb."""
    tokens = sentence.tokens
    for i, t in enumerate(tokens):
        if t.lemma not in SPEECH_VERBS or t.pos not in ("VERB", "AUX"):
            continue
        for ent in sentence.entities:
            if ent.label not in ("PERSON", "ORG", "NORP"):
                continue
            heads = [k for k, x in enumerate(tokens) if ent.start <= x.start < ent.end]
            if any(tokens[k].head == i and tokens[k].dep in ("nsubj", "nsubjpass", "pobj", "compound") for k in heads) \
                    or any(tokens[k].dep == "nsubj" for k in heads):
                return ent.start, ent.end
    return None


def subject_pronoun(text: str, sentence: ParsedSentence) -> str | None:
    """'he', 'she', 'it' or 'they' when the sentence's main subject is that pronoun (from the stored parse)."""
    for t in sentence.tokens:
        if t.dep in ("nsubj", "nsubjpass") and t.pos == "PRON":
            word = text[t.start : t.end].lower()
            head = sentence.tokens[t.head] if 0 <= t.head < len(sentence.tokens) else None
            named_subject = any(x.dep in ("nsubj", "nsubjpass") and x.pos == "PROPN" and x.head == t.head
                                for x in sentence.tokens)
            if word in _REFERENTS and head is not None and head.dep == "ROOT" and not named_subject:
                return word
    return None


def _looks_like_age(text: str, start: int, end: int) -> bool:
    """'16-year-old', '41 years old', 'aged 30', or ', 30,' right after a name."""
    surface = text[start:end]
    if not re.search(r"\b\d{1,3}\b", surface):
        return False
    after, before = text[end : end + 12].lower(), text[max(0, start - 6) : start].lower()
    return bool(re.match(r"[- ]years?[- ]old|-year|\s*years? of age", after) or "year-old" in surface.lower()
                or before.endswith("aged ") or (before.endswith(", ") and after.startswith(",")))


def _token_at(sentence: ParsedSentence, at: int) -> int:
    """Index of the token that starts at or after a character offset."""
    return next((i for i, t in enumerate(sentence.tokens) if t.start >= at), len(sentence.tokens))


def _kin(term: str, words: set[str]) -> bool:
    """A word of the same family is present: same crude stem, or the term begins a longer word ("lead" ~
    "leadership", "financ" ~ "financial")."""
    if len(term) < 4:
        return False
    root = stem(term)
    return any(w.startswith(term) and len(w) - len(term) <= 6 or (len(w) >= 7 and stem(w) == root) for w in words)


def _name_kin(name: str, words: set[str]) -> bool:
    """A name word and its derived form: "russia" ~ "russian", "chechnya" ~ "chechen" (shared opening)."""
    if len(name) < 5:
        return False
    for w in words:
        n = 0
        for x, y in zip(name, w):
            if x != y:
                break
            n += 1
        if n >= 5 and n >= min(len(name), len(w)) - 2:
            return True
    return False


def _merge(spans: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """Spans sorted by start with overlaps dropped (so bolding them never nests)."""
    out: list[tuple[int, int, str, float]] = []
    for span in sorted(spans):
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


def _bold(text: str, a: int, b: int) -> str:
    return f"{text[:a]}**{text[a:b]}**{text[b:]}"


def _distinct(e: Scored, chosen: list[Scored]) -> bool:
    words = set(re.findall(r"\w+", e.text.lower()))
    for c in chosen:
        other = set(re.findall(r"\w+", c.text.lower()))
        if len(words & other) / max(1, min(len(words), len(other))) > 0.6:
            return False
    return True


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


def lead_first(lead: Draft, draft: Draft, snapshot: Snapshot, limit: int, words_budget: int) -> Draft:
    """The grounded answer's first statement (its short answer in bold), then the sentence answerer's other
    statements, renumbered, while the answer stays within `words_budget` words (at most `limit` statements)."""
    first, rest = _statements(lead), _statements(draft)
    if not first or rest is None:
        return draft
    book = CitationBook(snapshot)
    parts, seen = [], set(first[0][1])
    budget = min(len(draft.text.split()), words_budget)  # never longer than the answer it reorders
    words = 0
    for i, (text, spans, stop) in enumerate([first[0]] + [s for s in rest if not set(s[1]) & seen][: limit - 1]):
        words += len(text.split())
        if i and words > budget:
            break
        marks = "".join(f"[{book.cite(*span)}]" for span in spans)
        parts.append(f"{text} {marks}{stop}".replace("  ", " "))
    short = lead.short_answer
    if short is not None:
        doc_id, start, end = first[0][1][-1]
        short = ShortAnswer(text=short.text, citation=book.cite(doc_id, start, end))
    return Draft(text=" ".join(parts), citations=book.citations, kind="answer", short_answer=short)


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
        if frame.intent in ("chit-chat", "overview"):
            return self.grounded.answer(question, snapshot, chunks, vector)
        draft = self.sentences.answer(question, snapshot, chunks, vector)
        if not self.lead or draft.abstained or draft.figures or draft.kind != "answer":
            return draft
        settings = self.sentences.settings
        if settings.refuse_without_span:
            reason = self.grounded.refusal_reason(question, snapshot, chunks, vector)
            if reason == NO_SPAN:  # a "when"/"how many"/"who" question whose evidence holds no date/number/name
                return self.grounded.refuse(question, snapshot, chunks, vector)
        lead = self.grounded.answer(question, snapshot, chunks, vector)
        if lead.abstained or lead.short_answer is None or lead.kind != "answer":
            return draft
        return lead_first(lead, draft, snapshot, settings.max_sentences, settings.lead_words)

    def gather(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> list[Any]:
        return self.sentences.gather(question, snapshot, chunks, vector)

    def should_abstain(self, question: Question, snapshot: Snapshot, evidence: list[Any]) -> bool:
        return self.sentences.should_abstain(question, snapshot, evidence)
