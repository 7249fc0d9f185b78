"""run_eval end to end on a few cases with hash embeddings: report files, plots, gate verdicts, bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from evals.runner import Check, EvalDataError, gate_metrics, load_cases, run_eval
from index.corpus import load_corpus

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PERMISSIVE = {
    "baseline_tolerance": 0.02,
    "metrics": {
        "answers.key_fact_recall": {"min": 0.0},
        "retrieval.doc.recall@5": {"min": 0.0},
        "citations.span_validity": {"min": 0.0},
        "abstention.false_rate": {"max": 1.0},
        "latency.p95_ms": {"max": 1e9, "vs_baseline": False},
        "run.errors": {"max": 0},
    },
}


def _passage(doc_prefix: str, quote: str) -> dict[str, Any]:
    articles, _ = load_corpus(SEEDS)
    doc = next(a for a in articles if a.doc_id.startswith(doc_prefix))
    start = doc.text.index(quote)
    return {"doc_id": doc.doc_id, "quote": quote, "start": start, "end": start + len(quote)}


def _case(cid: str, turns: list[str], facts: list[list[str]], passages: list[dict[str, Any]],
          tags: list[str]) -> dict[str, Any]:
    kind = next((k for k in ("followup", "off-topic") if k in tags), "factoid")
    return {"id": cid, "kind": kind, "turns": turns, "answerable": bool(passages), "key_facts": facts,
            "gold_docs": sorted({p["doc_id"] for p in passages}), "gold_passages": passages, "tags": tags}


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    killed = _passage("000", "Six servicemen of Russia’s National Guard were killed when repelling the attack")
    melikov = _passage("003", "Sergei Melikov, the Russian president's envoy to the North Caucasus Federal District")
    cases = [
        _case("num-1", ["How many servicemen were killed in the attack in Naursky?"], [["six", "6"]], [killed],
              ["numeric", "single"]),
        _case("who-1", ["Who is Sergei Melikov?"], [["envoy"], ["zzz-not-in-any-article"]], [melikov],
              ["who", "single"]),
        _case("fu-1", ["Who is Sergei Melikov?", "Where did he speak to reporters?"], [["Pyatigorsk"]], [melikov],
              ["followup", "where"]),
        _case("un-1", ["Who won the 2018 World Cup?"], [], [], ["unanswerable", "off-topic"]),
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    return path


def _thresholds(tmp_path: Path, **changes: dict[str, Any]) -> Path:
    data = json.loads(json.dumps(PERMISSIVE))
    data["metrics"].update(changes)
    path = tmp_path / f"thresholds-{len(list(tmp_path.glob('thresholds-*')))}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_run_eval_writes_results_report_and_plots(fake_bot, settings, cases_file: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    report = tmp_path / "report"
    code = run_eval(settings, cases_file, report, assistant=fake_bot, thresholds=_thresholds(tmp_path),
                    baseline=None, out=out, sanity=False)
    assert code == 0
    for name in ("results.json", "report.md", "kinds-custom-cases.png", "latency.png", "failures.png"):
        assert (report / name).stat().st_size > 0, name
    for png in report.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = json.loads((report / "results.json").read_text(encoding="utf-8"))["runs"]["custom/cases"]
    assert [r["id"] for r in result["cases"]] == ["num-1", "who-1", "fu-1", "un-1"]
    m = result["metrics"]
    assert m["answers.key_fact_recall"] is not None and m["answers.key_fact_recall"] < 1  # who-1 cannot be met
    assert m["answers.answer_first"] is not None and m["citations.gold_precision"] is not None
    assert m["peer.retrieval.passage.recall@5"] is not None and m["calibration.accuracy"] > 0.5
    assert result["meta"]["n_cases"] == 4 and result["gate"]["passed"]
    assert result["cases"][2]["query"] != "Where did he speak to reporters?"  # the follow-up was resolved
    assert set(result["by_kind"]) >= {"factoid", "followup", "off-topic"}
    md = (report / "report.md").read_text(encoding="utf-8")
    for heading in ("## Dev and test side by side", "## Sanity answerers", "## custom/cases",
                    "## Support-checker calibration", "### Failures"):
        assert heading in md
    assert "who-1" in md and "zzz-not-in-any-article" in md
    assert "gate: PASS" in out.getvalue()


def test_the_gate_fails_both_sanity_answerers(fake_bot, settings, cases_file: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """With the shipped bounds both sanity answerers fail; with bounds that cannot fail, the eval says it is fooled."""
    out = io.StringIO()
    run_eval(settings, cases_file, tmp_path / "r1", assistant=fake_bot, baseline=None, out=out)
    result = json.loads((tmp_path / "r1" / "results.json").read_text(encoding="utf-8"))["runs"]["custom/cases"]
    assert set(result["sanity"]) == {"quote-everything", "first-sentence"}
    assert not any(s["passed_gate"] for s in result["sanity"].values()), result["sanity"]
    out = io.StringIO()
    code = run_eval(settings, cases_file, tmp_path / "r2", assistant=fake_bot, thresholds=_thresholds(tmp_path),
                    baseline=None, out=out)
    assert code == 1 and "the eval is fooled" in out.getvalue()


def test_tuning_reads_dev_only() -> None:
    from evals.cases import tuning_cases

    assert tuning_cases("seeds", "dev")
    with pytest.raises(EvalDataError, match="held out"):
        tuning_cases("seeds", "test")


def test_gate_fails_below_a_threshold_and_no_gate_reports_only(fake_embedder, settings, cases_file: Path,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    strict = _thresholds(tmp_path, **{"answers.key_fact_recall": {"min": 0.99}})
    out = io.StringIO()
    code = run_eval(settings, cases_file, tmp_path / "r1", embedder=fake_embedder, thresholds=strict,
                    baseline=None, out=out, sanity=False)
    assert code == 1
    assert "FAILED custom/cases answers.key_fact_recall" in out.getvalue()
    assert "below its threshold 0.99" in out.getvalue()
    code = run_eval(settings, cases_file, tmp_path / "r2", gate=False, embedder=fake_embedder, thresholds=strict,
                    baseline=None, out=io.StringIO(), sanity=False)
    assert code == 0


def test_baseline_round_trip_and_drop(fake_bot, settings, cases_file: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    limits, baseline = _thresholds(tmp_path), tmp_path / "baseline.json"
    args = {"assistant": fake_bot, "thresholds": limits, "baseline": baseline, "out": io.StringIO(), "sanity": False}
    assert run_eval(settings, cases_file, tmp_path / "r1", write_baseline_to=baseline, **args) == 0
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    run = recorded["runs"]["custom/cases"]
    assert "latency.p95_ms" in run["metrics"] and run["n_cases"] == 4
    assert run_eval(settings, cases_file, tmp_path / "r2", **args) == 0  # same system, same numbers
    run["metrics"]["answers.key_fact_recall"] += 0.05
    baseline.write_text(json.dumps(recorded), encoding="utf-8")
    out = io.StringIO()
    assert run_eval(settings, cases_file, tmp_path / "r3", **(args | {"out": out})) == 1
    assert "below baseline" in out.getvalue()
    # the baseline only goes down on purpose, and the reason is recorded
    with pytest.raises(EvalDataError, match="would go down without acceptance"):
        run_eval(settings, cases_file, tmp_path / "r4", write_baseline_to=baseline, **args)
    assert run_eval(settings, cases_file, tmp_path / "r5", write_baseline_to=baseline,
                    accept_lower=["answers.key_fact_recall"], why="test", **args) == 0
    assert json.loads(baseline.read_text(encoding="utf-8"))["accepted"][-1]["why"] == "test"
    # changed cases never skip the comparison silently
    cases_file.write_text(cases_file.read_text(encoding="utf-8").replace("Naursky", "Naursky district"),
                          encoding="utf-8")
    out = io.StringIO()
    assert run_eval(settings, cases_file, tmp_path / "r6", **(args | {"out": out})) == 1
    assert "the cases changed since the baseline" in out.getvalue()


def test_gate_rules() -> None:
    limits = {"baseline_tolerance": 0.02, "metrics": {
        "a": {"min": 0.5}, "b": {"max": 0.1}, "lat": {"max": 1000, "vs_baseline": False}, "none": {"min": 0.5},
        "typo": {"min": 0.1}}}
    base = {"metrics": {"a": 0.9, "b": 0.0, "lat": 10.0}}
    checks = {c.metric: c for c in gate_metrics({"a": 0.885, "b": 0.05, "lat": 900.0, "none": None}, limits, base)}
    assert checks["a"].status == "pass"  # 0.015 below baseline is within tolerance
    assert checks["b"].status == "fail" and "above baseline" in checks["b"].why  # lower is better
    assert checks["lat"].status == "pass"  # 90x the baseline latency, but latency is not compared with it
    assert checks["none"].status == "n/a"
    assert checks["typo"].status == "fail" and "not a computed metric" in checks["typo"].why
    [low] = gate_metrics({"a": 0.45}, {"metrics": {"a": {"min": 0.5}}}, None)
    assert low == Check("a", 0.45, "≥ 0.5", None, "fail", "below its threshold 0.5")


def test_corrupt_cases_file_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = json.dumps(_case("un-1", ["Who won?"], [], [], ["unanswerable"]))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(good + "\n{\"id\": \"un-2\", \"turns\": [\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="line 2: invalid JSON"):
        load_cases(bad)

    from assistant.cli import main

    assert main(["eval", "--cases", str(bad), "--report", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "line 2: invalid JSON" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_invalid_case_names_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps({"id": "num-9", "turns": [], "answerable": True, "key_facts": [["x"]],
                                "gold_docs": ["d"], "gold_passages": [], "tags": ["numeric"]}) + "\n"
                    + json.dumps({"id": "num-10"}) + "\n", encoding="utf-8")
    with pytest.raises(EvalDataError) as err:
        load_cases(path)
    assert "line 1 (num-9): turns must be a non-empty list" in str(err.value)
    assert "line 2 (num-10): missing keys" in str(err.value)


class _PlainEmbedder:
    """An embedder that is not a llama-index BaseEmbedding (like the ONNX runtime), with the same three methods."""

    def __init__(self) -> None:
        from tests.fakes import HashEmbedding

        self.inner, self.calls = HashEmbedding(), 0

    def get_query_embedding(self, query: str) -> list[float]:
        self.calls += 1
        return self.inner._vector(query)

    def get_text_embedding(self, text: str) -> list[float]:
        return self.get_query_embedding(text)

    def get_text_embedding_batch(self, texts: list[str], **_: Any) -> list[list[float]]:
        return [self.get_query_embedding(t) for t in texts]


def test_peer_uses_the_same_embedder_object_even_when_it_is_not_a_llama_index_one() -> None:
    from llama_index.core import Settings as LlamaSettings

    from evals.peer import PeerRetriever

    articles, _ = load_corpus(SEEDS)
    plain = _PlainEmbedder()
    saved = LlamaSettings._llm
    peer = PeerRetriever(plain, articles)
    spans = peer.retrieve("How many servicemen of Russia's National Guard were killed in Naursky?")
    assert len(spans) == 2 and plain.calls >= peer.nodes + 1
    texts = {a.doc_id: a.text for a in articles}
    assert all(0 <= s.start < s.end <= len(texts[s.doc_id]) for s in spans)
    assert LlamaSettings._llm is saved  # the MockLLM was only set while the engine was built


def test_a_corpus_under_watch_runs_only_when_named(tmp_path: Path) -> None:
    from evals.runner import suite_corpora

    suite = tmp_path / "suite.json"
    suite.write_text('{"corpora": {"a": "seeds"}, "watch": {"b": "evals/corpora/lee-dev"}}')
    assert list(suite_corpora(suite)) == ["a"]
    assert list(suite_corpora(suite, watch=True)) == ["a", "b"]
