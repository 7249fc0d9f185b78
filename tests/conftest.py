"""Shared fixtures: every test gets its own data folder, no network, and fakes that rank."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes import HashEmbedding

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    """Refuse any connection that is not to this machine: tests never reach the network."""
    if isinstance(address, tuple) and address:
        host = str(address[0])
        try:
            ok = ipaddress.ip_address(host).is_loopback
        except ValueError:
            ok = host in ("localhost",)
        if not ok:
            raise OSError(f"test tried to reach the network ({host}); tests must stay on 127.0.0.1")
    return _real_connect(self, address)  # type: ignore[arg-type]


socket.socket.connect = _loopback_only  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test writes only under its tmp_path and sees no user ASSISTANT_* settings."""
    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the seed articles."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, corpus: Path):  # type: ignore[no-untyped-def]
    from assistant.settings import Settings

    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus)


@pytest.fixture
def fake_embedder() -> HashEmbedding:
    return HashEmbedding()


@pytest.fixture
def fake_bot(settings, fake_embedder):  # type: ignore[no-untyped-def]
    """An Assistant over the seeds with hash embeddings (fast, no model)."""
    from assistant import Assistant

    bot = Assistant(settings, embedder=fake_embedder)
    bot.index()
    return bot


@pytest.fixture(scope="session")
def real_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("real-index")


@pytest.fixture(scope="session")
def real_bot(real_data_dir: Path) -> Iterator[object]:
    """An Assistant with the real bundled embedder and embedded Chroma, indexed once per session."""
    from assistant import Assistant
    from assistant.settings import Settings

    bot = Assistant(Settings(data_dir=real_data_dir, corpus_dir=SEEDS))
    bot.index()
    yield bot


REAL_PART_MARKERS = ("browser", "llm", "server")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """In CI a test of a real part (browser, LLM server, Chroma server) may not be skipped: that is a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") and any(item.get_closest_marker(m) for m in REAL_PART_MARKERS):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, but real parts must be exercised: {report.longrepr}"
