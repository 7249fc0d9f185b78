"""Web UI without a browser: rendering is inert, handlers stream and render, logins guard public binds."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant import ui, ui_render
from assistant.answer import Answer, Citation, Figure
from assistant.errors import ConfigError, StoreError
from assistant.settings import Settings
from index.corpus import Article

MISSION = "How many Russians fight with IS?"
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def run(gen: Any) -> list[tuple[Any, ...]]:
    """All yields of a streaming handler."""
    return list(gen)


def last_reply(outs: list[tuple[Any, ...]]) -> str:
    return str(outs[-1][0][-1]["content"])


def shown(markdown: str) -> str:
    """What the chat shows of literal text: markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


# ---- rendering ----------------------------------------------------------------------------------
def _citation(n: int = 1, quote: str = "fighters <b>attacked</b> a base", title: str = XSS) -> Citation:
    text = ARTICLE.text
    start = text.index(quote)
    return Citation(n=n, doc_id="doc1", title=title, outlet="Out<let>", date="2015-07-11", quote=quote,
                    start=start, end=start + len(quote))


ARTICLE = Article(
    doc_id="doc1", title=XSS, outlet="Out<let>", date="2015-07-11",
    text="Title line\nEarly today six fighters <b>attacked</b> a base & fled.\nSecond paragraph <i>here</i>.",
)


def test_question_renders_as_literal_text() -> None:
    md = ui_render.question_markdown(XSS + " **bold** [1](javascript:x)")
    assert "<" not in md and ">" not in md
    assert "&lt;script&gt;" in md
    assert "\\*\\*bold\\*\\*" in md and "\\[1\\]" in md  # markdown is neutralised too


@given(st.text(max_size=200))
def test_question_markdown_never_emits_a_tag(text: str) -> None:
    assert "<" not in ui_render.question_markdown(text)


def test_answer_markers_become_links_and_text_is_escaped() -> None:
    answer = Answer(question="q", query="q", text=f"They said {XSS} [1] and [2].")
    md = ui_render.answer_markdown(answer, turn=3)
    assert "<script" not in md and "<img" not in md
    assert '<a class="cite" href="#cite-3-1"' in md and 'href="#cite-3-2"' in md
    assert "Searched:" not in md


def test_follow_up_shows_the_query_as_searched() -> None:
    answer = Answer(question="Which did he <pick>?", query="Which did Melikov <pick>?", text="Daghestan [1].")
    md = ui_render.answer_markdown(answer, turn=1)
    assert "Searched: “Which did Melikov &lt;pick&gt;?”" in shown(md)


def test_markdown_from_articles_and_questions_is_shown_as_text() -> None:
    """An article (or a question) holding markdown image or link syntax must not make the browser fetch a URL."""
    pixel = "![x](http://127.0.0.1:7899/t.png) and [click](http://127.0.0.1:7899/)"
    answer = Answer(question=pixel, query=f"Who said {pixel}?", text=f"He wrote {pixel} in **bold** [1].\n- **six** [2]")
    md = ui_render.answer_markdown(answer, turn=1)
    assert "](" not in md.replace("\\](", "").replace("\\]\\(", "") and "![" not in md
    assert re.search(r"\\!\\\[x\\\]\\\(", md), md
    assert "**bold**" in md and "\n- **six**" in md and 'href="#cite-1-1"' in md
    assert "](" not in ui_render.partial_markdown(pixel, turn=1).replace("\\]\\(", "")
    assert "![" not in ui_render.question_markdown(pixel)


def test_sources_panel_escapes_and_marks_the_quote_in_its_paragraph() -> None:
    answer = Answer(question=XSS, query=XSS, text="x [1]", citations=[_citation()])
    html = ui_render.sources_panel([(1, answer)], {"doc1": ARTICLE})
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert 'id="cite-1-1"' in html
    assert "Early today six <mark>fighters &lt;b&gt;attacked&lt;/b&gt; a base</mark> &amp; fled." in html
    assert "Out&lt;let&gt; · 2015-07-11" in html


