"""Score answers against gold items: one row per question, then the summary with its stable shape.

Works on `rag.types.Answer` objects (or anything with the same attributes), so it is tested on
hand-made answers; the runner feeds it the real ones.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eval import metrics as m
from eval.gold import GoldItem
from rag.answer.wellformed import answer_problems

Embed = Callable[[list[str]], Sequence[Sequence[float]]]


def score_question(item: GoldItem, answer: Any, k: int, latency_ms: float, error: str = "") -> dict[str, Any]:
    """Everything measurable about one answer, without the embedding similarity (filled in batches)."""
    passages = list(getattr(answer, "passages", []) or [])[:k]
    names = [p.name for p in passages]
    text = answer.text if answer is not None else ""
    # a partial answer ("the articles give 2022, not 2018") does not answer: it counts as declining
    partial = bool(getattr(answer, "partial", False)) if answer is not None else False
    refused = (bool(answer.refused) or partial) if answer is not None else False
    citations = list(answer.citations) if answer is not None else []
    row: dict[str, Any] = {
        "id": item.id, "question": item.question, "reference": item.answer, "answer": text,
        "answerable": item.answerable, "refused": refused, "partial": partial, "error": error,
        "malformed": answer_problems(text) if text and not refused else [],
        "retrieved": names, "latency_ms": round(latency_ms, 1),
        "hit_rank": None, "hit": None, "source_recall": None,
        "facts_ok": None, "fact_share": None, "f1": None, "similarity": None,
        "citations": len(citations), "citations_supported": None, "valid_citation": None,
        "dangling": m.dangling_markers(text, [c.n for c in citations]),
        "refusal_ok": refused != item.answerable,
    }
    if not item.answerable:
        return row
    if item.has_evidence:
        flags = [_is_gold_passage(p.name, p.text, item) for p in passages]
        rank = next((i for i, ok in enumerate(flags, start=1) if ok), None)
        row.update(hit_rank=rank, hit=rank is not None,
                   source_recall=m.source_recall(names, item.sources, k) if item.sources else None)
    row["facts_ok"] = m.all_facts_present("" if refused else text, item.facts)
    row["fact_share"] = m.fact_share("" if refused else text, item.facts)
    row["f1"] = m.token_f1(text, item.answer) if item.answer else None
    if item.has_evidence or item.facts:
        supported = [m.citation_supported(c.source, f"{c.text}\n{c.sentence}", item.sources, item.facts,
                                          item.contexts) for c in citations]
        row["citations_supported"] = sum(supported)
        if not refused:
            row["valid_citation"] = any(supported)
    return row


def _is_gold_passage(name: str, text: str, item: GoldItem) -> bool:
    if item.sources:
        return m.source_matches(name, item.sources)
    return any(m.context_overlap(text, c) >= 0.5 for c in item.contexts)


def add_similarity(rows: list[dict[str, Any]], embed: Embed) -> None:
    """Fill `similarity` for answerable questions with a reference answer (one batched embed call)."""
    todo = [r for r in rows if r["answerable"] and r["reference"]]
    sims = m.similarities([r["answer"] for r in todo], [r["reference"] for r in todo], embed)
    for row, sim in zip(todo, sims):
        row["similarity"] = None if sim is None else round(sim, 4)


def summarize(rows: list[dict[str, Any]], k: int) -> dict[str, Any]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    retrieved = [r for r in answerable if r["hit"] is not None]
    ranks = [r["hit_rank"] for r in retrieved]
    hit, rr = m.hit_rate(ranks), m.mrr(ranks)
    recall = m.mean(r["source_recall"] for r in retrieved)
    facts = m.mean(r["facts_ok"] for r in answerable)
    f1 = m.mean(r["f1"] for r in answerable)
    sim = m.mean(r["similarity"] for r in answerable)
    scored = [r for r in answerable if r["citations_supported"] is not None]
    n_cit = sum(r["citations"] for r in scored)
    precision = m.Score(sum(r["citations_supported"] for r in scored) / n_cit if n_cit else None, n_cit)
    valid = m.mean(r["valid_citation"] for r in answerable)
    dangling = m.Score(float(sum(r["dangling"] for r in rows)) if rows else None, len(rows))
    accuracy = m.refusal_accuracy(r["refused"] for r in unanswerable)
    false_ref = m.false_refusal_rate(r["refused"] for r in answerable)
    answered = [r for r in rows if not r["refused"] and not r["error"]]
    malformed = m.mean(bool(r.get("malformed")) for r in answered)
    lat = [r["latency_ms"] for r in rows]
    p50, p95 = m.percentile(lat, 50), m.percentile(lat, 95)
    return {
        "n": len(rows),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
        "errors": sum(1 for r in rows if r["error"]),
        "retrieval": {"k": k, "hit_rate": hit.rounded(), "mrr": rr.rounded(), "recall": recall.rounded(),
                      "n": {"hit_rate": hit.n, "mrr": rr.n, "recall": recall.n}},
        "answer": {"fact_recall": facts.rounded(), "f1": f1.rounded(), "similarity": sim.rounded(),
                   "fact_share": m.mean(r["fact_share"] for r in answerable).rounded(),
                   "malformed_rate": malformed.rounded(),
                   "n": {"fact_recall": facts.n, "f1": f1.n, "similarity": sim.n, "malformed_rate": malformed.n}},
        "citations": {"precision": precision.rounded(), "valid_rate": valid.rounded(),
                      "dangling": None if dangling.value is None else int(dangling.value),
                      "n": {"precision": precision.n, "valid_rate": valid.n, "dangling": dangling.n}},
        "refusal": {"accuracy": accuracy.rounded(), "false_refusal_rate": false_ref.rounded(),
                    "partial": sum(1 for r in rows if r.get("partial")),
                    "n": {"accuracy": accuracy.n, "false_refusal_rate": false_ref.n, "partial": len(rows)}},
        "latency_ms": {"p50": None if p50 is None else round(p50, 1),
                       "p95": None if p95 is None else round(p95, 1), "n": len(lat)},
    }


def get_metric(summary: dict[str, Any], dotted: str) -> Any:
    """`get_metric(s, "retrieval.hit_rate")`."""
    value: Any = summary
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def metric_n(summary: dict[str, Any], dotted: str) -> int | None:
    group, _, name = dotted.partition(".")
    n = get_metric(summary, f"{group}.n")
    return n.get(name) if isinstance(n, dict) else n
