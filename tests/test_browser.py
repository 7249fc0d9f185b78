"""The web UI in a real headless Chromium over the real embedder: the product path, end to end, offline."""

from __future__ import annotations

import ipaddress
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "reports" / "screenshots"
MISSION = "How many Russians fight with IS?"
ANSWER_TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def outbound() -> Iterator[list[str]]:
    """Every non-loopback connection the server process attempts while these tests run (must stay empty)."""
    attempts: list[str] = []
    guarded = socket.socket.connect

    def recording(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and address:
            try:
                loopback = ipaddress.ip_address(str(address[0])).is_loopback
            except ValueError:
                loopback = address[0] == "localhost"
            if not loopback:
                attempts.append(str(address[0]))
        return guarded(self, address)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", recording)
        yield attempts


@pytest.fixture(scope="module")
def app_url(real_bot, outbound: list[str]) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app over the real Assistant, launched in-process on 127.0.0.1 the way the CLI launches it."""
    from assistant.ui import launch, stop

    port = _free_port()
    demo = launch(real_bot.settings, host="127.0.0.1", port=port, assistant=real_bot, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(demo)
    assert outbound == [], f"the server tried to reach the network: {outbound}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # skipped here, at run time, so the CI hook that turns skips of real parts into failures sees it
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Tab:
    """One browser context (a separate user), with every request and dialog it saw."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")
        self.turns = 0

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def send(self, question: str) -> None:
        self.turns += 1
        self.page.fill("#question textarea", question)
        self.page.press("#question textarea", "Enter")

    def wait_answer(self) -> None:
        """Until the final answer of the latest question has rendered its sources."""
        self.page.wait_for_selector(f'#sources .turn-sources[data-turn="{self.turns}"]',
                                    state="attached", timeout=ANSWER_TIMEOUT_MS)

    def ask(self, question: str) -> None:
        self.send(question)
        self.wait_answer()

    def texts(self, selector: str) -> list[str]:
        return [el.inner_text() for el in self.page.query_selector_all(selector)]

    def offsite(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]

    def screenshot(self, tmp_path: Path, name: str) -> Path:
        shot = tmp_path / name
        self.page.screenshot(path=str(shot), full_page=True)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SCREENSHOTS / name)
        return shot

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, app_url: str) -> Iterator[Tab]:
    t = Tab(browser, app_url)
    yield t
    assert t.offsite() == [], f"the page fetched from outside: {t.offsite()}"
    t.close()


