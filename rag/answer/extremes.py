"""A question that asks for the largest (or smallest) of several figures, answered with another.

The small model does not compare figures: asked which of Horizon 2020's three priority areas had
the largest budget, it answered with the first one listed (Excellent science, 24.4Bユーロ), citing
the sentence that gives Societal challenges 29.7Bユーロ. The sentence it cites lists every figure
in the same unit, so the comparison can be made here: a figure the answer gives, stated in a
quote beside others in its unit, must be the largest of them (the smallest, if asked).
"""

from __future__ import annotations

import re
import unicodedata

from .numbers import is_supported
from .qualifiers import new_figures
from .units import figures_by_unit

# 「最も予算が大きかった」: a few words may stand between 最も and the adjective.
# "at least", "at most" bound a figure; they do not ask for the smallest or largest of several.
_LARGEST = re.compile(r"(?:最も|一番|いちばん)[^、。?？]{0,6}?(?:大き|多|高)|最大|最多|最高|"
                      r"\b(?<!at )(?:the\s+)?(?:largest|biggest|highest|most)\b", re.I)
_SMALLEST = re.compile(r"(?:最も|一番|いちばん)[^、。?？]{0,6}?(?:小さ|少な|低)|最小|最少|最低|"
                       r"\b(?<!at )(?:the\s+)?(?:smallest|lowest|least|fewest)\b", re.I)
# "the most studied structure" asks for no figure: only a question about an amount or a count.
_ABOUT_A_FIGURE = re.compile(r"予算|額|費|金額|数|規模|割合|シェア|budget|fund|spen[dt]|invest|money|amount|"
                             r"number|share|how much|how many", re.I)


def asked_extreme(question: str) -> str | None:
    """"max" or "min" when ``question`` asks for the largest or smallest amount or count."""
    text = unicodedata.normalize("NFKC", question)
    if not _ABOUT_A_FIGURE.search(text):
        return None
    if _SMALLEST.search(text):
        return "min"
    return "max" if _LARGEST.search(text) else None


def not_the_extreme(question: str, answer: str, quotes: list[str]) -> bool:
    """Whether ``answer`` gives a figure that a quote states beside others in its unit, and
    that is not the largest of them (the smallest, if ``question`` asks for that)."""
    extreme = asked_extreme(question)
    if extreme is None:
        return False
    pick = max if extreme == "max" else min
    _, new = new_figures(answer, question)
    for quote in quotes:
        for figures in figures_by_unit(quote).values():
            if len(figures) < 2:
                continue
            given = [value for _, _, value in new if is_supported(value, set(figures))]
            if given and not any(is_supported(pick(figures), {value}) for value in given):
                return True
    return False
