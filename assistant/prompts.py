"""Prompt texts live as files in prompts/; this module loads them and checks their variables."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from index.settings import PACKAGE_ROOT, in_checkout

# prompts/ of the checkout, or the copy shipped inside the installed package (assistant/prompt_files)
PROMPTS_DIR = PACKAGE_ROOT / "prompts" if in_checkout() else Path(__file__).resolve().parent / "prompt_files"
REQUIRED_VARIABLES = {
    "refusal": set(),
    "answer_system": {"refusal"},
    "answer_user": {"sources", "question"},
}


@cache
def load(name: str) -> str:
    """The text of prompts/<name>.txt, with its {variables} checked against what the code fills in."""
    path = PROMPTS_DIR / f"{name}.txt"
    text = path.read_text(encoding="utf-8").strip()
    found = set(re.findall(r"(?<!\{)\{([a-z_]+)\}(?!\})", text))
    expected = REQUIRED_VARIABLES.get(name, found)
    if found != expected:
        raise ValueError(f"prompt {path} uses variables {sorted(found)}, expected {sorted(expected)}")
    return text


def refusal() -> str:
    """The one sentence said when the articles do not contain the answer."""
    return load("refusal")
