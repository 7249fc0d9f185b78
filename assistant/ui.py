"""The Gradio web UI: streamed answers with checkable citations, one conversation per browser session.

Handlers hold no logic: each calls one library function and hands the result to `assistant.ui_render`.

Usage::

    from assistant.ui import build_app, launch
    launch(Settings())                                   # http://127.0.0.1:7860, blocks
    demo = build_app(Assistant(settings)); demo.launch(prevent_thread_lock=True)
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no telemetry, no version check

import gradio as gr

from assistant import ui_render as render
from assistant.answer import Answer
from assistant.api import Assistant, Conversation
from assistant.errors import AssistantError, ConfigError
from assistant.settings import Settings

log = logging.getLogger(__name__)

AUTH_ENV = "ASSISTANT_UI_AUTH"
KEPT_TURNS = 12  # answered turns whose sources stay clickable in one session
KEPT_MESSAGES = 80  # chat bubbles a session keeps (40 exchanges): a long chat must not grow or slow down
EXAMPLES_SHOWN = 4
REDRAW_EVERY = 0.15  # seconds between partial redraws: pieces that arrive faster are drawn together (an extractive
# answer arrives at once and is drawn once; every redraw resends the chat, which cost p50 latency under load)
Message = dict[str, str]


# ---- binding and credentials --------------------------------------------------------------------
def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # any other name may resolve to a reachable address


def _pair(line: str, where: str) -> tuple[str, str]:
    user, sep, password = line.strip().partition(":")
    if not sep or not user.strip() or not password:
        raise ConfigError(f"{where}: expected 'user:password' with both parts non-empty")
    return user.strip(), password


def resolve_auth(settings: Settings, host: str) -> list[tuple[str, str]] | None:
    """Logins from ASSISTANT_UI_AUTH and settings.ui.auth_file; required to bind a non-loopback address."""
    pairs: list[tuple[str, str]] = []
    if os.environ.get(AUTH_ENV, "").strip():
        pairs.append(_pair(os.environ[AUTH_ENV], AUTH_ENV))
    if settings.ui.auth_file:
        path = Path(settings.ui.auth_file).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigError(f"cannot read the UI auth file {path}: {exc.strerror or exc}") from None
        pairs += [_pair(line, f"{path}, line {i}") for i, line in enumerate(lines, 1)
                  if line.strip() and not line.lstrip().startswith("#")]
    if not pairs and not is_loopback(host):
        raise ConfigError(
            f"refusing to serve the UI on {host}, which other machines can reach, without a login. "
            f"Set {AUTH_ENV}='user:password' or ASSISTANT_UI__AUTH_FILE to a file of 'user:password' "
            "lines, or bind 127.0.0.1."
        )
    if pairs:  # names only: a password never reaches the log
        log.info("UI login required; users: %s", ", ".join(user for user, _ in pairs))
    return pairs or None


# ---- per-session state and errors ---------------------------------------------------------------
@dataclass
class ChatSession:
    """One browser session: its conversation, what its chat shows, and the answers whose sources it keeps."""

    conversation: Conversation
    messages: list[Message] = field(default_factory=list)
    turns: list[tuple[int, Answer]] = field(default_factory=list)
    counter: int = 0
    busy: threading.Lock = field(default_factory=threading.Lock)  # one answer at a time per session


def user_message(exc: Exception) -> str:
    """What the page says about an error: an AssistantError's own words, else one line (details logged)."""
    if isinstance(exc, AssistantError):
        return render.esc(exc)  # toasts render HTML
    log.error("unexpected error in the web UI", exc_info=exc)
    return f"unexpected {type(exc).__name__}; the server log has the details"


@contextmanager
def user_errors() -> Iterator[None]:
    """Any error becomes a short gr.Error: no traceback reaches the page."""
    try:
        yield
    except gr.Error:
        raise
    except Exception as exc:  # noqa: BLE001 - last resort: every error gets a one-line message
        raise gr.Error(user_message(exc), title="Could not answer", print_exception=False) from None


