"""Answer latency: warm `ask` p50/p95 vs one query embedding, and cold `assistant ask` wall time and memory.

python -m benchmarks.answer [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import REPO, summary, timed, write

QUESTIONS = [
    "How many Russians fight with IS?", "Who is Sergei Melikov?", "When was Robert Zankishiev killed?",
    "Why did Russia decide to intervene in Syria?", "Who won the 2018 World Cup?",
    "What was seized in the gang's hideout?",
]


_MEASURED = (
    "import atexit, runpy, sys\n"
    "def hwm():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            sys.stderr.write('VmHWM ' + line.split()[1] + '\\n')\n"
    "atexit.register(hwm)\n"
    "sys.argv = ['assistant', 'ask', sys.argv[1]]\n"
    "runpy.run_module('assistant.cli', run_name='__main__')\n"
)


def cold_runs(data: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall time and peak RSS (the child's own VmHWM, not inherited from this process) of `assistant ask`."""
    walls, rss = [], []
    env = {"ASSISTANT_DATA_DIR": str(data), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _MEASURED, QUESTIONS[0]], capture_output=True, text=True,
                             env=env, check=False)
        walls.append(time.perf_counter() - t)
        assert out.returncode == 0, out.stderr
        rss.append(int(out.stderr.rsplit("VmHWM ", 1)[1].split()[0]) / 1024)
    return walls, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    from assistant import Assistant
    from assistant.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        bot = Assistant(Settings(data_dir=data, corpus_dir=REPO / "seeds"))
        bot.index()
        for q in QUESTIONS:
            bot.ask(q)  # warm
        i = iter(range(10**9))
        ask = timed(lambda: bot.ask(QUESTIONS[next(i) % len(QUESTIONS)]), args.repeat * len(QUESTIONS))
        j = iter(range(10**9))
        embed = timed(lambda: bot.embedder.get_query_embedding(QUESTIONS[next(j) % len(QUESTIONS)] + " "),
                      args.repeat * len(QUESTIONS))
        walls, rss = cold_runs(data, 5)
    a, e = summary(ask), summary(embed)
    ratio = a["p50"] / e["p50"]
    payload = {"warm_ask_ms": a, "query_embedding_ms": e, "ratio_p50": ratio,
               "cold_ask_s": summary(walls), "cold_ask_peak_rss_mb": max(rss)}
    write("answer", payload, [
        ("warm ask p50 / p95", f"{a['p50']:.1f} / {a['p95']:.1f} ms"),
        ("one query embedding p50", f"{e['p50']:.1f} ms"),
        ("ratio warm ask p50 / embedding p50 (target <= 3)", f"{ratio:.2f}"),
        ("cold `assistant ask` wall p50 / max (target <= 4 s)", f"{summary(walls)['p50']:.2f} / {max(walls):.2f} s"),
        ("cold `assistant ask` peak RSS (target <= 800 MB)", f"{max(rss):.0f} MB"),
    ])


if __name__ == "__main__":
    main()
