"""A question about what ranks first (and next) among the items a passage ranks, answered with others.

The report ranks quoted items in single sentences: 「その内訳としては「自動車」が最も大きく、次いで
「機械器具」「電子機器」「化学品と化学製品」「電気機器」の順である」. Asked for the two largest, the
small model listed 「電子機器」 and 「電気機器」 from the definitions passage beside it (hja-001); asked
in English which two industries have the highest trade balance ratios, it named electronic
equipment second where the report writes 「次に「機械器具」」 (s42b-en-05). The ranking is in the
sentence, so the answer can be held to it: an answer that names items of the ranking must name
the first ones, as many as the question asks for, in the report's order.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from .numbers import NUMBER_WORDS

MISRANKED = "the answer names items the report ranks below the top ones asked for"

# 「「A」が最も大きく、次いで「B」「C」…」, 「「A」がもっとも高く、次に「B」であり」.
_RANKED = re.compile(r"「([^「」]+)」が(?:最も|もっとも)[^、。「」]{0,12}?、\s*(?:次いで|次に)\s*((?:「[^「」]+」[、・]?)+)")
_QUOTED = re.compile(r"「([^「」]+)」")
_KANJI_COUNTS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
# How many of the top items a question asks for: 「上位2つ」, 「大きい順に2つ」, "the top three", "the two
# largest", "which two … the highest".
_TOP_JA = re.compile(r"(?:上位|順に)\s*([1-5一二三四五])\s*[つ位]")
_FIRST_JA = re.compile(r"(?:最も|もっとも|一番)[^、。?？]{0,8}?(?:大き|多|高)")
_TOP_EN = re.compile(r"\btop (one|two|three|four|five|[1-5])\b|\b(two|three|four|five) (?:largest|biggest|highest|greatest)\b",
                     re.I)
_WHICH_N_EN = re.compile(r"\bwhich (two|three|four|five)\b[^?]*\b(?:highest|largest|biggest|most|greatest)\b", re.I)
_FIRST_EN = re.compile(r"\b(?:the )?(?:highest|largest|biggest|greatest)\b", re.I)


def _count(word: str) -> int:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return 1 if word == "one" else _KANJI_COUNTS.get(word) or NUMBER_WORDS.get(word, 1)


def top_asked(question: str) -> int:
    """How many of the top-ranked items ``question`` asks for (0: it asks for no ranking)."""
    text = unicodedata.normalize("NFKC", question)
    for pattern in (_TOP_JA, _TOP_EN, _WHICH_N_EN):
        found = pattern.search(text)
        if found:
            return _count(next(group for group in found.groups() if group))
    return 1 if _FIRST_JA.search(text) or _FIRST_EN.search(text) else 0


def ranking_passage(texts: list[str]) -> int | None:
    """The index of the first text that ranks items, or None."""
    return next((i for i, text in enumerate(texts) if ranking(unicodedata.normalize("NFKC", text))), None)


def ranking(text: str) -> tuple[list[str], str] | None:
    """(the items in the report's order, the sentence that ranks them) of the first ranking
    ``text`` writes, or None. Items the sentence quotes after the ranked ones rank below them
    (「…次に「機械器具」であり、「電子機器」「電気機器」…は、貿易収支比は1～2である」)."""
    for sentence in re.split(r"(?<=。)", text):
        found = _RANKED.search(sentence)
        if found:
            items = [found.group(1), *_QUOTED.findall(found.group(2)), *_QUOTED.findall(sentence[found.end():])]
            return list(dict.fromkeys(items)), sentence.strip()
    return None


def _in_order(answer: str, items: list[str]) -> bool:
    """Whether a Japanese answer writes ``items`` in that order (each at its first mention)."""
    positions = [answer.find(item) for item in items]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


def misranked(question: str, answer: str, passages: list[str], language: str,
              items_named: Callable[[list[str], str], set[str]]) -> tuple[int, str] | None:
    """(index of the passage, its ranking sentence) when ``answer`` names items of a ranking
    among ``passages`` but not the top ones ``question`` asks for (Japanese: in the report's
    order), else None. ``items_named`` tells which Japanese items an English text names."""
    wanted = top_asked(question)
    # The first ranking of the context decides, as it does for the second pass (ranking_passage):
    # the report's two rankings list the same items.
    index = ranking_passage(passages) if wanted else None
    if index is None:
        return None
    items, sentence = ranking(unicodedata.normalize("NFKC", passages[index]))
    named = {i for i in items if i in answer} if language == "ja" else items_named(items, answer)
    if len(items) < wanted or not named:
        return None  # the answer is about other things: not this ranking
    top = items[:wanted]
    if language == "ja":
        right = _in_order(answer, top)
    else:
        # The dictionary renders some items only (機械器具 is no "machinery" to it): an English
        # answer is wrong when it names a lower item among no more than the items asked for,
        # not when it lists the rest after the top ones.
        lower = named - set(top)
        right = not lower or set(top) <= named or len(named) > wanted
    return None if right else (index, sentence)