# ---- handlers: each calls one library function and renders the result ----------------------------
class Handlers:
    """The UI's event handlers over one shared Assistant; per-user state arrives as a ChatSession."""

    def __init__(self, assistant: Assistant) -> None:
        self.bot = assistant

    def examples(self) -> list[str]:
        """Example questions of this corpus: its examples.json, else questions derived from its articles."""
        from index.corpus import load_examples

        shown = load_examples(Path(self.bot.settings.corpus_dir))
        if not shown:
            shown = self.bot.example_questions(EXAMPLES_SHOWN)
        return shown[:EXAMPLES_SHOWN]

    def respond(self, question: str, session: ChatSession | None) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into this session's chat, then show its sources and cited article.

        Yields (chat messages, question box, sources HTML, article HTML, session). On an error the chat
        stays as it was, the question goes back into the box, and a short warning says why.
        """
        session = session or ChatSession(self.bot.chat())
        if not session.busy.acquire(blocking=False):
            gr.Warning("Still answering your previous question; ask again when it is done.", duration=4)
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        try:
            yield from self._respond(question, session)
        finally:
            session.busy.release()

    def _respond(self, question: str, session: ChatSession) -> Iterator[tuple[Any, ...]]:
        before, turn = list(session.messages), session.counter + 1
        asked: Message = {"role": "user", "content": render.question_markdown(question or "")}

        def chat(content: str) -> list[Message]:
            session.messages = [*before, asked, {"role": "assistant", "content": content}][-KEPT_MESSAGES:]
            return list(session.messages)

        yield chat(render.partial_markdown("", turn)), "", gr.skip(), gr.skip(), session
        text, answer, drawn = "", None, time.monotonic()
        try:
            for event in session.conversation.stream(question):
                if isinstance(event, Answer):
                    answer = event
                else:
                    text += event
                    if time.monotonic() - drawn >= REDRAW_EVERY:
                        drawn = time.monotonic()
                        yield chat(render.partial_markdown(text, turn)), gr.skip(), gr.skip(), gr.skip(), session
        except Exception as exc:  # noqa: BLE001 - a toast, not an error state over every panel
            gr.Warning(user_message(exc), title="Could not answer")
            session.messages = before  # the question goes back into the box, to edit and retry
            yield list(before), question, gr.skip(), gr.skip(), session
            return
        assert answer is not None
        session.counter = turn
        session.turns = [*session.turns, (turn, answer)][-KEPT_TURNS:]
        with user_errors():
            docs = {d.doc_id: d for d in self.bot.documents()}
        sources = render.sources_panel(session.turns, docs)
        article = render.document_panel(session.turns, docs)
        yield chat(render.answer_markdown(answer, turn)), "", sources, article, session

    def clear(self, session: ChatSession | None) -> tuple[Any, ...]:
        """Clear this session's conversation (other sessions are untouched)."""
        if session is not None:
            session.conversation.clear()
            session.messages, session.turns = [], []
        return [], "", render.sources_panel([], {}), render.document_panel([], {}), session

    def answer_json(self, question: str) -> dict[str, Any]:
        """One standalone question for API clients: the whole Answer as JSON (no memory, no HTML)."""
        with user_errors():
            return self.bot.ask(question).model_dump(mode="json", exclude={"chunks"})

    def status(self) -> str:
        """Which articles are indexed, and when."""
        with user_errors():
            return render.status_html(self.bot.status())

    def rebuild(self, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008 - Gradio's injection idiom
        """Re-embed every article from scratch, showing progress; returns the new status."""

        def report(done: int, total: int) -> None:
            progress((done, total), desc="Embedding chunks", unit="chunks")

        progress(0, desc="Reading and chunking the articles")
        with user_errors():
            self.bot.index(rebuild=True, progress=report)
            return render.status_html(self.bot.status())


# ---- the app ------------------------------------------------------------------------------------
INTRO = (
    "## News assistant\nAsk about the indexed news articles. Every statement carries a [n] marker: "
    "click it to see the exact passage in its article."
)


def build_app(assistant: Assistant) -> gr.Blocks:
    """The Blocks app over one shared Assistant; conversations are per browser session."""
    h = Handlers(assistant)
    html_panel: dict[str, Any] = {"js_on_load": None, "apply_default_css": False}
    private: dict[str, Any] = {"api_visibility": "private"}
    with gr.Blocks(title="News assistant") as demo:
        session = gr.State(None)  # a ChatSession, created on this browser session's first question
        gr.HTML("", head=render.HEAD, elem_id="ui-assets", **html_panel)  # inline CSS and click handling
        gr.Markdown(INTRO)
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=360):
                chatbot = gr.Chatbot(
                    label="Conversation", elem_id="chat", height=520, buttons=["copy", "copy_all"],
                    feedback_options=None, placeholder="Ask a question, or pick an example below.",
                )
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask about the articles…", show_label=False, container=False,
                                     scale=8, max_lines=4, autofocus=True, elem_id="question")
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask")
                with gr.Row(elem_id="examples"):
                    examples = [gr.Button(q, size="sm", variant="secondary", scale=0, min_width=0)
                                for q in h.examples()]
                clear_btn = gr.Button("Clear chat", size="sm", variant="secondary", elem_id="clear")
            with gr.Column(scale=4, min_width=320):
                sources = gr.HTML(render.sources_panel([], {}), container=True, padding=True,
                                  elem_id="sources", **html_panel)
                article = gr.HTML(render.document_panel([], {}), container=True, padding=True,
                                  elem_id="document", **{**html_panel, "js_on_load": render.SCROLL_ON_UPDATE})
        with gr.Accordion("Indexed articles", open=False, elem_id="corpus"):
            status = gr.HTML(h.status(), elem_id="status", **html_panel)
            rebuild_btn = gr.Button("Rebuild index", size="sm", elem_id="rebuild")

        outputs = [chatbot, box, sources, article, session]
        answering: dict[str, Any] = {"concurrency_id": "answer", "show_progress": "hidden"}  # the chat shows it
        ask_btn.click(h.respond, [box, session], outputs, api_name="chat", **answering)
        box.submit(h.respond, [box, session], outputs, **answering, **private)
        for button in examples:  # a button's value is its label: the example question
            button.click(h.respond, [button, session], outputs, **answering, **private)
        clear_btn.click(h.clear, [session], outputs, api_name="clear")
        chatbot.clear(h.clear, [session], outputs, **private)  # the chat's own bin icon
        gr.api(h.answer_json, api_name="ask", concurrency_id="answer")
        rebuild_btn.click(h.rebuild, None, status, concurrency_limit=1, **private)
        demo.load(h.status, None, status, **private)
    demo.queue(default_concurrency_limit=assistant.settings.ui.concurrency)
    return demo


