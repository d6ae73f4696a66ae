"""Generation backends: a local transformers model, or an OpenAI-compatible chat server.

Both stream text pieces; both take the same chat messages.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Iterator, Protocol

from ..errors import EndpointError, ModelError
from ..settings import GenerationConfig

log = logging.getLogger(__name__)

Message = dict[str, str]


class Generator(Protocol):
    name: str

    def stream(self, messages: list[Message], max_new_tokens: int) -> Iterator[str]: ...


class TransformersGenerator:
    """A causal LM loaded by transformers from a local folder or a model id, greedy by default."""

    def __init__(self, model: str, temperature: float = 0.0) -> None:
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
        self._lock = threading.Lock()  # one generation at a time on a 2-core machine

    def count_tokens(self, messages: list[Message]) -> int:
        prompt = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return len(self.tokenizer(prompt)["input_ids"])

    def stream(self, messages: list[Message], max_new_tokens: int) -> Iterator[str]:
        import torch
        from transformers import TextIteratorStreamer

        prompt = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        inputs = self.tokenizer(prompt, return_tensors="pt")
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        kwargs = dict(**inputs, streamer=streamer, max_new_tokens=max_new_tokens, repetition_penalty=1.05,
                      pad_token_id=self.tokenizer.eos_token_id)
        if self.temperature > 0:
            kwargs.update(do_sample=True, temperature=self.temperature)
        else:
            kwargs.update(do_sample=False)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with torch.inference_mode():
                    self.model.generate(**kwargs)
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

    def stream(self, messages: list[Message], max_new_tokens: int) -> Iterator[str]:
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"model": self.model, "messages": messages, "max_tokens": max_new_tokens,
                "temperature": self.temperature, "stream": True}
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
                        delta = json.loads(data)["choices"][0].get("delta", {})
                    except (json.JSONDecodeError, KeyError, IndexError):
                        continue
                    if delta.get("content"):
                        yield delta["content"]
        except httpx.HTTPError as exc:
            raise EndpointError(f"cannot reach {self.url}: {exc}", "is the server running? check RAG_GENERATION__BASE_URL") from exc


def make_generator(cfg: GenerationConfig, model_path: str) -> Generator:
    if cfg.backend == "openai":
        if not cfg.base_url:
            raise EndpointError("the openai backend needs a base URL", "set RAG_GENERATION__BASE_URL")
        return OpenAIChatGenerator(cfg.base_url, cfg.model, cfg.api_key, cfg.temperature, cfg.timeout_s)
    return TransformersGenerator(model_path, cfg.temperature)
