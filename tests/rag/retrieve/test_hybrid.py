"""Hybrid retrieval on a real index: BM25 finds rare terms, filters apply to both sides, wire copies
collapse, a year in the question prefers that year's story, and the BM25 copy stays in step with Chroma."""
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from rag import RAG
from rag.retrieve import bm25
from rag.retrieve.dedup import containment, shingles
from rag.retrieve.hybrid import HybridRetriever, RetrievalOptions
from rag.store.schema import DOC_KEY
from tests.conftest import SAMPLE_QUESTION, SEEDS

POLICE_Q = "How many police and frontline responders has the US trained in Pakistan?"


def _variant(text: str, year: str, trained: str, source: str) -> str:
    text = text.replace("May 14, 2024", f"May 14, {year}").replace("Source: Dawn", f"Source: {source}")
    return text.replace("over 300 police", f"over {trained} police")


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    """The seeds, a wire copy of the Dawn story, its 2023 edition with other numbers, and a rare-term memo."""
    corpus = tmp_path_factory.mktemp("news")
    shutil.copytree(SEEDS, corpus, dirs_exist_ok=True)
    dawn = next(corpus.glob("004_*")).read_text(encoding="utf-8")
    title, body = dawn.split("\n", 1)
    (corpus / "wire_copy.txt").write_text(f"{title}\n\nISLAMABAD (Wire) - {body.lstrip()}".replace(
        "Source: Dawn", "Source: Wire"), encoding="utf-8")
    (corpus / "dawn_2023.txt").write_text(_variant(dawn, "2023", "120", "Dawn"), encoding="utf-8")
    (corpus / "memo.txt").write_text(
        "Procurement memo\n\nThe ministry approved the Zarvokite tender for border radios on Tuesday. "
        "Officials said deliveries start next spring.\n\nSource: Gazette\n", encoding="utf-8")
    r = RAG.open(tmp_path_factory.mktemp("news-index"))
    r.index([corpus], progress=False)
    return r


def test_bm25_index_is_written_beside_the_store_and_matches_it(news):
    folder = bm25.index_folder(news.config)
    assert (folder / "chunks.json").is_file() and folder.parent == Path(news.config.index_dir)
    index = bm25.lexical_index(news.store)
    index.ensure_fresh()
    assert len(index.ids) == news.count() and index.fingerprint == bm25.store_fingerprint(news.store)


def test_a_rare_term_only_bm25_knows_is_found(news):
    lexical = bm25.lexical_index(news.store).retrieve("Zarvokite tender", 5)
    assert lexical and lexical[0].name == "memo.txt"
    top = news.retrieve("Which tender did the ministry approve, Zarvokite or another?", top_k=3)
    assert top[0].name == "memo.txt"


@pytest.mark.parametrize("filters,expected", [
    ({"source": "Wire"}, {"wire_copy.txt"}),
    ({"source": ["Wire", "Gazette"]}, {"wire_copy.txt", "memo.txt"}),
    ({"since": "2024-01-01", "until": "2024-12-31"}, None),
    ({"until": "2023-12-31"}, {"dawn_2023.txt"}),
])
def test_filters_apply_to_bm25_as_to_dense(news, filters, expected):
    lexical = bm25.lexical_index(news.store).retrieve(SAMPLE_QUESTION + " Zarvokite", 20, filters)
    dense = HybridRetriever(news.store, news.embedder, RetrievalOptions(mode="dense", rerank="none", dedup=0))
    dense_hits = dense.retrieve(SAMPLE_QUESTION + " Zarvokite", 20, filters)
    assert lexical and dense_hits
    if expected is None:  # 2024: the seeds dated then, never the 2023 edition or undated files
        assert {p.date[:4] for p in lexical} == {p.date[:4] for p in dense_hits} == {"2024"}
    else:
        assert {p.name for p in lexical} <= expected and {p.name for p in dense_hits} <= expected
    assert {p.name for p in news.retrieve(SAMPLE_QUESTION, top_k=10, filters=filters)} <= \
        ({p.name for p in lexical} | {p.name for p in dense_hits})


