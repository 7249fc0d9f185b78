"""Follow-up resolution: turn "When was he killed?" into a standalone query using the conversation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.lexicon import (
    FEMALE_NOUNS,
    MALE_NOUNS,
    NON_PERSON,
    PERSON_NOUNS,
    RELATION_NOUNS,
    STOPWORDS,
    is_chit_chat,
    is_learned_non_person,
    noun_gender,
    person_names,
    terms,
)

_PERSON_PRONOUN = re.compile(r"\b(?:he|him|his|she|her|hers)\b", re.IGNORECASE)
_THING_PRONOUN = re.compile(r"\b(?:it|its|they|them|their|this|that|these|those|there)\b", re.IGNORECASE)
_WH = re.compile(r"^\s*(?:who|what|when|where|why|which|how(?: many| much)?)\b", re.IGNORECASE)
_CONTINUATION = re.compile(r"^\s*(?:(?:and|but) (?:what|how) about|what about|how about|according to|and|but|also)\b[\s,]*",
                           re.IGNORECASE)  # longest first: "and what about X" continues with X, not "what about X"
# "Who lost her appeal?", "Which man was arrested on his farm?": the possessive is bound by the asked person
_BOUND_OPENER = re.compile(r"^\s*(?:who|which\s+\w+|what\s+(?:man|woman|person|boy|girl))\b(?!\s+(?:is|was|are|were|'s)\s+(?:his|her)\b)",
                           re.IGNORECASE)
_WHO_SAYS = re.compile(r"^\s*who\s+(?:says|said|say|claims|claimed|tells|told|thinks|thought|believes|believed|insists"
                       r"|insisted)\b", re.IGNORECASE)
_NAMEISH = re.compile(r"\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+)*\b")


GenderOf = Callable[[str], "str | None"]  # a person's name -> "f", "m" or None (unknown)
MAX_QUERY_CHARS = 400  # a rewritten query never grows past this (or the question itself, if longer)


@dataclass(frozen=True)
class Turn:
    """One past exchange: what was asked, what was searched, the answer text, its short answer (a name, a
    number, a date) and the name the question was about, if any."""

    question: str
    query: str
    answer: str
    short_answer: str | None = None
    subject: str | None = None
    # the people the language layer finds in the answer's cited passages, those of its first statement first
    # (None when unknown: the answer text's capitalised names are used instead)
    people: tuple[str, ...] | None = None
    docs: tuple[str, ...] = ()  # the articles the answer cites


def subject_of(question: str) -> str | None:
    """The first capitalised name phrase of a question after its first word ("Who is Jane Doe?" -> "Jane Doe")."""
    names = person_names(question)
    if names:
        return names[0][0]
    m = _NAMEISH.search(question, 1)
    return m.group() if m else None


def _referent(history: list[Turn], pronoun: str = "", gender_of: GenderOf | None = None) -> str | None:
    """Who 'he/she' most likely means: the previous short answer when it is a name, else the name the previous
    question was about, else the first person the previous answer names, else the last person named in an
    earlier searched query; a person the articles call "he" is never "she" (and the other way round)."""
    want = {"she": "f", "her": "f", "hers": "f", "he": "m", "him": "m", "his": "m"}.get(pronoun.lower())
    for name in _referents(history, want):
        said = noun_gender(name) if name[:1].islower() else gender_of(name) if gender_of is not None else None
        if want is None or said in (None, want):
            return name
    return None


def _referents(history: list[Turn], want: str | None = None) -> Iterator[str]:
    last = history[-1]
    short = last.short_answer
    # a person pronoun never means a short answer the language layer did not find to be a person (a place the
    # parser took for a name)
    person = want is None or last.people is None or any(short in p or p in short for p in last.people if short)
    if short and short[:1].isupper() and not any(c.isdigit() for c in short) and person and not all(
            w.lower() in NON_PERSON or is_learned_non_person(w) for w in short.split()):
        yield short
    first = re.split(r"\[\d+\]", last.answer, maxsplit=1)[0].replace("**", "")  # the first cited statement
    if last.people is not None:
        named = [n for n in last.people if n in first]
        everyone = list(last.people)
    else:
        named = [n for n, _, _ in person_names(first)]
        everyone = [n for n, _, _ in person_names(last.answer.replace("**", ""))]
    asked = own_query(last.query)
    if named and re.match(r"\s*who\b", asked, re.IGNORECASE) and not person_names(asked):
        yield named[0]  # "Who was arrested in Springfield?" is answered by the person the answer names
    if last.subject and not all(w.lower() in NON_PERSON or is_learned_non_person(w) for w in last.subject.split()):
        yield last.subject
    if not re.match(r"\s*who\b", asked, re.IGNORECASE):
        # "What did the deputy chief say about X?" -> "How did he describe it?": the deputy chief; a role that
        # tells the pronoun's gender comes first ("the president … the single mother" -> "her": the mother)
        roles = [m.group() for m in _ROLE_PHRASE.finditer(asked)]
        yield from sorted(roles, key=lambda r: noun_gender(r) != want)
    yield from named
    yield from everyone  # then anyone the answer names
    yield from _salient_people(history)


_NOT_OWNED = frozenset("about to for with that if what how why when where who and or in on at by from as than "
                       "so but then again too also now yet".split())  # words after an object "her", not a possessive
_ROLE_PHRASE = re.compile(r"\bthe (?:(?!(?:and|or|the|an?|of|to|in|with|for)\b)[\w.'-]+ ){0,3}(?:"
                          + "|".join(sorted((PERSON_NOUNS | RELATION_NOUNS) - {"name"})) + "|" + FEMALE_NOUNS + "|"
                          + MALE_NOUNS + r")\b")


def _salient_people(history: list[Turn]) -> Iterator[str]:
    for turn in reversed(history):
        for name, _, _ in person_names(own_query(turn.query)):
            yield name


def _topic(turn: Turn) -> str:
    """The previous query without its question word: what the conversation is about."""
    core = _WH.sub("", own_query(turn.query)).strip(" ?")
    core = re.sub(r"^(?:is|are|was|were|did|does|do|has|have|had)\s+", "", core, flags=re.IGNORECASE)
    return core


def needs_context(question: str) -> bool:
    """True when the question leans on earlier turns (pronouns, ellipsis, 'and …?')."""
    content = [t for t in terms(question) if t not in STOPWORDS]
    has_name = bool(_NAMEISH.search(question[1:]))
    if _CONTINUATION.match(question) or len(content) <= 1:
        return True
    if _free_pronouns(question):
        return not person_names(question) and not _bound(question)
    if _THING_PRONOUN.search(question):
        return not has_name or len(content) <= 2
    return False


# "Where did Jo Roe say he would go?": the "he" after a named sayer is that sayer
_SAYER = re.compile(r"\b[A-Z][\w'-]+\s+(?:say|says|said|tell|tells|told|think|thinks|thought|believe|believes|claim"
                    r"|claims|claimed)\s+(?:that\s+)?(he|she)\b")


def _free_pronouns(question: str) -> list[re.Match[str]]:
    """The question's person pronouns but those a named sayer binds ("… Jo Roe say he …")."""
    bound = {m.start(1) for m in _SAYER.finditer(" " + question[1:])}  # (a name, never the opening word)
    return [m for m in _PERSON_PRONOUN.finditer(question) if m.start() not in bound]


def _bound(question: str) -> bool:
    """Every person pronoun is a possessive bound by the question's own "who" ("Who lost her appeal?"), or an object
    or possessive inside what "who" says ("Who says the quake woke him from his sleep?": the one who says it)."""
    if not _BOUND_OPENER.match(question):
        return False
    said = _WHO_SAYS.match(question)
    for m in _PERSON_PRONOUN.finditer(question):
        word = m.group().lower()
        if said is not None and m.start() >= said.end() and word in ("him", "his", "her"):
            continue
        after = re.match(r"\s*([A-Za-z]+)", question[m.end():])
        possessive = word == "his" or (word == "her" and after is not None and after.group(1).lower() not in STOPWORDS)
        if not possessive:
            return False
    return True


# "it", "its", "there", "that boat": a thing or place the previous answer named
_IT = re.compile(r"\b(?:it|its)\b", re.IGNORECASE)
_THING_REFERENCE = re.compile(r"\b(?:(?:from|to|in|at|near) there|there|its|it|(?:that|this|the same) ([a-z]+))\b(?!['’])")


def _thing_referent(last: Turn) -> str | None:
    """The previous short answer when it names a thing, a body or a place ("Harlow Bay", "Qorvale"): not a person the
    answer's passages name, not a number or a date."""
    short = last.short_answer
    if not short or not short[:1].isupper() or any(c.isdigit() for c in short) or last.people is None:
        return None
    if any(short in p or p in short for p in last.people):
        return None
    if all(w.lower() in STOPWORDS for w in short.split()):
        return None
    return short


def _refer(m: re.Match[str], name: str, asked: str) -> str:
    """The words of `m` with `name` in place of the pronoun ("from there" -> "from Qorvale", "its" -> "Qorvale's");
    "that boat" only when the previous question asked for a boat, "there" only when it asked where."""
    word = m.group().lower()
    if m.group(1) is not None:
        return name if re.search(rf"\b{re.escape(m.group(1))}\b", asked, re.IGNORECASE) else m.group()
    if word.endswith("there"):
        if not re.match(r"\s*(?:where|(?:in|at|from|to|near) which|which (?:town|city|country|place|state|suburb))\b",
                        asked, re.IGNORECASE):
            return m.group()
        return m.group()[: -len("there")] + name if word != "there" else f"in {name}"
    if not re.match(r"\s*(?:(?:in|on|at|from|to|by|for|with) )?(?:which|what) [a-z]+", asked, re.IGNORECASE) or \
            re.match(r"\s*what (?:is|was|are|were|did|does|do|has|have|had)\b", asked, re.IGNORECASE):
        return m.group()  # "it" after "Where …?" or "What did X say?" is what was spoken of, not the answer
    return f"{name}'s" if word == "its" else name


