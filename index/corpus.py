"""Read a folder of article files into cleaned `Article`s, skipping bad files with a reason each."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from index.clean import clean_article
from index.errors import CorpusError

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
ARTICLE_SUFFIXES = (".txt", ".md")
EXAMPLES_FILE = "examples.json"  # optional: {"examples": ["question", …]} shown by the UI for this corpus


class Article(BaseModel):
    """One cleaned article: `text` is the clean text every chunk and citation offset refers to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_id: str
    title: str
    text: str
    outlet: str | None = None
    date: str | None = None
    author: str | None = None
    source: str = ""
    content_hash: str = ""


class Skipped(BaseModel):
    """A corpus file that was not indexed, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    reason: str


def read_article(path: Path, known: Article | None = None) -> Article:
    """Read and clean one file; raises ValueError with a human reason when it cannot be used.

    `known` is the article as indexed before: when the file's bytes are the same, it is returned as is, so an
    unchanged corpus is not cleaned again (the cleaning rules are versioned by INDEX_FORMAT)."""
    size = path.stat().st_size
    if size == 0:
        raise ValueError("empty file")
    if size > MAX_BYTES:
        raise ValueError(f"too large ({size / 1e6:.1f} MB > {MAX_BYTES / 1e6:.0f} MB)")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise ValueError("binary file (contains NUL bytes)")
    digest = hashlib.sha256(raw).hexdigest()[:16]
    if known is not None and known.content_hash == digest and known.source == path.name:
        return known
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (bad byte at offset {exc.start})") from None
    if not decoded.strip():
        raise ValueError("empty file (whitespace only)")
    cleaned = clean_article(decoded)
    return Article(
        doc_id=path.stem,
        title=cleaned.title,
        text=cleaned.text,
        outlet=cleaned.outlet,
        date=cleaned.date,
        author=cleaned.author,
        source=path.name,
        content_hash=digest,
    )


def load_corpus(folder: Path, known: Mapping[str, Article] | None = None) -> tuple[list[Article], list[Skipped]]:
    """Every readable article in `folder` (sorted by id) and the files skipped, each with a reason.

    `known`: the articles as indexed before, by doc_id; files whose bytes did not change are not re-cleaned."""
    if not folder.is_dir():
        raise CorpusError(f"corpus folder {folder} does not exist; pass --corpus DIR with .txt articles")
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}  # sha256 of clean text -> first doc_id
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == EXAMPLES_FILE:
            continue
        if path.is_symlink():  # never followed: a link could make any file on the machine citable
            skipped.append(Skipped(path=str(path), reason="symbolic link (not followed; copy the file in instead)"))
            continue
        if not path.is_file():
            continue
        if path.suffix.lower() not in ARTICLE_SUFFIXES:
            skipped.append(Skipped(path=str(path), reason=f"not an article file ({path.suffix or 'no suffix'})"))
            continue
        try:
            article = read_article(path, (known or {}).get(path.stem))
        except (ValueError, OSError) as exc:
            skipped.append(Skipped(path=str(path), reason=str(exc)))
            continue
        digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        if digest in seen:  # the same article twice would be cited twice for one sentence
            skipped.append(Skipped(path=str(path), reason=f"same text as {seen[digest]} (a duplicate)"))
            continue
        seen[digest] = article.doc_id
        articles.append(article)
    ids = [a.doc_id for a in articles]
    if len(set(ids)) != len(ids):
        raise CorpusError(f"corpus folder {folder} has two files with the same name stem; rename one")
    if not articles:
        raise CorpusError(f"corpus folder {folder} holds no readable article (.txt, UTF-8, non-empty)")
    return articles, skipped


def load_examples(folder: Path) -> list[str]:
    """The example questions of a corpus (`examples.json` beside its articles), or [] when it has none."""
    path = folder / EXAMPLES_FILE
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{path} is not readable JSON ({exc}); expected {{\"examples\": [\"question\", …]}}") from exc
    examples = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(examples, list) or not all(isinstance(q, str) and q.strip() for q in examples):
        raise CorpusError(f"{path} needs {{\"examples\": [\"question\", …]}} with non-empty strings")
    return [q.strip() for q in examples]
