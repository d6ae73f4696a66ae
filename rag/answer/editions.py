"""Which edition of a plan a question asks about, and whether a passage speaks of another one.

The report follows plans through their phases: Japan's Science and Technology Basic Plans (第2期
… 第6期), China's Five-Year Plans (第14次), Korea's nanotechnology plans (第4期), Taiwan's (第1期,
第2期). Asked what Japan's 6th Basic Plan prioritises, the small model answered with the four
priority fields of the 2nd and 3rd plans, from the passage that states 第2期 and 第3期 only. The
question's own ordinal passes the number check (it is the question's figure), so each
sentence's quotes are checked here: a quote that names other editions (第N期, 第N次), and never
the one asked, is about another edition. (Whole passages are not: the one above runs from 第2期
to 第6期.)
"""

from __future__ import annotations

import re
import unicodedata

# An ordinal before a name or a plan's word: "the 6th Basic Plan", "its 2nd phase"; not "the 21st century".
_ASKED_EN = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\s+(?=[A-Z]|(?:phase|plan|period|term)\b)")
_SPELLED = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
            "fourteenth fifteenth").split()
# A spelled ordinal says "second largest" and "the first time" too: it names an edition only
# when a plan's word follows within a few words ("the fifth five-year science and technology
# plan", "its second phase", "the Sixth Science, Technology, and Innovation Basic Plan").
_ASKED_SPELLED = re.compile(rf"\b({'|'.join(_SPELLED)})\s+(?:(?!(?:of|the|a|an|in|for|to|on|at|by|with|from)\s)[^\s.?!]+\s+){{0,6}}?(?:phase|plan|period|term)s?\b",
                            re.I)
_EDITION_JA = re.compile(r"第\s*(\d{1,2})\s*[期次]")
# The flag of a sentence removed by ``about_another_edition``.
ANOTHER_EDITION = "sentence removed: its sources speak of another edition than the one asked"


def asked_editions(question: str) -> set[int]:
    """The ordinals of the question: "the 6th Basic Plan", "the fifth ... plan", 「第6期」, 「第14次」."""
    text = unicodedata.normalize("NFKC", question)
    spelled = {_SPELLED.index(word.lower()) + 1 for word in _ASKED_SPELLED.findall(text)}
    return {int(n) for n in _ASKED_EN.findall(text)} | spelled | {int(n) for n in _EDITION_JA.findall(text)}


def _stated_editions(text: str) -> set[int]:
    """The editions a report text names: 第N期, 第N次."""
    return {int(n) for n in _EDITION_JA.findall(unicodedata.normalize("NFKC", text))}


def passages_on_edition(question: str, texts: list[str]) -> list[int]:
    """The indices of ``texts`` that name an edition the question asks about (第N期, 第N次)."""
    asked = asked_editions(question)
    return [i for i, text in enumerate(texts) if asked & _stated_editions(text)]


def about_another_edition(question: str, quote: str) -> bool:
    """Whether ``quote`` names editions (第N期, 第N次) but none the question asks about."""
    asked = asked_editions(question)
    if not asked:
        return False
    stated = _stated_editions(quote)
    return bool(stated) and not stated & asked