def test_wire_copies_do_not_fill_the_top_k(news):
    def copies(passages):  # pairs of passages with the same text published within days of each other
        sh = [shingles(p.text) for p in passages]
        return [(a.name, b.name) for i, a in enumerate(passages) for j, b in enumerate(passages[:i])
                if containment(sh[i], sh[j]) >= 0.6 and a.date[:4] == b.date[:4]]

    # Among the Dawn story, its wire copy and its year-later edition (where a copy ranks among the rest of
    # the corpus shifts with the embedding model's rounding), the copy must not take a place of its own.
    dawn = next(SEEDS.glob("004_*")).name
    stories = {"name": [dawn, "wire_copy.txt", "dawn_2023.txt"]}
    passages = news.retrieve(SAMPLE_QUESTION, top_k=5, filters=stories)
    assert not copies(passages)
    plain = HybridRetriever(news.store, news.embedder, RetrievalOptions(dedup=0.0)).retrieve(
        SAMPLE_QUESTION, 5, stories)
    assert copies(plain), "without collapsing, wire copies crowd the top 5 (otherwise this test proves nothing)"
    assert "dawn_2023.txt" in {p.name for p in passages}, "a year-later edition is not a copy: it stays"


@pytest.mark.parametrize("year,number,name", [("2023", "120", "dawn_2023.txt"), ("2024", "300", None)])
def test_a_year_in_the_question_prefers_that_years_story(news, year, number, name):
    top = news.retrieve(f"In {year}, {POLICE_Q[0].lower()}{POLICE_Q[1:]}", top_k=3)
    assert top[0].date.startswith(year) and f"over {number} police" in top[0].text
    if name:
        assert top[0].name == name
    other = "2024" if year == "2023" else "2023"
    assert not [p for p in top if p.date.startswith(other) and "police" in p.text], "the other year's edition is out"
    answer = news.ask(f"In {year}, {POLICE_Q[0].lower()}{POLICE_Q[1:]}")
    assert re.search(rf"\b{number}\b", answer.text) and not answer.refused


