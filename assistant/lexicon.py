"""Words, names and numbers: the small language toolkit the answerer and rewriter share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours out over own same she should so some such
    than that the their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your yours yourself
    according tell say said says told give gave given many much number numbers figure figures estimate estimates
    did does do done article articles call called mention mentioned mentions talk refer please know list name names describe explain happened happen mean""".split()
)
# What the indexed articles teach ("Example Radio Company (ERC)"): acronym -> long form, and capitalised words the
# language layer tags only as places, bodies or groups, never as people. One `Learned` per index snapshot, made by
# `learn_from_corpus`; the answering code reads the one in effect (`learned_from`), so two corpora answered in one
# process never see each other's words. Nothing here names anything of a particular corpus.
@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a cache key per snapshot
class Learned:
    aliases: tuple[tuple[str, str], ...] = ()
    non_person: frozenset[str] = frozenset()
    peoples: frozenset[str] = frozenset()  # stems of the names of peoples the articles use ("Zendan", "Zendans")


NOTHING_LEARNED = Learned()
_IN_EFFECT: ContextVar[Learned] = ContextVar("learned", default=NOTHING_LEARNED)
_ACRONYM = re.compile(r"\b((?:[A-Z][\w’'-]*\s+(?:of\s+|for\s+|and\s+|the\s+)*){1,6}[A-Z][\w’'-]*)\s+\(([A-Z][A-Za-z]{1,7})\)")


def is_learned_non_person(word: str) -> bool:
    """The indexed articles use this capitalised word only in places', bodies' or groups' names."""
    return word.rstrip("’'s") in _IN_EFFECT.get().non_person


def learned_peoples() -> frozenset[str]:
    """Stems of the words the indexed articles use as the name of a people or nationality ("Zendan", "Zendans")."""
    return _IN_EFFECT.get().peoples


def learn_from_corpus(texts: list[str], non_person: set[str], peoples: set[str] | None = None) -> Learned:
    """The acronyms the articles define, the words their entities show are not people's names, and the names of
    peoples they count."""
    aliases: dict[str, str] = {}
    for text in texts:
        for m in _ACRONYM.finditer(text):
            words, short = m.group(1).split(), m.group(2)
            while words and words[0][0] != short[0]:  # "The Acme Radio Service (ARS)": the name starts at "Acme"
                words = words[1:]
            initials = "".join(w[0] for w in words if w[:1].isupper())
            if initials.upper().startswith(short.upper()[:2]):
                aliases.setdefault(short, " ".join(words))
    return Learned(tuple(aliases.items()), frozenset(non_person), frozenset(stem(w.lower()) for w in peoples or ()))


@contextmanager
def learned_from(learned: Learned) -> Iterator[None]:
    """Answer with what these articles taught (for the block's duration, in this thread only)."""
    token = _IN_EFFECT.set(learned)
    try:
        yield
    finally:
        _IN_EFFECT.reset(token)


# Titles written before a person's name (general English, lower case here; capitalised in the pattern)
_TITLES = ("gen.", "maj-gen.", "maj.-gen.", "lt.", "col.", "general", "gen", "president", "prime minister", "mr.",
           "mrs.", "ms.", "dr.", "sheikh")
PERSON_TITLES = "(?:" + "|".join(re.escape(re.sub(r"(?:^|(?<=[\s-]))[a-z]", lambda m: m.group().upper(), t))
                                 for t in _TITLES) + ")"
# The months as written short ("Nov. 22", "sept"): the first three letters of each name
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# Nouns for a person by what they are or do, and by their tie to someone ("his lawyer").
PERSON_NOUNS = frozenset({
    "person", "man", "woman", "official", "minister", "leader", "spokesman", "spokeswoman", "president", "chief", "head",
    "commander", "player", "senator", "judge", "author", "boy", "girl", "name", "fighter", "soldier", "militant",
    "gunman", "attacker", "officer", "policeman", "doctor", "nurse", "pilot", "driver", "passenger", "journalist",
    "reporter", "actor", "singer", "teacher", "student", "worker", "resident", "citizen", "refugee", "prisoner",
    "hostage", "candidate", "chairman", "ambassador", "envoy", "governor", "mayor", "premier", "captain", "skipper",
    "chairwoman", "chairperson", "counsel", "treasurer", "secretary", "director", "executive", "commissioner",
    "prosecutor", "manager", "founder", "owner", "editor", "inspector", "superintendent", "sergeant"})
RELATION_NOUNS = frozenset({
    "counterpart", "daughter", "son", "wife", "husband", "mother", "father", "brother", "sister", "child", "partner",
    "lawyer", "coach", "deputy", "successor", "predecessor", "victim", "suspect", "owner", "founder", "spokesperson",
    "manager", "director", "boss", "friend"})
