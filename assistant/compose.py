"""The default answerer: composes a cited answer from retrieved sentences, with no LLM.

Every sentence it writes is either an exact quote of the clean text (trimmed of a leading connective)
or a template filled only with words of the quotes it cites, so it is grounded by construction.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer import Citation, Draft, Figure, RetrievedChunk
from assistant.figures import Mention, describe, mentions, role_group, speaker_in, states_age
from assistant.lexicon import STOPWORDS, person_names, related, stem, terms, tokens
from assistant.question import Question, looks_like_instruction
from assistant.settings import AnswerSettings
from index.snapshot import Snapshot

_CONNECTIVE = re.compile(
    r"^(?:however|meanwhile|additionally|indeed|moreover|furthermore|nonetheless|also|still|yet|but|and|so|"
    r"despite this|in addition|at present|previously|in recent weeks, however)\s*,?\s+",
    re.IGNORECASE,
)
_DATEISH = re.compile(
    r"\b(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\b(?:19|20)\d\d\b|\b(?:last|this|next) "
    r"(?:year|month|week)\b|\b(?:yesterday|today|ago)\b|\bin (?:(?i:january|february|march|april|may|june|july|"
    r"august|september|october|november|december)|the summer|the fall|spring|winter)\b"
)
_WHY = re.compile(r"\b(?:because|reason|due to|in order|so that|caused|result|led to|concern|fear|after|since)\b", re.IGNORECASE)
_WHERE = re.compile(r"\b(?:in|at|from|near|to) (?:the )?[A-Z][a-z]")
NUMBER_NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


@dataclass
class Evidence:
    """A candidate sentence with its scores."""

    sid: str
    doc_id: str
    start: int
    end: int
    paragraph: int
    text: str
    dense: float = 0.0
    lexical: float = 0.0
    bonus: float = 0.0
    prior: float = 0.0

    @property
    def quote_start(self) -> int:
        """Where the cited quote starts: after a leading connective that `trim` drops from the answer."""
        return self.start + len(self.text) - len(_CONNECTIVE.sub("", self.text, count=1))

    @property
    def relevance(self) -> float:
        """How well the sentence itself matches the question (meaning, words, answer type)."""
        return 0.5 * self.dense + 0.4 * self.lexical + 0.1 * self.bonus

    @property
    def score(self) -> float:
        """Relevance, with the retrieval rank of its chunk as a small tie-breaker."""
        return self.relevance + 0.05 * self.prior


class CitationBook:
    """Numbers citations in order of first use; the same span always gets the same number."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.citations: list[Citation] = []
        self._by_span: dict[tuple[str, int, int], int] = {}

    def cite(self, doc_id: str, start: int, end: int) -> int:
        key = (doc_id, start, end)
        if key not in self._by_span:
            doc = self.snapshot.documents[doc_id]
            n = len(self.citations) + 1
            self.citations.append(
                Citation(n=n, doc_id=doc_id, title=doc.title, outlet=doc.outlet, date=doc.date,
                         quote=doc.text[start:end], start=start, end=end)
            )
            self._by_span[key] = n
        return self._by_span[key]


def trim(text: str) -> str:
    """Drop a leading connective ("However, ") and capitalise what is left."""
    out = _CONNECTIVE.sub("", text, count=1)
    return out[:1].upper() + out[1:] if out else text


def with_marker(sentence: str, n: int) -> str:
    """Put [n] before the sentence's final full stop ("… this [2]."), or after it for ! ? and quotes."""
    if sentence.endswith(".") and not sentence.endswith(".."):
        return f"{sentence[:-1]} [{n}]."
    return f"{sentence} [{n}]"


def is_heading(text: str) -> bool:
    """Headlines and subheads carry no terminal punctuation."""
    return not re.search(r"[.!?…\"”’:)]$", text.strip())


def _count_word(n: int) -> str:
    return NUMBER_NAMES[n] if n < len(NUMBER_NAMES) else str(n)


