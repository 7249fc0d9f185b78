"""Roles read for 'Who is X?' and for figures' sources: from the name's noun chunk or apposition, never from a
clause that happens to precede the name."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant
from assistant.answer import Answer
from assistant.evidence import titled_person
from assistant.figures import describe
from assistant.frame import analyse_frame
from index.language import parse


def test_a_role_before_the_name_comes_from_its_noun_chunk() -> None:
    text = ("The national executive of the party last night appointed little-known West Australian senator "
            "Brian Greig as interim leader.")
    assert describe(text, "Brian Greig", None, parse(text)).role == "little-known West Australian senator"


def test_a_fronted_clause_is_not_a_role() -> None:
    text = "With nominations for the party leadership to close on Wednesday night, Senator Bartlett met the deputy."
    for parsed in (parse(text), None):  # with the parse and with the plain-text fallback
        role = describe(text, "Bartlett", None, parsed).role
        assert role is None or "nominations" not in role, role


def test_an_apposition_is_a_role() -> None:
    text = "Sergei Melikov, the president's envoy to the region, said the danger was real."
    assert describe(text, "Sergei Melikov", None, parse(text)).role == "president's envoy to the region"


def _first(answer: Answer) -> str:
    """The answer's first statement: its text up to the first citation marker."""
    return answer.text.split("[1]")[0]


def _short(answer: Answer) -> str | None:
    """The short answer's text, or None when the answer has none."""
    return answer.short_answer.text if answer.short_answer is not None else None


def _small_bot(settings, fake_embedder, tmp_path: Path, *articles: str, filler: bool = True) -> Assistant:  # type: ignore[no-untyped-def]
    """An Assistant over the given articles (a.txt, b.txt, …), plus by default one unrelated article of twelve
    sentences: a corpus large enough for the lexicon to tell names from ordinary words."""
    corpus = tmp_path / "small"
    corpus.mkdir()
    for name, text in zip("abcdefgh", articles):
        (corpus / f"{name}.txt").write_text(text)
    if filler:
        (corpus / "z.txt").write_text("Council news\n\n" + " ".join(
            f"The council met on day {i} and discussed roads, parks and the budget." for i in range(12)) + "\n")
    return Assistant(settings.model_copy(update={"corpus_dir": corpus, "data_dir": tmp_path / "d"}),
                     embedder=fake_embedder)


def test_how_much_gets_the_amount_not_a_table_of_head_counts(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Royals paid the group\n\nSenior royals paid at least $560 million to the group for a truce, "
                     "according to court documents.\n",
                     "Camp in the north\n\nUp to 150 group members trained at the camp, intelligence officers said."
                     "\n\nThe raid left eight civilians dead, the military said.\n", filler=False)
    answer = bot.ask("How much did the royals pay the group?")
    assert "different figures" not in answer.text
    assert "$560 million" in _first(answer)


def test_a_statement_about_another_place_does_not_follow_the_answer(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """After the statement that answers, a sentence from another article that names none of the question's
    names is about something else and is left out."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Floods in Hunan\n\nHunan province remained on alert as the flood crisis entered its fifth day, "
                     "with 108 people already dead.\n",
                     "Famine warning\n\nIn Malawi, as many as 10,000 people may have already died of hunger, aid "
                     "groups said.\n")
    answer = bot.ask("How many people died in the Hunan floods?")
    assert "108" in answer.text and "Malawi" not in answer.text, answer.text


def test_counts_of_other_things_do_not_count_the_asked_noun() -> None:
    """'How many attackers were killed?' is not answered by counts of civilians or servicemen; 'how many left'
    (a verb, not a counted noun) and 'how many people' keep the looser match."""
    from assistant.compose import counts_what_is_asked
    from assistant.figures import mentions
    from assistant.question import analyse

    civilians = mentions("Some 5,816 civilians were killed in 2014, the monitoring group said.")[0]
    servicemen = mentions("Six servicemen were killed when repelling the attack.")[0]
    attackers = analyse("How many attackers were killed?")
    assert not counts_what_is_asked(attackers, civilians) and not counts_what_is_asked(attackers, servicemen)
    assert counts_what_is_asked(analyse("How many servicemen were killed?"), servicemen)
    assert counts_what_is_asked(analyse("How many people were killed?"), civilians)


def test_still_against_previously_is_a_no(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bot = _small_bot(settings, fake_embedder, tmp_path, "Envoy warns\n\nThe envoy said the ideology of the previously "
                     "active Northern Front group could still spread in the region.\n")
    answer = bot.ask("Is the Northern Front group still active?")
    assert answer.short_answer is None or answer.short_answer.text != "Yes", answer.text


def test_a_yes_no_question_without_a_verdict_says_so(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.routing import NOT_DIRECT

    bot = _small_bot(settings, fake_embedder, tmp_path, "Governor speaks\n\nGovernor Jane Doe said the rebels were "
                     "cowards and that the army would find them.\n")
    answer = bot.ask("Did the governor praise the army?")
    assert answer.short_answer is not None or NOT_DIRECT in answer.text, answer.text


def test_who_is_the_role_of_an_organisation_never_borrows_the_question_words(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """'Who is the chief executive of Bank B?' must not become 'Jane Doe is the chief executive of Bank B' when
    the article only says 'Chief executive Jane Doe' of another company: the template may only use words of
    the sentence it cites."""
    bot = _small_bot(settings, fake_embedder, tmp_path, "Results\n\nAcme Insurance reported a loss on Monday. "
                     "Chief executive Jane Doe said the result was solid.\n\nBank Bravo said it plans to cut 1,000 "
                     "jobs.\n")
    answer = bot.ask("Who is the chief executive of Bank Bravo?")
    assert "Jane Doe is" not in answer.text, answer.text


def test_the_lead_sentence_is_not_quoted_again_without_its_opening_word(fake_bot: Assistant) -> None:
    """The grounded lead quotes 'Meanwhile, X …' whole; the sentence answerer quotes the same sentence from
    'X …' (its connective trimmed). Overlapping spans are one statement, shown once."""
    from assistant.answer import ShortAnswer
    from assistant.compose import CitationBook, Draft
    from assistant.routing import lead_first

    snapshot, _ = fake_bot._ready()
    doc_id, doc = next(iter(snapshot.documents.items()))
    first, second = snapshot.sentences(doc_id)[1:3]
    lead_book, draft_book = CitationBook(snapshot), CitationBook(snapshot)
    whole = doc.text[first.start : first.end]
    lead = Draft(text=f"{whole} [{lead_book.cite(doc_id, first.start, first.end)}]", citations=lead_book.citations,
                 short_answer=ShortAnswer(text=whole.split()[0], citation=1))
    trimmed = doc.text[first.start + 5 : first.end]
    other = doc.text[second.start : second.end]
    n1, n2 = draft_book.cite(doc_id, first.start + 5, first.end), draft_book.cite(doc_id, second.start, second.end)
    draft = Draft(text=f"{trimmed} [{n1}] {other} [{n2}]", citations=draft_book.citations)
    merged = lead_first(lead, draft, snapshot, limit=5, words_budget=500)
    assert trimmed not in merged.text.replace(whole, "") and other.rstrip(".") in merged.text, merged.text


def test_an_age_is_found_where_news_states_it_and_an_unstated_age_is_refused(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                              tmp_path: Path) -> None:
    """'How old is Jane Doe?' is answered from "Jane Doe, 41, was arrested" (an age, not a count of anything);
    the age of a person the articles name without one is refused."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Arrest at the farm\n\nJane Doe, 41, was arrested on Friday."
                     "\n\nHer lawyer, Bob Brown, said she would fight the charges.\n")
    answer = bot.ask("How old is Jane Doe?")
    assert not answer.abstained and "**41**" in _first(answer)
    assert bot.ask("How old is Bob Brown?").abstained


def test_who_said_finds_the_speaker_of_a_quotation_over_several_sentences_and_of_a_block_quote(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """A sentence in the middle of a quotation carries no quotation marks, and a block quotation lost its
    layout: the speaker is named where the quotation closes, or in the lead-in paragraph above it."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Floods in the valley\n\n“The river rose in an hour. Every bridge in the valley washed away "
                     "overnight. We will rebuild them,” said Bob Brown, the mayor of the valley town.\n",
                     "Summit speech\n\nThe delegates listened as the president, Jane Doe, set out her plan in a speech "
                     "to the assembly in May\n\nWe will never abandon the farmers who feed this country.\n")
    answer = bot.ask("Who said every bridge in the valley washed away overnight?")
    assert "**Bob Brown**" in _first(answer)
    answer = bot.ask("Who said they will never abandon the farmers who feed this country?")
    assert "**Jane Doe**" in _first(answer)


def test_a_number_or_a_name_the_articles_never_give_is_refused_and_a_who_question_is_not(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """A how-many or 'what is the name of' question whose evidence holds no number or name is refused; so is,
    with 'named', a first who/which/where question whose evidence names no one, nothing and nowhere of its kind,
    which the default 'reliable' answers with the passages. A who-question whose answer is no name ("marine rescuers")
    is answered from its best sentence, whatever the setting: people the sentence describes may be the doers."""
    text = ("Whale caught in net\n\nA young humpback whale remained tangled in a shark net off the coast yesterday, "
            "despite efforts by marine rescuers.\n\nThe rescuers were backed by the state fisheries department.\n")
    bot = _small_bot(settings, fake_embedder, tmp_path, text)
    how_many = "How many marine rescuers made efforts for the tangled humpback whale?"
    who = "Who made efforts for the tangled humpback whale?"
    assert bot.ask(how_many).abstained
    assert bot.ask("What is the name of the humpback whale?").abstained
    assert "marine rescuers" in bot.ask(who).text

    def with_refusal(mode: str) -> Assistant:
        answer = bot.settings.answer.model_copy(update={"refuse_without_span": mode})
        return Assistant(bot.settings.model_copy(update={"answer": answer}), embedder=fake_embedder)

    assert not with_refusal("never").ask(how_many).abstained
    assert "marine rescuers" in with_refusal("always").ask(who).text
    for unnamed in ("Who is the head of the state fisheries department?",
                    "Off which town did the young humpback whale remain tangled in a shark net?"):
        assert with_refusal("named").ask(unnamed).abstained, unnamed
        assert not bot.ask(unnamed).abstained, unnamed


def test_the_refusal_setting_still_reads_yes_or_no() -> None:
    from assistant.settings import AnswerSettings

    assert AnswerSettings(refuse_without_span=True).refuse_without_span == "always"  # type: ignore[arg-type]
    assert AnswerSettings(refuse_without_span="false").refuse_without_span == "never"  # type: ignore[arg-type]
    assert AnswerSettings().refuse_without_span == "reliable"


def test_which_woman_is_answered_with_a_woman_the_articles_call_she(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    """Genders come from the articles (a title, or the he/she after a name): "Which woman …?" never gets a man."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Council vote\n\nJohn Smith backed the plan at the council on Monday. Mr Smith said the plan would "
                     "work.\n\nJane Doe, the mayor, said she would back the plan. She won the vote.\n")
    snapshot, _ = bot._ready()
    lexicon = bot.answerer.grounded.lexicon(snapshot)  # type: ignore[attr-defined]
    assert lexicon.gender_of("John Smith") == "m" and lexicon.gender_of("Jane Doe") == "f"
    answer = bot.ask("Which woman backed the plan at the council?")
    assert "**Jane Doe**" in _first(answer) and "**John Smith**" not in answer.text


def test_the_definite_subject_is_named_by_its_first_mention_unless_the_question_names_it(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"The source claimed …" is the "Afghan source" an earlier sentence introduced; but "the ministry" is not the
    answer to "Which countries did the Foreign Ministry urge …?", whose own subject it is."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Letter online\n\nAn Afghan source told reporters the letter was genuine. The source claimed it "
                     "was the latest letter from the leader.\n",
                     "Ministry statement\n\nThe Foreign Ministry of Ruritania condemned the attacks on Monday. The "
                     "ministry also urged Freedonia and Western countries to join forces against the rebels.\n")
    answer = bot.ask("Who claimed it was the latest letter from the leader?")
    assert "**Afghan source**" in _first(answer)
    answer = bot.ask("Which countries did the Foreign Ministry urge to join forces against the rebels?")
    assert not answer.text.startswith("**")
    assert "Freedonia" in _first(answer)


def test_a_sentence_going_on_about_the_same_thing_follows_the_best_one(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    """"The orchestra …" after a sentence about an orchestra continues it (any noun, not a fixed list)."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Concert cancelled\n\nThe city orchestra cancelled its winter concert on Friday. The orchestra "
                     "had lost its funding after a council vote.\n\nTickets will be refunded.\n")
    answer = bot.ask("What did the city orchestra cancel on Friday?")
    assert "lost its funding" in answer.text


def test_a_toll_without_a_noun_counts_people() -> None:
    """"with 108 already dead" counts people though it never says "people"; "108 kilometres of road" does not."""
    from assistant.figures import mentions

    toll = mentions("The storm entered its fifth day, with 108 already dead and thousands evacuated.")
    assert toll[0].display == "108" and toll[0].group == "people"
    assert mentions("Crews repaired 108 kilometres of road.")[0].group is None


def test_what_happened_to_the_counted_is_read_before_the_number_too() -> None:
    """"killed 20 people and injured 30 others": 20 were killed and 30 wounded (the verb before each number
    governs it); casualties are people."""
    from assistant.figures import VICTIMS, mentions
    from assistant.lexicon import stem

    killed, injured = mentions("A car bomb killed 20 people in the capital on Monday and injured 30 others.")
    assert (killed.kind, killed.group) == ("kill", "people") and (injured.kind, injured.group) == ("wound", "people")
    assert mentions("It is blamed for the death or injury of almost 1000 people.")[0].kind == "kill"
    assert stem("casualties") in VICTIMS


def test_a_paragraph_that_reopens_a_quotation_continues_the_speaker_before_it(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                               tmp_path: Path) -> None:
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Budget row\n\n“We will not cut the hospital budget,” Jane Doe said on Monday.\n\n“Every ward in the "
                     "state will keep its nurses and its beds. No hospital will close this winter.”\n")
    answer = bot.ask("Who said every ward in the state will keep its nurses and its beds?")
    assert "**Jane Doe**" in _first(answer)


def test_a_persons_name_does_not_run_on_across_a_preposition() -> None:
    from assistant.evidence import _trim_entity
    from index.language import Entity

    text = "“We will win,” wrote Jane Doe on Instagram."
    start = text.index("Jane")
    trimmed = _trim_entity(text)(Entity(start, len(text) - 1, "PERSON"))
    assert text[trimmed.start : trimmed.end] == "Jane Doe"
    place = Entity(start, len(text) - 1, "GPE")
    assert _trim_entity(text)(place) == place  # only people's names are trimmed


def test_a_yes_no_question_is_answered_no_by_the_opposite_word(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    """"Is the league legal in Freedonia?" against "the league, which is banned in Freedonia, …": no."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "League closed\n\nThe fighting league, which is banned in Freedonia, held a secret tournament "
                     "in a warehouse on Friday.\n")
    answer = bot.ask("Is the fighting league legal in Freedonia?")
    assert answer.text.startswith("**No**")


