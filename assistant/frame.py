"""Question analysis: a typed frame (intent, expected answer type, focus, constraint terms) for any English corpus.

The frame is built without parsing the question with a model: wh-patterns give the intent and answer type, and
the corpus's own index-time lexicon (lemmas, entity words, vocabulary) types and normalises the question's words,
which also works for lower-case and misspelled questions.

Usage::

    frame = analyse_frame("how old is brian greig", lexicon)
    frame.intent, frame.answer_type, frame.hard          # "factoid", "AGE", ("brian", "greig")
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.lexicon import (
    ADDRESS_FORMS,
    NOTHING_LEARNED,
    PERSON_NOUNS,
    RELATION_NOUNS,
    STOPWORDS,
    Learned,
    is_yes_no,
    learn_from_corpus,
    learned_from,
    noun_gender,
)
from assistant.lexicon import CHITCHAT as _CHITCHAT
from index.language import ParsedSentence, english_pos, irregular_lemma, is_english_word, verb_lemma

if TYPE_CHECKING:
    from index.snapshot import Snapshot

# Entity labels (spaCy/OntoNotes) that can answer each expected answer type.
ANSWER_LABELS: dict[str, frozenset[str]] = {
    "PERSON": frozenset({"PERSON", "ORG", "NORP"}),
    "ORG": frozenset({"ORG", "NORP", "PERSON", "PRODUCT", "WORK_OF_ART", "FAC"}),
    "PERSON_NAME": frozenset({"PERSON"}),
    "PLACE": frozenset({"GPE", "LOC", "FAC"}),
    "OUTLET": frozenset({"ORG", "PRODUCT", "WORK_OF_ART"}),
    "ORIGIN": frozenset({"GPE", "NORP"}),
    "DATE": frozenset({"DATE", "TIME"}),
    "DURATION": frozenset({"DATE", "TIME"}),
    "COUNT": frozenset({"CARDINAL", "QUANTITY"}),
    "MONEY": frozenset({"MONEY"}),
    "AMOUNT": frozenset({"MONEY", "QUANTITY", "PERCENT", "CARDINAL"}),
    "PERCENT": frozenset({"PERCENT"}),
    "QUANTITY": frozenset({"QUANTITY", "CARDINAL"}),
    "AGE": frozenset({"DATE", "CARDINAL"}),
    "NAME": frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW", "NORP"}),
}
_SIZE_ASKED = re.compile(r"\bhow (?:big|large)\b", re.IGNORECASE)
_OVERVIEW = re.compile(
    r"\b(?:what|which) (?:news |main |key |other )?(?:topics?|subjects?|stories|themes|news|events) (?:do|does|are|is|did)\b"
    r"|\bwhat (?:do|does|did) (?:the |these |those |your |all the |all your )?(?:news )?(?:articles?|stories|sources"
    r"|documents|texts|reports) (?:\w+ )?(?:cover|discuss|deal with|talk about|report on)\b"
    r"|\bwhat (?:are|is) (?:all )?(?:these|those|the|your) (?:news |latest )?(?:articles?|stories|texts"
    r"|documents|sources|reports|items|pieces)(?: all)? about\b"
    r"|\b(?:which|what) (?:news )?(?:sources|outlets|articles|documents|publications|newspapers|texts|stories)"
    r" (?:do you|are there|have you|did you|are in)\b"
    r"|\b(?:common thread|main themes?|main topics?|big picture|rundown|round-?up)\b"
    r"|\b(?:list|summari[sz]e|summary of|overview of) (?:the |all |your |these )?(?:news |latest )?"
    r"(?:articles|sources|stories|documents|corpus|reports|news)\b"
    r"|\b(?:which|what) (?:one|article|story|report|piece)s? (?:was|were|is) (?:published|written|dated|released)"
    r" (?:first|last|earliest|latest|most recently)\b"
    r"|\b(?:the )?(?:most recent|latest|newest|oldest|earliest|first|last) (?:article|story|report|piece)"
    r"(?! (?:of|about|on|says?|said|reports?)\b)\b"
    r"|\bhow many (?:articles|sources|stories|documents|texts) (?:do you have|are there|are indexed|have you)\b"
    r"|\bwhat do (?:the|these|your) (?:articles|sources|stories|texts) cover\b"
    r"|\bwhat(?:'s| is) in (?:the|your) (?:corpus|collection|articles)\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(r"^\s*compare\b|\bhow do(?:es)?\b.+\b(?:differ|compare)\b|\bdifference between\b"
                      r"|\bwhat did (?:both|each of)\b"
                      # "Who was older when he died, Jo Roe or Al Poe?", "Whose profit rose, Acme's or Globex's?"
                      r"|^\s*(?:who|whose|which)\b[^?]*[,:]\s*(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*\s+or\s+"
                      r"(?:the\s+)?[A-Z]", re.IGNORECASE)
_LIST = re.compile(r"^\s*(?:list|name)\b|\bwhich (?:\w+ ){0,2}(?:were|are)\b.*\b(?:named|mentioned|listed)\b"
                   r"|\bwhat (?:\w+ )?(?:countries|groups|people|cities|places|organi[sz]ations|republics|regions"
                   r"|names|things|measures|steps|events)\b|\bwhich (?:countries|groups|people|cities|places"
                   r"|organi[sz]ations|republics|regions)\b", re.IGNORECASE)
# Head nouns after "what/which" that fix the answer type.
_NOUN_TYPES = {
    "PERSON": set(PERSON_NOUNS),
    "PLACE": {"country", "city", "town", "place", "region", "state", "province", "republic", "village", "area",
              "location", "capital", "island", "nation", "district", "suburb", "street", "continent", "beach",
              "river", "lake", "mountain", "airport", "port", "harbour", "bay", "park", "stadium", "highway",
              "township", "county", "shire", "municipality", "territory", "settlement", "neighbourhood", "hamlet"},
    "ORG": {"company", "organisation", "organization", "group", "party", "agency", "team", "club", "firm", "bank",
            "newspaper", "outlet", "body", "union", "ministry", "department", "committee", "council", "airline",
            "university", "school", "college", "hospital", "website", "site", "platform", "network",
            "channel", "broadcaster", "station", "magazine", "publication", "charity", "court", "institute",
            "institution", "commission", "authority", "association", "corporation", "foundation", "tribunal",
            "government", "administration", "alliance", "coalition", "federation", "league", "consortium", "insurer",
            "carrier", "operator", "retailer", "manufacturer", "maker", "laboratory", "regime", "movement", "faction",
            "militia"},
    "DATE": {"year", "date", "day", "month", "time", "week", "decade", "century"},
    "PERCENT": {"percentage", "percent", "proportion", "share", "rate"},
    "AMOUNT": {"rise", "increase", "cut", "hike", "raise", "reduction", "discount"},  # "What pay rise …?": how much
}
PLACE_NOUNS = frozenset(_NOUN_TYPES["PLACE"])
# nouns for what a place, a body or a group is: a name in apposition to one names it ("the party, Acme")
NAMED_KIND_NOUNS = frozenset(_NOUN_TYPES["PLACE"] | _NOUN_TYPES["ORG"])
# bodies that are groups of people: "Which party …?" may be answered by the people it stands for
PEOPLE_BODIES = frozenset({"group", "party", "body", "union", "team", "club", "organisation", "organization",
                           "movement", "faction", "militia", "tribe", "band"})
# "Who was Acme's chairman?", "Who is counsel assisting the inquiry?": a person noun right after the possessive or
# the verb names a role, whose holder is asked for
ROLE_HOLDER = re.compile(r"\s*who (?:(?:is|was|are|were)(?: going to be| set to be| to be)?|will be|would be) "
                         r"(?:(?:[\w.&-]+ ){0,2}[\w.&-]+(?:'s|’s) (?:[\w-]+ )?)?("
                          + "|".join(sorted(PERSON_NOUNS | RELATION_NOUNS)) + r")s?\b(?! of (?:state|staff)\b)")
# "Who is taking over as Jo Roe's coach?", "Who was named as the new chairman?": the role the answer will hold
AS_ROLE = re.compile(r"^\s*who\b.*\bas (?:(?:[\w.&-]+ ){0,2}[\w.&-]+(?:'s|’s)|the|his|her|their|its) (?:new |next |acting )?("
                     + "|".join(sorted(PERSON_NOUNS | RELATION_NOUNS)) + r")s?\b[?.!\s]*$")
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"})
# Answer types whose spans the language layer finds reliably (numbers, dates, "the name of …"): the default
# answerer refuses such a question when its evidence holds no span of the type (answer.refuse_without_span)
RELIABLE_TYPES = frozenset({"COUNT", "MONEY", "AMOUNT", "PERCENT", "QUANTITY", "AGE", "DATE", "DURATION", "NAME",
                            "PERSON_NAME"})
# Answer types a sentence must hold a span of; for the others (which/what + noun) a strong passage may answer.
STRICT_TYPES = frozenset({"PERSON", "DATE", "DURATION", "COUNT", "MONEY", "AMOUNT", "AGE", "PERCENT", "QUANTITY", "NAME",
                          "PLACE", "ORG", "PERSON_NAME"})
GENERIC_NOUNS = frozenset({"people", "person", "persons", "man", "men", "woman", "women", "money", "thing", "time",
                           "one", "ones", "number", "amount", "lot", "way", "year", "years", "day", "days"})
_RELATIONS = RELATION_NOUNS
# Units of measure (general English); "how high, in metres" needs a span measured in metres.
_UNIT = re.compile(r"\b(?:in )?(metres|meters|kilometres|kilometers|miles|feet|inches|centimetres|kilograms|kilos"
                   r"|tonnes|tons|litres|liters|gallons|hectares|acres|degrees|knots)\b")
# "What was the population of X?", "What is X's date of birth?": the attribute word the evidence must mention.
_ATTRIBUTE = re.compile(r"\s*what(?:'s| is| was| are| were) (?:the |his |her |their |its |[\w-]+(?:'s|’s) )+"
                        r"(?:\w+ )?(\w+)(?: of\b|\?|$)")
# attributes any sentence may express without naming them
_OPEN_ATTRIBUTES = frozenset({"cause", "reason", "result", "purpose", "effect", "impact", "outcome", "point", "role",
                              "situation", "story", "news", "problem", "issue", "aim", "goal", "message", "response",
                              "reaction", "view", "position", "status", "nature", "meaning", "significance"})
_WORD = re.compile(r"[A-Za-z0-9]+(?:[’'][A-Za-z]+)?(?:[.,]\d+)*")


@dataclass(frozen=True)
class Frame:
    """What a question asks: intent, expected answer type, focus noun and the terms an answer must match."""

    text: str
    intent: str  # factoid, definition, yes-no, list, why, how, compare, overview, chit-chat
    answer_type: str | None = None
    focus: str | None = None
    terms: tuple[str, ...] = ()
    hard: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    groups: tuple[tuple[str, ...], ...] = ()
    unit: str | None = None  # a unit the answer must be measured in ("metre", "mile", "kilogram", "per cent")
    attribute: str | None = None  # "what was the population of X": the asked attribute must be in the evidence
    corrected: tuple[str, ...] = ()  # misspelt words read as the corpus words they stand for
    prefer_docs: tuple[str, ...] = ()  # a follow-up's articles: those the previous answer cited
    scope: tuple[str, ...] = ()  # "… mentioned in the Acme story": terms the article must match, not the sentence

    @property
    def own(self) -> str:
        """The question's own words: a follow-up's text without the earlier turn it was pieced with (" (about: …)")."""
        return self.text.split(" (about: ")[0]

    @property
    def labels(self) -> frozenset[str]:
        out = ANSWER_LABELS.get(self.answer_type or "", frozenset())
        if self.answer_type == "QUANTITY" and _SIZE_ASKED.search(self.text):
            out |= {"MONEY"}  # "How big is Freedonia's foreign debt?": a sum of money is a size too
        return out


@dataclass
class Lexicon:
    """Corpus-wide word knowledge from the stored parses: lemmas, entity words, sentence frequencies."""

    lemma: dict[str, str]
    entity_words: dict[str, Counter[str]]
    df: Counter[str]
    n_sentences: int
    vocabulary: frozenset[str]
    by_initial: dict[str, list[str]]
    pos: dict[str, Counter[str]] = field(default_factory=dict)
    gender: dict[str, str] = field(default_factory=dict)  # a person's surname -> "f" or "m", from the articles
    learned: Learned = NOTHING_LEARNED  # the acronyms and non-person words of these articles (`learned_from`)
    initials: frozenset[str] = frozenset()  # of the articles' names of two or more words: "frc" of "Freedonia Rowing Club"
    # the words the articles write as a person's title, right before a name ("race marshal Jo Roe", "MP Al Poe")
    titles: frozenset[str] = frozenset()

    def gender_of(self, name: str) -> str | None:
        """"f" or "m" when the articles refer to this person as she or he (and never the other way)."""
        words = re.findall(r"[A-Za-z'’-]+", name)
        if not words:
            return None  # the full name first ("Jo Harlow" is a woman where the Harlows are not all women)
        return self.gender.get(_gender_key(words)) or self.gender.get(_gender_key(words[-1:]))

    @cached_property
    def lemma_pos(self) -> dict[str, Counter[str]]:
        """How the articles tag each lemma, over all its surface forms ("die" from "died", "dies")."""
        out: dict[str, Counter[str]] = {}
        for surface, tags in self.pos.items():
            out.setdefault(self.lemma.get(surface, surface), Counter()).update(tags)
        return out

    def head_noun(self, phrase: str) -> str | None:
        """The head of the noun phrase a phrase opens with ("chinese migrants are thought …" -> "migrants"),
        judged by how the corpus tags each word (a word it lacks by the dictionary; unknown to both, a noun)."""
        words = [w for w in re.findall(r"[a-z0-9'-]+", phrase.lower())]
        if words[:2] == ["of", "the"] or words[:2] == ["of", "those"]:
            words = words[2:]
        head = None
        for w in words[:5]:
            tags = self.pos.get(w)
            tag = tags.most_common(1)[0][0] if tags else ("X" if w in STOPWORDS or english_pos(w) == {"verb"} else "NOUN")
            if tag in ("NOUN", "PROPN"):
                head = w
            elif tag in ("ADJ", "NUM") and head is None:
                continue
            else:
                break
        return head

    def is_name_word(self, word: str) -> bool:
        """Mostly seen inside named entities (people, bodies, places, events), not numbers or dates, and
        inside a name in at least half of the sentences that use it ("new" of a place called "New …" is not a name
        word when the corpus mostly uses it as the adjective)."""
        labels = self.entity_words.get(word)
        if not labels:
            return False
        named = sum(c for label, c in labels.items() if label in NAME_LABELS)
        df = self.df.get(word, 0)
        return named >= 0.5 * max(sum(labels.values()), df) and df < 0.2 * max(1, self.n_sentences)

    def idf(self, term: str) -> float:
        return math.log(1 + self.n_sentences / (1 + self.df.get(term, 0)))

    def normal(self, word: str) -> str:
        """The corpus lemma of a surface word (lower case), or a crude one for words the corpus lacks."""
        w = word.lower().replace("’", "'")
        if w in self.lemma:
            return self.lemma[w]
        irregular = irregular_lemma(w) or irregular_lemma(w, "noun")  # "broke" -> "break", "men" -> "man"
        # (an auxiliary's lemma is no content word: "might" stays, it is not the month "May")
        if irregular is not None and irregular not in _AUXILIARIES:
            return irregular
        for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3 and (w[: -len(suffix)] + repl) in self.vocabulary:
                return w[: -len(suffix)] + repl
        return verb_lemma(w) or w  # "owns" -> "own": the verb, whose "owner" a corpus may have

    def correct(self, word: str, name: bool = False) -> str | None:
        """A corpus word one or two edits away from an unknown word (misspellings), if there is a clear one. A word
        of the English dictionary is never a misspelling: "beach" is not "breach" in a corpus without beaches."""
        w = word.lower()
        if len(w) < 4 or is_english_word(w):
            return None
        pool = [v for v in self.by_initial.get(w[0], []) if abs(len(v) - len(w)) <= 2]
        found = difflib.get_close_matches(w, pool, n=1, cutoff=0.8 if name else 0.86)
        return found[0] if found else None


def stem(word: str) -> str:
    """A crude shared stem for soft matching of content words ("finances" ~ "financial"); names match exactly."""
    return word[:6] if len(word) >= 7 and word.isalpha() else word


def build_lexicon(snapshot: Snapshot) -> Lexicon:
    """The corpus lexicon of one generation (built once per snapshot from the stored parses)."""
    lemma: dict[str, str] = {}
    pos: dict[str, Counter[str]] = {}
    entity_words: dict[str, Counter[str]] = {}
    df: Counter[str] = Counter()
    initials: set[str] = set()
    titles: Counter[str] = Counter()
    peoples: set[str] = set()  # the last word of what is tagged NORP ("Zendan", "North Zendans"): a people's name
    n = 0
    for doc_id, doc in snapshot.documents.items():
        text = doc.text
        for s in snapshot.sentences(doc_id):
            n += 1
            seen: set[str] = set()
            for t in s.tokens:
                surface = text[t.start : t.end].lower().replace("’", "'")
                if not surface[:1].isalnum():
                    continue
                lemma.setdefault(surface, t.lemma)
                pos.setdefault(surface, Counter())[t.pos] += 1
                if "." in surface:  # "Nov." and dotted acronyms as people type them: "nov"
                    lemma.setdefault(surface.replace(".", ""), surface.replace(".", ""))
                    seen.add(surface.replace(".", ""))
                seen.add(t.lemma)
                seen.add(surface)
            for e in s.entities:
                words = _WORD.findall(text[e.start : e.end])
                for w in words:
                    entity_words.setdefault(w.lower(), Counter())[e.label] += 1
                if e.label == "NORP" and words and words[-1][:1].isupper():
                    peoples.add(words[-1])
                capitals = [w[0].lower() for w in words if w[:1].isupper()]
                if len(capitals) >= 2:
                    initials.add("".join(capitals))
            titles.update(_titles_before_names(text, s))
            df.update(seen)
    vocabulary = frozenset(lemma) | frozenset(lemma.values())
    learned = learn_from_corpus([d.text for d in snapshot.documents.values()], _non_person_words(snapshot), peoples)
    by_initial: dict[str, list[str]] = {}
    for v in vocabulary:
        if v.isalpha():
            by_initial.setdefault(v[0], []).append(v)
    with learned_from(learned):
        genders = _genders(snapshot)
    return Lexicon(lemma, entity_words, df, n, vocabulary, by_initial, pos, genders, learned, frozenset(initials),
                   frozenset(titles))


def _title_asked(low: str, lexicon: Lexicon) -> str | None:
    """The title of "which/what <…> <title> <verb> …" when the articles write it before people's names."""
    m = re.match(r"\s*(?:(?:in|on|at|from|to|by|for|with) )?(?:which|what) ((?:[\w'-]+ ){1,5})", low)
    if m is None:
        return None
    found = None
    for w in m.group(1).split():
        tags = lexicon.pos.get(w)
        if w in _AUXILIARIES or (tags and tags.most_common(1)[0][0] == "VERB"):
            break
        if lexicon.normal(w) in lexicon.titles:
            found = lexicon.normal(w)
    return found


