"""Figures in sentences: the number, what it counts, its stated scope, and who gave it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.lexicon import NUMBER_WORDS, SPELT_NUMBER, learned_peoples, person_names, stem, surname, terms
from index.language import ParsedSentence

_APPROX = (
    r"approximately|about|around|roughly|some|an estimated|estimated|at least|as many as|upwards? of|up to|"
    r"over|more than|nearly|almost|fewer than|less than|close to"
)
_NUM = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_FIGURE = re.compile(
    rf"(?:\b(?P<approx>{_APPROX})\s+)?[\"“]?\b(?P<num>{_NUM})\b(?![.,]\d)[\"”]?", re.IGNORECASE
)
_MONTH_BEFORE = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$", re.IGNORECASE
)
_STOP_NOUN = re.compile(
    r"^(?:are|were|is|was|have|has|had|could|would|will|may|might|can|who|which|that|and|or|but|to|in|on|at|for|"
    r"with|by|as|than|when|after|before|since|during|into|alongside|against|of)$|(?:ing|ed)$",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|reported|reports|claimed|claims|claim|estimated|estimates|estimate|added|"
    r"warned|confirmed|stated|announced|maintain|maintains|admitted|noted|put)\b"
)
_AUX_TAIL = re.compile(r"\s+(?:has|have|had|also|later|further|then)\s*$")
ROLE_NOUNS = (
    "chief", "head", "leader", "envoy", "secretary", "spokesman", "spokeswoman", "spokesperson", "minister",
    "director", "commander", "president", "deputy", "officer", "official", "officials", "general", "chairman",
    "governor", "mayor", "ambassador", "analyst", "expert", "representative", "committee", "ministry",
    "senator", "premier", "treasurer", "judge", "commissioner", "executive", "prosecutor", "lawyer", "professor",
    "chancellor", "mp", "coach", "captain", "founder", "manager", "editor", "correspondent", "inspector",
    "attorney", "chair", "chairwoman", "king", "queen", "prince", "bishop", "archbishop",
)
_ROLE_NOUN = re.compile(r"\b(?:" + "|".join(ROLE_NOUNS) + r")s?\b")
# a fronted clause ("With nominations closing on Wednesday, Senator X …") is not a role
_NOT_ROLE_OPENERS = frozenset({
    "with", "without", "after", "before", "in", "on", "at", "as", "when", "while", "despite", "since", "although",
    "though", "if", "because", "during", "for", "from", "by", "of", "to", "under", "over", "following", "according",
    "but", "and", "so", "then", "meanwhile", "however", "yesterday", "today", "earlier", "later", "last", "this",
    "that", "it", "he", "she", "they", "we", "i", "there", "once", "until", "unlike", "like", "amid", "among",
})
KINDS: dict[str, tuple[str, ...]] = {
    "fight": ("fight", "fighting", "fought", "joined", "join", "joining", "alongside", "gone to fight"),
    "kill": ("killed", "killing", "kills", "died", "die", "dies", "dying", "dead", "death", "deaths", "neutralised",
             "neutralized", "eliminated", "casualties", "slain", "death toll"),
    "wound": ("wounded", "injured", "injuries", "hurt"),
    "age": ("years old", "year-old", "aged", "age", "born", "old"),
}
# those who fight or join; the plural names of peoples the articles count ("3,000 Zendans") are learned per corpus
AGENTS = {stem(w) for w in ["citizens", "nationals", "militants", "fighters", "jihadis", "recruits", "volunteers", "rebels",
                            "insurgents", "terrorists", "members"]}
VICTIMS = {stem(w) for w in ["civilians", "servicemen", "soldiers", "troops", "officers", "police", "victims", "hostages",
                              "casualties", "passengers", "bystanders"]}
PEOPLE = AGENTS | VICTIMS | {stem(w) for w in ["people", "persons", "individuals", "men", "women", "children", "residents", "officials", "others"]}


def role_group(stems: set[str]) -> str | None:
    """'agent' or 'victim' for the stems of a counted noun phrase or a question's focus ("fighters", "civilians"),
    a people the articles name counting as agents ("3,000 Zendans"; not "three Zendan soldiers", victims first)."""
    if stems & AGENTS:
        return "agent"
    if stems & VICTIMS:
        return "victim"
    if stems & learned_peoples():
        return "agent"
    return None


@dataclass(frozen=True)
class Mention:
    """A number in a sentence; offsets are relative to the sentence."""

    value: float
    display: str
    what: str
    scope: str | None
    kind: str | None
    approx: bool
    start: int
    end: int

    @property
    def head(self) -> str:
        words = self.what.split()
        return stem(words[0].rstrip(",")) if words else ""

    @property
    def group(self) -> str | None:
        """'agent' (those who fight), 'victim', 'people' or None for things."""
        heads = {stem(re.sub(r"[’']s$", "", w.strip(","))) for w in self.what.split()[:3]}
        found = role_group(heads)
        if found is not None:
            return found
        if heads & PEOPLE or re.match(r"(?:(?:already|now|more|were|are|have|has|had|been|reported|confirmed)\s+)*"
                                      r"(?:dead|killed|died|injured|wounded|hurt|missing)\b", self.what):
            return "people"  # "with 108 already dead": a toll counts people without naming them
        return None


def kind_of(text: str) -> str | None:
    """'fight' or 'kill': what the figure's clause says happened; the main predicate wins over a relative clause."""
    low = text.lower()
    present: dict[str, int] = {}
    for kind, words in KINDS.items():
        for w in words:
            for m in re.finditer(rf"\b{w}\b", low):
                if re.search(r"\b(?:are|were|was|is|be|been)\s+(?:\w+\s+)?$", low[: m.start()]):
                    return kind
                present.setdefault(kind, m.start())
    return min(present, key=lambda k: present[k]) if present else None


