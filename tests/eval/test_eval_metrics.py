"""The metric functions on hand-made data."""
import pytest

from eval import metrics as m


def test_normalize_unifies_dashes_digit_groups_and_case():
    assert m.normalize("US–Pakistan  1,524 Deaths") == "us pakistan 1524 deaths"


def test_contains_is_whole_word_and_case_insensitive():
    assert m.contains("Talks at the UN in May", "un")
    assert not m.contains("understanding grew", "UN")
    assert m.contains("the Tehreek-e-Taliban Pakistan (TTP)", "tehreek e taliban")
    assert m.contains("1,524 fatalities", "1524")
    assert m.contains("over 90% of deaths", "90%")
    assert not m.contains("anything", "")


def test_fact_recall_needs_every_fact_and_ignores_markers():
    facts = [["BLA", "Balochistan Liberation Army"], ["TTP", "Taliban"]]
    assert m.all_facts_present("The BLA [1] and the Taliban [2].", facts) is True
    assert m.all_facts_present("The Balochistan Liberation Army [1].", facts) is False
    assert m.fact_share("The Balochistan Liberation Army [1].", facts) == 0.5
    assert m.all_facts_present("anything", []) is None
    assert m.all_facts_present("see [300]", [["300"]]) is False  # a marker is not a number in the text


def test_token_f1():
    assert m.token_f1("The BLA and the TTP", "BLA and TTP") == 1.0
    assert m.token_f1("nothing shared", "BLA") == 0.0
    assert m.token_f1("", "BLA") == 0.0
    assert m.token_f1("BLA", "") is None
    assert m.token_f1("BLA TTP", "BLA") == pytest.approx(2 * 0.5 * 1 / 1.5)


def test_first_hit_rank_with_prefix_sources():
    names = ["003_x.txt", "001_d869.txt", "004_y.txt"]
    assert m.first_hit_rank(names, ["001_"], 3) == 2
    assert m.first_hit_rank(names, ["001_"], 1) is None
    assert m.first_hit_rank(names, ["004_y.txt", "003_x.txt"], 3) == 1
    assert m.source_recall(names, ["001_", "002_"], 3) == 0.5
    assert m.source_recall(names, [], 3) is None


def test_hit_rate_and_mrr_null_when_nothing_scored():
    assert m.hit_rate([1, None, 2, 4]).value == 0.75
    assert m.mrr([1, None, 2, 4]).value == pytest.approx((1 + 0.5 + 0.25) / 4)
    assert m.hit_rate([]) == m.Score(None, 0)
    assert m.mrr([]) == m.Score(None, 0)


def test_mean_skips_none_and_is_null_when_empty():
    assert m.mean([True, False, None]) == m.Score(0.5, 2)
    assert m.mean([None, None]) == m.Score(None, 0)


def test_dangling_markers():
    assert m.dangling_markers("A [1]. B [3]. C [2][3].", [1, 2]) == 2
    assert m.dangling_markers("No markers.", []) == 0


def test_citation_supported():
    assert m.citation_supported("001_d.txt", "irrelevant", ["001_"], [])
    assert m.citation_supported("002_e.txt", "the BLA attacked", ["001_"], [["BLA"]])
    assert not m.citation_supported("002_e.txt", "nothing here", ["001_"], [["BLA"]])
    ctx = "China will train Pakistani police at the Xinjiang Police Academy."
    assert m.citation_supported("a.pdf", "Police will be trained at the Xinjiang Police Academy", [], [], [ctx])


def test_refusal_metrics():
    assert m.refusal_accuracy([True, True, False]).value == pytest.approx(2 / 3)
    assert m.false_refusal_rate([False, False, False, True]).value == 0.25
    assert m.refusal_accuracy([]) == m.Score(None, 0)


def test_percentile():
    assert m.percentile([10, 20, 30, 40, 50], 50) == 30
    assert m.percentile([10, 20], 95) == pytest.approx(19.5)
    assert m.percentile([], 50) is None


def test_similarities_batch_and_skip_empty_references():
    calls = []

    def embed(texts):  # a deterministic bag-of-letters "embedding" to test the plumbing
        calls.append(list(texts))
        return [[t.lower().count(c) for c in "abcdefghijklmnopqrstuvwxyz"] for t in texts]

    sims = m.similarities(["abc [1]", "zzz", ""], ["abc", "", "abc"], embed)
    assert sims[0] == pytest.approx(1.0)
    assert sims[1] is None
    assert sims[2] == 0.0
    assert len(calls) == 1
