"""Turn a raw news page dump into clean article text plus metadata.

The rules are general page-furniture patterns (cookie banners, comment widgets, share and donate
prompts, related-article lists, photo credits, duplicated captions), not lines of particular files.
A change to what they produce changes stored offsets: bump `index.settings.INDEX_FORMAT` with it (an indexed
article whose file bytes did not change is not cleaned again).

Usage::

    cleaned = clean_article(raw_text)
    cleaned.title, cleaned.outlet, cleaned.date, cleaned.author, cleaned.text
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"

# A whole line that is a publication date, e.g. "Saturday, July 11, 2015" or "11 July 2015".
_DATE_LINE = re.compile(
    rf"^(?:(?:{_WEEKDAYS}),?\s+)?(?:(?P<m1>{_MONTHS})\.?\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTHS})\.?,?\s+(?P<y2>\d{{4}}))$",
    re.IGNORECASE,
)

# Lines that are page furniture wherever they stand.
_FURNITURE = [
    r"accessibility links?",
    r"skip to (?:main )?content",
    r"breaking news",
    r"advertisement",
    r"updated on\b.{0,40}",
    r"published on\b.{0,40}",
    r"read more\s*:.*",
    r"(?:see|read) also\s*:.*",
    r"accept (?:all )?cookies",
    r"this (?:website|site) uses cookies.*",
    r"we use cookies.*",
    r"click here to find out more\.?",
    r"share (?:this|on \w+).{0,40}",
    r"(?:tweet|email|print|share)",
    r"follow us on .*",
    r"sign up for .*newsletter.*",
    r"subscribe(?: now)?(?: to .{0,60})?",
    r"notify of",
    r"inline feedbacks?",
    r"view all comments",
    r"leave a (?:comment|reply)",
    r"\d+ comments?",
    r"what do you think\??",
    r"help us grow\..*",
    r"support .{1,40} on patreon!?",
    r"all rights reserved.*",
    r"©.*",
    r"copyright .*",
]
_FURNITURE_RE = re.compile(r"^(?:" + "|".join(_FURNITURE) + r")$", re.IGNORECASE)

# Lines after which the rest of the page is not the article (comments, footers, related lists).
_END_MARKERS = re.compile(
    r"^(?:help us grow\b.*|what do you think\??|notify of|inline feedbacks?|view all comments"
    r"|leave a (?:comment|reply)|about this (?:blog|author)|latest posts|related (?:posts|articles|stories)"
    r"|more (?:from|on) this .*|all rights reserved.*|this (?:website|site) uses cookies.*"
    r"|the (?:statements|views), .{0,80}expressed .*|comments)$",
    re.IGNORECASE,
)

# "Name Surname/AGENCY" or "Photo: …" credit lines.
_PHOTO_CREDIT = re.compile(
    r"^(?:(?:photo|image|picture)\s*(?:credit)?\s*:.*"
    r"|(?:[A-Z][\w'.-]+\s){1,3}[A-Z][\w'.-]+\s?/\s?(?:[A-Z][\w&.-]*\s?){1,3}(?:Images|Photo)?)$"
)
_AUTHOR_LINE = re.compile(r"^(?:--|—|–|(?i:by))\s*(?P<author>[A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+){1,3})$")
_LEAD_OUTLET = re.compile(r"^\((?P<outlet>[A-Z][^()]{1,40})\)\s+(?=\S)")
_OUTLET_PATTERNS = [
    re.compile(r"all rights reserved by (?P<outlet>[A-Z][\w .&'-]{1,60}?)\.?$", re.IGNORECASE),
    re.compile(r"(?:represent|reflect) (?:those|the views) of (?P<outlet>[A-Z][\w .&'-]{1,60}?)\.$"),
    re.compile(r"support (?P<outlet>[A-Z][\w .&'-]{1,40}?) on patreon", re.IGNORECASE),
    re.compile(r"^©\s*(?:\d{4}\s+)?(?P<outlet>[A-Z][\w .&'-]{1,60}?)\.?$"),
    re.compile(r"^[“\"](?P<outlet>[A-Z][^\"”]{2,60})[”\"] (?:is|provides|covers|brings)\b"),
]


@dataclass(frozen=True)
class CleanArticle:
    """The result of cleaning one page: the article text every offset refers to, and its metadata."""

    title: str
    text: str
    outlet: str | None
    date: str | None
    author: str | None


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def normalise(raw: str) -> str:
    """Unicode NFC, unified newlines, no NBSP or zero-width characters, no trailing spaces."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    text = re.sub(r"[\u200b-\u200d\u2060]", "", text)
    # drop control/format characters (Unicode category C*) except newline and tab: ASCII ones by one regex,
    # the rest looked up one by one (news text has few non-ASCII characters, so this stays fast)
    text = _ASCII_CONTROL.sub("", text)
    if not text.isascii():
        text = _NON_ASCII.sub(lambda m: "" if unicodedata.category(m.group())[0] == "C" else m.group(), text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _parse_date(match: re.Match[str]) -> str | None:
    month = (match.group("m1") or match.group("m2")).rstrip(".")[:3].title()
    day = match.group("d1") or match.group("d2")
    year = match.group("y1") or match.group("y2")
    try:
        return datetime.strptime(f"{month} {day} {year}", "%b %d %Y").date().isoformat()
    except ValueError:
        return None


def _is_stray(line: str) -> bool:
    """A line with too few letters to be prose or a heading (e.g. "in ,")."""
    letters = 0
    for ch in line:
        if ch.isalpha():
            letters += 1
            if letters == 4:
                return False
    return True


def _find_outlet(lines: list[str]) -> str | None:
    for line in lines:
        lead = _LEAD_OUTLET.match(line)
        if lead:
            return lead.group("outlet").strip()
    for pattern in _OUTLET_PATTERNS:
        for line in lines:
            found = pattern.search(line)
            if found:
                return found.group("outlet").strip()
    return None


def _drop_caption_prefixes(lines: list[str]) -> list[str]:
    """A photo caption that repeats the start of a later paragraph ("The operation on Nov. 22." before
    "The operation on Nov. 22 in … was the biggest …") is dropped; the full paragraph stays."""
    out = []
    for i, line in enumerate(lines):
        stem = line.rstrip(" .")
        if i > 0 and len(stem) >= 30 and any(
            other != line and other.startswith(stem) for other in lines[i + 1 :]
        ):
            continue
        out.append(line)
    return out


def clean_article(raw: str) -> CleanArticle:
    """Clean one raw page; raises ValueError when nothing article-like is left."""
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in normalise(raw).split("\n")]
    lines = [line for line in lines if line]
    outlet = _find_outlet(lines)
    date: str | None = None
    author: str | None = None
    kept: list[str] = []
    seen: set[str] = set()
    for line in lines:
        if len(kept) >= 3 and _END_MARKERS.match(line):
            break
        date_match = _DATE_LINE.match(line)
        if date_match:
            date = date or _parse_date(date_match)
            continue
        author_match = _AUTHOR_LINE.match(line)
        if author_match and kept:
            author = author or author_match.group("author")
            continue
        if _FURNITURE_RE.match(line) or _PHOTO_CREDIT.match(line) or _is_stray(line):
            continue
        key = re.sub(r"\W+", " ", line).strip().lower()
        if key in seen:
            continue
        seen.add(key)
        kept.append(_LEAD_OUTLET.sub("", line, count=1))
    kept = _drop_caption_prefixes(kept)
    if len(kept) > 1 and outlet and kept[0].lower() == outlet.lower():
        kept = kept[1:]  # a masthead line naming the site is not the headline
    if not kept:
        raise ValueError("no article text left after removing page furniture")
    title = kept[0]
    return CleanArticle(title=title, text="\n\n".join(kept), outlet=outlet, date=date, author=author)