def launch(settings: Settings, host: str | None = None, port: int | None = None,
           assistant: Assistant | None = None, block: bool = True) -> gr.Blocks:
    """Serve the UI: loopback by default, never on a reachable address without a login, nothing shared."""
    host = host or settings.ui.host
    port = port or settings.ui.port
    auth = resolve_auth(settings, host)
    demo = build_app(assistant or Assistant(settings))
    demo.launch(
        server_name=host, server_port=port, auth=auth, prevent_thread_lock=not block, share=False,
        ssr_mode=False, mcp_server=False, show_error=False, footer_links=["api", "settings"],
    )
    return demo


def stop(demo: gr.Blocks, timeout: float = 5.0) -> None:
    """Close a UI served with ``block=False`` and free its port.

    Gradio's ``close()`` sets the app's asyncio stop event from the calling thread; while pages are
    open, their streams wait on that event in the server's loop, which can change the waiter list
    mid-iteration ("RuntimeError: deque mutated during iteration"). The event is set on its own
    loop first, so ``close()`` finds it set and only shuts the server down.
    """
    apps = {id(a): a for a in (getattr(demo, "app", None), getattr(demo, "server_app", None)) if a}
    for app in apps.values():
        event = getattr(app, "stop_event", None)
        loop = getattr(event, "_loop", None)  # bound by the first waiter: no waiter, no race
        if event is None or loop is None or not loop.is_running() or event.is_set():
            continue
        done = threading.Event()

        def set_on_loop(event: Any = event, done: threading.Event = done) -> None:
            event.set()
            done.set()

        loop.call_soon_threadsafe(set_on_loop)
        done.wait(timeout)
    demo.close()
