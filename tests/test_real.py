"""The product path with the real bundled embedder: the mission question and the whole eval set's citations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.verify import answer_sentences, is_lead_in, unsupported
from tests.test_api import check_citations

pytestmark = pytest.mark.slow
CASES = [json.loads(line) for line in (Path(__file__).resolve().parent.parent / "evals" / "cases" / "seeds-dev.jsonl").open()]


def test_mission_question_gives_all_four_figures_attributed_and_cited(real_bot) -> None:  # type: ignore[no-untyped-def]
    answer = real_bot.ask("How many Russians fight with IS?")
    assert not answer.abstained
    assert {f.value for f in answer.figures} == {2500, 2200, 1700, 1500}
    expected = {
        2500: "Semerikov", 2200: "Russian officials", 1500: "Melikov",
    }
    by_value: dict[float, list[str]] = {}
    for f in answer.figures:
        by_value.setdefault(f.value, []).append(f.attribution)
        assert f.display.split()[-1] in answer.citations[f.citation - 1].quote
    for value, who in expected.items():
        assert any(who in a for a in by_value[value]), (value, by_value[value])
    assert any("Smirnov" in a for a in by_value[1700]) and any("Bortnikov" in a for a in by_value[1700])
    assert "Estimates range from about 1,500" in answer.text and "to 2,500" in answer.text
    check_citations(real_bot, answer)


@pytest.mark.parametrize(
    "question",
    ["Who won the 2018 World Cup?", "What was the population of Chechnya in 2015?",
     "How many servicemen were wounded in the Naursky attack?", "How old is Aleksandr Bortnikov?"],
)
def test_unanswerable_questions_abstain_plainly(real_bot, question: str) -> None:  # type: ignore[no-untyped-def]
    from assistant.prompts import refusal

    answer = real_bot.ask(question)
    assert answer.abstained and answer.text == refusal() and not answer.citations


def test_real_embedder_is_verified_and_offline(real_bot) -> None:  # type: ignore[no-untyped-def]
    from assistant.errors import EmbedderError
    from index.embed import bundled_model_path, verify_weights

    verify_weights(bundled_model_path(), "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db")
    with pytest.raises(EmbedderError, match="reinstall"):
        verify_weights(bundled_model_path(), "0" * 64)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_eval_answer_has_exact_span_citations(real_bot, case) -> None:  # type: ignore[no-untyped-def]
    conv = real_bot.chat()
    for turn in case["turns"]:
        answer = conv.ask(turn)
    check_citations(real_bot, answer)
    if answer.abstained:
        assert not answer.citations
        return
    cited = {c.n: c for c in answer.citations}
    for sentence, marks in answer_sentences(answer.text):
        if is_lead_in(sentence):
            continue
        assert marks, f"uncited sentence: {sentence}"
        evidence = [cited[n].quote for n in marks] + [
            x for n in marks for x in (cited[n].title, cited[n].outlet or "", cited[n].date or "")
        ]
        assert not unsupported(sentence, evidence), sentence


def test_what_did_someone_do_leads_with_the_sentence_that_says_the_asked_deed(real_bot) -> None:  # type: ignore[no-untyped-def]
    """The sentence that says what the gang did (assisting travel to Syria, plotting attacks) leads, not one that
    only names the republic (real embeddings: the order depends on them)."""
    answer = real_bot.ask("What did the gang in Kabardino-Balkaria plan to do?")
    assert re.search(r"plotting terrorist attacks|planning terror attacks", answer.citations[0].quote), answer.text