def test_every_passage_scores_its_cosine_even_when_a_year_restricts_the_dense_side(tmp_path):
    """A chunk BM25 finds over the whole corpus and dense only within the year asked for carries its
    cosine into the ranking, never its BM25 score (which once ranked an unrelated article first)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "memo_2023.txt").write_text(
        "Procurement memo\n\nMarch 3, 2023\n\nThe ministry approved the Zarvokite tender for border radios on "
        "Tuesday. Officials said deliveries start next spring.\n\nSource: Gazette\n", encoding="utf-8")
    r = RAG.open(tmp_path / "index")
    r.index([corpus], progress=False)
    question = f"In 2023, {POLICE_Q[0].lower()}{POLICE_Q[1:-1]}, with Zarvokite radios?"
    # Two candidates a side: dense over all years finds police stories, BM25 the memo's rare word, and
    # dense within 2023 the memo again (the only article of that year).
    retriever = HybridRetriever(r.store, r.embedder, RetrievalOptions(candidates=2))
    passages = retriever.retrieve(question, 2)
    assert "memo_2023.txt" in {p.name for p in passages}
    query = r.embedder.embed_query(question)
    vectors = r.store.chunk_vectors([p.chunk_id for p in passages])
    for p in passages:
        assert p.score == pytest.approx(float(np.dot(vectors[p.chunk_id], query)), abs=2e-4), p.name


def test_one_article_does_not_fill_the_top_k_with_a_repeat_penalty(news):
    limited = HybridRetriever(news.store, news.embedder, RetrievalOptions(repeat_penalty=10.0))
    top = limited.retrieve(SAMPLE_QUESTION, 5)
    assert len({p.doc_id for p in top}) == len(top) == 5
    unlimited = HybridRetriever(news.store, news.embedder, RetrievalOptions()).retrieve(SAMPLE_QUESTION, 5)
    assert len({p.doc_id for p in unlimited}) < 5, "the Dawn story alone fills places (else this proves nothing)"
    assert top[0].chunk_id == unlimited[0].chunk_id, "the best passage stays first"


def test_articles_spread_only_when_the_pool_holds_more_of_them_than_places(news):
    """The default repeat penalty spreads the top k over articles when there are more articles than places;
    with fewer (the question's pool is one small collection), an article keeps its later passages."""
    spread = HybridRetriever(news.store, news.embedder, RetrievalOptions())
    kept = HybridRetriever(news.store, news.embedder, RetrievalOptions(repeat_penalty=0.0))
    assert RetrievalOptions().repeat_penalty > 0
    wider = []
    for top_k in (3, 5):
        pool = kept.retrieve(SAMPLE_QUESTION, 20)
        assert len({p.doc_id for p in pool}) > top_k, "more articles than places (else this proves nothing)"
        plain, top = kept.retrieve(SAMPLE_QUESTION, top_k), spread.retrieve(SAMPLE_QUESTION, top_k)
        assert len({p.doc_id for p in top}) >= len({p.doc_id for p in plain})
        wider.append(len({p.doc_id for p in top}) > len({p.doc_id for p in plain}))
        assert top[0].chunk_id == plain[0].chunk_id, "the best passage stays first"
    assert any(wider), "the spread reaches more articles for some k"
    # A pool of 20 passages from 8 articles has fewer articles than places: the ranking is the plain one.
    assert [p.chunk_id for p in spread.retrieve(SAMPLE_QUESTION, 20)] == [p.chunk_id for p in pool]


def test_a_documents_lead_vector_is_its_first_chunks(news):
    docs = news.documents()[:3]
    leads = news.store.lead_vectors([d["doc_id"] for d in docs] + ["no-such-document"])
    assert set(leads) == {d["doc_id"] for d in docs}
    for d in docs:
        first = next(cid for cid, _, m in news.store.chunks({DOC_KEY: d["doc_id"]}) if m["chunk"] == 0)
        assert np.allclose(leads[d["doc_id"]], news.store.chunk_vectors([first])[first])


def test_bm25_follows_deletes_and_rebuilds_from_chroma_when_its_copy_is_gone(news, tmp_path):
    r = RAG.open(news.config.index_dir)  # another façade on the same folder, like a second process
    assert r.delete("memo.txt") > 0
    assert all(p.name != "memo.txt" for p in r.retrieve("Zarvokite tender", top_k=5))  # count changed: rebuilt
    shutil.rmtree(bm25.index_folder(r.config))
    bm25._INDEXES.clear()
    assert r.retrieve(SAMPLE_QUESTION, top_k=3)
    assert (bm25.index_folder(r.config) / "chunks.json").is_file()
    news.index([next(p for p in (SEEDS.parent / "seeds").glob("000_*"))], progress=False)  # unchanged: no-op


def _recall_story(maker: str, when: str, count: str) -> str:
    return (f"{maker} recalls sedans over brake fault\n\n{when}\n\n{maker} recalled {count} sedans over a brake "
            f"fault that can let a parked car roll away. Owners of the affected sedans should see a dealer, "
            f"{maker} said; the brake fault recall covers sedans built over two years.\n\nSource: Gazette\n")


def test_this_week_fetches_the_newest_weeks_articles_before_older_same_topic_ones(tmp_path_factory):
    """ "This week" means the week of the index's newest article: candidates are fetched from then too, so
    an older same-topic story that matches the words better cannot crowd the week's story out of the pool."""
    from tests.conftest import index_articles

    articles = {f"recall_{year}.txt": _recall_story(maker, f"March 3, {year}", count)
                for year, maker, count in [("2017", "Orvel Motors", "40,000"), ("2018", "Dacott", "52,000"),
                                           ("2019", "Brinmore", "61,000")]}
    articles["recall_2024.txt"] = ("Velka Auto recalls sedans\n\nJanuary 4, 2024\n\nVelka Auto recalled 112,000 "
                                   "sedans this week because a brake fault can let them roll away.\n\nSource: Wire\n")
    articles["harbour_2024.txt"] = ("Harbour reopens\n\nJanuary 5, 2024\n\nThe harbour reopened to ferries on "
                                    "Friday after repairs.\n\nSource: Gazette\n")
    r = index_articles(tmp_path_factory, articles, "recalls")
    retriever = HybridRetriever(r.store, r.embedder, RetrievalOptions(candidates=2))
    undated = retriever.retrieve("Which carmaker recalled sedans over a brake fault?", 2)
    assert "recall_2024.txt" not in {p.name for p in undated}, "the older stories match better (else this proves nothing)"
    top = retriever.retrieve("Which carmaker recalled sedans over a brake fault this week?", 2)
    assert top[0].name == "recall_2024.txt"
    answer = r.ask("Which carmaker recalled sedans over a brake fault this week?")
    assert "Velka" in answer.text and not answer.refused, answer.text


def test_a_word_no_chunk_holds_weighs_as_the_rarest(news):
    weight = HybridRetriever(news.store, news.embedder, RetrievalOptions()).term_weight()
    assert weight("qwxzyv") > weight("gwadar") > weight("pakistan") > 0  # no chunk's, one seed's, every seed's


def test_left_out_passages_leave_the_pool_before_ranking_so_the_top_k_is_full(news):
    """The negative runs' exclusion: the rest of the corpus is ranked as for any question, not a cut list."""
    retriever = HybridRetriever(news.store, news.embedder, RetrievalOptions())
    first = retriever.retrieve(SAMPLE_QUESTION, 5)
    gone = {first[0].name, first[1].name}
    top = retriever.retrieve(SAMPLE_QUESTION, 5, exclude=lambda p: p.name in gone)
    assert len(top) == 5 and not {p.name for p in top} & gone
