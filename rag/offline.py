"""Make every library we use work without a network, and fail fast instead of stalling when one tries.

Imported first by `rag/__init__.py`. Only sets variables the user has not set, except NLTK_DATA, which
LlamaIndex needs to point at its bundled copy (any other folder makes it download punkt/stopwords).
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def _llama_static() -> Path | None:
    spec = importlib.util.find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "_static"


def configure() -> None:
    defaults = {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "ANONYMIZED_TELEMETRY": "False",  # Chroma's posthog telemetry
        "GRADIO_ANALYTICS_ENABLED": "False",
        "TOKENIZERS_PARALLELISM": "false",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # also silences transformers' "Loading weights" bar
        "TRANSFORMERS_VERBOSITY": "error",
        # OpenMP threads that spin while idle slow llama.cpp 5-10x when anything else runs on 2 cores
        "OMP_WAIT_POLICY": "PASSIVE",
    }
    for key, value in defaults.items():
        if value:
            os.environ.setdefault(key, value)
    static = _llama_static()
    if static is not None:
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(static / "tiktoken_cache"))
        os.environ["NLTK_DATA"] = str(static / "nltk_cache")


configure()
