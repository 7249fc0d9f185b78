"""No rule names anything of a corpus: the proper names spaCy finds in `seeds/` and `evals/corpora/` must not
appear in the code of `assistant/` or `index/` (comments and docstrings included, so examples stay generic)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.corpus import load_corpus
from index.language import ParseCache
from tests.conftest import REPO, SEEDS

pytestmark = pytest.mark.slow
NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"}


def corpus_names(folders: list[Path], cache: ParseCache) -> set[str]:
    """Every named-entity surface (and each capitalised word of it longer than three letters) in the folders."""
    names: set[str] = set()
    words: set[str] = set()
    lower: set[str] = set()
    for folder in folders:
        articles, _ = load_corpus(folder)
        for article in articles:
            lower.update(re.findall(r"\b[a-z][\w-]+", article.text))
            for sentence in cache.get(article.text):
                for e in sentence.entities:
                    if e.label not in NAME_LABELS:
                        continue
                    surface = re.sub(r"^(?:the|The)\s+", "", article.text[e.start : e.end].strip())
                    names.add(surface)
                    words.update(re.findall(r"[A-Z][\w-]{3,}", surface))
    # a word of a name that the articles never write in lower case is a name itself ("Smirnov", not "Ministry")
    single = {n for n in names if " " not in n} | words
    return {n for n in names if " " in n} | {w for w in single if w.lower() not in lower}


def test_no_corpus_name_in_the_code(tmp_path: Path) -> None:
    folders = [SEEDS, *sorted(p for p in (REPO / "evals" / "corpora").iterdir() if p.is_dir())]
    names = corpus_names(folders, ParseCache(tmp_path))
    assert len(names) > 200, "the corpora should yield hundreds of names; is the language layer working?"
    code = {p: p.read_text(encoding="utf-8") for pkg in ("assistant", "index") for p in (REPO / pkg).rglob("*.py")}
    found = []
    for name in sorted(names):
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
        for path, text in code.items():
            if pattern.search(text):
                found.append(f"{name!r} in {path.relative_to(REPO)}")
    assert not found, "corpus names in the code (derive them from the indexed articles instead):\n" + "\n".join(found)


def test_the_check_can_fail(tmp_path: Path) -> None:
    """The same scan finds a name planted in code (so the test above is not vacuous)."""
    names = corpus_names([SEEDS], ParseCache(tmp_path))
    planted = next(n for n in sorted(names) if " " in n)
    assert re.search(rf"(?<![\w-]){re.escape(planted)}(?![\w-])", f'ALIASES = ["{planted}"]')