def own_query(query: str) -> str:
    """A searched query without the context a previous rewrite appended to it."""
    return query.split(" (about: ")[0].strip()


def rewrite(question: str, history: list[Turn], gender_of: GenderOf | None = None) -> str:
    """A standalone query for `question` given earlier turns (unchanged when it already stands alone); never
    longer than MAX_QUERY_CHARS unless the question itself is. `gender_of` tells "f" or "m" for a name, when the
    articles do, so that "she" never becomes a man."""
    q = question.strip()
    if is_chit_chat(q):  # "thanks!" is not a follow-up
        return q
    out = _rewrite(q, history, gender_of)
    if len(out) > max(len(q), MAX_QUERY_CHARS):
        return q
    return out


def _rewrite(q: str, history: list[Turn], gender_of: GenderOf | None = None) -> str:
    if not history or not needs_context(q):
        return q
    last = history[-1]
    bare = _CONTINUATION.sub("", q).strip()
    wh = _WH.match(bare)
    rest = re.sub(r"\b(?:is|are|was|were|did|does|do|has|have|had|it|that|this|they|he|she|then|so)\b|[^\w]", " ",
                  _WH.sub("", bare), flags=re.IGNORECASE).strip()
    if wh and not rest:  # "Why?", "Where?", "And when was that?"
        base = own_query(last.query)
        if _WH.match(base):
            return _WH.sub(wh.group().strip().capitalize(), base, count=1)
        return f"{wh.group().strip().capitalize()} {_topic(last)}?"
    free = _free_pronouns(q)
    pronoun = free[0] if free else None
    person = _referent(history, pronoun.group() if pronoun else "", gender_of)
    if person and pronoun:
        word = pronoun.group().lower()
        after = re.match(r"\s+([A-Za-z]+)", q[pronoun.end():])
        # "her name" is possessive, "ask her about it" is not
        owner = word in ("his", "hers") or (word == "her" and after is not None and after.group(1).lower()
                                             not in _NOT_OWNED)
        # later pronouns stay: they now have a referent
        out = q[: pronoun.start()] + (f"{person}'s" if owner else person) + q[pronoun.end():]
        it_word = _IT.search(out)
        content = [t for t in terms(q) if t not in STOPWORDS]
        # "Where did he stage it?": what "it" is was in the last question (a longer question names its own "it":
        # "If there were a force, how big did he say it should be?")
        if it_word is not None and _thing_referent(last) is None and len(content) <= 2:
            return f"{out.rstrip(' ?')}? (about: {_about(last, q)})"
        return out
    thing = _thing_referent(last)
    if thing is not None:
        resolved = _THING_REFERENCE.sub(lambda m: _refer(m, thing, last.question), q, count=1)
        if resolved != q:
            return resolved
    cont = _CONTINUATION.match(q)
    if cont:
        rest = q[cont.end():].strip(" ?")
        base = own_query(last.query).rstrip(" ?")
        new_names = [m.group() for m in _NAMEISH.finditer(rest)]
        old_names = [n for n, _, _ in person_names(base)]
        if new_names and old_names and not _WH.match(rest):  # "And Jo Roe?"; not "And how did Zenda respond?"
            return base.replace(old_names[0], rest) + "?"
        if cont.group().strip().lower().startswith("according to"):
            return f"{base} according to {rest}?"
        if _WH.match(rest) and not cont.group().strip().lower().endswith("about"):
            # "And how many were evacuated?" asks its own question about the same topic
            return f"{rest[:1].upper()}{rest[1:]}? (about: {_topic(last)})"
        return f"{base} {rest}?".replace("  ", " ")
    return f"{q.rstrip(' ?')}? (about: {_about(last, q)})"


def _about(last: Turn, question: str = "") -> str:
    """What a follow-up with no referent of its own is about: the previous query, and, when that one was itself
    about an earlier thing it called "it" ("How many times was its launch delayed? (about: Which shuttle …)"),
    that thing too, cut to keep the query bounded."""
    topic = own_query(last.query).rstrip(" ?")
    earlier = last.query.split(" (about: ", 1)[1].rstrip(") ") if " (about: " in last.query else ""
    if earlier and _THING_PRONOUN.search(last.question) and _IT.search(question):
        room = MAX_QUERY_CHARS // 2 - len(topic)
        if room > 20:
            topic = f"{topic}; {earlier[:room].rsplit(' ', 1)[0] if len(earlier) > room else earlier}"
    return topic
