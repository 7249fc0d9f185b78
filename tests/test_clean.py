"""Cleaning removes page furniture with general rules and keeps the article and its metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.clean import clean_article, normalise
from index.corpus import load_corpus

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FURNITURE = [
    "This website uses cookies", "Accept cookies", "Help us grow", "Support The Duran on Patreon",
    "Notify of", "Inline Feedbacks", "View all comments", "Leave a Comment", "Accessibility links",
    "Breaking News", "Read more:", "Merkel turning toward Moscow", "Russian Central Bank cuts key rate",
    "About This Blog", "Latest Posts", "Updated on", "Vitaly Nevar/TASS", "All rights reserved",
    "What do you think?",
]
TITLES = {
    "000_6f104e2870e88db1": "ISIS comes to Russia: battle between ISIS fighters and Russian National Guard in Chechnya",
    "001_29fed247de3de071": "Russia Warns Of ISIS Influence In North Caucasus",
    "002_fd9a463dd4fe210a": "Russian security forces eliminate ISIS-affiliated group in North Caucasus",
    "003_d97f396ef6d97384": "Kremlin Envoy: Over 1,500 North Caucasians Fighting Alongside IS",
    "004_691aa7bb0ddf0b33": "ISIS Comes to Russia",
}


@pytest.fixture(scope="module")
def articles():  # type: ignore[no-untyped-def]
    found, skipped = load_corpus(SEEDS)
    assert not skipped
    return {a.doc_id: a for a in found}


def test_titles_come_out_right(articles) -> None:  # type: ignore[no-untyped-def]
    assert {k: a.title for k, a in articles.items()} == TITLES


@pytest.mark.parametrize("phrase", FURNITURE)
def test_no_clean_text_contains_furniture(articles, phrase: str) -> None:  # type: ignore[no-untyped-def]
    for article in articles.values():
        assert phrase.lower() not in article.text.lower(), (article.doc_id, phrase)


def test_stray_first_line_and_duplicates_are_gone(articles) -> None:  # type: ignore[no-untyped-def]
    assert not articles["000_6f104e2870e88db1"].text.startswith("in ,")
    for article in articles.values():
        paragraphs = article.text.split("\n\n")
        assert len(paragraphs) == len(set(paragraphs)), article.doc_id


def test_metadata_where_stated(articles) -> None:  # type: ignore[no-untyped-def]
    assert articles["000_6f104e2870e88db1"].outlet == "The Duran"
    assert articles["004_691aa7bb0ddf0b33"].outlet == "The Daily Beast"
    assert articles["004_691aa7bb0ddf0b33"].date == "2015-07-11"
    assert articles["003_d97f396ef6d97384"].author == "Joanna Paraszczuk"
    assert articles["002_fd9a463dd4fe210a"].outlet == "Rossiyskaya Gazeta"
    assert articles["001_29fed247de3de071"].outlet is None  # the page never names its outlet


def test_article_body_is_kept(articles) -> None:  # type: ignore[no-untyped-def]
    assert "Gen. Smirnov added that approximately 1,700 Russians joined" in articles["001_29fed247de3de071"].text
    assert articles["004_691aa7bb0ddf0b33"].text.count("2,200 Russians") == 1


def test_rules_are_general_on_an_unseen_page() -> None:
    raw = (
        "Skip to content\nWorld News Today\nMonday, March 2, 2020\nBreaking News\n"
        "Floods hit the valley\n\nHeavy rain flooded the valley on Sunday, officials said.\n"
        "Heavy rain flooded the valley on Sunday, officials said.\nJane Roe/Reuters\n"
        "Three bridges were closed. Rescue teams reached 40 villages.\nRead more: Storm season starts early\n"
        "More rain is expected.\nBy Jane Roe\nShare this article\n12 Comments\nLeave a Reply\n"
        "Great piece!\nThis site uses cookies to improve your experience.\nAccept all cookies\n© 2020 World News Today\n"
    )
    cleaned = clean_article(raw)
    assert cleaned.title == "Floods hit the valley"
    assert cleaned.outlet == "World News Today"
    assert cleaned.date == "2020-03-02"
    assert cleaned.author == "Jane Roe"
    assert cleaned.text.count("Heavy rain flooded the valley") == 1
    for junk in ("Skip to content", "Breaking News", "Jane Roe/Reuters", "Read more", "Share this", "Comments",
                 "Leave a Reply", "Great piece", "cookies"):
        assert junk not in cleaned.text, junk
    assert "More rain is expected." in cleaned.text


def test_normalise_strips_control_and_zero_width() -> None:
    assert normalise("a\u200bb\r\nc\x07d\u00a0e") == "ab\ncd e"


def test_nothing_left_is_an_error() -> None:
    with pytest.raises(ValueError, match="no article text"):
        clean_article("Accept cookies\n\nin ,\n")
