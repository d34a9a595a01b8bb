"""The embedding paths: the ONNX models agree with the float one, batch by length without changing
results, keep torch out of the process; an index refuses vectors of another model, and with "auto"
keeps the model that built it."""
import subprocess
import sys

import numpy as np
import pytest

from rag import RAG
from rag.embed import load_embedder, model_id
from rag.errors import StoreError
from rag.ingest.sentences import split_sentences
from tests.conftest import ROOT, SAMPLE_QUESTION, SEEDS


@pytest.fixture(scope="module")
def onnx():
    return load_embedder("minilm-onnx")


@pytest.fixture(scope="module")
def seed_texts():
    text = next(SEEDS.glob("004_*")).read_text(encoding="utf-8")
    return [s.text for s in split_sentences(text)][:40] + [text[:1200], text[1200:2600]]


def test_onnx_vectors_match_the_float_model(onnx, seed_texts):
    fast, ref = onnx.embed(seed_texts), load_embedder("minilm").embed(seed_texts)
    assert fast.shape == ref.shape == (len(seed_texts), 384)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    assert float((fast * ref).sum(axis=1).min()) > 0.98  # same model, int8 weights


def test_int8_products_stay_close_to_the_packaged_model(onnx, seed_texts, tmp_path):
    from rag.embed.int8 import quantized_model_file

    built = quantized_model_file(tmp_path)  # built here, atomically, from the packaged model
    assert built.is_file() and not [p for p in tmp_path.iterdir() if p != built]  # no temporary left
    assert quantized_model_file(tmp_path) == built  # then reused
    int8 = load_embedder("minilm-int8")
    assert int8.model_id == model_id("minilm-int8") != onnx.model_id
    fast, ref = int8.embed(seed_texts), onnx.embed(seed_texts)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    cosines = (fast * ref).sum(axis=1)  # measured on the seeds: 0.976-0.995, mean 0.99
    assert float(cosines.min()) > 0.97 and float(cosines.mean()) > 0.985
    assert np.allclose(int8.embed(seed_texts[:3]), fast[:3], atol=1e-4)  # deterministic


def test_an_int8_vector_does_not_depend_on_its_batch(seed_texts):
    int8 = load_embedder("minilm-int8")
    short, long = seed_texts[:6], seed_texts[-2:]
    alone = np.stack([int8.embed_query(t) for t in short + long])
    mixed = int8.embed(long + seed_texts[10:30] + short)  # other texts, padded to other widths, in one run
    together = np.concatenate([mixed[-len(short):], mixed[:len(long)]])
    assert float(np.abs(together - alone).max()) < 1e-6
    reference = load_embedder("minilm").embed(short + long)  # and close to the float model's
    assert float((alone * reference).sum(axis=1).min()) > 0.98


def test_the_fused_int8_graph_gives_the_vectors_of_the_step_by_step_one(seed_texts, tmp_path):
    """Shared quantisation, QuantizeLinear/DequantizeLinear and no NaN guards: bit-identical outputs."""
    from rag.embed.int8 import build_quantized
    from rag.embed.onnx import OnnxEmbedder, onnx_model_file

    fused, steps = tmp_path / "fused.onnx", tmp_path / "steps.onnx"
    build_quantized(onnx_model_file(), fused)
    build_quantized(onnx_model_file(), steps, fused=False)
    texts = seed_texts[:12] + seed_texts[-2:]
    a, b = OnnxEmbedder(fused).embed(texts), OnnxEmbedder(steps).embed(texts)
    assert a.shape == (len(texts), 384) and np.array_equal(a, b)


def test_late_spans_pool_the_tokens_of_one_pass(seed_texts):
    int8 = load_embedder("minilm-int8")
    text = seed_texts[-2]
    cut = text.index(". ") + 1
    vectors, sums, counts = int8.embed_spans([text, "short one"], [[(0, cut), (cut + 1, len(text))], []])
    assert np.allclose(vectors, int8.embed([text, "short one"]), atol=1e-6)
    assert sums.shape == (2, 384) and counts.min() > 0
    whole = int8.tokenizer.encode(text).ids
    assert counts.sum() == len(whole) - 2  # every word piece but [CLS] and [SEP], each span once


def test_batches_run_side_by_side_give_the_vectors_of_one_at_a_time(seed_texts):
    """Several runs at once (one thread each), and several callers at once: the same bits as one by one."""
    from concurrent.futures import ThreadPoolExecutor

    from rag.embed.onnx import OnnxEmbedder

    int8 = load_embedder("minilm-int8")
    texts = seed_texts * 3  # enough for many batches
    one = OnnxEmbedder(int8.model_path, threads=1, model_id=int8.model_id)
    four = OnnxEmbedder(int8.model_path, threads=4, model_id=int8.model_id)
    assert one.parallel_runs == 1 and four.parallel_runs == 4
    assert len(four._batches(np.arange(len(texts)), np.full(len(texts), 40))) > 4
    reference = one.embed(texts)
    spans = [[(0, 12)]] * len(texts)
    vectors, sums, counts = four.embed_spans(texts, spans)
    _, one_sums, one_counts = one.embed_spans(texts, spans)
    assert np.array_equal(vectors, reference) and counts.sum() > 0
    assert np.array_equal(sums, one_sums) and np.array_equal(counts, one_counts)
    with ThreadPoolExecutor(3) as callers:
        for got in callers.map(four.embed, [texts, texts[::-1], texts]):
            assert np.array_equal(got, reference) or np.array_equal(got, reference[::-1])


