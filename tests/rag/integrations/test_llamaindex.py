"""The LlamaIndex retriever over our retrieval, driven through LlamaIndex's own interfaces."""
from __future__ import annotations

from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.schema import NodeWithScore, QueryBundle

from rag.answer import models
from rag.config import Config
from rag.integrations.llamaindex import as_llamaindex_llm
from tests.conftest import SAMPLE_QUESTION


def test_retriever_returns_scored_nodes_with_article_metadata(seeded_rag):
    retriever = seeded_rag.as_retriever(top_k=3)
    nodes = retriever.retrieve(QueryBundle(SAMPLE_QUESTION))
    assert len(nodes) == 3 and all(isinstance(n, NodeWithScore) for n in nodes)
    passages = seeded_rag.retrieve(SAMPLE_QUESTION, top_k=3)
    assert [n.node.node_id for n in nodes] == [p.chunk_id for p in passages]
    top = nodes[0].node
    assert top.metadata["name"].startswith(("001_", "004_"))
    assert top.metadata["best_sentence"] in top.get_content()
    assert top.get_content() == passages[0].text


def test_filters_pass_through(seeded_rag):
    dawn = seeded_rag.as_retriever(top_k=5, filters={"source": "Dawn"}).retrieve(SAMPLE_QUESTION)
    assert dawn and {n.node.metadata["source"] for n in dawn} == {"Dawn"}
    assert seeded_rag.as_retriever(filters={"since": "2100-01-01"}).retrieve(SAMPLE_QUESTION) == []


def test_a_llamaindex_query_engine_answers_from_our_passages(seeded_rag):
    """A stock LlamaIndex RetrieverQueryEngine: our retriever, the local llama.cpp model (the smallest)."""
    models.pull("smollm2-135m")  # idempotent: a no-op once the verified file is in the models folder
    llm = as_llamaindex_llm(Config.load(llm_model="smollm2-135m", llm_max_tokens=32))
    engine = RetrieverQueryEngine.from_args(seeded_rag.as_retriever(top_k=2), llm=llm)
    response = engine.query(SAMPLE_QUESTION)
    assert [n.node.node_id for n in response.source_nodes] == \
        [p.chunk_id for p in seeded_rag.retrieve(SAMPLE_QUESTION, top_k=2)]
    assert str(response).strip()  # the model wrote something from the passages it was given
