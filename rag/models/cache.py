"""A per-user cache of prepared model folders: atomic builds, manifests, corruption checks.

A folder is built under a temporary name and renamed into place only when complete, so an
interrupted preparation leaves nothing that looks ready. Its manifest records the source
package and version and a checksum per file; a folder whose files no longer match is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

MANIFEST = "rag-manifest.json"
# Files above this size are checked by sampling (size + 64 spread blocks) instead of hashing
# every byte: hashing a 3.4 GB model at every start would cost seconds for nothing.
FULL_HASH_LIMIT = 1 << 30
_SAMPLES, _SAMPLE_BYTES = 64, 1 << 16


# Digests already computed in this process, keyed by the file's identity and modification stamp:
# readiness is checked at index load and again at model load, and hashing a 470 MB file twice
# at every start costs seconds. Any write to the file changes the key.
_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = _compute_digest(path)
    return _DIGESTS[key]


def _compute_digest(path: Path) -> str:
    size = path.stat().st_size
    h = hashlib.sha256()
    with path.open("rb") as fh:
        if size <= FULL_HASH_LIMIT:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
            return "sha256:" + h.hexdigest()
        h.update(str(size).encode())
        for k in range(_SAMPLES):
            fh.seek((size - _SAMPLE_BYTES) * k // (_SAMPLES - 1))
            h.update(fh.read(_SAMPLE_BYTES))
    return "sampled-sha256:" + h.hexdigest()


@dataclass
class FolderStatus:
    path: Path
    ready: bool
    reason: str
    bytes: int


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def check_folder(path: Path, source: str) -> FolderStatus:
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        return FolderStatus(path, False, "not prepared", folder_bytes(path))
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, json.JSONDecodeError):
        return FolderStatus(path, False, "manifest unreadable", folder_bytes(path))
    if manifest.get("source") != source:
        return FolderStatus(path, False, f"prepared from {manifest.get('source')}, need {source}", folder_bytes(path))
    for name, expected in manifest.get("files", {}).items():
        f = path / name
        if not f.is_file() or f.stat().st_size != expected["bytes"]:
            return FolderStatus(path, False, f"{name} missing or truncated", folder_bytes(path))
        if file_digest(f) != expected["digest"]:
            return FolderStatus(path, False, f"{name} corrupted (checksum mismatch)", folder_bytes(path))
    return FolderStatus(path, True, "ready", folder_bytes(path))


def replace_folder(built: Path, final: Path) -> None:
    """Move a completed folder into place; the old one is removed only after the swap."""
    old = final.parent / f".{final.name}.old-{os.getpid()}"
    if final.exists():
        final.rename(old)
    built.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def build_folder(path: Path, source: str, build: Callable[[Path], None], min_free_bytes: int = 0) -> Path:
    """Run ``build(tmp_dir)`` and move the result to ``path`` with a manifest, atomically."""
    from ..errors import ModelError

    path.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(path.parent).free
    if free < min_free_bytes:
        raise ModelError(
            f"not enough disk space in {path.parent}: {free / 1e9:.1f} GB free, {min_free_bytes / 1e9:.1f} GB needed",
            "free space or set RAG_CACHE_DIR to a larger disk",
        )
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    started = time.time()
    try:
        build(tmp)
        files = {
            str(p.relative_to(tmp)): {"bytes": p.stat().st_size, "digest": file_digest(p)}
            for p in sorted(tmp.rglob("*")) if p.is_file()
        }
        manifest = {"source": source, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "build_seconds": round(time.time() - started, 1), "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2))
        replace_folder(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("prepared %s in %.1f s", path, time.time() - started)
    return path
