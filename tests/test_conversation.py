"""Follow-ups resolve against the previous turn's short answer first, then the name it was about; the searched
query stays bounded however the conversation goes; chit-chat does not become the turn a follow-up refers to."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.rewrite import MAX_QUERY_CHARS, Turn, rewrite, subject_of
from index.corpus import EXAMPLES_FILE, load_corpus, load_examples


def turn(question: str, short: str | None = None, answer: str = "Some answer [1].") -> Turn:
    return Turn(question=question, query=question, answer=answer, short_answer=short, subject=subject_of(question))


def test_pronoun_means_the_previous_short_answer() -> None:
    history = [turn("Who criticised the governor?", short="Jane Doe", answer="John Smith said … [1]")]
    assert rewrite("What else did she say?", history) == "What else did Jane Doe say?"


def test_pronoun_means_the_name_the_question_was_about_when_the_answer_is_not_a_name() -> None:
    history = [turn("Who is Jane Doe?", short=None, answer="The minister Bob Brown met her [1].")]
    assert rewrite("What did she say about the floods?", history) == "What did Jane Doe say about the floods?"


def test_a_possessive_bound_by_the_questions_own_who_is_not_a_follow_up() -> None:
    """'Who lost her appeal?' asks about a new person: 'her' is the asked person, not the previous answer."""
    history = [turn("Who criticised the governor?", short="Jane Doe")]
    for own in ("Which woman lost her appeal against the sentence?",
                "Who was arrested after agents searched his farm near the border?"):
        assert rewrite(own, history) == own
    assert rewrite("Who is his lawyer?", history) == "Who is Jane Doe's lawyer?"  # copula: his = the last answer
    assert rewrite("Who criticised him?", history) == "Who criticised Jane Doe?"  # an object is never bound


def test_after_a_who_question_he_means_the_person_the_answer_names() -> None:
    history = [turn("Who was arrested at the border?", short=None,
                    answer="John Smith, 41, was arrested on Friday [1]. Police in Springfield said [2].")]
    assert rewrite("How old is he?", history) == "How old is John Smith?"


def test_she_is_never_a_man_the_articles_call_he() -> None:
    history = [turn("Who spoke against the plan?", short="John Smith",
                    answer="**John Smith** said so [1], and Jane Doe agreed [2].")]
    genders = {"smith": "m", "doe": "f"}

    def gender_of(name: str) -> str | None:
        return genders.get(name.split()[-1].lower())

    assert rewrite("What did she say?", history, gender_of) == "What did Jane Doe say?"
    assert rewrite("What did he say?", history, gender_of) == "What did John Smith say?"
    assert rewrite("What did she say?", history) == "What did John Smith say?"  # no genders known: the answer


def test_he_is_the_role_the_question_was_about_and_never_a_body_the_answer_names() -> None:
    """After "What did the deputy chief say about the Acme Emirate?", "he" is the deputy chief, not a person the
    answer happens to name; and a capitalised body the language layer did not find to be a person never is "he"."""
    history = [Turn(question="What did the deputy chief say about the Acme Emirate?",
                    query="What did the deputy chief say about the Acme Emirate?",
                    answer="In the light of chief Max Roe's remarks, the Acme Emirate leader, Jo Poe, was named [1].",
                    people=("Max Roe", "Jo Poe"))]
    # (and "it", with no thing answered, is what the last question was about)
    assert rewrite("How did he describe it?", history) == \
        "How did the deputy chief describe it? (about: What did the deputy chief say about the Acme Emirate)"
    history = [Turn(question="What did the report say about the Acme Emirate?",
                    query="What did the report say about the Acme Emirate?",
                    answer="The Acme Emirate grew, Max Roe said [1].", people=("Max Roe",))]
    assert rewrite("What else did he say?", history) == "What else did Max Roe say?"


def test_her_before_a_noun_is_a_possessive() -> None:
    history = [turn("What did the president say about the single mother?", short=None,
                    answer="A court rejected an appeal by a single mother [1].")]
    assert rewrite("What's her name?", history) == "What's the single mother's name?"
    assert rewrite("Why did the court reject her?", history) == "Why did the court reject the single mother?"


def test_and_what_about_someone_asks_the_same_about_them() -> None:
    history = [turn("Who is Jane Doe?", short="the mayor")]
    assert rewrite("And what about John Smith?", history) == "Who is John Smith?"
    assert rewrite("What about John Smith?", history) == "Who is John Smith?"


def test_and_with_a_question_of_its_own_keeps_it_and_the_topic() -> None:
    """'And how many were evacuated?' is its own question about the same topic, not glued onto the last one."""
    history = [turn("How many people died in the floods in the north?", short="108")]
    query = rewrite("And how many were evacuated?", history)
    assert query.startswith("How many were evacuated?") and "floods in the north" in query


def test_a_number_is_never_a_referent() -> None:
    history = [turn("How many people did Jane Doe count?", short="1,500")]
    assert "Jane Doe" in rewrite("When did she say it?", history)


def test_the_searched_query_stays_bounded() -> None:
    history: list[Turn] = [turn("Who is Jane Doe?", short="Jane Doe")]
    for _ in range(30):
        query = rewrite("And Jane Doe and Jane Doe?", history)
        assert len(query) <= MAX_QUERY_CHARS
        history.append(Turn(question="And Jane Doe and Jane Doe?", query=query, answer="x [1]"))
    about = [turn("Who is Jane Doe?")]
    for _ in range(30):
        query = rewrite("Why?", about) if len(about) % 2 else rewrite("and then", about)
        assert len(query) <= MAX_QUERY_CHARS
        about.append(Turn(question="and then", query=query, answer="x [1]"))


def test_chit_chat_is_not_remembered(real_bot: object) -> None:
    conv = real_bot.chat()  # type: ignore[attr-defined]
    first = conv.ask("Who is Sergei Melikov?")
    thanks = conv.ask("thanks!")
    assert thanks.kind == "chit-chat" and thanks.abstained and thanks.citations == []
    assert len(conv.turns) == 1 and conv.turns[0].query == first.query


def test_examples_file_beside_the_corpus(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nSome text about a thing that happened.\n", encoding="utf-8")
    assert load_examples(tmp_path) == []
    (tmp_path / EXAMPLES_FILE).write_text('{"examples": ["What happened?"]}', encoding="utf-8")
    assert load_examples(tmp_path) == ["What happened?"]
    articles, skipped = load_corpus(tmp_path)
    assert [a.doc_id for a in articles] == ["a"] and skipped == []  # the examples file is not an article
    (tmp_path / EXAMPLES_FILE).write_text('{"examples": "What happened?"}', encoding="utf-8")
    with pytest.raises(CorpusError, match="examples"):
        load_examples(tmp_path)
    (tmp_path / EXAMPLES_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="not readable JSON"):
        load_examples(tmp_path)


def test_a_two_part_question_splits_at_its_second_question_word() -> None:
    from assistant.question import split_compound

    assert split_compound("Who founded the group, and who leads it now?") == ["Who founded the group?",
                                                                               "Who leads it now?"]
    assert split_compound("Who is Jane Doe and what does she want?") == ["Who is Jane Doe and what does she want?"]
    assert split_compound("Who criticised the plan and when?") == ["Who criticised the plan and when?"]


def test_she_is_never_a_short_answer_the_language_layer_did_not_find_to_be_a_person() -> None:
    history = [Turn(question="Where were the ashes scattered?", query="Where were the ashes scattered?",
                    answer="**Acme Bay**, where Jo Roe scattered the ashes [1].", short_answer="Acme Bay",
                    people=("Jo Roe",))]
    assert rewrite("What did she say?", history) == "What did Jo Roe say?"


def test_a_follow_up_looks_first_in_the_article_the_last_answer_cited(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    """"How far did police chase it?" after an answer about a stolen car: the chase of that article (160 km), not
    a distance in another article that shares more of the words (100 km west of the same town)."""
    from assistant import Assistant

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Car stolen with child\n\nPolice are interviewing a man for stealing a car with a child inside from a "
        "shopping centre in Riverton. Police pursued the man in the stolen vehicle along the highway for about "
        "160 kilometres before he ran out of petrol.\n")
    (corpus / "b.txt").write_text(
        "Tourists rescued\n\nA police spokesman says police were called to the area 100 kilometres west of Riverton"
        ", after an emergency beacon was activated by the tourists.\n")
    (corpus / "z.txt").write_text("Council news\n\n" + " ".join(
        f"The council met on day {i} and discussed roads, parks and the budget." for i in range(12)) + "\n")
    bot = Assistant(settings.model_copy(update={"corpus_dir": corpus, "data_dir": tmp_path / "d"}),
                    embedder=fake_embedder)
    chat = bot.chat()
    chat.ask("Tell me about the car that was stolen with a child inside in Riverton.")
    answer = chat.ask("How far did police chase it?")
    assert answer.short_answer is not None and "160 kilometres" in answer.short_answer.text


def test_it_there_and_that_noun_mean_the_thing_or_place_the_previous_answer_named() -> None:
    """"Which boat …?" → "Zeus Two" → "How far behind was it?": it is Zeus Two; "there" after "Where …?" is the
    place answered; a person, a number or an answer to "What did X say?" is never "it"."""
    boat = [Turn(question="Which boat was running second?", query="Which boat was running second?",
                 answer="**Harlow Star** was second [1].", short_answer="Harlow Star", people=())]
    assert rewrite("How far behind the winner was it?", boat) == "How far behind the winner was Harlow Star?"
    assert rewrite("How far is that boat from the finish?", boat) == "How far is Harlow Star from the finish?"
    assert rewrite("Who skippered its crew?", boat) == "Who skippered Harlow Star's crew?"
    place = [Turn(question="Where was the epicentre?", query="Where was the epicentre?",
                  answer="It was in **Qorvale** [1].", short_answer="Qorvale", people=())]
    assert rewrite("How many people live there?", place) == "How many people live in Qorvale?"
    assert rewrite("Who ordered it?", place).startswith("Who ordered it?")  # "it" after "Where …?" is no place
    person = [Turn(question="Which skipper won?", query="Which skipper won?", answer="**Jo Roe** won [1].",
                   short_answer="Jo Roe", people=("Jo Roe",))]
    assert "Jo Roe" not in rewrite("When did it start?", person).split("?")[0]
    said = [Turn(question="What did the council say about Qorvale?", query="What did the council say about Qorvale?",
                 answer="It said **Harlow** was safe [1].", short_answer="Harlow", people=())]
    assert rewrite("Who wrote it?", said).startswith("Who wrote it?")


def test_a_pronoun_after_a_named_sayer_is_the_sayer_and_a_new_question_after_and_stays_whole() -> None:
    history = [Turn(question="Which premier has Jo Roe offered to meet?", query="Which premier has Jo Roe offered to meet?",
                    answer="Roe offered to meet Premier **Al Poe** [1].", short_answer="Al Poe", people=("Al Poe", "Jo Roe"))]
    assert rewrite("Where did Roe say he was willing to meet him?", history) == \
        "Where did Roe say he was willing to meet Al Poe?"
    where = [Turn(question="Where did Jo Roe go?", query="Where did Jo Roe go?", answer="Roe went to **Qorvale** [1].",
                  short_answer="Qorvale", people=("Jo Roe",))]
    assert rewrite("And how did Harlow respond?", where).startswith("How did Harlow respond?")


def test_it_keeps_what_the_conversation_was_about_through_two_follow_ups_and_beside_a_resolved_he() -> None:
    """"Which ferry sank?" → "How many times was its departure delayed?" → "When is it due back?": "it" is still the
    ferry of the first question; "Where did he stage it?" after "In what year was the siege Jo Roe led?" carries
    the siege along with Jo Roe."""
    history = [Turn(question="How many times was its departure delayed?",
                    query="How many times was its departure delayed? (about: Which ferry sank off Qorvale)",
                    answer="It was delayed **three** times [1].", short_answer="three", people=())]
    query = rewrite("When is it due back?", history)
    assert query.startswith("When is it due back?") and "ferry sank off Qorvale" in query, query
    assert len(query) <= MAX_QUERY_CHARS
    history = [Turn(question="In what year was the siege he led?", query="In what year was the siege Jo Roe led?",
                    answer="Roe led the **1996** siege [1].", short_answer="1996", subject="Jo Roe", people=("Jo Roe",))]
    query = rewrite("Where did he stage it?", history)
    assert query.startswith("Where did Jo Roe stage it?") and "siege" in query, query


def test_him_inside_what_who_says_is_the_one_who_says_it() -> None:
    """"Who says the quake woke him from his sleep?" asks who (the one it woke), not about the last answer's name;
    "Who said he would resign?" still reads "he" as the last answer (it may be either)."""
    history = [turn("What did the quake measure?", short="Jo Roe")]
    own = "Who says the quake woke him from his sleep?"
    assert rewrite(own, history) == own
    assert rewrite("Who said he would resign?", history) == "Who said Jo Roe would resign?"