def _kind_before(before: str) -> str | None:
    """What happened to the counted, said just before the number: "killed 20 people", "the death or injury of
    almost 1,000 people" (a verb or noun governing the number wins over words after it)."""
    return kind_of(" ".join(re.findall(r"[\w’'-]+", before)[-5:]))


def _value(num: str) -> float | None:
    low = num.lower()
    if low in NUMBER_WORDS:
        return float(NUMBER_WORDS[low])
    try:
        return float(num.replace(",", ""))
    except ValueError:
        return None


def _scope(after: str) -> str | None:
    parts = []
    origin = re.search(r"\b(?:mostly |mainly |largely )?from (?:the )?[A-Z][\w-]*(?: [A-Z][\w-]*)*", after)
    place = re.search(r"\bin (?:the )?[A-Z][\w-]*(?: [A-Z][\w-]*)*(?:(?: and| or) (?:the )?[A-Z][\w-]*)*", after)
    for m in sorted((m for m in (origin, place) if m), key=lambda m: m.start()):
        parts.append(m.group().strip(" ,"))
    return ", ".join(parts) or None


# how news states a person's age: "Jane Doe, 41,", "a 21-year-old man", "aged 30", "30 years old"
_AGE = re.compile(rf"\b(?i:\d{{1,3}}|{SPELT_NUMBER})-year-old\b|\baged \d{{1,3}}\b|\b\d{{1,3}} years? old\b"
                  r"|\b[A-Z][\w'’-]*, \d{1,3},")


def states_age(sentence: str) -> bool:
    """Does the sentence give someone's age?"""
    return _AGE.search(sentence) is not None


def mentions(sentence: str) -> list[Mention]:
    """Counted figures in one sentence (years, dates, times and percentages are skipped)."""
    return list(_mentions(sentence))


