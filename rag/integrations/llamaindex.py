"""LlamaIndex adapters: this project's parts in LlamaIndex's shapes, and LlamaIndex's node format in the store.

    from llama_index.core.query_engine import RetrieverQueryEngine
    retriever = RAG.open().as_retriever(top_k=5, filters={"since": "2024-01-01"})
    engine = RetrieverQueryEngine.from_args(retriever, llm=as_llamaindex_llm(Config.load()))

- `NewsRetriever`: the whole retrieval (hybrid dense + BM25, re-ranked by sentence evidence) behind
  `BaseRetriever`. Each node carries the passage text, its article's metadata and, as `best_sentence`,
  the sentence that scored highest as evidence; the score is the passage's cosine similarity.
- `as_llama_embedding`: a loaded embedding model as a `BaseEmbedding`.
- `as_llamaindex_llm`: the local GGUF model as a `CustomLLM`.
- The store writes chunks in the layout `ChromaVectorStore` gives a TextNode (rag/store/nodes.py), so
  LlamaIndex's own retrievers read it.

Importing this module imports LlamaIndex (1.5-2.8 s here); the answer path never does.
"""
from __future__ import annotations

import os
from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeRelationship, NodeWithScore, QueryBundle, RelatedNodeInfo, TextNode

from rag.config import Config
from rag.embed.base import Embedder
from rag.types import Passage


def to_node(passage: Passage) -> NodeWithScore:
    meta = {"article_id": passage.doc_id, "name": passage.name, "title": passage.title, "date": passage.date,
            "source": passage.source, "start": passage.start, "end": passage.end}
    if passage.evidence:
        meta["best_sentence"] = passage.evidence[0].text
    node = TextNode(id_=passage.chunk_id, text=passage.text, metadata=meta,
                    start_char_idx=passage.start, end_char_idx=passage.end,
                    relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=passage.doc_id)})
    return NodeWithScore(node=node, score=passage.score)


class NewsRetriever(BaseRetriever):
    """Hybrid dense + BM25 retrieval re-ranked by sentence evidence, behind `BaseRetriever`."""

    def __init__(self, rag: Any, top_k: int | None = None, filters: dict[str, Any] | None = None):
        super().__init__()
        self._rag = rag
        self._top_k = top_k
        self._filters = filters

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        passages = self._rag.retrieve(query_bundle.query_str, top_k=self._top_k, filters=self._filters)
        return [to_node(p) for p in passages]


def as_llama_embedding(embedder: Embedder):
    """A LlamaIndex BaseEmbedding backed by our already-loaded model."""
    from llama_index.core.embeddings import BaseEmbedding

    class _RagEmbedding(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed_query(query).tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(texts).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return _RagEmbedding(model_name=embedder.model_path, embed_batch_size=embedder.batch_size)


def as_llamaindex_llm(config: Config):
    """A LlamaIndex `CustomLLM` over the same loaded model, for LlamaIndex components that need an LLM.
    Chat calls (LlamaIndex's chat prompts) go to llama.cpp as chat messages, roles kept."""
    from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole
    from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
    from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback

    from rag.answer.llamacpp import LlamaCppGenerator, stream_chat

    gen = LlamaCppGenerator(config)

    def deltas(messages: list[dict[str, str]]):
        return stream_chat(gen.server, messages, config.llm_max_tokens, config.llm_temperature)

    def as_dicts(messages) -> list[dict[str, str]]:
        return [{"role": m.role.value, "content": m.content or ""} for m in messages]

    class LlamaCppLLM(CustomLLM):
        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(context_window=config.llm_ctx, num_output=config.llm_max_tokens,
                               is_chat_model=True, model_name=os.path.basename(gen.model_path))

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
            return CompletionResponse(text="".join(deltas([{"role": "user", "content": prompt}])))

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any):
            def gen_responses():
                text = ""
                for delta in deltas([{"role": "user", "content": prompt}]):
                    text += delta
                    yield CompletionResponse(text=text, delta=delta)

            return gen_responses()

        @llm_chat_callback()
        def chat(self, messages, **kwargs: Any) -> ChatResponse:
            text = "".join(deltas(as_dicts(messages)))
            return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text))

        @llm_chat_callback()
        def stream_chat(self, messages, **kwargs: Any):
            def gen_responses():
                text = ""
                for delta in deltas(as_dicts(messages)):
                    text += delta
                    yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=delta)

            return gen_responses()

    return LlamaCppLLM()