def _fmt(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


class ExtractiveAnswerer:
    """Grounded by construction: picks, trims and orders sentences; lays conflicting figures side by side."""

    name = "extractive"

    def __init__(self, settings: AnswerSettings, refusal: str) -> None:
        self.settings = settings
        self.refusal = refusal

    # ---- evidence -------------------------------------------------------------------------------
    def gather(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> list[Evidence]:
        """Sentences overlapping the retrieved chunks, scored against the question."""
        found: dict[str, Evidence] = {}
        for rank, chunk in enumerate(chunks, start=1):
            doc = snapshot.documents.get(chunk.doc_id)
            if doc is None:
                continue
            for i, s in enumerate(snapshot.sentences(chunk.doc_id)):
                if s.end <= chunk.start or s.start >= chunk.end:
                    continue
                sid = f"{chunk.doc_id}:s{i:04d}"
                if sid not in found and not looks_like_instruction(doc.text[s.start:s.end]):
                    found[sid] = Evidence(sid, chunk.doc_id, s.start, s.end, s.paragraph, doc.text[s.start:s.end],
                                          prior=1.0 / rank)
        evidence = list(found.values())
        if vector is not None and evidence:
            import numpy as np

            vectors = snapshot.sentence_vectors([e.sid for e in evidence])
            query = np.asarray(vector, dtype=np.float32)
            for e in evidence:
                v = vectors.get(e.sid)
                if v is not None:
                    e.dense = float(np.dot(query, v))
        weights = snapshot_idf(snapshot)
        q_terms = set(question.terms)
        total = sum(weights.get(t, weights["__max__"]) for t in q_terms) or 1.0
        for e in evidence:
            present = q_terms & sentence_terms(e.text)
            e.lexical = sum(weights.get(t, weights["__max__"]) for t in present) / total
            e.bonus = self._bonus(question, e.text)
        evidence.sort(key=lambda e: -e.score)
        return evidence

    def _bonus(self, question: Question, text: str) -> float:
        qtype = question.qtype
        if qtype == "quantity":
            return 1.0 if mentions(text) else 0.0
        if qtype == "when":
            return 1.0 if _DATEISH.search(text) else 0.0
        if qtype == "who":
            return 1.0 if person_names(text) or re.search(r"\bby (?:the )?[A-Z]|\b[A-Z]{3,}\b", text) else 0.0
        if qtype == "where":
            return 1.0 if _WHERE.search(text) else 0.0
        if qtype == "why":
            return 1.0 if _WHY.search(text) else 0.0
        if qtype == "what" and _DEED_ASKED.match(question.text):
            # "What did the gang in Acme plan to do?": the sentence that says the asked words beside the names
            # ("planning"), not one that only names the place
            asked = _asked_words(question.text)
            return len(asked & sentence_terms(text)) / len(asked) if asked else 0.0
        return 0.0

    def coverage(self, question: Question, snapshot: Snapshot, top: list[Evidence]) -> float:
        """idf-weighted share of the question's terms (or their word family) found in the best evidence."""
        q_terms = set(question.terms)
        if not q_terms:
            return 0.0
        weights = snapshot_idf(snapshot)
        seen: set[str] = set()
        for e in top:
            seen |= sentence_terms(e.text)
            seen |= set(terms(snapshot.documents[e.doc_id].title))
        covered = {t for t in q_terms if t in seen or any(related(t, s) for s in seen)}
        total = sum(weights.get(t, weights["__max__"]) for t in q_terms)
        return sum(weights.get(t, weights["__max__"]) for t in covered) / total

    # ---- answering --------------------------------------------------------------------------------
    def answer(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> Draft:
        evidence = self.gather(question, snapshot, chunks, vector)
        if self.should_abstain(question, snapshot, evidence):
            return Draft(text=self.refusal, abstained=True)
        book = CitationBook(snapshot)
        if question.is_quantity:
            draft = self._figures_answer(question, snapshot, evidence, book)
            if draft is not None:
                return draft
        return self._sentences_answer(question, snapshot, evidence, book)

    def should_abstain(self, question: Question, snapshot: Snapshot, evidence: list[Evidence]) -> bool:
        if not evidence or not question.terms:
            return True
        cov = self.coverage(question, snapshot, evidence[:5])
        s = self.settings
        dense = max(e.dense for e in evidence)
        if dense < s.min_dense or (cov < s.min_coverage and dense < s.dense_override):
            return True
        floor = 0.75 * evidence[0].score
        if question.kind == "age":  # an age is said "Jane Doe, 41," or "a 41-year-old", not as a count, and often
            # at a later mention that shares fewer of the question's words ("Mr Doe, 41,"); whose age it is, the
            # typed answerer checks
            return not any(states_age(e.text) for e in evidence[:8] if e.score >= 0.5 * evidence[0].score)
        if question.kind and not any(
            counts_what_is_asked(question, m) for e in evidence[:8] if e.score >= floor for m in mentions(e.text)
        ):
            return True  # asks to count an event the best evidence never counts (e.g. the wounded)
        # "names of…" needs person names in the evidence
        return question.wants_names and not any(person_names(e.text) for e in evidence[:5])

    def _sentences_answer(self, question: Question, snapshot: Snapshot, evidence: list[Evidence],
                          book: CitationBook) -> Draft:
        chosen: list[Evidence] = []
        best = evidence[0].score
        for e in evidence:
            if len(chosen) >= self.settings.max_sentences or e.score < self.settings.min_relative * best:
                break
            if any(_overlap(e.text, c.text) > 0.6 for c in chosen) or len(e.text) < 25 or is_heading(e.text):
                continue
            chosen.append(e)
        if not chosen:
            chosen = evidence[:1]
        chosen = self._widen(snapshot, evidence, chosen, best, why=question.qtype == "why")
        lead = self._lead(question, snapshot, chosen, book)
        order: list[str] = []
        for e in chosen[1:]:
            if e.doc_id not in order:
                order.append(e.doc_id)
        parts = [lead] if lead else []
        groups = [[chosen[0]]] + [sorted((c for c in chosen[1:] if c.doc_id == d), key=lambda c: c.start) for d in order]
        for group in groups:
            for e in group:
                n = book.cite(e.doc_id, e.quote_start, e.end)
                parts.append(with_marker(trim(e.text), n))
        return Draft(text=" ".join(parts), citations=book.citations, figures=self._plain_figures(question, snapshot, chosen[:1], book))

    def _plain_figures(self, question: Question, snapshot: Snapshot, chosen: list[Evidence],
                       book: CitationBook) -> list[Figure]:
        """The figure a single-fact quantity answer gives, in structured form."""
        if not question.is_quantity:
            return []
        out = []
        for e in chosen:
            doc = snapshot.documents[e.doc_id]
            for m in mentions(e.text):
                if counts_what_is_asked(question, m):
                    who, role = speaker_in(e.text, m.start)
                    n = book.cite(e.doc_id, e.quote_start, e.end)
                    out.append(Figure(value=m.value, display=m.display, what=m.what, scope=_new_scope(m), who=who,
                                      role=role, outlet=doc.outlet, date=doc.date, doc_id=e.doc_id, citation=n))
        return out[:1]

    def _widen(self, snapshot: Snapshot, evidence: list[Evidence], chosen: list[Evidence],
               best: float, why: bool) -> list[Evidence]:
        """Add the sentence that finishes the best one (a quote or 'He …' continuing it) and one
        sentence from a further article when it is nearly as relevant, so list answers span articles."""
        out = list(chosen)
        top = chosen[0]
        sentences = snapshot.sentences(top.doc_id)
        index = next((i for i, s in enumerate(sentences) if s.start == top.start), None)
        if index is not None and index + 1 < len(sentences):
            nxt = sentences[index + 1]
            text = snapshot.documents[top.doc_id].text[nxt.start:nxt.end]
            opens_quote = top.text.count("“") > top.text.count("”") or top.text.count('"') % 2 == 1
            # "He …", "This …", or "The gang …" after a sentence about a gang: the next sentence goes on about it
            opener = re.match(r"(?:(?P<pronoun>He|She|They|It|This|That|These|Those)|The (?P<noun>\w+))\b", text)
            continues = opener is not None and (opener.group("pronoun") is not None or (
                opener.group("noun").lower() in top.text.lower().split() and opener.group("noun").lower() not in STOPWORDS))
            reason = why and nxt.paragraph in (top.paragraph, top.paragraph + 1)
            if nxt.paragraph in (top.paragraph, top.paragraph + 1) and (opens_quote or continues or reason) and not any(
                c.start == nxt.start and c.doc_id == top.doc_id for c in out
            ) and not looks_like_instruction(text):
                # "Why …?": a best sentence that restates what is asked without a reason is followed by the reason;
                # the reason leads
                # (unless it opens by pointing back: "According to them, …" reads only after who "they" are)
                back = re.search(r"\b(?:he|she|they|them|it|his|her|their|this|these|those)\b",
                                 " ".join(text.split()[:4]), re.IGNORECASE)
                at = 0 if reason and not opens_quote and not back and not _WHY.search(top.text) else 1
                out.insert(at, Evidence(f"{top.doc_id}:next", top.doc_id, nxt.start, nxt.end, nxt.paragraph, text,
                                        top.dense, top.lexical, top.bonus, top.prior))
        covered = {c.doc_id for c in out}
        for e in evidence:
            if e.doc_id not in covered and e.score >= 0.55 * best and not is_heading(e.text) and len(e.text) >= 25:
                out.append(e)
                break
        return out[: self.settings.max_sentences + 1]

    def _lead(self, question: Question, snapshot: Snapshot, chosen: list[Evidence], book: CitationBook) -> str:
        """'X is the <role> [n].' for 'Who is X?' when an article describes X."""
        m = re.match(r"^\s*who (?:is|was) (?P<name>[^?]+?)\s*\??\s*$", question.text, re.IGNORECASE)
        if not m:
            return ""
        name = m.group("name").strip()
        for e in chosen:
            doc_text = snapshot.documents[e.doc_id].text
            speaker = describe(doc_text, name, None, snapshot.sentences(e.doc_id))
            if speaker.role and speaker.span:
                cited = doc_text[speaker.span[0] : speaker.span[1]]
                if not _stated_in(cited, speaker.who or name, speaker.role, name):
                    continue  # the template may only use words of the sentence it cites
                n = book.cite(e.doc_id, *speaker.span)
                first_word = speaker.role.split()[0].lower() if speaker.role.split() else ""
                article = "" if first_word in ("the", "a", "an") or first_word.endswith(("'s", "’s")) else "the "
                return f"{speaker.who or name} is {article}{speaker.role} [{n}]."
        return ""

    # ---- figures ----------------------------------------------------------------------------------
    def _figures_answer(self, question: Question, snapshot: Snapshot, evidence: list[Evidence],
                        book: CitationBook) -> Draft | None:
        """Side-by-side figures when attributed sources disagree; None when one plain fact answers."""
        if _AMOUNT.search(question.text):  # "how much did they pay": an amount, which counts of people never are
            return None
        found: list[tuple[Evidence, Mention, str | None, str | None]] = []
        for e in evidence[:24]:
            for m in mentions(e.text):
                if counts_what_is_asked(question, m):
                    found.append((e, m, *speaker_in(e.text, m.start)))
        if not found:
            return None
        asked = _asked_source(question.text)
        if asked:  # "… according to the agency's deputy chief?": that source's figures only, when it gave any
            def said_by(item: tuple[Evidence, Mention, str | None, str | None]) -> float:
                e, _, who, role = item
                speaker = describe(snapshot.documents[e.doc_id].text, who, role) if who else None
                credit = " ".join(x for x in (e.text, speaker.who if speaker else "", speaker.role if speaker else "")
                                  if x)
                return len(asked & set(tokens(credit))) / len(asked)
            best = max(said_by(f) for f in found)  # the source that matches most of the asked words
            if best >= 0.5:
                found = [f for f in found if said_by(f) == best]
        # which figures are on topic is a property of their sentences, not of where retrieval ranked the chunk
        # holding them (a re-chunked corpus moves ranks, and must not drop a figure)
        top = max(f[0].relevance for f in found)
        found = [f for f in found if f[0].relevance >= 0.7 * top]
        focus = set(question.focus)
        if any(focus & set(terms(m.what)) for _, m, _, _ in found):  # exact matches exist: others must be kin
            group = _focus_group(question)
            found = [f for f in found if focus & set(terms(f[1].what)) or (group and f[1].group == group)]
        places = _asked_places(question.text)
        if places:  # "How many … were killed in Zenda?": a figure whose paragraph never names Zenda counts elsewhere
            found = [f for f in found if _names_any(_paragraph_text(snapshot, f[0]), places)]
            if not found:
                return None
        if found[0][2] is None:  # the best evidence states the figure as plain fact
            return None
        kept: dict[tuple[str, float], tuple[Evidence, Mention, str | None, str | None]] = {}
        for item in found:
            e, m, who, _ = item
            key = (e.doc_id, m.value)
            if who is None:
                continue
            if key not in kept or (kept[key][0].paragraph == 0 and e.paragraph > 0):
                kept[key] = item
        values = {m.value for _, m, _, _ in kept.values()}
        if len(values) < 2:
            return None
        rows = sorted(kept.values(), key=lambda it: (-it[1].value, it[2] or ""))[: self.settings.max_figures]
        lines: list[str] = []
        figures: list[Figure] = []
        for e, m, who, role in rows:
            doc = snapshot.documents[e.doc_id]
            speaker = describe(doc.text, who, role)
            n = book.cite(e.doc_id, e.start, e.end)
            marks = f"[{n}]"
            if speaker.span and not (speaker.span[0] <= e.start < speaker.span[1]):
                marks += f"[{book.cite(e.doc_id, *speaker.span)}]"
            f = Figure(value=m.value, display=m.display, what=m.what, scope=_new_scope(m), who=speaker.who,
                       role=speaker.role, outlet=doc.outlet, date=doc.date, doc_id=e.doc_id, citation=n)
            figures.append(f)
            what = f.what + (f", {f.scope}" if f.scope else "")
            source = ", ".join(x for x in (f.outlet, f.date) if x)
            credit = f.attribution + (f" ({source})" if source else "")
            lines.append(f"- **{f.display}** {what} — {credit} {marks}")
        low, high = min(figures, key=lambda f: f.value), max(figures, key=lambda f: f.value)
        lead = (f"The articles give {_count_word(len(values))} different figures, from different sources; "
                "they differ in who counted and in scope:")
        summary = (f"Estimates range from about {_as_written(low)} [{low.citation}] "
                   f"to {_as_written(high)} [{high.citation}].")
        return Draft(text="\n".join([lead, *lines, summary]), citations=book.citations, figures=figures)


_AMOUNT = re.compile(r"\bhow much\b", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording to (?:the |a |an )?([^?.!,]+)", re.IGNORECASE)


_IN_PLACE = re.compile(r"\b(?:in|at|from|near|across) ((?:[A-Z][\w'’-]*)(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*)")


def _asked_places(question: str) -> set[str]:
    """The words of a name a question places what it counts in ("… killed in Zenda-Ormsby?": zenda, ormsby)."""
    return {w for m in _IN_PLACE.finditer(question) for w in re.findall(r"[a-z]{3,}", m.group(1).lower())}


def _names_any(text: str, words: set[str]) -> bool:
    """Does the text name one of the words, or a form sharing its first five letters ("Zendan" for Zenda)?"""
    found = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}
    return any(w in found or any(f[:5] == w[:5] and len(w) >= 5 for f in found) for w in words)


def _paragraph_text(snapshot: Snapshot, e: Evidence) -> str:
    """The text of the paragraph a sentence stands in."""
    doc = snapshot.documents[e.doc_id].text
    return " ".join(doc[s.start : s.end] for s in snapshot.sentences(e.doc_id) if s.paragraph == e.paragraph)


def _asked_source(question: str) -> set[str]:
    """The content words of "according to X" in a question (acronyms folded as the articles define them)."""
    m = _ACCORDING.search(question)
    return {w for w in tokens(m.group(1)) if w not in STOPWORDS} if m else set()


_COUNTED = re.compile(r"\bhow many (\w+)(?: (\w+))?", re.IGNORECASE)
_AUXILIARY = {"were", "was", "are", "is", "have", "has", "had", "did", "do", "does", "will", "would", "could", "can",
              "may", "might", "remain", "remained"}


def _counts_a_noun(question: str) -> bool:
    """'how many X' where X is the counted noun: a plural, or followed by a verb ('how many police were hurt'),
    not a verb itself ('of the nine, how many left')."""
    m = _COUNTED.search(question)
    if not m:
        return False
    word, after = m.group(1).lower(), (m.group(2) or "").lower()
    return (word.endswith("s") and not word.endswith("ss")) or after in _AUXILIARY or after.endswith("ed")


_GENERIC_FOCUS = {stem(w) for w in ("people", "persons", "person", "individuals", "times", "cases")}


def _stated_in(cited: str, who: str, role: str, asked: str) -> bool:
    """'<who> is the <role>' is grounded in `cited`: the person and the role stand in it, and so does every
    capitalised word of what was asked ('the chief executive of Acme Bank' needs 'Acme' and 'Bank')."""
    low = cited.lower()
    names = [] if person_names(asked) else re.findall(r"\b[A-Z][\w'’-]+", asked)  # a person may be spelled otherwise
    return who.lower() in low and role.lower() in low and all(w.lower() in low for w in names)


def counts_what_is_asked(question: Question, m: Mention) -> bool:
    """Does this number count what the question asks about (same kind of event, same kind of people)?"""
    if question.kind and m.kind != question.kind:
        return False
    if set(question.focus) & set(terms(m.what)):
        return True
    if m.group is None:
        return False
    q_group = _focus_group(question)
    if q_group is None and set(question.focus) - _GENERIC_FOCUS and _counts_a_noun(question.text):
        return False  # "how many attackers": a count of civilians or of servicemen does not count attackers
    return q_group is None or m.group in (q_group, "people")


def _new_scope(m: Mention) -> str | None:
    """The stated scope without what the counted phrase already says."""
    if not m.scope:
        return None
    parts = [p for p in m.scope.split(", ") if p not in m.what]
    return ", ".join(parts) or None


_DEED_ASKED = re.compile(r"\s*what (?:did|does|do|will|would|has|have|had)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _asked_words(question: str) -> frozenset[str]:
    """The question's own words that are not names (not capitalised after its first word), as terms."""
    own = question.split(" (about: ")[0]
    words = own.split()
    return frozenset(terms(" ".join(w for i, w in enumerate(words) if i == 0 or not w[:1].isupper())))


@lru_cache(maxsize=200_000)
def sentence_terms(text: str) -> frozenset[str]:
    """Stemmed terms of a stored sentence (cached: the same sentences are scored again and again)."""
    return frozenset(terms(text))


def _focus_group(question: Question) -> str | None:
    return role_group(set(question.focus))


def _overlap(a: str, b: str) -> float:
    ta, tb = set(terms(a)), set(terms(b))
    return len(ta & tb) / max(1, min(len(ta), len(tb)))


def snapshot_idf(snapshot: Snapshot) -> dict[str, float]:
    """Inverse sentence frequency of each stemmed term in this generation (computed once per snapshot)."""
    cached = snapshot.__dict__.get("_idf")
    if cached is None:
        df: dict[str, int] = {}
        n = 0
        for doc_id, doc in snapshot.documents.items():
            for s in snapshot.sentences(doc_id):
                n += 1
                for t in sentence_terms(doc.text[s.start:s.end]):
                    df[t] = df.get(t, 0) + 1
        cached = {t: math.log(1 + n / c) for t, c in df.items()}
        cached["__max__"] = math.log(1 + n)
        snapshot.__dict__["_idf"] = cached
    return cached  # type: ignore[no-any-return]


def _as_written(f: Figure) -> str:
    """The figure's number as its quote writes it ("six", "2,500"), so the summary line stays grounded."""
    m = re.search(r"\d[\d,.]*(?:\s+(?:million|billion|thousand))?|[A-Za-z-]+$", f.display)
    return m.group().strip() if m else _fmt(f.value)
