"""Cleaning, tested on the real seed files (kept dirty in seeds/, byte for byte)."""
import re

import pytest

from rag.ingest.clean import clean_text, fix_encoding, parse_date_line
from tests.conftest import SEEDS

SEED_FILES = sorted(SEEDS.iterdir())
MOJIBAKE = re.compile("â˘|âŁ|â¤|â¢|â£|[\u2800-\u28ff\u2900-\u297f\u2060-\u2064]")


def cleaned(prefix: str):
    path = next(p for p in SEED_FILES if p.name.startswith(prefix))
    return clean_text(path.read_text(encoding="utf-8"))


def test_seed_files_are_the_dirty_originals():
    raw = next(p for p in SEED_FILES if p.name.startswith("000")).read_text(encoding="utf-8")
    assert MOJIBAKE.search(raw), "the seeds must stay dirty: cleaning is code"


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_no_mojibake_reaches_the_text(path):
    text = clean_text(path.read_text(encoding="utf-8")).text
    assert not MOJIBAKE.search(text), MOJIBAKE.search(text)


def test_mojibake_removal_keeps_words_apart():
    text = cleaned("000").text
    assert "regional security dynamics, China has reaffirmed its commitment to bolster" in text
    assert "  " not in text


def test_lost_byte_remnants_are_recognised_generically():
    # the same damage on other text and other code pages
    assert fix_encoding("alpha\u2920beta â¢gamma âŁdelta") == "alpha beta gamma delta"


@pytest.mark.parametrize("chrome", ["Post a Comment", "Previous Post Next Post", "Forum statistics", "Threads",
                                    "Latest member", "Leave a Reply", "Required fields are marked",
                                    "Related Post", "By Editor", "Source:", "Mysty"])
def test_site_chrome_is_not_in_any_text(chrome):
    for path in SEED_FILES:
        assert chrome not in clean_text(path.read_text(encoding="utf-8")).text, (chrome, path.name)


def test_forum_replies_after_the_article_are_dropped():
    text = cleaned("003").text
    assert text.rstrip().endswith("will remain a top priority.")
    assert "snafu" not in text


def test_previous_next_link_lists_are_dropped():
    text = cleaned("002").text
    assert "Shadows of Power" not in text and "Myanmar" not in text
    assert text.rstrip().endswith("maintaining stability in volatile areas.")


def test_metadata_from_the_text():
    doc = cleaned("004")
    assert (doc.title, doc.date, doc.source, doc.author) == (
        "Pak-US renew pact on counter-terrorism", "2024-05-14", "Dawn", "Editor")
    assert "May 14, 2024" not in doc.text


def test_source_line_is_metadata_and_repeated_headline_is_dropped():
    doc = cleaned("001")
    assert doc.source.startswith("U.S., Pakistan to deepen bilateral cooperation")
    assert doc.text.count("U.S. and Pakistan Strengthen Ties to Fight Terrorist Groups") == 1
    assert doc.title == "U.S. and Pakistan Strengthen Ties to Fight Terrorist Groups"


def test_title_of_a_page_without_headline_is_its_opening_words():
    title = cleaned("000").title
    assert title.startswith("In a meaningful development in regional security dynamics") and len(title) <= 121


def test_article_words_that_look_like_chrome_survive_in_the_body():
    body = "Headline\n\n" + "Real text. " * 40 + "\nNext, the minister spoke about the comments he received.\n"
    assert "Next, the minister spoke" in clean_text(body).text


@pytest.mark.parametrize("line,iso", [("May 14, 2024", "2024-05-14"), ("Published on 3 March 2023", "2023-03-03"),
                                      ("2024-01-31", "2024-01-31"), ("Updated: Sept. 9, 2021", "2021-09-09"),
                                      ("May the force", ""), ("February 30, 2024", "")])
def test_date_lines(line, iso):
    assert parse_date_line(line) == iso


def test_a_slashed_year_month_day_line_is_the_date():
    from rag.ingest.clean import parse_date_line

    assert parse_date_line("2021/09/27") == "2021-09-27"
    assert parse_date_line("Published: 2024/01/05") == "2024-01-05"
    assert parse_date_line("2021/13/40") == "" and parse_date_line("see 2021/09/27 below") == ""
