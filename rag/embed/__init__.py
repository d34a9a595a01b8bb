"""Embedding: texts to vectors, loaded once per process from local files, never from a hub.

`base.Embedder` is the interface the rest of the code uses; `registry` names the models and builds
the backend a name asks for (`sbert`, `onnx`, `int8`); `vectors` turns a batch of prepared documents
into chunk and sentence vectors for the store.
"""
from rag.embed.base import Embedder, LazyEmbedder
from rag.embed.registry import AUTO, concrete_model, embedder_for, load_embedder, model_id, preload_embedder

__all__ = ["AUTO", "Embedder", "LazyEmbedder", "concrete_model", "embedder_for", "load_embedder", "model_id",
           "preload_embedder"]
