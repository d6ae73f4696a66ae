"""Japanese-aware keyword search: MeCab (fugashi + unidic-lite) tokens scored with BM25.

Character n-grams match substrings of unrelated words and do nothing for English questions;
morphological tokens keep words whole, and NFKC folding makes full-width ``ＮＮＩ`` and
half-width ``NNI`` the same token.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

import numpy as np

# Function words and punctuation carry no topic.
_SKIP_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}
_SKIP_SUBPOS = {"非自立可能", "数詞"}
_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9.\-+&]*")
_KATAKANA_WORD = re.compile(r"[ァ-ヴー・]+")
# English function words: question words and grammar that name no topic. The glossary requires
# every other word of a gloss; the lexicon adds question phrasing ("report", "list") to these.
ENGLISH_FUNCTION_WORDS = frozenset(
    "a an and as at by for from in into of on or the to with its their our this that these those "
    "what which who how when where why does did do is are was were".split()
)
# Units a question spells in katakana where the report writes the symbol ("28ナノ", 28nm). パーセント
# has no token on the report side: ％ is punctuation to MeCab.
_KATAKANA_UNITS = {"ナノメートル": "nm", "マイクロメートル": "μm", "ミリメートル": "mm", "センチメートル": "cm",
                   "キロメートル": "km", "キログラム": "kg", "キロワット": "kw", "メガワット": "mw",
                   "ギガワット": "gw", "テラワット": "tw", "パーセント": None}
_SHORT_UNITS = {"ナノ": "nm"}  # only right after a figure: ナノ alone is the nano- of ナノテクノロジー
# Thousands separators or a decimal point; section numbers such as 1.2.4 are left to MeCab.
_FORMATTED_NUMBER = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![.\d])|(?<![\d.,])\d+\.\d+(?![.,\d])")
# A numbered item: a katakana word, or a Latin one of three letters or more (not the CO of CO2),
# right before a number of one or two digits: ゴール2, PCA5, TPU5, フェーズ2, Goal 4. Its word and
# its number are common tokens each; together they tell Goal 2 of a table from the Goal 1 beside
# it. (Not 第4期, which Japan's, Korea's and China's plans all have; not "the 2", nor the 4 inside
# BATT4EU.)
_NUMBERED_ITEM = re.compile(r"(?<![a-z0-9ァ-ヴー])([a-z]{3,}\s?|[ァ-ヴー]{2,})(\d{1,2})(?![\da-z]|[.,]\d)")
_EN_STOP = frozenset(
    "a an and are as at be by did do does for from has have how in is it its of on or the their this to was "
    "what when where which who why with according report did does what's".split()
)


class JapaneseTokenizer:
    def __init__(self) -> None:
        import fugashi

        self.tagger = fugashi.Tagger()

    def __call__(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        tokens: list[str] = []
        # MeCab splits 4,000 and 21.6 at their punctuation: a formatted number is one token,
        # written without separators, so that 4,000億円 and 4000億円 match.
        start = 0
        for m in _FORMATTED_NUMBER.finditer(text):
            self._words(text[start:m.start()], tokens)
            tokens.append(m.group(0).replace(",", ""))
            start = m.end()
        self._words(text[start:], tokens)
        tokens.extend(m.group(1).strip() + m.group(2) for m in _NUMBERED_ITEM.finditer(text)
                      if m.group(1).strip() not in _EN_STOP)
        return tokens

    def proper_noun_readings(self, text: str) -> list[str]:
        """The katakana readings of the proper nouns ``text`` writes in kanji or hiragana
        (中部 -> チュウブ, つくば -> ツクバ): how a place name sounds, for English spellings."""
        return [word.feature.kana for word in self.tagger(unicodedata.normalize("NFKC", text))
                if word.feature.pos2 == "固有名詞" and word.feature.kana and not _KATAKANA_WORD.fullmatch(word.surface)]

    def morphemes(self, text: str) -> list[tuple[str, str, str, str]]:
        """(surface, part of speech, its subclass, dictionary form) of each word of ``text``."""
        return [(w.surface, w.feature.pos1 or "", w.feature.pos2 or "", w.feature.lemma or w.surface)
                for w in self.tagger(text)]

    def _words(self, text: str, tokens: list[str]) -> None:
        for word in self.tagger(text):
            surface = word.surface
            pos = word.feature.pos1
            if pos in _SKIP_POS or not surface.strip():
                continue
            if _ASCII_WORD.fullmatch(surface):
                if surface not in _EN_STOP:
                    tokens.append(surface)
                continue
            if word.feature.pos2 in _SKIP_SUBPOS and not surface.isdigit():
                continue
            if surface in _KATAKANA_UNITS:
                if _KATAKANA_UNITS[surface]:
                    tokens.append(_KATAKANA_UNITS[surface])
                continue
            if surface in _SHORT_UNITS and tokens and tokens[-1].replace(".", "").isdigit():
                surface = _SHORT_UNITS[surface]
            tokens.append(surface)


class BM25:
    """Okapi BM25 over a small corpus held in memory."""

    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for d, tokens in enumerate(documents):
            for term, tf in Counter(tokens).items():
                rows.append(d)
                cols.append(self.vocab.setdefault(term, len(self.vocab)))
                vals.append(tf)
        n_docs = len(documents)
        lengths = np.array([len(t) for t in documents], dtype=np.float32)
        avg = float(lengths.mean()) if n_docs else 1.0
        tf = np.zeros((n_docs, len(self.vocab)), dtype=np.float32)
        tf[rows, cols] = vals
        df = (tf > 0).sum(axis=0)
        self.idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))
        self.weights = (tf * (k1 + 1) / (tf + norm[:, None])) * self.idf[None, :]

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        ids = [self.vocab[t] for t in query_tokens if t in self.vocab]
        if not ids:
            return np.zeros(self.weights.shape[0], dtype=np.float32)
        return self.weights[:, ids].sum(axis=1)

    def group_scores(self, groups: list[list[list[str]]]) -> np.ndarray:
        """A structured query: each group is a list of alternatives (token lists) for one concept.

        A group scores a document by its best alternative, an alternative by the mean weight of its
        tokens (半導体 is two tokens, 半 and 導体, and must not count twice).
        """
        total = np.zeros(self.weights.shape[0], dtype=np.float32)
        for alternatives in groups:
            best = np.zeros_like(total)
            for tokens in alternatives:
                ids = [self.vocab[t] for t in tokens if t in self.vocab]
                if ids:
                    np.maximum(best, self.weights[:, ids].sum(axis=1) / len(tokens), out=best)
            total += best
        return total

    def state(self) -> dict:
        return {"k1": self.k1, "b": self.b, "terms": len(self.vocab), "idf_sum": float(math.fsum(self.idf))}
