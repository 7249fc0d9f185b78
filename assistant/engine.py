"""The grounded engine's composer: answer-first extraction over the evidence stage, constraint-based abstention.

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
from collections.abc import Callable
from itertools import chain

from assistant.answer import RetrievedChunk, ShortAnswer
from assistant.compose import CitationBook, Draft, ExtractiveAnswerer, with_marker
from assistant.evidence import (
    NO_SPAN,
    NO_SUPPORT,
    EvidenceStage,
    Scored,
    counts_asked,
    label_at,
    names_the_asked,
    role_reference,
    subject_pronoun,
    titled_as,
)
from assistant.frame import STRICT_TYPES, YEAR, Frame, aside_words
from assistant.lexicon import MONTHS, NUMBER_WORDS, PERSON_NOUNS, RELATION_NOUNS, SYNONYMS, knowing_verb
from assistant.question import Question
from assistant.settings import AnswerSettings
from index.language import ParsedSentence, english_pos
from index.snapshot import Snapshot

_REASON = re.compile(r"\b(?:because|since|due to|as a result|in order to|so that|after|amid|over|for)\b", re.I)
_OPPOSITES = {  # a word of a yes/no question, and words whose presence answers it with a no
    "attend": frozenset({"absence", "absent", "skip", "skipped", "boycott", "boycotted", "missed"}),
    "legal": frozenset({"banned", "ban", "illegal", "outlawed", "prohibited", "forbidden"}),
    "allow": frozenset({"banned", "ban", "prohibited", "forbidden", "barred"}),
    "alive": frozenset({"dead", "killed", "died"}),
    "survive": frozenset({"dead", "killed", "died"}),
    "win": frozenset({"lost", "lose", "defeated"}),
    "accept": frozenset({"rejected", "reject", "refused", "declined", "deny", "denied", "denies", "denying"}),
    "guilty": frozenset({"acquitted", "innocent", "cleared"}),
    "convict": frozenset({"acquitted", "acquit", "cleared"}),
    "acquit": frozenset({"convicted", "guilty"}),
    "approve": frozenset({"rejected", "reject", "vetoed", "blocked"}),
    "agree": frozenset({"disagreed", "disagree", "rejected", "refused"}),
    "admit": frozenset({"deny", "denied", "denies", "denying", "rejected"}),
    "confirm": frozenset({"deny", "denied", "denies", "denying"}),
    "fall": frozenset({"rose", "rise", "risen", "up", "increased", "grew", "jumped", "climbed", "gained", "soared"}),
    "drop": frozenset({"rose", "rise", "risen", "up", "increased", "grew", "jumped", "climbed", "gained", "soared"}),
    "decrease": frozenset({"rose", "rise", "risen", "up", "increased", "grew", "jumped", "climbed", "soared"}),
    "rise": frozenset({"fell", "fallen", "down", "decreased", "dropped", "declined", "slumped", "plunged", "sank"}),
    "increase": frozenset({"fell", "fallen", "down", "decreased", "dropped", "declined", "slumped", "plunged"}),
    "grow": frozenset({"fell", "fallen", "shrank", "decreased", "dropped", "declined", "slumped", "contracted"}),
}


def _opposites(term: str) -> frozenset[str]:
    """The words that answer a yes/no question's word with a no, for the word or its base form ("admitted")."""
    # the word with a negating prefix says no too: "unhurt" for "hurt", "unaware" for "aware", "non-binding" (not
    # "in-", "im-", "dis-": "inform", "impose", "discharged" are no negations of "form", "pose", "charged")
    negated = frozenset(prefix + term for prefix in _NEGATING_PREFIXES)
    for base in (term, re.sub(r"(?<=[aeiou])([bdgmnprt])\1(?:ed|ing)$", r"\1", term), re.sub(r"(?:ed|ing|s)$", "", term)):
        if base in _OPPOSITES:
            return _OPPOSITES[base] | negated
    return negated


_SCENE = re.compile(r"\s(?:when|while|after|before|because|since|until|as soon as|like|unlike)\s", re.IGNORECASE)


def _scene_words(question: str, normal: Callable[[str], str]) -> frozenset[str]:
    """The words (normalised) of the clause after "when", "after", "because" … in a question that opens otherwise:
    the circumstances of what is asked, not what is asked."""
    m = _SCENE.search(question)
    if m is None:
        return frozenset()
    head = {normal(w.lower()) for w in re.findall(r"[A-Za-z]+", question[: m.start()])}
    return frozenset(normal(w.lower()) for w in re.findall(r"[A-Za-z]+", question[m.start() :])) - head


# "… that the man linked to Acme was in the army?": a participle that describes a noun before the clause's own verb
_DESCRIBING = re.compile(r"\b(?:the|a|an|this|that|these|those)\s+(?:[a-z]+\s+){0,2}?([a-z]+(?:ed|en))\s+(?:to|by|in|at|on|"
                         r"with|from|over|for|during)\b(?=.*\b(?:was|were|is|are|has|have|had|will|would|did|does)\b)",
                         re.IGNORECASE)


# "Was Jo Roe the runner-up in the race?": the name, and the noun it is asked to be
_IDENTITY = re.compile(r"\s*(?:[Ii]s|[Ww]as|[Aa]re|[Ww]ere)\s+((?:[A-Z][\w'.-]*\s+){1,4})(?:the|a|an)\s+"
                       r"(?:[\w-]+\s+){0,2}?([\w-]+)(?=\s+(?:in|of|at|for|on|to|from|with|during|by)\b|\s*\?)")


def _identity_words(question: str, normal: Callable[[str], str]) -> tuple[frozenset[str], frozenset[str]]:
    """For "Was <name> the <noun> …?", the name's words and the noun's ("runner-up"): the deciding sentence must
    say both, as it must say the question's verbs (a sentence that names Jo Roe beside someone else's second place,
    or says Al Poe was runner-up a sentence after Jo Roe is named, does not say Jo Roe was)."""
    m = _IDENTITY.match(question)
    if m is None:
        return frozenset(), frozenset()
    return (frozenset(normal(w.lower()) for w in m.group(1).split()),
            frozenset(normal(w.lower()) for w in m.group(2).split("-") if len(w) > 2))


# "the two surviving guides", "the Harlow sailing race": an -ing word inside a noun phrase that describes its noun
_DESCRIBING_ING = re.compile(r"\b(?:the|a|an|this|that|these|those)\s+(?:(?:\d+|[A-Z][\w'-]*|one|two|three|four|five|six"
                             r"|seven|eight|nine|ten)\s+){0,2}([a-z]+ing)\s+(?!(?:the|a|an|to|in|on|at|of|for|with|by"
                             r"|from|over|his|her|their|its|and|or)\b)[a-z]+")


# "the Acme worm", "the Harlow council": the kind noun right after a name says what the name is
_KIND_AFTER_NAME = re.compile(r"\b(?:the|a|an)\s+(?:[A-Z][\w'-]*\s+)+([a-z]{3,})\b(?!\s+(?:of|to|in|on|at|by|for)\b)")


def _described_words(question: str, normal: Callable[[str], str]) -> frozenset[str]:
    """The participles that only say which one is meant ("the man linked to Acme", "the boy injured in the crash",
    "the two surviving guides") in a question whose clause has a verb of its own, and the kind noun after a name
    ("the Acme worm"): who or what is meant, not what is asked."""
    return frozenset(normal(m.group(1).lower()) for pattern in (_DESCRIBING, _DESCRIBING_ING, _KIND_AFTER_NAME)
                     for m in pattern.finditer(question[1:]))


_NEGATING_PREFIXES = ("un", "non", "non-")


_NEGATION = frozenset({"not", "no", "never", "n't", "nobody", "none", "nothing", "neither", "nor"})
_RULED_OUT = re.compile(r"\brul(?:e|ed|es|ing) out\b", re.IGNORECASE)
_COMPARED = re.compile(r"\s(?:like|unlike)\s", re.IGNORECASE)
_DENIAL = re.compile(r"\b(?:deny|denied|denies|reject|rejected|rejects|refuse|refused|refuses|dismiss|dismissed"
                     r"|rule out|ruled out|rules out)\b", re.IGNORECASE)
_NOBODY = frozenset({"nobody", "none"})  # "nobody was hurt", "none of them" ("no one", "no detainees": by "no")
# "Was anyone injured …?", "Were any detainees hurt …?": whether somebody was, the participle asked about
_ANYONE = re.compile(r"^\s*(?:was|were|has|have|had)\s+(?:there\s+)?(?:anyone|anybody|someone|somebody|any\s+[a-z]+)"
                     r"\s+(?:been\s+)?([a-z]+(?:ed|en|t))\b", re.IGNORECASE)
# "Was there a patient on board …?", "Will there be any delays?": the noun whose existence is asked
_THERE = re.compile(r"\s*(?:is|was|are|were|will|would|has|have|had)\s+there\s+(?:be\s+|been\s+)?(?:a|an|any|some|"
                    r"another|more|many)?\s*([a-z]+)", re.IGNORECASE)
_CONTINUING = re.compile(r"\b(?:still|currently|now|remains?|continues? to)\b", re.IGNORECASE)
_PAST_ONLY = frozenset({"previously", "formerly", "former", "once", "ex"})


_DAY_MONTH = re.compile(r"\b(?:(" + "|".join(MONTHS) + r")[a-z]*\.? (\d{1,2})\b|(\d{1,2}) (" + "|".join(MONTHS)
                        + r")[a-z]*\b)", re.IGNORECASE)


