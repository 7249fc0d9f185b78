"""Question frames on a hand-built corpus lexicon: which question words are name constraints."""

from __future__ import annotations

from collections import Counter

from assistant.frame import Lexicon, analyse_frame


def lexicon() -> Lexicon:
    """A corpus of 100 sentences where "new" is mostly the adjective and once part of "New South Wales"."""
    words = ["new", "south", "wales", "interim", "leader", "democrats", "greig", "appointed", "senator", "party"]
    entity_words = {"new": Counter(GPE=1), "south": Counter(GPE=1), "wales": Counter(GPE=1),
                    "democrats": Counter(NORP=5), "greig": Counter(PERSON=3)}
    df = Counter(new=8, south=1, wales=1, interim=2, leader=6, democrats=5, greig=3, appointed=2, senator=9, party=7)
    return Lexicon(lemma={w: w for w in words}, entity_words=entity_words, df=df, n_sentences=100,
                   vocabulary=frozenset(words), by_initial={}, pos={"new": Counter(ADJ=7, PROPN=1)})


def test_a_word_the_corpus_mostly_uses_outside_names_is_not_a_name_word() -> None:
    lex = lexicon()
    assert not lex.is_name_word("new")  # inside a name in 1 of the 8 sentences that use it
    assert lex.is_name_word("democrats") and lex.is_name_word("greig") and lex.is_name_word("wales")


def test_new_is_not_a_constraint_of_who_is_the_new_leader() -> None:
    """'new' in "the new interim leader" must not be a hard term: the sentence that answers says 'appointed'."""
    frame = analyse_frame("Who is the new interim leader of the Democrats?", lexicon())
    assert frame.answer_type == "PERSON"
    assert frame.hard == ("democrats",)
    assert "new" in frame.terms  # still a soft term for ranking


def test_compared_sides_are_the_names_joined_by_and() -> None:
    from assistant.engine import _sides
    from assistant.frame import Frame

    frame = Frame(text="Compare what Washington and Moscow said about the Georgian bombings", intent="compare",
                  groups=(("washington",), ("moscow",), ("georgian",)))
    assert _sides(frame) == ["washington", "moscow"]


def test_who_is_a_name_and_more_is_a_definition_not_a_request_for_a_person() -> None:
    from assistant.frame import intent_of

    assert intent_of("Who is Jane Doe and what is she worried about?") == "definition"
    assert intent_of("Who is Jane Doe?") == "definition"
    assert intent_of("Who is the mayor and what did he promise?") == "factoid"  # asks for a person


def test_how_big_a_deal_asks_how_much_it_mattered_not_for_a_measure() -> None:
    from assistant.frame import _answer_type

    assert _answer_type("how big a deal was the defection for the group?")[0] is None
    assert _answer_type("how big a threat is the group?")[0] is None
    assert _answer_type("how big an area burned, in hectares?")[0] == "QUANTITY"
    assert _answer_type("how big was the crowd?")[0] == "QUANTITY"


def test_a_yes_no_question_with_a_relative_clause_stays_yes_no_and_is_not_a_count() -> None:
    from assistant.frame import intent_of
    from assistant.question import question_type

    q = "Did the minister think the number of people who left might be higher than his estimate?"
    assert intent_of(q) == "yes-no" and question_type(q) != "quantity"
    assert intent_of("Did she say what happened next?") != "yes-no"


def test_asking_for_the_big_picture_or_a_summary_of_the_reports_is_an_overview() -> None:
    from assistant.frame import intent_of

    for q in ("Give me the big picture: what has been happening?", "Summarise these reports",
              "Can you give me a summary of the news?", "Give me a rundown of the stories",
              "Which news topics do your sources cover?", "What do the articles cover?",
              "What do your sources mostly report on?"):
        assert intent_of(q) == "overview", q
    assert intent_of("What is the summary of the court ruling?") != "overview"
    assert intent_of("What do the reports say the minister will cover?") != "overview"


def test_in_charge_of_is_matched_as_the_word_an_article_uses() -> None:
    frame = analyse_frame("Who is in charge of the Democrats these days?", lexicon())
    assert "lead" in frame.terms or "leads" in frame.terms
    assert "charge" not in frame.terms


def test_an_english_word_the_corpus_lacks_is_not_read_as_a_misspelt_corpus_word() -> None:
    """"beach" in a corpus that has "breach" but no beach stays "beach" (the articles may simply not mention it);
    a real misspelling ("goverment") is still corrected."""
    words = ["breach", "whale", "tangled", "coast", "government"]
    by_initial: dict[str, list[str]] = {}
    for w in words:
        by_initial.setdefault(w[0], []).append(w)
    lex = Lexicon(lemma={w: w for w in words}, entity_words={}, df=Counter(words), n_sentences=50,
                  vocabulary=frozenset(words), by_initial=by_initial)
    assert lex.correct("beach") is None
    assert "beach" in analyse_frame("Which beach was the whale tangled off?", lex).terms
    assert lex.correct("goverment") == "government"


