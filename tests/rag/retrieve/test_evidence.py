"""rag.retrieve.evidence: what a sentence is read with (a list's item with the sentence introducing the list)."""
from rag.retrieve.evidence import list_intro

TABLE = ("Both sides expect better outcomes. The following table outlines anticipated benefits of intelligence "
         "sharing:\nBenefit | Description |\n---|---|\nIncreased Efficiency | Faster decisions in a crisis. |\n"
         "Greater Coverage | Wider surveillance of threats. |\nThe talks end on Friday.")
BULLETS = "Key areas that could benefit from aid include:\n- Job Creation: work for the young.\n- Roads: new ones."


def test_a_list_item_or_table_row_is_read_with_the_sentence_introducing_its_list():
    intro = "The following table outlines anticipated benefits of intelligence sharing:"
    assert list_intro("Greater Coverage | Wider surveillance of threats.", TABLE) == intro
    assert list_intro("Roads: new ones.", BULLETS) == "Key areas that could benefit from aid include:"


def test_a_sentence_outside_a_list_or_a_list_without_an_introduction_has_none():
    assert list_intro("The talks end on Friday.", TABLE) == ""
    assert list_intro("Both sides expect better outcomes.", TABLE) == ""
    assert list_intro("- Roads: new ones.", "Roads were built.\n- Roads: new ones.") == ""
    assert list_intro("not in the passage", TABLE) == ""