def test_mission_question_streams_with_markers_figures_and_highlighted_quote(tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    page.evaluate("""() => { window.__snaps = []; const chat = document.querySelector('#chat');
      new MutationObserver(() => window.__snaps.push(chat.innerText))
        .observe(chat, {subtree: true, childList: true, characterData: true}); }""")
    tab.ask(MISSION)
    snaps = page.evaluate("window.__snaps")
    assert any("▌" in s for s in snaps), "the answer should arrive in pieces"

    reply = tab.texts('#chat [data-testid="bot"]')[-1]
    for figure in ("2,500", "2,200", "1,700", "1,500"):
        assert figure in reply
    markers = page.query_selector_all('#chat [data-testid="bot"] a.cite')
    assert len(markers) >= 4 and markers[0].inner_text() == "[1]"
    bars = tab.texts("#sources .fig-row")
    assert len(bars) >= 4 and any("Valery Semerikov" in b and "2,500" in b for b in bars)

    page.wait_for_function("""() => {
        const m = document.querySelector('#document .turn-doc:not([hidden]) mark.active');
        const box = document.querySelector('#document-box').getBoundingClientRect();
        const r = m && m.getBoundingClientRect();
        return r && r.top >= box.top && r.bottom <= box.bottom;
    }""")  # the first cited passage is scrolled into view in the article
    tab.screenshot(tmp_path, "mission-answer.png")  # before any click: figures chart on top of the sources

    page.click('#chat a.cite[href="#cite-1-3"]')
    card = page.locator("#cite-1-3")
    page.wait_for_function("() => document.querySelector('#cite-1-3').classList.contains('active')")
    assert card.is_visible() and page.locator("#sources .source.active").count() == 1
    quote = card.locator("mark").inner_text()
    assert "1,700" in quote and quote in card.locator(".source-para").inner_text()
    active = page.locator("#document .turn-doc:not([hidden]) mark.active")
    assert active.count() >= 1 and active.first.is_visible()
    assert active.first.inner_text().strip() in quote
    tab.screenshot(tmp_path, "mission-marker-clicked.png")


def test_off_topic_question_says_not_in_the_articles(tab: Tab, tmp_path: Path) -> None:
    tab.ask("Who won the 2018 World Cup?")
    note = tab.page.locator('#chat [data-testid="bot"] .note-info')
    assert note.count() == 1 and "Not in the articles." in note.inner_text() and "\\" not in note.inner_text()
    assert tab.page.locator("#sources .source").count() == 0
    assert "no sources to show" in tab.page.locator("#sources .note-info").inner_text()
    tab.screenshot(tmp_path, "not-in-the-articles.png")


def test_two_users_keep_separate_histories(browser: Any, app_url: str) -> None:
    alice, bob = Tab(browser, app_url), Tab(browser, app_url)
    try:
        alice.send("Who is Sergei Melikov?")
        bob.send(MISSION)  # both answers computed at once
        alice.wait_answer()
        bob.wait_answer()
        alice.ask("Which republic did he call the most vulnerable?")  # resolved against Alice's turns only
        assert alice.texts('#chat [data-testid="user"]') == [
            "Who is Sergei Melikov?", "Which republic did he call the most vulnerable?"]
        assert bob.texts('#chat [data-testid="user"]') == [MISSION]
        alice_replies = " ".join(alice.texts('#chat [data-testid="bot"]'))
        assert "Daghestan" in alice_replies and "Searched: “Which republic did Sergei Melikov" in alice_replies
        assert "2,500" not in alice_replies
        assert "Daghestan" not in " ".join(bob.texts('#chat [data-testid="bot"]'))
        alice.page.click('#chat a.cite[href="#cite-1-1"]')  # a marker of Alice's first answer
        alice.page.wait_for_function("() => document.querySelector('#cite-1-1').classList.contains('active')")
        assert alice.page.locator('#sources .turn-sources[data-turn="1"]').is_visible()
        assert alice.page.locator('#sources .turn-sources[data-turn="2"]').is_hidden()
        assert alice.offsite() == [] and bob.offsite() == []
    finally:
        alice.close()
        bob.close()


def test_script_in_a_question_renders_as_text(tab: Tab) -> None:
    question = "<script>alert(1)</script><img src=x onerror=alert(2)> Who is Sergei Melikov?"
    tab.ask(question)
    assert tab.dialogs == []
    assert tab.texts('#chat [data-testid="user"]') == [question]
    assert tab.page.locator("#chat script, #chat img[src='x'], #sources script, #sources img").count() == 0
    assert question in tab.page.locator("#sources .turn-q").inner_text()


def test_an_error_is_a_short_message_and_the_question_stays(tab: Tab) -> None:
    question = "x" * 2500
    tab.send(question)
    toast = tab.page.locator(".toast-body")
    toast.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "the question is 2,500 characters long; the limit is 2,000" in toast.inner_text()
    assert tab.page.input_value("#question textarea") == question
    assert tab.page.locator('#chat [data-testid="user"]').count() == 0
    body = tab.page.inner_text("body")
    assert "Traceback" not in body and "Error" not in body


def test_gradio_client_gets_cited_answers(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    chat, box, sources, _article = client.predict(MISSION, api_name="/chat")
    reply = chat[-1]["content"]
    text = reply if isinstance(reply, str) else " ".join(part.get("text", "") for part in reply)
    assert "[1]" in text and "2,500" in text and box == "" and 'id="cite-1-1"' in sources
    answer = client.predict(MISSION, api_name="/ask")
    assert "[1]" in answer["text"] and len(answer["citations"]) >= 4 and not answer["abstained"]


def test_eight_concurrent_conversations_through_the_ui_match_serial_runs(app_url: str) -> None:
    """Eight clients, each its own session, asking a question and a follow-up at once: no errors,
    no history crossing sessions, and the same answers as when run one after another."""
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    firsts = ["Who is Sergei Melikov?", "Who is Aleksandr Bortnikov?", "Who is Ramzan Kadyrov?",
              "When was Robert Zankishiev killed?", MISSION, "Who is Sergei Smirnov?",
              "What was seized in the gang's hideout?", "Who won the 2018 World Cup?"]

    def text_of(chat: list[dict[str, Any]]) -> str:
        reply = chat[-1]["content"]
        return reply if isinstance(reply, str) else " ".join(part.get("text", "") for part in reply)

    def converse(i: int) -> tuple[str, str, int]:
        client = Client(app_url, verbose=False)
        first, *_ = client.predict(firsts[i], api_name="/chat")
        second, *_ = client.predict("Where did he say it?", api_name="/chat")
        return text_of(first), text_of(second), len(second)

    serial = [converse(i) for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(converse, range(8)))
    assert parallel == serial
    assert all(turns == 4 for _, _, turns in parallel), "each session holds only its own two exchanges"


def test_three_turn_conversation_follows_the_previous_answer(tab: Tab, tmp_path: Path) -> None:
    """Turn 2's pronoun means turn 1's answer (not a name in its question); 'thanks!' gets a friendly reply and
    does not break the thread; turn 4's pronoun still means the same person."""
    tab.ask("Who leads Chechnya?")
    first = tab.texts('#chat [data-testid="bot"]')[-1]
    assert "Kadyrov" in first.split("[1]")[0], first  # the answer comes first, in the first cited statement
    tab.ask("What did he call the IS fighters?")
    second = tab.texts('#chat [data-testid="bot"]')[-1]
    assert "Searched: “What did Ramzan Kadyrov call the IS fighters?”" in second
    assert "Kadyrov" in second and "jerks" in second
    cited = " ".join(tab.texts('#sources .turn-sources[data-turn="2"] .source'))
    assert "Kadyrov" in cited
    tab.send("thanks!")
    tab.page.wait_for_function("() => [...document.querySelectorAll('#chat [data-testid=\"bot\"]')].length >= 3 "
                               "&& document.querySelector('#chat .note-chat') !== null", timeout=ANSWER_TIMEOUT_MS)
    thanks = tab.texts('#chat [data-testid="bot"]')[-1]
    assert "welcome" in thanks.lower() and "Not in the articles" not in thanks
    tab.ask("When did he say that?")
    fourth = tab.texts('#chat [data-testid="bot"]')[-1]
    assert "Searched: “When did Ramzan Kadyrov say that?”" in fourth
    tab.screenshot(tmp_path, "three-turn-conversation.png")
