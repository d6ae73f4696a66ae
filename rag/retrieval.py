"""Hybrid retrieval: dense e5, dense USE and BM25 scores, rescaled and fused with per-language weights.

Each retriever scores every chunk (a few hundred chunks: exhaustive search is exact and takes
milliseconds). A dense retriever scores a chunk by its best retrieval unit (the chunk or one of
its sentences). Before the weighted sum, each retriever's scores are rescaled per question to
0..1 over its own top candidates (relative score fusion), so that no retriever's scale
dominates and the mass of clearly irrelevant chunks does not set the scale. The weights differ
by question language: keyword overlap is direct evidence for a Japanese question, and only
arrives through translation for an English one.

One prior joins the fused score: the report files each country's policies under that country's
heading, so when a question names exactly one country, passages filed under another country's
heading are lowered (``OTHER_COUNTRY_PENALTY``). Without it 「日本政府が後押しを決めた金額」 ranked
Korea's battery-investment passage first.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np

from .embedders import Embedder
from .glossary import Glossary
from .keywords import BM25, JapaneseTokenizer
from .language import detect_language
from .lexicon import Lexicon
from .passages import Chunk
from .places import filed_elsewhere, heading_places, places_named
from .item_labels import with_item_labels
from .short_names import with_full_names

log = logging.getLogger(__name__)


def in_report_terms(question: str) -> str:
    """The question with the report's own words written beside its everyday ones, as both the
    search and the context selection read it: 産総研 -> 産総研（産業技術総合研究所）,
    1番目の目標 -> 1番目の目標（ゴール1）."""
    return with_item_labels(with_full_names(question))


SINGLE_MODES = ("dense", "use", "bm25")
MODES = ("hybrid",) + SINGLE_MODES

# Chosen on both development sets together by a coarse grid (see docs/evaluation-log.md). English
# keyword scores come from translated words (lexicon.py) and report glosses (glossary.py).
DEFAULT_WEIGHTS = {
    "ja": {"dense": 1.0, "use": 0.25, "bm25": 1.5},
    "en": {"dense": 1.0, "use": 0.75, "bm25": 1.0},
}
# Scores are rescaled over each retriever's top candidates; the rest score 0.
FUSION_CANDIDATES = 50
# Subtracted from the fused score (at most 2.75 with the weights above) of a passage filed under
# another country than the one a question names. Measured on the three development sets, every
# value from 0.5 to 5 gave the same rankings (two questions up, none down); 1.0, a full retriever's
# worth, leaves a passage that every retriever ranks first still able to come first.
OTHER_COUNTRY_PENALTY = 1.0


@dataclass
class Hit:
    chunk: Chunk
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # 1-based rank per retriever
    similarities: dict[str, float] = field(default_factory=dict)
    # Dense similarity of each retrieval unit of the chunk, in unit order (the chunk, then its
    # sentences): lets the answer step show the model only the sentences that matter.
    unit_similarities: list[float] = field(default_factory=list)

    def to_json(self) -> dict:
        data = self.chunk.to_json()
        data["score"] = round(float(self.score), 6)
        data["ranks"] = self.ranks
        return data


class Retriever:
    def __init__(
        self,
        chunks: list[Chunk],
        dense: tuple[Embedder, object] | None,
        use: tuple[Embedder, object] | None,
        bm25: BM25,
        tokenizer: JapaneseTokenizer,
        owners: np.ndarray | None = None,
        weights: dict[str, dict[str, float]] | None = None,
        glossary: Glossary | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.chunks = chunks
        self.encoders = {name: pair for name, pair in (("dense", dense), ("use", use)) if pair is not None}
        self.bm25, self.tokenizer = bm25, tokenizer
        self.owners = owners if owners is not None else np.arange(len(chunks))
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.glossary = glossary if glossary is not None else Glossary.from_texts(c.text for c in chunks)
        self.lexicon = lexicon or Lexicon({})
        self.heading_places = [heading_places(c.heading_path) for c in chunks]

    @property
    def modes(self) -> tuple[str, ...]:
        return ("hybrid",) + tuple(self.encoders) + ("bm25",)

    def _scores(self, question: str, modes: set[str], language: str) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
        """Per-retriever chunk scores, and the dense similarity of every retrieval unit."""
        out: dict[str, np.ndarray] = {}
        n = len(self.chunks)
        dense_units = None
        for name, (embedder, index) in self.encoders.items():
            if name in modes:
                q = embedder.embed_queries([question])
                sims, ids = index.search(q, index.ntotal)
                scores = np.full(n, -1.0, dtype=np.float32)
                np.maximum.at(scores, self.owners[ids[0]], sims[0])  # a chunk scores as its best unit
                out[name] = scores
                if name == "dense":
                    dense_units = np.empty(index.ntotal, dtype=np.float32)
                    dense_units[ids[0]] = sims[0]
        if "bm25" in modes:
            out["bm25"] = self.bm25.scores(self.keyword_query(question))
            if language == "en":  # the report is Japanese: translate the English words too
                out["bm25"] = out["bm25"] + self.bm25.group_scores(self._translations(question))
        return out, dense_units

    def keyword_query(self, question: str) -> list[str]:
        """BM25 tokens of the question plus those of the report's glosses for the terms it names."""
        tokens = self.tokenizer(question)
        for term in self.glossary.expansions(question):
            tokens.extend(self.tokenizer(term))
        return tokens

    def _translations(self, question: str) -> list[list[list[str]]]:
        """Per English word of the question, the BM25 tokens of each of its Japanese translations."""
        return [[self.tokenizer(word) for word in words] for words in self.lexicon.translate(question)]

    def translated_words(self, text: str) -> list[set[str]]:
        """Per English word of ``text`` that the lexicon translates, the keyword tokens of all its
        Japanese translations: which of an English sentence's words a Japanese one renders."""
        return [{t for tokens in group for t in tokens} for group in self._translations(text)]

    def query_terms(self, question: str, language: str) -> set[str]:
        """Keyword tokens of the question in the report's terms (English words translated)."""
        question = in_report_terms(question)
        terms = set(self.keyword_query(question))
        if language == "en":
            terms.update(t for group in self._translations(question) for tokens in group for t in tokens)
        return terms

    def search(self, question: str, k: int = 10, mode: str = "hybrid", language: str | None = None) -> list[Hit]:
        if mode not in self.modes:
            from .errors import InputError

            raise InputError(f"unknown retrieval mode {mode!r}", f"use one of: {', '.join(self.modes)}")
        started = time.perf_counter()
        question = in_report_terms(question)
        needed = set(self.encoders) | {"bm25"} if mode == "hybrid" else {mode}
        lang = language or detect_language(question)
        scores, unit_sims = self._scores(question, needed, lang)
        ranks = {name: _ranks(s) for name, s in scores.items()}
        if mode == "hybrid":
            weights = self.weights.get(lang, self.weights["en"])
            fused = np.zeros(len(self.chunks), dtype=np.float64)
            for name, s in scores.items():
                # A keyword retriever with no matching term has no opinion: skip it.
                if name == "bm25" and not s.any():
                    continue
                fused += weights.get(name, 0.0) * _relative(s)
            fused -= OTHER_COUNTRY_PENALTY * self._filed_elsewhere(question)
        else:
            fused = scores[mode].astype(np.float64)
        order = np.argsort(-fused, kind="stable")[:k]
        hits = [
            Hit(self.chunks[i], float(fused[i]), {n: int(r[i]) for n, r in ranks.items()},
                {n: float(s[i]) for n, s in scores.items()},
                [float(x) for x in unit_sims[self.owners == i]] if unit_sims is not None else [])
            for i in order
        ]
        log.debug("retrieved %d hits in %.1f ms", len(hits), 1000 * (time.perf_counter() - started))
        return hits

    def _filed_elsewhere(self, question: str) -> np.ndarray:
        """1 for each chunk filed under another country than the one the question names, else 0."""
        asked = places_named(question)
        return np.array([filed_elsewhere(asked, places) for places in self.heading_places], dtype=np.float64)


def _relative(scores: np.ndarray, candidates: int = FUSION_CANDIDATES) -> np.ndarray:
    """Scores mapped to 0..1 between the ``candidates``-th best and the best; lower ones to 0."""
    values = scores.astype(np.float64)
    top = np.sort(values)[-candidates:]
    low, high = top[0], top[-1]
    if high <= low:
        return np.zeros_like(values)
    return np.clip((values - low) / (high - low), 0.0, None)


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks
