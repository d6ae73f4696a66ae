"""A Japanese answer that cites no passage stating the figures the question itself gives.

A question's own figures (「当初の28ナノの次に」, 「2022年秋の…大会」, 「1960年代にできた」) name
its subject, and the report writes them as the question does. Over the captured Japanese drafts
(sessions 35-42) whose question states a figure that some context passage states too, the 52
answers citing such a passage all hit the gold evidence; the 5 citing none of them all missed it
(the EU's nanomaterial definition for the TSMC plant in Kumamoto, 化審法 for the pollution laws of
the 1960s, a right year from the passage on another plan). English answers are left alone: the
2 of them that cited no such passage were right.

The pipeline asks such a question again over the passages that state its figures only; asked
over all passages with those first, the model kept copying the other passage (1 of 4 better,
against 3 of 4 over those passages only).
"""

from __future__ import annotations

import re
import unicodedata

from ..retrieval import Hit

# Figures of two digits or more: a single digit (「2つ」, 「第3期」) names no subject.
_FIGURE = re.compile(r"(?<!\d)\d{2,}(?!\d)")


def figures_written(text: str) -> set[str]:
    """The figures of ``text`` as digit strings, full-width digits and thousands commas folded."""
    return set(_FIGURE.findall(unicodedata.normalize("NFKC", text).replace(",", "")))


def passages_with_question_figures(question: str, context: list[Hit], cited: list[str]) -> tuple[list[Hit], set[str]]:
    """(the context passages that state a figure of ``question``, those figures) when no cited
    passage (``cited``: their texts) states one, else ([], figures)."""
    asked = figures_written(question)
    stated = [(hit, asked & figures_written(hit.chunk.text)) for hit in context]
    figures = set().union(*(found for _, found in stated)) if stated else set()
    if not figures or any(figures & figures_written(text) for text in cited):
        return [], figures
    return [hit for hit, found in stated if found], figures
