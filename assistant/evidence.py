"""The evidence stage of the grounded engine: sentences of the retrieved chunks scored against the question's
frame (constraint coverage, dense similarity, answer type), candidate spans of the expected type, and who a
sentence is about or who speaks in it.

Usage::

    stage = EvidenceStage(settings.answer)
    frame = stage.frame(question, snapshot)
    evidence = stage.gather(frame, snapshot, chunks, vector)          # list[Scored], best first
    stage.candidates(frame, snapshot, evidence[0])                    # [(start, end, label, score)]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from assistant.answer import RetrievedChunk
from assistant.frame import (
    AS_ROLE,
    GENERIC_NOUNS,
    NAMED_KIND_NOUNS,
    PEOPLE_BODIES,
    PLACE_NOUNS,
    ROLE_HOLDER,
    YEAR,
    Frame,
    Lexicon,
    analyse_frame,
    aside_words,
    build_lexicon,
    stem,
)
from assistant.lexicon import (
    FEMALE_NOUNS,
    MALE_NOUNS,
    MONTHS,
    PERSON_NOUNS,
    RELATION_NOUNS,
    SPELT_NUMBER,
    STOPWORDS,
    SYNONYMS,
    noun_gender,
)
from assistant.question import Question, looks_like_instruction
from assistant.settings import AnswerSettings
from index.language import Entity, ParsedSentence, Token, english_pos, is_english_word
from index.snapshot import Snapshot


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
    # the token positions of its matched words (for `_closeness`; found once, when first asked)
    matched_at: list[int] | None = field(default=None, repr=False, compare=False)


class EvidenceStage:
    """Scores evidence sentences and finds typed candidate spans; the composers build on it."""

    def __init__(self, settings: AnswerSettings) -> None:
        self.settings = settings
        self._memo: tuple[tuple[object, ...], list[Scored]] | None = None  # the last gather: its key and result
        self._frame_memo: tuple[str, Lexicon, Frame] | None = None  # the last question's frame

    @staticmethod
    def lexicon(snapshot: Snapshot) -> Lexicon:
        cached = snapshot.__dict__.get("_lexicon")
        if cached is None:
            cached = build_lexicon(snapshot)
            snapshot.__dict__["_lexicon"] = cached
        return cached  # type: ignore[no-any-return]

    def frame(self, question: Question, snapshot: Snapshot) -> Frame:
        lexicon, memo = self.lexicon(snapshot), self._frame_memo  # the stages of one answer ask for it in turn
        if memo is not None and memo[0] == question.text and memo[1] is lexicon:
            frame = memo[2]
        else:
            frame = analyse_frame(question.text, lexicon)
            self._frame_memo = (question.text, lexicon, frame)
        return replace(frame, prefer_docs=question.prefer_docs) if question.prefer_docs else frame

    def _terms_of(self, snapshot: Snapshot, doc_id: str, s: ParsedSentence) -> frozenset[str]:
        """Lemmas and lower-cased words of a stored sentence (kept per snapshot: asked again for every question)."""
        cache = snapshot.__dict__.setdefault("_sentence_terms", {})
        key = (doc_id, s.start)
        found = cache.get(key)
        if found is None:
            text = snapshot.documents[doc_id].text
            found = frozenset({t.lemma for t in s.tokens} | {text[t.start : t.end].lower().replace("’", "'")
                                                              for t in s.tokens} | _initials(text, s))
            cache[key] = found
        return found  # type: ignore[no-any-return]

    def gather(self, frame: Frame, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> list[Scored]:
        """Sentences of the retrieved chunks, scored by constraint coverage, dense similarity and answer type.
        The last result is kept: the default answerer asks whether to refuse, then for the answer, on the same
        evidence."""
        key = (frame.text, frame.intent, frame.answer_type, frame.prefer_docs, id(snapshot), tuple(c.chunk_id for c in chunks),
               None if vector is None else id(vector))
        memo = self._memo
        if memo is not None and memo[0] == key:
            return list(memo[1])
        scored = self._gather(frame, snapshot, chunks, vector)
        self._memo = (key, scored)
        return list(scored)

    def _gather(self, frame: Frame, snapshot: Snapshot, chunks: list[RetrievedChunk],
                vector: list[float] | None) -> list[Scored]:
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
        lexicon = self.lexicon(snapshot)
        aside = {lexicon.normal(w) for w in aside_words(frame.text)}  # which one is meant, not what is asked
        for e in scored:
            own = self._terms_of(snapshot, e.doc_id, e.sentence) | self._referred(snapshot, e)
            context = own | self._context_terms(snapshot, e)
            own_family, context_family = _family(frozenset(own)), _family(frozenset(context))
            e.matched = {t for t in frame.terms if t in own or (t not in frame.hard and (
                _kin(t, own, own_family) or SYNONYMS.get(t, frozenset()) & own))}
            e.near = e.matched | {t for t in frame.terms if t in context or ((t not in frame.hard or t == frame.focus) and (
                _kin(t, context, context_family) or SYNONYMS.get(t, frozenset()) & context))}  # ("bank staff"
            # are the counted "bank employees")
            e.coverage = sum(frame.weights.get(t, 1.0) for t in e.matched) / total
            # every name of the question is matched by one of its words ("Mr Doe" matches "Jane Doe"); a name
            # that says which article is asked about is matched anywhere in that article
            e.hard_ok = all(any(t in context or _name_kin(t, context_family) for t in group) or (
                set(group) <= set(frame.scope) and set(group) <= self._doc_terms(snapshot, e.doc_id)) or (
                group == (frame.focus,) and (
                group[0] in e.near or e.dense >= self.settings.hard_relief_dense)) for group in frame.groups) or (
                e.coverage >= self.settings.hard_relief_coverage and e.dense >= self.settings.hard_relief_dense)
            predicate = [t for t in frame.terms if t not in frame.hard and t not in aside
                         and frame.weights.get(t, 0) > 0]
            e.predicate_ok = not predicate or bool(set(predicate) & e.matched) or e.dense >= self.settings.dense_override
            e.near_coverage = sum(frame.weights.get(t, 1.0) for t in e.near) / total
            typed = bool(self.candidates(frame, snapshot, e)) if frame.labels else False
            e.score += (self.settings.weight_coverage * e.coverage + self.settings.weight_dense * e.dense
                        + self.settings.weight_type * typed + (0.1 if e.hard_ok else 0.0)
                        + (self.settings.weight_followup_doc if e.doc_id in frame.prefer_docs else 0.0))
        scored.sort(key=lambda e: -e.score)
        return scored

    def _referred(self, snapshot: Snapshot, e: Scored) -> frozenset[str]:
        """Words of the name a sentence means without saying it: the referent of its subject pronoun, or the speaker
        of its quoted words ("He said the fighters are 'jerks'" is matched by the name of who "he" is), and whom
        "the 26-year-old" stands for. Kept per snapshot: it does not depend on the question."""
        cache = snapshot.__dict__.setdefault("_referred", {})
        key = (e.doc_id, e.index)
        found = cache.get(key)
        if found is None:
            named = self.attribution(snapshot, e)
            text = snapshot.documents[e.doc_id].text
            aged = _aged_referent(text, snapshot.sentences(e.doc_id), e.index)  # "the 26-year-old's background"
            spans = [x for x in (named[1] if named is not None else None, aged) if x is not None]
            found = frozenset(w.lower() for a, b in spans for w in re.findall(r"[A-Za-z][\w'-]*", text[a:b]))
            cache[key] = found
        return found

    def _doers(self, frame: Frame, snapshot: Snapshot, e: Scored) -> set[int] | None:
        """Token indices of the subjects and agents of the sentence's verbs that are the question's verbs (with what
        stands beside them: compounds, appositions, conjuncts; a relative "who" stands for the noun it follows);
        None when the sentence has none of the question's verbs as a verb."""
        verb = self._asked_verb(frame, snapshot)
        return None if verb is None else self._doers_of(verb, snapshot, e)

    def _doers_of(self, verb: str, snapshot: Snapshot, e: Scored) -> set[int] | None:
        """`_doers` for the question's verb, already read."""
        tokens = e.sentence.tokens
        # (a verb used as an adjective, "record-breaking ways", "the wounded", says no one did it here)
        found = [i for i, t in enumerate(tokens) if t.pos == "VERB" and t.lemma == verb and t.dep != "amod"]
        if not found:
            return None
        children: dict[int, list[int]] = {}
        for i, t in enumerate(tokens):
            children.setdefault(t.head, []).append(i)

        def subtree(i: int) -> set[int]:
            out, todo = {i}, [i]
            while todo:
                for c in children.get(todo.pop(), []):
                    if c not in out and c != i:
                        out.add(c)
                        todo.append(c)
            return out

        def subjects_of(h: int) -> set[int]:
            return set().union(*(subtree(c) for c in children.get(h, []) if c != h and tokens[c].dep in ("nsubj", "csubj")))

        text = snapshot.documents[e.doc_id].text
        doers: set[int] = set()
        for v in found:
            for c in children.get(v, []):
                if c == v:
                    continue
                if tokens[c].dep in ("nsubj", "nsubjpass", "csubj"):
                    if text[tokens[c].start : tokens[c].end].lower() in ("who", "which", "that") and \
                            tokens[v].dep == "relcl":
                        doers |= subtree(tokens[v].head) - subtree(v)
                    else:
                        doers |= subtree(c)
                elif tokens[c].dep == "agent":
                    doers |= subtree(c)
            own = any(tokens[c].dep in ("nsubj", "nsubjpass", "csubj") for c in children.get(v, []) if c != v)
            head = tokens[v].head
            if head == v or own:
                continue
            if tokens[v].dep == "xcomp":  # "Jo Roe was to scatter them", "decided to quit": the head's subject
                doers |= subjects_of(head)
            if text[tokens[v].start : tokens[v].end].lower().endswith("ing"):
                if tokens[v].dep == "acl":  # "Jo Roe, speaking at the launch, said …": Jo Roe spoke
                    doers |= subtree(head) - subtree(v)
                elif tokens[v].dep == "advcl":
                    doers |= subjects_of(head)
        return doers

    def _doing_body(self, frame: Frame, snapshot: Snapshot, e: Scored, ent: Entity) -> bool:
        """"Which airline is offering $5 flights?" against "Acme Bluesky has begun offering $5 flights" (the small model
        tagged "Acme Bluesky" a person): the subject of a sentence that does the question's verb is the body asked for,
        unless a title before it says it is someone ("Pilot Jo Roe flew …")."""
        tokens = e.sentence.tokens
        before = [t for t in tokens if t.end <= ent.start]
        titled = bool(before) and (before[-1].lemma in PERSON_NOUNS or before[-1].lemma in self.lexicon(snapshot).titles)
        deeds = {k for k, t in enumerate(tokens) if t.pos == "VERB" and t.lemma in frame.terms and t.lemma not in SPEECH_VERBS}
        # its subject: of the verb itself, or of the verb it completes ("has begun offering")
        heads = deeds | {tokens[k].head for k in deeds if tokens[k].dep == "xcomp"}
        return not titled and any(ent.start <= t.start < ent.end and t.dep == "nsubj" and t.head in heads for t in tokens)

    def _asked_verb(self, frame: Frame, snapshot: Snapshot) -> str | None:
        """The verb of a "Who <verb> …?" question ("filed" of "Who filed the lawsuit?"), as the corpus normalises it;
        None for another question, or for a verb of saying ("Who said …" is read from quotes and speakers)."""
        m = re.match(r"\s*who\s+(?:(?:is|was|were|are|has|have|had|did|does|do|will|would|could|can|been|being|"
                     r"first|later|then|also|actually|reportedly|(?:going|about|set|due|supposed|expected|likely|scheduled)\s+to)\s+)*"
                     r"([a-z]+)", frame.text, re.IGNORECASE)  # "going to", "supposed to": the verb follows
        if m is None:
            return None
        surface = m.group(1).lower()
        tags = self.lexicon(snapshot).pos.get(surface)
        verb = self.lexicon(snapshot).normal(surface)
        if not (tags.most_common(1)[0][0] == "VERB" if tags else "verb" in english_pos(surface)):
            return None
        # "Who wrote the book?" asks for a deed; "Who wrote that …?", "Who said …?" for words
        made = re.match(r"\s+(?:the|a|an|this|these|those|his|her|their|its)\s", frame.text[m.end() :], re.IGNORECASE)
        return None if verb in SPEECH_VERBS and not (made and verb == "write") else verb

    def _is_verb(self, snapshot: Snapshot, term: str) -> bool:
        """Mostly a verb in the articles or, for a word they never use, only a verb in the dictionary."""
        lexicon = self.lexicon(snapshot)
        tags = lexicon.pos.get(term) or lexicon.lemma_pos.get(term)
        if tags:
            return tags.most_common(1)[0][0] == "VERB"
        return english_pos(term) == {"verb"}

    def _doc_terms(self, snapshot: Snapshot, doc_id: str) -> frozenset[str]:
        """Every lemma and lower-cased word of an article (kept per snapshot)."""
        cache = snapshot.__dict__.setdefault("_doc_terms", {})
        found = cache.get(doc_id)
        if found is None:
            found = frozenset().union(*(self._terms_of(snapshot, doc_id, s) for s in snapshot.sentences(doc_id)))
            cache[doc_id] = found
        return found  # type: ignore[no-any-return]

    def _context_terms(self, snapshot: Snapshot, e: Scored) -> frozenset[str]:
        """Words of the neighbouring sentences of the same paragraph and of the article's title (kept per
        snapshot)."""
        cache = snapshot.__dict__.setdefault("_context_terms", {})
        found = cache.get((e.doc_id, e.index))
        if found is not None:
            return found  # type: ignore[no-any-return]
        sentences = snapshot.sentences(e.doc_id)
        out: set[str] = set()
        for j in (e.index - 1, e.index + 1, e.index - 2):
            if 0 <= j < len(sentences) and abs(sentences[j].paragraph - e.sentence.paragraph) <= 1:
                out |= self._terms_of(snapshot, e.doc_id, sentences[j])
        if sentences and sentences[0].paragraph == 0 and e.index != 0:
            out |= self._terms_of(snapshot, e.doc_id, sentences[0])
        cache[(e.doc_id, e.index)] = found = frozenset(out)
        return found

    def candidates(self, frame: Frame, snapshot: Snapshot, e: Scored) -> list[tuple[int, int, str, float]]:
        """(start, end, label, score) of spans of the expected type that are not words of the question."""
        text = snapshot.documents[e.doc_id].text
        out = []
        q_words = set(frame.names) | set(frame.terms)
        # a company or another body that is not a group of people is asked for ("Which airline …?")
        company_asked = frame.answer_type == "ORG" and frame.focus is not None and frame.focus not in PEOPLE_BODIES
        far = frame.answer_type == "QUANTITY" and _HOW_FAR.search(frame.text) is not None

        def unmeasured(start: int, end: int) -> bool:
            """"how high, in metres": only a span measured in metres answers; "How far …?" only a distance (not
            "two sheds")."""
            return bool(frame.unit and frame.unit not in text[start : end + 12].lower()) or (
                far and not _DISTANCE.search(text[start : end + 14]))
        # quoted words whose speaker is named where the quotation closes ('…," she wrote on Chirper on Monday'):
        # that sentence says where and when they were said
        where_said = _quotes_words(e.text) and (frame.answer_type in ("ORG", "OUTLET") or (
            frame.answer_type in ("PLACE", "DATE") and bool(set(frame.terms) & _PUBLISHING)))
        # who a pronoun subject stands for, or who speaks the sentence's quoted words (looked up once)
        said = self.attribution(snapshot, e) if where_said or frame.answer_type in ("PERSON", "ORG", "NAME") else None
        for ent in map(_trim_entity(text), relabelled(text, e.sentence)):
            # a percentage: the parser's "92 per cent" as an amount of money, or "just over 1" + " per cent" (the
            # unit left out of the number)
            unit = _PERCENT_AFTER.match(text, ent.end) if ent.label == "CARDINAL" else None
            if unit or _PERCENT.search(text[ent.start : ent.end]):
                ent = Entity(ent.start, unit.end() if unit else ent.end, "PERCENT")
            if ent.label == "PERSON" and company_asked and (_thing_appositive(e.sentence, ent) or self._doing_body(
                    frame, snapshot, e, ent)):
                ent = Entity(ent.start, ent.end, "ORG")  # "the biggest pay television operator, Acmestar"
            if ent.label not in frame.labels or (ent.label in ("NORP", "PERSON") and company_asked):
                continue  # "Which airline …?" is never answered by a nationality or by a person
            if ent.label in ("NORP", "PERSON") and frame.answer_type in ("PERSON", "ORG") and _modifier(e.sentence, ent):
                continue  # "Freedonian" of "Freedonian leader Jo Roe", "Islander" of "the Islander population"
                # describe someone or something; they are nobody themselves
            surface = text[ent.start : ent.end]
            if names_the_asked(frame, surface):
                continue
            if frame.answer_type == "PLACE" and _speaks(e.sentence, ent.start, ent.end):
                continue  # "Geo-science Zenda says the epicentre was in …": who says so, not where
            if frame.answer_type == "PERSON" and ent.label == "PERSON" and _other_holder(frame, text, e.sentence, ent):
                continue  # "Harlow Foreign Minister Jo Roe" is not Zenda's; "Deputy Premier Jo Roe" not the premier
            if frame.focus and frame.answer_type in ("PLACE", "ORG") and _kind_of_many(text, e.sentence, ent, frame.focus):
                continue  # "Which Acme nation …?" is not answered by the "Acme Island" of "Acme Island nations"
            if frame.answer_type == "AGE" and not _looks_like_age(text, ent.start, ent.end):
                continue
            if frame.answer_type == "COUNT" and re.fullmatch(r"(?:19|20)\d\d", surface.strip()):
                continue
            if frame.answer_type in _NUMBER_TYPES and _CLOCK.search(surface):
                continue  # "about 12:30am", tagged a number by the small model, is a time of day, never a count
            if frame.answer_type == "DATE" and _CALENDAR_ASKED.search(frame.text) and (
                    ent.label == "TIME" or not _CALENDAR.search(surface)):
                continue  # "On what date …?" is not answered by "early this morning" or "on Sunday"
            part = _CALENDAR_PART_ASKED.search(frame.text) if frame.answer_type == "DATE" else None
            if part is not None and not (_MONTH_NAME if part.group(1).lower() == "month" else _YEAR_NUMBER).search(surface):
                continue  # "In which month …?" is answered by a month, "In what year …?" by a year, not "this morning"
            if frame.answer_type in ("DURATION", "DATE") and _looks_like_age(text, ent.start, ent.end):
                continue
            if frame.answer_type == "DATE" and _DURATION.fullmatch(surface) and not re.match(
                    r"\s+(?:ago|earlier|later|before|after)\b", text[ent.end : ent.end + 8]):
                continue  # "When …?" is not answered by "a 16-hour debate" or "for two days"
            if unmeasured(ent.start, ent.end):
                continue
            bonus = 0.0
            if frame.answer_type == "PERSON":
                bonus = {"PERSON": 0.3, "ORG": 0.1}.get(ent.label, 0.0)
            if frame.answer_type == "ORG":
                bonus = {"ORG": 0.3}.get(ent.label, 0.0)
            end = _with_unit(text, e.sentence, ent.end) if ent.label == "CARDINAL" else ent.end
            out.append((ent.start, end, ent.label, bonus + self._closeness(frame, snapshot, e, ent.start)))
        if frame.answer_type == "PERSON" and _SPEECH_ASKED.search(frame.text) and _quotes_words(e.text) and \
                _speaker_in(text, e.sentence) is not None:  # "Which fireman told the trial …?": the one who speaks,
            quoted = _quoted_ranges(text, e.sentence)
            out = [c for c in out if not any(a < c[0] < b for a, b in quoted)]  # not a name inside the quote
        asked = _asked_gender(frame.text)
        if asked and frame.answer_type in ("PERSON", "PERSON_NAME"):  # "Which woman …?": never a man the articles call he
            gender_of = self.lexicon(snapshot).gender_of
            out = [c for c in out if c[2] == "PERSON" and gender_of(text[c[0] : c[1]]) in (None, asked)]
        if frame.answer_type == "PERSON" and re.match(r"\s*who\b", frame.text, re.IGNORECASE) and not (
                AS_ROLE.match(frame.text.lower())):  # (the role says who: "the new coach, Jo Roe")
            # "Who filed the lawsuit?" against "The papers, filed in a lawsuit, name Acme": whoever the sentence
            # names is not the one who filed unless they are the subject (or agent) of its "filed"
            verb = self._asked_verb(frame, snapshot)
            doers = None if verb is None else self._doers_of(verb, snapshot, e)
            agents = [] if verb is None or doers is not None else _agent_nouns(e.sentence, verb)
            if doers is not None:
                out = [c for c in out if _token_at(e.sentence, c[0]) in doers]
            elif agents:  # "Who owns the resort?" against "the resort owner, Jo Roe,": whoever stands beside "owner"
                out = [c for c in out if e.sentence.start <= c[0] < e.sentence.end and c[2] == "PERSON"
                       and any(_beside(e.sentence, c[0], c[1], r) for r in agents)]
                gap = {c: min(abs(_token_at(e.sentence, c[0]) - r) for r in agents) for c in out}
                out = [c for c in out if gap[c] == min(gap.values())]  # the nearest ("the painter Al Vosk, resort
                # owner, Rex Dobbin": Rex Dobbin)
            elif frame.intent == "factoid" and verb is not None and verb in frame.terms and verb not in e.matched:
                if not _QUOTE_OR_SPEECH.search(e.text):
                    # "Who filed the lawsuit?" against a sentence that never says who filed anything (nor in other
                    # words): the people it names did something else
                    out = [c for c in out if not e.sentence.start <= c[0] < e.sentence.end]
                elif verb not in STANCE_VERBS and not _SAID_ASKED.match(frame.text) and (
                        speaker := _speaker_in(text, e.sentence)) is not None:
                    # "Who captained the side?" against "Coach Jo Roe says his team …": whoever says it did not do
                    # the deed by saying it (they may by "criticising" or "denying" it: a stance is said)
                    out = [c for c in out if not speaker[0] <= c[0] < speaker[1]]
        if frame.answer_type in _NUMBER_TYPES:
            inside = [(x.start, x.end) for x in e.sentence.entities]
            for t in e.sentence.tokens:
                if t.pos == "NUM" and not any(a <= t.start < b for a, b in inside):
                    surface = text[t.start : t.end]
                    if surface.lower() in q_words or (frame.answer_type == "AGE"
                                                      and not _looks_like_age(text, t.start, t.end)):
                        continue
                    if _CLOCK.search(text[t.start : t.end + 4]):
                        continue
                    if unmeasured(t.start, t.end):
                        continue
                    end = _with_unit(text, e.sentence, t.end)
                    out.append((t.start, end, "CARDINAL", self._closeness(frame, snapshot, e, t.start)))
        people = [n for n in _age_subject(frame) if _mostly(self.lexicon(snapshot).entity_words.get(n), "PERSON")] \
            if frame.answer_type == "AGE" else []
        if people:
            # "How old is Jo Roe?": an age beside that name ("Roe, 41,", "41-year-old Jo Roe") or said of the
            # clause's subject ("Jo Roe … died on Monday aged 72"), not someone else's ("coach Jo Roe ended his
            # contract with the 20-year-old")
            def aged(c: tuple[int, int, str, float]) -> bool:  # "the 26-year-old's background", of one of them
                who = _aged_referent(text, snapshot.sentences(e.doc_id), e.index, c[0])
                return who is not None and bool(set(re.findall(r"[a-z]+", text[who[0] : who[1]].lower())) & set(people))
            out = [c for c in out if _age_of(text, e.sentence, c[0], c[1], set(people)) or aged(c)]
        if frame.answer_type in ("PERSON", "ORG", "NAME"):
            # the sentence's subject is a pronoun, or its quoted words' speaker is named nearby: that referent
            # or speaker is who did (or said) what the question asks
            pronoun = subject_pronoun(text, e.sentence)
            if said is not None:
                a, b = said[1]
                tagged = label_at(said[0], a)
                # "Which airline …?" is not answered by a place or people "they" stands for; nor is any question by
                # its own subject
                label = "ORG" if pronoun in ("it", "they") else "PERSON"
                # nor is "Which party …?" by the people "the pair" or "he" stands for
                if not (company_asked and tagged != "ORG") and not names_the_asked(frame, text[a:b]) and not (
                        frame.answer_type == "ORG" and label == "PERSON"):
                    out.append((a, b, label, 0.8))
        if where_said and said is not None and said[0].start != e.sentence.start:
            out += [(x.start, x.end, x.label, 0.3) for x in map(_trim_entity(text), said[0].entities)
                    if x.label in frame.labels and not (x.start <= said[1][0] < x.end)
                    and not names_the_asked(frame, text[x.start : x.end])]
            if frame.answer_type in ("OUTLET", "ORG"):  # "… wrote Jo Roe on Chirper": the medium, which the
                out += [(a, b, "ORG", 0.3) for a, b in _media(text, said[0])  # recogniser may fold into the name
                        if not _covered(out, a)]
        if frame.answer_type in ("PERSON", "PERSON_NAME") and not any(c[2] == "PERSON" for c in out):
            out += [(a, b, "PERSON", 0.1 + self._closeness(frame, snapshot, e, a))
                    for a, b in untagged_names(text, e.sentence) if not names_the_asked(frame, text[a:b])]
        if frame.answer_type in ("PERSON", "PERSON_NAME") and frame.focus and (
                _ROLE_QUESTION.match(frame.text) or ROLE_HOLDER.match(frame.text.lower()) or AS_ROLE.match(frame.text.lower())):
            roles = _role_tokens(frame, text, e.sentence)
            if roles:  # the role is in the sentence: only a name standing beside it is that person's
                out = [c for c in out if e.sentence.start <= c[0] < e.sentence.end and c[2] == "PERSON"
                       and any(_beside(e.sentence, c[0], c[1], r) for r in roles)]
                held = None if out else _role_named_elsewhere(text, snapshot.sentences(e.doc_id), e.index, frame.focus)
                if held is not None and not names_the_asked(frame, text[held[0] : held[1]]):
                    out = [(held[0], held[1], "PERSON", 0.5)]  # "the coroner said …"; "the coroner, Jo Roe, said"
            else:  # "Who is the chief executive of X?", "the name of the fighter": whoever a sentence without the
                out = []  # role names is not known to hold it; the one person its article names with that bare
                # title ("Chief executive Jo Roe said …", not "Acme chief executive Al Poe") may be
                held = _role_named_elsewhere(text, snapshot.sentences(e.doc_id), e.index, frame.focus,
                                             owners=frozenset(frame.names) | frozenset(frame.terms)) \
                    if e.hard_ok and frame.focus in PERSON_NOUNS - GENERIC_NOUNS else None
                if held is not None and not names_the_asked(frame, text[held[0] : held[1]]):
                    out = [(held[0], held[1], "PERSON", 0.3)]
        elif frame.answer_type == "PERSON" and frame.focus and _WHICH.match(frame.text):
            focus = frame.focus
            if any(t.lemma == focus for t in e.sentence.tokens):
                # "Which premier did they meet?": where the sentence names the role, its holder stands beside it
                out = [c for c in out if not (e.sentence.start <= c[0] < e.sentence.end and c[2] == "PERSON")
                       or titled_as(e.sentence, c[0], c[1], focus)]
        if frame.answer_type == "NAME" and frame.focus:  # "the Freedonian Zephyr module": a proper noun the small
            out += [c for c in _named_by_compound(text, e.sentence, frame.focus)  # model left untagged, naming
                    if not _covered(out, c[0]) and not names_the_asked(frame, text[c[0] : c[1]])]
            # "the name of the website": a name standing beside that noun, and a place's name only when a place
            place = frame.focus in PLACE_NOUNS  # is asked for
            out = [c for c in out if (place or c[2] not in ("GPE", "LOC")) and titled_as(e.sentence, c[0], c[1], frame.focus)]
        if frame.focus and frame.answer_type in ("PLACE", "ORG"):  # "Which township …?": "the Zenda township"
            label = "GPE" if frame.answer_type == "PLACE" else "ORG"
            out += [c for c in _named_kind(text, e.sentence, frame.focus, label)
                    if not _covered(out, c[0]) and not names_the_asked(frame, text[c[0] : c[1]])]
        if frame.answer_type in ("ORG", "OUTLET"):  # "Acmenews.net said …": a web address names a website
            out += [(m.start(), m.end(), "ORG", 0.3 + self._closeness(frame, snapshot, e, m.start()))
                    for m in _WEB_NAME.finditer(text, e.sentence.start, e.sentence.end)
                    if not _covered(out, m.start())]
        if frame.answer_type == "PLACE":  # "towed to Zenda", "At Zenda, four were rescued": whatever it was tagged
            out += [(a, b, "GPE", 0.2 + self._closeness(frame, snapshot, e, a)) for a, b in _located(text, e.sentence, _asked_motion(frame))
                    if not _covered(out, a) and not names_the_asked(frame, text[a:b])]
        if frame.answer_type in ("PERSON", "PERSON_NAME") and not any(c[2] == "PERSON" for c in out):
            later = _named_next(text, snapshot.sentences(e.doc_id), e.index, frame.focus)
            if later is not None and not names_the_asked(frame, text[later[0] : later[1]]):
                out.append((later[0], later[1], "PERSON", 0.7))
        if frame.answer_type in ("COUNT", "AMOUNT", "QUANTITY") and frame.focus and out:
            # "How many people were injured in the quake?": in a sentence with neither the counted noun nor the
            # asked verb, a number that counts no noun ("a quake which measured over five") is no answer (one that
            # counts a noun may count the asked thing in other words: "six fighters" for attackers)
            tied = {t for t in frame.terms if t not in frame.hard and (t == frame.focus or self._is_verb(snapshot, t))}
            if tied and not tied & e.matched:
                # ("how much roofing": a head count of people, "up to 50 people", is none either)
                out = [c for c in out if counts_asked(frame, e.sentence, c[0], c[1]) or (
                    c[2] != "CARDINAL" if frame.answer_type != "COUNT" else _counted(e.sentence, c[0], c[1])[1])]
        return out

    def _closeness(self, frame: Frame, snapshot: Snapshot, e: Scored, at: int) -> float:
        """1 / (1 + token distance) to the nearest question word in the sentence, plus a focus-noun bonus."""
        text = snapshot.documents[e.doc_id].text
        positions = e.matched_at
        if positions is None:
            positions = e.matched_at = [i for i, t in enumerate(e.sentence.tokens)
                                        if t.lemma in e.matched or text[t.start : t.end].lower() in e.matched]
        here = next((i for i, t in enumerate(e.sentence.tokens) if t.start >= at), len(e.sentence.tokens) - 1)
        if not positions:
            return 0.0
        score = 1.0 / (1 + min(abs(here - p) for p in positions))
        if frame.focus:
            tok = e.sentence.tokens[here] if here < len(e.sentence.tokens) else None
            if tok is not None and 0 <= tok.head < len(e.sentence.tokens):
                head = e.sentence.tokens[tok.head]
                # the counted noun, or a noun compounded with it ("two crew members" counts the crew)
                compounds = [t for t in e.sentence.tokens if t.head == tok.head and t.dep == "compound"]
                if head.lemma == frame.focus or text[head.start : head.end].lower() == frame.focus or any(
                        t.lemma == frame.focus for t in compounds):
                    score += 1.0
        return score

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

    def _antecedent(self, snapshot: Snapshot, e: Scored, pronoun: str = "he"
                    ) -> tuple[ParsedSentence, tuple[int, int]] | None:
        """The nearest compatible name earlier in the same or the previous paragraph (he/she: a person;
        it: a body or place; they: a body, group or people), preferring the subject of its sentence."""
        return self._antecedent_of(snapshot, e.doc_id, e.index, pronoun)

    def _antecedent_of(self, snapshot: Snapshot, doc_id: str, index: int, pronoun: str
                       ) -> tuple[ParsedSentence, tuple[int, int]] | None:
        labels = _REFERENTS.get(pronoun, _REFERENTS["he"])
        sentences = snapshot.sentences(doc_id)
        text = snapshot.documents[doc_id].text
        gender = {"he": "m", "she": "f"}.get(pronoun)
        gender_of = self.lexicon(snapshot).gender_of
        for j in range(index - 1, -1, -1):
            s = sentences[j]
            if sentences[index].paragraph - s.paragraph > 1:
                break
            if gender is not None:
                if subject_pronoun(text, s) == pronoun:
                    continue  # '"…," he said.' before "He says …": the same he, named further back
                # who spoke last, or a named subject the recogniser left untagged ("Roe says he felt …"), of the
                # pronoun's gender; then the people it tagged
                person = _speaker_in(text, s, people_only=True) or _proper_subject(text, s)
                if person is not None and gender_of(text[person[0] : person[1]]) in (None, gender):
                    return s, person
            found = [ent for ent in relabelled(text, s) + _titled_untagged(text, s) if ent.label in labels and (
                gender is None or gender_of(text[ent.start : ent.end]) in (None, gender))
                and text[ent.start : ent.end].lower() not in _PERSON_WORDS]  # a title alone ("the treasurer") is no name
            if pronoun == "they":  # "they" agrees with a plural: "150 Freedonian members" over "the group"
                plural = [ent for ent in found if any(a <= ent.start < b and _plural_head(text, s, a, b)
                                                      for a, b in s.chunks)]
                if plural:
                    return s, (plural[-1].start, plural[-1].end)
            if found:
                subjects = {t.start for t in s.tokens if t.dep in ("nsubj", "nsubjpass")}
                best = next((ent for ent in found if any(ent.start <= x < ent.end for x in subjects)), None)
                if best is None:
                    best = found[-1] if pronoun in ("he", "she") else found[0]
                if text[best.start : best.end].strip():
                    return s, (best.start, best.end)
        return None

    def attribution(self, snapshot: Snapshot, e: Scored) -> tuple[ParsedSentence, tuple[int, int]] | None:
        """Who a sentence is about or who speaks in it, when it does not say so itself: the referent of its
        subject pronoun, or the speaker of quoted words named in a neighbouring sentence of the paragraph (kept per
        snapshot: it does not depend on the question)."""
        cache = snapshot.__dict__.setdefault("_attribution", {})
        key = (e.doc_id, e.index)
        if key not in cache:
            cache[key] = self._attribution(snapshot, e)
        return cache[key]  # type: ignore[no-any-return]

    def _attribution(self, snapshot: Snapshot, e: Scored) -> tuple[ParsedSentence, tuple[int, int]] | None:
        text = snapshot.documents[e.doc_id].text
        pronoun = subject_pronoun(text, e.sentence)
        if pronoun:
            return self._antecedent(snapshot, e, pronoun)
        if _speaker_in(text, e.sentence) is not None:
            return None
        sentences = snapshot.sentences(e.doc_id)
        if _quotes_words(e.text) or _inside_quote(text, sentences, e.index):
            for j in _quote_speaker_order(text, sentences, e.index):
                speaker = _speaker_in(text, sentences[j])
                if speaker is not None:
                    return sentences[j], speaker
                said = _speaking_pronoun(text, sentences[j])  # '"…," she said.': who "she" is, further back
                if said is not None:
                    return self._antecedent_of(snapshot, e.doc_id, j, said)
            return None
        return _block_quote_speaker(text, sentences, e.index) or _introduced(text, sentences, e.index) or \
            _group_referent(text, sentences, e.index)


