"""The llama.cpp backend on the bundled GGUF, and which backend ``auto`` picks."""

from __future__ import annotations

import pytest

from rag.answer.llama_backend import llama_cpp_available
from rag.embedders import cpu_has_bf16
from rag.models.registry import generation_backend
from rag.settings import DEFAULT_GENERATOR, load_settings


def _backend(**generation) -> str:
    return generation_backend(load_settings(generation=generation))


def test_auto_picks_the_fast_runtime_for_this_cpu_and_explicit_choices_stand():
    assert _backend(backend="transformers") == "transformers"
    assert _backend(backend="llama-cpp") == "llama-cpp"
    assert _backend(backend="openai", base_url="http://localhost:1/v1") == "openai"
    assert _backend(model="/models/other-model.Q8_0.gguf") == "llama-cpp"
    assert _backend(model="Qwen/Qwen2.5-7B-Instruct") == "transformers"
    expected = "transformers" if cpu_has_bf16() else "llama-cpp" if llama_cpp_available() else "transformers"
    assert _backend(model=DEFAULT_GENERATOR) == expected


@pytest.fixture(scope="module")
def llama(settings):
    from rag.answer.llama_backend import LlamaCppGenerator
    from rag.models.qwen_gguf import GGUF_BYTES
    from rag.models.registry import generator_model_path

    settings = settings.model_copy(update={"generation": settings.generation.model_copy(update={"backend": "llama-cpp"})})
    path = generator_model_path(settings, show_progress=False)
    assert path.endswith(".gguf")
    from pathlib import Path

    assert Path(path).stat().st_size == GGUF_BYTES  # the shipped file itself, nothing converted
    return LlamaCppGenerator(path)


@pytest.mark.slow
def test_llama_cpp_cannot_open_with_a_marker_and_obeys_stop_rules(llama):
    messages = [{"role": "user", "content": "Write exactly this and nothing else: [1] [2] [3]"}]
    text = "".join(llama.stream(messages, max_new_tokens=8))
    assert text.strip() and not text.lstrip().startswith(("[", "［", "【"))

    counts = []
    pieces = list(llama.stream(messages, max_new_tokens=50, stop_when=lambda text, n: counts.append(n) or n >= 3))
    assert counts[-1] == 3 and len(pieces) <= 3 and llama.hit_length_limit is False
    list(llama.stream([{"role": "user", "content": "Count from 1 to 100."}], max_new_tokens=5))
    assert llama.hit_length_limit is True


@pytest.mark.slow
def test_llama_cpp_switching_instructions_restores_their_state_exactly(llama):
    from rag.answer.context import build_messages

    japanese = build_messages("韓国のバッテリー戦略は？", "ja", [], None)
    english = build_messages("What is Korea's battery strategy?", "en", [], None)
    first = "".join(llama.stream(japanese, max_new_tokens=12))
    "".join(llama.stream(english, max_new_tokens=4))  # the context now starts with the English rules
    assert {japanese[0]["content"], english[0]["content"]} <= set(llama._prefix_cache)
    again = "".join(llama.stream(japanese, max_new_tokens=12))
    assert again == first and first.strip()


def test_llama_cpp_reads_a_question_alike_whatever_was_asked_before(llama, monkeypatch):
    # Reusing more of the previous prompt than the instructions would read the rest in other
    # batches, and greedy decoding can then answer the same question differently.
    from rag.answer.context import build_messages

    question = build_messages("韓国のバッテリー戦略は？", "ja", [], None)
    similar = build_messages("韓国のバッテリー戦略の投資額は？", "ja", [], None)  # a longer common start
    "".join(llama.stream(similar, max_new_tokens=1))  # the instructions are read and kept
    reads: list[list[int]] = []
    real_eval = llama.llm.eval
    monkeypatch.setattr(llama.llm, "eval", lambda tokens: (reads.append(list(tokens)), real_eval(tokens))[1])
    first = "".join(llama.stream(question, max_new_tokens=6))
    first_read = reads[0]
    "".join(llama.stream(similar, max_new_tokens=2))
    reads.clear()
    again = "".join(llama.stream(question, max_new_tokens=6))
    prefix = llama._prefix_cache[question[0]["content"]][0]
    assert reads[0] == first_read == llama.prompt_tokens(question)[len(prefix):]
    assert again == first


@pytest.mark.slow
def test_llama_cpp_continues_given_answer_words(llama):
    messages = [{"role": "user", "content": "Name the capital of France in one sentence."}]
    continuation = "".join(llama.stream(messages, max_new_tokens=6, answer_start="The capital of France"))
    assert continuation.strip() and not continuation.startswith("The capital of France")


def test_a_missing_or_corrupt_gguf_is_a_clear_model_error(tmp_path):
    from rag.answer.llama_backend import LlamaCppGenerator
    from rag.errors import ModelError

    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(64))
    for path in (tmp_path / "missing.gguf", broken):
        with pytest.raises(ModelError, match="cannot load generator"):
            LlamaCppGenerator(str(path))
