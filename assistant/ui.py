"""The Gradio web UI: streamed answers with checkable citations, one conversation per browser session.

Handlers hold no logic: each calls one library function and hands the result to `assistant.ui_render`.

Usage::

    from assistant.ui import build_app, launch
    launch(Settings())                                  # http://127.0.0.1:7860
    demo = build_app(Assistant(settings)); demo.launch(prevent_thread_lock=True)
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no telemetry, no version check

import gradio as gr  # noqa: E402

from assistant import ui_render as render  # noqa: E402
from assistant.answer import Answer  # noqa: E402
from assistant.api import Assistant, Conversation  # noqa: E402
from assistant.errors import AssistantError, ConfigError  # noqa: E402
from assistant.settings import Settings  # noqa: E402

log = logging.getLogger(__name__)

AUTH_ENV = "ASSISTANT_UI_AUTH"
KEPT_TURNS = 12  # answered turns whose sources stay clickable in one session
EXAMPLES = (
    "How many Russians fight with IS?",
    "Who is Sergei Melikov?",
    "Which republic did he call the most vulnerable?",
    "What happened in Chechnya's Naursky district?",
)
Message = dict[str, str]


# ---- binding and credentials --------------------------------------------------------------------
def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def _pair(line: str, where: str) -> tuple[str, str]:
    user, sep, password = line.strip().partition(":")
    if not sep or not user.strip() or not password:
        raise ConfigError(f"{where}: expected 'user:password' with both parts non-empty")
    return user.strip(), password


def resolve_auth(settings: Settings, host: str) -> list[tuple[str, str]] | None:
    """Credentials from ASSISTANT_UI_AUTH or settings.ui.auth_file; required for a non-loopback bind."""
    pairs: list[tuple[str, str]] = []
    env = os.environ.get(AUTH_ENV, "")
    if env.strip():
        pairs.append(_pair(env, AUTH_ENV))
    if settings.ui.auth_file:
        path = Path(settings.ui.auth_file).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigError(f"cannot read the UI auth file {path}: {exc.strerror or exc}") from None
        for number, line in enumerate(lines, 1):
            if line.strip() and not line.lstrip().startswith("#"):
                pairs.append(_pair(line, f"{path}, line {number}"))
    if not pairs and not is_loopback(host):
        raise ConfigError(
            f"refusing to serve the UI on {host}, which other machines can reach, without a login. "
            f"Set {AUTH_ENV}='user:password' or ASSISTANT_UI__AUTH_FILE to a file of 'user:password' "
            "lines, or bind 127.0.0.1."
        )
    if pairs:
        log.info("UI login enabled for %d user(s): %s", len(pairs), ", ".join(u for u, _ in pairs))
    return pairs or None


# ---- per-session state --------------------------------------------------------------------------
@dataclass
class ChatSession:
    """One browser session: its conversation, what its chat shows, and the answers whose sources it keeps."""

    conversation: Conversation
    messages: list[Message] = field(default_factory=list)
    turns: list[tuple[int, Answer]] = field(default_factory=list)
    counter: int = 0
    busy: threading.Lock = field(default_factory=threading.Lock)  # one answer at a time per session


@contextmanager
def user_errors() -> Iterator[None]:
    """AssistantError becomes a short gr.Error; anything else a one-line message (details in the log)."""
    try:
        yield
    except gr.Error:
        raise
    except AssistantError as exc:
        raise gr.Error(render.esc(exc), title="Could not answer", print_exception=False) from None
    except Exception as exc:  # noqa: BLE001 - last resort: no traceback reaches the page
        log.exception("unexpected error in the web UI")
        raise gr.Error(
            f"unexpected {type(exc).__name__}; the server log has the details", print_exception=False
        ) from None


# ---- the app ------------------------------------------------------------------------------------
def build_app(assistant: Assistant) -> gr.Blocks:
    """The Blocks app over one shared Assistant; conversations are per browser session."""
    bot = assistant

    def panels(session: ChatSession) -> tuple[str, str]:
        docs = {d.doc_id: d for d in bot.documents()} if session.turns else {}
        return render.sources_panel(session.turns, docs), render.document_panel(session.turns, docs)

    def respond(question: str, session: ChatSession | None) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into this session's chat, then show its sources and cited article."""
        session = session or ChatSession(bot.chat())
        if not session.busy.acquire(blocking=False):
            raise gr.Error("Still answering your previous question; ask again when it is done.", duration=4)
        try:
            yield from _respond(question, session)
        finally:
            session.busy.release()

    def _respond(question: str, session: ChatSession) -> Iterator[tuple[Any, ...]]:
        before = list(session.messages)
        turn = session.counter + 1
        asked: Message = {"role": "user", "content": render.question_markdown(question or "")}
        session.messages = [*before, asked, {"role": "assistant", "content": render.partial_markdown("", turn)}]
        yield list(session.messages), "", gr.skip(), gr.skip(), session
        text, answer = "", None
        try:
            with user_errors():
                for event in session.conversation.stream(question):
                    if isinstance(event, str):
                        text += event
                        reply = {"role": "assistant", "content": render.partial_markdown(text, turn)}
                        session.messages = [*before, asked, reply]
                        yield list(session.messages), gr.skip(), gr.skip(), gr.skip(), session
                    else:
                        answer = event
        except gr.Error:
            session.messages = before  # the question goes back into the box to edit and retry
            yield list(before), question, gr.skip(), gr.skip(), session
            raise
        assert answer is not None
        session.counter = turn
        session.turns = [*session.turns, (turn, answer)][-KEPT_TURNS:]
        session.messages = [*before, asked, {"role": "assistant", "content": render.answer_markdown(answer, turn)}]
        with user_errors():
            sources, article = panels(session)
        yield list(session.messages), "", sources, article, session

    def clear(session: ChatSession | None) -> tuple[Any, ...]:
        """Forget this session's conversation (other sessions are untouched)."""
        if session is not None:
            session.conversation.clear()
            session.messages, session.turns = [], []
        return [], "", render.sources_panel([], {}), render.document_panel([], {}), session

    def answer_json(question: str) -> dict[str, Any]:
        """One standalone question for API clients: the whole Answer as JSON (no memory, no HTML)."""
        with user_errors():
            return bot.ask(question).model_dump(mode="json", exclude={"chunks"})

    def show_status() -> str:
        with user_errors():
            return render.status_html(bot.status())

    def rebuild(progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008 - Gradio's injection idiom
        """Re-embed every article from scratch, reporting progress."""
        progress(0, desc="Reading and chunking the articles")
        with user_errors():
            bot.index(rebuild=True, progress=lambda done, total: progress((done, total), desc="Embedding", unit="chunks"))
            return render.status_html(bot.status())

    with gr.Blocks(title="News assistant") as demo:
        session = gr.State(None)  # a ChatSession, created on this browser session's first question
        gr.HTML("", head=render.HEAD, js_on_load=None, apply_default_css=False, elem_id="ui-assets")
        gr.Markdown(
            "## News assistant\nAsk about the five indexed news articles. Every statement carries a "
            "[n] marker: click it to see the exact passage in its article."
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=360):
                chatbot = gr.Chatbot(
                    label="Conversation", elem_id="chat", height=520, buttons=["copy", "copy_all"],
                    feedback_options=None, placeholder="Ask a question, or pick an example below.",
                )
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="Ask about the articles…", show_label=False, container=False,
                        scale=8, elem_id="question", max_lines=4, autofocus=True,
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask")
                with gr.Row(elem_id="examples"):
                    examples = [gr.Button(q, size="sm", variant="secondary", scale=0, min_width=0) for q in EXAMPLES]
                clear_btn = gr.Button("Clear chat", size="sm", variant="secondary", elem_id="clear")
            with gr.Column(scale=4, min_width=320):
                sources = gr.HTML(render.sources_panel([], {}), label="Sources", show_label=False,
                                  container=True, padding=True, js_on_load=None, apply_default_css=False, elem_id="sources")
                article = gr.HTML(render.document_panel([], {}), label="Article", show_label=False,
                                  container=True, padding=True, js_on_load=None, apply_default_css=False, elem_id="document")
        with gr.Accordion("Indexed articles", open=False, elem_id="corpus"):
            status = gr.HTML(show_status(), js_on_load=None, apply_default_css=False, elem_id="status")
            rebuild_btn = gr.Button("Rebuild index", size="sm", elem_id="rebuild")

        outputs = [chatbot, box, sources, article, session]
        ask.click(respond, [box, session], outputs, api_name="chat", concurrency_id="answer")
        box.submit(respond, [box, session], outputs, api_visibility="private", concurrency_id="answer")
        for button in examples:
            button.click(respond, [button, session], outputs, api_visibility="private", concurrency_id="answer")
        clear_btn.click(clear, [session], outputs, api_name="clear")
        chatbot.clear(clear, [session], outputs, api_visibility="private")  # the chat's own bin icon
        gr.api(answer_json, api_name="ask", concurrency_id="answer")
        rebuild_btn.click(rebuild, None, status, api_name="rebuild", concurrency_limit=1)
        demo.load(show_status, None, status, api_visibility="private")
    demo.queue(default_concurrency_limit=bot.settings.ui.concurrency)
    return demo


def launch(settings: Settings, host: str | None = None, port: int | None = None,
           assistant: Assistant | None = None, block: bool = True) -> gr.Blocks:
    """Serve the UI; loopback by default, and never on a reachable address without a login."""
    host = host or settings.ui.host
    port = port or settings.ui.port
    auth = resolve_auth(settings, host)
    demo = build_app(assistant or Assistant(settings))
    demo.launch(
        server_name=host, server_port=port, auth=auth, share=False, prevent_thread_lock=not block,
        show_error=False, ssr_mode=False, mcp_server=False, quiet=False, footer_links=["api", "settings"],
    )
    return demo