def names_the_asked(frame: Frame, surface: str) -> bool:
    """Is this name only the question's own subject ("Which countries did the ministry urge …?" is not answered
    by "the ministry")?"""
    found = re.findall(r"[A-Za-z0-9]+", surface)
    words = {w.lower() for w in found} - {"s", "the"}
    asked = set(frame.names) | set(frame.terms)
    if len(found) >= 2 and found[-1][:1].isupper() and found[-1].lower() in frame.names:
        return True  # "Jo Roebuck" is the "Roebuck" the question names: a full name ends in the name it goes by
    initials = "".join(w[0] for w in found if w[:1].isupper()).lower()
    if len(initials) >= 2 and initials in frame.names:
        return True  # "the Freedonian Zoning Commission" is the question's "FZC"
    # a word of the same family as a name counts: "Freedonia" is the subject of "… Freedonian students" (not a name
    # that begins with a common word of the question: "Acmeland" answers "Which acme company …?")
    names = set(frame.names)
    return bool(words) and all(w in asked or (len(w) >= 6 and any(len(a) >= 6 and a[:6] == w[:6] for a in names))
                               for w in words)


# lesser or past holders of a role: "Deputy Premier Jo Roe" is not the premier
_LESSER = ("deputy", "vice", "assistant", "former", "ex", "shadow", "junior", "outgoing")
_NOT_OWNERS = frozenset({"who", "whom", "whose", "which", "what", "where", "when", "how", "why", "the", "is", "was"})
# where the noun phrase after "the president of" ends
_PHRASE_END = re.compile(r"[,;:?]|\b(?:who|that|which|when|where|in|at|on|during|over|for|from|after|before|with|to|"
                         r"by|and|is|was|are|were|has|had)\b|\b[a-z]+(?:ed|ing)\b")


def _role_owners(frame: Frame) -> set[str]:
    """Whose role the question asks about, as lower-cased words: "Zenda's foreign minister", "the Zendan foreign
    minister" give {"zenda"} / {"zendan"}, "the president of the Harlow tour company Acme Tours" the capitalised
    words of that phrase; empty when it does not say."""
    if frame.focus is None:
        return set()
    role = re.escape(frame.focus)
    m = re.search(rf"\b([A-Z][\w-]*)(?:'s|’s)?\s+(?:[\w-]+\s+)?(?i:{role})\w*\b", frame.own)
    if m is not None and m.group(1).lower() not in _NOT_OWNERS:
        return {m.group(1).lower()}
    m = re.search(rf"\b(?i:{role})\w*\s+of\s+(.*)", frame.own)
    if m is None:
        return set()
    phrase = m.group(1)[: (end.start() if (end := _PHRASE_END.search(m.group(1))) else None)]
    return {w.lower() for w in re.findall(r"[\w-]+", phrase) if w[:1].isupper()}


def _other_holder(frame: Frame, text: str, sentence: ParsedSentence, ent: Entity) -> bool:
    """A name whose own title is the asked role in a lesser or past rank ("Deputy Premier Jo Roe", "vice-president
    Al Poe" for "Who is the premier / president?") or held by another ("Who is Zenda's foreign minister?" is not
    answered by "Harlow Foreign Minister Jo Roe"). Only the title written right before the name is read."""
    if frame.focus is None:
        return False
    lesser = re.search(rf"\b(?:{'|'.join(_LESSER)})[\s-]+(?:\w+\s+)?{re.escape(frame.focus)}\w*\s+$",
                       text[max(0, ent.start - 40) : ent.start], re.IGNORECASE)
    if lesser is not None and not set(_LESSER) & set(frame.terms):
        return True
    chunk = next(((a, b) for a, b in sentence.chunks if a <= ent.start and ent.end <= b), None)
    if chunk is None:
        return False
    title = [t for t in sentence.tokens if chunk[0] <= t.start < ent.start]
    at = next((k for k, t in enumerate(title) if t.lemma.lower() == frame.focus), None)
    if at is None:  # the title before the name is not the asked role: nothing more to read (most names)
        return False
    owners, words = _role_owners(frame), [text[t.start : t.end].lower() for t in title]
    if not owners or owners & set(words) or any(_name_kin(o, _family(frozenset(words))) for o in owners):
        return False
    # the role's own words in the question ("foreign" of "Zenda's foreign minister") are no other owner
    asked_words = re.findall(r"[\w-]+", frame.own.lower())
    k = next((k for k, w in enumerate(asked_words) if w.startswith(frame.focus)), 0)
    return any(t.pos == "PROPN" and w not in asked_words[max(0, k - 2) : k] for t, w in zip(title[:at], words))