def test_a_misspelt_question_is_searched_as_the_corpus_words_it_stands_for() -> None:
    from assistant.frame import correct_spelling

    words = ["which", "republic", "vulnerable", "envoy", "said", "most", "beach", "breach"]
    by_initial: dict[str, list[str]] = {}
    for w in words:
        by_initial.setdefault(w[0], []).append(w)
    lex = Lexicon(lemma={w: w for w in words}, entity_words={}, df=Counter(words), n_sentences=50,
                  vocabulary=frozenset(words), by_initial=by_initial)
    assert correct_spelling("Wich republik did the envoy say was the most vulnrable?", lex) == \
        "Which republic did the envoy say was the most vulnerable?"
    assert correct_spelling("Which beach was it?", lex) == "Which beach was it?"  # an English word stays


def test_the_words_of_the_earlier_turn_a_follow_up_is_about_count_half() -> None:
    frame = analyse_frame("How many crew were on board? (about: People died in the plane crash)", lexicon())
    own, context = frame.weights["crew"], frame.weights["crash"]
    alone = analyse_frame("People died in the plane crash", lexicon()).weights["crash"]
    assert context == 0.5 * alone and own > 0


def test_a_dictionary_word_written_in_lower_case_is_no_name_in_a_question_that_capitalises_its_names() -> None:
    """"staff" is mostly met inside names ("Staff Sergeant …") in a corpus, but "the Democrats' staff" asks about
    staff; typed all in lower case, the corpus's view still decides."""
    lex = lexicon()
    lex.entity_words["staff"] = Counter(PERSON=4)
    lex.df["staff"] = 4
    lex.lemma["staff"] = "staff"
    lex = Lexicon(lemma=lex.lemma, entity_words=lex.entity_words, df=lex.df, n_sentences=100,
                  vocabulary=lex.vocabulary | {"staff"}, by_initial={}, pos=lex.pos)
    assert analyse_frame("Which senator did the staff of the Democrats appoint?", lex).hard == ("democrats",)
    assert "staff" in analyse_frame("which senator did the staff of the democrats appoint", lex).hard


def test_how_heavy_or_how_wide_asks_for_a_measure() -> None:
    for q in ("How heavy was the bomb?", "How wide is the river?", "How deep was the shaft?"):
        assert analyse_frame(q, lexicon()).answer_type == "QUANTITY", q


def test_how_much_something_costs_asks_for_money() -> None:
    for q in ("How much would the proposed motorway cost?", "How much is the painting worth?",
              "How much will the council spend on roads?"):
        assert analyse_frame(q, lexicon()).answer_type == "MONEY", q
    assert analyse_frame("How much rain fell overnight?", lexicon()).answer_type == "AMOUNT"


def test_what_does_a_titled_person_say_asks_for_no_person() -> None:
    """"What does Treasurer Jo Roe say …?": the title after the auxiliary types no answer."""
    assert analyse_frame("What does Treasurer Jo Roe say is the only plan?", lexicon()).answer_type is None
    assert analyse_frame("Which senator was appointed?", lexicon()).answer_type == "PERSON"


def test_the_counted_noun_stops_at_a_verb_the_corpus_never_uses() -> None:
    """"How many building workers downed tools …?" counts workers: "downed", which the corpus lacks, is a verb in
    the dictionary, not a noun that would make "tools" the counted thing."""
    assert lexicon().head_noun("building workers downed tools to rally outside") == "workers"
    assert lexicon().head_noun("striking miners walked out") == "miners"


def test_a_question_about_what_someone_knows_is_yes_or_no_and_a_request_is_not() -> None:
    from assistant.lexicon import is_yes_no, knowing_verb

    assert is_yes_no("Does the council know why the mayor resigned?")
    assert knowing_verb("Does the council know why the mayor resigned?") == "know"
    assert knowing_verb("Has the minister explained how the money was spent?") == "explain"
    assert knowing_verb("Does the army know where the rebels are hiding?") == "know"
    assert knowing_verb("Is the ship where the crew said it was?") is None
    assert not is_yes_no("Do you know why the mayor resigned?")
    assert not is_yes_no("Did the council say how many jobs would go?")


