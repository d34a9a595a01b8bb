"""Human-readable output: the summary table, the per-question table, and the Markdown report with a plot."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.baseline import GATED, Failure
from eval.scoring import get_metric, metric_n

# Metrics shown in tables, in order; the 0..1 ones are also plotted.
SHOWN = ["retrieval.hit_rate", "retrieval.mrr", "retrieval.recall", "answer.fact_recall", "answer.f1",
         "answer.similarity", "answer.malformed_rate", "answer.fallback_rate", "citations.precision",
         "citations.valid_rate", "citations.dangling",
         "refusal.accuracy", "refusal.false_refusal_rate", "ttft_ms.p50", "ttft_ms.p95", "latency_ms.p50",
         "latency_ms.p95"]
PLOTTED = [m for m in SHOWN if m != "citations.dangling" and not m.startswith(("latency_ms.", "ttft_ms."))]


def _fmt(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.0f}"
    return str(value)


def summary_rows(summary: dict[str, Any], baseline: dict[str, Any] | None,
                 failures: list[Failure] | None) -> list[list[str]]:
    failed = {f.metric for f in failures or []}
    rows = []
    for metric in SHOWN:
        value = get_metric(summary, metric)
        n = metric_n(summary, metric)
        base = (baseline or {}).get("metrics", {}).get(metric)
        delta = "" if value is None or base is None else f"{value - base:+.3f}"
        gate = "" if metric not in GATED or base is None else ("FAIL" if metric in failed else "ok")
        if failures is None and gate:
            gate = "-"
        rows.append([metric, _fmt(n), _fmt(value), _fmt(base), delta, gate])
    return rows


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths))]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    def esc(cell: Any) -> str:
        return str(cell).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


SUMMARY_HEADER = ["metric", "n", "this run", "baseline", "delta", "gate"]
QUESTION_HEADER = ["id", "question", "answer", "hit@k", "facts", "F1", "sim", "cites ok", "refusal", "first ms", "ms"]


def _mark(flag: Any) -> str:
    return "–" if flag is None else ("✓" if flag else "✗")


def question_rows(questions: list[dict[str, Any]], width: int = 90) -> list[list[str]]:
    rows = []
    for q in questions:
        answer = q["error"] and f"ERROR: {q['error']}" or q["answer"]
        answer = answer if len(answer) <= width else answer[: width - 1] + "…"
        cites = "–" if q["citations_supported"] is None else f"{q['citations_supported']}/{q['citations']}"
        rows.append([q["id"], q["question"], answer, _mark(q["hit"]), _mark(q["facts_ok"]),
                     _fmt(q["f1"]), _fmt(q["similarity"]), cites, _mark(q["refusal_ok"]),
                     "–" if q.get("ttft_ms") is None else f"{q['ttft_ms']:.0f}", f"{q['latency_ms']:.0f}"])
    return rows


def plot(summary: dict[str, Any], baseline: dict[str, Any] | None, out_png: str | Path) -> Path:
    """Horizontal bars of the 0..1 metrics: this run against the baseline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = PLOTTED[::-1]
    run = [get_metric(summary, m) for m in labels]
    base = [(baseline or {}).get("metrics", {}).get(m) for m in labels]
    ys = range(len(labels))
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(labels) + 1.2))
    h = 0.38
    ax.barh([y + h / 2 for y in ys], [v or 0 for v in run], height=h, label="this run", color="#3b7dd8")
    if any(b is not None for b in base):
        ax.barh([y - h / 2 for y in ys], [b or 0 for b in base], height=h, label="baseline", color="#bbbbbb")
    for y, v in zip(ys, run):
        ax.text((v or 0) + 0.01, y + h / 2, _fmt(v), va="center", fontsize=7)
    ax.set_yticks(list(ys))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("score (false_refusal_rate: lower is better)")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"{summary['n']} questions, k={summary['retrieval']['k']}", fontsize=9)
    fig.tight_layout()
    out = Path(out_png)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def write_report(result: dict[str, Any], baseline: dict[str, Any] | None, failures: list[Failure] | None,
                 out_md: str | Path) -> Path:
    """The Markdown report plus its PNG plot next to it (same name, .png)."""
    out = Path(out_md)
    out.parent.mkdir(parents=True, exist_ok=True)
    png = plot(result["summary"], baseline, out.with_suffix(".png"))
    s = result["summary"]
    run = s.get("run", {})
    lines = [
        "# Answer-quality evaluation", "",
        f"Gold set `{run.get('gold')}` ({s['n']} questions, {s['n_answerable']} answerable), corpus "
        f"`{run.get('corpus') or run.get('index')}` ({run.get('documents')} documents, {run.get('chunks')} chunks), "
        f"generator `{run.get('generator')}`, k = {s['retrieval']['k']}.",
        f"Indexing {run.get('index_seconds')} s, questions {run.get('ask_seconds')} s, "
        f"total {run.get('total_seconds')} s; {s['errors']} errors.", "",
    ]
    if s.get("backends"):
        lines += ["Answers written by: " + ", ".join(f"`{b}` {n}" for b, n in s["backends"].items())
                  + " (`a->extractive`: grounding replaced the draft with the extractive answer).", ""]
    if failures:
        lines += ["**Gate failed:** " + "; ".join(f.message() for f in failures), ""]
    elif failures is not None:
        lines += ["Gate passed.", ""]
    lines += [markdown_table(SUMMARY_HEADER, summary_rows(s, baseline, failures)), "",
              f"![this run against the baseline]({png.name})", "",
              "## Per question", "",
              markdown_table(QUESTION_HEADER, question_rows(result["questions"])), ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    return out
