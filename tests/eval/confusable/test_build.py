"""The confusable benchmark builder: question generation, follow-up numbers, deterministic output."""
import json
import random
import zipfile

from eval.confusable.bench import is_hit
from eval.confusable.build import MEMBERS, build, bump_numbers, questions_for

STORIES = [
    "Hundreds of people have been forced to leave their homes in the Southern Highlands as strong winds pushed a "
    "huge bushfire towards the town of Hill Top. An estimated 500 residents have left their homes for nearby "
    "Mittagong. The Rural Fire Service says the weather conditions which caused the fire have now eased. About "
    "60 fire units are in the area. Commissioner Phil Koperberg says crews will work through the night to contain it.",
    "The Reserve Bank has left interest rates on hold at its December board meeting in Sydney this week. Governor "
    "Ian Macfarlane says inflation remains within the target band of two to three per cent for the year. Some 12 "
    "economists had expected the decision. Markets were steady after the announcement, with the dollar flat. "
    "Treasurer Peter Costello says the economy is growing steadily despite the global slowdown this year.",
] * 3


def test_questions_name_their_answer_and_keep_out_years_and_days():
    assert questions_for("An estimated 500 residents have left their homes for nearby Mittagong.") == [
        ("How many residents have left their homes for nearby Mittagong?", "500")]
    (q, a), = questions_for("Commissioner Phil Koperberg says crews will work through the night to contain it.")
    assert q.startswith("Who says crews will work") and a == "Commissioner Phil Koperberg"
    assert questions_for("The attacks of September 11 changed the way airports screen passengers forever.") == []
    assert questions_for("In 2001 the council met to discuss the plan for the new bridge over the river.") == []


def test_follow_ups_change_counts_but_not_years():
    out = bump_numbers("In 2001, 500 residents and 60 fire units were at 4:00pm in 12 towns.", random.Random(1))
    assert "2001" in out and "4:00pm" in out and "500 residents" not in out and "60 fire" not in out


def test_build_is_deterministic_and_its_gold_points_at_real_sentences(tmp_path):
    cache = tmp_path / "wheels"
    cache.mkdir()
    with zipfile.ZipFile(cache / "gensim-4.4.0-test.whl", "w") as zf:
        zf.writestr(MEMBERS[0], "\n".join(STORIES) + "\n")
        zf.writestr(MEMBERS[1], STORIES[0] + "\n")
    first = build(tmp_path / "a", cache)
    second = build(tmp_path / "b", cache)
    assert first["articles"] == second["articles"] == 7 + first["wire"] + first["followup"]
    names = sorted(p.name for p in (tmp_path / "a").glob("*.txt"))
    assert names == sorted(p.name for p in (tmp_path / "b").glob("*.txt"))
    assert all((tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes() for n in names)
    gold = [json.loads(line) for line in (tmp_path / "a" / "gold.jsonl").read_text().splitlines()]
    assert gold and (tmp_path / "a" / "gold.jsonl").read_bytes() == (tmp_path / "b" / "gold.jsonl").read_bytes()
    for item in gold:
        assert item["answer"] in item["contexts"][0]
        for source in item["sources"]:
            text = (tmp_path / "a" / source).read_text(encoding="utf-8")
            assert is_hit(source, text, item)
    followups = [n for n in names if "(update)" in (tmp_path / "a" / n).read_text().splitlines()[0]]
    assert followups and all("2002" in (tmp_path / "a" / n).read_text() for n in followups)