def _people_asked(low: str, lexicon: Lexicon) -> bool:
    """"Which Zendan won …?", "Which Harlowan was hurt …?": a people's name (mostly tagged NORP in the articles) right
    before the verb asks for someone of that people ("Which Zendan city …?" asks for a city)."""
    m = re.match(r"\s*which ([\w-]+) ([\w-]+)", low)
    if m is None:
        return False
    labels, tags = lexicon.entity_words.get(m.group(1)), lexicon.pos.get(m.group(2))
    if not labels or labels.most_common(1)[0][0] != "NORP":
        return False
    return m.group(2) in _AUXILIARIES or (tags is not None and tags.most_common(1)[0][0] in ("VERB", "AUX"))


def _titles_before_names(text: str, sentence: ParsedSentence) -> list[str]:
    """The nouns written right before a person's name as its title ("race marshal Jo Roe", "party MP Al Poe"): a
    common word (no name's), compounded with the name, that no entity covers."""
    tokens = sentence.tokens
    out = []
    for ent in sentence.entities:
        if ent.label != "PERSON":
            continue
        inside = {i for i, t in enumerate(tokens) if ent.start <= t.start < ent.end}
        k = min(inside, default=0) - 1
        if k < 0 or any(e.start <= tokens[k].start < e.end for e in sentence.entities):
            continue
        t = tokens[k]
        word = text[t.start : t.end].lower()
        if t.pos in ("NOUN", "PROPN") and t.dep == "compound" and t.head in inside and word.isalpha() and \
                len(word) > 1 and "noun" in english_pos(t.lemma.lower()):
            out.append(t.lemma.lower())
    return out