def test_a_yes_no_question_is_answered_no_by_its_word_with_a_negating_prefix(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                              tmp_path: Path) -> None:
    """"Was Jo Roe hurt when rockets hit the post next to his office?" against "… but the leader, who was in his
    office, was unhurt": no, though the sentence says "fired" for the "hit" of the clause that only sets the
    scene; "Does the general accept …?" against "He denies …": no."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Post struck\n\nJo Roe leads the Springfield council. Army forces fired rockets on a security "
                     "post next to Mr Roe's office in Springfield, but the leader, who was in his office at the time, "
                     "was unhurt.\n",
                     "Army claim\n\nGeneral Max Dalby has confirmed a man linked to the rebels served with the army. "
                     "General Dalby denies reports the man was a member of the 3rd Battalion.\n")
    answer = bot.ask("Was Jo Roe hurt when army rockets hit the security post next to his Springfield office?")
    assert answer.text.startswith("**No**"), answer.text
    answer = bot.ask("Does General Dalby accept reports the man was a member of the 3rd Battalion?")
    assert answer.text.startswith("**No**"), answer.text


def test_the_english_word_list_comes_from_the_verified_lemmatizer_tables(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import index.language as language

    assert language.is_english_word("beaches") and language.is_english_word("tangled")
    assert not language.is_english_word("vulnrable")
    monkeypatch.setattr(language, "_english", None)
    monkeypatch.setitem(language.WEIGHT_SHA256, "lemmatizer/lookups/lookups.bin", "0" * 64)
    with pytest.raises(language.LanguageModelError, match="reinstall"):
        language.is_english_word("beach")


def test_a_yes_no_question_reads_names_around_the_sentence_and_another_day_as_a_no(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Did Jane Doe attend the Freedonia Trade Summit?" against "the absence of Jane Doe overshadowed the summit",
    the summit named in the sentence before: no. "Was Max Roe arrested in the Nov. 22 raid?" against "Roe was
    arrested in a raid on Nov. 10": no. "Did she urge them to look after the river?" against "… protect the river":
    yes."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Summit opens\n\nThe Freedonia Trade Summit opened in the capital on Monday with forty leaders. "
                     "But the absence of President Jane Doe was threatening to overshadow the summit.\n",
                     "Raid\n\nPolice carried out a raid on Nov. 22 in the port. Max Roe was arrested in a police raid "
                     "on Nov. 10, 2015.\n",
                     "River\n\nMayor Ann Poe urged farmers at the river forum on Sunday to protect the river.\n")
    assert bot.ask("Did Jane Doe attend the Freedonia Trade Summit?").text.startswith("**No**")
    assert bot.ask("Was Max Roe arrested in the Nov. 22 raid?").text.startswith("**No**")
    assert bot.ask("Was Max Roe arrested in the Nov. 10 raid?").text.startswith("**Yes**")
    assert bot.ask("Did Ann Poe urge farmers at the river forum to look after the river?").text.startswith("**Yes**")


def test_most_of_them_is_a_plural_subject_and_they_agree_with_a_plural(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                      tmp_path: Path) -> None:
    """"Most of them fled Freedonia …" after "the Acme group is sheltering up to 150 Ruritanian Front members":
    who fled is the Ruritanian Front, not the Acme group (the plural noun phrase agrees with "them")."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Camp found\n\nOfficials told the Herald that the Acme group is sheltering up to 150 Ruritanian "
                     "Front members in a string of villages. Most of them fled Freedonia after the offensive last "
                     "year, the officials said.\n")
    answer = bot.ask("Who fled Freedonia after the offensive?")
    assert "**Ruritanian Front**" in _first(answer), answer.text


def test_a_person_introduced_without_a_name_is_named_by_the_next_sentence(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                        tmp_path: Path) -> None:
    """"… rejected an appeal by a single mother …" then "Clutching her baby, Jane Doe burst into tears …": the woman
    who lost her appeal is Jane Doe, cited to the sentence that names her; "How old is she?" then asks about her."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Appeal rejected\n\nA high court in northern Freedonia rejected an appeal today by a single "
                     "mother sentenced to ten years in prison. Clutching her baby daughter, Jane Doe burst into tears "
                     "as the judge delivered the ruling. Doe, 30, was first sentenced in March.\n")
    conv = bot.chat()
    answer = conv.ask("Which woman lost her appeal in Freedonia?")
    assert answer.text.startswith("**Jane Doe** [1]:"), answer.text
    assert "Clutching" in answer.citations[0].quote
    answer = conv.ask("How old is she?")
    assert "**30**" in _first(answer), answer.text


def test_who_holds_a_role_is_a_name_beside_that_role_or_a_refusal(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                  tmp_path: Path) -> None:
    """"Who is the chief executive of Acme Bank?" over articles that name Globex's chief executive and say what
    "the bank" reported, but never who runs it: no one is given as its holder (the role may be worded otherwise,
    so the passages are shown rather than a refusal). The role's holder may stand in apposition, further than four
    words from the role ("Max Roe, the Freedonian president's envoy to the region, said …")."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Acme profit\n\nAcme Bank, Freedonia's second largest bank, said on Wednesday it would cut 1,000 "
                     "jobs. The bank reported net profit of 2.6 billion dollars in the year to June.\n",
                     "Globex result\n\nGlobex chief executive Jane Doe said the result was solid in the worst "
                     "conditions for markets in 20 years.\n",
                     "Envoy warns\n\nMax Roe, the Freedonian president's envoy to the region, said there was a "
                     "danger that the unrest could spread.\n")
    answer = bot.ask("Who is the chief executive of Acme Bank?")
    assert answer.short_answer is None and "**" not in answer.text, answer.text
    assert "**Jane Doe**" in _first(bot.ask("Who is the chief executive of Globex?"))
    assert "**Max Roe**" in _first(bot.ask("Who is the president's envoy to the region?"))


def test_the_name_of_a_thing_stands_beside_that_thing_and_a_date_is_a_calendar_date(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"What is the name of the website …?" is refused when the sentence that mentions the website names none (a
    name elsewhere in the evidence is not the website's), and "the name of his facility" is not the place the
    facility is in; "On what date …?" is not answered by "early this morning", but "the codename of the taskforce"
    and a calendar date are found."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Gang eliminated\n\nA gang affiliated with the Acme Front has been eliminated in Freedonia, the "
                     "committee reported. On their website, local activists denied the Acme Front link.\n",
                     "Warheads found\n\nWarheads were stored on a businessman's training facility in New Ruritania. "
                     "A taskforce codenamed Ceja is investigating corruption in the drug squad.\n",
                     "Base attacked\n\nEarly this morning a group of six fighters attacked a base in Freedonia's "
                     "north, the army said.\n",
                     "Harbour plan\n\nThe harbour board met on March 26 to discuss the new pier.\n")
    assert bot.ask("What is the name of the website where local activists denied the Acme Front link?").abstained
    assert bot.ask("What is the name of the businessman's training facility?").abstained
    assert "**Ceja**" in _first(bot.ask("What is the codename of the taskforce investigating corruption?"))
    assert bot.ask("On what date did the fighters attack the base in Freedonia's north?").abstained
    assert "**March 26**" in _first(bot.ask("On what date did the harbour board meet to discuss the pier?"))


def test_a_name_of_the_same_family_as_the_questions_words_is_the_questions_own_subject() -> None:
    """"… recruiting Ruritanian students" is about Ruritania: "Ruritania" is never its answer; "Freedonia" may be."""
    from assistant.evidence import names_the_asked
    from assistant.frame import Frame

    frame = Frame(text="Which universities is the group recruiting Ruritanian students at?", intent="factoid",
                  answer_type="ORG", terms=("university", "recruit", "ruritanian", "student"), names=("ruritanian",))
    assert names_the_asked(frame, "the Ruritania")
    assert not names_the_asked(frame, "Freedonia University")


def test_a_sentence_that_says_it_with_a_pronoun_leads_and_names_who_it_means(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                             tmp_path: Path) -> None:
    """"What did Jane Doe call the rebels?": "She said the rebels are 'cowards' …" has every word of the question once
    "she" is read as Jane Doe, so it leads, after who "she" is, cited."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Governor speaks\n\nGovernor Jane Doe responded to the threat on Monday. The city has "
                     "become calmer under the leadership of Jane Doe, a veteran backed by the council. She said the "
                     "rebels are “cowards” who have nothing to do with the city.\n")
    answer = bot.ask("What did Jane Doe call the rebels?")
    assert answer.text.startswith("**Jane Doe** [1]: She said the rebels are “cowards”"), answer.text


def test_a_two_part_question_is_answered_part_by_part(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"Who founded the Acme Front, and when did it win the election?" gets both answers, each cited, the second
    read as a follow-up of the first; a part the articles do not answer is left out, not refused."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Party history\n\nThe Acme Front was founded by the lawyer Max Roe in a small town. Years later "
                     "the party won the general election on March 3, 2011.\n")
    answer = bot.ask("Who founded the Acme Front, and when did it win the general election?")
    assert "**Max Roe**" in answer.text and "**March 3, 2011**" in answer.text, answer.text
    assert answer.text.index("Max Roe") < answer.text.index("March 3, 2011")
    assert len(answer.citations) == 2 and not answer.abstained
    answer = bot.ask("Who founded the Acme Front, and how many seats did it win in 1990?")
    assert "**Max Roe**" in answer.text and not answer.abstained


def test_who_did_it_is_the_subject_or_agent_of_the_questions_verb(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                  tmp_path: Path) -> None:
    """Where a sentence has the question's verb, its answer is that verb's doer: "The papers, filed in a lawsuit,
    allege … leaders of the Acme Front" does not say who filed it; "Max Roe, who filed the appeal, …" and "… was
    filed by Jo Poe" do."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Lawsuit\n\nThe papers, filed in a huge lawsuit in Freedonia, allege the deal was made after "
                     "secret meetings between bankers and leaders of the Acme Front.\n",
                     "Appeal\n\nMax Roe, who filed the appeal against the mine, said the court had been misled.\n",
                     "Claim\n\nThe insurance claim over the flood was filed by Jo Poe on Monday.\n")
    assert "**" not in _first(bot.ask("Who filed the huge lawsuit in Freedonia?"))
    assert "**Max Roe**" in _first(bot.ask("Who filed the appeal against the mine?"))
    assert "**Jo Poe**" in _first(bot.ask("Who filed the insurance claim over the flood?"))


