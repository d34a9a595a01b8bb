"""ui.render: markers become links to passages, refusals look different, the supporting sentence is marked."""
from rag.types import Answer, Citation, Passage
from ui import render

PASSAGE = "First sentence here. The second sentence <b>supports</b> it. Third one."
SENTENCE = "The second sentence <b>supports</b> it."


def citation(n=1, start=100, sentence=SENTENCE, offset=None, doc="d1", source="a.txt"):
    lo = PASSAGE.find(sentence) if offset is None else offset
    return Citation(n=n, source=source, title="A title", text=PASSAGE, start=start, end=start + len(PASSAGE),
                    score=0.9, sentence=sentence, sentence_start=start + lo, sentence_end=start + lo + len(sentence),
                    date="2025-05-12", publisher="Dawn", doc_id=doc)


def test_markers_link_to_their_passage_and_unknown_markers_stay_plain():
    ans = Answer(question="q", text="Claim one [1]. Claim two [3].", citations=[citation(1)], refused=False)
    out = render.answer_message(ans, turn=2)
    assert '<a class="cite" href="#cite-2-1"' in out
    assert "[3]" in out and "#cite-2-3" not in out


def test_answer_text_is_escaped():
    ans = Answer(question="q", text="x <script>alert(1)</script> *y* [1]", citations=[citation(1)], refused=False)
    out = render.answer_message(ans, 0)
    assert "<script>" not in out and "\\*y\\*" in out


def test_refusal_is_visibly_different():
    ans = Answer(question="q", text="The articles do not say.", citations=[], refused=True)
    out = render.answer_message(ans, 0)
    assert 'class="refusal"' in out and "cite" not in out
    assert "Nothing in the articles matched" in render.sources_panel([{"turn": 0, "question": "q", "answer": ans}])
    ans.passages = [Passage("c1", "d1", "near.txt", "Near <title>", "Some text.", 0, 10, 0.3, "2024-01-01")]
    panel = render.sources_panel([{"turn": 0, "question": "q", "answer": ans}])
    assert "none is cited" in panel and "Near &lt;title&gt;" in panel and "near.txt" in panel
    assert "refusal" not in render.answer_message(
        Answer(question="q", text="Yes [1].", citations=[citation()], refused=False), 0)


def test_sentence_is_highlighted_by_span_and_html_escaped():
    out = render.highlight_sentence(citation())
    assert "<mark>The second sentence &lt;b&gt;supports&lt;/b&gt; it.</mark>" in out
    assert out.startswith("First sentence here. ")


def test_highlight_falls_back_to_search_when_span_is_off():
    out = render.highlight_sentence(citation(offset=3))  # span points at the wrong place
    assert "<mark>The second sentence" in out


def test_sources_panel_groups_by_article_and_keeps_earlier_turns():
    a1 = Answer(question="first?", text="A [1] B [2].", refused=False,
                citations=[citation(1), citation(2, doc="d2", source="b.txt")])
    a2 = Answer(question="second?", text="C [1].", refused=False, citations=[citation(1)],
                rewritten_question="second, standalone?")
    html = render.sources_panel([{"turn": 0, "question": "first?", "answer": a1},
                                 {"turn": 1, "question": "second?", "answer": a2}])
    assert html.index('id="cite-1-1"') < html.index("Earlier answers (1)") < html.index('id="cite-0-2"')
    assert "searched as: second, standalone?" in html
    assert "2025-05-12 · Dawn · a.txt" in html and html.count('class="src-article"') == 3


def test_documents_list_and_empty_states():
    assert "No articles" in render.documents_html([])
    out = render.documents_html([{"name": "x.txt", "title": "T & U", "date": "2024-01-02", "source": "S",
                                  "n_chunks": 4}])
    assert "T &amp; U" in out and "4 passages" in out
    assert "Ask a question" in render.sources_panel([])


def test_notices_are_plain_escaped_html_with_line_breaks():
    out = render.notice_message("Indexed a_b.txt (3 passages).\nNot indexed: x.png: <unsupported>", "info")
    assert "a_b.txt (3 passages).<br>Not indexed: x.png: &lt;unsupported&gt;" in out
    assert "\\" not in out and "notice-info" in out
