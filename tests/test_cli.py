"""The CLI as a user runs it: real subprocesses, real embedder, one-line errors and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


def run(args: list[str], data: Path, stdin: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_DATA_DIR"] = str(data)
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=timeout, cwd=REPO)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-data")
    first = run(["index"], folder)
    assert first.returncode == 0, first.stderr
    assert "5 added" in first.stdout
    return folder


def test_second_index_reports_5_unchanged_and_embeds_nothing(data: Path) -> None:
    again = run(["index"], data)
    assert again.returncode == 0
    assert "5 unchanged" in again.stdout and "0 texts embedded" in again.stdout


def test_ask_prints_answer_and_numbered_sources(data: Path) -> None:
    out = run(["ask", "How many Russians fight with IS?"], data)
    assert out.returncode == 0, out.stderr
    assert "Sources:" in out.stdout and "[1]" in out.stdout
    for figure in ("2,500", "2,200", "1,700", "1,500"):
        assert figure in out.stdout
    assert "Traceback" not in out.stderr


def test_ask_json_is_the_full_answer(data: Path) -> None:
    out = run(["ask", "Who won the 2018 World Cup?", "--json"], data)
    payload = json.loads(out.stdout)
    assert payload["abstained"] is True and payload["citations"] == []


@pytest.mark.parametrize("question", ["", "   ", "x" * 100_000])
def test_bad_questions_exit_2_with_one_line(data: Path, question: str) -> None:
    out = run(["ask", question], data)
    assert out.returncode == 2
    assert out.stderr.startswith("error: ") and len(out.stderr.strip().splitlines()) == 1


def test_chat_shows_the_searched_follow_up(data: Path) -> None:
    out = run(["chat"], data, stdin="Who is Sergei Melikov?\nWhich republic did he call the most vulnerable?\n\n")
    assert out.returncode == 0, out.stderr
    assert "(searched: Which republic did Sergei Melikov call the most vulnerable?)" in out.stdout
    assert "Daghestan" in out.stdout


def test_missing_corpus_exit_2_and_index_untouched(data: Path, tmp_path: Path) -> None:
    out = run(["index", "--corpus", str(tmp_path / "missing")], data)
    assert out.returncode == 2 and "does not exist" in out.stderr
    assert "2,500" in run(["ask", "How many Russians fight with IS?"], data).stdout


def test_skipped_files_are_named_and_exit_code_says_so(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "seeds", corpus)
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    data = tmp_path / "data"
    out = run(["index", "--corpus", str(corpus)], data)
    assert out.returncode == 1
    assert "skipped" in out.stderr and "bad.txt" in out.stderr and "binary" in out.stderr
    assert "5 added" in out.stdout


def test_corrupt_store_says_how_to_rebuild_and_rebuild_recovers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(["index"], data).returncode == 0
    (data / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    broken = run(["ask", "Who is Sergei Melikov?"], data)
    assert broken.returncode == 3 and "assistant index --rebuild" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert run(["index", "--rebuild"], data).returncode == 0
    assert "Melikov" in run(["ask", "Who is Sergei Melikov?"], data).stdout


def test_library_errors_map_to_documented_exit_codes(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Chroma's and httpx's errors come out as StoreError / BackendError, not as 'unexpected …'."""
    from assistant import cli

    InternalError = type("InternalError", (Exception,), {"__module__": "chromadb.errors"})
    ConnectError = type("ConnectError", (Exception,), {"__module__": "httpx"})
    for error, code, words in ((InternalError("segment gone"), 3, "index store failed"),
                               (ConnectError("refused"), 3, "did not answer")):
        def boom(args, error=error):  # type: ignore[no-untyped-def]
            raise error
        monkeypatch.setattr(cli, "cmd_ask", boom)
        parser = cli.build_parser()
        monkeypatch.setattr(cli, "build_parser", lambda parser=parser: parser)
        for action in parser._subparsers._group_actions[0].choices.values():  # type: ignore[union-attr]
            if action.prog.endswith(" ask"):
                action.set_defaults(func=boom)
        assert cli.main(["ask", "anything"]) == code
        err = capsys.readouterr().err
        assert words in err and "unexpected" not in err


def test_broken_pipe_is_quiet(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`assistant ask … | head -c1`: the reader leaves early; no traceback, no 'unexpected BrokenPipeError'."""
    import subprocess
    import sys

    code = ("import sys; from assistant import cli; "
            "cli.cmd_ask = lambda args: [print('x' * 65536) for _ in range(50)] and 0; "
            "p = cli.build_parser(); "
            "sys.exit(cli.main(['ask', 'q']))")
    proc = subprocess.run(f"{sys.executable} -c \"{code}\" | head -c 1", shell=True, capture_output=True, text=True,
                          timeout=120)
    assert "BrokenPipe" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
