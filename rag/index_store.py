"""The persisted index: chunk store, FAISS vectors per encoder, keyword tokens, manifest.

Everything lives in ``<index_dir>/current``. A build writes a sibling temporary folder and
renames it into place only when complete, so an interrupted build never leaves a half-written
index. The manifest names everything the vectors depend on (corpus checksum, chunking,
encoders); any difference, or a file that fails to load, triggers a rebuild.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import faiss
import numpy as np

from .chunking import embedding_text, retrieval_units
from .models.cache import replace_folder
from .passages import Chunk

log = logging.getLogger(__name__)

FORMAT_VERSION = 10  # 3: lexicon.json; 4: katakana skeleton keys in it; 5: katakana units as symbols;
# 6: numbered items (ゴール2) as tokens; 7: headings that state a date open their first paragraph;
# 8: those heading words left out of the retrieval text (the heading header carries them);
# 9: a list that starts a chunk takes its lead-in sentence along (chunking._lead_in_start);
# 10: the lexicon holds JMdict's katakana-only words (リサーチ, インフラ) too
CURRENT = "current"


@dataclass
class StoredIndex:
    chunks: list[Chunk]
    vectors: dict[str, faiss.Index]  # encoder role -> index over retrieval units (inner product)
    owners: np.ndarray  # retrieval unit -> chunk index
    tokens: list[list[str]]
    manifest: dict
    lexicon: dict[str, list[str]] = field(default_factory=dict)  # English key -> report words (lexicon.py)


def _flat_index(vectors: np.ndarray) -> faiss.Index:
    # A few hundred chunks: exact search is fast and needs no training.
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def expected_manifest(corpus_sha256: str, chunking: dict, encoders: dict[str, str],
                      dictionary: str | None = None) -> dict:
    return {"format_version": FORMAT_VERSION, "corpus_sha256": corpus_sha256, "chunking": chunking,
            "encoders": encoders, "dictionary": dictionary or "none"}


def _matches(manifest: dict, expected: dict) -> bool:
    return all(manifest.get(k) == v for k, v in expected.items())


def load_index(index_dir: Path, expected: dict) -> tuple[StoredIndex | None, str]:
    """The stored index if it is complete and built from the same inputs, else (None, reason)."""
    folder = index_dir / CURRENT
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        return None, "no index yet"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not _matches(manifest, expected):
            return None, "index is stale (report, chunking or models changed)"
        chunks = [Chunk.from_json(json.loads(line)) for line in
                  (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
        tokens = json.loads((folder / "tokens.json").read_text(encoding="utf-8"))
        owners = np.asarray(json.loads((folder / "owners.json").read_text(encoding="utf-8")), dtype=np.int64)
        vectors = {role: faiss.read_index(str(folder / f"{role}.faiss")) for role in expected["encoders"]}
        lexicon = json.loads((folder / "lexicon.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        return None, f"index is corrupt ({type(exc).__name__}: {exc})".splitlines()[0]
    if len(tokens) != len(chunks) or any(v.ntotal != len(owners) for v in vectors.values()) \
            or (len(owners) and (owners.min() < 0 or owners.max() >= len(chunks))):
        return None, "index is corrupt (counts disagree)"
    return StoredIndex(chunks, vectors, owners, tokens, manifest, lexicon), "ready"


def build_index(
    index_dir: Path,
    chunks: list[Chunk],
    encoders: dict[str, Callable[[list[str]], np.ndarray]],
    tokenize: Callable[[str], list[str]],
    expected: dict,
    lexicon: Callable[[list[str]], dict[str, list[str]]] = lambda texts: {},
) -> StoredIndex:
    """Embed every retrieval unit (chunks and their sentences) and write the index atomically."""
    started = time.time()
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = index_dir / f".build-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        units, owners = retrieval_units(chunks)
        vectors = {}
        for role, encode in encoders.items():
            log.info("embedding %d retrieval units with %s", len(units), role)
            vectors[role] = _flat_index(encode(units))
            faiss.write_index(vectors[role], str(tmp / f"{role}.faiss"))
        (tmp / "owners.json").write_text(json.dumps(owners))
        tokens = [tokenize(embedding_text(c)) for c in chunks]
        (tmp / "tokens.json").write_text(json.dumps(tokens, ensure_ascii=False), encoding="utf-8")
        words = lexicon([c.text for c in chunks])
        (tmp / "lexicon.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
        (tmp / "chunks.jsonl").write_text(
            "".join(json.dumps(c.to_json(), ensure_ascii=False) + "\n" for c in chunks), encoding="utf-8")
        manifest = dict(expected, created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        chunks=len(chunks), build_seconds=round(time.time() - started, 1))
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        replace_folder(tmp, index_dir / CURRENT)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("index built in %.1f s", time.time() - started)
    return StoredIndex(chunks, vectors, np.asarray(owners, dtype=np.int64), tokens, manifest, words)
