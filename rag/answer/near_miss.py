"""Near misses: the report discusses what a question asks about, but not to the precision asked.

The unanswerable questions that a retrieval threshold cannot catch are of this kind. "Exactly
how many qubits …" finds the passage that says 1000量子ビット超; "the municipality where …"
finds one that names only a prefecture (熊本県). The small model answers with what it read, and
every figure and citation of that answer checks out: it only says less than was asked. Two such
gaps are recognised here, from the question's wording and the answer's figures or quotes:

- an exact figure asked for, where every new figure of the answer is a bound or an estimate;
- a municipality asked for, where the quoted sentences name a prefecture and no municipality.
"""

from __future__ import annotations

import re
import unicodedata

from .qualifiers import only_bounds

EXACT_FIGURE = "an exact figure"
MUNICIPALITY = "a municipality"

_EXACT_EN = re.compile(r"\b(exact(ly)?|precise(ly)?)\b", re.I)
_FIGURE_EN = re.compile(r"\bhow (many|much|long|large|big)\b|\bwhat (is the |was the )?(number|amount|figure|"
                        r"share|percentage|total|budget|count)\b", re.I)
_EXACT_JA = re.compile(r"正確に|正確な|厳密に|厳密な|ちょうど|きっかり")
_FIGURE_JA = re.compile(r"何|いくつ|いくら|どれ(だけ|くらい|ほど)|数")
_MUNICIPALITY_ASKED = re.compile(r"市町村|市区町村|どの(自治体|市|町|村)|何(市|町|村)|"
                                 r"\b(which|what) (city|town|municipality|village)\b|\bin which (city|town)\b", re.I)
# 熊本県, 京都府, 東京都, 北海道; つくば市, 千歳市. Words that end the same way are not places:
# 政府, 内閣府; 都市, 市場, 町工場.
_PREFECTURE = re.compile(r"[\u4e00-\u9fff]{1,3}[県府]|東京都|北海道")
_NOT_PREFECTURE = ("政府", "閣府", "領府")
_MUNICIPALITY = re.compile(r"[\u4e00-\u9fff\u3041-\u3096ァ-ヴー]{1,5}[市町村](?![場民長況販内外街区化工])")
_NOT_MUNICIPALITY = ("都市", "各市", "市町村")


def _places(pattern: re.Pattern, not_places: tuple[str, ...], text: str) -> list[str]:
    return [m.group(0) for m in pattern.finditer(text) if not m.group(0).endswith(not_places)]


def asks_for_exact_figure(question: str) -> bool:
    """Whether ``question`` asks for a figure and insists that it be exact."""
    text = unicodedata.normalize("NFKC", question)
    return bool((_EXACT_EN.search(text) and _FIGURE_EN.search(text))
                or (_EXACT_JA.search(text) and _FIGURE_JA.search(text)))


def names_prefecture_only(quotes: list[str]) -> bool:
    """Whether the quoted report sentences name a prefecture but no municipality."""
    text = "".join(quotes)
    return bool(_places(_PREFECTURE, _NOT_PREFECTURE, text)) and not _places(_MUNICIPALITY, _NOT_MUNICIPALITY, text)


def missing_precision(question: str, answer: str, quotes: list[str]) -> str | None:
    """What the question asks for that the answer, true to the report, does not give:
    ``EXACT_FIGURE``, ``MUNICIPALITY`` or None."""
    if asks_for_exact_figure(question) and only_bounds(answer, question, quotes):
        return EXACT_FIGURE
    if _MUNICIPALITY_ASKED.search(unicodedata.normalize("NFKC", question)) and names_prefecture_only(quotes):
        return MUNICIPALITY
    return None