def test_a_place_whose_people_the_corpus_names_is_not_an_unknown_name() -> None:
    """"Freedonia" in a question is no name the articles never mention when they write "Freedonian"."""
    words = ["freedonian", "troops", "border", "ruritania"]
    lex = Lexicon(lemma={w: w for w in words}, entity_words={"freedonian": Counter(NORP=3)}, df=Counter(words),
                  n_sentences=50, vocabulary=frozenset(words), by_initial={})
    assert analyse_frame("Did Freedonia send troops to the border?", lex).unknown == ()
    assert analyse_frame("Did Sylvania send troops to the border?", lex).unknown == ("Sylvania",)


def test_what_rise_or_cut_asks_how_much() -> None:
    """"What pay rise are the workers campaigning for?" and "What cut did the bank make?" ask for an amount."""
    for question in ("What pay rise are the workers campaigning for?", "What cut did the bank make to its rate?",
                     "Which increase did the council approve?"):
        assert analyse_frame(question, lexicon()).answer_type == "AMOUNT", question


def test_which_named_beach_asks_for_a_place_and_which_of_them_does_not() -> None:
    """"Which Springfield beach …?": the kind noun after a name's words types the question; "Which of Springfield
    Island's children …?" asks for no kind of thing."""
    frame = analyse_frame("Which Springfield beach was the whale tangled off?", lexicon())
    assert (frame.answer_type, frame.focus) == ("PLACE", "beach")
    frame = analyse_frame("Which airline was the man with the loaded gun flying with?", lexicon())
    assert (frame.answer_type, frame.focus) == ("ORG", "airline")
    assert analyse_frame("Which of Springfield Island's children were quarantined?", lexicon()).answer_type is None


def test_a_verb_of_the_question_matches_the_noun_made_from_it() -> None:
    from assistant.evidence import _kin

    sentence = {"the", "invasion", "took", "place", "on", "december"}
    assert _kin("invade", sentence)
    assert _kin("reduce", {"a", "reduction"}) and _kin("describe", {"description"}) and _kin("admit", {"admission"})
    assert _kin("decision", {"they", "decide"}) and _kin("detain", {"detention"})
    assert not _kin("invade", {"inventory", "invited"}) and not _kin("vision", {"vie"})
    assert _kin("reshuffle", {"a", "cabinet", "shuffle"}) and not _kin("report", {"port"})


def test_who_is_its_president_asks_for_the_holder_of_a_role() -> None:
    frame = analyse_frame("Who is its president?", lexicon())
    assert (frame.intent, frame.answer_type, frame.focus) == ("factoid", "PERSON", "president")
    assert analyse_frame("Who is Brian Greig?", lexicon()).intent == "definition"


def test_the_name_of_a_thing_ends_before_a_name_that_follows_its_noun() -> None:
    from assistant.frame import _answer_type

    text = "What was the name of the boat Jo Roe was on when pirates attacked it?"
    assert _answer_type(text.lower(), text) == ("NAME", "boat")
    text = "What is the name of the Italian module the shuttle is carrying?"
    assert _answer_type(text.lower(), text) == ("NAME", "module")


def test_a_form_of_address_before_a_name_is_no_term_of_the_question() -> None:
    """"Sir Jo Roe" is the "Mr Roe" of the answering sentence: "sir" is not a word that sentence must say."""
    from assistant.question import analyse

    frame = analyse_frame("How old was Sir Jo Roe?", lexicon())
    assert "sir" not in frame.terms and "roe" in frame.terms
    assert "sir" not in analyse("How old was Sir Jo Roe?").terms
    assert "sir" in analyse_frame("Who did the sir greet?", lexicon()).terms  # not before a name: a word as any


def test_a_when_or_where_clause_does_not_make_a_which_or_what_question_ask_a_date_or_place() -> None:
    from assistant.frame import _answer_type

    q = "Which fielder appealed when Jo Roe was given out?"
    assert _answer_type(q.lower(), q)[0] != "DATE"
    q = "What did the minister say when asked about the strike?"
    assert _answer_type(q.lower(), q)[0] != "DATE"
    assert _answer_type("what is the date of the summit?")[0] == "DATE"
    assert _answer_type("what year did the war end?")[0] == "DATE"
    assert _answer_type("when did the fleet leave?")[0] == "DATE"


def test_which_noun_said_asks_for_a_speaker() -> None:
    """"Which swimmer said …?" asks for a person, whatever the noun; a body's kind noun still asks for a body."""
    from assistant.frame import _answer_type

    assert _answer_type("which swimmer said her prize would pay for a heater?") == ("PERSON", "swimmer")
    assert _answer_type("which union said the strike would go ahead?")[0] == "ORG"