def _days(text: str) -> set[tuple[str, str]]:
    """(month, day) of each "Nov. 22" / "22 November" in a text."""
    return {((m.group(1) or m.group(4))[:3].lower(), m.group(2) or m.group(3)) for m in _DAY_MONTH.finditer(text)}


def _other_date(frame: Frame, doc_text: str, sentence: ParsedSentence) -> list[str]:
    """The question's date terms, when it names a day and the sentence dates what it says to another day only."""
    asked = _days(frame.text)
    if not asked:
        return []
    stated = set().union(*(_days(doc_text[e.start : e.end]) for e in sentence.entities if e.label == "DATE"))
    if not stated or stated & asked:
        return []
    parts = {p for month, day in asked for p in (month, day)}
    return [t for t in frame.terms if t in parts or t[:3] in parts]


_QUOTE_MARK = re.compile(r"[“”\"]")
VERB_BONUS = 0.15  # a factoid's span in a sentence that says the question's verbs, over one that does not
YES_NO_WINDOW = 3  # a yes/no verdict is read from one of this many best sentences
# words for people acting together, which a sentence may say did the deed instead of a name
_GROUPS_OF_PEOPLE = frozenset({"police", "people", "crew", "staff", "team", "troops", "army", "authority", "government",
                               "family", "public", "crowd", "force", "squad", "rebel", "militia", "community"})
_QUOTED = re.compile(r"(\w+) ['‘“\"]([\w -]+?)['’”\"] (\w+)")


_COUNT = r"\d[\d,.]*|" + "|".join(w for w in NUMBER_WORDS if not w.endswith("s"))


def _amount(number: str) -> float | None:
    low = number.lower().replace(",", "")
    if low in NUMBER_WORDS:
        return float(NUMBER_WORDS[low])
    try:
        return float(low)
    except ValueError:
        return None


def _other_value(frame: Frame, sentence: str) -> list[str]:
    """The question's number or quoted word, when the sentence gives another in its place: "100 boats" against
    "76 boats", "the 'funny' drummer" against "the \"quiet\" drummer"."""
    out: list[str] = []
    for m in re.finditer(rf"\b({_COUNT}) (\w+)", frame.text, re.IGNORECASE):
        number, noun = m.group(1), m.group(2).lower()
        stated = re.findall(rf"\b({_COUNT}) (?:\w+ )?{re.escape(noun)}", sentence, re.IGNORECASE)
        if stated and _amount(number) not in {_amount(x) for x in stated}:  # "three teenagers" / "two teenagers"
            out += [t for t in frame.terms if t in (number.replace(",", ""), number, number.lower())]
    for m in _QUOTED.finditer(frame.text):
        before, word, after = m.group(1).lower(), m.group(2).lower(), m.group(3).lower()
        for s in _QUOTED.finditer(sentence):
            if s.group(1).lower() == before and s.group(3).lower() == after and s.group(2).lower() != word:
                out += [t for t in frame.terms if t in word.split()]
    return out


_BY_AGENT = re.compile(r"\b(\w{4,}) by (?:the |a |an )?((?:[\w'-]+ ?){1,4}?)(?=[?,.;]|\s+(?:in|near|at|on|during|after"
                       r"|before|while|when|and|from|with)\b|$)", re.IGNORECASE)


def _names_a(noun: str, name: str) -> bool:
    """Does the (lower-cased) name end with the noun, as "springfield hospital" names a hospital?"""
    words = name.split()
    return len(words) >= 2 and words[-1].rstrip("s") == noun.rstrip("s")


def _other_agent(frame: Frame, sentence: str) -> list[str]:
    """The question's "killed by X", when the sentence says the same verb was done by another ("killed by a
    misguided bomb" for "killed by rebel fire"): the question's words for X, which the sentence answers with a no."""
    out: list[str] = []
    for m in _BY_AGENT.finditer(frame.text):
        verb, agent = m.group(1).lower(), {w.lower() for w in m.group(2).split()}
        for s in _BY_AGENT.finditer(sentence):
            stated = {w.lower() for w in s.group(2).split()}
            if s.group(1).lower()[:4] == verb[:4] and not stated & agent:
                out += [t for t in frame.terms if t in agent or any(w.startswith(t) for w in agent)]
    return list(dict.fromkeys(out))


DIGEST_ARTICLES = 12  # up to this many articles, an overview gives each headline with its opening sentence


