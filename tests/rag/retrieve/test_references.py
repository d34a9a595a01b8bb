"""rag.retrieve.references: a paper's reference list is not evidence."""
from rag.ingest.sentences import split_sentences
from rag.retrieve.references import reference_entries


def _marked(text: str) -> list[str]:
    sentences = [s.text for s in split_sentences(text)]
    return [sentences[i] for i in sorted(reference_entries(sentences))]


def test_authors_titles_years_and_venues_of_a_reference_list_are_entries():
    text = ("Glue: A multi-task benchmark and analysis platform for natural language understanding, 2018.\n"
            "A. Wang, Y. Pruksachatkun, N. Nangia, and S. R. Bowman.\n"
            "Superglue: A stickier benchmark for general-purpose language understanding systems, 2019.\n"
            "Mohammad Shoeybi, Mostofa Patwary, and Bryan Catanzaro. 2019. Megatron-lm: Training multi-billion "
            "parameter language models using model parallelism.\narXiv preprint arXiv:1909.08053.")
    assert len(_marked(text)) == len(split_sentences(text))


def test_prose_citing_works_and_news_dates_are_not_entries():
    paper = ("During pretraining, BERT uses two objectives: masked language modeling and next sentence prediction. "
             "GLUE (Wang et al., 2018) was introduced in 2018 to evaluate performance. "
             "We thank A. Wang, Y. Chen, and B. Li for comments.")
    news = "The plant closed on March 3, 2019. Its owners, Hale, Brook and Tanner, sold the site."
    assert _marked(paper) == [] and _marked(news) == []


def test_prose_next_to_a_reference_list_stays_evidence():
    text = ("Our results show that larger models are more sample efficient.\n"
            "A. Wang, Y. Pruksachatkun, N. Nangia, and S. R. Bowman.\n"
            "Superglue: A stickier benchmark for general-purpose language understanding systems, 2019.")
    assert "Our results show that larger models are more sample efficient." not in _marked(text)
