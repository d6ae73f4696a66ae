"""Questions for the Nth goal or pillar, written with the label the report gives that item.

The report numbers the goals of the US strategies (NNI, MGI) ゴール1, ゴール2, … and the pillars of
Horizon Europe 第一の柱, 第二の柱, …. A question asks for 「1番目に掲げる目標」, 「2つ目の柱」 or "the
third goal": neither index links the ordinal to the label (to the keyword index the loanword ゴール
is no 目標), and the fused ranking had put the chunk that opens with the NNI's ゴール1 seventh. As
short names get their full form (``short_names.py``), the label is written after the words that
ask for the item: 「1番目に掲げる目標（ゴール1）」. It ranked first then.
"""

from __future__ import annotations

import re
import unicodedata

from .answer.citations import bigrams

_KANJI_DIGITS = "一二三四五六七八九"
_ENGLISH_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
# 「3番目の目標」, 「1番目に掲げる目標」, 「2つ目の柱」: the ordinal, then the item within a few characters.
_JAPANESE = re.compile(r"([1-9１-９]|[一二三四五六七八九])\s*(?:番目|つ目)[^、。？?]{0,8}?(目標|ゴール|柱)")
_ENGLISH = re.compile(rf"\b({'|'.join(_ENGLISH_ORDINALS)}|[1-9](?:st|nd|rd|th))\s+(?:\w+\s+)?(goal|pillar)s?\b", re.I)


def _number(ordinal: str) -> int:
    ordinal = ordinal.lower()
    if ordinal in _ENGLISH_ORDINALS:
        return _ENGLISH_ORDINALS.index(ordinal) + 1
    if ordinal in _KANJI_DIGITS:
        return _KANJI_DIGITS.index(ordinal) + 1
    return int(unicodedata.normalize("NFKC", ordinal)[0])  # 3, ３, 3rd


def _label(n: int, item: str) -> str:
    return f"第{_KANJI_DIGITS[n - 1]}の柱" if item in ("柱", "pillar") else f"ゴール{n}"


def asked_label(question: str) -> str | None:
    """The report's label of the Nth goal or pillar a Japanese question asks for, or None."""
    found = _JAPANESE.search(question)
    return _label(_number(found.group(1)), found.group(2)) if found else None


def labelled_item(question: str, texts: list[str]) -> tuple[int, str] | None:
    """(index in ``texts``, the item's line) of the one passage text that writes the label of
    the item ``question`` asks for at the start of a line (「ゴール3. 研究、開発、…の提供」), or None."""
    label = asked_label(question)
    if label is None:
        return None
    found = [(i, m.group(0).strip()) for i, text in enumerate(texts)
             for m in re.finditer(rf"(?:^|(?<=\n)|(?<=）))\s*{label}[.．:：\s（(][^\n]*", text)]
    return found[0] if len({line for _, line in found}) == 1 else None


# 「…という目標は何番目のゴール？」, 「どの柱」: the question describes the item and asks for its label.
_WHICH_LABEL = re.compile(r"何(?:番目|つ目)|どの(?:ゴール|柱)")
_LABEL_LINE = re.compile(r"(?:^|(?<=\n)|(?<=）))\s*(ゴール[1-9]|第[一二三四五六七八九]の柱)[.．:：\s（(]\s*([^\n]+)")
_MIN_SHARED = 3  # character pairs the described item's line shares with the question, at least
_MIN_MARGIN = 2  # and more than any other labelled line does


def described_item(question: str, texts: list[str]) -> tuple[int, str, str] | None:
    """(index in ``texts``, the line, its label) of the labelled item a Japanese question
    describes and asks the label of (「研究から実用化までを長く支える研究基盤を提供するという目標は
    何番目のゴール？」 -> ゴール3), when one labelled line shares clearly more of its words than any
    other; else None. The model, given the NNI's goals, had named the next one (ゴール4)."""
    if not _WHICH_LABEL.search(question):
        return None
    asked = bigrams(question)
    lines = {m.group(1): (i, m.group(0).strip(), len(asked & bigrams(m.group(2))))
             for i, text in enumerate(texts) for m in _LABEL_LINE.finditer(text)}
    ranked = sorted(lines.items(), key=lambda item: -item[1][2])
    if not ranked or ranked[0][1][2] < _MIN_SHARED:
        return None
    if len(ranked) > 1 and ranked[0][1][2] - ranked[1][1][2] < _MIN_MARGIN:
        return None
    label, (index, line, _) = ranked[0]
    return index, line, label


def with_item_labels(question: str) -> str:
    """``question`` with the report's label after the first Nth goal or pillar it asks for."""
    def add(match: re.Match) -> str:
        label = _label(_number(match.group(1)), match.group(2).lower())
        return match.group(0) if label in question else f"{match.group(0)}（{label}）"

    found = _JAPANESE.search(question) or _ENGLISH.search(question)
    return question if found is None else question[:found.start()] + add(found) + question[found.end():]
