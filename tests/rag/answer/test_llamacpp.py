"""The real llama.cpp backend (xllamacpp) on the smallest packaged model: streaming, caching, cancelling,
and the whole chain end to end on the seed index."""
import queue
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from rag.answer import llamacpp, models
from rag.answer.base import get_generator
from rag.answer.prompt import SYSTEM_PROMPT, prefix_messages, prompt_tokens
from rag.answer.turns import QueueStatus
from rag.config import Config
from rag.errors import ConfigError, RagError
from rag.integrations.llamaindex import as_llamaindex_llm
from rag.types import Passage
from tests.conftest import SAMPLE_QUESTION

SMALL = "smollm2-135m"

TEXTS = [
    "The city council approved a new tram line on Tuesday. The line will connect the harbour to the university.",
    "Construction of the tram line is expected to cost 120 million euros. Work starts next spring.",
]


@pytest.fixture(scope="module")
def config():
    models.pull(SMALL)  # idempotent: a no-op once the verified file is in the models folder
    return Config.load(generator="llamacpp", llm_model=SMALL, llm_max_tokens=48)


def _evidence() -> list[Passage]:
    return [Passage(f"doc{i}:00000", f"doc{i}", f"article{i}.txt", f"Article {i}", text, 0, len(text), 0.8 - i / 10)
            for i, text in enumerate(TEXTS)]


def test_registered_as_llamacpp_and_streams_text(config):
    gen = get_generator("llamacpp", config)
    assert isinstance(gen, llamacpp.LlamaCppGenerator) and gen.name == "llamacpp"
    items = list(gen.stream("How much will the tram line cost?", _evidence()))
    assert items[0] == QueueStatus(None), "the request hears that its turn came"
    pieces = items[1:]
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert len(pieces) > 1, "tokens arrive one by one, not as a single block"
    assert "".join(pieces).strip()
    stats = gen.last_stats
    assert stats["generated_tokens"] > 0 and stats["tokens_per_s"] > 0
    assert 0 < stats["ttft_ms"] <= stats["total_ms"]
    examples = prompt_tokens(prefix_messages()[1:])  # constant, cached, outside the budget
    assert stats["prompt_tokens"] < 400 + examples, "the prompt stays within the compression budget"


def test_model_loads_once_and_the_system_prompt_cache_is_reused(config):
    first, second = llamacpp.LlamaCppGenerator(config), llamacpp.LlamaCppGenerator(config)
    assert first.server is second.server
    list(first.stream("When does work on the tram start?", _evidence()))
    list(second.stream("Which places will the tram connect?", _evidence()))
    # The second prompt shares the system prompt (and the passages) with the first: not processed again.
    assert second.last_stats["cached_tokens"] >= len(SYSTEM_PROMPT) // 6


def test_warm_up_caches_the_fixed_prompt_start_for_the_first_question(config):
    # A context of its own so no earlier test's cache counts; the model file is the one pulled above.
    fresh = Config.load(generator="llamacpp", llm_model=SMALL, llm_max_tokens=24, llm_ctx=1536)
    gen = llamacpp.LlamaCppGenerator(fresh)
    gen.warm_up()
    list(gen.stream("When does work on the tram start?", _evidence()))
    assert gen.last_stats["cached_tokens"] >= len(SYSTEM_PROMPT) // 6


def test_closing_the_stream_cancels_generation(config):
    gen = llamacpp.LlamaCppGenerator(config.replace(llm_max_tokens=400))
    assert gen.config.llm_max_tokens == 400
    stream = gen.stream("Describe the tram project in detail.", _evidence())
    assert next(stream) == QueueStatus(None) and isinstance(next(stream), str)  # generating
    started = time.perf_counter()
    stream.close()
    assert time.perf_counter() - started < 10
    assert "".join(p for p in llamacpp.LlamaCppGenerator(config).stream("What did the council approve?", _evidence())
                   if isinstance(p, str))


def test_missing_model_is_a_clear_error(tmp_path):
    cfg = Config.load(llm_model="qwen2.5-1.5b", model_dir=str(tmp_path))
    with pytest.raises(RagError, match="rag models pull qwen2.5-1.5b"):
        llamacpp.LlamaCppGenerator(cfg)


def test_llamaindex_adapter_completes(config):
    llm = as_llamaindex_llm(config)
    assert llm.metadata.is_chat_model
    assert llm.complete("Say hello.").text.strip()