def _age_subject(frame: Frame) -> list[str]:
    """The names whose age is asked: "How old is Jo Roe, the man convicted of killing Al Poe?" asks Jo Roe's age (the
    first name of a question that opens "How old is"), any other question every name it gives. "How old was the
    girl Jo Roe attacked?" and "How old is the man accused of killing Jo Roe?" ask the age of someone they only
    describe: no name's ("the actor Jo Roe" is that name's)."""
    m = re.match(r"\s*how old (?:is|was|are|were)\b(.*)", frame.own, re.IGNORECASE)
    if m is None or not frame.groups:
        return list(frame.names)
    words = re.findall(r"[\w'’-]+|[?,;:]", m.group(1))
    if words and words[0].lower() in ("the", "a", "an", "this", "that"):
        j = 1
        while j < len(words) and words[j][:1].islower():
            j += 1
        j += j < len(words) and words[j] == ","  # "the boy, Jo Roe"
        k = j
        while k < len(words) and words[k][:1].isupper():
            k += 1
        appositive = j - 1 <= 2 and k > j and (k == len(words) or not words[k][:1].isalpha())
        if not appositive:
            return []
    first = set(frame.groups[0])
    return [n for n in frame.names if n in first]


def _paragraph_start(sentences: list[ParsedSentence], i: int) -> int:
    """The index of the first sentence of sentence i's paragraph."""
    while i > 0 and sentences[i - 1].paragraph == sentences[i].paragraph:
        i -= 1
    return i


_NAME_TITLES = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady", "sen", "rep", "gen", "col", "capt",
                          "lt", "sgt", "prof", "professor", "general", "colonel", "king", "queen", "prince", "princess",
                          "pope", "cardinal", "bishop", "rabbi", "sheikh"})


@lru_cache(maxsize=16384)
def relabelled(text: str, sentence: ParsedSentence) -> tuple[Entity, ...]:
    """The sentence's entities, names after a person's title read as people's (`titled_person`); kept, as the same
    sentences come back question after question."""
    return tuple(map(titled_person(text, sentence), sentence.entities))


def titled_person(text: str, sentence: ParsedSentence) -> Callable[[Entity], Entity]:
    """A name the small model tagged a place or a body, written after a person's title or a word for a person
    ("President Jo Roe", "Mr Roe", "his widow Ann"), is a person's."""
    def relabel(ent: Entity) -> Entity:
        if ent.label not in ("GPE", "LOC", "ORG", "NORP", "FAC"):
            return ent
        inside = [t for t in sentence.tokens if ent.start <= t.start < ent.end]
        before = [t for t in sentence.tokens if t.end <= ent.start]
        if not inside or any(t.pos != "PROPN" and text[t.start : t.end] != "-" for t in inside):  # "Roe-Poe"
            return ent
        if _role_appositive(sentence, inside):
            return Entity(ent.start, ent.end, "PERSON")
        if not before or text[before[-1].end : ent.start].strip() != "":
            return ent
        title = before[-1]
        word = text[title.start : title.end]
        # "President Jo Roe", "envoy Jo Roe" (a word for a person, whatever its case: not "the name Acme")
        titled = (word[:1].isupper() and title.lemma.rstrip(".") in _NAME_TITLES) or (
            title.lemma in PERSON_NOUNS and title.lemma not in ("name", "head"))
        kin = title.lemma in RELATION_NOUNS or noun_gender(title.lemma) is not None  # "his widow Ann", lower case
        return Entity(ent.start, ent.end, "PERSON") if titled or kin else ent
    return relabel


def _span_root(tokens: tuple[Token, ...], at: set[int]) -> int | None:
    """The token of a span whose head lies outside it (the span's head word in the parse)."""
    return next((i for i in sorted(at) if tokens[i].head not in at), None)


def _run_start(tokens: tuple[Token, ...], k: int) -> int:
    """The first token of the proper nouns compounded before token k ("St" of "St Ormsby")."""
    j = k
    while j > 0 and tokens[j - 1].pos == "PROPN" and tokens[j - 1].head in range(j, k + 1):
        j -= 1
    return j


def _covered(spans: list[tuple[int, int, str, float]], at: int) -> bool:
    """Does a span already found cover the character at `at`?"""
    return any(a <= at < b for a, b, _, _ in spans)


def _thing_appositive(sentence: ParsedSentence, ent: Entity) -> bool:
    """Is the name in apposition to a common noun for no person ("the pay television operator, Acmestar")?"""
    tokens = sentence.tokens
    root = _span_root(tokens, {i for i, t in enumerate(tokens) if ent.start <= t.start < ent.end})
    if root is None:
        return False
    people = PERSON_NOUNS | RELATION_NOUNS
    nouns = [t for t in tokens if t.dep == "appos" and t.head == root]
    if tokens[root].dep == "appos" and 0 <= tokens[root].head < len(tokens):
        nouns.append(tokens[tokens[root].head])
    return any(t.pos == "NOUN" and t.lemma.lower() not in people for t in nouns)


def _role_appositive(sentence: ParsedSentence, inside: list[Token]) -> bool:
    """Is the name in apposition to a word for a person ("the head of security, Jo Roe, says"; "Jo Roe, the
    coroner,")?"""
    tokens = sentence.tokens
    root = _span_root(tokens, {tokens.index(t) for t in inside})
    if root is None:
        return False
    people = PERSON_NOUNS | RELATION_NOUNS
    if any(t.dep == "appos" and t.head == root and t.lemma.lower() in people for t in tokens):
        return True
    first = tokens.index(inside[0])
    # "the head of security, Jo Roe says": with the closing comma left out, the parser makes the name the subject
    # and leaves the role's phrase before the comma loose; that phrase still says who the name is
    loose = tokens[root].dep != "appos" and first >= 2 and tokens[first - 1].lemma == "," and _loose_role(tokens, first - 2)
    if tokens[root].dep != "appos" and not loose:
        return False
    # the parser attaches the name to the nearest noun: "the head of security, Jo Roe" walks back to "head" (not
    # through a noun for what the name may itself be: "the president of the country, Freedonia")
    here = first - 2 if loose else tokens[root].head
    if 0 <= here < len(tokens) and tokens[here].lemma.lower() in NAMED_KIND_NOUNS:
        return False
    for _ in range(6):
        if not 0 <= here < len(tokens) or tokens[here].pos in ("VERB", "AUX"):
            return False
        if tokens[here].lemma.lower() in people:
            return True
        if tokens[here].head == here:
            return False
        here = tokens[here].head
    return False


def _loose_role(tokens: tuple[Token, ...], k: int) -> bool:
    """Does the phrase ending at token k have a word for a person as its head that is no object of a verb or of a
    preposition ("after meeting the president, Acme said" is no role of Acme's)?"""
    people = PERSON_NOUNS | RELATION_NOUNS
    for _ in range(6):
        t = tokens[k]
        if t.pos in ("VERB", "AUX") or not 0 <= t.head < len(tokens):
            return False
        if t.lemma.lower() in people:
            return t.dep not in ("dobj", "dative", "attr", "oprd") and not (
                t.dep == "pobj" and tokens[tokens[t.head].head].pos in ("VERB", "AUX"))
        if t.head == k:
            return False
        k = t.head
    return False


def _trim_entity(text: str) -> Callable[[Entity], Entity]:
    """A person's name does not run on across a preposition: the parser's "Jane Doe on television" is "Jane Doe"."""
    def trim(ent: Entity) -> Entity:
        if ent.label != "PERSON":
            return ent
        cut = re.search(r"\s(?:on|in|at|for|from|with|to|during|after)\s", text[ent.start : ent.end])
        return Entity(ent.start, ent.start + cut.start(), ent.label) if cut else ent
    return trim


def _introduced(text: str, sentences: list[ParsedSentence], i: int) -> tuple[ParsedSentence, tuple[int, int]] | None:
    """The first mention of the sentence's definite subject: "The source claimed …" is the "senior police source" of an
    earlier sentence, "The minister said …" the "Foreign Minister Jane Doe" who was introduced before."""
    s = sentences[i]
    tokens = s.tokens
    for k, t in enumerate(tokens):
        head = tokens[t.head] if 0 <= t.head < len(tokens) else None
        if t.dep not in ("nsubj", "nsubjpass") or t.pos != "NOUN" or head is None or head.dep != "ROOT":
            continue
        if head.lemma not in SPEECH_VERBS and not _PERSON_NOUN.fullmatch(t.lemma):
            return None  # "The first reason is …" is no one: only a speaker or a person noun is someone met before
        if not any(x.head == k and x.dep == "det" and text[x.start : x.end].lower() == "the" for x in tokens):
            return None  # "a source", "officials": not someone met before
        for j in range(i - 1, max(-1, i - 8), -1):
            earlier = sentences[j]
            if s.paragraph - earlier.paragraph > 2:
                break
            for a, b in earlier.chunks:
                words = [x for x in earlier.tokens if a <= x.start < b]
                if not words or words[-1].lemma != t.lemma:
                    continue
                people = [ent for ent in earlier.entities if ent.label == "PERSON" and a <= ent.start < b]
                if people:
                    return earlier, (people[0].start, people[0].end)
                if text[a:b].lower().startswith("the "):
                    continue  # another "the source": the introduction is further back
                if len(words) >= 2:  # "a senior police source": what the article knows of them
                    return earlier, (words[1].start if words[0].dep == "det" else a, b)
        return None
    return None