def test_a_misspelt_typed_question_is_answered_as_its_corpus_words(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    """"What is the name of Freedonia's ambasador who spoke about the deal with Ruritannia?" is answered as if spelt
    right (the misspelt words are read as the corpus words they stand for), not refused."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Trade deal\n\nFreedonia and Ruritania are close to signing a trade deal, Freedonia's ambassador "
                     "said on Saturday. The statement by Ambassador Jane Doe came as talks with Ruritania resumed.\n")
    for asked in ("What is the name of the ambasadorr who spokke about the trade deel?",
                  "What is the name of Freedonias ambasadr who talked about the trade deel?"):
        answer = bot.ask(asked)
        assert "**Jane Doe**" in _first(answer), answer.text


def test_an_age_is_the_asked_persons_and_a_share_in_per_cent_is_a_percentage(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                             tmp_path: Path) -> None:
    """"How old is Max Roe?" is not answered by "coach Max Roe ended his contract with the talented 20-year-old"
    (someone else's age) but "Sir Jo Poe, the actor, died Wednesday from a heart attack aged 72" is Jo Poe's age;
    "92 per cent of the workforce", which the parser takes for money, answers "What share …?"."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Coach leaves\n\nLeo Kent will become the new coach of the tennis star Ana Diaz, after coach Max "
                     "Roe decided to end his contract with the talented 20-year-old.\n",
                     "Actor dies\n\nSir Jo Poe, the British actor best known for his role as the scheming civil "
                     "servant in the hit show, died Wednesday from a heart attack aged 72, his agent said.\n",
                     "Wage talks\n\nMr Dixon points out 92 per cent of the airline's workforce have already agreed "
                     "in-principle to accept a wages freeze.\n")
    assert bot.ask("How old is Max Roe, the outgoing coach?").abstained
    assert "**72**" in _first(bot.ask("How old was the British actor Sir Jo Poe when he died from a heart attack?"))
    assert "**92 per cent**" in _first(bot.ask("What share of the airline's workforce agreed to the wages freeze?"))


def test_a_yes_no_question_is_answered_no_by_another_number_or_quoted_word_in_its_place(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Was Jo Roe known as the 'funny' drummer?" against "… widely known as the "quiet" drummer": no; "Did 100 boats
    start the race?" against "76 boats started the race": no."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Drummer dies\n\nJo Roe the drummer, songwriter and producer was widely known as the \"quiet\" "
                     "drummer of the band.\n",
                     "Yacht race\n\nA total of 76 boats started the ocean yacht race on Monday in calm seas.\n")
    assert bot.ask("Was Jo Roe known as the 'funny' drummer of the band?").text.startswith("**No**")
    assert bot.ask("Was Jo Roe known as the 'quiet' drummer of the band?").text.startswith("**Yes**")
    assert bot.ask("Did 100 boats start the ocean yacht race on Monday?").text.startswith("**No**")


def test_the_name_of_a_person_is_a_person_named_beside_that_noun(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    """"What is the name of the Ruritanian fighter arrested at the hospital?" over "Police arrested a wounded Freedonian
    Liberation Army fighter …" and "'One man was taken into custody,' Mr Kent said": neither the group nor the speaker is the
    fighter's name: refused."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Hospital siege\n\nPolice have arrested a wounded Freedonian Liberation Army fighter at the city "
                     "hospital, but "
                     "seven others remain barricaded inside. \"One Ruritanian was taken into custody when he came out "
                     "of his ward,\" Mr Kent said.\n")
    assert bot.ask("What is the name of the Ruritanian fighter arrested at the city hospital?").abstained
    assert bot.ask("What is the name of the Freedonian Liberation Army fighter taken into custody?").abstained


def test_a_model_or_an_alias_is_a_name_beside_that_noun_and_a_time_is_not_a_date(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"What model of jet …?" over "… a fighter seated in a military jet" and "What alias does Jo Roe go by?" over
    articles that give none are refused; "On what date …?" is not answered by "around 02.30 a.m."; "a Beech 200
    aircraft" answers "What model of aircraft …?"."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Video\n\nThe video featured a fighter of the Freedonian Liberation Army seated in a military jet "
                     "at the seized airport. Its leader Jo Roe was designated a terrorist on March 26.\n",
                     "Raid\n\nThis night at around 02.30 a.m. a group of six men carried out an armed attack on a base "
                     "in the port.\n",
                     "Crash\n\nThe service says a Beech 200 aircraft came down just before midnight near the town.\n")
    assert bot.ask("What model of jet was the fighter seated in at the seized airport?").abstained
    assert bot.ask("What alias does the Freedonian Liberation Army leader Jo Roe go by?").abstained
    assert bot.ask("On what date did the six men carry out the armed attack on the base in the port?").abstained
    assert "**Beech 200**" in _first(bot.ask("What model of aircraft came down near the town?"))


def test_a_surname_tagged_as_an_organisation_is_a_person_where_the_article_tags_it_as_one() -> None:
    """One sense per article: "Doe" tagged ORG beside "Jane Doe" tagged PERSON is a person; an organisation
    whose name no person of the article bears keeps its label."""
    from index.language import Entity, ParsedSentence, _one_sense

    text = "Jane Doe won. Doe said it was great. Acme paid."
    def sent(a: int, b: int, *ents: tuple[str, str]) -> ParsedSentence:
        found = tuple(Entity(text.index(s, a), text.index(s, a) + len(s), label) for s, label in ents)
        return ParsedSentence(a, b, 0, (), found, ())
    sentences = [sent(0, 13, ("Jane Doe", "PERSON")), sent(14, 36, ("Doe", "ORG")), sent(37, 47, ("Acme", "ORG"))]
    fixed = _one_sense(text, sentences)
    assert [e.label for s in fixed for e in s.entities] == ["PERSON", "PERSON", "ORG"]
    assert _one_sense(text, sentences[1:]) == sentences[1:]  # no person named: nothing to carry over


def test_the_speaker_of_a_quote_is_its_he_said_not_a_pronoun_inside_the_quotation(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """'"In no way does it imply a directive to harm the mayor," he said.': he (the spokesman named just before)
    says it; "it" inside the quotation does not stand for the speaker."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Talks broken off\n\nThe Freedonians say they hold the mayor responsible for the attacks. "
                     "The position was spelt out by spokesman John Roe. \"In no way does it imply or was there any "
                     "directive to harm or to expel the mayor personally,\" he said.\n")
    answer = bot.ask("Who said there was no directive to harm or expel the mayor personally?")
    assert "**John Roe**" in _first(answer)


def test_a_role_after_a_possessive_or_without_the_asks_for_its_holder(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    """"Who was Acme's chairman?" and "Who is counsel assisting the inquiry?" ask for the person beside the role,
    even a name the recogniser left untagged ("Counsel assisting Lionel Rookwood QC"), and are no definitions."""
    from assistant.frame import intent_of

    assert intent_of("Who was Acme's chairman?") == "factoid"
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Inquiry opens\n\nThe inquiry into the building industry opened in the city today. Counsel "
                     "assisting Lionel Rookwood QC told the inquiry of a culture of fear. Acme chairman Ray Wilkes "
                     "and finance director Dominic Ferrante were at that meeting, the inquiry heard.\n")
    assert "**Lionel Rookwood QC**" in _first(bot.ask("Who is counsel assisting the building industry inquiry?"))
    assert "**Ray Wilkes**" in _first(bot.ask("Who was Acme's chairman at that meeting?"))
    chat = bot.chat()  # the untagged name that answered a who-question is who a follow-up's "he" means
    chat.ask("Who is counsel assisting the building industry inquiry?")
    assert "Lionel Rookwood QC" in chat.ask("What did he tell the inquiry?").query


def test_a_title_tagged_apart_from_the_name_after_it_is_part_of_that_name() -> None:
    from index.language import Entity, ParsedSentence, _joined_names

    text = "The leader, Judge Al Poe Jr, and Jane Doe spoke."
    ents = (Entity(12, 17, "PERSON"), Entity(18, 27, "PERSON"), Entity(33, 41, "PERSON"))
    joined = _joined_names(text, ParsedSentence(0, len(text), 0, (), ents, ()))
    assert [text[e.start : e.end] for e in joined.entities] == ["Judge Al Poe Jr", "Jane Doe"]


def test_a_measure_is_answered_with_its_unit(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Soldiers killed\n\nThe three soldiers were killed when a 900 kilogram bomb dropped by a bomber "
                     "landed too close to their position.\n")
    answer = bot.ask("How heavy was the bomb that killed the three soldiers?")
    assert answer.short_answer is not None and answer.short_answer.text == "900 kilogram"


def test_a_block_quotation_speaks_for_its_whole_paragraph(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    """A speech quoted without marks under a lead-in ending in a colon: a sentence of it that has no "we" or "I"
    of its own is still the speaker's ("We consider … This may make …")."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Speech at the assembly\n\nThe threat was a key reason for the decision, as President Jane Doe "
                     "told the assembly in May:\n\nWe consider that any attempts to arm the rebels are short-sighted "
                     "and dangerous. This may make the threat much worse, spreading it to new regions, since fighters "
                     "from many countries are gaining combat experience with the rebels.\n")
    answer = bot.ask("Who said fighters from many countries are gaining combat experience with the rebels?")
    assert "**Jane Doe**" in _first(answer)


def test_which_airline_is_never_answered_by_a_nationality(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    """"Which airline …?" wants a company: "Americans" (a nationality) beside the words is no answer, while "Which
    group …?" may still be answered by a people."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Gun on plane\n\nAmericans' fears about airline security grew after a man flew on two separate "
                     "flights with a loaded gun in his luggage.\n")
    answer = bot.ask("Which airline was the man with the loaded gun flying with?")
    assert answer.short_answer is None or "Americans" not in answer.short_answer.text


def test_a_yes_no_question_is_answered_no_by_another_doer_of_the_same_deed(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                             tmp_path: Path) -> None:
    """"Killed by rebel fire?" against "killed by a misguided bomb": no, though the sentence never names the
    rebels (the name it misses is the doer it replaces); asked with the sentence's own doer: yes."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Soldiers killed\n\nThe three soldiers killed by a misguided bomb near the border were from a "
                     "special forces unit, the ministry said. The ministry said the bomb was dropped in error.\n")
    assert bot.ask("Were the three soldiers killed by Freedonian fire?").text.startswith("**No**")
    assert bot.ask("Were the three soldiers killed by a misguided bomb?").text.startswith("**Yes**")


def test_another_doer_answers_no_when_its_article_names_the_asked_place_elsewhere(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Were the soldiers near Zenda killed by Freedonian fire?" against "The three soldiers killed by a misguided
    bomb in the north …", Zenda being named further on in that article: no."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Soldiers killed\n\nThe three soldiers killed by a misguided bomb in the north were from a special "
                     "forces unit, the ministry said. They were named on Friday by the army.\n\nThe unit had been "
                     "fighting for weeks. Its base is a few miles from Zenda, the army said.\n")
    answer = bot.ask("Were the three soldiers near Zenda killed by Freedonian fire?")
    assert answer.text.startswith("**No**"), answer.text


def test_where_quoted_words_were_posted_is_read_where_the_quotation_closes(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                            tmp_path: Path) -> None:
    """'"Whoever threatens the town will be destroyed. We won't even wait," wrote Jane Doe on Instagram.': asked
    where she posted the threat, the medium of the closing sentence answers, not a place inside the quotation."""
    from assistant.frame import _answer_type

    assert _answer_type("where did jane doe post the warning?")[0] == "OUTLET"
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Mayor responds\n\nMayor Jane Doe responded to the threat against Springfield. \u201cI declare "
                     "that whoever threatens Springfield and the council will be destroyed as soon as he says it. We "
                     "won\u2019t even wait for him to arrive,\u201d wrote Jane Doe on Instagram.\n")
    answer = bot.ask("Where did Jane Doe post her warning that whoever threatens the council would be destroyed?")
    assert answer.short_answer is not None and answer.short_answer.text == "Instagram"


def test_a_nationality_used_as_an_adjective_is_nobody(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"Freedonian" of "Freedonian leader Jo Roe" describes someone: it never answers "Who …?"."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Leader responds\n\nMeanwhile, Freedonian leader Jo Roe responded to the warning of the rebels "
                     "against the republic. The situation in the region has become more stable under the leadership "
                     "of Jo Roe, a strongman supported by the Kremlin.\n")
    answer = bot.ask("Who backs Jo Roe against the rebels?")
    assert answer.short_answer is None or "Freedonian" not in answer.short_answer.text


def test_he_said_is_the_speaker_just_named_even_when_the_recogniser_missed_the_name(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"But Mason says he felt no pressure after Hewitt's defeat. '…,' he said.": he is Mason (the subject who
    speaks, tagged as a company by the small model), not Hewitt (the only name it tagged as a person)."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Cup tie level\n\nMason levelled the score after Lleyton Hewitt's shock five set loss in the first "
                     "singles rubber. But Mason says he felt no added pressure after Hewitt's defeat. \"I knew I had "
                     "a good team to back me up even if we were down 2-0,\" he said.\n")
    answer = bot.ask("Who said he knew he had a good team behind him even if they were down 2-0?")
    assert "**Mason**" in _first(answer)


def test_yes_no_reads_spelt_numbers_and_opposite_movements(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    """"three teenagers" against "killing two teenagers": no; "Did the profits fall in 2000-2001?" against the
    year's sentence and "the profit … increased by 19 per cent for the year" beside it: no."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Settlement attacked\n\nThe settlement was attacked on October 2 when two gunmen opened fire on "
                     "the residents, killing two teenage settlers.\n",
                     "Casino figures\n\nThe casinos generated a $3.1 billion income in the 2000-2001 financial year. "
                     "But despite the expense, the profit for the casinos increased by 19 per cent for the year.\n")
    assert bot.ask("Were three teenage settlers killed when gunmen attacked the settlement?").text.startswith("**No**")
    assert bot.ask("Did the profits of the casinos fall in 2000-2001?").text.startswith("**No**")


def test_a_spelt_out_age_is_an_age(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Pilot charged\n\nTwenty-eight-year-old Jo Roebuck, who undertook pilot training in 1997, has "
                     "been charged with waging war.\n")
    answer = bot.ask("How old is Jo Roebuck?")
    assert answer.short_answer is not None and answer.short_answer.text.startswith("Twenty-eight")


def test_a_count_is_the_number_that_counts_the_asked_thing() -> None:
    """"How many residents …?": "An estimated 500 residents" counts them, "Hundreds of people" does not; "How many
    runs did she score?": "scored 131" is the question's own verb's number."""
    from assistant.evidence import counts_asked
    from assistant.frame import Frame

    def counts(question_terms: tuple[str, ...], focus: str, sentence: str, number: str) -> bool:
        frame = Frame(text="", intent="factoid", answer_type="COUNT", focus=focus, terms=question_terms)
        at = sentence.index(number)
        return counts_asked(frame, parse(sentence)[0], at, at + len(number))

    terms = ("resident", "leave", "home", "bushfire")
    assert counts(terms, "resident", "An estimated 500 residents have fled to a nearby town.", "500")
    assert not counts(terms, "resident", "Hundreds of people have been forced to vacate the town.", "Hundreds")
    assert counts(("run", "score"), "run", "Jo Roe scored 131 before she was bowled.", "131")
    assert not counts(("run", "score"), "run", "The side declared at 7 for 309.", "7")
    assert counts(("crew", "board"), "crew", "The aircraft, with two crew members on board, had come from the port.",
                  "two")


def test_when_is_not_answered_by_how_long(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"When did the house pass the bill?" against "After a marathon 16-hour debate, the house this morning
    passed …": this morning, not the 16 hours."""
    from assistant.evidence import _DURATION

    assert _DURATION.fullmatch("16-hour") and _DURATION.fullmatch("two days") and not _DURATION.fullmatch("Monday")
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Bill passed\n\nAfter a marathon 16-hour debate, the house this morning passed by 15 votes to "
                     "eight a bill which would change the law.\n")
    answer = bot.ask("When did the house pass the bill?")
    assert answer.short_answer is not None and "16" not in answer.short_answer.text


def test_an_untagged_run_of_proper_nouns_before_a_common_noun_is_no_name() -> None:
    """"Counsel assisting Lionel Rookwood QC told …" holds an untagged name; "the Aboriginal and Tarrock Strait
    Islander population" holds none (the run only describes the population)."""
    from assistant.evidence import untagged_names

    for text, found in (("Counsel assisting Lionel Rookwood QC told the inquiry of a culture of fear.",
                         ["Lionel Rookwood QC"]),
                        ("A new study shows that nearly one third of the Aboriginal and Tarrock Strait Islander "
                         "population in the country have been arrested in the past five years.", [])):
        sentence = parse(text)[0]
        assert [text[a:b] for a, b in untagged_names(text, sentence)] == found, text