def test_batching_by_length_does_not_change_vectors_or_order(onnx, seed_texts):
    together = onnx.embed(seed_texts)
    alone = np.stack([onnx.embed_query(t) for t in seed_texts[::7]])
    assert np.allclose(together[::7], alone, atol=1e-4)
    assert onnx.embed([]).shape == (0, 384)


def test_fits_follows_the_model_limit(onnx):
    assert onnx.fits("word " * 100) and not onnx.fits("word " * 300)


@pytest.mark.parametrize("model", ["minilm-onnx", "auto"])
def test_onnx_paths_never_import_torch(tmp_path, model):
    code = (f"import sys; from rag import RAG; r = RAG.open({str(tmp_path / 'i')!r}, embed_model={model!r});"
            f"r.index([{str(next(SEEDS.glob('004_*')))!r}], progress=False); a = r.ask({SAMPLE_QUESTION!r});"
            "assert a.citations and not a.refused, a.text;"
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_index_records_its_model_and_refuses_another(tmp_path):
    one = next(SEEDS.glob("004_*"))
    built = RAG.open(tmp_path / "i", embed_model="minilm-onnx")
    built.index([one], progress=False)
    assert built.store.collection.metadata["embed_model"] == model_id("minilm-onnx")
    with pytest.raises(StoreError, match="re-index") as err:
        RAG.open(tmp_path / "i", embed_model="minilm")
    assert "minilm-onnx" in str(err.value)  # says how to go back
    assert RAG.open(tmp_path / "i", embed_model="minilm-onnx").count() == built.count()


def test_an_empty_index_takes_the_new_model(tmp_path):
    RAG.open(tmp_path / "i", embed_model="minilm-onnx")  # created, nothing written
    again = RAG.open(tmp_path / "i", embed_model="minilm")
    assert again.store.collection.metadata["embed_model"] == model_id("minilm")


def test_an_index_from_before_models_were_recorded_is_taken_as_the_float_model(tmp_path):
    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(path=str(tmp_path / "old"), settings=Settings(anonymized_telemetry=False))
    old = client.create_collection("articles", embedding_function=None, metadata={"hnsw:space": "cosine"})
    old.add(ids=["x"], embeddings=[[1.0] + [0.0] * 383], documents=["old chunk"], metadatas=[{"chunk": 1}])
    del client
    from rag.store.chroma import drop_client_cache

    drop_client_cache()
    with pytest.raises(StoreError, match="all-MiniLM-L6-v2"):
        RAG.open(tmp_path / "old", embed_model="minilm-onnx")
    assert RAG.open(tmp_path / "old", embed_model="minilm").store.collection.metadata["embed_model"] == "all-MiniLM-L6-v2"


def test_auto_keeps_the_model_an_index_was_built_with(tmp_path):
    one = next(SEEDS.glob("004_*"))
    RAG.open(tmp_path / "old", embed_model="minilm-onnx").index([one], progress=False)
    kept = RAG.open(tmp_path / "old", embed_model="auto")
    assert kept.store.embed_model == "minilm-onnx"
    assert kept.embedder.model_id == model_id("minilm-onnx")
    answer = kept.ask(SAMPLE_QUESTION)
    assert answer.citations and not answer.refused
    with pytest.raises(StoreError, match="minilm-onnx"):  # asked for by name, the other model is refused
        RAG.open(tmp_path / "old", embed_model="minilm-int8")


def test_auto_builds_a_new_index_with_int8_products(tmp_path):
    fresh = RAG.open(tmp_path / "new", embed_model="auto")
    fresh.index([next(SEEDS.glob("004_*"))], progress=False)
    assert fresh.store.collection.metadata["embed_model"] == model_id("minilm-int8") == fresh.embedder.model_id
    assert RAG.open(tmp_path / "new", embed_model="minilm-int8").count() == fresh.count()


def test_an_index_of_the_earlier_int8_build_keeps_working_and_says_how_to_move(tmp_path):
    one = next(SEEDS.glob("004_*"))
    RAG.open(tmp_path / "old", embed_model="minilm-int8-dynamic").index([one], progress=False)
    kept = RAG.open(tmp_path / "old")  # auto: the index's own model
    assert kept.store.embed_model == "minilm-int8-dynamic" and kept.embedder.model_id == model_id("minilm-int8-dynamic")
    assert not kept.ask(SAMPLE_QUESTION).refused
    with pytest.raises(StoreError, match="RAG_EMBED_MODEL=minilm-int8-dynamic"):
        RAG.open(tmp_path / "old", embed_model="minilm-int8")
