"""Chunks are stored as LlamaIndex stores a TextNode, without LlamaIndex being imported to write them
(the namespace package `llama_index` itself is found, not loaded, by rag/offline.py)."""
import subprocess
import sys

import pytest
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.utils import metadata_dict_to_node, node_to_metadata_dict

from rag.store.nodes import textnode_metadata

METAS = [
    {"name": "a.txt", "title": 'Quotes "inside", é and 東京', "chunk": 0, "start": 0, "end": 10, "n_tokens": 3,
     "date_num": 20240105, "n_chunks": 4},
    {"name": "b.md", "title": "", "date": "", "chunk": 7, "start": 1200, "end": 1999, "score": 0.25, "ok": True,
     "source": "line\nbreak\ttab \\ backslash", "missing": None},
    {},
]


def llamaindex_layout(chunk_id, doc_id, meta, start, end):
    node = TextNode(id_=chunk_id, text="the chunk text", metadata=meta, start_char_idx=start, end_char_idx=end,
                    excluded_embed_metadata_keys=list(meta), excluded_llm_metadata_keys=list(meta),
                    relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=doc_id)})
    stored = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
    return {k: ("" if v is None else v) for k, v in stored.items()}


@pytest.mark.parametrize("meta", METAS)
def test_the_layout_is_llamaindexs_own(meta):
    ours = textnode_metadata("chunk-id", "doc-id", dict(meta), 12, 340)
    assert ours == llamaindex_layout("chunk-id", "doc-id", dict(meta), 12, 340)
    assert list(ours) == list(llamaindex_layout("chunk-id", "doc-id", dict(meta), 12, 340))


def test_llamaindex_reads_the_node_back():
    node = metadata_dict_to_node(textnode_metadata("c1", "d1", dict(METAS[0]), 0, 10), text="back")
    assert isinstance(node, TextNode) and node.node_id == "c1" and node.ref_doc_id == "d1"
    assert node.metadata["title"] == METAS[0]["title"] and node.text == "back"


def test_indexing_does_not_import_llamaindex(tmp_path, seeds_dir):
    code = ("import sys; from rag import RAG; r = RAG.open(sys.argv[1]); r.index([sys.argv[2]], progress=False); "
            "assert r.count() > 0; print(sorted(m for m in sys.modules if m.startswith('llama_index.')))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "i"), str(seeds_dir)], capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