def test_what_someone_thinks_leads_with_the_words_they_said(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    """"What does Jo Roe think is the most likely way …?": the quotation "he said" (he being Jo Roe) leads, before
    the sentence that names him but says less."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Arrest study\n\nA new study shows that nearly one third of the population in the remote region "
                     "have been arrested in the past five years. Study author Jo Roe says policy both on a community "
                     "and government level must deal with these issues if the arrest rate is to be decreased. "
                     "\"Addressing the supply of alcohol in remote communities is seen as the most likely avenue for "
                     "reducing rates of abuse and arrest,\" he said.\n")
    answer = bot.ask("What does Jo Roe think is the most likely way to bring those arrest rates down?")
    assert "supply of alcohol" in answer.text.split("Study author")[0]


def test_a_rate_is_the_asked_rate_or_a_refusal(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"What is the bank's official cash rate?" asks for a percentage of the cash rate: "a national unemployment
    rate of 7.25 per cent" is another rate, so the question is refused; the cash rate itself answers it."""
    from assistant.frame import _answer_type

    assert _answer_type("what is the central bank's official cash rate?")[0] == "PERCENT"
    assert _answer_type("what was the price of the painting?")[0] == "MONEY"
    assert _answer_type("what is the bill about?")[0] is None
    other = _small_bot(settings, fake_embedder, tmp_path,
                       "Rates cut\n\nThe central bank again cut official interest rates yesterday, while credit card "
                       "interest rates remain high. The survey points to a national unemployment rate of 7.25 per "
                       "cent and justifies a cut in official interest rates.\n")
    assert other.ask("What is the central bank's official cash rate after the latest cut?").abstained
    (tmp_path / "b").mkdir()
    same = _small_bot(settings, fake_embedder, tmp_path / "b",
                      "Rates cut\n\nThe central bank cut official interest rates again. It is the sixth rate cut for "
                      "the year, taking the cash rate to 4.25 per cent.\n")
    answer = same.ask("What is the central bank's official cash rate after the latest cut?")
    assert answer.short_answer is not None and answer.short_answer.text == "4.25 per cent"


def test_a_sure_short_answer_stands_alone(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The short answer in a sentence that says most of the question is the whole answer: the sentences about the
    same topic after it are left out (answer.sure_coverage above 1 keeps them)."""
    text = ("Soldiers killed\n\nThe three soldiers were killed when a 900 kilogram bomb dropped by a bomber landed "
            "too close to their position near the border. The three soldiers killed by the misguided bomb were from "
            "a special forces unit based in the capital, the ministry said. The ministry said an inquiry into the "
            "bomb and the soldiers killed would begin next week.\n")
    bot = _small_bot(settings, fake_embedder, tmp_path, text)
    question = "How heavy was the bomb that killed the three soldiers near the border?"
    answer = bot.ask(question)
    assert answer.short_answer is not None and answer.short_answer.text == "900 kilogram"
    assert len(answer.citations) == 1
    wide = bot.settings.answer.model_copy(update={"sure_coverage": 1.01})
    other = Assistant(bot.settings.model_copy(update={"answer": wide}), embedder=fake_embedder)
    assert len(other.ask(question).citations) > 1


def test_example_questions_name_people_the_articles_call_he_or_she(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    """A lead's name the recogniser takes for a person but the article never calls he or she (a town) comes after
    the people it does; a possessive is not part of the name."""
    from assistant.engine import example_questions

    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Fire near town\n\nResidents of Hill Crest left as the fire neared Hill Crest on Monday. The fire "
                     "burned through the night.\n",
                     "Minister speaks\n\nJane Doe's plan was released on Monday. Jane Doe said she would fund it. "
                     "She spoke in the capital.\n")
    snapshot, _ = bot._ready()
    examples = example_questions(snapshot, 2)
    assert examples[0] == "Who is Jane Doe?"


def test_a_kin_noun_before_a_name_tells_its_gender_and_a_place_is_no_person(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                            tmp_path: Path) -> None:
    """"accompanied by son Dhani": he; "the holy city of Varanasi": a place, wherever the small model
    tags the name as a person."""
    from assistant.evidence import EvidenceStage

    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Ashes scattered\n\nThe widow Olivia accompanied by son Dhani scattered the ashes at the holy "
                     "city of Varanasi. Fans gathered in Varanasi, where pilgrims bathe.\n")
    snapshot, _ = bot._ready()
    assert EvidenceStage.lexicon(snapshot).gender_of("Dhani") == "m"
    doc = next(d for d in snapshot.documents if d == "a")
    text = snapshot.documents[doc].text
    labels = {text[e.start : e.end]: e.label for s in snapshot.sentences(doc) for e in s.entities}
    assert labels.get("Varanasi", "GPE") != "PERSON"


def test_a_word_of_the_question_is_matched_by_its_synonym(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"How far did police chase the stolen vehicle?" against "Police pursued the man in the stolen car for about
    160 kilometres": chase ~ pursue, vehicle ~ car (general English, a small table of news words)."""
    from assistant.lexicon import SYNONYMS

    assert "begin" in SYNONYMS["start"] and "start" in SYNONYMS["begin"]
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Car stolen\n\nA man stole a car from the shopping centre. Police pursued the man in the stolen "
                     "car along the highway for about 160 kilometres. A spokesman said the area lies 100 kilometres "
                     "from the police station in the town.\n")
    answer = bot.ask("How far did police chase the stolen vehicle?")
    assert answer.short_answer is not None and "160" in answer.short_answer.text


def test_according_to_a_source_keeps_that_sources_figure(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"How many fighters joined, according to the deputy chief?": the deputy chief's figure, not a table of
    every source's."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Fighters abroad\n\nAnn Vale, the ministry's deputy chief, said that about 1,700 fighters joined "
                     "the group. Bo Quist, head of the agency, said that as many as 2,500 fighters joined the group.\n")
    table = bot.ask("How many fighters joined the group?")
    assert "1,700" in table.text and "2,500" in table.text
    answer = bot.ask("How many fighters joined the group, according to the deputy chief?")
    assert "1,700" in answer.text and "2,500" not in answer.text


def test_he_says_after_a_he_said_is_the_speaker_named_before_them(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    """'Shadow Treasurer Jo Roe says …. "All the Treasurer has got …," he said. He says …': Jo Roe each time,
    never "the Treasurer" the quotation talks about (a title alone is nobody's name)."""
    from assistant.frame import _answer_type

    assert _answer_type("which nation's troops will lead the force?")[0] == "ORIGIN"
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Budget warning\n\nShadow Treasurer Jo Roe says the Treasurer is left relying on things out of "
                     "his control. \"All the Treasurer has got in plan for next year is the hope the economy will pick "
                     "up in time,\" he said. He says the Government has limited its own ability to respond to the "
                     "shocks by spending too much this year.\n")
    answer = bot.ask("Who says the Government has hurt its ability to respond to shocks by overspending this year?")
    assert "Jo Roe**" in _first(answer)


def test_admitting_is_answered_no_by_a_denial(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Trial continues\n\nDefendants in the canyoning trial are continuing to deny they played any role "
                     "in the deaths of 21 people who drowned in the gorge.\n")
    answer = bot.ask("Have the defendants in the canyoning trial admitted any role in the deaths?")
    assert answer.text.startswith("**No**")


def test_the_speaker_of_a_quote_is_the_subject_of_its_speech_verb_not_a_subject_inside_it(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """'"… I called Mr Balmer to say that Poe was dangerous," Mr Gerber said. Asked if he rang …, he said: "No".':
    he is Gerber (who said it), not Poe (the subject of a clause inside the quotation)."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Canyoning trial\n\nThe guide told the court he had tried to warn the company. \"For two years I "
                     "called Mr Balmer and tried to convince him to see that Poe was dangerous, but Mr Balmer assured "
                     "me that they had it under control,\" Mr Gerber said. Asked if he rang the company on the day "
                     "of the accident to warn them about the storm forecast, he said: \"No\".\n")
    answer = bot.ask("Who said he had not rung the company on the day of the accident to warn them about the storm?")
    assert "Gerber**" in _first(answer)


def test_a_suspect_introduced_without_a_name_is_named_by_the_next_sentence(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                           tmp_path: Path) -> None:
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Suspect charged\n\nA suspect allegedly involved in planning attacks has been detained and charged "
                     "with waging war against the republic. If convicted, 28-year-old John Smith faces life "
                     "imprisonment.\n")
    answer = bot.ask("Who was charged with waging war against the republic?")
    assert answer.short_answer is not None and answer.short_answer.text == "John Smith"


def test_a_time_of_day_or_a_number_that_counts_nothing_asked_is_no_count(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                          tmp_path: Path) -> None:
    """"How many people were hurt in the quake?" against an article that gives the quake's time ("about 12:30am",
    a number to the small model) and its size ("over five"), but no injuries: refused, not answered "12:30am".
    "How much roofing fell?" is not answered by a head count of people in another sentence."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Quake shakes farm towns\n\nAn earthquake measuring 4.1 has shaken farm towns in the west "
                     "overnight. A spokesman says the earthquake, which occurred at about 12:30am, follows a larger "
                     "quake in September which measured over five. The epicentre was in Springfield.\n",
                     "Mall roof falls\n\nInitial reports spoke of up to 50 people trapped at the mall in Shelbyville, "
                     "but police later said four people had been rescued. Some 100 square metres of roofing were "
                     "believed to have collapsed.\n")
    question = "How many people were injured in the Springfield earthquake?"
    assert bot.ask(question).abstained
    snapshot, _ = bot._ready()
    engine = bot.answerer.grounded  # type: ignore[attr-defined]
    frame = analyse_frame(question, engine.lexicon(snapshot))
    evidence = engine.gather(frame, snapshot, list(bot.ask(question).chunks), None)
    text = snapshot.documents["a"].text
    offered = [text[a:b] for e in evidence if e.doc_id == "a" for a, b, _, _ in engine.candidates(frame, snapshot, e)]
    assert "12:30am" not in " ".join(offered) and "over five" not in offered, offered
    question = "How much roofing is believed to have come down at the Shelbyville mall?"
    answer = bot.ask(question)
    assert answer.short_answer is not None and "100" in answer.short_answer.text, answer.text
    frame = analyse_frame(question, engine.lexicon(snapshot))
    text = snapshot.documents["b"].text
    offered = [text[a:b] for e in engine.gather(frame, snapshot, list(answer.chunks), None) if e.doc_id == "b"
               for a, b, _, _ in engine.candidates(frame, snapshot, e)]
    assert offered == ["Some 100 square metres"], offered


def test_a_role_holder_at_the_end_of_a_long_title_in_the_story_the_asker_names(settings, fake_embedder,  # type: ignore[no-untyped-def]
                                                                              tmp_path: Path) -> None:
    """"Chairman of the Joint Council General Jo Roe, said …" names the chairman (the parse hangs the name under
    "of", six words from the role); "… mentioned in the Springfield caves story" says which article, and its
    sentence need not repeat it."""
    from assistant.frame import _scope_words

    assert _scope_words("Who is the chair mentioned in the Springfield caves story?") == {"springfield", "caves"}
    assert _scope_words("What did the article about the Acme strike say?") == {"the", "acme", "strike", "say"}
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Bomb hits caves\n\nThe air force dropped a large bomb on the Springfield caves two days ago. "
                     "Troops moved in at dawn and searched the tunnels for hours.\n\nThe fighting went on all night. "
                     "Radio traffic rose sharply.\n\nOfficials would not give details. Reporters waited at the "
                     "base.\n\nChairman of the Joint Council General Jo Roe, said the bomb was effective.\n")
    for question in ("Who is the Chairman of the Joint Council?",
                     "Who is the Chairman of the Joint Council mentioned in the Springfield caves story?"):
        answer = bot.ask(question)
        assert answer.short_answer is not None and answer.short_answer.text == "Jo Roe", (question, answer.text)


def test_a_title_with_its_article_is_nobodys_name_and_knowing_is_answered_by_knowing(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """'The Member for Springfield says …' is a title: the she of the next quotation is the named woman before it.
    "Does the council know why …?" is answered no by "the council does not know what …", whose verbs differ."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Party debate\n\nLabor MP Jane Doe says the party must change its refugee policy. The Member "
                     "for Springfield says Labor did not suffer in the polls. \"We committed to land rights, we "
                     "refused the options the Government put forward,\" she said.\n",
                     "Resignation\n\nThe mayor, Jo Roe, resigned on Friday after six years in office. Council leader "
                     "Al Poe says the council does not know what motivated the mayor to quit.\n")
    answer = bot.ask("Who said Labor committed to land rights and refused the Government's options?")
    assert answer.short_answer is not None and "Doe" in answer.short_answer.text, answer.text
    answer = bot.ask("Does the council know why Jo Roe resigned?")
    assert answer.text.startswith("**No**"), answer.text


def test_yes_no_reads_news_synonyms_of_the_asked_words(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"Was anybody hurt?" is answered no by "no reported injuries"; "start a war" by "never initiate a conflict"."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Church fire\n\nFire has damaged part of the Springfield cathedral. Fire officials say there were "
                     "no reported injuries, but the cathedral's gift shop was badly damaged.\n",
                     "Border tension\n\nThe Freedonian President Jo Roe is ready to meet the Ruritanian leader. "
                     "President Roe says Freedonia will never initiate a conflict between the two countries.\n")
    answer = bot.ask("Was anybody hurt in the Springfield cathedral fire?")
    assert answer.text.startswith("**No**"), answer.text
    answer = bot.ask("Does Roe say Freedonia might start a war?")
    assert answer.text.startswith("**No**"), answer.text


def test_a_list_question_gets_the_sentence_that_names_the_items(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"Which cities …?" (a plural in -ies) asks for places; the items often sit in a sentence of their own after the
    one that says what they are ("… to five major cities. … The fares are for flights to A, B, C …"): it leads."""
    from assistant.frame import analyse_frame as frame_of

    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Cheap fares\n\nAcme Air has begun offering $5 flights from Springfield to five major cities, in "
                     "an attempt to stave off competition. The 10,000 midweek seats are only available online until "
                     "Monday. The one-way fares are for flights to Sydney, Brisbane, Adelaide, Perth and Canberra. "
                     "An Acme spokesman says the fares thank customers for their support.\n")
    snapshot, _ = bot._ready()
    assert frame_of("Which cities can you fly to?", bot.answerer.grounded.lexicon(snapshot)).answer_type == "PLACE"  # type: ignore[attr-defined]
    answer = bot.ask("Which cities can you fly to from Springfield for $5 with Acme Air?")
    assert answer.text.startswith("The one-way fares are for flights to **Sydney**"), answer.text