@lru_cache(maxsize=100_000)
def _mentions(sentence: str) -> tuple[Mention, ...]:
    found = []
    for m in _FIGURE.finditer(sentence):
        num = m.group("num")
        value = _value(num)
        if value is None or _MONTH_BEFORE.search(sentence[: m.start("num")]):
            continue
        if re.fullmatch(r"(?:19|20)\d\d", num) or re.match(r"\s*(?:%|percent|a\.m|p\.m|[.:]\d)", sentence[m.end():]):
            continue
        after = sentence[m.end():]
        words: list[str] = []
        for w in re.findall(r"[\w’'-]+,?", after)[:7]:
            if words and _STOP_NOUN.search(w.rstrip(",")):
                break
            words.append(w)
            if w.endswith(","):
                break
        what = " ".join(words).rstrip(",")
        if origin := re.match(r"\s*from (?:the )?[A-Z][\w-]*(?: [A-Z][\w-]*)*", after[len(" ".join(words)) + 1 :]):
            what = f"{what} {origin.group().strip()}"
        if not what or re.match(r"(?:of|per|percent|times|years?|months?|days?|hours?|miles|km)\b", what):
            continue
        found.append(
            Mention(
                value=value,
                display=(m.group("approx") + " " if m.group("approx") else "") + num,
                what=what,
                scope=_scope(after),
                kind=_kind_before(sentence[: m.start()]) or kind_of(after),
                approx=bool(m.group("approx")),
                start=m.start(),
                end=m.end(),
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class Speaker:
    """Who gave a figure: a person and/or a role, and where in the document the name was found."""

    who: str | None
    role: str | None
    span: tuple[int, int] | None = None  # sentence span (doc offsets) that names them, when not the figure's


def _clean_role(role: str) -> str | None:
    role = re.sub(r"^\s*(?:the|a|an)\s+", "", role.strip(" ,–-")).strip()
    role = re.sub(r"\s+[–-]\s+.*$", "", role)
    words = role.lower().split()
    if not words or words[0] in _NOT_ROLE_OPENERS or len(words) > 14:
        return None
    return role if 2 < len(role) < 120 and _ROLE_NOUN.search(role.lower()) else None


def _subject_before(text: str) -> str:
    clause = re.split(r"[,;:(–—]|\bthat\b", text)[-1]
    return _AUX_TAIL.sub("", clause).strip()


def speaker_in(sentence: str, at: int) -> tuple[str | None, str | None]:
    """(person or body, role) credited in `sentence` for the figure at offset `at`."""
    acc = re.search(r"\baccording to (?P<who>[^,.;]+)", sentence, re.IGNORECASE)
    figure = _FIGURE.match(sentence, at)
    figure_end = figure.end() if figure else at
    verbs = [
        v for v in _SPEECH.finditer(sentence)
        if not at <= v.start() < figure_end and not re.search(r"\b(?:an|a|the)\s+$", sentence[: v.start()])
    ]
    before = [v for v in verbs if v.start() < at]
    verb = before[-1] if before else (verbs[0] if verbs else None)
    if verb is None and acc is None:
        return None, None
    if verb is None or (acc and abs(acc.start() - at) < abs(verb.start() - at)):
        who = acc.group("who").strip() if acc else ""
        persons = person_names(who)
        return (persons[0][0] if persons else who or None), None
    pre = sentence[: verb.start()]
    if verb.start() > at:  # "…1,500 militants…, the envoy has claimed."
        pre = sentence[sentence.rfind(",", 0, verb.start()) + 1 : verb.start()]
    persons = person_names(pre)
    if persons:
        name, s, e = persons[-1]
        segments_before = re.split(r",", pre[:s])
        segments_after = re.split(r",|\s[–—-]\s", pre[e:])
        role = _clean_role(segments_before[-2] if len(segments_before) >= 2 and not segments_before[-1].strip() else "")
        role = role or _clean_role(segments_after[1] if len(segments_after) > 1 else "")
        return name, role
    subject = _subject_before(pre)
    if not subject or subject.lower() in ("he", "she", "they", "it", "an", "a", "the"):
        return None, None
    role = _clean_role(subject)
    return subject, (role if role and role.lower() != subject.lower() else None)


def describe(doc_text: str, name: str | None, role: str | None,
             parsed: Sequence[ParsedSentence] | None = None) -> Speaker:
    """Fill in a full name and role from elsewhere in the article (e.g. 'Gen. Doe' → 'Gen. Jane Doe').

    With the article's `parsed` sentences, a role written before the name without a comma is read from the
    noun chunk that ends in the name ("little-known senator Jane Doe"), never from the clause before
    it ("The executive appointed … senator Jane Doe")."""
    from index.sentences import split_sentences

    sentences = [(s.start, s.end, doc_text[s.start : s.end]) for s in split_sentences(doc_text)]
    chunks = sorted(c for p in parsed for c in p.chunks) if parsed is not None else None
    is_person = bool(name and person_names(name))
    target = surname(name) if is_person and name else None
    role_heads = [w for w in ROLE_NOUNS if role and re.search(rf"\b{w}\b", role.lower())]
    if not is_person and name and not role:
        role_heads = [w for w in ROLE_NOUNS if re.search(rf"\b{w}\b", name.lower())]
    for start, end, text in sentences:
        for full, s, e in person_names(text):
            if target and surname(full) != target:
                continue
            before = text[:s].rstrip()
            after = text[e:]
            pre_role = _clean_role(re.split(r"[,;:(]\s", before.rstrip(","))[-1]) if before.endswith(",") or not before else None
            if pre_role is None and before and not before.endswith(","):
                if chunks is not None:
                    pre_role = _chunk_role(doc_text, chunks, start + s)
                else:
                    tail = re.split(r"[,;:]", before)[-1]
                    pre_role = _clean_role(tail) if tail.strip() and tail.strip()[0].isupper() else None
            post = re.match(r",\s*(?:the|a|an)\s+([^,–—]+)", after)
            found_role = pre_role or (_clean_role(post.group(1)) if post else None)
            if target:
                if found_role or len(full) > len(name or ""):
                    return Speaker(who=_longest(full, name), role=role or found_role, span=(start, end))
            elif role_heads and found_role and any(h in found_role.lower() for h in role_heads):
                return Speaker(who=full, role=_clean_role(role or name or "") or found_role, span=(start, end))
    return Speaker(who=name, role=role)


def _chunk_role(doc_text: str, chunks: Sequence[tuple[int, int]], name_start: int) -> str | None:
    """The words of the noun chunk that holds a name, before the name: its title or role, if it names one."""
    for a, b in chunks:
        if a < name_start < b:
            return _clean_role(doc_text[a:name_start])
    return None


def _longest(a: str, b: str | None) -> str:
    if not b:
        return a
    titled = re.match(r"^((?:Gen|Maj-Gen|Lt|Col|Mr|Mrs|Ms|Dr)\.)\s", b)
    if titled and not a.startswith(titled.group(1)):
        a = f"{titled.group(1)} {a}"
    return a if len(a) >= len(b) else b


def focus_terms(question: str) -> list[str]:
    """Stemmed words a 'how many X' question counts, e.g. ['soldier'] for 'How many soldiers died…'."""
    m = re.search(r"\bhow (?:many|much)\s+(?P<focus>(?:[\w’'-]+\s+){0,3}?[\w’'-]+?)\s+(?:are|were|is|was|have|has|had|did|do|does|fight|fought|joined|went|died|got|could|will|in|from|of|who|that|which)\b", question, re.IGNORECASE)
    if not m:
        m = re.search(r"\b(?:number of|how many|estimates? of|figures? (?:for|on)|count of)\s+(?P<focus>[\w’'-]+(?:\s+[\w’'-]+)?)", question, re.IGNORECASE)
    return terms(m.group("focus")) if m else []
