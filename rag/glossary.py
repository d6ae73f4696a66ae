"""English-Japanese term pairs mined from the report itself, used to expand keyword queries.

The report glosses its terms in parentheses: 「国家ナノテクノロジーイニシアティブ（National
Nanotechnology Initiative：NNI）」, 「半導体法（A Chips Act for Europe）」, 「技術的成熟度（TRL）」.
An English question that names "the European Chips Act" shares no token with a passage that
says 欧州半導体法, so BM25 is blind to it; adding the glossed Japanese term to the keyword query
lets it match; an acronym in a question (NISTEP) likewise brings in the spelled-out name.

Pairs come from the indexed chunks, so the glossary always matches the index and needs no
storage. Matching is deliberately strict (every content word of a gloss, or an exact acronym),
because a wrong expansion pulls unrelated passages up.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from .keywords import ENGLISH_FUNCTION_WORDS

log = logging.getLogger(__name__)

# The Japanese term is the run of kanji, kana, long marks and name dots right before the
# parenthesis (hiragana particles end it), so 「…を目的に半導体法（…）」 yields 半導体法.
_JA_CHARS = r"\u4e00-\u9fff\u30a0-\u30ffー・々"
_GLOSS = re.compile(rf"([{_JA_CHARS}][{_JA_CHARS}A-Za-z0-9\-]*)\(([^()]*[A-Za-z][^()]*)\)")
# A gloss that closes a quoted term glosses the whole quotation, particles included:
# 「責任ある研究とイノベーション（RRI）」 is RRI, not イノベーション alone.
_QUOTED_GLOSS = re.compile(r"「([^「」()]+)\(([^()]*[A-Za-z][^()]*)\)」")
_JAPANESE = re.compile(rf"[{_JA_CHARS}\u3040-\u309f]")
ACRONYM = re.compile(r"[A-Z][A-Za-z0-9\-&]*[A-Z0-9][A-Za-z0-9\-&]*")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
_MIN_PREFIX = 4  # "chips"~"chip", "europe"~"european": shared prefixes this long count as one word


@dataclass(frozen=True)
class TermPair:
    japanese: str
    english: str  # a phrase ("A Chips Act for Europe") or an acronym ("NNI")

    @property
    def is_acronym(self) -> bool:
        return bool(ACRONYM.fullmatch(self.english)) and " " not in self.english


def _content_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if w.lower() not in ENGLISH_FUNCTION_WORDS]


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    shorter = min(len(a), len(b))
    prefix = 0
    for x, y in zip(a, b):
        if x != y:
            break
        prefix += 1
    return prefix >= _MIN_PREFIX and prefix >= 0.8 * shorter


def mine_term_pairs(texts: Iterable[str]) -> list[TermPair]:
    """Every (Japanese term, English gloss) pair written as 日本語（English：ABBR） in ``texts``."""
    pairs: dict[tuple[str, str], TermPair] = {}
    for text in texts:
        flat = unicodedata.normalize("NFKC", text).replace("\n", "")
        quoted = {inside: japanese.strip() for japanese, inside in _QUOTED_GLOSS.findall(flat)}
        for japanese, inside in [*((j, i) for i, j in quoted.items()), *_GLOSS.findall(flat)]:
            if len(japanese) < 2 or not _JAPANESE.search(japanese):
                continue
            if inside in quoted and quoted[inside] != japanese and quoted[inside].endswith(japanese):
                continue  # the tail of a quoted term, cut at its particle
            # 「（RX：デジタル技術を…）」 or 「（Phase Change Memory：PCM）」: each side of a colon or
            # comma is a separate gloss; parts that are Japanese prose are not glosses.
            parts = re.split(r"[:,;、]", inside)
            if len(parts) > 2:  # 「（IBM、TSMC、Samsung…）」 is a list of examples, not a gloss
                continue
            for part in parts:
                part = part.strip()
                if not part or _JAPANESE.search(part) or not _WORD.search(part):
                    continue
                pair = TermPair(japanese, part)
                if pair.is_acronym or len(_content_words(part)) >= 2:
                    pairs[(japanese, part)] = pair
    return list(pairs.values())


class Glossary:
    def __init__(self, pairs: list[TermPair]) -> None:
        self.pairs = pairs
        self._phrases = [(p, _content_words(p.english)) for p in pairs if not p.is_acronym]
        self._acronyms: dict[str, list[TermPair]] = {}
        for p in pairs:
            if p.is_acronym:
                self._acronyms.setdefault(p.english, []).append(p)
        log.debug("glossary: %d term pairs", len(pairs))

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Glossary:
        return cls(mine_term_pairs(texts))

    def expansions(self, question: str) -> list[str]:
        """Terms of the other language for the glossed terms the question names."""
        flat = unicodedata.normalize("NFKC", question)
        words = _content_words(flat)
        found: list[str] = []
        for pair, phrase in self._phrases:
            # Every content word of the gloss must be in the question: "Chips Act for Europe"
            # matches "the European Chips Act", but not a question that only says "act".
            if phrase and all(any(_same_word(w, q) for q in words) for w in phrase):
                found.append(pair.japanese)
        for token in set(ACRONYM.findall(flat)):
            found.extend(p.japanese for p in self._acronyms.get(token, []))
        return list(dict.fromkeys(t for t in found if t not in flat))