_GROUP_NOUNS = frozenset({"pair", "couple", "duo", "trio"})


def _group_referent(text: str, sentences: list[ParsedSentence], i: int) -> tuple[ParsedSentence, tuple[int, int]] | None:
    """"The pair met with the premier" after "Jo Roe and Al Poe want a new stadium": the people the sentence before
    names together ("Jo Roe and Al Poe"), for a subject that stands for a few people ("the pair", "the couple",
    "the two")."""
    s = sentences[i]
    tokens = s.tokens
    group = False
    for k, t in enumerate(tokens):
        if t.dep not in ("nsubj", "nsubjpass") or not 0 <= t.head < len(tokens) or tokens[t.head].dep != "ROOT":
            continue
        det = {text[x.start : x.end].lower() for x in tokens if x.head == k and x.dep in ("det", "predet")}
        word = text[t.start : t.end].lower()
        group = bool(det & {"the", "this"}) and (t.lemma in _GROUP_NOUNS or word in ("two", "three"))
        break
    if not group or i == 0 or s.paragraph - sentences[i - 1].paragraph > 1:
        return None
    before = sentences[i - 1]
    people = [ent for ent in relabelled(text, before) if ent.label == "PERSON"]
    for a, b in zip(people, people[1:]):
        if re.fullmatch(r",?\s+and\s+|\s*,\s*|\s*&\s*", text[a.end : b.start]):
            return before, (a.start, b.end)
    return None


def _role_named_elsewhere(text: str, sentences: list[ParsedSentence], i: int, role: str,
                          owners: frozenset[str] | None = None) -> tuple[int, int] | None:
    """Sentence i speaks of "the <role>" by no name: the person the same article names beside that role elsewhere
    ("the coroner, Jo Roe, said"), when it names one person so. With `owners` (the question's words), sentence i need
    not name the role: the role must then stand bare or with one of those words ("Chief executive Jo Roe", not
    "Acme chief executive Al Poe", who may be another body's)."""
    def definite(s: ParsedSentence, r: int) -> bool:  # "the coroner", "Acme's acting coroner"; not "a coroner"
        j = r - 1
        while j >= 0 and s.tokens[j].head == r and s.tokens[j].dep in ("compound", "amod"):
            j -= 1
        return j >= 0 and text[s.tokens[j].start : s.tokens[j].end].lower() in ("the", "'s", "’s")
    if owners is None and not any(t.lemma == role and definite(sentences[i], r) for r, t in enumerate(sentences[i].tokens)):
        return None

    def owned_by_another(s: ParsedSentence, r: int) -> bool:  # "Acme chief executive", "Acme's chief executive"
        def a_name(k: int, t: Token) -> bool:  # (a sentence's first word is capitalised anyway: a name if not English)
            word = text[t.start : t.end]
            return word[:1].isupper() and (k > 0 or t.pos == "PROPN" or not is_english_word(word.lower()))
        return owners is not None and any(
            t.head == r and t.dep in ("compound", "poss", "amod", "nmod") and a_name(k, t)
            and text[t.start : t.end].lower() not in owners for k, t in enumerate(s.tokens))
    held: dict[str, tuple[int, int]] = {}
    for k, s in enumerate(sentences):
        if k == i:
            continue
        roles = [r for r, t in enumerate(s.tokens) if t.lemma == role and not owned_by_another(s, r) and (
            owners is None or t.pos in ("NOUN", "PROPN"))]  # (the title, not "skippered by")
        for ent in relabelled(text, s):
            # beside the role with no verb between ("the coroner, Jo Roe, said"; not "Jo Roe says the coroner …")
            if ent.label == "PERSON" and any(_beside(s, ent.start, ent.end, r) and not any(
                    t.pos in ("VERB", "AUX") and min(ent.start, s.tokens[r].start) < t.start < max(ent.start, s.tokens[r].start)
                    for t in s.tokens) for r in roles):
                held.setdefault(text[ent.start : ent.end], (ent.start, ent.end))
    return next(iter(held.values())) if len(held) == 1 else None


def _named_next(text: str, sentences: list[ParsedSentence], i: int, role: str | None = None) -> tuple[int, int] | None:
    """A person the sentence introduces without a name ("… by a single mother sentenced …"), named as the subject of
    the next sentence ("Clutching her baby daughter, Jane Doe burst into tears …"): that name's span. A definite
    role the sentence's subject is ("Harlow's mayor says …") is named so only by a name the article has not used
    before ("Jo Roe, a former priest, says …"): someone met earlier is not the one the role introduces."""
    s = sentences[i]
    person = re.compile(rf"(?:{FEMALE_NOUNS}|{MALE_NOUNS}|person|teenager|student|worker|driver|tourist|pilot|suspect"
                        rf"|victim|{'|'.join(sorted(PERSON_NOUNS - {'name', 'head', 'chief'}))})")
    introduced = definite = False
    for a, b in s.chunks:
        words = [t for t in s.tokens if a <= t.start < b]
        if not words or words[-1].pos not in ("NOUN", "PROPN"):
            continue
        if text[words[0].start : words[0].end].lower() in ("a", "an") and words[-1].pos == "NOUN" and \
                person.fullmatch(words[-1].lemma):
            introduced = True
        elif role is not None and words[-1].lemma.lower() == role and words[-1].dep in ("nsubj", "nsubjpass") and any(
                text[t.start : t.end].lower() in ("the", "'s", "’s") for t in words[:-1]):
            definite = True
    if not (introduced or definite) or i + 1 >= len(sentences) or sentences[i + 1].paragraph - s.paragraph > 1:
        return None
    nxt = sentences[i + 1]
    # the subject of the next sentence, unless it only says something ('…," Mr Kent said': a speaker, not the one
    # the sentence introduced)
    subjects = {t.start for t in nxt.tokens if t.dep in ("nsubj", "nsubjpass") and (definite or not (
        0 <= t.head < len(nxt.tokens) and nxt.tokens[t.head].lemma in SPEECH_VERBS))}
    named = next(((ent.start, ent.end) for ent in nxt.entities
                  if ent.label == "PERSON" and any(ent.start <= x < ent.end for x in subjects)), None)
    if named is not None and not introduced and re.search(
            rf"\b{re.escape(text[named[0] : named[1]].split()[-1])}\b", text[: nxt.start]):
        return None  # the role's holder is no one the article has already named
    if named is not None and not introduced:
        # nor anyone given a title of their own: in "The 26-year-old man was arrested. The Attorney-General Jo Roe
        # says …", the attorney-general is not the man
        chunk = next(((a, b) for a, b in nxt.chunks if a <= named[0] < b), (named[0], named[0]))
        if any(chunk[0] <= t.start < named[0] and t.pos in ("NOUN", "PROPN") and t.lemma.lower() != role
               for t in nxt.tokens):
            return None
    return named


UNNAMED, AFTER_A_NAME = "unnamed", "after a name"


def role_reference(frame: Frame, text: str, sentences: list[ParsedSentence], i: int) -> str | None:
    """How sentence i speaks of the asked role (or kind: "Which team …?") when it names no one beside it. UNNAMED:
    as someone it does not name, by an indefinite noun phrase ("a spokesman for the department says", "A
    21-year-old man was arrested", "a Harlow team won") or by a definite one that is the article's first word of
    that role with no one of the asked kind named in the sentence before it ("The Harlow coroner has found …").
    AFTER_A_NAME: by a definite one right after a sentence that names someone ("Jo Roe said … . Asked later, the
    spokesman said"), who may be the one. None: otherwise."""
    s, role = sentences[i], frame.focus
    tokens = s.tokens
    kinds = {"PERSON"} if frame.answer_type == "PERSON" else set(frame.labels) - {"NORP"}

    def people(sentence: ParsedSentence) -> list[Entity]:  # the names of the asked kind it gives
        return [ent for ent in relabelled(text, sentence)
                if ent.label in kinds and not names_the_asked(frame, text[ent.start : ent.end])]
    named = people(s)
    for r, t in enumerate(tokens):
        if t.pos not in ("NOUN", "PROPN") or t.lemma.lower() != role or any(_beside(s, ent.start, ent.end, r) for ent in named):
            continue
        det = next((text[x.start : x.end].lower() for x in tokens if x.head == r and x.dep in ("det", "poss")), None)
        if det in ("a", "an"):
            return UNNAMED
        if det == "the" and i > 0 and s.paragraph - sentences[i - 1].paragraph <= 1 and people(sentences[i - 1]):
            return AFTER_A_NAME
        if det == "the" and not any(y.lemma.lower() == role for x in sentences[:i] for y in x.tokens):
            return UNNAMED
    return None


@lru_cache(maxsize=1024)
def _asked_gender(question: str) -> str | None:
    """"f" for "Which woman …?" / "Who is the mother …?", "m" for a man, else None."""
    for gender, nouns in (("f", FEMALE_NOUNS), ("m", MALE_NOUNS)):
        if re.search(rf"^\s*(?:which|what)\s+(?:\w+\s+)?(?:{nouns})\b|\bwho (?:is|was) the (?:\w+\s+)?(?:{nouns})\b"
                     rf"|\bnames? of the (?:\w+\s+)?(?:{nouns})\b|\b(?:the|an?) (?:\w+\s+)?(?:{nouns})'s name\b",
                     question, re.IGNORECASE):
            return gender
    return None


NO_SPAN = "no span of the expected type"
NO_SUPPORT = "no evidence matches every constraint of the question"
# bodies that are groups of people, which the recogniser may tag as a nationality or a people ("Which group …?")
_HOW_FAR = re.compile(r"\bhow far\b(?! back\b)", re.IGNORECASE)
_DISTANCE = re.compile(r"\d\s*(?:km|mi)\b|\b(?:kilomet(?:re|er)s?|km|miles?|met(?:re|er)s?|feet|foot|yards?"
                       r"|nautical|kms|klicks)\b", re.IGNORECASE)
_PERCENT_UNIT = r"(?:%|per ?cent\b)"
_PERCENT = re.compile(rf"\d\s*{_PERCENT_UNIT}", re.IGNORECASE)
_PERCENT_AFTER = re.compile(rf"\s?{_PERCENT_UNIT}", re.IGNORECASE)
_CALENDAR_PART_ASKED = re.compile(r"\b(?:what|which) (month|year)\b", re.IGNORECASE)
_MONTH_NAME = re.compile(r"\b(?:" + "|".join(MONTHS) + r")[a-z]*\b", re.IGNORECASE)  # "sept" is "sep" + t
_YEAR_NUMBER = re.compile(YEAR.pattern + r"|'\d\d\b")  # "1993", or "'93"
_CALENDAR_ASKED = re.compile(r"\b(?:what|which) (?:date|day of the month)\b|\bdate of\b", re.IGNORECASE)


def _counted(sentence: ParsedSentence, start: int, end: int) -> tuple[set[str], bool]:
    """The words the number at [start, end) attaches to, with the nouns compounded into them ("two crew members":
    members, crew), and whether it counts a noun at all ("a quake which measured over five" counts none)."""
    tokens = sentence.tokens
    inside = [t for t in tokens if start <= t.start < end]
    outer = {t.head for t in inside if 0 <= t.head < len(tokens) and not start <= tokens[t.head].start < end}
    heads = {tokens[h].lemma for h in outer} | {x.lemma for x in tokens if x.head in outer and x.dep == "compound"}
    return heads, any(tokens[h].pos in ("NOUN", "PROPN") for h in outer)


def counts_asked(frame: Frame, sentence: ParsedSentence, start: int, end: int) -> bool:
    """Does the number at [start, end) count the asked thing ("500 residents" for "how many residents") or stand
    as the question's own verb's object ("scored 131" for "how many runs did he score")?"""
    heads, _ = _counted(sentence, start, end)
    asked = {frame.focus} if frame.focus else set()
    return bool(heads & (asked | set(frame.terms)) - {"year", "day", "time"})


_NUMBER_TYPES = frozenset({"COUNT", "AGE", "QUANTITY", "AMOUNT"})
_CLOCK = re.compile(r"\d:\d\d|\b\d{1,2}(?::\d\d)?\s?[ap]\.?m\b", re.IGNORECASE)  # a time of day: "12:30am", "6 pm", "14:05"
_CALENDAR = re.compile(r"\d|" + _MONTH_NAME.pattern + r"\.?", re.IGNORECASE)
# "What is the name of her lawyer?", "Who is the chief executive of Acme?": the asked person holds a role
_ROLE_QUESTION = re.compile(r"\s*(?:what (?:is|was|were|are) the names? of|who (?:is|was|are|were) (?:the|its|their|his|her)\b)",
                            re.IGNORECASE)
