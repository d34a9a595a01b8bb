"""The rule that picks the default: best mean MRR over the sets, hit@5 kept, slow ones left out."""
from eval.confusable.report import INCUMBENT, choose, merge, summary


def row(h1, h5, mrr, n=50):
    return {"hit@1": h1, "hit@5": h5, "mrr": mrr, "p50_ms": 1.0, "n": n}


def test_the_best_mean_mrr_wins_though_not_best_on_every_set():
    results = {"seeds": {INCUMBENT: row(0.96, 1.0, 0.97), "b": row(0.94, 1.0, 0.96)},
               "aragog": {INCUMBENT: row(0.90, 0.98, 0.93), "b": row(0.92, 0.98, 0.96)}}
    assert choose(results)[0] == "b"


def test_lower_hit5_by_more_than_one_question_or_slowness_excludes():
    results = {"seeds": {INCUMBENT: row(0.9, 1.0, 0.9), "lossy": row(1.0, 0.96, 1.0), "mpnet x": row(1, 1, 1)},
               "aragog": {INCUMBENT: row(0.9, 1.0, 0.9), "lossy": row(1.0, 1.0, 1.0), "mpnet x": row(1, 1, 1)}}
    chosen, notes = choose(results, slow=("mpnet",))
    assert chosen == INCUMBENT
    assert any(n.startswith("lossy: hit@5") for n in notes) and any(n.startswith("mpnet x: too slow") for n in notes)


def test_a_tie_within_half_a_question_goes_to_hit1_then_the_incumbent():
    tie = {"seeds": {INCUMBENT: row(0.9, 1.0, 0.950, n=100), "same": row(0.9, 1.0, 0.953, n=100)}}
    assert choose(tie)[0] == INCUMBENT
    sharper = {"seeds": {INCUMBENT: row(0.9, 1.0, 0.950, n=100), "sharp": row(0.92, 1.0, 0.949, n=100)}}
    assert choose(sharper)[0] == "sharp"


def test_rows_missing_on_a_set_are_shown_but_never_chosen():
    results = merge([{"seeds": {INCUMBENT: row(0.9, 1, 0.9), "partial": row(1, 1, 1)}},
                     {"aragog": {INCUMBENT: row(0.9, 1, 0.9)}}])
    assert list(results) == ["seeds", "aragog"] and choose(results)[0] == INCUMBENT
    text = summary(results, bold=INCUMBENT)
    assert "| partial | 1.000 / 1.000 / 1.000 | — | — |" in text and f"| **{INCUMBENT}** |" in text
