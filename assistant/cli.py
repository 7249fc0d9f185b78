"""The command line: `assistant index | ask | chat | ui | eval`. Thin: each command calls one library function."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import AssistantError, BackendError, ConfigError, StoreError

EXIT_SKIPPED = 1


def quiet_libraries() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("chromadb", "httpx", "sentence_transformers", "transformers", "urllib3", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from assistant.settings import Settings

    overrides: dict[str, object] = {}
    if getattr(args, "corpus", None):
        overrides["corpus_dir"] = Path(args.corpus)
    if getattr(args, "backend", None):
        overrides["backend"] = args.backend
    return Settings(**overrides)  # type: ignore[arg-type]


def cmd_index(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from assistant.api import Assistant

    bot = Assistant(_settings(args), auto_index=False)
    bar = tqdm(total=0, unit="text", desc="embedding", disable=not sys.stderr.isatty() and not args.progress)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    summary = bot.index(rebuild=args.rebuild, progress=progress)
    bar.close()
    for item in summary.skipped:
        print(f"skipped {item.path}: {item.reason}", file=sys.stderr)
    from index.store import probe_in_child

    problem = probe_in_child(bot.settings)  # "up to date" must mean "answers": counts and a query, out of process
    if problem:
        raise StoreError(f"the index does not answer ({problem}); run `assistant index --rebuild`")
    print(summary.line())
    return EXIT_SKIPPED if summary.skipped else 0


def _print_answer(answer, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        print(answer.model_dump_json(indent=2))
        return
    if answer.rewritten:
        print(f"(searched: {answer.query})")
    print(answer.text)
    if answer.citations:
        print("\nSources:")
        print(answer.sources_text())


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.api import Assistant

    answer = Assistant(_settings(args)).ask(args.question)
    _print_answer(answer, args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.api import Assistant

    conv = Assistant(_settings(args)).chat()
    print("Ask about the articles; empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("> ")
        except EOFError:
            break
        if not question.strip():
            break
        try:
            _print_answer(conv.ask(question), as_json=False)
        except AssistantError as exc:
            print(f"error: {exc}", file=sys.stderr)
        print()
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    from assistant.ui import launch

    launch(_settings(args), host=args.host, port=args.port)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import importlib

    try:  # evals/ sits above the package (it uses only the public API), so it is looked up, not imported
        run_eval = importlib.import_module("evals.runner").run_eval
    except ModuleNotFoundError as exc:
        raise ConfigError("the evaluation ships with the source checkout (evals/); run `assistant eval` from a "
                          "checkout of the repository") from exc
    return int(run_eval(
        settings=_settings(args),
        cases=Path(args.cases) if args.cases else None,
        report_dir=Path(args.report) if args.report else None,
        gate=not args.no_gate,
        corpora=args.corpus,
    ))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="index the corpus folder (incremental)")
    p.add_argument("--corpus", help="folder of .txt articles (default: seeds/)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and rebuild it from scratch")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", help="answer one question with citations")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the full Answer as JSON")
    p.add_argument("--backend", choices=["extractive", "openai", "ollama", "llamacpp"])
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="a conversation in the terminal")
    p.add_argument("--backend", choices=["extractive", "openai", "ollama", "llamacpp"])
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("ui", help="start the web UI")
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 7860)")
    p.add_argument("--backend", choices=["extractive", "openai", "ollama", "llamacpp"])
    p.set_defaults(func=cmd_ui)

    p = sub.add_parser("eval", help="run the grounding evaluation and its gate")
    p.add_argument("--cases", help="one JSONL cases file (default: every corpus and split of evals/suite.json)")
    p.add_argument("--corpus", action="append", help="only this suite corpus (repeatable)")
    p.add_argument("--report", help="report folder (default: reports/eval)")
    p.add_argument("--backend", choices=["extractive", "openai", "ollama", "llamacpp"])
    p.add_argument("--no-gate", action="store_true", help="report only; never fail")
    p.set_defaults(func=cmd_eval)
    return parser


def library_error(exc: Exception) -> AssistantError | None:
    """A Chroma or network failure that escaped the layers, as the documented error type (with its exit code)."""
    name = type(exc).__name__
    module = type(exc).__module__ or ""
    if module.startswith("chromadb") or name in ("InternalError", "NotFoundError"):
        return StoreError(f"the index store failed ({name}: {exc}); run `assistant index --rebuild`, or check that "
                          "the Chroma server is up if one is configured")
    if module.startswith(("httpx", "httpcore", "requests", "urllib3")):
        return BackendError(f"a server did not answer ({name}: {exc}); check that the configured Chroma server "
                            "(chroma_host) or LLM backend (llm.api_base) is up")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    quiet_libraries()
    try:
        return int(args.func(args))
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `assistant ask … | head`: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not complain
        return 0
    except Exception as exc:
        mapped = library_error(exc)
        if mapped is not None:
            print(f"error: {mapped}", file=sys.stderr)
            return mapped.exit_code
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        print(f"error: unexpected {type(exc).__name__}: {exc} (set ASSISTANT_DEBUG=1 for details)", file=sys.stderr)
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        return 1


if __name__ == "__main__":
    sys.exit(main())
