"""The report shows time to first text beside the full-answer latency, and which backend answered."""
from eval import baseline as bl
from eval.gold import GoldItem
from eval.report import summary_rows, write_report
from eval.runner import add_stream_summary
from eval.scoring import score_question, summarize
from rag.types import Answer, Citation, Passage

ITEM = GoldItem(id="g", question="Which groups?", answer="BLA.", facts=[["BLA"]], sources=["001_"])


def _rows():
    p = Passage(chunk_id="001_a:0", doc_id="001_a", name="001_a.txt", title="t", text="BLA", start=0, end=3,
                score=0.5)
    c = Citation(n=1, source="001_a.txt", title="t", text="BLA", start=0, end=3, score=0.5, sentence="BLA")
    rows = []
    for ms, first, backend in ((900.0, 300.0, "llamacpp"), (1500.0, 1500.0, "llamacpp->extractive")):
        ans = Answer(question="Which groups?", text="The BLA [1].", refused=False, citations=[c], passages=[p])
        row = score_question(ITEM, ans, k=5, latency_ms=ms)
        row.update(ttft_ms=first, backend=backend)
        rows.append(row)
    return rows


def test_summary_rows_and_report_show_ttft_and_backends(tmp_path):
    rows = _rows()
    s = summarize(rows, k=5)
    add_stream_summary(s, rows)
    assert s["ttft_ms"] == {"p50": 900.0, "p95": 1440.0, "n": 2}
    assert s["backends"] == {"llamacpp": 1, "llamacpp->extractive": 1}
    shown = {r[0]: r for r in summary_rows(s, None, None)}
    assert shown["ttft_ms.p50"][1:3] == ["2", "900"]
    s["run"] = {"gold": "g.jsonl", "corpus": "seeds", "generator": "llamacpp"}
    text = write_report({"summary": s, "questions": rows}, bl.make_baseline(s), None, tmp_path / "r.md").read_text()
    assert "| ttft_ms.p95 | 2 | 1440 |" in text
    assert "`llamacpp->extractive` 1" in text
    assert "| first ms | ms |" in text and "| 300 | 900 |" in text
