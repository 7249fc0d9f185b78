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
from dataclasses import dataclass

from assistant.answer import RetrievedChunk, ShortAnswer
from assistant.compose import CitationBook, Draft, ExtractiveAnswerer, with_marker
from assistant.frame import STRICT_TYPES, Frame, Lexicon, analyse_frame, build_lexicon
from assistant.question import Question, looks_like_instruction
from assistant.settings import AnswerSettings
from assistant.snapshot import Snapshot
from index.language import ParsedSentence

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


class GroundedAnswerer:
    """Answer-first, grounded by construction; lays conflicting figures side by side (via the figures stage)."""

    name = "extractive"

    def __init__(self, settings: AnswerSettings, refusal: str) -> None:
        self.settings = settings
        self.refusal = refusal
        self.figures = ExtractiveAnswerer(settings, refusal)

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
            e.matched = {t for t in frame.terms if t in own}
            e.coverage = sum(frame.weights.get(t, 1.0) for t in e.matched) / total
            # every name of the question is matched by one of its words ("Mr Hockey" matches "Joe Hockey")
            e.hard_ok = all(any(t in context for t in group) for group in frame.groups) or (
                e.coverage >= self.settings.hard_relief_coverage and e.dense >= self.settings.hard_relief_dense)
            predicate = [t for t in frame.terms if t not in frame.hard and frame.weights.get(t, 0) > 0]
            e.predicate_ok = not predicate or bool(set(predicate) & own)
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
            bonus = 0.0
            if frame.answer_type == "PERSON":
                bonus = {"PERSON": 0.3, "ORG": 0.1}.get(ent.label, 0.0)
            if frame.answer_type == "ORG":
                bonus = {"ORG": 0.3}.get(ent.label, 0.0)
            out.append((ent.start, ent.end, ent.label, bonus + self._closeness(frame, snapshot, e, ent.start)))
        if frame.answer_type in ("COUNT", "AGE", "QUANTITY", "AMOUNT"):
            inside = [(x.start, x.end) for x in e.sentence.entities]
            for t in e.sentence.tokens:
                if t.pos == "NUM" and not any(a <= t.start < b for a, b in inside):
                    surface = text[t.start : t.end]
                    if surface.lower() in q_words or (frame.answer_type == "AGE"
                                                      and not _looks_like_age(text, t.start, t.end)):
                        continue
                    out.append((t.start, t.end, "CARDINAL", self._closeness(frame, snapshot, e, t.start)))
        if frame.answer_type == "PERSON" and not any(c[2] == "PERSON" for c in out) and _PRONOUN.match(e.text):
            named = self._antecedent(snapshot, e)
            if named is not None:
                a, b = named[1]
                out.append((a, b, "PERSON", 0.5))
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
            return self._chit_chat(snapshot)
        if frame.intent == "overview":
            return self._overview(snapshot)
        evidence = self.gather(frame, snapshot, chunks, vector)
        reason = self._abstain_reason(frame, snapshot, evidence)
        if reason:
            return self._refuse(snapshot, evidence)
        book = CitationBook(snapshot)
        if frame.answer_type == "COUNT":
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
        if frame.labels:
            return self._factoid(frame, snapshot, evidence, book)
        return self._passage(frame, snapshot, evidence, book)

    def _supported(self, frame: Frame, evidence: list[Scored]) -> list[Scored]:
        floor = self.settings.min_coverage
        return [e for e in evidence if e.hard_ok and e.coverage >= floor]

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
                return "no span of the expected type"
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
            named = self._antecedent(snapshot, e)
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

    def _antecedent(self, snapshot: Snapshot, e: Scored) -> tuple[ParsedSentence, tuple[int, int]] | None:
        """The nearest person named earlier in the same or the previous paragraph."""
        sentences = snapshot.sentences(e.doc_id)
        for j in range(e.index - 1, -1, -1):
            s = sentences[j]
            if e.sentence.paragraph - s.paragraph > 1:
                break
            people = [ent for ent in s.entities if ent.label == "PERSON"]
            if people:
                return s, (people[-1].start, people[-1].end)
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
        if frame.intent == "list":
            for e in good[1:]:
                if len(chosen) >= 3:
                    break
                if e.score >= 0.75 * best.score and _distinct(e, chosen):
                    chosen.append(e)
        parts = []
        if _PRONOUN.match(best.text) and frame.intent in ("definition", "factoid", "how"):
            named = self._antecedent(snapshot, best)
            if named is not None:
                sent, (a, b) = named
                parts.append(f"**{snapshot.documents[best.doc_id].text[a:b]}** [{book.cite(best.doc_id, sent.start, sent.end)}]:")
        for e in chosen:
            parts.append(with_marker(e.text, self._cite(book, e)))
        return Draft(text=" ".join(parts), citations=book.citations, kind="answer")

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
            if doc.title and doc.text.startswith(doc.title) and len(sentences) > 1:
                lead = sentences[1] if sentences[0].end <= len(doc.title) + 1 else sentences[0]
            quote = doc.text[lead.start : lead.end]
            n = book.cite(doc.doc_id, lead.start, lead.end)
            meta = ", ".join(x for x in (doc.outlet, doc.date) if x)
            head = f"**{doc.title}**" + (f" ({meta})" if meta else "") if doc.title and doc.title not in quote else ""
            lines.append(f"- {head + ': ' if head else ''}{with_marker(quote, n)}")
        text = f"The {len(lines)} indexed articles:\n" + "\n".join(lines)
        return Draft(text=text, citations=book.citations, kind="overview")

    def _chit_chat(self, snapshot: Snapshot) -> Draft:
        examples = example_questions(snapshot, 2)
        tips = " or ".join(f"“{q}”" for q in examples)
        text = ("Hello! I answer questions about the indexed news articles, quoting and citing the passages I use"
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


def _looks_like_age(text: str, start: int, end: int) -> bool:
    """'16-year-old', '41 years old', 'aged 30', or ', 30,' right after a name."""
    surface = text[start:end]
    if not re.search(r"\b\d{1,3}\b", surface):
        return False
    after, before = text[end : end + 12].lower(), text[max(0, start - 6) : start].lower()
    return bool(re.match(r"[- ]years?[- ]old|-year|\s*years? of age", after) or "year-old" in surface.lower()
                or before.endswith("aged ") or (before.endswith(", ") and after.startswith(",")))


def _bold(text: str, a: int, b: int) -> str:
    return f"{text[:a]}**{text[a:b]}**{text[b:]}"


def _distinct(e: Scored, chosen: list[Scored]) -> bool:
    words = set(re.findall(r"\w+", e.text.lower()))
    for c in chosen:
        other = set(re.findall(r"\w+", c.text.lower()))
        if len(words & other) / max(1, min(len(words), len(other))) > 0.6:
            return False
    return True