_WHICH = re.compile(r"\s*(?:which|what)\b", re.IGNORECASE)
_REFERENTS = {"he": frozenset({"PERSON"}), "she": frozenset({"PERSON"}),
              "it": frozenset({"ORG", "GPE", "NORP"}), "they": frozenset({"ORG", "NORP", "GPE", "PERSON"})}


# a question that asks who said something
_SPEECH_ASKED = re.compile(r"\b(?:said|says|say|told|tells|tell|claimed|claims|warned|warns|described|announced"
                           r"|admitted|argued|urged|insisted)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[“\"]([^”\"]*)[”\"]?")


def _quotes_words(sentence: str) -> bool:
    """The sentence quotes someone's words: it opens with a quotation mark, or quotes five words or more
    (scare quotes around a name or a phrase — "gang of four" — are not somebody speaking)."""
    if sentence.lstrip()[:1] in ("“", '"'):
        return True
    return any(len(m.group(1).split()) >= 5 for m in _QUOTED.finditer(sentence))
_FIRST_PERSON = frozenset({"i", "we", "my", "our", "us", "me"})


def _inside_quote(text: str, sentences: list[ParsedSentence], i: int) -> bool:
    """Is sentence i inside a quotation opened by an earlier sentence of its paragraph (“A. B. C,” she said)?"""
    return _open_at(text, sentences[_paragraph_start(sentences, i)].start, sentences[i].start)


def _open_at(text: str, start: int, end: int) -> bool:
    """Is a quotation opened in text[start:end] still open at its end?"""
    before = text[start:end]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _quote_speaker_order(text: str, sentences: list[ParsedSentence], i: int) -> list[int]:
    """Where the speaker of quoted sentence i is named, nearest first: the sentences that follow while its
    quotation stays open (“A. B,” she said), then the sentences before it in its paragraph (“A,” he said. “B.”),
    then the paragraph before when this one opens a quotation again; last, the next quoting sentence."""
    first = _paragraph_start(sentences, i)
    order: list[int] = []
    j = i
    while j + 1 < len(sentences) and j - i < 3 and sentences[j + 1].paragraph == sentences[i].paragraph \
            and _open_at(text, sentences[first].start, sentences[j].end):
        j += 1
        order.append(j)
    order += [k for k in (i - 1, i - 2, i - 3) if k >= first]
    continuing = text[sentences[first].start : sentences[first].end].lstrip()[:1] in ("“", '"')
    order += [k for k in (first - 1, first - 2, first - 3) if k >= 0 and sentences[k].paragraph ==
              sentences[i].paragraph - 1 and (continuing or not order)]
    nxt = i + 1
    if nxt < len(sentences) and nxt not in order and sentences[nxt].paragraph == sentences[i].paragraph and \
            _quotes_words(text[sentences[nxt].start : sentences[nxt].end]):
        order.append(nxt)
    return order


def _quoted_ranges(text: str, sentence: ParsedSentence) -> list[tuple[int, int]]:
    """The character ranges of the sentence inside quotation marks (a mark left open runs to the sentence end)."""
    body = text[sentence.start : sentence.end]
    return [(sentence.start + m.start(), sentence.start + m.end()) for m in _QUOTED.finditer(body)]


def _speaking_pronoun(text: str, sentence: ParsedSentence) -> str | None:
    """'he', 'she' or 'they' when that pronoun, outside the quotation marks, is the subject of a speech verb
    ('"…," she said.')."""
    quoted = _quoted_ranges(text, sentence)
    tokens = sentence.tokens
    for t in tokens:
        if t.dep != "nsubj" or t.pos != "PRON" or not 0 <= t.head < len(tokens) or any(a <= t.start < b for a, b in quoted):
            continue
        word = text[t.start : t.end].lower()
        if word in ("he", "she", "they") and tokens[t.head].lemma in SPEECH_VERBS and tokens[t.head].pos in ("VERB", "AUX"):
            return word
    return None


def _block_quote_speaker(text: str, sentences: list[ParsedSentence], i: int
                         ) -> tuple[ParsedSentence, tuple[int, int]] | None:
    """A paragraph in the first person with no quotation marks, under a lead-in paragraph that does not end a
    sentence ("…, as the president said in his speech" or "…, she wrote:"): a block quotation whose marks were
    lost with the page's layout. Its speaker is the person the lead-in names last."""
    j = _paragraph_start(sentences, i)
    # the sentence, or one before it in its paragraph, speaks in the first person ("We consider … This may …")
    words = {text[t.start : t.end].lower() for s in sentences[j : i + 1] for t in s.tokens}
    if not words & _FIRST_PERSON or any(q in text[sentences[k].start : sentences[k].end]
                                        for k in range(j, i + 1) for q in '“”"'):
        return None
    for _ in range(3):  # a quotation of a few paragraphs: walk up through the quoted ones to the lead-in
        if j == 0:
            return None
        lead = sentences[j - 1]
        ending = text[lead.start : lead.end].rstrip()
        if ending[-1:] not in ".!?”\"'’" or ending.endswith(":"):
            people = [ent for ent in lead.entities if ent.label == "PERSON"]
            return (lead, (people[-1].start, people[-1].end)) if people else None
        j = _paragraph_start(sentences, j - 1)
        quoted = text[sentences[j].start : lead.end]
        if not set(re.findall(r"[a-z]+", quoted.lower())) & _FIRST_PERSON or any(q in quoted for q in '“”"'):
            return None
    return None


_PERSON_WORDS = PERSON_NOUNS | RELATION_NOUNS
_PERSON_NOUN = re.compile("|".join(sorted(PERSON_NOUNS | RELATION_NOUNS)) + "|" + FEMALE_NOUNS + "|" + MALE_NOUNS)
SPEECH_VERBS = frozenset({"say", "tell", "write", "add", "state", "claim", "declare", "note", "insist", "warn",
                          "explain", "argue", "announce", "report", "ask", "reply", "respond", "accord"})
# "Who scoffed that …?": a verb that takes what was said is a way of saying it
_SAID_ASKED = re.compile(r"\s*who\s+(?:[\w-]+\s+){0,2}?[\w-]+\s+(?:that|how|why|whether)\b", re.IGNORECASE)
# verbs of a stance, which someone takes by saying so: "Who criticised the plan?" is answered by whoever says it fails
STANCE_VERBS = SPEECH_VERBS | frozenset({
    "criticise", "criticize", "praise", "blame", "accuse", "urge", "call", "describe", "deny", "confirm", "welcome",
    "support", "oppose", "defend", "reject", "dismiss", "question", "predict", "suggest", "admit", "concede", "agree",
    "disagree", "believe", "expect", "hope", "fear", "want", "promise", "threaten", "vow", "pledge", "demand",
    "appeal", "thank", "apologise", "apologize", "condemn", "challenge", "comment", "acknowledge", "dispute",
    "doubt", "estimate", "forecast", "recommend", "propose", "advise", "reveal", "allege", "label",
    "brand", "rule", "maintain", "blast", "slam", "attack", "back", "endorse", "fault", "speak", "think"})
# a sentence that reports words: who said them may be who did what the question asks in other words ("scoffed")
_QUOTE_OR_SPEECH = re.compile(r"[“”\"]|\b(?:said|told|wrote|written|" + "|".join(sorted(SPEECH_VERBS)) + r")(?:s|ed|d)?\b",
                              re.IGNORECASE)


def _proper_subject(text: str, sentence: ParsedSentence) -> tuple[int, int] | None:
    """The sentence's subject when it is a proper noun the recogniser left untagged ("Roe says he felt …"),
    with the proper nouns before it ("Jo Roe")."""
    tokens = sentence.tokens
    for i, t in enumerate(tokens):
        if t.dep != "nsubj" or t.pos != "PROPN" or not text[t.start : t.start + 1].isupper() or \
                t.head < 0 or t.head >= len(tokens) or tokens[t.head].dep != "ROOT":
            continue
        if any(x.head == i and x.dep == "det" for x in tokens):
            return None  # "The Member for Springfield says …": a title with its article is nobody's name
        tagged = next((x for x in sentence.entities if x.start <= t.start < x.end), None)
        if tagged is not None:  # a lone surname the small model took for a company ("Mason says he …") is kept
            alone = tagged.label in ("ORG", "PRODUCT", "WORK_OF_ART", "FAC") and (tagged.start, tagged.end) == (
                t.start, t.end)
            return (t.start, t.end) if alone else None
        for x in sentence.entities:  # "Director of Acme Jo Doe says …": the name beside the title
            if x.label == "PERSON" and any(_in_subtree(tokens, k, i) for k, y in enumerate(tokens)
                                           if x.start <= y.start < x.end):
                return x.start, x.end
        k = i
        while k > 0 and tokens[k - 1].pos == "PROPN" and tokens[k - 1].head == i:
            k -= 1
        return tokens[k].start, t.end
    return None


def _speaker_in(text: str, sentence: ParsedSentence, people_only: bool = False) -> tuple[int, int] | None:
    """The named person (or body) who says something in this sentence: subject of a speech verb."""
    tokens = sentence.tokens
    quoted = _quoted_ranges(text, sentence)
    for i, t in enumerate(tokens):
        if t.lemma not in SPEECH_VERBS or t.pos not in ("VERB", "AUX"):
            continue
        for ent in relabelled(text, sentence):
            if ent.label not in (("PERSON",) if people_only else ("PERSON", "ORG", "NORP")):
                continue
            if any(a <= ent.start < b for a, b in quoted):
                continue  # a name inside the quoted words is not who speaks them
            heads = [k for k, x in enumerate(tokens) if ent.start <= x.start < ent.end]
            # the subject of the speech verb (an antecedent search wants exactly that; otherwise any subject of the
            # sentence will do, as in '"…," Jo Roe, the minister, told reporters')
            if any(tokens[k].head == i and tokens[k].dep in ("nsubj", "nsubjpass", "pobj", "compound") for k in heads) \
                    or (not people_only and any(tokens[k].dep == "nsubj" for k in heads)):
                trimmed = _trim_entity(text)(ent)
                return trimmed.start, trimmed.end
    return None


@lru_cache(maxsize=16384)
def subject_pronoun(text: str, sentence: ParsedSentence) -> str | None:
    """'he', 'she', 'it' or 'they' when the sentence's main subject is that pronoun (from the stored parse). The
    speaker of '"…," he said' comes before any pronoun inside the quotation."""
    tokens = sentence.tokens
    order = sorted(range(len(tokens)), key=lambda k: not (0 <= tokens[k].head < len(tokens)
                                                         and tokens[tokens[k].head].dep == "ROOT"
                                                         and tokens[tokens[k].head].lemma in SPEECH_VERBS))
    for i in order:
        t = tokens[i]
        if t.dep not in ("nsubj", "nsubjpass"):
            continue
        of_them = _of_pronoun(text, sentence, i)  # "Most of them fled …": they fled
        if t.pos == "PRON" or of_them:
            word = of_them or text[t.start : t.end].lower()
            head = sentence.tokens[t.head] if 0 <= t.head < len(sentence.tokens) else None
            named_subject = any(x.dep in ("nsubj", "nsubjpass") and x.pos == "PROPN" and x.head == t.head
                                for x in sentence.tokens)
            # the main clause, or the report ahead of "…, officials said"
            main = head is not None and (head.dep == "ROOT" or (
                head.dep == "ccomp" and 0 <= head.head < len(sentence.tokens) and head.head > t.head
                and sentence.tokens[head.head].dep == "ROOT"))
            if word in _REFERENTS and main and not named_subject:
                return word
    return None


_MEASURE = re.compile(r"(?:kilo|centi|milli)?(?:metre|meter|gram)s?|km|kg|cm|mm|miles?|tonnes?|tons?|litres?|liters?"
                      r"|feet|foot|inch(?:es)?|hectares?|acres?|degrees?|knots?|kph|mph", re.IGNORECASE)


def _with_unit(text: str, sentence: ParsedSentence, end: int) -> int:
    """The end of a bare number's span, taken past the unit of measure right after it ("900 kilogram bomb")."""
    nxt = next((t for t in sentence.tokens if t.start >= end), None)
    if nxt is not None and text[end : nxt.start].strip() == "" and _MEASURE.fullmatch(text[nxt.start : nxt.end]):
        return nxt.end
    return end


_PUBLISHING = SPEECH_VERBS | {"post", "publish", "upload", "tweet", "broadcast"}


