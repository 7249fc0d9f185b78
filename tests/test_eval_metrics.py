"""Every eval metric on tiny hand-made inputs whose answers are worked out by hand (no model, no index)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from evals.calibrate import calibrate, pick
from evals.metrics import (
    Case,
    Span,
    aggregate,
    answer_first,
    by_tag,
    citation_precision,
    citation_recall,
    cites_gold,
    claim_sentences,
    context_chars,
    doc_gains,
    doc_ranking,
    fact_present,
    first_statement,
    key_fact_recall,
    marker_problems,
    mean,
    normalise,
    passage_gains,
    percentile,
    ranking_scores,
    rate,
    score_case,
    sentence_support,
    span_valid,
    word_count,
)

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Cit:
    n: int
    quote: str
    doc_id: str = "d1"
    title: str = "Russia Warns Of ISIS Influence In North Caucasus"
    outlet: str | None = None
    date: str | None = None
    start: int = 0
    end: int = 0


SMIRNOV = "Gen. Smirnov added that approximately 1,700 Russians joined the militant group to fight in Iraq and Syria."
ROLE = "Russia’s Federal Security Service Deputy Chief, Gen. Sergei Smirnov, said the Islamic State is spreading."
WEATHER = "The weather in Pyatigorsk was mild that week."


# ---- retrieval -------------------------------------------------------------------------------------
def test_ndcg_two_gold_relevant_at_ranks_one_and_three() -> None:
    s = ranking_scores([1, 0, 1, 0, 0], n_gold=2)
    ideal3 = 1 + 1 / math.log2(3)
    assert s["ndcg@1"] == 1.0
    assert s["ndcg@3"] == pytest.approx((1 + 1 / math.log2(4)) / ideal3)  # 1.5 / 1.631 = 0.920
    assert s["ndcg@5"] == pytest.approx(s["ndcg@3"])
    assert (s["hit@1"], s["recall@1"], s["recall@3"], s["mrr"]) == (1.0, 0.5, 1.0, 1.0)


def test_first_relevant_at_rank_two_and_short_or_empty_rankings() -> None:
    s = ranking_scores([0, 1], n_gold=1)
    assert (s["hit@1"], s["hit@3"], s["mrr"], s["recall@5"]) == (0.0, 1.0, 0.5, 1.0)
    assert s["ndcg@3"] == pytest.approx(1 / math.log2(3))
    empty = ranking_scores([], n_gold=3)
    assert set(empty.values()) == {0.0}
    with pytest.raises(ValueError):
        ranking_scores([1], n_gold=0)


def test_doc_level_dedupes_the_chunk_ranking_by_article() -> None:
    ranked = [Span("d1", 0, 10), Span("d1", 20, 30), Span("d2", 0, 10), Span("d3", 0, 5)]
    assert doc_ranking(ranked) == ["d1", "d2", "d3"]
    gains = doc_gains(ranked, ["d2", "d2"])
    assert gains == [0, 1, 0]
    s = ranking_scores(gains, n_gold=1)
    assert (s["hit@1"], s["hit@3"], s["mrr"]) == (0.0, 1.0, 0.5)


def test_passage_gold_counts_once_and_spans_must_overlap_in_the_same_doc() -> None:
    gold = [Span("d1", 100, 200), Span("d1", 300, 400)]
    ranked = [
        Span("d2", 100, 200),  # other article
        Span("d1", 0, 100),  # touches at 100 but shares no character
        Span("d1", 150, 350),  # overlaps both gold passages
        Span("d1", 120, 130),  # the first again: already found
    ]
    assert passage_gains(ranked, gold) == [0, 0, 2, 0]
    s = ranking_scores(passage_gains(ranked, gold), n_gold=2)
    assert (s["recall@3"], s["hit@1"], s["mrr"]) == (1.0, 0.0, pytest.approx(1 / 3))
    assert s["ndcg@3"] == pytest.approx((1 / math.log2(4)) / (1 + 1 / math.log2(3)))
    assert context_chars(ranked, 2) == 200


# ---- key facts -------------------------------------------------------------------------------------
def test_key_fact_normalisation() -> None:
    answer = "- **approximately 1700** Russians [1]\nKadyrov called them “jerks” — in\n Chechnya’s  capital [2]."
    assert fact_present(answer, ["1,700"])
    assert fact_present("about 1,700 [3] men", ["1700"])
    assert fact_present(answer, ['"jerks"'])
    assert fact_present(answer, ["jerks\" - in chechnya's capital"])
    assert fact_present(answer, ["APPROXIMATELY 1,700 russians"])
    assert not fact_present(answer, ["2,500"])
    assert normalise("Gen. Smirnov [1].\u00a0It [12][13] said 1,234,567") == "gen. smirnov. it said 1234567"
    recall, missing = key_fact_recall(answer, [["1,700", "1700"], ["Smirnov"], ["jerks"]])
    assert recall == pytest.approx(2 / 3) and missing == [["Smirnov"]]
    with pytest.raises(ValueError):
        key_fact_recall(answer, [])


def test_every_committed_key_fact_has_a_form_in_its_gold_passages() -> None:
    from evals.runner import suite_corpora

    files = sorted((REPO / "evals" / "cases").glob("*.jsonl"))
    assert len(files) == 2 * len(suite_corpora(watch=True))  # a dev and a test file per corpus
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            joined = " ".join(p["quote"] for p in case["gold_passages"])
            facts = case["key_facts"][1:] if case.get("kind") == "yes-no" else case["key_facts"]  # verdict first
            for fact in facts:
                assert fact_present(joined, fact), (path.name, case["id"], fact)


def test_whole_words_only_and_refusals_score_nothing() -> None:
    assert not fact_present("Three people died in the blast", ["IED"])
    assert fact_present("An IED exploded", ["ied"])
    assert first_statement("Six servicemen [1]. More [2].") == "Six servicemen [1]"
    # a label introducing a quote is one statement with it; a label's quote is not the next claim
    assert first_statement("**Jo Doe** [1]: She said six died [2]. More [3].") == "**Jo Doe** [1]: She said six died [2]"
    assert first_statement("**Jo Doe** [1]. More [2].") == "**Jo Doe** [1]"
    assert answer_first("**Six** servicemen died [1]. Then 7 [2].", [["six"]], "factoid")
    assert not answer_first("The attack happened [1]. Six died [2].", [["six"]], "factoid")
    assert word_count("**Six** servicemen [1] died.") == 3


# ---- citations -------------------------------------------------------------------------------------
def test_marker_integrity() -> None:
    cits = [Cit(1, "a"), Cit(2, "b")]
    assert marker_problems("One [1]. Two [2].", cits) == []
    assert marker_problems("One [1].", cits) == ["citation [2] is never used in the text"]
    assert marker_problems("One [1]. Three [3].", cits[:1]) == ["marker [3] has no citation"]
    assert marker_problems("One [2]. Two [3].", [Cit(2, "a"), Cit(3, "b")]) == [
        "citations numbered [2, 3], expected 1..2 in order"
    ]


def test_exact_span_validity() -> None:
    text = "Title\n\nSix servicemen died."
    good = Cit(1, "Six servicemen died.", start=7, end=27)
    assert span_valid(good, text)
    assert not span_valid(Cit(1, "Six servicemen died.", start=6, end=26), text)
    assert not span_valid(Cit(1, "x", start=30, end=31), text)
    assert not span_valid(good, None)


def test_cited_gold_passage_then_article_fallback() -> None:
    gold = [Span("d1", 100, 200)]
    assert cites_gold([Cit(1, "q", "d1", start=150, end=250)], gold, ["d1"]) == (True, True)
    assert cites_gold([Cit(1, "q", "d1", start=300, end=350)], gold, ["d1"]) == (False, True)
    assert cites_gold([Cit(1, "q", "d2", start=100, end=200)], gold, ["d1"]) == (False, False)
    assert cites_gold([Cit(1, "q", "d1", start=5, end=9)], [Span("d1", 0, 0)], ["d1"]) == (True, True)
    assert cites_gold([], gold, ["d1"]) == (False, False)


def test_citation_recall_counts_claims_and_skips_lead_ins() -> None:
    text = ("The articles give two figures:\n"
            "Smirnov said approximately 1,700 Russians joined the group [1].\n"
            "Bortnikov said 2,500 Russians joined [1].\n"
            "Nobody cited this claim about Smirnov.")
    rows = sentence_support(text, [Cit(1, SMIRNOV)])
    assert [r.supported for r in rows] == [True, False, False]
    assert "number 2500 not in cited text" in rows[1].reasons and rows[2].reasons == ["cites no passage"]
    assert citation_recall(rows) == pytest.approx(1 / 3)
    assert citation_precision(rows) == pytest.approx(1 / 2)  # the unsupported sentence's citation is imprecise
    assert citation_recall([]) is None and citation_precision([]) is None


def test_marker_after_closing_quote_belongs_to_the_quote() -> None:
    text = 'Bortnikov said intelligence sharing was "quite possible." [1] Kadyrov called them jerks [2].'
    pieces = claim_sentences(text)
    assert [m for _, m in pieces] == [[1], [2]]
    assert pieces[0][0].startswith("Bortnikov said") and pieces[0][0].endswith("[1]")


def test_citation_metadata_is_evidence() -> None:
    cit = Cit(1, SMIRNOV, outlet="The Daily Beast", date="2015-07-11")
    rows = sentence_support("Approximately 1,700 Russians (The Daily Beast, 2015-07-11) [1].", [cit])
    assert rows[0].supported
    rows = sentence_support("Approximately 1,700 Russians (The Duran, 2016-03-24) [1].", [cit])
    assert not rows[0].supported


def test_citation_precision_after_alce() -> None:
    claim = "Gen. Sergei Smirnov, the FSB Deputy Chief, said approximately 1,700 Russians joined the group"
    # both needed: the figure is in [1], the first name and office in [2]
    both = sentence_support(claim + " [1][2].", [Cit(1, SMIRNOV), Cit(2, ROLE)])
    assert both[0].supported and both[0].precise == [1, 2]
    # [2] adds nothing the rest lacks and backs no content alone: irrelevant
    loose = sentence_support(
        "Smirnov said approximately 1,700 Russians joined the group [1][2].", [Cit(1, SMIRNOV), Cit(2, WEATHER)]
    )
    assert loose[0].supported and loose[0].precise == [1]
    assert citation_precision(loose) == 0.5
    # redundant but partly supporting on its own (shares the name): still relevant, as in ALCE
    dup = sentence_support("Smirnov said approximately 1,700 Russians joined the group [1][2].",
                           [Cit(1, SMIRNOV), Cit(2, ROLE)])
    assert dup[0].precise == [1, 2]


# ---- abstention, latency, aggregation --------------------------------------------------------------
def test_rates_means_and_percentiles() -> None:
    assert rate([True, False, False, True]) == 0.5 and rate([]) is None
    assert mean([1.0, None, 3.0]) == 2.0 and mean([None]) is None
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([float(i) for i in range(1, 101)], 95) == pytest.approx(95.05)
    assert percentile([7.0], 95) == 7.0 and percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def _answer(text: str, citations: list[Cit], abstained: bool = False, ms: float = 10.0) -> SimpleNamespace:
    return SimpleNamespace(text=text, citations=citations, abstained=abstained, query="q",
                           chunks=[Span("d1", 0, 120), Span("d2", 0, 50)], timings=SimpleNamespace(total_ms=ms))


def test_score_case_and_aggregate() -> None:
    doc = "Title\n\n" + SMIRNOV
    texts = {"d1": doc, "d2": "Other article."}
    span = Span("d1", 7, 7 + len(SMIRNOV))
    answerable = Case("num-1", ["How many?"], True, [["1,700"], ["Smirnov"]], ["d1"], [span], ["numeric"])
    missed = Case("num-2", ["Who?"], True, [["Bortnikov"]], ["d2"], [Span("d2", 0, 14)], ["who"])
    unanswerable = Case("un-1", ["Weather?"], False, [], [], [], ["unanswerable"])
    cit = Cit(1, SMIRNOV, start=7, end=7 + len(SMIRNOV))
    rows = [
        score_case(answerable, _answer(SMIRNOV[:-1] + " [1].", [cit], ms=10), texts),
        score_case(missed, _answer("The articles do not say.", [], abstained=True, ms=20), texts),
        score_case(unanswerable, _answer("The articles do not say.", [], abstained=True, ms=30), texts),
    ]
    assert rows[0]["failures"] == [] and rows[0]["cited_gold"] is True
    assert rows[1]["failures"] == ["abstained on an answerable question"]
    m = aggregate(rows)
    assert m["answers.key_fact_recall"] == 0.5
    assert m["abstention.false_rate"] == 0.5 and m["abstention.correct_rate"] == 1.0
    assert m["abstention.accuracy"] == pytest.approx(2 / 3)
    assert m["citations.recall"] == 1.0 and m["citations.precision"] == 1.0
    assert m["citations.marker_integrity"] == 1.0 and m["citations.span_validity"] == 1.0
    assert m["citations.cited_gold_rate"] == 1.0  # abstentions are not scored for citing gold
    assert m["retrieval.doc.hit@1"] == 0.5 and m["retrieval.doc.mrr"] == 0.75
    assert m["latency.p50_ms"] == 20.0 and m["run.errors"] == 0.0
    assert "peer.retrieval.doc.mrr" not in m
    tags = by_tag(rows, ["answers.key_fact_recall"])
    assert tags["numeric"] == {"n": 1.0, "answers.key_fact_recall": 1.0}
    assert tags["unanswerable"]["answers.key_fact_recall"] is None


# ---- calibration -----------------------------------------------------------------------------------
def test_calibration_ties_go_to_the_threshold_closest_to_a_half() -> None:
    assert pick([(0.3, 0.9), (0.45, 0.9), (0.8, 0.7)]) == 0.45
    assert pick([(0.4, 0.9), (0.6, 0.9)]) == 0.4
    assert pick([(0.1, 0.7), (0.9, 0.8)]) == 0.9


def test_calibrate_reports_accuracy_per_kind() -> None:
    pairs = [
        {"id": "a", "sentence": SMIRNOV, "quotes": [SMIRNOV], "supported": True, "kind": "faithful"},
        {"id": "b", "sentence": SMIRNOV.replace("1,700", "2,500"), "quotes": [SMIRNOV], "supported": False,
         "kind": "swapped-number"},
        {"id": "c", "sentence": "Smirnov met officials in Pyatigorsk to discuss the weather [1].",
         "quotes": [SMIRNOV], "supported": False, "kind": "unrelated"},
    ]
    result = calibrate(pairs)
    assert result["threshold"] == 0.5 and result["accuracy"] == 1.0
    assert {k: v["accuracy"] for k, v in result["by_kind"].items()} == {
        "faithful": 1.0, "swapped-number": 1.0, "unrelated": 1.0}
    assert len(result["curve"]) == 21 and result["wrong"] == []