def test_chain_end_to_end_with_the_local_model(seeded_rag, config):
    from rag.chain import Chain

    chain = Chain(seeded_rag.store, seeded_rag.embedder, seeded_rag.config.replace(
        generator="llamacpp", llm_model=SMALL, llm_max_tokens=64))
    items = list(chain.stream(SAMPLE_QUESTION))
    answer = items[-1]
    assert answer.backend.startswith("llamacpp") and not answer.refused
    assert len(items) > 2, "the answer was streamed"
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers and markers == {c.n for c in answer.citations}
    assert {c.source[:3] for c in answer.citations} <= {"001", "004"}
    # Unanswerable questions are refused from evidence, before the model runs.
    refused = chain.ask("Who won the 2022 FIFA World Cup?")
    assert refused.refused and "generate_ms" not in refused.timings_ms


PARAGRAPH_PROMPTS = ["Copy this text exactly:\n\nThe cat sat.\n\nThe dog ran.\n\nThe bird flew.",
                     "Write a letter to a friend with a greeting line, a body and a signature.",
                     "Write three short paragraphs about cats."]


def test_generation_stops_at_a_blank_line(config):
    gen = llamacpp.LlamaCppGenerator(config)

    def unstopped(prompt):
        request = {"messages": [{"role": "user", "content": prompt}], "max_tokens": 120, "temperature": 0.0}
        return gen.server.handle_chat_completions(request)["choices"][0]["message"]["content"]

    # a prompt that makes the small model write a blank line when nothing stops it
    prompt = next((p for p in PARAGRAPH_PROMPTS if "\n\n" in unstopped(p)), None)
    assert prompt is not None
    text = "".join(llamacpp.stream_chat(gen.server, [{"role": "user", "content": prompt}], max_tokens=120))
    assert text.strip() and "\n\n" not in text


WORDS = ["banana", "tractor", "violin", "glacier", "rocket"]


def test_parallel_requests_each_get_their_own_reply(config):
    """Five requests at once on three slots: decoded together (two wait for a slot), none gets another's text."""
    gen = llamacpp.LlamaCppGenerator(config.replace(llm_parallel=3, llm_ctx=1024))

    def reply(word):
        items = list(gen.chat([{"role": "user", "content": f"Repeat this word exactly once: {word}"}], 12))
        return "".join(i for i in items if isinstance(i, str))

    with ThreadPoolExecutor(max_workers=len(WORDS)) as pool:
        replies = dict(zip(WORDS, pool.map(reply, WORDS), strict=True))
    for word, text in replies.items():
        assert word in text.lower() and not any(w in text.lower() for w in WORDS if w != word), replies
    assert gen.turns.counts() == (0, 0)


def test_a_request_beyond_the_slots_is_told_its_place_and_a_closed_stream_frees_its_slot(config):
    gen = llamacpp.LlamaCppGenerator(config.replace(llm_parallel=1, llm_ctx=1024, llm_max_tokens=400))
    holding = gen.stream("Describe the tram project in detail.", _evidence())
    assert next(holding) == QueueStatus(None) and isinstance(next(holding), str)  # the only slot is taken
    items: queue.Queue = queue.Queue()

    def second():
        for item in gen.stream("What did the council approve?", _evidence()):
            items.put(item)
        items.put(None)

    threading.Thread(target=second, daemon=True).start()
    assert items.get(timeout=120) == QueueStatus(0)
    holding.close()  # the first client goes away: its generation stops and the slot passes on
    assert items.get(timeout=120) == QueueStatus(None)
    rest = []
    while (item := items.get(timeout=300)) is not None:
        rest.append(item)
    assert rest and all(isinstance(i, str) for i in rest) and "".join(rest).strip()
    assert gen.turns.counts() == (0, 0)


def test_every_slot_starts_with_the_fixed_prompt_cached(config):
    messages = llamacpp.LlamaCppGenerator(config).messages("When does work on the tram start?", _evidence())
    for slots in (3, 2):  # computed in slot 0 and saved, then restored from the file
        gen = llamacpp.LlamaCppGenerator(config.replace(llm_parallel=slots, llm_ctx=1280))
        for slot in range(slots):
            stats: dict = {}
            llamacpp._drain(llamacpp.stream_chat(gen.server, messages, 1, 0.0, stats=stats, slot=slot))
            assert stats["cached_tokens"] >= len(SYSTEM_PROMPT) // 6, (slots, slot)


def test_a_parallel_setting_below_one_is_a_clear_error(config):
    with pytest.raises(ConfigError, match="llm_parallel .* must be 1 or more"):
        llamacpp.LlamaCppGenerator(config.replace(llm_parallel=0))