_TITLE_GENDER = {"mr": "m", "sir": "m", "lord": "m", "king": "m", "prince": "m", "mrs": "f", "ms": "f", "miss": "f",
                 "lady": "f", "dame": "f", "queen": "f", "princess": "f"}
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f",
                   "herself": "f"}


def _gender_key(words: list[str]) -> str:
    """"harlow" of ["Harlow's"], "jo harlow" of ["Jo", "Harlow"]."""
    return re.sub(r"['’]s?$", "", " ".join(words).lower())


def _genders(snapshot: Snapshot) -> dict[str, str]:
    """Each person's gender as the articles show it: a title before the name (Mr, Mrs, Ms …), or the first he/she
    after a mention (in its sentence, or the next one when no other person comes first). Kept only when the votes
    agree at least three to one."""
    votes: dict[str, Counter[str]] = {}
    for doc_id, doc in snapshot.documents.items():
        text = doc.text
        sentences = snapshot.sentences(doc_id)
        for i, s in enumerate(sentences):
            people = [e for e in s.entities if e.label == "PERSON"]
            for k, ent in enumerate(people):
                words = re.findall(r"[A-Za-z'’-]+", text[ent.start : ent.end])
                if not words:
                    continue
                # the surname, and the full name when given: a family's surname may be a man's and a woman's
                keys = {_gender_key(words[-1:]), _gender_key(words)}
                before = re.findall(r"[A-Za-z]+", text[max(s.start, ent.start - 12) : ent.start])
                if before and before[-1].lower() in _TITLE_GENDER:
                    for key in keys:
                        votes.setdefault(key, Counter())[_TITLE_GENDER[before[-1].lower()]] += 2
                    continue
                kin = noun_gender(before[-1].lower()) if before else None  # "his son Al Poe", "widow Jane Doe"
                if kin is not None:
                    for key in keys:
                        votes.setdefault(key, Counter())[kin] += 2
                    continue
                until = people[k + 1].start if k + 1 < len(people) else s.end
                tokens = [t for t in s.tokens if ent.end <= t.start < until]
                if k + 1 == len(people) and i + 1 < len(sentences) and not any(
                        e.label == "PERSON" for e in sentences[i + 1].entities):
                    tokens += list(sentences[i + 1].tokens)
                for t in tokens:
                    g = _PRONOUN_GENDER.get(text[t.start : t.end].lower())
                    if g:
                        for key in keys:
                            votes.setdefault(key, Counter())[g] += 1
                        break
    out = {}
    for key, c in votes.items():
        top, n = c.most_common(1)[0]
        if n >= 3 * (sum(c.values()) - n):
            out[key] = top
    return out