def _media(text: str, sentence: ParsedSentence) -> list[tuple[int, int]]:
    """Proper nouns after "on" or "to" in a sentence that reports words ("… wrote Jo Roe on Chirper", "told
    Acme Radio"): where the words were said."""
    tokens = sentence.tokens
    out = []
    for i, t in enumerate(tokens):
        if text[t.start : t.end].lower() in ("on", "to") and i + 1 < len(tokens) and tokens[i + 1].pos == "PROPN":
            j = i + 1
            while j + 1 < len(tokens) and tokens[j + 1].pos == "PROPN":
                j += 1
            out.append((tokens[i + 1].start, tokens[j].end))
    return out


def _modifier(sentence: ParsedSentence, ent: Entity) -> bool:
    """Is the entity only a modifier of a common noun after it: an adjective ("Freedonian leader") or the first part
    of a compound ("the Freedonian and Ruritanian population")?"""
    tokens = sentence.tokens
    inside = [k for k, t in enumerate(tokens) if ent.start <= t.start < ent.end]
    if not inside:
        return False
    if all(tokens[k].pos == "ADJ" or tokens[k].dep == "amod" for k in inside):
        return ent.label == "NORP"
    last = tokens[inside[-1]]
    return last.dep in ("compound", "amod") and 0 <= last.head < len(tokens) and last.head not in inside \
        and tokens[last.head].pos == "NOUN"


def _named_by_compound(text: str, sentence: ParsedSentence, noun: str) -> list[tuple[int, int, str, float]]:
    """The proper nouns right before `noun` that name it ("the Zephyr module", "the Acme Two rocket")."""
    tokens, out = sentence.tokens, []
    for r, t in enumerate(tokens):
        if t.lemma != noun:
            continue
        j = r
        while j > 0 and tokens[j - 1].pos == "PROPN" and tokens[j - 1].dep == "compound" and j - 1 < tokens[j - 1].head <= r:
            j -= 1
        if j < r:
            out.append((tokens[j].start, tokens[r - 1].end, "NAME", 0.5))
    return out


def _named_kind(text: str, sentence: ParsedSentence, noun: str, label: str) -> list[tuple[int, int, str, float]]:
    """The proper nouns that name one `noun`, whatever the recogniser tagged them: "the Zenda township", "the
    suburb of Zenda", "Zenda, the town …", "a town called Zenda" ("the Acme Isles nations" says what kind many are,
    and names none)."""
    tokens, out = sentence.tokens, []

    def run(k: int) -> tuple[int, int] | None:  # the proper noun at k with the proper nouns compounded before it
        if tokens[k].pos != "PROPN" or not text[tokens[k].start : tokens[k].start + 1].isupper():
            return None
        return tokens[_run_start(tokens, k)].start, tokens[k].end

    for r, t in enumerate(tokens):
        if t.lemma != noun or text[t.start : t.end].lower() != noun:  # one of them, not the plural
            continue
        found = [(a, b) for a, b, _, _ in _named_by_compound(text, sentence, noun)
                 if a < t.start and all(x.pos == "PROPN" for x in tokens if a <= x.start < b)]
        for k, x in enumerate(tokens):
            # "Zenda, the town", "the town, Zenda", "travel company Zenda"
            if x.head == r and x.dep == "appos" or k == tokens[r].head and t.dep in ("appos", "compound") and k > r:
                found += [span for span in [run(k)] if span]
            if x.dep == "pobj" and 0 <= x.head < len(tokens) and tokens[x.head].head == r and \
                    text[tokens[x.head].start : tokens[x.head].end].lower() == "of" and tokens[x.head].start > t.start:
                found += [span for span in [run(k)] if span]
        nxt = r + 1  # "travel company Zenda", however the parser attached the name
        # "an area called Zenda Flats", "a group known as Acme": the name the sentence gives the noun
        called = [n for n in (r + 2, r + 3) if n < len(tokens) and text[tokens[r + 1].start : tokens[n].start].lower()
                  .split() in (["called"], ["named"], ["dubbed"], ["known", "as"])]
        if called:
            nxt = called[0]
        if nxt < len(tokens) and run(nxt) is not None and not any(
                x.start <= tokens[nxt].start < x.end and x.label in ("DATE", "TIME", "CARDINAL") for x in sentence.entities):
            k = nxt
            while k + 1 < len(tokens) and run(k + 1) is not None:
                k += 1
            found.append((tokens[nxt].start, tokens[k].end))
        out += [(a, b, label, 0.6) for a, b in dict.fromkeys(found) if not (a <= t.start < b)]
    return out


@lru_cache(maxsize=16384)
def _titled_untagged(text: str, sentence: ParsedSentence) -> tuple[Entity, ...]:
    """People the recogniser left untagged behind a title of address ("Dr Jo Poe", "Sir Al Roe"): a capitalised
    title followed by one or more proper nouns no entity covers."""
    tagged = [(x.start, x.end) for x in sentence.entities]
    tokens = sentence.tokens
    out = []
    for k, t in enumerate(tokens):
        if t.pos != "PROPN" or t.lemma.lower().rstrip(".") not in _NAME_TITLES or not text[t.start : t.start + 1].isupper():
            continue
        end = k
        while end + 1 < len(tokens) and tokens[end + 1].pos == "PROPN" and text[tokens[end + 1].start].isupper():
            end += 1
        if end > k and not any(a < tokens[end].end and tokens[k].start < b for a, b in tagged):
            out.append(Entity(t.start, tokens[end].end, "PERSON"))
    return tuple(out)


def _speaks(sentence: ParsedSentence, start: int, end: int) -> bool:
    """Is the name at [start, end) (or the name it is part of) the subject of a speech verb ("Acme Zenda says …")?"""
    tokens = sentence.tokens
    inside = {i for i, t in enumerate(tokens) if start <= t.start < end}
    k = _span_root(tokens, inside)
    seen: set[int] = set()
    while k is not None and tokens[k].dep == "compound" and 0 <= tokens[k].head < len(tokens) and k not in seen:
        seen.add(k)
        k = tokens[k].head
    return k is not None and tokens[k].dep == "nsubj" and 0 <= tokens[k].head < len(tokens) and \
        tokens[tokens[k].head].lemma in SPEECH_VERBS


def _initials(text: str, sentence: ParsedSentence) -> set[str]:
    """The initials of the sentence's names of two or more capitalised words ("Western Zenda" -> "wz"): a question
    that writes the short form ("WZ") is about them."""
    out = set()
    for ent in sentence.entities:
        name = re.sub(r"['’]s$", "", text[ent.start : ent.end])  # "Western Zenda's"
        words = [w for w in re.findall(r"[A-Za-z][\w-]*", name) if w.lower() not in ("of", "the", "and", "for")]
        if len(words) >= 2 and all(w[:1].isupper() for w in words):
            out.add("".join(w[0] for w in words).lower())
    return out


def untagged_names(text: str, sentence: ParsedSentence) -> list[tuple[int, int]]:
    """Runs of two or more proper nouns the recogniser left untagged, with a word no dictionary has ("the counsel
    assisting Jo Roebuck QC told …"): most likely a person's name the small model missed."""
    tagged = [(x.start, x.end) for x in sentence.entities]
    runs: list[list[Token]] = [[]]
    for t in sentence.tokens:
        if t.pos == "PROPN" and text[t.start : t.start + 1].isupper() and not any(a <= t.start < b for a, b in tagged):
            runs[-1].append(t)
        elif runs[-1]:
            runs.append([])
    return [(run[0].start, run[-1].end) for run in runs if len(run) >= 2
            and any(not is_english_word(text[t.start : t.end].lower()) for t in run)
            and not _modifier(sentence, Entity(run[0].start, run[-1].end, "PERSON"))]  # "the Acme Isles population"


def _kind_of_many(text: str, sentence: ParsedSentence, ent: Entity, noun: str) -> bool:
    """Does the name only say what kind of `noun` many are ("Acme Island nations", "Ruritanian states"): it modifies
    the plural of the asked noun?"""
    inside = [t for t in sentence.tokens if ent.start <= t.start < ent.end]
    if not inside:
        return False
    head = inside[-1].head
    if not 0 <= head < len(sentence.tokens) or sentence.tokens[head].start < ent.end:
        return False
    h = sentence.tokens[head]
    surface = text[h.start : h.end].lower()
    return h.lemma == noun and surface != h.lemma and inside[-1].dep in ("compound", "amod", "nmod")


def _plural_head(text: str, sentence: ParsedSentence, a: int, b: int) -> bool:
    """Does the noun chunk at [a, b) end in a plural common noun ("members", "officials")?"""
    words = [t for t in sentence.tokens if a <= t.start < b]
    if not words or words[-1].pos != "NOUN":
        return False
    surface = text[words[-1].start : words[-1].end].lower()
    return surface != words[-1].lemma and surface.endswith("s")


def _of_pronoun(text: str, sentence: ParsedSentence, i: int) -> str | None:
    """'they' when token i is a quantity of a plural pronoun ("most of them", "two of them"), else None."""
    tokens = sentence.tokens
    if tokens[i].pos not in ("ADJ", "NUM", "DET", "PRON", "NOUN"):
        return None
    of = [k for k, x in enumerate(tokens) if x.head == i and x.dep == "prep" and text[x.start : x.end].lower() == "of"]
    return "they" if any(y.head in of and y.dep == "pobj" and text[y.start : y.end].lower() == "them"
                         for y in tokens) else None


_DURATION = re.compile(r"(?:(?:about|almost|nearly|more than|less than|up to|some|the|a|an|another) )?(?:\d+|a few|several"
                       r"|one|two|three|four|five|six|seven|eight|nine|ten|twelve|\d+ to \d+)[- ](?:hour|day|week|month"
                       r"|year|minute|decade)s?(?:-long)?", re.IGNORECASE)
_SPELT_AGE = re.compile(rf"\b{SPELT_NUMBER}-year-old\b", re.IGNORECASE)


def _looks_like_age(text: str, start: int, end: int) -> bool:
    """'16-year-old', '41 years old', 'aged 30', or ', 30,' right after a name."""
    surface = text[start:end]
    if not re.search(r"\b\d{1,3}\b", surface) and not _SPELT_AGE.match(text, start, end + 9):
        return False
    after, before = text[end : end + 12].lower(), text[max(0, start - 6) : start].lower()
    return bool(re.match(r"[- ]years?[- ]old|-year|\s*years? of age", after) or "year-old" in surface.lower()
                or before.endswith("aged ") or (before.endswith(", ") and after.startswith(",")))


def _role_tokens(frame: Frame, text: str, sentence: ParsedSentence) -> list[int]:
    """The sentence's tokens of the asked role; when the question qualifies it ("Jo Roe's new coach") and one of
    them has the same qualifier, only those ("the new coach", not "coach Al Poe" who is leaving)."""
    roles = [i for i, t in enumerate(sentence.tokens) if t.lemma == frame.focus]
    m = re.search(rf"\b([a-z]+) {re.escape(frame.focus or '')}s?\b", frame.text.lower())
    qualifier = m.group(1) if m and m.group(1) not in STOPWORDS and "adj" in english_pos(m.group(1)) else None
    if qualifier is None:
        return roles
    qualified = [i for i in roles if any(t.head == i and t.dep == "amod" and text[t.start : t.end].lower() == qualifier
                                         for t in sentence.tokens)]
    return qualified or roles


def label_at(sentence: ParsedSentence, at: int) -> str | None:
    """The label of the sentence's entity that covers offset `at`, if one does."""
    return next((x.label for x in sentence.entities if x.start <= at < x.end), None)


def titled_as(sentence: ParsedSentence, start: int, end: int, role: str) -> bool:
    """Does the name at [start, end) stand in this sentence beside a word of the role ("Skipper Jo Roe", "Jo Roe, the
    skipper")?"""
    return sentence.start <= start < sentence.end and any(
        t.lemma == role and _beside(sentence, start, end, r) for r, t in enumerate(sentence.tokens))


