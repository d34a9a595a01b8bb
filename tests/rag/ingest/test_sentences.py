from rag.ingest.sentences import split_sentences


def test_abbreviations_initials_and_glued_sentences():
    text = "The U.S. and Pakistan met. Gregory D. LoGerfo spoke.This pledge came on Jan. 5 in the U.N. hall."
    assert [s.text for s in split_sentences(text)] == [
        "The U.S. and Pakistan met.", "Gregory D. LoGerfo spoke.", "This pledge came on Jan. 5 in the U.N. hall."]


def test_lines_and_bullets_are_boundaries_and_spans_point_into_the_text():
    text = "Headline without period\n  • First point here\n  • Second point: yes! Really? Quote \"done.\" End"
    sentences = split_sentences(text, offset=100)
    assert [s.text for s in sentences] == ["Headline without period", "• First point here", "• Second point: yes!",
                                           "Really?", 'Quote "done."', "End"]
    for s in sentences:
        assert text[s.start - 100:s.end - 100] == s.text


def test_a_hard_wrapped_line_stays_in_its_sentence():
    text = ("Named Gull, the boat carries 40 passengers to\nSkerry Island and back six times a day.\n"
            "Officials said the route\nwould open in May.")
    assert [s.text.replace("\n", " ") for s in split_sentences(text)] == [
        "Named Gull, the boat carries 40 passengers to Skerry Island and back six times a day.",
        "Officials said the route would open in May."]


def test_lines_of_their_own_stay_apart():
    text = "Harbor town gets a ferry\nSource: Coastal Ledger\n- first item\n- Second item\n\nthe next paragraph"
    assert [s.text for s in split_sentences(text)] == [
        "Harbor town gets a ferry", "Source: Coastal Ledger", "- first item", "- Second item", "the next paragraph"]