def correct_spelling(text: str, lexicon: Lexicon) -> str:
    """The question with each misspelt word replaced by the corpus word its letters stand for ("Wich republik was
    the most vulnrable?" -> "Which republic was the most vulnerable?"); words the corpus or the dictionary know, and
    names, stay as typed."""
    def fix(m: re.Match[str]) -> str:
        raw = m.group()
        w = raw.lower()
        if len(w) < 4 or w in lexicon.vocabulary or lexicon.normal(w) in lexicon.vocabulary:
            return raw
        fixed = lexicon.correct(w, name=raw[:1].isupper() and m.start() > 0)
        if fixed is None:
            return raw
        return fixed.capitalize() if raw[:1].isupper() else fixed
    return re.sub(r"[A-Za-z]+", fix, text)


def _split_compound(raw: str, lexicon: Lexicon) -> list[str]:
    """An unknown run-together word split into two corpus words ("Whitehouse" -> "White", "house")."""
    w = raw.lower()
    if len(w) < 7 or not w.isalpha() or w in lexicon.vocabulary or lexicon.correct(w, name=raw[:1].isupper()):
        return [raw]
    for i in range(3, len(w) - 2):
        left, right = w[:i], w[i:]
        if left in lexicon.vocabulary and right in lexicon.vocabulary and left not in STOPWORDS \
                and right not in STOPWORDS:
            return [raw[:i], raw[i:]]
    return [raw]


