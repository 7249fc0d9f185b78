"""What kind of question this is and which of its words matter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.figures import focus_terms, kind_of
from assistant.lexicon import is_yes_no, terms, without_address

_INJECTION = re.compile(
    r"(?:ignore|disregard|forget|override)\b[^.?!]*?\b(?:instructions?|rules?|prompts?|articles?|above|previous|context)"
    r"|\b(?:system|assistant|developer)\s*:|\byou are now\b|\bnew instructions?\b|\bjailbreak\b"
    r"|^\s*(?:please\s+)?(?:just\s+)?(?:say|answer|respond|reply|tell me) (?:only )?(?:that|with|in one word)\b|\bdo not cite\b|\bdon't cite\b"
    r"|\bsystem prompt\b|\b(?:print|reveal|show|repeat) (?:your|the) (?:prompt|instructions|rules)\b"
    r"|</?\w+>"
    r"|\bjust confirm\b|\bthe articles? (?:is|are) (?:wrong|out of date|outdated)\b",
    re.IGNORECASE,
)
_DIRECTIVE = re.compile(
    r"(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:your|previous|prior|the|these|above)\s+"
    r"(?:instructions?|rules?|prompts?|guidelines)|\b(?:system|assistant|developer)\s*:|\byou are now\b"
    r"|\banswer every question\b|\bsystem prompt\b",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"^\s*(?:and\s+|then\s+|now\s+)?(?:(?:please\s+)?(?:ignore|disregard|forget)\b[^,.;?!]*?\b(?:and|then)\s+"
    r"|(?:please\s+)?(?:tell|show|give) me\s+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
    """A question ready for retrieval: cleaned text, type, key terms, and the focus of a 'how many'."""

    text: str
    qtype: str
    terms: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    kind: str | None = None
    # a follow-up's articles: those the previous answer cited (its evidence there counts for more)
    prefer_docs: tuple[str, ...] = ()

    @property
    def is_quantity(self) -> bool:
        return self.qtype == "quantity"

    @property
    def wants_names(self) -> bool:
        """'What were the names of…', 'Name the…': only person names answer it."""
        return bool(re.search(r"\bnames? of\b|^\s*name (?:the|all|every)\b|\bwho (?:were|are) the\b", self.text, re.IGNORECASE))


def strip_injection(text: str) -> str:
    """Drop sentences that instruct the assistant instead of asking; keep the question itself."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?\n:])\s+", text) if p.strip()]
    kept = [_LEAD_IN.sub("", p) for p in parts if not _INJECTION.search(p)]
    if kept:
        return " ".join(k[:1].upper() + k[1:] for k in kept if k)
    # one sentence mixing an instruction with a question: keep what follows the instruction
    return _LEAD_IN.sub("", re.split(r"\b(?:and|then)\b(?=[^.?!]*\?|\s+(?:who|what|when|where|why|how)\b)", text)[-1]).strip() or text


@lru_cache(maxsize=100_000)
def looks_like_instruction(text: str) -> bool:
    """Text addressed to an assistant (in a question or planted in an article); never followed or cited (cached:
    the same article sentences are checked for every question)."""
    return bool(_DIRECTIVE.search(text))


def question_type(text: str) -> str:
    low = text.lower()
    opener = re.match(r"\s*(why|who|when|where)\b", low)
    if opener:  # "Why is it so hard to estimate how big…" asks for a reason, not a number
        return opener.group(1)
    if is_yes_no(low):
        return "what"  # "Did she think the number of … was higher?" asks yes or no, not for a number
    if re.search(r"\bhow (?:many|much|old)\b|\bnumber of\b|\b(?:estimates?|figures?)\b|\bhow large\b|\bcount\b", low):
        return "quantity"
    for word in ("when", "where", "why", "who", "what", "which", "how"):
        if re.search(rf"\b{word}\b", low):
            return {"which": "what", "how": "what"}.get(word, word)
    if re.search(r"\b(?:what year|what date|what time)\b", low):
        return "when"
    return "what"


def analyse(text: str) -> Question:
    """Classify a (standalone) question."""
    cleaned = strip_injection(text)
    own = cleaned.split(" (about: ")[0]  # a follow-up's own words decide its type; the context only adds terms
    qtype = question_type(own)
    return Question(
        text=cleaned,
        qtype=qtype,
        terms=terms(without_address(cleaned)),
        focus=focus_terms(own) if qtype == "quantity" else [],
        # "How old was she when she was shot dead?" asks an age, whatever its clause says happened
        kind=("age" if re.search(r"\bhow old\b", own, re.IGNORECASE) else kind_of(own)) if qtype == "quantity" else None,
    )


_WH_WORD = r"(?:who|whom|whose|what|when|where|which|why|how)\b"
_COMPOUND = re.compile(rf"^\s*(?P<a>{_WH_WORD}.+?)\s*,?\s+and\s+(?P<b>{_WH_WORD}.+?)\s*\??\s*$", re.IGNORECASE)


def split_compound(text: str) -> list[str]:
    """The two questions of "Who founded the group, and who leads it now?" (the second as asked: its pronouns
    are resolved against the first like a follow-up); one question otherwise. "Who is Jane Doe and what does she
    want?" stays one: a definition covers it."""
    m = _COMPOUND.match(text)
    if m is None or re.match(r"\s*(?i:who|what) (?i:is|was|are|were) [A-Z]", m.group("a")) or len(
            m.group("a").split()) < 3 or len(m.group("b").split()) < 2:
        return [text]
    first, second = m.group("a").rstrip(" ,?"), m.group("b").rstrip(" ?")
    return [f"{first[:1].upper()}{first[1:]}?", f"{second[:1].upper()}{second[1:]}?"]
