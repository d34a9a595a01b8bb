"""Loading and validating gold sets: our JSONL, LlamaIndex's rag_dataset.json, and the committed gold file."""
import json

import pytest

from eval.cli import DEFAULT_GOLD
from eval.gold import GoldError, check_sources, load_gold
from eval.runner import DEFAULT_CORPUS, corpus_names

GOOD = {"id": "q1", "question": "Who?", "answer": "Them.", "facts": [["them", "they"]], "sources": ["001_"],
        "answerable": True}


def write(tmp_path, lines, name="gold.jsonl"):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_loads_jsonl(tmp_path):
    p = write(tmp_path, [json.dumps(GOOD), "", json.dumps({"question": "Unanswerable?", "answerable": False})])
    items = load_gold(p)
    assert [i.id for i in items] == ["q1", "line3"]
    assert items[0].facts == [["them", "they"]] and items[0].sources == ["001_"]
    assert items[1].answerable is False and items[1].facts == []
    assert items[0].until == "" and load_gold(write(tmp_path, [json.dumps({**GOOD, "until": "2024-01-12"})]))[0].until \
        == "2024-01-12"


@pytest.mark.parametrize("bad_line, expected", [
    ('{"id": "q2", "question": "Who?"', "malformed JSON"),
    (json.dumps({**GOOD, "id": "q2", "question": "  "}), "empty or missing question"),
    (json.dumps({**GOOD, "id": "q2", "facts": [[]]}), "fact 1"),
    (json.dumps({**GOOD, "id": "q2", "answerable": "yes"}), "answerable"),
    (json.dumps(["not", "an", "object"]), "expected a JSON object"),
    (json.dumps(GOOD), "duplicate id 'q1'"),
    (json.dumps({**GOOD, "id": "q2", "until": "12/01/2024"}), "'until' must be a date written YYYY-MM-DD"),
])
def test_bad_line_is_named(tmp_path, bad_line, expected):
    p = write(tmp_path, [json.dumps(GOOD), bad_line])
    with pytest.raises(GoldError) as err:
        load_gold(p)
    assert f"{p}:2:" in str(err.value)
    assert expected in str(err.value)


def test_unknown_source_is_named(tmp_path):
    p = write(tmp_path, [json.dumps(GOOD), json.dumps({**GOOD, "id": "q2", "sources": ["999_nowhere.txt"]})])
    items = load_gold(p)
    check_sources(items[:1], ["001_abc.txt", "002_def.txt"], "corpus")  # a prefix is fine
    with pytest.raises(GoldError, match=rf"{p}:2: unknown source '999_nowhere.txt'"):
        check_sources(items, ["001_abc.txt", "002_def.txt"], "corpus")


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(GoldError, match="not found"):
        load_gold(tmp_path / "nope.jsonl")
    with pytest.raises(GoldError, match="no questions"):
        load_gold(write(tmp_path, [""]))


def test_llama_dataset(tmp_path):
    data = {"examples": [
        {"query": "What is X?", "query_by": {"model_name": "gpt-4", "type": "ai"},
         "reference_contexts": ["X is a letter."], "reference_answer": "A letter.",
         "reference_answer_by": {"model_name": "gpt-4", "type": "ai"}},
        {"query": "What is Y?", "reference_contexts": None, "reference_answer": "Another letter."},
    ]}
    (tmp_path / "rag_dataset.json").write_text(json.dumps(data), encoding="utf-8")
    items = load_gold(tmp_path)  # a folder holding rag_dataset.json works too
    assert [i.question for i in items] == ["What is X?", "What is Y?"]
    assert items[0].contexts == ["X is a letter."] and items[0].answer == "A letter."
    assert items[0].has_evidence and not items[1].has_evidence


def test_llama_dataset_empty_query_is_named(tmp_path):
    p = tmp_path / "rag_dataset.json"
    p.write_text(json.dumps({"examples": [{"query": "ok?"}, {"query": ""}]}), encoding="utf-8")
    with pytest.raises(GoldError, match=r"example 2: empty or missing query"):
        load_gold(p)


def test_committed_gold_set_is_valid_and_broad():
    items = load_gold(DEFAULT_GOLD)
    check_sources(items, corpus_names(DEFAULT_CORPUS), "seeds")
    assert len(items) >= 40
    assert sum(not i.answerable for i in items) >= 6
    assert sum(len(i.sources) >= 2 for i in items if i.answerable) >= 3
    assert all(i.answer for i in items)
    assert all(i.sources for i in items if i.answerable)
    assert len({i.id for i in items}) == len(items)


@pytest.mark.parametrize("lines, expected", [
    ([json.dumps(GOOD), "{not json"], ":2: malformed JSON"),
    ([json.dumps({**GOOD, "question": ""})], ":1: empty or missing question"),
    ([json.dumps({**GOOD, "sources": ["999_nowhere.txt"]})], ":1: unknown source '999_nowhere.txt'"),
])
def test_cli_prints_the_line_not_a_traceback(tmp_path, capsys, lines, expected):
    import argparse

    from eval.cli import configure

    parser = argparse.ArgumentParser()
    configure(parser)
    args = parser.parse_args(["--gold", str(write(tmp_path, lines)), "--corpus", str(DEFAULT_CORPUS)])
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and expected in err and "Traceback" not in err
