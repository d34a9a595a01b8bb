"""A chunk's Chroma metadata in the layout LlamaIndex's ChromaVectorStore writes for a TextNode.

Written here without importing LlamaIndex (53 MB of memory and 1.5-2.8 s of imports that `rag index`
otherwise needs for nothing else), so LlamaIndex's own retrievers read our store. The layout is LlamaIndex
0.14's `node_to_metadata_dict(TextNode(...), remove_text=True, flat_metadata=True)`;
tests/rag/store/test_nodes.py checks it against LlamaIndex itself, so an upgrade that changes it fails there.
"""
from __future__ import annotations

import json
from typing import Any

NODE_TYPE = "TextNode"
SOURCE_RELATION = "1"  # NodeRelationship.SOURCE


def textnode_metadata(chunk_id: str, doc_id: str, meta: dict[str, Any], start: int, end: int) -> dict[str, Any]:
    """`meta` plus `_node_content` (the node as JSON, text removed) and the reference-document keys; every
    metadata key is excluded from what LlamaIndex would embed or show an LLM. None becomes "" (Chroma)."""
    keys = list(meta)
    node: dict[str, Any] = {
        "id_": chunk_id, "embedding": None, "metadata": meta,
        "excluded_embed_metadata_keys": keys, "excluded_llm_metadata_keys": keys,
        "relationships": {SOURCE_RELATION: {"node_id": doc_id, "node_type": None, "metadata": {}, "hash": None,
                                            "class_name": "RelatedNodeInfo"}},
        "metadata_template": "{key}: {value}", "metadata_separator": "\n", "text": "", "mimetype": "text/plain",
        "start_char_idx": start, "end_char_idx": end, "text_template": "{metadata_str}\n\n{content}",
        "class_name": NODE_TYPE,
    }
    ref = doc_id or "None"
    stored = {**meta, "_node_content": json.dumps(node, ensure_ascii=False), "_node_type": NODE_TYPE,
              "document_id": ref, "doc_id": ref, "ref_doc_id": ref}
    return {k: ("" if v is None else v) for k, v in stored.items()}
