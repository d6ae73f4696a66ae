"""Everyday short names of Japanese research institutions (and 再エネ), written out as the report writes them.

Japanese readers say 産総研, 文科省 or 経産省, and the report writes 産業技術総合研究所, 文部科学省
and 経済産業省 in full (it never writes these short forms). Neither index sees the connection:
the keyword index reads 産総研 as three unrelated characters, and the encoder scores the passage
on AIST's regional centres lower than the answerability floor (0.839 against 0.85; 0.867 with the
full name beside the short one). A question that uses a short name is retrieved with the full
name written after it, 「産総研（産業技術総合研究所）」, as the report glosses its own terms.

Only names the report writes in full are listed (理研 stands in the report itself and needs
nothing), and a short form is read only where no kanji stands before it.
"""

from __future__ import annotations

import re

SHORT_NAMES = {
    "産総研": "産業技術総合研究所",
    "物材機構": "物質・材料研究機構",
    "文科省": "文部科学省",
    "経産省": "経済産業省",
    "厚労省": "厚生労働省",
    "学振": "日本学術振興会",
    "新エネ機構": "新エネルギー・産業技術総合開発機構",
    # An everyday word, not an institution, shortened the same way: the report writes it in
    # full 16 times and short once, and the keyword index had ranked a question that said 再エネ
    # on its other words (s36c-ja-01).
    "再エネ": "再生可能エネルギー",
}
# Not inside a longer kanji word: the 学振 of 科学振興 is no short name.
_SHORT = re.compile("(?<![一-龥々])(?:" + "|".join(sorted(map(re.escape, SHORT_NAMES), key=len, reverse=True)) + ")")


def with_full_names(question: str) -> str:
    """``question`` with the full name after each short name it writes, once each, unless the
    question writes the full name too."""
    done: set[str] = set()

    def expand(match: re.Match) -> str:
        short = match.group(0)
        full = SHORT_NAMES[short]
        if short in done or full in question:
            return short
        done.add(short)
        return f"{short}（{full}）"

    return _SHORT.sub(expand, question)