def _beside(sentence: ParsedSentence, start: int, end: int, role: int) -> bool:
    """Does the name at [start, end) stand beside the role token: within four tokens, or joined to it by the parse
    ("Jane Doe, the president's envoy to Freedonia, said" has the role in apposition to the name)?"""
    inside = [i for i, t in enumerate(sentence.tokens) if start <= t.start < end]
    if not inside:
        return False
    r = sentence.tokens[role]
    # "Jo Roe will become the new coach": the subject of the verb whose complement the role is
    complement = r.dep in ("attr", "oprd") and any(sentence.tokens[i].head == r.head and sentence.tokens[i].dep in (
        "nsubj", "nsubjpass") for i in inside)
    # near it, with no verb of saying between ("Jo Roe says the man …" is not the man)
    near = any(abs(i - role) <= 4 and not any(t.pos in ("VERB", "AUX") and t.lemma in SPEECH_VERBS
                                              for t in sentence.tokens[min(i, role) + 1 : max(i, role)])
               for i in inside)
    return near or r.head in inside or any(
        sentence.tokens[i].head == role for i in inside) or _titled(sentence, role, inside) or complement or \
        _appositive_of(sentence, role, inside)


_WEB_NAME = re.compile(r"\b(?:www\.)?[A-Za-z0-9][A-Za-z0-9-]*\.(?:com|net|org|gov|edu|info|co|io|tv)(?:\.[a-z]{2})?\b")
_LOCATIVE = frozenset({"in", "at", "near", "outside", "to", "into", "towards", "from"})


def _asked_motion(frame: Frame) -> tuple[str, frozenset[str]] | None:
    """"To which town was the yacht towed?", "Where was it flown from?": the preposition the asked place follows,
    and the question's words (its verb among them)."""
    m = re.search(r"\b(to|from|into)\s+(?:which|what)\b", frame.text, re.IGNORECASE) or \
        re.search(r"\bwhere\b.*\b(to|from)\s*\?\s*$", frame.text, re.IGNORECASE)
    return (m.group(1).lower(), frozenset(frame.terms)) if m else None


def _located(text: str, sentence: ParsedSentence,
             motion: tuple[str, frozenset[str]] | None = None) -> list[tuple[int, int]]:
    """Proper names a deed happens at ("At Zenda, four were rescued", however the recogniser tagged it), goes to or
    comes from ("was towed to Zenda", when it tagged nothing there; not "handed to Jo Roe", "according to Jo Roe").
    Where the question asks where the deed went to or came from (`motion`: "To which town was it towed?"), a name
    after that preposition of the question's own verb is the place, however tagged ("towed to Zenda Flats")."""
    tokens, out = sentence.tokens, []
    for k, t in enumerate(tokens):
        if t.dep != "pobj" or t.pos != "PROPN" or not 0 <= t.head < len(tokens):
            continue
        prep = tokens[t.head]
        word = text[prep.start : prep.end].lower()
        verb = tokens[prep.head] if 0 <= prep.head < len(tokens) else prep
        if word not in _LOCATIVE or verb.pos not in ("VERB", "AUX") or verb.lemma in SPEECH_VERBS or (
                word in ("to", "from") and verb.lemma in ("talk", "speak", "belong", "send")):
            continue
        tagged = next((x for x in sentence.entities if x.start <= t.start < x.end), None)
        moved = motion is not None and word == motion[0] and verb.lemma in motion[1]
        if tagged is not None and (tagged.label in ("GPE", "LOC", "FAC", "DATE", "TIME", "NORP")
                                   or word not in ("in", "at", "near", "outside") and not moved):
            continue  # a place the recogniser found is a candidate already; a name it tagged is a place only
            # where a deed happens ("handed to Jo Roe", "pledges made to Acme" go to a person, a body)
        if tagged is None and text[t.start : t.end].isupper():
            continue  # an untagged acronym ("aligned to AQX leader …") is a body's more often than a place's
        out.append((tokens[_run_start(tokens, k)].start, t.end))
    return out


def _agent_nouns(sentence: ParsedSentence, verb: str) -> list[int]:
    """The sentence's nouns for one who does `verb` ("owner" of own, "founder" of found, "organiser" of organise)."""
    stem_ = verb[:-1] if verb.endswith("e") else verb
    forms = {stem_ + "er", stem_ + "or", verb + "r"} if len(verb) > 2 else set()
    return [i for i, t in enumerate(sentence.tokens) if t.pos in ("NOUN", "PROPN") and t.lemma.lower() in forms]


def _appositive_of(sentence: ParsedSentence, role: int, inside: list[int]) -> bool:
    """Is the name in apposition to the role's phrase ("The president of the Acme Society, Jo Roe, says"): the
    parser attaches it to the phrase's last noun, whose heads lead back to the role with no verb between?"""
    tokens = sentence.tokens
    root = _span_root(tokens, set(inside))
    if root is None or tokens[root].dep != "appos" or inside[0] <= role:
        return False
    at = tokens[root].head
    for _ in range(8):
        if at == role:
            return True
        if not role < at < inside[0] or tokens[at].pos in ("VERB", "AUX"):
            return False
        at = tokens[at].head
    return False


def _titled(sentence: ParsedSentence, role: int, inside: list[int]) -> bool:
    """Is the name the end of a title that opens with the role ("Chairman of the Joint Council General Jo Roe"):
    its heads lead back to the role through the title's own words, with no verb or clause between?"""
    tokens = sentence.tokens
    if inside[0] <= role or any(tokens[i].pos not in ("PROPN", "NOUN", "DET", "ADP", "ADJ")
                                for i in range(role + 1, inside[0])):
        return False
    at = inside[-1]
    for _ in range(8):
        at = tokens[at].head
        if at == role:
            return True
        if not role < at < inside[0] or not 0 <= at < len(tokens):
            return False
    return False


def _mostly(labels: Counter[str] | None, label: str) -> bool:
    """Is `label` the commonest entity label of a word (its Counter of labels, None when never inside a name)?"""
    return bool(labels) and labels.most_common(1)[0][0] == label  # type: ignore[union-attr]


def _age_of(text: str, sentence: ParsedSentence, start: int, end: int, names: set[str]) -> bool:
    """Is the age at [start, end) said of one of the named people: beside the name, or "aged 72" in a clause whose
    subject is the name?"""
    tokens = sentence.tokens
    named = [i for i, t in enumerate(tokens) if text[t.start : t.end].lower().rstrip("'s’") in names]
    suffix = re.match(r"[- ]years?[- ]old", text[end : end + 10])  # "Twenty-eight" + "-year-old"
    end += suffix.end() if suffix else 0
    first, last = _token_at(sentence, start), max(_token_at(sentence, start), _token_at(sentence, end) - 1)
    if any(first - 3 <= i <= last + 3 for i in named):
        return True
    if not text[max(0, start - 6) : start].lower().endswith("aged ") or first == 0:
        return False
    i, seen = tokens[first - 1].head, {first - 1}  # from what "aged" describes up to the first verb with a subject
    while 0 <= i < len(tokens) and i not in seen:
        seen.add(i)
        subjects = [k for k, t in enumerate(tokens) if t.head == i and k != i and t.dep in ("nsubj", "nsubjpass")]
        if tokens[i].pos in ("VERB", "AUX") and subjects:
            return any(_in_subtree(tokens, n, k) for n in named for k in subjects)
        i = tokens[i].head
    return False


_BARE_PEOPLE = frozenset({"man", "woman", "boy", "girl", "person", "child", "baby", "teenager", "youth"})  # say only
# what someone is ("the 30-year-old man left" may be anyone); a role ("the 80-year-old former ruler") refers back
_REFERRING = ("nsubj", "nsubjpass", "poss", "dobj", "pobj", "appos")  # a phrase standing for someone in its clause


def _aged_referent(text: str, sentences: list[ParsedSentence], i: int, start: int | None = None
                   ) -> tuple[int, int] | None:
    """Who "the 26-year-old" (an age used as a noun: "the 26-year-old's background", "The 27-year-old is on board
    …") stands for: whoever the paragraph (or the one before) named last before it, speakers aside; the first such
    age in the sentence, or the one at `start`."""
    s = sentences[i]
    for m in re.finditer(r"\bthe (\w+)[- ]years?[- ]old\b", text[s.start : s.end], re.IGNORECASE):
        at = s.start + m.start(1)
        if start is not None and at != start:
            continue
        old = s.tokens[_token_at(s, s.start + m.end() - 3)]  # the token "old"
        head = s.tokens[old.head] if old.dep == "amod" and 0 <= old.head < len(s.tokens) else None
        # "the 80-year-old former ruler was put on a drip": a description with no name in it refers back, as
        # "the 26-year-old" does (not "the 26-year-old Jo Roe", "a 26-year-old man" nor "the 26-year-old man")
        described = head is not None and head.pos == "NOUN" and head.dep in _REFERRING and head.lemma not in \
            _BARE_PEOPLE and not any(
            t.pos == "PROPN" for t in s.tokens[_token_at(s, s.start + m.start()) : old.head + 1])
        if old.dep not in _REFERRING and not described:
            continue
        for j in range(i, -1, -1):
            if s.paragraph - sentences[j].paragraph > 1:
                break
            # (not who says it: "Senator Al Poe says … the 26-year-old's background" is someone else's)
            speaker = _speaker_in(text, sentences[j], people_only=True)
            people = [ent for ent in relabelled(text, sentences[j]) if ent.label == "PERSON" and ent.end <= at
                      and not (speaker and speaker[0] < ent.end and ent.start < speaker[1])]
            if people:
                return people[-1].start, people[-1].end
        return None
    return None


def _in_subtree(tokens: tuple[Token, ...], i: int, root: int) -> bool:
    """Is token i inside the subtree of token `root`?"""
    seen = set()
    while 0 <= i < len(tokens) and i not in seen:
        if i == root:
            return True
        seen.add(i)
        i = tokens[i].head
    return False


def _token_at(sentence: ParsedSentence, at: int) -> int:
    """Index of the token that starts at or after a character offset."""
    return next((i for i, t in enumerate(sentence.tokens) if t.start >= at), len(sentence.tokens))


Family = tuple[frozenset[str], dict[str, tuple[str, ...]], frozenset[str]]
# a noun made from a verb, by its ending, and the verb's ending: "invasion" ~ "invade", "reduction" ~ "reduce",
# "description" ~ "describe", "admission" ~ "admit", "detention" ~ "detain", "consumption" ~ "consume"
_NOMINAL = (("umption", "um"), ("mission", "mit"), ("ention", "ain"), ("ption", "b"), ("ction", "c"), ("sion", "d"))


@lru_cache(maxsize=100_000)
def _derivation_key(word: str) -> str | None:
    """The shared root of a verb and the noun made from it ("invad" for "invade" and "invasion"), for longer words."""
    if len(word) < 5 or not word.isalpha():
        return None
    for suffix, root in _NOMINAL:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)] + root
    return word[:-1] if word.endswith("e") else word


@lru_cache(maxsize=8192)
def _family(words: frozenset[str]) -> Family:
    """A sentence's words indexed for `_kin` (the same sentences come back question after question): the crude
    stems of its longer words, its words by their first four letters, and their verb-and-noun roots."""
    by_opening: dict[str, list[str]] = {}
    for w in words:
        by_opening.setdefault(w[:4], []).append(w)
    roots = frozenset(k for k in map(_derivation_key, words) if k is not None)
    return frozenset(stem(w) for w in words if len(w) >= 7), {k: tuple(v) for k, v in by_opening.items()}, roots


def _kin(term: str, words: set[str] | frozenset[str], family: Family | None = None) -> bool:
    """A word of the same family is present: same crude stem, the term begins a longer word ("lead" ~
    "leadership", "financ" ~ "financial"), or one is the noun made from the other ("invade" ~ "invasion")."""
    if len(term) >= 3 and (term + "er" in words or term + "r" in words or term + "or" in words):
        return True  # "own" ~ "owner", "found" ~ "founder": the one who does it
    if len(term) < 4:
        return False
    stems, by_opening, roots = family if family is not None else _family(frozenset(words))
    if stem(term) in stems or _derivation_key(term) in roots:
        return True
    if term.startswith("re") and len(term) >= 7 and _kin(term[2:], words, family):
        return True  # "reshuffle" ~ "shuffle", "reelect" ~ "elected": the deed done again is the same deed
    return any(w.startswith(term) and len(w) - len(term) <= 6 for w in by_opening.get(term[:4], ()))


def _name_kin(name: str, family: Family) -> bool:
    """A name word and its derived form among a sentence's words (its `_family`): "russia" ~ "russian", "chechnya" ~
    "chechen" (shared opening)."""
    if len(name) < 5:
        return False
    for w in family[1].get(name[:4], ()):
        n = 0
        for x, y in zip(name, w):
            if x != y:
                break
            n += 1
        if n >= 5 and n >= min(len(name), len(w)) - 2:
            return True
    return False
