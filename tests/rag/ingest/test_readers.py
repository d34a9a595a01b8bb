"""Reading every supported format, and refusing what is not an article."""
import pytest

from rag.errors import UnreadableFileError
from rag.ingest.documents import discover, load_document
from rag.ingest.readers import read_article

ARTICLE = ("Floods in the valley\n\nHeavy rains displaced 12,000 people in the valley on Tuesday, officials said. "
           "The provincial government opened 40 relief camps and asked the army for boats.")


def test_html_main_text_without_navigation_or_footer(tmp_path):
    page = tmp_path / "floods.html"
    page.write_text(f"""<html><head><title>Floods | Daily Site</title>
        <meta property="article:published_time" content="2024-07-02"><meta property="og:site_name" content="Daily Site">
        </head><body><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/login">Sign in</a></nav>
        <article><h1>Floods in the valley</h1><p>{ARTICLE.split(chr(10))[-1]}</p>
        <p>Rescue teams reached three cut-off villages by evening, the disaster authority said.</p></article>
        <footer>Copyright 2024 Daily Site. All rights reserved. <a href="/privacy">Privacy</a></footer></body></html>""",
                    encoding="utf-8")
    doc = load_document(page)
    assert "12,000 people" in doc.text and "Rescue teams" in doc.text
    assert "Sign in" not in doc.text and "Copyright" not in doc.text
    assert doc.title.startswith("Floods in the valley") and doc.date == "2024-07-02"


def test_markdown_syntax_is_removed(tmp_path):
    md = tmp_path / "floods.md"
    md.write_text("# Floods in the valley\n\n**Heavy rains** displaced [12,000 people](http://x.org) "
                  "on *Tuesday*.\n\n![photo](a.png)\n", encoding="utf-8")
    doc = load_document(md)
    assert doc.title == "Floods in the valley"
    assert "Heavy rains displaced 12,000 people on Tuesday." in doc.text and "http" not in doc.text


def test_pdf_text_is_extracted(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pdf = tmp_path / "floods.pdf"
    fig = plt.figure(figsize=(8.5, 11))
    fig.text(0.1, 0.9, "Floods in the valley", fontsize=16)
    fig.text(0.1, 0.85, "Heavy rains displaced 12,000 people on Tuesday.", fontsize=10)
    fig.savefig(pdf)
    plt.close(fig)
    doc = load_document(pdf)
    assert "12,000 people" in doc.text


def test_windows_1252_text_is_read_with_a_note(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes(b"Caf\xe9 owners said prices rose \x96 again.")
    article = read_article(path)
    assert "Café owners" in article.text and "–" in article.text and "Windows-1252" in article.note


@pytest.mark.parametrize("name,data,reason", [
    ("blob.txt", b"\x00\x01\x02binary\x00" * 50, "binary"),
    ("empty.txt", b"", "empty"),
    ("spaces.md", b"   \n\n  ", "empty"),
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
    ("picture.png", b"\x89PNG\r\n", "unsupported"),
    ("noise.html", b"\x00\x00<html>", "binary"),
])
def test_unreadable_files_get_a_one_line_reason_naming_the_file(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableFileError) as err:
        load_document(path)
    message = str(err.value)
    assert name in message and reason.lower() in message.lower() and "\n" not in message


def test_discover_walks_folders_skips_hidden_and_reports_the_rest(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text(ARTICLE)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text(ARTICLE)
    (tmp_path / "d.docx").write_bytes(b"PK")
    files, folders, problems = discover([tmp_path, tmp_path / "missing.txt"])
    assert sorted(f.name for f in files) == ["a.txt", "b.md"]
    assert folders == [tmp_path.resolve()]
    reasons = " ".join(p.reason for p in problems)
    assert "d.docx" in reasons and "missing.txt" in reasons
