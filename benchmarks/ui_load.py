"""UI load: N concurrent chat sessions x T turns through the real Gradio app (streamed chat endpoint).

python -m benchmarks.ui_load [--sessions 16] [--turns 5]

Each session is its own gradio_client (its own browser-like session state) and asks T questions, follow-ups
included, through `/chat` (the same handler as the chat box). Prints p50/p95 per answer and the error count;
the target (issue #13) is p50 <= 1.5 s and 0 errors at 16 sessions x 5 turns.
"""

from __future__ import annotations

import argparse
import socket
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks.common import summary, write

TURNS = [
    "How many Russians fight with IS?", "Who is Sergei Melikov?", "Which republic did he call the most vulnerable?",
    "Who leads Chechnya?", "What did he call the IS fighters?", "thanks!", "When was Robert Zankishiev killed?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--turns", type=int, default=5)
    args = parser.parse_args()
    from gradio_client import Client

    from assistant import Assistant
    from assistant.cli import quiet_libraries
    from assistant.settings import Settings
    from assistant.ui import launch, stop

    quiet_libraries()
    settings = Settings()
    bot = Assistant(settings)
    bot.ask("warm-up question about the articles")
    port = free_port()
    demo = launch(settings, host="127.0.0.1", port=port, assistant=bot, block=False)
    url = f"http://127.0.0.1:{port}/"
    latencies: list[float] = []
    errors: list[str] = []

    def session(i: int) -> None:
        client = Client(url, verbose=False)
        for t in range(args.turns):
            question = TURNS[(i + t) % len(TURNS)]
            started = time.perf_counter()
            try:
                client.predict(question, api_name="/chat")
                latencies.append((time.perf_counter() - started) * 1000)
            except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
                errors.append(f"{type(exc).__name__}: {exc}")

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=args.sessions) as pool:
            list(pool.map(session, range(args.sessions)))
    finally:
        stop(demo)
    wall = time.perf_counter() - started
    stats = summary(latencies)
    payload = {"sessions": args.sessions, "turns": args.turns, "answers": len(latencies), "errors": errors,
               "latency_ms": stats, "wall_s": wall, "concurrency": settings.ui.concurrency}
    write("ui_load", payload, [
        ("sessions x turns", f"{args.sessions} x {args.turns} ({len(latencies)} answers, {wall:.1f} s wall)"),
        ("answer p50 / p95", f"{stats['p50'] / 1000:.2f} s / {stats['p95'] / 1000:.2f} s  (target p50 <= 1.5 s)"),
        ("errors", f"{len(errors)}" + (f"  first: {errors[0]}" if errors else "")),
    ])
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