def test_document_panel_highlights_every_cited_span_overlaps_included() -> None:
    c1 = _citation(1, "six fighters <b>attacked</b>")
    c2 = _citation(2, "<b>attacked</b> a base")
    answer = Answer(question="q", query="q", text="x [1][2]", citations=[c1, c2])
    html = ui_render.document_panel([(1, answer)], {"doc1": ARTICLE})
    assert "<b>" not in html and "<i>" not in html and "<script" not in html
    assert re.search(r'<mark data-cites="1" class="active"[^>]*>six fighters </mark>', html)
    assert re.search(r'<mark data-cites="1 2" class="active"[^>]*>&lt;b&gt;attacked&lt;/b&gt;</mark>', html)
    assert re.search(r'<mark data-cites="2"[^>]*> a base</mark>', html)


def test_figures_chart_needs_two_figures_and_links_each_bar() -> None:
    def fig(value: float, who: str, n: int) -> Figure:
        return Figure(value=value, display=f"{value:,.0f}", what="Russians", who=who, role="<role>",
                      doc_id="doc1", citation=n)

    assert ui_render.figures_chart([fig(1700, "A", 1)], turn=1) == ""
    html = ui_render.figures_chart([fig(1700, "A <x>", 1), fig(2500, "B", 2)], turn=4)
    assert "<x>" not in html and "A &lt;x&gt;" in html and "&lt;role&gt;" in html
    assert html.index("2,500") < html.index("1,700")  # largest first
    assert 'href="#cite-4-2"' in html and 'style="width:100.0%"' in html and 'style="width:68.0%"' in html


def test_abstention_is_a_note_with_no_source_list() -> None:
    answer = Answer(question="Who won?", query="Who won?", text="The articles do not contain it.", abstained=True)
    assert 'class="note note-info"' in ui_render.answer_markdown(answer, 1)
    panel = ui_render.sources_panel([(1, answer)], {})
    assert "note-info" in panel and "<ol" not in panel and "Not in the articles." in panel
    assert "cites no article" in ui_render.document_panel([(1, answer)], {})


def test_status_html_escapes_titles() -> None:
    status = {"generation": 2, "built_at": "2026-11-22T03:03:23+00:00", "collection": "news-x",
              "documents": [{"doc_id": "d", "title": XSS, "outlet": None, "date": None, "chunks": 3}]}
    html = ui_render.status_html(status)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "1 articles indexed" in html and "2026-11-22 03:03 UTC" in html


# ---- handlers over the fake-embedding Assistant -------------------------------------------------
def test_chat_handler_streams_then_renders_answer_and_sources(fake_bot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ui, "REDRAW_EVERY", 0.0)  # every piece redrawn, as for a slow (LLM) stream
    outs = run(ui.Handlers(fake_bot).respond(MISSION, None))
    assert len(outs) > 3, "the answer arrives in pieces"
    first = outs[0]
    assert first[0][0] == {"role": "user", "content": ui_render.question_markdown(MISSION)}
    assert "Searching the articles" in first[0][1]["content"] and first[1] == ""
    assert any("▌" in str(o[0][-1]["content"]) for o in outs[1:-1])
    chat, box, sources, article, session = outs[-1]
    assert box == ""
    reply = last_reply(outs)
    assert '<a class="cite" href="#cite-1-1"' in reply and "▌" not in reply
    answer = session.turns[-1][1]
    assert not answer.abstained and len(answer.figures) >= 2
    assert 'class="figures"' in sources
    for c in answer.citations:
        assert f'id="cite-1-{c.n}"' in sources
        assert f"<mark>{ui_render.esc(c.quote)}</mark>" in sources
        assert fake_bot.document(c.doc_id).text[c.start : c.end] == c.quote
    assert "<mark data-cites=" in article


def test_pieces_that_arrive_together_are_drawn_once(fake_bot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An extractive answer arrives at once: the chat is redrawn for the question and for the answer, not per piece;
    a stream whose pieces come slower than REDRAW_EVERY is still drawn as it arrives."""
    assert len(list(fake_bot.chat().stream(MISSION))) > 3  # the library streams pieces…
    outs = run(ui.Handlers(fake_bot).respond(MISSION, None))
    assert len(outs) == 2 and "Searching the articles" in outs[0][0][1]["content"]  # …the UI draws them once
    assert '<a class="cite" href="#cite-1-1"' in last_reply(outs)

    real = fake_bot._stream

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        for event in real(*args, **kwargs):
            if isinstance(event, str):
                time.sleep(ui.REDRAW_EVERY * 1.2)
            yield event

    monkeypatch.setattr(fake_bot, "_stream", slow)
    slow_outs = run(ui.Handlers(fake_bot).respond(MISSION, None))
    partial = [o for o in slow_outs[1:-1] if "▌" in str(o[0][-1]["content"])]
    assert len(partial) >= 3 and last_reply(slow_outs) == last_reply(outs)


def test_follow_up_in_one_session_shows_searched_query(fake_bot) -> None:  # type: ignore[no-untyped-def]
    h = ui.Handlers(fake_bot)
    session = run(h.respond("Who is Sergei Melikov?", None))[-1][-1]
    outs = run(h.respond("Which republic did he call the most vulnerable?", session))
    assert "Searched: “Which republic did Sergei Melikov call the most vulnerable?”" in shown(last_reply(outs))
    assert len(outs[-1][0]) == 4 and 'href="#cite-2-1"' in last_reply(outs)
    assert 'data-turn="1" hidden' in outs[-1][2] and 'data-turn="2">' in outs[-1][2]


def test_sessions_do_not_share_memory(fake_bot) -> None:  # type: ignore[no-untyped-def]
    h = ui.Handlers(fake_bot)
    alice = run(h.respond("Who is Sergei Melikov?", None))[-1][-1]
    bob_outs = run(h.respond("Which republic did he call the most vulnerable?", None))
    bob = bob_outs[-1][-1]
    assert bob is not alice and len(bob.messages) == 2 and len(alice.messages) == 2
    assert "Searched: “Which republic did Sergei Melikov" not in shown(last_reply(bob_outs))


def test_abstention_renders_the_distinct_note(fake_bot) -> None:  # type: ignore[no-untyped-def]
    outs = run(ui.Handlers(fake_bot).respond("Who won the 2018 World Cup?", None))
    assert 'class="note note-info"><strong>Not in the articles.</strong>' in last_reply(outs)
    assert "note-info" in outs[-1][2] and '<ol class="sources">' not in outs[-1][2]


def test_script_question_is_inert_in_every_output(fake_bot) -> None:  # type: ignore[no-untyped-def]
    outs = run(ui.Handlers(fake_bot).respond(XSS, None))
    for chat, _box, sources, article, _session in outs:
        assert all("<script" not in m["content"] and "<img" not in m["content"] for m in chat)
        for html in (sources, article):
            assert not isinstance(html, str) or ("<script" not in html and "<img" not in html)


def test_empty_question_is_a_short_message_and_the_chat_is_restored(fake_bot) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(UserWarning, match="^the question is empty; ask something about the articles$"):
        outs = run(ui.Handlers(fake_bot).respond("   ", None))
    assert outs[-1][0] == [] and outs[-1][1] == "   "  # nothing half-asked stays; the text is back


def test_assistant_error_mid_answer_becomes_a_short_message(fake_bot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object, **kwargs: object) -> Any:
        yield "The articles "
        raise StoreError("the index store at /x is <corrupt>; run `assistant index --rebuild`")

    h = ui.Handlers(fake_bot)
    session = run(h.respond("Who is Sergei Melikov?", None))[-1][-1]
    monkeypatch.setattr(fake_bot, "_stream", broken)
    with pytest.warns(UserWarning) as warned:
        outs = run(h.respond(MISSION, session))
    assert str(warned[0].message) == "the index store at /x is &lt;corrupt&gt;; run `assistant index --rebuild`"
    assert outs[-1][0] == session.messages and len(session.messages) == 2  # the earlier turn is kept
    assert outs[-1][1] == MISSION


def test_one_answer_at_a_time_per_session(fake_bot) -> None:  # type: ignore[no-untyped-def]
    h = ui.Handlers(fake_bot)
    session = ui.ChatSession(fake_bot.chat())
    first = h.respond("Who is Sergei Melikov?", session)
    next(first)  # still answering
    with pytest.warns(UserWarning, match="Still answering"):
        assert run(h.respond(MISSION, session)) == [(gr.skip(),) * 5]
    assert "Melikov" in str(run(first)[-1][0][-1]["content"])
    again = run(h.respond(MISSION, session))  # free again: the question, then its answer
    assert len(again) == 2 and 'href="#cite-' in last_reply(again)


def test_errors_outside_the_chat_raise_gr_error(fake_bot, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(gr.Error) as info:
        ui.Handlers(fake_bot).answer_json("")
    assert info.value.message == "the question is empty; ask something about the articles"
    monkeypatch.setattr(fake_bot, "status", lambda: 1 / 0)
    with caplog.at_level(logging.ERROR, logger="assistant.ui"), pytest.raises(gr.Error) as info:
        ui.Handlers(fake_bot).status()
    assert info.value.message == "unexpected ZeroDivisionError; the server log has the details"
    assert "ZeroDivisionError" in caplog.text and "Traceback" in caplog.text  # details in the log only


def test_clear_forgets_only_this_session(fake_bot) -> None:  # type: ignore[no-untyped-def]
    h = ui.Handlers(fake_bot)
    session = run(h.respond("Who is Sergei Melikov?", None))[-1][-1]
    chat, box, sources, article, same = h.clear(session)
    assert chat == [] and same is session and session.conversation.turns == [] and session.turns == []
    assert "Sources appear here" in sources
    outs = run(h.respond("Which republic did he call the most vulnerable?", session))
    assert "Searched:" not in last_reply(outs)


def test_status_and_rebuild_report_the_corpus(fake_bot) -> None:  # type: ignore[no-untyped-def]
    h = ui.Handlers(fake_bot)
    titles = [d.title for d in fake_bot.documents()]
    assert all(ui_render.esc(t) in h.status() for t in titles)
    calls: list[tuple[Any, dict[str, Any]]] = []
    html = h.rebuild(progress=lambda value, **kw: calls.append((value, kw)))  # type: ignore[arg-type]
    assert "5 articles indexed" in html
    assert calls[0][0] == 0 and any(isinstance(v, tuple) and v[0] == v[1] for v, _ in calls)


def test_api_answer_is_plain_json(fake_bot) -> None:  # type: ignore[no-untyped-def]
    data = ui.Handlers(fake_bot).answer_json(MISSION)
    assert "[1]" in data["text"] and data["citations"] and "chunks" not in data


def test_build_app_wires_endpoints_queue_and_no_analytics(fake_bot) -> None:  # type: ignore[no-untyped-def]
    demo = ui.build_app(fake_bot)
    names = {fn.api_name for fn in demo.fns.values()}
    assert {"chat", "clear", "ask"} <= names
    assert demo._queue.default_concurrency_limit == fake_bot.settings.ui.concurrency
    assert demo.analytics_enabled is False


# ---- binding and credentials --------------------------------------------------------------------
@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"])
def test_loopback_needs_no_login(settings: Settings, host: str) -> None:
    assert ui.is_loopback(host)
    assert ui.resolve_auth(settings, host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.org"])
def test_public_bind_without_login_is_refused(settings: Settings, host: str) -> None:
    with pytest.raises(ConfigError) as info:
        ui.resolve_auth(settings, host)
    message = str(info.value)
    assert host in message and "ASSISTANT_UI_AUTH" in message and "127.0.0.1" in message


def test_launch_refuses_before_binding(settings: Settings, fake_bot) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="without a login"):
        ui.launch(settings, host="0.0.0.0", port=1, assistant=fake_bot, block=False)


def test_login_from_env(settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSISTANT_UI_AUTH", "alice:pa:ss-word")
    with caplog.at_level(logging.INFO, logger="assistant.ui"):
        assert ui.resolve_auth(settings, "0.0.0.0") == [("alice", "pa:ss-word")]
    assert "alice" in caplog.text and "pa:ss-word" not in caplog.text


def test_login_from_file(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "users.txt"
    path.write_text("# who may log in\nalice:one\n\nbob:two\n", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, ui={"auth_file": str(path)})
    assert ui.resolve_auth(settings, "0.0.0.0") == [("alice", "one"), ("bob", "two")]


@pytest.mark.parametrize("value", ["alice", ":pw", "alice:"])
def test_malformed_login_is_a_config_error(settings: Settings, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ASSISTANT_UI_AUTH", value)
    with pytest.raises(ConfigError, match="user:password"):
        ui.resolve_auth(settings, "0.0.0.0")


def test_missing_auth_file_is_a_config_error(tmp_path: Path, corpus: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, ui={"auth_file": str(tmp_path / "no")})
    with pytest.raises(ConfigError, match="cannot read the UI auth file"):
        ui.resolve_auth(settings, "0.0.0.0")


def test_a_long_session_stays_bounded(fake_bot) -> None:  # type: ignore[no-untyped-def]
    """100 turns in one browser session: the chat keeps the last 40 exchanges, the sources the last turns, the
    conversation memory and the searched query stay bounded."""
    h = ui.Handlers(fake_bot)
    session = None
    for i in range(100):
        outs = run(h.respond("Who is Sergei Melikov?" if i % 2 else "And Sergei Melikov and Sergei Melikov?",
                             session))
        session = outs[-1][-1]
    assert len(session.messages) <= ui.KEPT_MESSAGES
    assert len(session.turns) <= ui.KEPT_TURNS
    assert len(session.conversation.turns) <= session.conversation.MEMORY
    assert max(len(t.query) for t in session.conversation.turns) <= 400


def test_notes_show_their_text_without_markdown_escapes() -> None:
    """Markdown is not read inside the note's HTML block, so its text is HTML-escaped only: no visible
    backslashes ("question\\."), and a markup-looking text stays inert. "thanks!" searched as "Thanks!" is no
    rewrite worth showing."""
    refusal = Answer(question="Who won?", query="Who won?", text="The articles do not say <b>it</b>.", abstained=True)
    md = ui_render.answer_markdown(refusal, 1)
    assert "say &lt;b&gt;it&lt;/b&gt;." in md and "\\" not in md
    chat = Answer(question="thanks!", query="Thanks!", text="You're welcome! Try “Who is Jane Doe?”.",
                  abstained=True, kind="chit-chat")
    md = ui_render.answer_markdown(chat, 1)
    assert "You&#x27;re welcome! Try" in md or "You're welcome! Try" in md
    assert "\\" not in md and "Searched" not in md


def test_stop_sets_the_stop_event_on_the_server_loop_while_a_page_streams(settings: Settings, fake_bot) -> None:  # type: ignore[no-untyped-def]
    """close() from the test thread raced open streams ("deque mutated during iteration"); stop() must not."""
    import socket
    import threading
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = ui.launch(settings, host="127.0.0.1", port=port, assistant=fake_bot, block=False)
    stream = urllib.request.urlopen(f"http://127.0.0.1:{port}/gradio_api/heartbeat/abc123", timeout=10)
    assert stream.readline().startswith(b"data: ALIVE")
    event = demo.app.stop_event
    deadline = time.monotonic() + 10
    while getattr(event, "_loop", None) is None and time.monotonic() < deadline:  # the stream's waiter binds it
        time.sleep(0.02)
    assert getattr(event, "_loop", None) is not None, "no waiter sat on the stop event"
    setters: list[int] = []
    original = event.set

    def recording() -> None:
        setters.append(threading.get_ident())
        original()

    event.set = recording  # type: ignore[method-assign]
    loop_thread = demo.server.thread.ident
    ui.stop(demo)
    stream.close()
    assert setters and setters[0] == loop_thread, "the stop event was set from a thread other than the server's"
    assert event.is_set() and not demo.is_running
    with socket.socket() as s:  # the port is free again
        s.bind(("127.0.0.1", port))