# Nouns that tell a person's gender (regular-expression alternations)
FEMALE_NOUNS = r"woman|women|girl|mother|wife|daughter|sister|widow|actress|queen|princess|grandmother|lady"
MALE_NOUNS = r"man|men|boy|father|husband|son|brother|widower|actor|king|prince|grandfather"


# Words news reports use for one another (general English, lemmas): a question's word is matched by any word of
# its group ("When does the debate start?" against "will begin debate"; "chase" against "pursued").
SYNONYM_GROUPS = (
    {"start", "begin", "commence", "launch", "open", "initiate"}, {"end", "finish", "conclude", "close"},
    {"chase", "pursue"}, {"buy", "purchase", "acquire"}, {"sell", "auction"}, {"quit", "resign"},
    {"arrest", "detain", "apprehend"}, {"jail", "imprison", "lock"}, {"sentence", "jail"},
    {"adjourn", "suspend", "postpone", "delay", "hold"}, {"die", "kill", "dead", "death"},
    {"injure", "injury", "wound", "hurt"}, {"war", "conflict", "fighting"}, {"attack", "assault", "raid", "strike"}, {"help", "assist", "aid"},
    {"car", "vehicle"}, {"boat", "yacht", "vessel", "ship"},
    {"plane", "aircraft", "jet", "airliner"}, {"child", "toddler", "boy", "girl", "kid"},
    {"money", "fund", "funding", "cash"}, {"rise", "increase", "grow", "climb", "jump"},
    {"fall", "drop", "decline", "decrease", "slump"}, {"ban", "prohibit", "outlaw"}, {"fire", "blaze", "bushfire"},
    {"forest", "woodland"}, {"world", "planet", "globe"}, {"disappear", "vanish", "lose"}, {"talk", "negotiation"},
    {"offence", "crime", "charge"}, {"punishment", "sentence", "penalty", "fine"}, {"support", "back", "endorse"},
    {"employee", "staff", "worker", "workforce"}, {"strike", "stoppage", "walkout"},
)
SYNONYMS: dict[str, frozenset[str]] = {}
for _group in SYNONYM_GROUPS:
    for _word in _group:
        SYNONYMS[_word] = SYNONYMS.get(_word, frozenset()) | frozenset(_group - {_word})


def noun_gender(phrase: str) -> str | None:
    """"f" or "m" when a phrase ends in a noun that tells a gender ("the single mother" -> "f"), else None."""
    last = phrase.lower().split()[-1] if phrase.split() else ""
    return "f" if re.fullmatch(FEMALE_NOUNS, last) else "m" if re.fullmatch(MALE_NOUNS, last) else None


# General words that mark a capitalised phrase as a place, body, date or thing rather than a person (lower case:
# compared with a phrase's words lower-cased).
NON_PERSON = frozenset(
    """state states federal ministry guard north south district
 national security defense foreign military organisation organization union
 government army forces news agency blog anti-terrorism party court police bank airlines
 company corporation group institute university school hospital parliament congress
 office bureau commission authority board centre center church street road river mountain mountains islands
 sea ocean lake valley city county province region territory kingdom empire airport station square park
 stadium cup league club festival summit conference games olympic olympics times post herald journal tribune
 january february march april may june july august september october november december monday tuesday wednesday
 thursday friday saturday sunday the a an in on at this that these those it he she they we you i last meanwhile
 however according previously following secretary general chief deputy head leader envoy minister director
 spokesman commander just additionally indeed despite""".split()
)
_WORD = re.compile(r"[A-Za-z0-9]+(?:[’'][a-z]+)?")
_NAME = re.compile(
    rf"(?:{PERSON_TITLES}\s+)?(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.)(?:\s+(?:al-|bin\s)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?){{0,3}}"
)

# Greetings, thanks and questions about the assistant itself: answered without retrieval.
CHITCHAT = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening)|greetings|thanks?(?: you)?(?: very much| a lot)?"
    r"|thank you|cheers|ok(?:ay)?|great|cool|nice|bye|goodbye|see you|how are you(?: doing)?|who are you"
    r"|what can you do|what do you do|help|what are you)\b[\s!.,?]*(?:there|so much|again|mate)?[\s!.,?]*$",
    re.IGNORECASE,
)


def is_chit_chat(text: str) -> bool:
    return bool(CHITCHAT.match(text.lower().strip()))


_YES_NO = re.compile(r"\s*(?:is|are|was|were|did|does|do|has|have|had|can|could|will|would|should|may|might|must)\b")


def is_yes_no(text: str) -> bool:
    """An auxiliary opens the question and no what/how/why asks for more: "Did the man who …" and "Was the town
    where …" are still yes or no (who/which/where/when open relative clauses there), and so is "Does the council
    know why …?", whose why is what the council knows; "Do you know why …?" asks the why."""
    low = text.lower()
    if _YES_NO.match(low) is None:
        return False
    return re.search(r"\b(?:what|how|why)\b", low) is None or knowing_verb(low) is not None


