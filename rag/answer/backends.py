"""Generation backends: a local transformers model, or an OpenAI-compatible chat server.

Both stream text pieces; both take the same chat messages.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Callable, Iterator, Protocol

from ..errors import EndpointError, ModelError
from ..settings import GenerationConfig

log = logging.getLogger(__name__)

Message = dict[str, str]


StopWhen = Callable[[str, int], bool]  # (text so far, tokens so far) -> stop now


class Generator(Protocol):
    name: str
    # After a stream: True when it ended at max_new_tokens (the text is cut), False when the
    # model finished or a stop rule ended it, None when the backend cannot tell.
    hit_length_limit: bool | None
    # Whether ``stream`` can continue an answer from given words (``answer_start``).
    continues_answers: bool

    def stream(self, messages: list[Message], max_new_tokens: int, stop_when: StopWhen | None = None,
               answer_start: str = "") -> Iterator[str]:
        """Yield text pieces; stop early once ``stop_when(text_so_far, tokens_so_far)`` is true.

        With ``answer_start``, the answer is taken to begin with those words and only what
        follows them is generated and yielded."""
        ...


def _cache_argument() -> str:
    import transformers

    return "cache" if int(transformers.__version__.split(".")[0]) >= 5 else "past_key_values"


_CACHE_ARGUMENT = _cache_argument()


# A continuation (``answer_start``) may not point at a source again before it has said anything:
# from "… while the others slowly declined is", the model wrote " the [4] [3] [2] [1]", as the
# bar on a marker as first token let it put " the" first. Its first tokens are the answer.
NO_MARKER_TOKENS = 3


class _NoMarkersYet:
    """Logits processor: ``tokens`` barred for the first ``NO_MARKER_TOKENS`` new tokens."""

    def __init__(self, prompt_length: int, tokens: list[int]) -> None:
        self.prompt_length, self.tokens = prompt_length, tokens

    def __call__(self, input_ids, scores):
        if input_ids.shape[1] - self.prompt_length < NO_MARKER_TOKENS:
            scores[:, self.tokens] = float("-inf")
        return scores


class TransformersGenerator:
    """A causal LM loaded by transformers from a local folder or a model id, greedy by default."""

    def __init__(self, model: str, temperature: float = 0.0, quantize: str = "none", prefill: str = "bf16") -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.name = model
        self.temperature = temperature
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model)
            self.model = AutoModelForCausalLM.from_pretrained(model, dtype=torch.bfloat16)
        except Exception as exc:
            raise ModelError(f"cannot load generator {model!r}: {exc}".splitlines()[0],
                             "run `rag models --prepare`, or set RAG_GENERATION__MODEL") from exc
        self.model.eval()
        from .decode_attention import use_grouped_decode_attention

        use_grouped_decode_attention(self.model)
        # Layers per width of their decoding copy, e.g. {4: 168, 8: 29} for the bundled model.
        self.decoding_bits: dict[int, int] = {}
        if quantize != "none":
            from .quantize import add_decoding_copies

            self.decoding_bits = add_decoding_copies(self.model, allow_int4=quantize == "int4")
        self.hit_length_limit: bool | None = None
        self.continues_answers = True
        # Tokens that open with a bracket may not start an answer (nor its continuation from
        # given words): now and then the model writes only "[1] [2] [3] [4]" for a passage it
        # could answer from.
        self._marker_starts = [i for token, i in self.tokenizer.get_vocab().items()
                               if self.tokenizer.convert_tokens_to_string([token]).lstrip().startswith(("[", "［", "【"))]
        self._lock = threading.Lock()  # one generation at a time on a 2-core machine
        self._prefix_cache: dict[str, tuple] = {}
        self.prefill = prefill
        self.prefill_int8_layers = 0

    def calibrate_prefill(self, calibration: Callable[[], list[list[Message]]]) -> None:
        """Read the prompt with int8 products from now on (``prefill_int8``), their activation
        ranges measured on the chats ``calibration`` returns (like the ones answers are asked
        with; built only when needed). Nothing changes with ``prefill="bf16"``, without decoding
        copies, or where int8 is no faster."""
        if self.prefill != "int8" or self.prefill_int8_layers:
            return
        if not self.decoding_bits:  # the int8 copies live beside the decoding copies
            log.warning("RAG_GENERATION__PREFILL=int8 needs RAG_GENERATION__QUANTIZE int4 or int8: the prompt is read in bf16")
            return
        from .prefill_int8 import calibrate_prefill, int8_kernel_is_faster

        if not int8_kernel_is_faster():
            log.info("the prompt is read in bf16: int8 products are not faster on this CPU")
            return
        prompts = [self.tokenizer(self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False),
                                  return_tensors="pt")["input_ids"] for messages in calibration()]
        with self._lock:
            self.prefill_int8_layers = calibrate_prefill(self.model, prompts)
            self._prefix_cache.clear()  # read in bf16 before: every prompt is read one way now

    def _cached_prefix(self, messages: list[Message]):
        """Key/value cache of the system message, computed once per distinct system prompt.

        Prefill runs at about 100 tokens/s on this project's CPUs, so not re-reading the fixed
        instructions for every question saves a second or two before the first token.
        """
        import torch

        if not messages or messages[0]["role"] != "system":
            return None
        key = messages[0]["content"]
        if key not in self._prefix_cache:
            text = self.tokenizer.apply_chat_template(messages[:1], tokenize=False)
            ids = self.tokenizer(text, return_tensors="pt")["input_ids"]
            with torch.inference_mode():
                output = self.model(input_ids=ids, use_cache=True)
            # transformers 5 names the output's cache `cache`; older releases `past_key_values`.
            cache = getattr(output, _CACHE_ARGUMENT)
            self._prefix_cache[key] = (ids, cache)
        return self._prefix_cache[key]

    def count_tokens(self, messages: list[Message]) -> int:
        prompt = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return len(self.tokenizer(prompt)["input_ids"])

    def stream(self, messages: list[Message], max_new_tokens: int, stop_when: StopWhen | None = None,
               answer_start: str = "") -> Iterator[str]:
        import torch
        from transformers import LogitsProcessorList, StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        import copy

        prompt = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        inputs = self.tokenizer(prompt + answer_start, return_tensors="pt")
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        # The penalty counts the prompt's tokens too, on purpose: the passages' "[1]" labels then
        # weigh against a marker in place of the answer. Limited to the answer's own tokens,
        # English drafts wrote "is [2] 1.2.1-4" and "a target of [2] increasing …" (dev en keyword
        # 0.811 -> 0.689, session 38 of docs/evaluation-log.md).
        kwargs = dict(**inputs, streamer=streamer, max_new_tokens=max_new_tokens, repetition_penalty=1.05,
                      pad_token_id=self.tokenizer.eos_token_id, begin_suppress_tokens=self._marker_starts)
        if answer_start:
            kwargs["logits_processor"] = LogitsProcessorList(
                [_NoMarkersYet(inputs["input_ids"].shape[1], self._marker_starts)])
        if stop_when is not None:
            prompt_length = inputs["input_ids"].shape[1]
            tokenizer = self.tokenizer

            class _Stop(StoppingCriteria):
                def __call__(self, input_ids, scores, **kw) -> bool:
                    new = input_ids[0, prompt_length:]
                    return stop_when(tokenizer.decode(new, skip_special_tokens=True), int(new.shape[0]))

            kwargs["stopping_criteria"] = StoppingCriteriaList([_Stop()])
        prefix = self._cached_prefix(messages)
        if prefix is not None:
            prefix_ids, cache = prefix
            n = prefix_ids.shape[1]
            if inputs["input_ids"].shape[1] > n and torch.equal(inputs["input_ids"][:, :n], prefix_ids):
                # Generation extends the cache in place, so it gets a copy. transformers 5 calls
                # the argument `cache`; older releases `past_key_values`.
                kwargs[_CACHE_ARGUMENT] = copy.deepcopy(cache)
        if self.temperature > 0:
            kwargs.update(do_sample=True, temperature=self.temperature)
        else:
            kwargs.update(do_sample=False)
        errors: list[BaseException] = []

        prompt_tokens = inputs["input_ids"].shape[1]

        def run() -> None:
            try:
                with torch.inference_mode():
                    output = self.model.generate(**kwargs)
                self.hit_length_limit = output.shape[1] - prompt_tokens >= max_new_tokens
            except BaseException as exc:  # surfaced to the caller below
                errors.append(exc)
                streamer.end()

        with self._lock:
            thread = threading.Thread(target=run, daemon=True)
            thread.start()
            yield from streamer
            thread.join()
        if errors:
            raise ModelError(f"generation failed: {errors[0]}")


class OpenAIChatGenerator:
    """Any server that speaks the OpenAI chat-completions protocol (vLLM, llama.cpp, Ollama)."""

    def __init__(self, base_url: str, model: str, api_key: str | None, temperature: float, timeout_s: float) -> None:
        self.name = f"{model} @ {base_url}"
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model, self.api_key, self.temperature, self.timeout = model, api_key, temperature, timeout_s
        self.hit_length_limit: bool | None = None
        # The protocol has no portable way to make the server go on from given answer words.
        self.continues_answers = False

    def stream(self, messages: list[Message], max_new_tokens: int, stop_when: StopWhen | None = None,
               answer_start: str = "") -> Iterator[str]:
        import httpx

        if answer_start:
            raise EndpointError("an OpenAI-compatible server cannot continue given answer words",
                                "check `continues_answers` before passing answer_start")

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"model": self.model, "messages": messages, "max_tokens": max_new_tokens,
                "temperature": self.temperature, "stream": True}
        received, pieces = "", 0
        self.hit_length_limit = None
        try:
            with httpx.stream("POST", self.url, json=body, headers=headers, timeout=self.timeout) as response:
                if response.status_code != 200:
                    response.read()
                    raise EndpointError(f"{self.url} answered HTTP {response.status_code}: {response.text[:200]}",
                                        "check RAG_GENERATION__BASE_URL and RAG_GENERATION__MODEL")
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    try:
                        choice = json.loads(data)["choices"][0]
                        delta = choice.get("delta", {})
                    except (json.JSONDecodeError, KeyError, IndexError):
                        continue
                    if choice.get("finish_reason"):
                        self.hit_length_limit = choice["finish_reason"] == "length"
                    if delta.get("content"):
                        yield delta["content"]
                        received += delta["content"]
                        pieces += 1  # servers stream about one token per piece
                        if stop_when is not None and stop_when(received, pieces):
                            break  # closing the stream tells the server to stop
        except httpx.HTTPError as exc:
            raise EndpointError(f"cannot reach {self.url}: {exc}", "is the server running? check RAG_GENERATION__BASE_URL") from exc


def make_generator(cfg: GenerationConfig, model_path: str, backend: str | None = None) -> Generator:
    """The generator for ``backend`` (as resolved by ``models.registry.generation_backend``)."""
    backend = backend or cfg.backend
    if backend == "llama-cpp":
        from .llama_backend import LlamaCppGenerator

        return LlamaCppGenerator(model_path, cfg.temperature)
    if backend == "openai":
        if not cfg.base_url:
            raise EndpointError("the openai backend needs a base URL", "set RAG_GENERATION__BASE_URL")
        return OpenAIChatGenerator(cfg.base_url, cfg.model, cfg.api_key, cfg.temperature, cfg.timeout_s)
    return TransformersGenerator(model_path, cfg.temperature, cfg.quantize, cfg.prefill)
