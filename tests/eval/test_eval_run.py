"""The real thing: the seeds indexed into real Chroma with real embeddings, every gold question asked
through RAG.ask, scored, and gated against the committed baseline. The index is the suite's shared
`seeded_rag` (tests/conftest.py), read only."""
import argparse
import json
import shutil

import pytest

from eval import baseline as bl
from eval.cli import DEFAULT_GOLD, configure
from eval.runner import DEFAULT_CORPUS, corpus_names
from tests.conftest import DEFAULT_GENERATOR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeded_index(seeded_rag):
    assert len(seeded_rag.documents()) == len(corpus_names(DEFAULT_CORPUS))
    return seeded_rag.config.index_dir


def run_cli(*argv):
    parser = argparse.ArgumentParser()
    configure(parser)
    args = parser.parse_args([str(a) for a in argv])
    return args.func(args)


def test_default_run_has_the_stable_shape_and_passes_the_gate(seeded_index, tmp_path, capsys):
    """The gate on the product's default configuration, answer backend included (the suite pins extractive)."""
    baseline = tmp_path / "baseline.json"
    shutil.copy(bl.DEFAULT_BASELINE, baseline)
    out, report = tmp_path / "out.json", tmp_path / "report.md"
    rc = run_cli("--gold", DEFAULT_GOLD, "--index", seeded_index, "--json", out, "--report", report,
                 "--check", "--baseline", baseline, "--update-baseline", "--generator", DEFAULT_GENERATOR)
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "eval gate passed" in captured.out
    s = json.loads(out.read_text())
    assert s["n"] >= 40 and s["errors"] == 0
    shape = {"retrieval": {"k", "hit_rate", "mrr"}, "answer": {"fact_recall", "f1", "similarity"},
             "citations": {"precision", "valid_rate", "dangling"}, "refusal": {"accuracy", "false_refusal_rate"},
             "latency_ms": {"p50", "p95"}}
    for group, keys in shape.items():
        assert keys <= set(s[group]), group
        for key in keys - {"k"}:
            assert isinstance(s[group][key], (int, float)), f"{group}.{key} is {s[group][key]!r}"
    assert s["retrieval"]["k"] == 5
    assert len(s["questions"]) == s["n"]
    assert all(q["latency_ms"] > 0 for q in s["questions"])
    assert report.is_file() and report.with_suffix(".png").is_file()
    # the gate ran on a full run; --update-baseline then rewrote the (copied) baseline from it
    assert bl.load_baseline(baseline)["metrics"]["retrieval.hit_rate"] == s["retrieval"]["hit_rate"]


def test_gate_fails_when_retrieval_is_forced_to_one_passage(seeded_index, capsys):
    rc = run_cli("--gold", DEFAULT_GOLD, "--index", seeded_index, "--top-k", 1, "--check")
    err = capsys.readouterr().err
    assert rc == 1
    assert "eval gate FAILED: retrieval." in err


def test_llama_dataset_scores_retrieval_by_reference_context(seeded_rag, tmp_path):
    from eval.gold import load_gold
    from eval.runner import run_eval

    article = (DEFAULT_CORPUS / "004_8f852d439ac2f143.txt").read_text(encoding="utf-8")
    paragraph = next(p for p in article.split("\n\n") if "trained" in p)
    data = {"examples": [
        {"query": "How many police and frontline responders has the US trained in Pakistan?",
         "reference_answer": "Over 300.", "reference_contexts": [paragraph]},
        {"query": "What is the capital of Australia?", "reference_answer": "Canberra.",
         "reference_contexts": ["Canberra is the capital city of Australia."]},
    ]}
    (tmp_path / "rag_dataset.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_eval(load_gold(tmp_path), rag=seeded_rag)
    s = result["summary"]
    assert s["n"] == 2 and s["retrieval"]["n"]["hit_rate"] == 2
    hits = [q["hit"] for q in result["questions"]]
    assert hits == [True, False]  # the US-training paragraph is found; nothing in the seeds is about Canberra
