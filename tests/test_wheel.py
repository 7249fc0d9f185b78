"""The built wheel works outside the checkout: seeds, examples and prompts ship inside it, the data folder is a
per-user folder, and `assistant ask` from an unrelated folder answers the defining question with the figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_installed_wheel_answers_from_any_folder(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            str(REPO), "-w", str(wheels)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("news_assistant-*.whl")
    site = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                                str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr[-2000:]
    assert (site / "index" / "seeds" / "examples.json").is_file()
    assert (site / "assistant" / "prompt_files" / "refusal.txt").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"PYTHONPATH": str(site), "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share")})
    code = ("import sys; from assistant.cli import main; import assistant, index.settings as s; "
            "assert assistant.__file__.startswith(sys.argv[1]), assistant.__file__; "
            "assert not s.in_checkout(); sys.exit(main(['ask', '--json', 'How many Russians fight with IS?']))")
    run = subprocess.run([sys.executable, "-c", code, str(site)], cwd=elsewhere, env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    answer = json.loads(run.stdout)
    assert not answer["abstained"] and len(answer["figures"]) >= 4, answer["text"]
    data = home / ".local" / "share" / "news-assistant"
    assert (data / "manifest.json").is_file() or any(data.iterdir()), "the index went to the per-user data folder"
    assert not (elsewhere / ".data").exists()