def test_size_and_share_questions_want_their_own_amount(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"How big is the budget blowout?" is not answered by a head count of soldiers (it is refused when no sentence
    sizes the blowout); "What share of …?" takes "just over 1" + "per cent", which the parser split; a follow-up's
    earlier name (the article's subject) need not be in the answering sentence."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Budget blowout\n\nThe Freedonian Government has confirmed there is a blowout in the defence "
                     "budget because of the cost of sending troops abroad. Up to 5,000 soldiers will be deployed later "
                     "this month as an international force.\n",
                     "Youth report\n\nA new report has revealed there are fewer young people using support services "
                     "than thought. The report shows just over 1 per cent of people aged between 15 and 24 used such "
                     "services over the past year.\n")
    snapshot, _ = bot._ready()
    frame = analyse_frame("How big is the blowout in the defence budget?", bot.answerer.grounded.lexicon(snapshot))  # type: ignore[attr-defined]
    assert (frame.answer_type, frame.focus) == ("QUANTITY", "blowout")
    assert bot.ask("How big is the blowout in the defence budget caused by the deployment?").abstained
    answer = bot.ask("What share of people aged 15 to 24 used support services over the past year?")
    assert answer.short_answer is not None and answer.short_answer.text == "just over 1 per cent", answer.text
    chat = bot.chat()
    chat.ask("What did the Freedonian Government confirm?")
    answer = chat.ask("How many soldiers will be deployed?")
    assert answer.short_answer is not None and "5,000" in answer.short_answer.text, answer.text


def test_which_hospital_is_answered_by_a_name_that_says_it_is_one(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"In which hospital …?": "Shelbyville General Hospital" names a hospital; "Freedonia Liberation Army", in the sentence that
    repeats the question's words, does not."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Siege\n\nPolice in Springfield have arrested a wounded Freedonia Liberation Army fighter, but seven other "
                     "wounded fighters remain barricaded in a hospital in Springfield. They were wounded in earlier "
                     "bombing and admitted to Shelbyville General Hospital before the siege began.\n")
    answer = bot.ask("In which hospital are the wounded fighters barricaded in Springfield?")
    assert answer.short_answer is not None and answer.short_answer.text == "Shelbyville General Hospital", answer.text



def test_an_acronym_or_a_year_no_article_has_is_refused_and_an_acronym_of_their_names_is_not(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who won the 2028 Springfield Cup final?" and "Who won the FRC Springfield Cup?" ask about what no article
    has (neither a year nor an acronym is written another way); "SSC" stands for a name the articles have."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Cup final\n\nJo Roe won the Springfield Cup final in 2001 for the Shelbyville Sailing Club, the "
                     "club said.\n\nThe final was sailed in light winds.\n")
    assert not bot.ask("Who won the Springfield Cup final in 2001?").abstained
    for question in ("Who won the 2028 Springfield Cup final?", "Who won the FRC Springfield Cup final?"):
        answer = bot.ask(question)
        assert answer.abstained and not answer.citations, (question, answer.text)
    answer = bot.ask("Who won the Springfield Cup final for the SSC?")
    assert not answer.abstained and "Jo Roe" in answer.text, answer.text


def test_an_aside_that_says_which_one_is_meant_need_not_be_said_again_by_the_answer(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"How far is Springfield, where the mill fire broke out, from Shelbyville?": the aside says which town is
    meant; the sentence that gives the distance need not mention the fire."""
    from assistant.frame import aside_words

    assert aside_words("How far is Springfield, where the mill fire broke out, from Shelbyville?") == {
        "the", "mill", "fire", "broke", "out"}
    assert aside_words("Where did the mill fire break out?") == set()
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Mill fire\n\nA fire broke out at a timber mill in Springfield on Monday, destroying two sheds."
                     "\n\nThe town is about 200 kilometres east of Shelbyville.\n")
    answer = bot.ask("How far is Springfield, where the mill fire broke out, from Shelbyville?")
    assert not answer.abstained and "200 kilometres" in _first(answer), answer.text


def test_how_old_someone_was_when_shot_dead_asks_an_age_not_a_death_toll(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    from assistant.question import analyse

    assert analyse("How old was Jo Roe when he was shot dead?").kind == "age"
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Sailor killed\n\nSailing champion Jo Roe was killed in a shooting on the river today.\n\n"
                     "Mr Roe, 53, was aboard a boat with his crew when pirates attacked and he was shot dead.\n")
    answer = bot.ask("How old was Jo Roe when he was shot dead on the river?")
    assert not answer.abstained and "53" in _first(answer), answer.text


def test_was_anyone_hurt_is_answered_no_by_nobody_was_and_yes_by_who_was(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Mill attacked\n\nFreedonian helicopters fired four missiles into a timber mill in the "
                     "northern township of Springfield overnight. The building was completely destroyed, but nobody "
                     "was injured in the attack.\n",
                     "Warehouse blaze\n\nA warehouse in Shelbyville burned down on Sunday.\n\nAccording to police, "
                     "one man was arrested at the scene of the warehouse blaze and an inquiry has been opened.\n")
    answer = bot.ask("Was anyone injured when Freedonian helicopters destroyed the timber mill in Springfield?")
    assert answer.kind == "yes-no" and answer.short_answer is not None and answer.short_answer.text == "No", answer.text
    answer = bot.ask("Was anybody arrested over the Shelbyville warehouse blaze?")
    assert answer.short_answer is not None and answer.short_answer.text == "Yes", answer.text


def test_has_it_ruled_out_is_answered_no_by_has_not_ruled_out(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """A question that asks about a denial ("ruled out", "denied") is answered by the sentence's own negation of
    that verb: "has not ruled out" says no; "denied" says yes."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Merger talk\n\nThe Acme Party has rejected a merger with the Globex Party at this stage, but it "
                     "has not ruled out the option over the next three years.\n\nParty president Jo Roe denied "
                     "meeting Globex Party officials last week.\n")
    answer = bot.ask("Has the Acme Party ruled out a merger with the Globex Party?")
    assert answer.short_answer is not None and answer.short_answer.text == "No", answer.text
    answer = bot.ask("Did Jo Roe deny meeting Globex Party officials?")
    assert answer.short_answer is not None and answer.short_answer.text == "Yes", answer.text


def test_which_role_is_the_name_beside_the_role_and_never_a_full_name_of_the_asked_person(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Which premier did Roe and Poe meet?": the name beside "premier" answers, and "Jo Roe" is the "Roe" of the
    question, never its answer; "Who launched it?" is answered by the doer of the asked verb ("launched by Acme
    TV"), not by a person a sentence without that verb names."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Airline bid\n\nBusinessmen Jo Roe and Al Poe have called on the government to help their bid for "
                     "Skyways. The pair met with the Freedonian Premier, Max Dalby, yesterday to discuss the bid.\n",
                     "Campaign video\n\nThe campaign video was launched by Acme TV on Monday. Senator Ann Kirk said "
                     "the campaign video would mislead voters.\n")
    answer = bot.ask("Which Freedonian premier did Roe and Poe meet about their Skyways bid?")
    assert _short(answer) == "Max Dalby", answer.text
    answer = bot.ask("Who launched the campaign video?")
    assert _short(answer) == "Acme TV", answer.text


def test_the_name_of_a_thing_may_be_a_proper_noun_the_recogniser_left_untagged(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"the Italian Raffaello module": the proper noun compounded with the asked noun is its name, and the noun
    phrase of "the name of the module the shuttle is carrying" ends before the clause that follows it."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Shuttle launch\n\nThe shuttle lifted off on Monday. The shuttle is also carrying the Italian "
                     "Raffaello module, laden with tonnes of equipment and food.\n")
    answer = bot.ask("What is the name of the Italian module the shuttle is carrying?")
    assert _short(answer) == "Raffaello", answer.text


def test_a_count_asked_for_a_year_is_not_taken_from_a_sentence_about_another_year(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"How many Freedonians died of drug-related causes in 2000?": the sentence that says 1999 gives 1999's count,
    the one that says 2000 answers, though it says "people" where the other says "Freedonians"."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Drug deaths fall\n\nAccording to the Freedonian Bureau of Statistics, 1,570 people died from drug "
                     "related causes in the year 2000. That figure is a substantial drop from 1999 when 1,740 "
                     "Freedonians died of drug related causes.\n")
    answer = bot.ask("How many Freedonians died of drug-related causes in 2000?")
    assert _short(answer) == "1,570", answer.text


def test_how_old_asks_the_first_name_a_month_is_a_month_and_how_big_may_be_money(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"How old is Jo Roe, the man convicted of killing Al Poe?" is not answered by Al Poe's age; "In which month
    …?" is not answered by "this morning"; "How big is Freedonia's foreign debt?" is answered by a sum of money."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Life sentence\n\nJo Roe, convicted of killing eight-year-old Al Poe, was sentenced to life "
                     "imprisonment. The trial judge said Roe should never be released.\n",
                     "Inquiry resumes\n\nThe royal commission into the collapse of insurance giant Acme will resume "
                     "in Springfield this morning.\n",
                     "Debt talks\n\nThe Freedonian government hopes to avoid default on the $150 billion foreign debt "
                     "of Freedonia.\n")
    assert bot.ask("How old is Jo Roe, the man convicted of killing Al Poe?").abstained
    assert "**eight-year-old**" in _first(bot.ask("How old was Al Poe?"))
    assert bot.ask("In which month did the insurance company Acme collapse?").abstained
    answer = bot.ask("How big is Freedonia's foreign debt?")
    assert _short(answer) == "$150 billion", answer.text


@pytest.mark.parametrize(("article", "question", "not_answer"), [
    # "Which Acme nation …?": the "Acme Island" of "Acme Island nations" says what kind the nations are, not which one
    ("Asylum deal\n\nThe minister says he is pleased with the program, which uses Pacific Island nations to process "
     "asylum seekers wanting to come to Freedonia.\n",
     "Which Pacific nation processes asylum seekers for Freedonia?", "Pacific"),
    # a name whose initials spell the question's acronym is the asked body itself
    ("Directors sued\n\nJo Roe says civil proceedings brought by the Freedonian Securities and Investment Commission "
     "(FSIC) against him and two other former directors are baseless.\n",
     "Who are the other former directors FSIC is suing alongside Jo Roe?", "Commission"),
], ids=["kind-of-many", "acronym"])
def test_a_name_that_only_describes_or_repeats_the_asked_is_no_answer(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path, article: str, question: str, not_answer: str) -> None:
    answer = _small_bot(settings, fake_embedder, tmp_path, article).ask(question)
    assert not_answer not in (_short(answer) or ""), answer.text


def test_why_leads_with_the_reason_that_follows_a_restatement_of_the_question(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Why is the group unlikely to change the situation in Freedonia?": the best sentence restates it ("… it is
    unlikely that its presence can change the situation"); the next one gives the reason and comes first. A next
    sentence that points back ("According to them, …") stays second."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Group in the north\n\nThough the Acme Front has achieved a presence in northern Freedonia it is "
                     "unlikely that its presence can significantly change the situation on the ground there. The "
                     "insurgency that raged in the north in the 1990s has been largely defeated, and the security "
                     "forces are strong enough to contain any new threat.\n",
                     "Denial\n\nOn their website, local activists denied reports that those killed were with the Acme "
                     "Front. According to them, the fighters had not pledged allegiance to the Acme Front.\n")
    answer = bot.ask("Why is the Acme Front unlikely to change the situation on the ground in Freedonia?")
    assert answer.citations[0].quote.startswith("The insurgency"), answer.text
    answer = bot.ask("Why do local activists deny that those killed were with the Acme Front?")
    assert answer.citations[0].quote.startswith("On their website"), answer.text


def test_who_did_it_is_never_a_name_from_a_sentence_that_does_not_say_it_was_done(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who won the first Test at Acme Oval?" over a sentence about the two captains deciding their line-ups: neither
    captain is given as the winner (the sentence says nothing of winning)."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Test preview\n\nFreedonian captain Jo Roe and his Ruritanian counterpart, Al Poe, will decide on "
                     "their line-ups after an inspection of the pitch before the first Test at Acme Oval.\n")
    answer = bot.ask("Who won the first Test between Freedonia and Ruritania at Acme Oval?")
    assert answer.short_answer is None, answer.text


def test_a_name_after_a_title_is_a_person_whatever_the_recogniser_tagged_it() -> None:
    from index.language import Entity

    text = "South African President Thabo Mbeki, speaking at the opening, said the summit matters."
    sentence = parse(text)[0]
    start = text.index("Thabo")
    as_place = Entity(start, start + len("Thabo Mbeki"), "GPE")
    assert titled_person(text, sentence)(as_place).label == "PERSON"
    town = text.index("South")  # no title before it: left as tagged
    assert titled_person(text, sentence)(Entity(town, town + len("South African"), "NORP")).label == "NORP"


def test_who_reads_the_deed_through_going_to_participles_and_irregular_forms(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who is going to be …?" asks who will be it (not who goes); "Jo Roe, speaking at the launch, said" says Jo Roe
    spoke; "record-breaking ways" and "broke" are the deed of "Who broke the record?"; "Who wrote the book?" asks
    for the author, which a sentence that only says the book recounts events does not give."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "New coach\n\nMax Stolte will become the new coach of tennis player Jo Roe, after coach Al Poe "
                     "decided to end his contract.\n",
                     "Summit opens\n\nThe Acme Summit is under way. Freedonian President Tom Ludd, speaking at the "
                     "opening ceremony, said the world must change.\n",
                     "Swimming\n\nKim Varga has continued her record-breaking ways at the Acme Cup in Zenda, bettering "
                     "the national record in the 100 metres butterfly.\n",
                     "A new book\n\nA book, Zephyr, to be published in Ruritania in October, recounts the voyage "
                     "that made captain Ann Berg a hero.\n")
    assert _short(bot.ask("Who is going to be Jo Roe's new coach?")) == "Max Stolte"
    assert _short(bot.ask("Who spoke at the opening ceremony of the Acme Summit?")) in ("Tom Ludd",
                                                                                          "Freedonian President Tom Ludd")
    assert _short(bot.ask("Who broke the national 100 metres butterfly record at the Acme Cup?")) == "Kim Varga"
    assert _short(bot.ask("Who wrote the book Zephyr that is being published in Ruritania?")) is None


def test_irregular_forms_read_as_their_lemma_but_modals_stay(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    from index.language import irregular_lemma

    assert irregular_lemma("broke") == "break" and irregular_lemma("spoke") == "speak"
    assert irregular_lemma("men", "noun") == "man" and irregular_lemma("walked") is None
    bot = _small_bot(settings, fake_embedder, tmp_path, "War talk\n\nJo Roe says Freedonia will never start a war.\n")
    snapshot, _ = bot._ready()
    lexicon = bot.answerer.grounded.lexicon(snapshot)  # type: ignore[attr-defined]
    assert lexicon.normal("broke") == "break" and lexicon.normal("wrote") == "write"
    assert lexicon.normal("might") == "might"  # not "may", which the articles may have as the month


def test_yes_no_reads_who_a_pronoun_subject_is_and_passes_over_a_describing_participle(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Has the Acme action group suspended Freedonia before?" against "The Acme ministerial action group met.
    In recent meetings, they have suspended both Zenda and Freedonia": yes, "they" being the group; "Does Jo Roe
    accept that the man linked to the gang was in the 3rd Battalion?" against "He denies reports the man was a
    member of the 3rd Battalion": no, "linked to the gang" only saying which man."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Group meets\n\nThe Acme ministerial action group met in Zenda on Monday to discuss coups. In "
                     "recent meetings, they have suspended both Ruritania and Freedonia following military coups.\n",
                     "Army denial\n\nThe army chief, General Jo Roe, has confirmed that a man linked to the gang served "
                     "in the army. But he denies reports the man was a member of the 3rd Battalion.\n")
    assert bot.ask("Has the Acme action group suspended Freedonia before?").text.startswith("**Yes**")
    answer = bot.ask("Does Jo Roe accept that the man linked to the gang was in the 3rd Battalion?")
    assert answer.text.startswith("**No**"), answer.text


def test_was_a_name_the_noun_needs_a_sentence_that_says_that_name_is_it(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Was the Zephyr the runner-up in the Acme race?" against "Another boat, Tevake, claimed second place just
    one minute clear of the Zephyr" and "The Tevake crossed the line to be runner-up": no yes (the one is named
    beside someone else's second place; the other says who was runner-up, with the Zephyr only nearby)."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Acme race\n\nThe Acme race from Zenda to Freedonia ended on Monday. Another boat, Tevake, "
                     "claimed second place just one minute clear of Zephyr, the only local entry in the fleet. The "
                     "fast-finishing Tevake crossed the line at 6:15am to be runner-up for the second year in a row.\n")
    answer = bot.ask("Was Zephyr the runner-up in the Acme race?")
    assert not answer.text.startswith("**Yes**"), answer.text
    assert bot.ask("Was Tevake the runner-up in the Acme race?").text.startswith("**Yes**")


def test_a_persons_gender_is_read_by_full_name_where_a_family_shares_the_surname(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Family firm\n\nMr Tom Harlow runs the family firm in Zenda. He founded it in 1990.\n\nMrs Ann "
                     "Harlow is its treasurer. She joined it in 1995.\n\nTom Harlow said the firm would grow. He "
                     "plans to hire ten people.\n\nAnn Harlow said costs were rising. She wants new premises.\n")
    snapshot, _ = bot._ready()
    lexicon = bot.answerer.grounded.lexicon(snapshot)  # type: ignore[attr-defined]
    assert lexicon.gender_of("Ann Harlow") == "f" and lexicon.gender_of("Tom Harlow") == "m"
    assert lexicon.gender_of("Harlow") is None  # the surname alone is both


def test_a_name_after_a_word_for_kin_is_a_person_who_answers_and_whom_she_means(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Roe's widow Ann accompanied by son Max were to scatter the ashes": Ann (whatever the recogniser tagged her)
    is who was to scatter them, and the follow-up's "she" is Ann, the woman the articles call a widow."""
    from index.language import Entity

    text = "Roe's widow Ann accompanied by son Max were to scatter the ashes."
    sentence = parse(text)[0]
    start = text.index("Ann")
    assert titled_person(text, sentence)(Entity(start, start + 3, "GPE")).label == "PERSON"
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Last rites\n\nFans gathered for the immersion of Tom Roe's ashes in the Zenda river. Roe's widow "
                     "Ann accompanied by son Max were to scatter the ashes early this morning.\n",
                     "Old attack\n\nTom Roe was known for his love of motor racing and his second wife Ann, who saved "
                     "his life in a knife attack. He was lucky to survive a stabbing in his home in 1999.\n")
    conversation = bot.chat()
    first = conversation.ask("Who was supposed to scatter Tom Roe's ashes in the Zenda river?")
    assert _short(first) == "Ann", first.text
    follow = conversation.ask("What did she do for him back in 1999?")
    assert "Ann" in follow.query and "saved his life" in follow.text, (follow.query, follow.text)


def test_a_count_of_deaths_is_read_from_any_form_of_the_verb(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"How many people died on the trip?" against "a trip that ended with 21 people dying": 21, not a refusal
    (the count's event was read only from "died", "killed", "dead" …)."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Trip on trial\n\nA director of the company that organised a canyoning trip in 1999 that ended "
                     "with 21 people dying, 14 of them from Freedonia, has denied responsibility for the tragedy.\n")
    answer = bot.ask("How many people died on the canyoning trip?")
    assert not answer.abstained and "21" in _first(answer), answer.text


def _assert_short(bot: Assistant, question: str, expected: str) -> Answer:
    """The answer to `question`, which leads with `expected` as its short answer."""
    answer = bot.ask(question)
    assert answer.short_answer is not None and answer.short_answer.text == expected, (question, answer.text)
    return answer


def test_a_name_beside_its_kind_noun_answers_which_of_that_kind_however_it_was_tagged(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"In which suburb …?" against "the new suburb of Zendaby"; "Which township …, where …?" asks for a township
    (not for the place its "where" clause describes) and is answered by "the sprawling Qorvale township"; a town
    something happened at is a place whatever the small model tagged it."""
    from assistant.frame import _answer_type

    assert _answer_type("which sprawling harlow township, where a million people live, lies near acme?") == (
        "PLACE", "township")
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Land deal\n\nThe Tarrow people plan to develop almost 50 hectares in the new Harlow suburb of "
                     "Zendaby over the next few years. Just a few kilometres from Acmeton begins the sprawling Qorvale "
                     "township, where nearly a million people live in squalor. A yacht in the Harlow race has been "
                     "towed to St Ormsby on the east coast after losing its rudder. At Wuntaby, four people were "
                     "rescued after power lines fell across their car.\n")
    cases = {"In which new Harlow suburb do the Tarrow people plan to develop almost 50 hectares?": "Zendaby",
             "Which sprawling township, where nearly a million people live in squalor, lies near Acmeton?": "Qorvale",
             "In which town were four people rescued after power lines fell across their car?": "Wuntaby"}
    for question, name in cases.items():
        _assert_short(bot, question, name)


def test_the_holder_of_a_role_stands_in_apposition_to_its_phrase_and_an_owner_owns(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"The president of the Harlow Rowing Society, Jo Quandry, says": the parser hangs the name on "Society",
    yet Jo Quandry is the president; "Who owns the resort?" is answered by "the resort owner, Rex Dobbin"."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Club news\n\nThe president of the Harlow Rowing Society, Jo Quandry, says the club approached "
                     "the council in 1999. Following the example of the painter Al Vosk, Pelton Bay Resort owner, Rex "
                     "Dobbin, wants to hold a festival at his resort.\n")
    _assert_short(bot, "Who is the president of the Harlow Rowing Society?", "Jo Quandry")
    _assert_short(bot, "Who owns the Pelton Bay Resort?", "Rex Dobbin")


def test_a_body_is_named_by_its_web_address_its_apposition_or_the_name_after_its_noun(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Which website said …?" is answered by "Zendanews.net said"; "Which company, the biggest pay television
    operator, …?" by "the biggest pay television operator, Qorvix" (which the small model may tag a person); "Which
    travel company …?" by "travel company Travelon", a name that begins with a word of the question."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Job cuts\n\nThere was no proof that the letter was genuine, but Zendanews.net said it had been "
                     "received by its correspondent in Harlow. More than 400 staff are to lose their jobs at the "
                     "biggest regional pay television operator, Qorvix. The council is urging people affected by job "
                     "cuts at travel company Travelon to seek information about their options.\n")
    cases = {"Which website said its correspondent in Harlow had received the letter?": "Zendanews.net",
             "Which company, the biggest regional pay television operator, is cutting more than 400 jobs?": "Qorvix",
             "Which travel company is cutting jobs?": "Travelon"}
    for question, name in cases.items():
        _assert_short(bot, question, name)


def test_who_takes_over_as_someones_coach_asks_for_the_new_holder_of_that_role(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who is taking over from Al Poe as Jo Roe's coach?" against "Ty Vance will become the new coach of Jo Roe,
    after coach Al Poe decided to end his contract": the role says who, though no sentence says "take over"."""
    from assistant.frame import _answer_type

    assert _answer_type("who is taking over from al poe as jo roe's coach?") == ("PERSON", "coach")
    assert _answer_type("who took over the club?") == ("PERSON", None)
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Coach change\n\nTy Vance will become the new coach of tennis player Jo Roe, after coach Al Poe "
                     "decided to end his contract with the 20-year-old. Al Poe started coaching Jo Roe in 1999.\n")
    _assert_short(bot, "Who is taking over from Al Poe as Jo Roe's coach?", "Ty Vance")


def test_the_role_a_sentence_names_no_one_by_is_held_by_whom_the_article_names_beside_it(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who is the coroner who found …?" against "The Harlow coroner has found …" and, later, "Its chairman is the
    coroner, Jo Quandry.": Jo Quandry, cited where the article names the coroner; "a coroner" is no one in particular."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Inquest\n\nThe Harlow coroner has found that a boy who died in custody should not have been in "
                     "detention.\n\nThe rowing club elected a new board on Monday. Its chairman is the coroner, Jo "
                     "Quandry.\n\n"
                     "Another case\n\nA coroner has found that a woman who died in a crash was not wearing a belt.\n")
    answer = _assert_short(bot, "Who is the coroner who found that a boy who died in custody should not have been in "
                                "detention?", "Jo Quandry")
    assert any("Jo Quandry" in c.quote for c in answer.citations if c.n == answer.short_answer.citation)


def test_a_deed_done_at_or_towards_a_name_makes_it_a_place_but_not_a_body_or_an_acronym() -> None:
    """"At Wuntaby, …" is a place whatever it was tagged; after "to" only a name the recogniser left untagged is
    ("towed to St Ormsby", tagged a person by the small model, is not read as one: nor is "spoke to Jo Roe"), and
    never an acronym ("made to AQX leader Jo Roe")."""
    from assistant.evidence import _located
    from index.language import parse

    def located(text: str) -> list[str]:
        return [text[a:b] for s in parse(text) for a, b in _located(text, s)]

    assert located("A yacht has been towed to St Ormsby after losing its rudder.") == []
    assert located("At Wuntaby, four people were rescued after power lines fell.") == ["Wuntaby"]
    assert located("The pledges were made by groups formerly aligned to AQX leader Jo Roe.") == []
    assert located("The minister spoke to Jo Roe about the budget.") == []


def test_a_name_after_a_roles_phrase_and_a_comma_is_a_persons_though_the_closing_comma_is_missing() -> None:
    """"However the head of security, Jabril Zendavi says …": the writer left out the comma that closes the
    apposition, the parser makes the name the subject and the small model tags it a body; the role's phrase before
    the comma still makes it a person's. A name after the object of a verb or preposition is not relabelled."""
    def labels(text: str) -> dict[str, str]:
        return {text[e.start : e.end]: titled_person(text, s)(e).label for s in parse(text) for e in s.entities}

    text = "However the head of security, Jabril Zendavi says the groups must recognise who is in control."
    assert labels(text)["Jabril Zendavi"] == "PERSON"
    assert labels("After meeting the president, Zenda Holdings said it would sell.").get("Zenda Holdings") != "PERSON"


def test_a_role_only_described_is_refused_and_a_lead_role_is_named_by_the_next_new_name(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who is the council spokesman who said …?" where the article says only "a spokesman for the council says":
    the articles do not name him, and the answer says so (with the sentence as related, not cited). A definite role
    first met in the article with no one named before it is refused alike; one the sentence before names someone
    for ("Jo Roe spoke … . Asked later, the spokesman said") is not. "Harlow's mayor says …" followed by "Jo
    Quandry, a former teacher, says …" (a name the article has not used before) is answered with that name."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Roads budget\n\nA spokesman for the Harlow council says the roads budget will rise by a third "
                     "next year.\n\nThe council will vote on the budget in May.\n",
                     "Zenda fares\n\nThe Zenda transport minister said bus fares would rise in spring.\n\nCommuters "
                     "groups criticised the rise.\n",
                     "Harlow plan\n\nHarlow's mayor says the harbour plan raises more questions than it answers. Jo "
                     "Quandry, a former teacher, says the plan does not add up.\n",
                     "Qorvale port\n\nKit Marlow spoke to reporters at the Qorvale port on Monday. Asked about the "
                     "strike, the port spokesman said the docks would reopen within a week.\n")
    for question in ("Who is the Harlow council spokesman who said the roads budget will rise by a third?",
                     "Who is the Zenda transport minister who said bus fares would rise?"):
        answer = bot.ask(question)
        assert answer.abstained and not answer.citations, (question, answer.text)
        assert answer.related, question
    _assert_short(bot, "Who is the mayor of Harlow who criticised the harbour plan?", "Jo Quandry")
    assert not bot.ask("Who is the port spokesman who said the docks would reopen within a week?").abstained

    answer = bot.settings.answer.model_copy(update={"refuse_without_span": "never"})
    never = Assistant(bot.settings.model_copy(update={"answer": answer}), embedder=fake_embedder)
    assert not never.ask("Who is the Harlow council spokesman who said the roads budget will rise by a third?").abstained
    # 'named' refuses a who-question without a name of its kind, but not a role spoken of right after a name
    answer = bot.settings.answer.model_copy(update={"refuse_without_span": "named"})
    named = Assistant(bot.settings.model_copy(update={"answer": answer}), embedder=fake_embedder)
    assert not named.ask("Who is the port spokesman who said the docks would reopen within a week?").abstained


def test_a_participle_ends_the_role_of_a_who_is_question() -> None:
    from assistant.frame import _answer_type

    assert _answer_type("who is the 21-year-old man accused of stealing a car?") == ("PERSON", "man")
    assert _answer_type("who is the woman arrested in zenda?") == ("PERSON", "woman")
    assert _answer_type("who is the chief executive of acme?") == ("PERSON", "executive")


def test_a_kind_the_articles_only_describe_is_refused(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"Which Harlow team won the Zenda Cup?" where the article says "a Harlow team took out the Zenda Cup": no
    team is named, so the articles do not say which; "Which team won the Ormsby Shield?" is answered where one is."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Canoe marathon\n\nAfter 400 exhausting kilometres on the river, a Harlow team took out the "
                     "strongly contested Zenda Cup this afternoon.\n\nThe race ended at the Zenda weir.\n",
                     "Rowing\n\nThe Qorvale Paddlers team won the Ormsby Shield on Sunday.\n")
    answer = bot.ask("Which Harlow team won the Zenda Cup in the canoe marathon?")
    assert answer.abstained and not answer.citations, answer.text
    _assert_short(bot, "Which team won the Ormsby Shield?", "Qorvale Paddlers")


def test_the_pair_stands_for_the_people_the_sentence_before_names_together(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Which premier did Jo Roe and Al Poe meet?" against "Jo Roe and Al Poe want a new stadium. The pair met
    with the Zendan Premier, Kit Marlow, yesterday": "the pair" is Roe and Poe, so the second sentence answers."""
    from assistant.evidence import _group_referent

    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Stadium bid\n\nBusinessmen Jo Roe and Al Poe want a new football stadium built in Harlow. The "
                     "pair met with the Zendan Premier, Kit Marlow, yesterday to update him on the bid.\n\nJo Roe "
                     "once worked as an adviser to a former premier, Sam Hill, who met him in Ormsby.\n")
    _assert_short(bot, "Which premier did Jo Roe and Al Poe meet?", "Kit Marlow")
    text = "Jo Roe and Al Poe want a stadium. The pair met the mayor. The council met on Monday. The pair left."
    sentences = parse(text)
    found = _group_referent(text, sentences, 1)
    assert found is not None and text[slice(*found[1])] == "Jo Roe and Al Poe"
    assert _group_referent(text, sentences, 3) is None  # the sentence before names no one


def test_a_kind_noun_is_named_by_called_and_an_acronym_stays_a_name() -> None:
    """"an area called Zenda Flats" names an area (and "a group known as Acme Watch" a group); "US" in a
    question is the acronym, not the pronoun "us" (whose lemma is "we")."""
    from collections import Counter

    from assistant.evidence import _named_kind
    from assistant.frame import Lexicon

    def named(text: str, noun: str) -> list[str]:
        return [text[a:b] for s in parse(text) for a, b, _, _ in _named_kind(text, s, noun, "GPE")]

    assert named("The plane came down just before midnight in an area called Zenda Flats, north of the town.",
                 "area") == ["Zenda Flats"]
    assert named("The march was organised by a group known as Acme Watch.", "group") == ["Acme Watch"]
    assert named("The plane came down in an area north of the town.", "area") == []
    words = ["us", "we", "navy", "ship", "hold"]
    lex = Lexicon(lemma={**{w: w for w in words}, "us": "we"}, entity_words={"navy": Counter(ORG=3)},
                  df=Counter(us=5, we=9, navy=3, ship=4, hold=6), n_sentences=100, vocabulary=frozenset(words),
                  by_initial={}, pos={})
    frame = analyse_frame("On which US Navy ship is he held?", lex)
    assert "us" in frame.terms and "we" not in frame.terms
    assert "we" in analyse_frame("Did the minister tell us the truth?", lex).terms


def test_a_span_in_the_sentence_that_says_the_questions_verb_comes_first(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Where is the mentally ill killer Jo Roe now thought to be?" against "The mentally ill Jo Roe stabbed to
    death a teenager in Harlow … . … He is now thought to be in Zenda.": the sentence that says what is asked
    ("thought to be") answers, not the one that only names him (both hold a place)."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Killer flees\n\nThe Qorvale Premier says he accepts full responsibility for a mentally ill "
                     "killer being able to flee overseas.\n\nThe mentally ill Jo Roe stabbed to death a teenager in "
                     "Harlow in 1998 and was receiving treatment for a mental illness. However, he absconded from a "
                     "Qorvale mental health facility earlier this year. He is now thought to be in Zenda.\n")
    _assert_short(bot, "Where is the mentally ill killer Jo Roe now thought to be?", "Zenda")


def test_the_26_year_old_stands_for_the_person_named_last_before_it(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"How old is Jo Roe?" against "… suspected fighter Jo Roe. Senator Al Poe says little is known about the
    26-year-old's background.": an age used as a noun stands for whoever was named last before it (not the speaker
    of its sentence); "the 30-year-old man" describes someone and stands for no one."""
    from assistant.evidence import _aged_referent

    text = "Police arrested Jo Roe in Harlow. The 27-year-old is being held at the Zenda jail. The 30-year-old man left."
    sentences = parse(text)
    assert [(lambda r: r and text[r[0] : r[1]])(_aged_referent(text, sentences, i)) for i in range(3)] == [
        None, "Jo Roe", None]
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Fighter held\n\nThe Defence Minister, Al Poe, says the Government is still trying to interview "
                     "suspected fighter Jo Roe. Senator Poe says the Government does not know much more than what is "
                     "on the public record about the 26-year-old's background.\n\nJo Roe was captured by rebel "
                     "forces three days ago and is now held by troops.\n")
    answer = bot.ask("How old is Jo Roe?")
    assert answer.short_answer is not None and "26" in answer.short_answer.text, answer.text


def test_a_figures_table_keeps_only_figures_counted_where_the_question_places_them(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"How many militants were killed in Zenda?": sources' figures of militants killed elsewhere ("in 2014 alone",
    "after fighting in Ormsby") are no answer; the sentence that counts those killed in Zenda is."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Zenda raid\n\nThe special operation in the Zenda Republic was the biggest in months in terms of "
                     "the number of militants killed, with 11 individuals neutralized.\n",
                     "Insurgency\n\nAn estimated 249 militants were killed in 2014 alone, according to the monitoring "
                     "group Harlow Watch.\n",
                     "Envoy warns\n\nEnvoy Jo Roe said that at least five militants who returned after fighting in "
                     "Ormsby had been killed by police.\n")
    answer = bot.ask("How many militants were killed in Zenda?")
    assert answer.kind != "figures" and answer.short_answer is not None and answer.short_answer.text == "11", answer.text


def test_a_role_is_held_elsewhere_only_by_a_name_beside_it_with_no_verb_between() -> None:
    """"the coroner, Jo Roe, said" names the coroner; "Sergeant Al Poe says the man was caught" does not name the
    man (the name says something about him)."""
    from assistant.evidence import _role_named_elsewhere

    def held(text: str, role: str) -> str | None:
        found = _role_named_elsewhere(text, parse(text), 0, role)
        return text[found[0] : found[1]] if found else None

    assert held("The coroner has found the boy died in custody. The coroner, Jo Roe, said so.", "coroner") == "Jo Roe"
    assert held("Police pursued the man for an hour. Senior Sergeant Al Poe says the man was caught.", "man") is None


def test_a_word_the_articles_write_before_names_types_a_which_question_as_a_person(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Which track marshal died …?": no list says a marshal is a person, but the articles write "marshal" before
    people's names ("track marshal Jo Roe"), so the lexicon learns it as a title and the question asks for a
    person; the marshal who died is named."""
    from assistant.frame import _titles_before_names

    text = "Track marshal Jo Roe died after being hit by debris."
    assert _titles_before_names(text, parse(text)[0]) == ["marshal"]
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Track death\n\nTrack marshal Jo Roe died after being hit by flying debris at the Harlow circuit "
                     "on Sunday. His colleague, track marshal Al Poe, was not hurt.\n")
    snapshot, _ = bot._ready()
    assert "marshal" in bot.answerer.grounded.lexicon(snapshot).titles  # type: ignore[attr-defined]
    _assert_short(bot, "Which track marshal died at the Harlow circuit?", "Jo Roe")


def test_a_form_of_address_in_the_question_is_part_of_the_name_not_a_word_the_answer_must_say(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """'How old was Sir Jo Roe?' is answered from "Mr Roe, 53, was aboard …": the article calls him "Sir" once
    and "Mr" after, and neither word is what the question asks about."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Sailor killed at sea\n\nThe famous sailor Sir Jo Roe was killed off the coast of Zenda on "
                     "Friday, his sponsors said.\n\nMr Roe, 53, was aboard his yacht with the crew when pirates "
                     "boarded it.\n")
    _assert_short(bot, "How old was Sir Jo Roe?", "53")


def test_how_old_was_the_one_a_named_person_harmed_asks_the_described_ones_age_not_the_names(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"How old was the schoolgirl Jo Roe murdered?" asks the girl's age; Jo Roe is who murdered her. "How old is the
    teacher Jo Roe?" still asks Jo Roe's."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Verdict in Harlow\n\nJo Roe was sentenced to life in prison for the murder of nine-year-old "
                     "Ann Lee in Harlow.\n\nRoe, a former teacher aged 48, showed no emotion as the verdict was "
                     "read.\n")
    _assert_short(bot, "How old was the schoolgirl Jo Roe murdered?", "nine-year-old")
    answer = bot.ask("How old is the teacher Jo Roe?")
    assert "nine" not in _first(answer), answer.text


def test_to_which_town_is_the_name_after_to_of_the_asked_verb_however_the_recogniser_tagged_it(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"To which town was the yacht towed?" is answered by "towed to St Ormsby", which the small model tags a
    person: the question asks for the place its own verb went to."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Storm hits the fleet\n\nThe stricken yacht Qorvale has been towed to St Ormsby on the east "
                     "coast after losing its rudder.\n\nIts crew of six were unhurt, race officials said.\n")
    _assert_short(bot, "To which town was the yacht Qorvale towed after losing its rudder?", "St Ormsby")


def test_a_description_beside_a_name_in_the_question_says_which_one_and_need_not_be_in_the_answers_sentence(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who is the skipper of Qorvale, the Harlow maxi that won the Zenda Cup last year?": the sentence that names
    the skipper says nothing of Harlow or the cup; the article does, a paragraph earlier."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Fleet ready for the start\n\nForty yachts will start the Zenda Cup today, among them the Harlow "
                     "maxi Qorvale, which won the Zenda Cup last year.\n\nThe weather bureau expects strong winds "
                     "on the first night.\n\nKit Marlow, the skipper of Qorvale, says the crew is ready for a "
                     "rough race.\n")
    _assert_short(bot, "Who is the skipper of Qorvale, the Harlow maxi that won the Zenda Cup last year?", "Kit Marlow")


def test_a_role_held_by_another_or_in_a_lesser_rank_does_not_answer_who_holds_it(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who is Zenda's foreign minister?" is not answered by "Harlow Foreign Minister Jo Roe", nor "Who is the premier
    of Harlow?" by "Deputy Premier Al Poe"; "Who is Harlow's foreign minister?" is answered by Jo Roe."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Border talks stall\n\nHarlow Foreign Minister Jo Roe warned Zenda on Monday that the border "
                     "dispute was growing tense.\n\nIn Harlow's parliament, Deputy Premier Al Poe said the army was "
                     "ready.\n")
    _assert_short(bot, "Who is Harlow's foreign minister?", "Jo Roe")
    for question, wrong in (("Who is Zenda's foreign minister?", "Jo Roe"), ("Who is the premier of Harlow?", "Al Poe")):
        assert f"**{wrong}**" not in bot.ask(question).text, question
    (tmp_path / "fined").mkdir()
    bot = _small_bot(settings, fake_embedder, tmp_path / "fined",
                     "Tour company fined\n\nThe Harlow tour company Qorvale Tours was fined over the canyon "
                     "accident. Qorvale Tours president Kit Marlow, vice-president Ann Lee and director Bo Dane were "
                     "each given a suspended sentence.\n")
    _assert_short(bot, "Who was the president of the Harlow tour company Qorvale Tours fined over the accident?",
                  "Kit Marlow")


def test_which_party_is_never_answered_by_the_people_a_group_word_stands_for(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Which political party does Premier Kit Marlow belong to?" over "Jo Roe and Al Poe bid … . The pair met the
    Premier, Kit Marlow, …": "the pair" are people, no party."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Port bid\n\nBusinessmen Jo Roe and Al Poe have made a joint bid for the Harlow port. The pair "
                     "met the Zenda Premier, Kit Marlow, yesterday to update him on the bid.\n")
    answer = bot.ask("Which political party does Zenda Premier Kit Marlow belong to?")
    assert "**Jo Roe and Al Poe**" not in answer.text, answer.text


def test_who_told_is_the_speaker_of_the_quote_not_a_name_inside_it(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Which fireman told the inquiry he had warned the owners?" over '"… I called Mr Roe … but Mr Roe said …," Mr
    Poe said': the one who speaks is Mr Poe; Mr Roe is only named in his words."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Gorge inquiry\n\nA Harlow fireman has told the inquiry he warned the tour owners about the "
                     "gorge many times.\n\n\"For two years I called Mr Roe and told him the gorge was dangerous, but "
                     "Mr Roe assured me there were no problems there,\" Mr Poe said.\n")
    answer = bot.ask("Which fireman told the inquiry he was assured there were no problems at the dangerous gorge?")
    assert "**Roe**" not in answer.text, answer.text


def test_the_speaker_of_a_quotation_is_found_through_his_said_and_only_while_the_quotation_is_open(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """'"A," he said. "B."': B's speaker is who "he" is, named further back (not a name inside the quoted words);
    a quotation closed by '," she said.' is not spoken by the next sentence's speaker; a name after a title the
    recogniser missed ("Queen Ann Roe"), or after a word for a person in lower case ("envoy Al Poe"), is a person."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Asylum claims\n\nThe Harlow Foreign Minister Kit Marlow has refused to say how long the claims "
                     "will wait. But he says the main threat to most people is gone. \"Many Zendans who came here "
                     "claimed that they were fleeing the militia,\" he said. \"Well, the militia is finished.\" "
                     "Meanwhile, a ferry left the island on Monday.\n",
                     "Obesity study\n\nThe study by the Harlow Health Institute shows obesity is rising. Professor Ann "
                     "Lee says the results are grave. She says the results are frightening for adults. \"This is a "
                     "worry for heart disease because research shows a link with weight,\" she said. Dietitian Jo Roe "
                     "says the results are not surprising.\n",
                     "Christmas messages\n\nThe sombre mood was typified by Qorvale's Queen Bo Dane, who said the year "
                     "brought many trials. \"The outrages last autumn brought home the grief of ordinary people "
                     "caught up in such evil,\" she said.\n",
                     "Envoy warns\n\nThe army moved tanks into the city on Monday. \"We are close to a full war "
                     "between the two sides,\" Harlow peace envoy Al Poe-Ormsby warned. \"If that happens the "
                     "council will be completely crushed,\" he said.\n")
    _assert_short(bot, "Who said the militia is finished?", "Kit Marlow")
    _assert_short(bot, "Who warned that obesity is a worry for heart disease?", "Ann Lee")
    _assert_short(bot, "Who said the outrages brought home the grief of ordinary people caught up in evil?",
                  "Queen Bo Dane")
    _assert_short(bot, "Who warned that the council could be completely crushed?", "Al Poe-Ormsby")


def test_an_ing_word_that_describes_a_noun_is_not_the_verb_a_yes_no_question_asks(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Were the two surviving guides acquitted in the Harlow rafting case?" asks whether they were acquitted:
    "Two guides who survived were acquitted", after a sentence that names the case, says yes; a sentence that
    never says what was asked ("a patient on board") still gets no verdict."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Rafting verdict\n\nA court in Harlow has ruled on the rafting case in which nine tourists "
                     "drowned in 2019. Two guides who survived were acquitted. The company boss was fined.\n",
                     "Plane crash\n\nA Qorvale Air Ambulance plane crashed near Ormsby last night. The aircraft, with "
                     "two crew members on board, had come to fly a boy to hospital.\n")
    _assert_short(bot, "Were the two surviving guides acquitted in the Harlow rafting case?", "Yes")
    answer = bot.ask("Was there a patient on board the Qorvale Air Ambulance plane when it crashed near Ormsby?")
    assert answer.short_answer is None, answer.text


def test_an_age_given_to_a_description_of_the_named_person_is_their_age(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"a day after the 80-year-old former ruler was put on a drip" after "former dictator Jo Roe": the age is Jo
    Roe's; an unnamed "a 30-year-old man" is nobody named before."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Ruler in hospital\n\nThe condition of former Zendan dictator Jo Roe has improved, a day after the "
                     "80-year-old former ruler was put on a drip.\n",
                     "Court\n\nMagistrate Bo Dane heard the case on Monday. Police said a 30-year-old man was charged "
                     "with theft.\n")
    _assert_short(bot, "How old is Jo Roe?", "80-year-old")
    assert bot.ask("How old is Bo Dane?").short_answer is None


def test_the_plural_name_of_a_people_counts_those_who_fight_only_when_the_articles_use_it() -> None:
    """"3,000 Zendans are fighting": a people the indexed articles name (tagged as a nationality) counts fighters,
    like "fighters" or "nationals"; no people's name is written into the code."""
    from assistant.figures import AGENTS, mentions
    from assistant.lexicon import learn_from_corpus, learned_from

    found = mentions("Some 3,000 Zendans are fighting with the militia in Harlow.")[0]
    assert found.group is None
    with learned_from(learn_from_corpus([], set(), {"Zendans"})):
        assert found.group == "agent"
    assert all(w.islower() and not w.endswith(("ian", "ien")) for w in AGENTS)


def test_an_acronym_the_articles_spell_out_and_a_speaker_are_no_place(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"WZ" is the "Western Zenda" the articles write out (no refusal for a name they "never mention"), and "Geo-science
    Harlow says the epicentre was in Ormsby" answers where with Ormsby, not with the body that says so."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Quake\n\nAn earthquake measuring 4.1 has shaken parts of Western Zenda's wheatbelt overnight. "
                     "Geo-science Harlow says the epicentre was in Ormsby, 240 kilometres north-east of Qorvale. "
                     "Residents said the quake woke them.\n")
    _assert_short(bot, "Where was the epicentre of the earthquake that shook WZ's wheatbelt overnight?", "Ormsby")


def test_a_yes_no_question_is_answered_by_the_opposite_word_and_its_asides_may_be_said_around(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Were the guides convicted?" against "were acquitted" is a no; "Did the Zorb worm erase data like the new Qorvale
    virus?" against "Zorb, however, did not erase data", beside a sentence about the Qorvale virus, is a no: what the
    worm is and what it is compared with need not be repeated in the deciding sentence."""
    bot = _small_bot(settings, fake_embedder, tmp_path,
                     "Rafting verdict\n\nA court in Harlow has ruled on the rafting case in which nine tourists "
                     "drowned in 2019. Two guides who survived were acquitted. The company boss was fined.\n",
                     "Virus\n\nExperts have warned of a new Qorvale computer virus that can erase data from a hard "
                     "drive. It comes right after the Zorb worm, another attacker that spread by email. Zorb, however, "
                     "did not erase data.\n")
    _assert_short(bot, "Were the two guides who survived the Harlow rafting case convicted?", "No")
    _assert_short(bot, "Did the Zorb worm erase data like the new Qorvale virus?", "No")
    (tmp_path / "crash").mkdir()
    bot = _small_bot(settings, fake_embedder, tmp_path / "crash",
                     "Crash report\n\nThe safety bureau released its report into the Zendair crash today. The report "
                     "has ruled out pilot error, saying mechanical failures in both engines forced the pilot to ditch.\n")
    _assert_short(bot, "Did the report into the Zendair crash blame pilot error?", "No")


def _assert_not_named(answer: Answer, name: str) -> None:
    """The answer does not give `name` as its short answer, nor lead with it in bold."""
    assert _short(answer) != name and f"**{name}**" not in answer.text, (name, answer.text)


def test_who_says_something_did_not_do_the_deed_asked_unless_saying_is_the_deed(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who captained the side?" is not answered by the coach who "says his team …"; "Who criticised the plan?" and
    "Who scoffed that …?" are answered by whoever says so."""
    text = ("Cricket test\n\nHarlow cricket coach Jo Roe says his team will go into the final day of the third Test "
            "against Zenda aiming to win.\n\nOpposition leader Kit Marlow says the Qorvale stadium plan is a "
            "disgrace and a waste of money.\n")
    bot = _small_bot(settings, fake_embedder, tmp_path, text)
    _assert_not_named(bot.ask("Who captained the Harlow cricket team in the third Test against Zenda?"), "Jo Roe")
    _assert_short(bot, "Who criticised the Qorvale stadium plan?", "Kit Marlow")
    _assert_short(bot, "Who scoffed that the Qorvale stadium plan is a waste of money?", "Kit Marlow")


def test_a_name_beside_the_asked_role_is_not_across_a_clause_verb(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who is the man arrested in Zenda …?" is not answered by "Al Poe, says the man left …" (a verb stands
    between them); "a small satellite called Starshine 2" still names the satellite."""
    text = ("Arrest\n\nMinister Jo Roe has expressed concern about a man who was arrested in Zenda and has "
            "confessed to planning attacks in Harlow.\n\nThe Attorney-General, Al Poe, says the man left Harlow "
            "in 1998 and has not been back.\n\nOn Sunday the crew deployed a small satellite called Starshine 2 "
            "from the shuttle.\n")
    bot = _small_bot(settings, fake_embedder, tmp_path, text)
    man = bot.ask("Who is the man arrested in Zenda who confessed to planning attacks in Harlow?")
    _assert_not_named(man, "Al Poe")
    _assert_not_named(man, "Jo Roe")
    _assert_short(bot, "What was the name of the small satellite the crew deployed from the shuttle?", "Starshine 2")


def test_a_role_holder_named_with_a_bare_title_elsewhere_in_the_article_answers_who_holds_it(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Who is the chief executive of the insurer that shelved …?" is answered from the sentence that says what the
    insurer did and the one person its article names "Chief executive …"; not by "Zorb chief executive Al Poe" (another
    body's), nor for a bank whose article names no chief executive."""
    insurer = ("Insurer results\n\nCash-strapped insurer Acmecorp has shelved a plan to buy back shares after its profits "
               "crashed in the half year.\n\nChief executive Jo Roe said the result was solid in hard markets.\n\n"
               "Zorb chief executive Al Poe said rivals would gain.\n")
    bank = "Bank jobs\n\nHarlow Bank plans to cut about 1,000 jobs as its profit rose 11 per cent.\n"
    bot = _small_bot(settings, fake_embedder, tmp_path, insurer, bank)
    answer = _assert_short(bot, "Who is the chief executive of the cash-strapped insurer that shelved a plan to buy "
                                "back shares after its profits crashed in the half year?", "Jo Roe")
    assert any("Acmecorp has shelved" in c.quote for c in answer.citations)
    assert _short(bot.ask("Who is the chief executive of Harlow Bank?")) is None


def test_the_next_sentences_subject_with_a_title_of_their_own_is_not_the_one_a_role_introduced(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"The 26-year-old man was arrested … . The Attorney-General Jo Roe says …": the attorney-general is not the man,
    so "What is the name of the man …?" gets no name."""
    text = ("Arrest abroad\n\nPolice have interviewed the family of a Harlow man who has been fighting in Zenda. "
            "The 26-year-old man was arrested by Zenda rebels at the weekend. The Federal Attorney-General Jo Roe "
            "says he cannot confirm reports the man has family in Ormsby.\n")
    bot = _small_bot(settings, fake_embedder, tmp_path, text)
    _assert_not_named(bot.ask("What is the name of the 26-year-old Harlow man arrested by Zenda rebels?"), "Jo Roe")


def test_which_of_a_people_before_a_verb_asks_for_a_person(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"Which Italian won the backstroke?" asks for a person of that people (the articles tag "Italian" NORP), who may
    be written "Italy's Jo Roe"; "Which Italian city …?" still asks for a city."""
    text = ("Swim meet\n\nItalian swimmers won nine of the twelve events at the Harlow meet last night. World champion "
            "Al Poe was the first swimmer eliminated from the 50 metres backstroke, which was eventually won by "
            "Italy's Jo Roe.\n\nThe Italian team flies home to Rome on Monday.\n")
    bot = _small_bot(settings, fake_embedder, tmp_path, text)
    _assert_short(bot, "Which Italian won the 50 metres backstroke at the Harlow meet?", "Jo Roe")
    from assistant.frame import _people_asked

    lexicon = bot.answerer.grounded.lexicon(bot._ready()[0])  # type: ignore[attr-defined]
    assert _people_asked("which italian won the backstroke?", lexicon)
    assert not _people_asked("which italian city does the team fly home to?", lexicon)


def test_which_body_is_answered_by_the_body_not_by_the_person_speaking_for_it(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Which institute says …?" asks for a body (an institute is one): never the person who says it for them."""
    from assistant.frame import _answer_type

    assert _answer_type("which institute says it is ready?") == ("ORG", "institute")
    text = ("Embryo plan\n\nA Zenda couple is seeking approval to have a baby matched to their sick toddler. Al Poe "
            "works at the Harlow Institute of Reproduction. \"Who wouldn't think about how you could save a sick "
            "child's life,\" Professor Poe said of the procedure.\n")
    bot = _small_bot(settings, fake_embedder, tmp_path, text)
    answer = bot.ask("Which institute says you could save a sick child's life with the procedure?")
    assert _short(answer) not in ("Poe", "Al Poe", "Professor Poe"), answer.text


def test_which_titled_person_prefers_a_name_written_with_that_title(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Which skipper ended up in hospital …?": "Skipper Jo Roe is in hospital" names him, before the name the
    sentence after "… one of them with an injured skipper" begins with (a yacht the small model tags a person)."""
    text = ("Yacht race\n\nThree more yachts pulled out of the Harlow race overnight, one of them with an injured "
            "skipper. Kit Marlow arrived at Ormsby early today. Skipper Jo Roe is in hospital with neck injuries, "
            "but his condition is not serious.\n")
    bot = _small_bot(settings, fake_embedder, tmp_path, text)
    _assert_short(bot, "Which Harlow race skipper ended up in hospital with neck injuries after his yacht pulled out?",
                  "Jo Roe")


def test_the_counted_noun_may_be_written_as_its_synonym(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"How many bank employees …?" counts the "bank staff" of "About 9,000 Harlow bank staff will walk off the job";
    "How many bank customers …?" is still not answered by that number."""
    text = ("Bank strike\n\nAbout 9,000 Harlow bank staff will walk off the job this week in the first national "
            "stoppage of its kind in three decades.\n\nThe stoppage will occur on Thursday and Friday.\n")
    council = "Council pay\n\nThe council said its employees would get a pay rise. Customers of the library were told.\n"
    bot = _small_bot(settings, fake_embedder, tmp_path, text, council)
    _assert_short(bot, "Roughly how many Harlow bank employees were expected to take part in the national strike?",
                  "About 9,000")
    assert _short(bot.ask("How many Harlow bank customers were expected to take part in the national strike?")) is None


def test_the_first_wh_word_asks_and_a_later_how_many_does_not() -> None:
    """"Which company … will decide how many employees stay?" asks for a company; "Roughly how many …?" for a count."""
    from assistant.frame import _answer_type

    assert _answer_type("which company are the new owners who will decide how many employees stay?") == (
        "ORG", "company")
    assert _answer_type("roughly how many bank employees were expected to strike?")[0] == "COUNT"


def test_a_body_the_small_model_tagged_a_person_answers_which_body_did_the_deed(  # type: ignore[no-untyped-def]
        settings, fake_embedder, tmp_path: Path) -> None:
    """"Which airline is offering $5 flights?" against "Virgin Blue has begun offering $5 flights …" (tagged a
    person): the subject that does the asked verb is the airline; a person titled as one ("Pilot Jo Roe") is not."""
    text = ("Cheap fares\n\nVirgin Blue has begun offering $5 flights from Harlow to five major cities.\n\n"
            "Both the union and Qorvale Air say there will not be flight disruptions.\n")
    bot = _small_bot(settings, fake_embedder, tmp_path, text)
    _assert_short(bot, "Which airline is offering $5 flights from Harlow?", "Virgin Blue")
