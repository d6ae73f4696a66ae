"""The local model run by llama.cpp straight from its GGUF file, for CPUs without fast bf16.

PyTorch has fast bf16 matrix kernels only on CPUs with AVX512-BF16 or AMX. Elsewhere (AVX2
machines, most laptops) the bf16 model crawls: measured on a 2-core AVX2 EPYC, prefill ran at
3 tokens/s in bf16 and 19 in float32, so a 700-token prompt took minutes. llama.cpp reads the
Q4_K_M weights the model ships in with integer SIMD kernels and is many times faster there.

Decoding is made to match the transformers backend: greedy, the same HF-style repetition
penalty over prompt and answer (llama.cpp's own penalty looks only at the last tokens), and
no answer may open with a bracket token.
"""

from __future__ import annotations

import codecs
import logging
import os
import threading
from typing import Iterator

from ..errors import ModelError
from .backends import NO_MARKER_TOKENS, Message, StopWhen

log = logging.getLogger(__name__)

REPETITION_PENALTY = 1.05
CONTEXT_TOKENS = 4096


def llama_cpp_available() -> bool:
    try:
        import llama_cpp  # noqa: F401
    except Exception:  # a broken native build fails at import with OSError, not ImportError
        return False
    return True


class LlamaCppGenerator:
    """A GGUF model through llama-cpp-python, greedy by default, streaming text pieces."""

    def __init__(self, gguf_path: str, temperature: float = 0.0, threads: int | None = None) -> None:
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except Exception as exc:
            raise ModelError(f"llama-cpp-python is not usable: {exc}".splitlines()[0],
                             "run: pip install -e .  (or set RAG_GENERATION__BACKEND=transformers)") from exc
        self.name = gguf_path
        self.temperature = temperature
        try:
            self.llm = Llama(model_path=gguf_path, n_ctx=CONTEXT_TOKENS, n_threads=threads or os.cpu_count() or 2,
                             verbose=False)
        except Exception as exc:
            raise ModelError(f"cannot load generator {gguf_path!r}: {exc}".splitlines()[0],
                             "run `rag models --prepare`, or set RAG_GENERATION__MODEL") from exc
        template = self.llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ModelError(f"{gguf_path} carries no chat template", "use an instruction-tuned GGUF model")
        specials = dict(eos_token=self._piece(self.llm.token_eos()), bos_token=self._piece(self.llm.token_bos()))
        self._format = Jinja2ChatFormatter(template=template, **specials)
        self._format_turns = Jinja2ChatFormatter(template=template, add_generation_prompt=False, **specials)
        # System message -> (its tokens, the model state after reading them). The model keeps one
        # context, so after an English question a Japanese one would re-read its instructions.
        self._prefix_cache: dict[str, tuple[list[int], object]] = {}
        self._end_tokens = {self.llm.token_eos()} | {
            ids[0] for ids in (self._special_ids(t) for t in ("<|im_end|>", "<|endoftext|>", "<|eot_id|>"))
            if len(ids) == 1}
        self._marker_starts = self._bracket_tokens()
        self.hit_length_limit: bool | None = None
        self.continues_answers = True
        self._lock = threading.Lock()  # one generation at a time: the model holds one context

    def _piece(self, token: int) -> str:
        return self.llm.detokenize([token], special=True).decode("utf-8", errors="ignore")

    def _special_ids(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _bracket_tokens(self):
        import numpy as np

        starts = [i for i in range(self.llm.n_vocab())
                  if self.llm.detokenize([i]).decode("utf-8", errors="ignore").lstrip().startswith(("[", "［", "【"))]
        return np.array(starts, dtype=np.intc)

    def prompt_tokens(self, messages: list[Message], answer_start: str = "") -> list[int]:
        prompt = self._format(messages=messages).prompt
        return self._special_ids(prompt + answer_start)

    def _restore_instructions(self, messages: list[Message], tokens: list[int]) -> None:
        """Load the state after the system message unless the context already starts with it."""
        if not messages or messages[0]["role"] != "system":
            return
        key = messages[0]["content"]
        if key not in self._prefix_cache:
            prefix = self._special_ids(self._format_turns(messages=messages[:1]).prompt)
            if tokens[:len(prefix)] != prefix:
                return  # the template does not render the system turn as a prefix: nothing to reuse
            self.llm.reset()
            self.llm.eval(prefix)
            self._prefix_cache[key] = (prefix, self.llm.save_state())
        prefix, state = self._prefix_cache[key]
        if tokens[:len(prefix)] != prefix:
            return
        if list(self.llm._input_ids[:len(prefix)]) != prefix:
            self.llm.load_state(state)
        elif self.llm.n_tokens > len(prefix):
            # Forget what the previous prompt added. llama-cpp-python would keep all of it that
            # matches this prompt, and read only the rest, in other batches: the float results
            # differ slightly, and greedy decoding turned them into another answer to the same
            # question (seen: 「28ナノメートル」 once, 「3」 after another question).
            self.llm._ctx.kv_cache_seq_rm(-1, len(prefix), -1)
            self.llm.n_tokens = len(prefix)

    def stream(self, messages: list[Message], max_new_tokens: int, stop_when: StopWhen | None = None,
               answer_start: str = "") -> Iterator[str]:
        import numpy as np
        from llama_cpp import LogitsProcessorList

        tokens = self.prompt_tokens(messages, answer_start)
        if len(tokens) + max_new_tokens > CONTEXT_TOKENS:
            raise ModelError(f"the prompt ({len(tokens)} tokens) does not fit the model's {CONTEXT_TOKENS}-token context",
                             "shorten the question or the conversation")
        prompt_length = len(tokens)
        markers = self._marker_starts

        def shape_scores(input_ids, scores):
            # HF-style penalty on every token seen so far, prompt included (why: backends.py).
            seen = np.unique(input_ids)
            picked = scores[seen]
            scores[seen] = np.where(picked < 0, picked * REPETITION_PENALTY, picked / REPETITION_PENALTY)
            # No marker first; in a continuation, none in its first tokens (backends.NO_MARKER_TOKENS).
            if len(input_ids) - prompt_length < (NO_MARKER_TOKENS if answer_start else 1):
                scores[markers] = -np.inf
            return scores

        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        text, count = "", 0
        self.hit_length_limit = False
        with self._lock:
            self._restore_instructions(messages, tokens)
            # The context now holds exactly the instructions (see _restore_instructions):
            # llama-cpp-python reuses their key/value cache and reads only the rest.
            for token in self.llm.generate(tokens, temp=self.temperature, top_k=0 if self.temperature else 1,
                                           top_p=1.0, min_p=0.0, repeat_penalty=1.0, logits_processor=LogitsProcessorList([shape_scores])):
                if token in self._end_tokens:
                    break
                count += 1
                piece = decoder.decode(self.llm.detokenize([token]))
                if piece:
                    text += piece
                    yield piece
                if stop_when is not None and stop_when(text, count):
                    break
                if count >= max_new_tokens:
                    self.hit_length_limit = True
                    break
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