class GroundedAnswerer(EvidenceStage):
    """Answer-first, grounded by construction; lays conflicting figures side by side (via the figures stage)."""

    name = "extractive"

    def __init__(self, settings: AnswerSettings, refusal: str) -> None:
        super().__init__(settings)
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

    def role_reference(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
                       vector: list[float] | None) -> str | None:
        """"Who is the spokesman who said …?" ("Which team won …?") with no span that answers: how the best evidence
        speaks of that role (`evidence.role_reference`): UNNAMED ("a spokesman said", "a Harlow team won"), the
        articles do not say who it is; AFTER_A_NAME ("Jo Roe spoke … . The spokesman said"), it may be that name."""
        frame = self.frame(question, snapshot)
        if frame.intent != "factoid" or frame.answer_type not in ("PERSON", "ORG", "PLACE") or frame.focus is None:
            return None
        evidence = self.gather(frame, snapshot, chunks, vector)
        if self._abstain_reason(frame, snapshot, evidence) != NO_SPAN:
            return None
        top = [e for e in self._supported(frame, evidence)[: self.settings.type_window] if e.predicate_ok]
        return role_reference(frame, snapshot.documents[top[0].doc_id].text, snapshot.sentences(top[0].doc_id),
                              top[0].index) if top else None

    # ---- answering --------------------------------------------------------------------------------
    def answer(self, question: Question, snapshot: Snapshot, chunks: list[RetrievedChunk],
               vector: list[float] | None) -> Draft:
        frame = self.frame(question, snapshot)
        if frame.intent == "chit-chat":
            return self._chit_chat(snapshot, question.text)
        if frame.intent == "overview":
            return self._overview(snapshot, question.text)
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

    def _abstain_reason(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored]) -> str | None:
        if not frame.terms:
            return "the question has no content words"
        if not evidence:
            return "nothing retrieved"
        hard_unknown = [w for w in frame.unknown if w.lower() in {n.lower() for n in frame.names} or w[:1].isupper()]
        if frame.intent == "yes-no":  # "killed by Freedonian fire?" is answered by "killed by a misguided bomb"
            replaced = {t for e in evidence[:YES_NO_WINDOW] for t in _other_agent(frame, e.text)}
            hard_unknown = [w for w in hard_unknown if w.lower() not in replaced]
        if hard_unknown:
            return f"the articles never mention {', '.join(hard_unknown)}"
        if max(e.dense for e in evidence) < self.settings.min_dense:
            return "nothing similar enough"
        good = self._yes_no_evidence(frame, snapshot, evidence) if frame.intent == "yes-no" else self._supported(frame, evidence)
        if not good:
            return NO_SUPPORT
        if frame.answer_type in STRICT_TYPES and frame.intent not in ("list", "compare", "yes-no"):
            top = [e for e in good[: self.settings.type_window] if e.predicate_ok]
            if not any(self.candidates(frame, snapshot, e) for e in top) and not (
                    frame.answer_type == "PERSON" and frame.focus is None and any(
                        _described_doers(frame, snapshot.documents[e.doc_id].text, e.sentence) for e in top[:2])):
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
        if frame.answer_type == "PERSON":
            # "Who released it?": whoever a sentence names as the doer of the asked verb ("released by Acme TV") comes
            # before any person a sentence without that verb names
            doing = [o for o in options if self._doers(frame, snapshot, o[0])]
            options = doing or options
        focus = frame.focus
        if frame.answer_type == "PERSON" and focus and any(titled_as(o[0].sentence, o[1][0], o[1][1], focus) for o in options):
            # "Which skipper …?": once a name is written with that title in its own sentence ("Skipper Jo Roe is in
            # hospital"), a name read from a neighbouring sentence is no longer needed
            options = [o for o in options if o[0].sentence.start <= o[1][0] < o[0].sentence.end]
        if frame.answer_type == "PERSON" and any(o[1][2] == "PERSON" for o in options):
            options = [o for o in options if o[1][2] == "PERSON"]
        if frame.focus and frame.answer_type in ("ORG", "PLACE"):
            # "Which hospital …?": a name that says it is one ("Shelbyville Hospital") answers it outright
            # (in a sentence that says something else the question asks, beside its names)
            named = [o for o in options if _names_a(frame.focus, o[2]) and o[0].matched - set(frame.hard) - {frame.focus}]
            options = named or options
        asked_years = set(YEAR.findall(frame.text))
        if asked_years and any(asked_years & set(YEAR.findall(o[0].text)) for o in options):
            # "… died in 2000?": a sentence that names 2000 answers; one that names only other years ("a drop from
            # 1999, when 1,740 died") gives another year's figure
            options = [o for o in options if asked_years & set(YEAR.findall(o[0].text)) or not YEAR.search(o[0].text)]
        # "Where is Jo Roe now thought to be?": a sentence that says what the question's verbs say ("He is now
        # thought to be in Zenda") answers it before one that only names who it is about ("Jo Roe grew up in Ormsby")
        aside = {self.lexicon(snapshot).normal(w) for w in aside_words(frame.text)}
        verbs = {t for t in frame.terms if t not in frame.hard and t not in aside and self._is_verb(snapshot, t)}
        saying = {id(o[0]) for o in options if verbs <= o[0].matched} if verbs else set()
        if len(saying) == len({id(o[0]) for o in options}):
            saying = set()  # every candidate's sentence says them: nothing to prefer
        for e, cand, key, rank in options:
            value = e.score + self.settings.weight_closeness * cand[3] + 0.05 * (counts[key] - 1) - 0.03 * rank
            if id(e) in saying:
                value += VERB_BONUS
            if frame.answer_type in ("COUNT", "QUANTITY", "MONEY", "AMOUNT") and counts_asked(frame, e.sentence, cand[0], cand[1]):
                value += 0.3  # "An estimated 500 residents" for how many residents; "Jo scored 131" for how many
            if best is None or value > best[0]:
                best = (value, e, cand)
        if best is None:
            return self._passage(frame, snapshot, evidence, book)
        _, e, (start, end, _, _) = best
        doc_text = snapshot.documents[e.doc_id].text
        answer_text = doc_text[start:end]
        lead = ""
        named_at = None
        if not e.sentence.start <= start < e.sentence.end:  # the name sits in a sentence before or after it
            sent = next((x for x in snapshot.sentences(e.doc_id) if x.start <= start < x.end), None)
            if sent is not None:
                named_at = book.cite(e.doc_id, sent.start, sent.end)
                lead = f"**{answer_text}** [{named_at}]: "
        n = self._cite(book, e)
        quote = e.text if lead else _bold(e.text, start - e.sentence.start, end - e.sentence.start)
        text = lead + with_marker(quote, n)
        short = ShortAnswer(text=answer_text, citation=named_at if named_at is not None else n)
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

        # "… offering flights to five major cities. The fares are for flights to A, B, C, D and E.": the items
        # often follow in a sentence of their own beside the one that says what they are
        following: set[tuple[str, int]] = set()
        for e in evidence:
            if e.hard_ok and any(e.doc_id == g.doc_id and 0 < e.index - g.index <= 2 for g in good[:3]):
                text.setdefault(e.doc_id, snapshot.documents[e.doc_id].text)
                if len(names(e)) >= 2:
                    following.add((e.doc_id, e.index))
                    if e not in good:
                        good.append(e)

        ranked = sorted(good, key=lambda e: -(e.score + 0.15 * min(3, len(names(e)))))
        chosen: list[Scored] = []
        seen: set[str] = set()
        for e in ranked:
            new = names(e) - seen
            if (new or not chosen) and _distinct(e, chosen) and (
                    not chosen or e.score >= 0.6 * chosen[0].score or (e.doc_id, e.index) in following):
                chosen.append(e)
                seen |= new
            if len(chosen) >= 3:
                break
        if not any(names(e) for e in chosen):
            return self._passage(frame, snapshot, evidence, book)
        if following:  # the sentence that lists the items leads, the one that says what they are follows it
            chosen.sort(key=lambda e: -len(names(e)) if (e.doc_id, e.index) in following else 0)
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
        short = None
        for i, e in enumerate(chosen):
            named = self.attribution(snapshot, e)
            # "Which institute says …?" is not answered by the person who speaks for it
            person_for_body = named is not None and frame.answer_type == "ORG" and label_at(named[0], named[1][0]) == "PERSON"
            if named is not None and i == 0 and not names_the_asked(frame, snapshot.documents[e.doc_id].text[slice(*named[1])]) \
                    and not person_for_body and (frame.answer_type in ("PERSON", "ORG", "NAME")
                                                 or frame.intent == "definition"
                                                 or re.match(r"\s*(?:which|who|whom|whose)\b", frame.text, re.I)):
                sent, (a, b) = named  # the name is the answer: it comes first
                n = book.cite(e.doc_id, sent.start, sent.end)
                parts.append(f"**{snapshot.documents[e.doc_id].text[a:b]}** [{n}]:")
                short = ShortAnswer(text=snapshot.documents[e.doc_id].text[a:b], citation=n)
                named = None
            if named is not None and (subject_pronoun(snapshot.documents[e.doc_id].text, e.sentence)
                                      or _QUOTE_MARK.search(e.text)):
                sent, (a, b) = named  # who "he" is, or who speaks the quote: named ahead of it
                parts.append(f"**{snapshot.documents[e.doc_id].text[a:b]}** [{book.cite(e.doc_id, sent.start, sent.end)}]:")
            parts.append(with_marker(e.text, self._cite(book, e)))
        return Draft(text=" ".join(parts), citations=book.citations, kind="answer", short_answer=short)

    def _yes_no(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored], book: CitationBook) -> Draft:
        good = self._yes_no_evidence(frame, snapshot, evidence)
        asked = _ANYONE.search(frame.text)
        # "Was anyone hurt in the fire?": a sentence about the event that says who was (or that nobody was) answers;
        # then the first of the best sentences that states the answer outright (each read only when needed)
        anyone = ((self._anyone_verdict(snapshot, e, asked.group(1)), e) for e in good[:YES_NO_WINDOW + 2]) \
            if asked else iter(())
        stated = ((self._verdict(frame, snapshot, e), e) for e in good[:YES_NO_WINDOW])
        for verdict, e in chain(anyone, stated):
            if verdict is not None:
                n = self._cite(book, e)
                return Draft(text=f"**{verdict}** — {with_marker(e.text, n)}", citations=book.citations,
                             kind="yes-no", short_answer=ShortAnswer(text=verdict, citation=n))
        n = self._cite(book, good[0])
        text = f"The articles do not say directly. The closest evidence: {with_marker(good[0].text, n)}"
        return Draft(text=text, citations=book.citations, kind="yes-no")

    def _anyone_verdict(self, snapshot: Snapshot, e: Scored, participle: str) -> str | None:
        """"No" when the sentence says nobody (no one, no detainees) was what the question asks ("injured"), or that
        they were not; "Yes" when it says who was ("one man was arrested"); None when it does not say."""
        lexicon = self.lexicon(snapshot)
        asked = lexicon.normal(participle)
        family = {asked, participle} | SYNONYMS.get(asked, frozenset())
        text = snapshot.documents[e.doc_id].text
        tokens = e.sentence.tokens
        for i, t in enumerate(tokens):
            if t.lemma not in family and text[t.start : t.end].lower() not in family:
                continue
            children = [j for j, c in enumerate(tokens) if c.head == i and j != i]
            subjects = [j for j in children if tokens[j].dep in ("nsubjpass", "nsubj")]
            if not subjects:
                continue
            said = {text[tokens[j].start : tokens[j].end].lower() for j in children}
            subject = subjects[0]
            det = {text[c.start : c.end].lower() for c in tokens if c.head == subject}
            words = {text[tokens[subject].start : tokens[subject].end].lower()} | det
            if words & _NOBODY or said & _NEGATION or "no" in det:
                return "No"
            return "Yes"
        return None

    def _yes_no_evidence(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored]) -> list[Scored]:
        """The supported sentences, and those that miss a name of the question only because they name another
        doer in its place ("killed by a misguided bomb" for "killed by rebel fire"): they state the answer too,
        when their article names the question's other names."""
        good = self._supported(frame, evidence)
        other = [e for e in evidence[:YES_NO_WINDOW] if e not in good and _other_agent(frame, e.text) and all(
            any(t in e.near or t in self._doc_terms(snapshot, e.doc_id) for t in g)
            or set(g) <= set(_other_agent(frame, e.text)) for g in frame.groups)]
        return sorted(good + other, key=lambda e: -e.score) if other else good

    def _verdict(self, frame: Frame, snapshot: Snapshot, e: Scored) -> str | None:
        """"Yes" or "No" when the sentence states the answer outright: it matches (or states the opposite of)
        enough of the question, every verb of the question included; else None."""
        doc_text = snapshot.documents[e.doc_id].text
        negated = any(doc_text[t.start : t.end].lower() in _NEGATION or t.dep == "neg" for t in e.sentence.tokens)
        # "Did X attend …?" against "the absence of X": the opposite word states the answer, as a no
        words = {doc_text[t.start : t.end].lower() for t in e.sentence.tokens} | {t.lemma for t in e.sentence.tokens}
        opposed = [t for t in frame.terms if t not in e.matched and words & _opposites(t)]
        # "Was X killed in the Nov. 22 operation?" against "X was killed … on Nov. 10": another date says no
        opposed += [t for t in _other_date(frame, doc_text, e.sentence) if t not in e.matched]
        # "Are there 100 boats in the race?" against "76 boats …"; "the 'funny' one" against "the 'quiet' one"
        opposed += [t for t in _other_value(frame, e.text) + _other_agent(frame, e.text)
                    if t not in e.matched and t not in opposed]
        if _RULED_OUT.search(e.text) and not _DENIAL.search(frame.text):  # "Did the report blame pilot error?"
            # against "The report ruled out pilot error": the question's verbs are what was ruled out
            opposed += [t for t in frame.terms if t not in e.matched and t not in opposed and t not in e.near
                        and (self._is_verb(snapshot, t) or "verb" in english_pos(t))]
        # a name the question gives is matched by one of its words ("Doe" for "Jane Doe"), or by the sentences
        # around it ("the summit" after "the Trade Summit opened …"); what is done must be said in the sentence
        total = sum(frame.weights.get(t, 1.0) for t in frame.terms) or 1.0
        normal = self.lexicon(snapshot).normal
        there = _THERE.match(frame.text)  # "Was there a patient on board …?" is answered by a sentence about a patient
        if there is not None and normal(there.group(1).lower()) not in e.matched | set(opposed):
            return None
        compared = _COMPARED.search(frame.text)  # "Did the Zorb worm erase data like the Acme virus?": a sentence
        if compared is not None:  # about the Acme virus does not say what the Zorb worm did
            before = {normal(w.lower()) for w in re.findall(r"[A-Za-z][\w-]*", frame.text[: compared.start()])}
            if any(not set(g) & e.matched for g in frame.groups if set(g) & before):
                return None
        knowing = knowing_verb(frame.text)  # "Does the council know why …?" is answered by what it knows
        if knowing is not None and knowing not in words:
            return None
        if sum(frame.weights.get(t, 1.0) for t in e.matched | set(opposed)) / total < self.settings.yes_no_coverage:
            matched = set(e.matched) | {t for t in frame.terms if t.isdigit() and t in e.near}  # "in 2000-2001"
            # (a sentence that names another doer in the asked one's place is about the event its article is
            # about: the article's names of the question count, "near Zenda" said a paragraph earlier)
            scene_names = self._doc_terms(snapshot, e.doc_id) if _other_agent(frame, e.text) else frozenset()
            pronoun = subject_pronoun(doc_text, e.sentence) is not None
            named, identity = _identity_words(frame.text, normal)
            if pronoun:
                named = frozenset()  # ("She was runner-up": who she is may be said before)
            for group in frame.groups:
                if not set(group) & named and any(t in e.near or t in scene_names for t in group):
                    matched |= set(group)
            if pronoun:  # "They have suspended Acme": who "they" are is said nearby
                matched |= {t for t in frame.terms if t in e.near and not self._is_verb(snapshot, t)}
            # the verbs of a clause that only sets the scene ("… when missiles hit the post?") need not be said
            # which ones ("the two surviving guides") and the circumstances ("… when it crashed near Ormsby", "like
            # the Acme virus") may be said around the sentence, as names are
            scene = _scene_words(frame.text, normal) | _described_words(frame.text, normal)
            matched |= {t for t in frame.terms if t in scene and t in e.near}
            verbs = [t for t in frame.terms if t not in frame.hard and t not in scene and (
                self._is_verb(snapshot, t) or t in identity)] if not knowing else []
            # (what the sentence knows or tells is the clause the question asks about: its verbs may differ)
            if any(t not in e.matched and t not in opposed for t in verbs) or \
                    sum(frame.weights.get(t, 1.0) for t in matched | set(opposed)) / total < self.settings.yes_no_coverage:
                return None
        if opposed:
            negated = not negated
        # "Did X deny …?" asks about a negation: a sentence that negates ("I am not …") answers yes
        asked_not = bool(re.search(r"\b(?:not|n't|never|no)\b", frame.text.lower()))
        denial = _DENIAL.search(frame.text) is not None
        # "Has X ruled out …?" against "X has not ruled out …": the sentence's own "not" says no
        q_negated = asked_not if denial and _DENIAL.search(e.text) else asked_not != denial
        if _CONTINUING.search(frame.text) and any(
                doc_text[t.start : t.end].lower() in _PAST_ONLY for t in e.sentence.tokens):
            negated = not negated  # "Is it still active?" against "the previously active group": not any more
        return "No" if negated != q_negated else "Yes"

    def _compare(self, frame: Frame, snapshot: Snapshot, evidence: list[Scored], book: CitationBook) -> Draft:
        sides = _sides(frame) or [n for n in frame.names] or list(frame.hard)
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
    def _overview(self, snapshot: Snapshot, asked: str = "") -> Draft:
        """One line per article (headline or lead, outlet, date), each cited to its opening sentence; a question
        about publication order ("which one was published first?") is answered from the articles' dates first."""
        book = CitationBook(snapshot)
        lines = []
        cited: dict[str, int] = {}
        docs = sorted(snapshot.documents.values(), key=lambda d: (d.date or "", d.doc_id))
        digest = len(docs) <= DIGEST_ARTICLES
        for doc in docs:
            sentences = snapshot.sentences(doc.doc_id)
            if not sentences:
                continue
            lead = sentences[0]
            quote = doc.text[lead.start : lead.end]
            # a real headline is short; an untitled article's "title" is just its opening paragraph
            titled = bool(doc.title) and len(doc.title.split()) <= 25 and doc.text.startswith(doc.title)
            if titled and quote.strip() != doc.title.strip() and len(sentences) > 1 \
                    and sentences[0].end <= len(doc.title) + 1:
                lead = sentences[1]
                quote = doc.text[lead.start : lead.end]
            meta = ", ".join(x for x in (doc.outlet, doc.date) if x)
            if titled and quote.strip() == doc.title.strip():  # the headline is the opening sentence
                if digest and len(sentences) > 1:  # a few articles: the headline and what the article opens with
                    body = sentences[1]
                    n = cited[doc.doc_id] = book.cite(doc.doc_id, lead.start, body.end)
                    lines.append(f"- **{quote}**" + (f" — {meta}" if meta else "") + ": "
                                 + with_marker(doc.text[body.start : body.end], n))
                    continue
                n = cited[doc.doc_id] = book.cite(doc.doc_id, lead.start, lead.end)
                lines.append(f"- **{quote}**" + (f" — {meta}" if meta else "") + f" [{n}]")
                continue
            n = cited[doc.doc_id] = book.cite(doc.doc_id, lead.start, lead.end)
            head = f"**{doc.title}**" + (f" ({meta})" if meta else "") if titled and doc.title not in quote else ""
            tail = f" ({meta})" if meta and not head else ""
            lines.append(f"- {head + ': ' if head else ''}{with_marker(quote, n)}{tail}")
        listing = f"The {len(lines)} indexed articles:\n" + "\n".join(lines)
        order = _ORDER.search(asked) if _ABOUT_PUBLISHING.search(asked) else None
        if not order:
            return Draft(text=listing, citations=book.citations, kind="overview")
        latest = order.group(1).lower() in ("last", "latest", "most recent", "newest", "most recently")
        dated = sorted((d for d in docs if d.date and d.doc_id in cited), key=lambda d: (d.date or "", d.doc_id),
                       reverse=latest)
        if not dated:
            text = f"None of the {len(lines)} articles carries a publication date, so they do not say which came " \
                   f"{'last' if latest else 'first'}.\n\n{listing}"
            return Draft(text=text, citations=book.citations, kind="overview")
        pick = dated[0]
        which = "latest" if latest else "earliest"
        caveat = "" if len(dated) == len(lines) else (
            f" (only {len(dated)} of the {len(lines)} articles {'carries' if len(dated) == 1 else 'carry'} a date)")
        first = f"The {which} dated article is **{pick.title}**, {pick.date} [{cited[pick.doc_id]}]{caveat}."
        short = ShortAnswer(text=pick.title, citation=cited[pick.doc_id])
        return Draft(text=f"{first}\n\n{listing}", citations=book.citations, kind="overview", short_answer=short)

    def _chit_chat(self, snapshot: Snapshot, said: str = "") -> Draft:
        examples = example_questions(snapshot, 2)
        tips = " or ".join(f"“{q}”" for q in examples)
        low = said.lower()
        opener = ("You're welcome!" if re.search(r"\bthanks?\b|\bthank you\b|\bcheers\b", low)
                  else "Goodbye!" if re.search(r"\b(?:bye|goodbye|see you)\b", low) else "Hello!")
        text = (f"{opener} I answer questions about the indexed news articles, quoting and citing the passages I use"
                + (f" — try {tips}" if tips else "") + ".")
        return Draft(text=text, abstained=True, kind="chit-chat")