def knowing_verb(question: str) -> str | None:
    """The verb of knowing or telling whose object is the question's wh-clause ("Does the council know why …?":
    know), not in a request to the assistant ("Do you know why …?")."""
    low = question.lower()
    wh = re.search(r"\b(?:what|how|why|where|when|who|whether|if)\b", low)
    m = _KNOWING.search(low[: wh.end()]) if wh else None
    return _KNOWING_LEMMA.get(m.group(1), m.group(1)) if m and not re.match(r"\s*\w+ (?:you|u)\b", low) else None


# "… know why", "… explain how": a wh-clause that is the object of a verb of knowing or telling
_KNOWING = re.compile(r"\b(know|knows|knew|explain|explained|reveal|revealed|understand|understood|disclose|"
                      r"disclosed|ask|asked|wonder|wondered)\s+(?:what|how|why|where|when|who|whether|if)$")
_KNOWING_LEMMA = {"knows": "know", "knew": "know", "explained": "explain", "revealed": "reveal",
                  "understood": "understand", "disclosed": "disclose", "asked": "ask", "wondered": "wonder"}


NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "dozen": 12, "dozens": 24, "hundreds": 200, "thousands": 2000,
}


# A number written in words, as ages and counts are ("twenty-eight", "seventeen", "six"): a regex fragment.
SPELT_NUMBER = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-\w+)?|eleven|twelve|\w+teen|one|two"
                r"|three|four|five|six|seven|eight|nine|ten)")


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


_ISE_SPELLING = re.compile(r"(?<=\w{3})is(e|ed|es|ing|ation|ations)$")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Snowball stem, with -ise spellings folded to -ize ("neutralised" ~ "neutralized")."""
    word = _ISE_SPELLING.sub(lambda m: "iz" + m.group(1), word.lower())
    return _stemmer().stemWord(word)  # type: ignore[attr-defined,no-any-return]


def related(a: str, b: str) -> bool:
    """Two stems of one word family: equal, or sharing a long prefix ("creat" ~ "creation", "lead" ~ "leadership")."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and long_.startswith(short):
        return True
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return common >= 6


def fold_aliases(text: str) -> str:
    """Long forms of the acronyms the articles define folded to the acronym ("Example Radio Company" ->
    "ERC"), so either spelling matches the other."""
    for short, long_form in _IN_EFFECT.get().aliases:
        text = text.replace(long_form, f" {short} ")
    return text


def tokens(text: str) -> list[str]:
    """Lower-case word tokens after alias folding (keeps stopwords)."""
    return [t.lower().replace("’", "'") for t in _WORD.findall(fold_aliases(text))]


# forms of address written before a name, which articles vary ("Sir Jo Roe", then "Mr Roe"): they say which person
# is meant, not what is asked about
ADDRESS_FORMS = frozenset({"mr", "mrs", "ms", "miss", "mx", "sir", "dame", "dr", "lord", "lady"})
_ADDRESSED = re.compile(rf"\b(?:{'|'.join(w.capitalize() for w in sorted(ADDRESS_FORMS))})\.?\s+(?=[A-Z])")


def without_address(text: str) -> str:
    """The text with the forms of address before capitalised names left out ("How old is Sir Jo Roe?" -> "How old is
    Jo Roe?")."""
    return _ADDRESSED.sub("", text)


def terms(text: str) -> list[str]:
    """Stemmed content terms: what a question is about, without stopwords."""
    out = []
    for tok in tokens(text):
        base = tok.split("'")[0]
        if base in STOPWORDS or len(base) < 2 and not base.isdigit():
            continue
        out.append(stem(base))
    return out


def person_names(text: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of likely person names, e.g. 'Gen. Jane Doe', 'Jo Bloggs'."""
    return list(_person_names(text, _IN_EFFECT.get()))


@lru_cache(maxsize=100_000)
def _person_names(text: str, learned: Learned) -> tuple[tuple[str, int, int], ...]:
    found = []
    for m in _NAME.finditer(text):
        name = m.group().strip()
        words = [w for w in re.split(r"\s+", name) if w]
        start = m.start()
        while words and (words[0].lower() in NON_PERSON or words[0] in learned.non_person):  # "Regional Minister Jo Bloggs" → "Jo Bloggs"
            start = text.index(words[0], start) + len(words[0])
            start += len(text[start:]) - len(text[start:].lstrip())
            words = words[1:]
        core = [w for w in words if not re.fullmatch(PERSON_TITLES, w)]
        if not core or any(w.rstrip("’'s").lower() in NON_PERSON or w.lower() in NON_PERSON
                           or w.rstrip("’'s") in learned.non_person
                           for w in core):
            continue
        titled = len(core) < len(words)
        if len(core) >= 2 or titled:
            found.append((" ".join(words), start, m.end()))
    return tuple(found)


def surname(name: str) -> str:
    return re.split(r"\s+", name.strip())[-1]
