"""The llama.cpp state after the fixed prompt start, saved beside the model and restored by new processes
(the smallest packaged model, linked into a folder of the test's own so the states land there)."""
import json
import os
import subprocess
import sys

import pytest

from rag.answer import models, prompt_state
from tests.conftest import ROOT

SMALL = "smollm2-135m"
SCRIPT = """
import json, sys
from rag.config import Config
from rag.answer.llamacpp import LlamaCppGenerator
from rag.types import Passage
text = "The city council approved a new tram line on Tuesday. The line will connect the harbour to the university."
gen = LlamaCppGenerator(Config.load(generator="llamacpp", llm_model=sys.argv[1], llm_max_tokens=24))
items = gen.stream("What will the tram line connect?", [Passage("d:0", "d", "a.txt", "A", text, 0, len(text), 0.9)])
answer = "".join(i for i in items if isinstance(i, str))
print(json.dumps({"answer": answer, "cached": gen.last_stats["cached_tokens"]}))
"""


@pytest.fixture(scope="module")
def linked_model(tmp_path_factory):
    real = models.pull(SMALL)
    link = tmp_path_factory.mktemp("models") / os.path.basename(real)
    link.symlink_to(real)
    return link


def answer_in_new_process(model) -> dict:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(model)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def saved_states(model) -> list:
    folder = prompt_state.state_dir(str(model))
    return sorted(folder.glob("*.bin")) if folder.is_dir() else []


def test_a_new_process_restores_the_saved_state_and_answers_the_same(linked_model):
    first = answer_in_new_process(linked_model)  # computes the fixed prompt start and saves it
    [state] = saved_states(linked_model)
    stamp = (state.stat().st_mtime_ns, state.stat().st_ino)
    assert first["cached"] > 50 and state.with_name(state.name + ".sha256").is_file()

    second = answer_in_new_process(linked_model)  # restores it: the file is read, not written again
    assert second == first
    assert (state.stat().st_mtime_ns, state.stat().st_ino) == stamp


def test_a_damaged_state_file_is_computed_again_not_a_crash(linked_model):
    reference = answer_in_new_process(linked_model)
    [state] = saved_states(linked_model)
    size = state.stat().st_size
    state.write_bytes(state.read_bytes()[: size // 3])  # llama.cpp itself would abort on this file
    assert answer_in_new_process(linked_model) == reference
    assert state.stat().st_size == size  # replaced by a whole one


def test_the_key_follows_model_prompt_context_and_runtime(linked_model):
    messages = [{"role": "system", "content": "Answer from the passages."}]
    name = prompt_state.state_file(str(linked_model), messages, 2048, "1.0")
    assert name == prompt_state.state_file(str(linked_model), messages, 2048, "1.0")
    assert name.startswith(linked_model.stem)
    others = {prompt_state.state_file(str(linked_model), [{"role": "system", "content": "Other."}], 2048, "1.0"),
              prompt_state.state_file(str(linked_model), messages, 1024, "1.0"),
              prompt_state.state_file(str(linked_model), messages, 2048, "1.1")}
    assert name not in others and len(others) == 3
