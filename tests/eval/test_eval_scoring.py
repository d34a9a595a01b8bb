"""Per-question scoring, the summary shape, the gate and the report, on hand-made answers."""
import json

from eval import baseline as bl
from eval.gold import GoldItem
from eval.report import write_report
from eval.scoring import score_question, summarize
from rag.types import Answer, Citation, Passage


def passage(name, text="", score=0.5):
    return Passage(chunk_id=f"{name}:0", doc_id=name, name=name, title=name, text=text, start=0, end=len(text),
                   score=score)


def citation(n, source, text):
    return Citation(n=n, source=source, title=source, text=text, start=0, end=len(text), score=0.5, sentence=text)


GROUPS = GoldItem(id="g", question="Which groups?", answer="BLA and TTP.", facts=[["BLA"], ["TTP", "Taliban"]],
                  sources=["001_", "004_"])
NOWHERE = GoldItem(id="u", question="Capital of Mars?", answer="Not said.", answerable=False)


def test_good_answer_scores_everything():
    ans = Answer(question="Which groups?", text="The BLA [1] and the TTP [2].", refused=False,
                 citations=[citation(1, "001_a.txt", "the BLA was named"), citation(2, "002_b.txt", "TTP fighters")],
                 passages=[passage("003_c.txt"), passage("001_a.txt"), passage("004_d.txt")])
    row = score_question(GROUPS, ans, k=3, latency_ms=12.0)
    assert row["hit_rank"] == 2 and row["source_recall"] == 1.0
    assert row["facts_ok"] is True and row["f1"] == 1.0
    assert row["citations_supported"] == 2 and row["valid_citation"] is True
    assert row["dangling"] == 0 and row["refusal_ok"] is True
    assert score_question(GROUPS, ans, k=1, latency_ms=12.0)["hit"] is False  # k limits what counts


def test_unsupported_citation_and_dangling_marker():
    ans = Answer(question="Which groups?", text="The BLA [1], more [4].", refused=False,
                 citations=[citation(1, "002_b.txt", "nothing relevant")], passages=[passage("002_b.txt")])
    row = score_question(GROUPS, ans, k=5, latency_ms=1.0)
    assert row["hit"] is False and row["facts_ok"] is False
    assert row["citations_supported"] == 0 and row["valid_citation"] is False
    assert row["dangling"] == 1


def test_summary_shape_and_null_metrics():
    refused = Answer(question="Capital of Mars?", text="The articles do not say.", citations=[], refused=True)
    rows = [score_question(NOWHERE, refused, k=5, latency_ms=30.0)]
    s = summarize(rows, k=5)
    assert set(s) >= {"n", "retrieval", "answer", "citations", "refusal", "latency_ms"}
    assert set(s["retrieval"]) >= {"k", "hit_rate", "mrr"}
    assert set(s["answer"]) >= {"fact_recall", "f1", "similarity"}
    assert set(s["citations"]) >= {"precision", "valid_rate", "dangling"}
    assert set(s["refusal"]) >= {"accuracy", "false_refusal_rate"}
    assert set(s["latency_ms"]) >= {"p50", "p95"}
    # no answerable question: those metrics are null with n = 0, never 1.0
    assert s["retrieval"]["hit_rate"] is None and s["retrieval"]["n"]["hit_rate"] == 0
    assert s["answer"]["fact_recall"] is None and s["answer"]["n"]["fact_recall"] == 0
    assert s["citations"]["precision"] is None and s["citations"]["n"]["precision"] == 0
    assert s["refusal"]["false_refusal_rate"] is None
    assert s["refusal"]["accuracy"] == 1.0 and s["refusal"]["n"]["accuracy"] == 1
    json.dumps(s)  # serialisable


def test_refusal_of_answerable_question():
    refused = Answer(question="Which groups?", text="The articles do not say.", citations=[], refused=True,
                     passages=[passage("001_a.txt")])
    s = summarize([score_question(GROUPS, refused, k=5, latency_ms=5.0)], k=5)
    assert s["refusal"]["false_refusal_rate"] == 1.0
    assert s["answer"]["fact_recall"] == 0.0
    assert s["citations"]["valid_rate"] is None  # nothing answered: nothing to judge


def test_error_counts_as_failure():
    row = score_question(GROUPS, None, k=5, latency_ms=0.0, error="Please type a question.")
    assert row["facts_ok"] is False and row["hit"] is False and row["error"]


def summary_with(**changes):
    s = {"n": 10, "retrieval": {"k": 5, "hit_rate": 0.9, "mrr": 0.8, "recall": 0.9},
         "answer": {"fact_recall": 0.6, "f1": 0.3, "similarity": 0.5},
         "citations": {"precision": 0.8, "valid_rate": 0.9, "dangling": 0},
         "refusal": {"accuracy": 0.75, "false_refusal_rate": 0.05}, "latency_ms": {"p50": 10, "p95": 20}}
    for dotted, value in changes.items():
        group, name = dotted.split("__")
        s[group][name] = value
    return s


def test_gate_passes_within_tolerance_and_names_regressions():
    base = bl.make_baseline(summary_with())
    assert bl.check(summary_with(), base) == []
    assert bl.check(summary_with(retrieval__mrr=0.78), base) == []  # within the 0.03 tolerance
    failures = bl.check(summary_with(retrieval__mrr=0.5, citations__dangling=2, answer__f1=None), base)
    assert {f.metric for f in failures} == {"retrieval.mrr", "citations.dangling", "answer.f1"}
    messages = " ".join(f.message() for f in failures)
    assert "retrieval.mrr fell to 0.5" in messages and "answer.f1 is null" in messages
    assert bl.check(summary_with(refusal__false_refusal_rate=0.2), base)[0].metric == "refusal.false_refusal_rate"


def test_update_baseline_keeps_tolerances(tmp_path):
    path = tmp_path / "baseline.json"
    assert bl.write_baseline(summary_with(), path)
    data = json.loads(path.read_text())
    data["tolerance"]["answer.f1"] = 0.1
    path.write_text(json.dumps(data))
    changes = bl.write_baseline(summary_with(answer__f1=0.4), path)
    assert changes == ["answer.f1: 0.3 -> 0.4"]
    assert bl.load_baseline(path)["tolerance"]["answer.f1"] == 0.1


def test_report_writes_markdown_and_png(tmp_path):
    ans = Answer(question="Which groups?", text="The BLA [1] | TTP.", refused=False,
                 citations=[citation(1, "001_a.txt", "BLA")], passages=[passage("001_a.txt")])
    rows = [score_question(GROUPS, ans, k=5, latency_ms=3.0)]
    s = summarize(rows, k=5)
    s["run"] = {"gold": "g.jsonl", "corpus": "seeds", "generator": "extractive"}
    base = bl.make_baseline(summary_with())
    out = write_report({"summary": s, "questions": rows}, base, bl.check(s, base), tmp_path / "r.md")
    text = out.read_text()
    assert "Gate failed" in text and "| retrieval.hit_rate |" in text and "![" in text
    assert "The BLA [1] \\| TTP." in text  # table cells escaped
    png = tmp_path / "r.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