def _non_person_words(snapshot: Snapshot) -> set[str]:
    """Capitalised words the language layer tags as places, bodies or groups and never inside a person's name."""
    labels: dict[str, Counter[str]] = {}
    for doc_id, doc in snapshot.documents.items():
        for s in snapshot.sentences(doc_id):
            for e in s.entities:
                for w in _WORD.findall(doc.text[e.start : e.end]):
                    if w[:1].isupper():
                        labels.setdefault(w, Counter())[e.label] += 1
    places = {"GPE", "ORG", "NORP", "LOC", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"}
    return {w for w, c in labels.items() if not c["PERSON"] and sum(c[x] for x in places) >= 1}


_PRICED = re.compile(r"\b(?:cost|costs|costing|pay|paid|pays|spend|spent|spending|worth|charge|charged|fined|earn"
                     r"|earned|earns|owe|owed|donate|donated)\b")


_AUXILIARIES = frozenset({"do", "does", "did", "is", "was", "are", "were", "has", "have", "had", "will", "would",
                          "can", "could", "should", "may", "might", "must"})


def _answer_type(low: str, text: str | None = None) -> tuple[str | None, str | None]:
    """(answer type, focus word) from the wh-phrase (`text`: the question as written, whose capitals end a noun
    phrase before a name: "the name of the boat Jo Roe was on")."""
    if text is not None and len(text) != len(low):
        text = None
    expanded = re.sub(r"\b(what|who|where|when)'s\b", r"\1 is", low)
    if expanded != low:  # "what's" read as "what is": the written question no longer lines up with it
        low, text = expanded, None
    m = re.search(r"\bhow (many|much|old|far|long|big|large|often|tall|high|heavy|wide|deep|fast|thick|hot|cold|steep)\b"
                  r"(?:\s+(\w+))?", low)
    if m and re.search(r"\b(?:which|what|who|whom|whose|where|when)\b", low[: m.start()]):
        m = None  # "Which company … will decide how many employees stay?": the first wh-word asks
    if m:
        word, nxt = m.group(1), m.group(2)
        if word == "many":  # the counted thing; analyse_frame picks the head noun with the corpus lexicon
            return "COUNT", low[m.end(1):].strip()
        if word == "much" and _PRICED.search(low):  # "How much would the road cost?", "… did they pay?"
            return "MONEY", None
        if word == "much":
            return ("MONEY" if nxt in {"money", "cash", "funding", "did", "does", "is", "was", "will"} else "AMOUNT"), (
                nxt if nxt not in {"did", "does", "is", "was", "will", "do"} else None)
        if word == "old":
            return "AGE", None
        if word == "long" or (word == "far" and nxt == "back"):
            return "DURATION", None
        if word == "often":
            return "DATE", None
        if re.match(r"\s+an? (?:deal|threat|problem|role|blow|setback|impact|issue|factor|risk|difference|concern"
                    r"|challenge|success|influence|part|surprise|victory|loss)\b", low[m.end(1):]):
            return None, None  # "how big a deal / a threat was it?" asks how much it mattered, not for a measure
        size = re.match(r"\s+(?:is|was|are|were|will be) (?:the|this|that) ([a-z-]+)", low[m.end(1):])
        if word in ("big", "large") and size:  # "How big is the budget blowout?": a measure of that thing
            return "QUANTITY", size.group(1)
        return "QUANTITY", None
    m = re.search(r"\bwhat(?:'s| is| was| are| were| will be) (?:the |its |their |his |her |(?:[\w.&-]+ ){0,2}[\w.&-]+(?:'s|’s) )"
                  r"(?:[\w-]+ ){0,3}?(rate|price|cost|salary|fee|fine|budget|wage)s?\b(?! of (?:the )?(?:war|law)\b)"
                  r"(?! (?:about|like)\b)(?! for\?)", low)
    if m:  # "What is the bank's official cash rate?": a percentage; "What was the price of …?": money
        return ("PERCENT" if m.group(1) == "rate" else "MONEY"), None
    m = re.search(r"\b(?:what|which)(?:'s| is| was| are| were)? (?:the )?(?:size|number|total|tally|count|toll"
                  r"|estimates?|figures?|numbers?)\b(?: of| for| have| has| did| do| were| are| given)?\s*(.*)", low)
    if m:
        return "COUNT", m.group(1)
    m = re.search(r"\b(?:code)?names? of (?:the |an? )?([\w' -]+?)(?:\s+(?:who|that|which|whom|where|in|at|of|for"
                  r"|on|over|from|with|by|to|about|after|during|near|under|against"
                  r"|the|an?|this|these|those|his|her|its|their)\b"
                  r"|\s+\w+(?:ed|ing|en)\s+(?:at|in|into|on|by|for|from|with|to|after|during|near|over|out|up|off|last|this"
                  r"|the|an?)\b"
                  r"|[?.]|$)", low)  # the noun phrase ends before a clause, a participle ("… arrested at") or the
    # determiner of a clause without "that" ("the name of the module the shuttle carries")
    if m:
        phrase = m.group(1)
        if text is not None:  # "the name of the boat Jo Roe was on": the phrase ends before the name after its noun
            written = text[m.start(1) : m.end(1)].split()
            first = next((i for i, w in enumerate(written) if w[:1].islower()), None)
            cut = next((i for i, w in enumerate(written) if first is not None and i > first and w[:1].isupper()), None)
            phrase = " ".join(phrase.split()[:cut]) if cut is not None else phrase
        noun = phrase.split()[-1].rstrip("s") if phrase.split() else ""
        if noun in ("men", "women", "people", "person", "individual", "victim", "attacker", "suspect"):
            return "PERSON_NAME", None  # "the names of the six men": only people's names answer
        if noun in _NOUN_TYPES["PERSON"] or noun in _RELATIONS or noun + "s" in _RELATIONS:
            return "PERSON", noun  # the role noun: the name must stand beside it ("his counterpart, Jo Doe")
        return "NAME", (phrase.split()[-1] if phrase.split() else None)  # "the name of the website"
    if re.match(r"\s*(?:what|which) (?:is|was) the (?:code ?)?name\b", low):
        return "NAME", None
    m = re.match(r"\s*(?:what|which) (?:(make|model|brand) of (?:the |an? )?([\w-]+)"
                 r"|(alias|nickname|pseudonym|codename|code name|nom de guerre)\b)", low)
    if m:  # "What model of jet …?", "What alias does he go by?": a name beside that noun
        return "NAME", m.group(2) or m.group(3).split()[-1]
    if re.search(r"\bwhat (?:is|was) (?:his|her|their) name\b|\bwhat (?:is|was) (?:the |an? )?[\w' -]+?'s name\b", low):
        return "PERSON", None  # "What's the single mother's name?"
    m = re.match(r"\s*who (?:is|was|are|were) (?:the|its|their|his|her) ((?:[\w'-]+ ){0,3}?[\w-]+)(?:'s)?"
                 r"(?: (?:of|at|for|in|to|on|that|who|whose)\b|[,?]|\s*$"
                 r"| \w+(?:ed|en) (?:of|at|in|into|by|for|from|with|to|on|after|during|over|near)\b)", low)
    # (the noun phrase ends before a participle's clause: "the man accused of …", "the woman arrested in …")
    if m and m.group(1).split()[-1] not in STOPWORDS:  # "Who is the chief executive of Acme?": a role's holder
        return "PERSON", m.group(1).split()[-1]
    m = ROLE_HOLDER.match(low) or AS_ROLE.match(low)
    if m:  # "Who was Acme's chairman?", "Who is counsel assisting the inquiry?", "Who takes over as her coach?"
        return "PERSON", m.group(1)
    if re.search(r"\b(?:which|what) (?:country|nation)(?:'s|’s|s') ", low):
        return "ORIGIN", None  # "Which nation's troops …?": a country or a nationality ("Ruritanian troops")
    if re.match(r"\s*where (?:did|does|do|has|have|had|was|were|is|will) (?:[\w.'-]+ ){1,4}?(?:post|publish|upload|tweet"
                r"|share|write|announce|broadcast|air|print)(?:ed|s|ing)?\b", low):
        return "OUTLET", None  # "Where did she post the warning?": a website, network or paper (or a place)
    opening = re.match(r"\s*(?:(?:in|on|at|from|to|by|for|with) )?(who|whom|whose|when|where)\b", low)
    if opening:  # the question's own wh-word decides ("Where was X when …" asks for a place)
        return {"when": "DATE", "where": "PLACE"}.get(opening.group(1), "PERSON"), None
    if re.match(r"\s*(?:(?:in|on|at|from|to|by|for|with) )?(?:which|what) ", low):
        kind, noun = _kind_noun(low)  # "Which township, where a million live, …?" asks for a township
        if kind is not None:
            return kind, noun
    if re.match(r"\s*(?:who|whom|whose)\b", low) or re.search(r"\bwho\b", low[:40]):
        return "PERSON", None
    m = re.match(r"\s*which ([a-z-]+) (?:[a-z-]+ )?(?:said|says|told|tells|claimed|claims|warned|warns|described"
                 r"|describes|announced|admitted|argued|urged|insisted|called|calls)\b", low)
    if m and m.group(1) not in STOPWORDS:  # "Which swimmer said …?": one who speaks, a person (a body's kind
        return "PERSON", m.group(1)  # noun, "Which union said …?", was read above)
    if re.match(r"\s*(?:(?:in|on|at|from|to|by|for|with) )?(?:which|what)\s+(?!(?:year|date|day|month|time)\b)\w+", low) \
            and not re.search(r"\b(?:year|date|day|month|time) of\b|\bwhat (?:is|was|are|were) the (?:year|date|day|month"
                              r"|time)\b", low):
        return None, None  # "Which fielder appealed when …?", "What did she say when …?": a clause's "when"
    if re.match(r"\s*when\b", low) or re.search(r"\bwhat (?:year|date|day|month|time)\b|\bwhen\b|\bdate of\b", low):
        return "DATE", None
    if re.match(r"\s*where\b", low) or re.search(r"\bwhere\b", low):
        return "PLACE", None
    if re.search(r"\bwhat (?:percentage|percent|proportion|share)\b", low):
        return "PERCENT", None
    return _kind_noun(low)


def _kind_noun(low: str) -> tuple[str | None, str | None]:
    """The answer type a kind noun after "what/which" fixes ("Which town …?" → PLACE, town), else (None, None)."""
    m = re.search(r"\b(?:what|which)\s+(\w+)(?:\s+(\w+))?(?:\s+(\w+))?", low)
    if m and m.group(1) not in _AUXILIARIES:  # "What does Senator Jo Roe say …?" asks for no senator
        asked = [m.group(1)]
        # "Which Springfield beach …?": the kind noun may follow a name's words (not in "Which of her …?")
        for later in (m.group(2), m.group(3)) if m.group(1) not in STOPWORDS else ():
            if not later or later in _AUXILIARIES or later in STOPWORDS:
                break
            asked.append(later)
        for noun in asked:
            one = noun[:-3] + "y" if noun.endswith("ies") else noun.rstrip("s")  # cities -> city
            for kind, nouns in _NOUN_TYPES.items():
                if noun in nouns or one in nouns:
                    return kind, noun if noun in nouns else one
    return None, None


YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")  # a year as news writes it: 1850-2099


def unheard_of(frame: Frame, lexicon: Lexicon) -> list[str]:
    """The question's acronyms ("FIFA") and years ("2028") that no article has, nor a name the acronym stands for
    ("FRC" for "Freedonia Rowing Club"): unlike a name's spelling or its adjective form, the articles would have them
    as written."""
    out = [w for w in frame.unknown if len(w) >= 3 and w.isalpha() and w.isupper() and w.lower() not in lexicon.initials]
    return out + [y for y in YEAR.findall(frame.text) if y not in lexicon.vocabulary]


def reliably_typed(frame: Frame) -> bool:
    """Does the question ask for a span the language layer finds reliably: a number, an amount, an age, a date,
    or a name ("What is the name of her lawyer?"), rather than whoever or wherever a sentence may describe? (A
    country, city or state is not: the small model tags a small town as a company or a person often enough that
    refusing "In which town …?" without one cost more answers than it saved refusals.)"""
    return frame.answer_type in RELIABLE_TYPES or (
        frame.answer_type == "PERSON" and re.search(r"\bnames? of\b|\bwhat (?:is|was) (?:his|her|their) name\b",
                                                   frame.text, re.IGNORECASE) is not None)


def intent_of(text: str) -> str:
    low = text.lower().strip()
    if _CHITCHAT.match(low):
        return "chit-chat"
    if _OVERVIEW.search(low):
        return "overview"
    if _COMPARE.search(low):
        return "compare"
    if re.match(r"\s*why\b", low) or re.search(r"\bwhat (?:was|is|were) the (?:reason|cause|motive)\b", low):
        return "why"
    if is_yes_no(low):
        return "yes-no"
    if _LIST.search(low):
        return "list"
    if re.match(r"\s*(?:who|what) (?:is|was|are|were) (?:the )?[\w.'-]+(?: [\w.'-]+){0,4}\??\s*$", low) and not re.search(
            r"\b(?:name|number|reason|date|cause|figure|estimate|role|job)\b", low) and not re.match(
            r"\s*who (?:is|was|are|were) (?:the|its|his|her|their)\b", low) and not ROLE_HOLDER.match(low):
        return "definition"  # "Who is the chief executive of Acme?", "Who was Acme's chairman?", "Who is its
        # president?" ask for a person
    if re.match(r"\s*who (?:is|was) [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3},? and\b", text.strip(), re.IGNORECASE) and \
            re.match(r"\s*\w+ \w+ [A-Z]", text.strip()):  # "Who is Jane Doe, and what does she want?"
        return "definition"
    if re.match(r"\s*how (?:did|does|do|is|was|were|are|can|could|will|would)\b", low):
        return "how"
    return "factoid"


# idioms whose words are not the words an article uses: matched as the word it would use
_PARAPHRASE_OF = {"in charge of": "leads", "at the helm of": "leads", "in command of": "commands",
                  "look after": "protect", "looks after": "protects", "looked after": "protected",
                  "take care of": "protect", "passed away": "died", "lost their lives": "died", "lost his life": "died", "lost her life": "died"}
_PARAPHRASES = re.compile(r"\b(?:" + "|".join(_PARAPHRASE_OF) + r")\b", re.IGNORECASE)


def analyse_frame(text: str, lexicon: Lexicon) -> Frame:
    """The frame of a standalone question, its words typed and normalised by the corpus lexicon."""
    own = text.split(" (about: ")[0]
    intent = intent_of(own)
    low = own.lower()
    answer_type, focus = _answer_type(low, own) if intent not in ("chit-chat", "overview", "why", "how") else (None, None)
    if intent == "definition" and re.match(r"\s*who\b", low):
        answer_type = None
    if answer_type is None and intent == "factoid":  # "Which track marshal died …?": a word the articles
        title = _title_asked(low, lexicon)  # write before people's names asks for a person
        if title is not None:
            answer_type, focus = "PERSON", title
        elif _people_asked(low, lexicon):  # "Which Zendan won the sprint?": one of that people, a person
            answer_type = "PERSON"
    terms: list[str] = []
    hard: list[str] = []
    unknown: list[str] = []
    corrected: list[str] = []
    names: list[str] = []
    weights: dict[str, float] = {}
    text = _PARAPHRASES.sub(lambda m: _PARAPHRASE_OF[m.group().lower()], text)
    words = [part for raw in _WORD.findall(text) for part in _split_compound(raw, lexicon)]
    own_words = len([part for raw in _WORD.findall(_PARAPHRASES.sub(lambda m: _PARAPHRASE_OF[m.group().lower()], own))
                     for part in _split_compound(raw, lexicon)])
    groups: list[list[str]] = []
    last_hard = -2
    scoped = _scope_words(own)
    scope: list[str] = []
    cased = any(raw[:1].isupper() for raw in words[1:])  # the asker capitalises names (not typed all lower case)
    for i, raw in enumerate(words):
        w = raw.lower().replace("’", "'").split("'")[0]
        if w in STOPWORDS or w in _QUESTION_WORDS or (len(w) < 2 and not w.isdigit()):
            continue
        if w in ADDRESS_FORMS and i + 1 < len(words) and words[i + 1][:1].isupper():
            continue  # "Sir Jo Roe" is the one the articles may call "Mr Roe": the form of address asks nothing
        known = w in lexicon.vocabulary or lexicon.normal(w) in lexicon.vocabulary or (
            len(w) >= 4 and any(w + end in lexicon.vocabulary for end in _DEMONYM_ENDS))  # Freedonia: "Freedonian"
        short = re.split(r"['’]", raw)[0]
        # "WZ" for the "Western Zenda" the articles write out: a name, though not a word they use
        spelt_out = short.isupper() and short.isalpha() and 2 <= len(short) <= 5 and w in lexicon.initials
        if not known and not spelt_out:
            fixed = lexicon.correct(w, name=raw[:1].isupper())
            if fixed is not None:
                corrected.append(w)
                w, known = fixed, True
        # an acronym is a name, not a word to lemmatise ("US" is not the pronoun "us", whose lemma is "we")
        term = w if raw.isupper() and len(raw) > 1 and raw.isalpha() and i > 0 else lexicon.normal(w)
        if term in terms:
            continue
        # a dictionary word the asker wrote in lower case in a question that capitalises its names is no name
        # ("staff" beside "Acme", though the corpus mostly meets it inside a rank or a title)
        entity = lexicon.is_name_word(w) and not (cased and raw.islower() and is_english_word(w))
        capital = raw[:1].isupper() and i > 0 and not raw.isupper() or (raw.isupper() and len(raw) > 1 and i > 0)
        terms.append(term)
        # words the corpus never uses cannot be matched: they count only when they look like names
        weights[term] = lexicon.idf(term) if known else 0.5 * lexicon.idf("")
        if i >= own_words:  # a word of the earlier turn a follow-up is about counts half as much as its own words
            weights[term] *= 0.5
        if raw.lower() in scoped or i >= own_words:  # the article's subject (or the earlier turn's, already at
            scope.append(term)  # half weight), not the answer's: its sentence need not say it
            weights[term] *= 0.5 if i < own_words else 1.0
        if (entity or (capital and not known)) and w not in GENERIC_NOUNS:
            hard.append(term)
            names.append(w)
            if last_hard == i - 1 and groups:
                groups[-1].append(term)
            else:
                groups.append([term])
            last_hard = i
        if not known and capital and not spelt_out:
            unknown.append(raw)
    if focus and answer_type == "COUNT":
        focus = lexicon.head_noun(focus)
    if focus:
        f = lexicon.normal(focus)
        if f not in terms and focus not in lexicon.vocabulary:  # a misspelt focus noun, as its words were corrected
            f = lexicon.normal(lexicon.correct(focus) or focus)
        focus = f if f in terms else None
        if focus and focus not in hard and answer_type == "COUNT" and focus not in GENERIC_NOUNS:
            hard.append(focus)
            groups.append([focus])
    attribute = None
    m = _ATTRIBUTE.match(low)
    if m and m.group(1) not in _OPEN_ATTRIBUTES and m.group(1) not in _QUESTION_WORDS:
        attribute = lexicon.normal(m.group(1))
    m = re.search(r"\b([a-z]+) (?:rate|price|cost|salary|fee|fine|wage)s?\b", low) if answer_type in (
        "PERCENT", "MONEY") and attribute is None else None
    tags = lexicon.pos.get(m.group(1)) if m else None
    noun = bool(tags) and tags.most_common(1)[0][0] == "NOUN" if tags else (  # type: ignore[union-attr]
        m is not None and "noun" in english_pos(m.group(1)) and "adj" not in english_pos(m.group(1)))  # else the
    # dictionary says (a word the corpus lacks)
    if m and noun:  # "the cash rate" is not the unemployment rate
        attribute = lexicon.normal(m.group(1))
    unit_match = _UNIT.search(low) if answer_type in ("QUANTITY", "AMOUNT", "COUNT") else None
    unit = unit_match.group(1)[:5] if unit_match else None
    return Frame(text=text, intent=intent, answer_type=answer_type, focus=focus, terms=tuple(terms),
                 hard=tuple(hard), unknown=tuple(unknown), names=tuple(names), weights=weights,
                 groups=tuple(tuple(g) for g in groups), unit=unit, attribute=attribute, corrected=tuple(corrected),
                 scope=tuple(scope))


# a place's name becomes its people's adjective with one of these ("Freedonian", "Ruritani", "Sylvanese")
_DEMONYM_ENDS = ("n", "an", "i", "ese", "ian")


# "… in the Acme story", "… in the article about the Freedonia floods", "the report on Acme": which article
_SCOPE = re.compile(r"\b(?:in|from) (?:the|that|this|your) ((?:[\w'’-]+ ){1,4})(?:story|article|report|piece|item)\b"
                    r"|\b(?:story|article|report|piece|item) (?:about|on) ((?:[\w'’-]+ ?){1,5})", re.IGNORECASE)


# an aside between commas that says which one is meant: "How far is Springfield, where the mill fire broke out,
# from Shelbyville?" (the answer's sentence need not say it again)
_ASIDE = re.compile(r",\s*(?:where|which|who|whose|when)\b([^,?]*),")


# a description set beside a name that says which one is meant: "the skipper of Qorvale, the Harlow maxi that won
# last year?" (the sentence that names the skipper need not say it again)
_APPOSITION = re.compile(r"\b[A-Z][\w'’-]*\s*,\s*((?:the|an?)\s[^,?]*)(?=[,?]|$)")


def aside_words(question: str) -> set[str]:
    """Lower-cased words of an aside between commas that says which one is meant (", where the fire broke out,"), or
    of a description beside a name (", the Harlow maxi that won it?")."""
    return {w.lower() for pattern in (_ASIDE, _APPOSITION) for m in pattern.finditer(question)
            for w in _WORD.findall(m.group(1))}


def _scope_words(question: str) -> set[str]:
    """Lower-cased words of the phrase that says which article a question is about, or which one it means."""
    return {w.lower() for m in _SCOPE.finditer(question) for g in m.groups() if g
            for w in _WORD.findall(g)} | aside_words(question)


_QUESTION_WORDS = frozenset(
    "who whom whose what which when where why how many much old far long big large often tall high "
    "compare difference between list name names tell please show give find explain describe happen happened "
    "article articles say said says according source sources story stories report reported mention mentioned "
    "anything something thing things kind type sort roughly approximately around exactly particularly reportedly "
    "actually really ever currently precisely still yet already".split()
)