_ORDER = re.compile(r"\b(first|earliest|oldest|last|latest|most recent(?:ly)?|newest)\b", re.IGNORECASE)
_ABOUT_PUBLISHING = re.compile(r"\b(?:published|written|dated|released|article|story|report|piece|one)\b", re.IGNORECASE)


def _described_doers(frame: Frame, text: str, sentence: ParsedSentence) -> list[str]:
    """Words for people the sentence names no one by ("despite efforts by marine rescuers", "police said"): "Who
    made the efforts?" may be answered by them, so a sentence without a name is no sign the answer is missing."""
    asked = set(frame.terms)
    return [t.lemma for t in sentence.tokens if t.pos == "NOUN" and t.lemma not in asked and (
        t.lemma in PERSON_NOUNS or t.lemma in RELATION_NOUNS or t.lemma in _GROUPS_OF_PEOPLE
        or (len(t.lemma) > 5 and t.lemma.endswith(("er", "or", "ist", "ian")) and "noun" in english_pos(t.lemma)))]


def _sides(frame: Frame) -> list[str]:
    """The compared sides: name groups the question joins with 'and', 'or', 'vs' ("what A and B said about the
    C bombings" compares A and B, not C); each side is represented by its last term."""
    low = frame.text.lower()
    sides: list[str] = []
    for a, b in zip(frame.groups, frame.groups[1:]):
        if re.search(rf"\b{re.escape(a[-1][:5])}\w*\s+(?:and|or|vs\.?|versus)\s+(?:the\s+)?{re.escape(b[0][:5])}", low):
            sides += [t for t in (a[-1], b[-1]) if t not in sides]
    return sides


def example_questions(snapshot: Snapshot, k: int) -> list[str]:
    """Questions that work from a fresh start, derived from the indexed articles (people named in leads): first
    people the articles go on to call he or she (a place the recogniser took for a person never is), then others."""
    gender_of = EvidenceStage.lexicon(snapshot).gender_of
    sure: list[str] = []
    other: list[str] = []
    for doc_id, doc in sorted(snapshot.documents.items()):
        for s in snapshot.sentences(doc_id)[:4]:
            person = next((e for e in s.entities if e.label == "PERSON" and " " in doc.text[e.start : e.end]), None)
            if person is not None:
                name = re.sub(r"['’]s$", "", doc.text[person.start : person.end])
                (sure if gender_of(name) is not None else other).append(f"Who is {name}?")
                break
        if len(sure) >= k:
            break
    return (sure + other)[:k]


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

