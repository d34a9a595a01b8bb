"""The retrieval benchmark's bookkeeping: one index per build, reused figures are not measured again."""
from eval.confusable.bench import CONFIGS, LLAMAINDEX, Build, run, table
from rag.config import Config


def test_builds_default_to_the_product_config_and_name_their_index():
    b = Build()
    config = Config()
    assert (b.chunk_tokens, b.chunk_overlap_sentences, b.embed_title, b.chunk_vectors) == (
        config.chunk_tokens, config.chunk_overlap_sentences, config.embed_title, config.chunk_vectors)
    assert Build(180, 1, False, "embed").dirname("seeds") == "seeds-180-1"
    assert Build(180, 1, True, "mean-tokens").dirname("aragog") == "aragog-180-1-title-mean-tokens"
    names = {build.dirname("x") for _, build, _ in CONFIGS}
    assert len(names) == len({build for _, build, _ in CONFIGS})  # distinct builds never share an index


def test_figures_given_for_reuse_are_not_measured_again(tmp_path):
    figures = {"hit@1": 0.5, "hit@5": 1.0, "mrr": 0.7, "p50_ms": 1.0, "n": 2}
    reuse = {"seeds": {LLAMAINDEX: figures, **{label: figures for label, _, _ in CONFIGS}}}
    logged = []
    results = run(["seeds"], tmp_path, log=logged.append, reuse=reuse)
    assert results == reuse and logged == [] and not any(tmp_path.iterdir())


def test_table_leaves_rows_measured_on_another_set_blank():
    figures = {"hit@1": 0.5, "hit@5": 1.0, "mrr": 0.75, "p50_ms": 12.0}
    text = table({"seeds": {"a": figures, "b": figures}, "aragog": {"a": figures}})
    assert "| a | 0.500 | 1.000 | 0.750 | 0.500 | 1.000 | 0.750 |" in text
    assert "| b | 0.500 | 1.000 | 0.750 |  |  |  |" in text


def test_indexes_hold_the_vectors_of_the_model_the_product_indexes_with(tmp_path):
    """The shared sentence cache embeds with the configured model, not `load_embedder()`'s float default."""
    from rag import RAG
    from rag.ingest.chunk import embedding_input

    figures = {"hit@1": 0.5, "hit@5": 1.0, "mrr": 0.7, "p50_ms": 1.0, "n": 2}
    run(["seeds"], tmp_path, log=lambda _: None, labels=lambda label: label.endswith("(default)"),
        reuse={"seeds": {LLAMAINDEX: figures}})
    built = RAG.open(tmp_path / Build().dirname("seeds"))
    chunk_id, text, meta = next(built.store.chunks())
    stored = built.store.chunk_vectors([chunk_id])[chunk_id]
    fresh = built.embedder.embed([embedding_input(text, meta.get("title", ""))])[0]
    assert built.embedder.model_id == built.store.collection.metadata["embed_model"]
    assert float(stored @ fresh) > 0.9999
