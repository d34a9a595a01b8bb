"""Pure parts of retrieval: rank fusion, near-duplicate collapse, dates named in a question."""
from rag.retrieve.dates import as_filters, in_ranges, query_date_ranges
from rag.retrieve.dedup import collapse_near_duplicates, spread_documents
from rag.retrieve.fusion import reciprocal_rank_fusion
from rag.types import Passage


def P(cid: str, score: float = 0.5) -> Passage:
    return Passage(chunk_id=cid, doc_id=cid, name=cid, title="", text=cid, start=0, end=1, score=score)


def test_rrf_rewards_agreement_and_keeps_the_first_lists_object():
    dense = [P("a", 0.9), P("b", 0.8), P("c", 0.7)]
    lexical = [P("c", 12.0), P("d", 9.0), P("a", 3.0)]
    fused = reciprocal_rank_fusion([dense, lexical])
    order = [p.chunk_id for p, _ in fused]
    assert order[:2] == ["a", "c"] and set(order) == {"a", "b", "c", "d"}
    assert next(p for p, _ in fused if p.chunk_id == "c").score == 0.7  # the dense object (cosine), not BM25's
    weighted = reciprocal_rank_fusion([dense, lexical], weights=[1.0, 0.0])
    assert [p.chunk_id for p, _ in weighted][:3] == ["a", "b", "c"]


def test_a_documents_later_passages_must_beat_other_documents_by_the_penalty():
    keys = [0.90, 0.85, 0.80, 0.60, 0.50]
    docs = ["a", "a", "b", "a", "c"]
    assert spread_documents(keys, docs, 0.0) == [0, 1, 2, 3, 4]  # no penalty: the ranking by key
    assert spread_documents(keys, docs, 0.1) == [0, 2, 1, 4, 3]  # a's second 0.85-0.1 < b's 0.80
    assert spread_documents(keys, docs, 0.03) == [0, 1, 2, 3, 4]  # 0.85-0.03 still beats 0.80
    assert spread_documents(keys, docs, 10.0) == [0, 2, 4, 1, 3]  # every document's best first
    assert spread_documents([], [], 0.1) == []


STORY = ("Hundreds of people have been forced to leave their homes in the Southern Highlands as strong winds "
         "pushed a huge bushfire towards the town. An estimated 500 residents have left their homes for "
         "nearby towns, and about 60 fire units are defending properties.")


def test_wire_copies_collapse_but_different_stories_stay():
    wire = "SYDNEY (AAP) - " + STORY.rsplit(" and about", 1)[0] + "."
    other = ("The Reserve Bank has left interest rates on hold at its monthly board meeting, saying inflation "
             "remains within the target band and the economy is growing steadily.")
    follow_up = STORY.replace("500", "650").replace("60 fire", "75 fire").replace("Hundreds", "Thousands")
    ranked = ["original", "wire", "other", "follow-up"]
    kept = collapse_near_duplicates(ranked, [STORY, wire, other, follow_up])
    assert kept[:2] == ["original", "other"]
    assert collapse_near_duplicates(ranked, [STORY, wire, other, follow_up], threshold=1.01) == ranked
    assert collapse_near_duplicates(ranked, [STORY, wire, other, follow_up], limit=1) == ["original"]


def test_dates_named_in_questions():
    assert query_date_ranges("What did the council decide in 2019?") == [(20190101, 20191231)]
    assert query_date_ranges("What happened in March 2024?") == [(20240301, 20240331)]
    assert query_date_ranges("What was agreed on 14 May 2024?") == [(20240514, 20240514)]
    assert query_date_ranges("What was agreed on May 14, 2024?") == [(20240514, 20240514)]
    assert query_date_ranges("What was agreed on 2024-05-14?") == [(20240514, 20240514)]
    assert query_date_ranges("How did Sept. 2001 change things?") == [(20010901, 20010930)]
    for no_date in ("How many police has the US trained?", "Were 2000 people evacuated?",
                    "What did the 1500 troops do?", "Was it 2,019 votes?"):
        assert query_date_ranges(no_date) == [], no_date
    assert in_ranges("2019-06-01", [(20190101, 20191231)]) and not in_ranges("2020-01-01", [(20190101, 20191231)])
    assert not in_ranges("", [(20190101, 20191231)])
    assert as_filters((20240301, 20240331)) == {"since": "2024-03-01", "until": "2024-03-31"}


def test_a_follow_up_a_year_later_is_not_a_copy():
    follow_up = STORY.replace("500", "650")
    texts, dates = [STORY, follow_up, STORY], ["2001-12-24", "2002-12-24", "2001-12-25"]
    assert collapse_near_duplicates(["a", "b", "c"], texts, dates=dates) == ["a", "b"]
    assert collapse_near_duplicates(["a", "b", "c"], texts, dates=["", "2002-12-24", ""]) == ["a"]


def test_the_year_asked_for_wins_over_its_copy_from_another_year():
    """Asked about 2001: the 2002 follow-up collapses into the 2001 story; two 2001 stories months apart stay."""
    june, december = STORY.replace("500", "520"), STORY
    follow_up = STORY.replace("500", "650")
    kept = collapse_near_duplicates(["dec-2001", "jun-2001", "dec-2002"], [december, june, follow_up],
                                    dates=["2001-12-24", "2001-06-01", "2002-12-24"], preferred=[True, True, False])
    assert kept == ["dec-2001", "jun-2001"]
    unasked = collapse_near_duplicates(["dec-2001", "jun-2001", "dec-2002"], [december, june, follow_up],
                                       dates=["2001-12-24", "2001-06-01", "2002-12-24"])
    assert unasked == ["dec-2001", "jun-2001", "dec-2002"]


def test_a_questions_dates_are_cut_to_the_filter_window():
    from rag.retrieve.hybrid import _within

    year_2024, jan_week = (20240101, 20241231), (20240105, 20240112)
    assert _within([year_2024, jan_week], None) == [year_2024, jan_week]
    assert _within([year_2024], {"until": "2024-01-12"}) == [(20240101, 20240112)]  # asked as of Jan 12
    assert _within([year_2024], {"since": "2024-03-01", "until": "2024-03-31"}) == [(20240301, 20240331)]
    assert _within([jan_week], {"since": "2024-02-01"}) == []
