"""Follow-up questions ("And Korea?", 「では韓国は？」) resolved against the conversation."""

from __future__ import annotations

import re

_EN_FOLLOWUP = re.compile(r"^(and|what about|how about|and what|also|then|same for|what of)\b", re.I)
_JA_FOLLOWUP = re.compile(r"^(では|じゃあ|それでは|それ|その|それら|一方|また|なら|同様に)")
_PRONOUNS = re.compile(r"\b(it|its|they|their|them|this|that|those|these)\b|それ|その|これ|この|同国|同計画", re.I)
SHORT = {"en": 40, "ja": 20}


def is_followup(question: str, language: str) -> bool:
    q = question.strip()
    if (_EN_FOLLOWUP.match(q) if language == "en" else _JA_FOLLOWUP.match(q)):
        return True
    return len(q) <= SHORT.get(language, 30) and bool(_PRONOUNS.search(q))


def resolve_followup(question: str, language: str, history: list[tuple[str, str]] | None) -> str:
    """The text to retrieve with: the question, prefixed by the last question when it depends on it."""
    if not history or not is_followup(question, language):
        return question
    previous = history[-1][0]
    return f"{previous} {question}"
