"""Sentences of an answer that say again what the question or an earlier sentence said.

The small model often opens by restating the question, and now and then copies a passage
sentence and then its second half again. Such sentences add nothing and are dropped, with one
exception: a restated question that is the whole answer still cites the passage that answers it.
Compared by shared character bigrams (citations.overlap), which serve names and figures in both
languages.
"""

from __future__ import annotations

import re

from ..keywords import ENGLISH_FUNCTION_WORDS
from .citations import overlap
from .numbers import claimed_numbers

RESTATED_ONLY = "the answer only restates the question; its source is cited"
ECHO_OVERLAP = 0.8  # two sentences sharing this much of each other's text say the same
QUESTION_ECHO = 0.9
# A Japanese sentence whose character bigrams nearly all stand in an earlier one repeats a part
# of it. English bigrams are too common for this test: "It ended in 2020." shares most of its own
# with any long sentence.
CONTAINED = 0.95


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _names(text: str) -> set[str]:
    """The names a text writes in Latin letters: capitalised words (Co, Ru, NIST, GaN) other than
    function words such as a sentence's opening "The" or "In"."""
    return {w.lower() for w in _LATIN_WORD.findall(text) if w[0].isupper() and w.lower() not in ENGLISH_FUNCTION_WORDS}


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _LATIN_WORD.findall(text) if w.lower() not in ENGLISH_FUNCTION_WORDS}


def _only_question_words(sentence: str, question: str) -> bool:
    """An English sentence made of the question's own words only, a part of it restated: "In the
    extra call for proposals of 2022." for "In the extra call for proposals of 2022, which two
    kinds of qubit hardware got new research themes?". Character bigrams miss it, covering too
    little of the question. A lead-in ("The three pillars … are:") introduces what follows."""
    if _JAPANESE.search(sentence):  # 「NNIである。」 names what a Japanese question asks about
        return False
    words = _content_words(sentence)
    return bool(words) and words <= _content_words(question) and not sentence.rstrip().endswith((":", "："))


def repeats_question(sentence: str, question: str) -> bool:
    """The model restated the question, or a part of it, without answering it. A restatement
    that adds a number, a name ("Co and Ru are the leading candidates to replace copper wiring
    …", asked "Which metals are …") or a tenth of new text ("At roughly 1.1°, bilayer graphene
    …") is an answer, and is kept."""
    if {v for _, v in claimed_numbers(sentence)} - {v for _, v in claimed_numbers(question)}:
        return False
    if _names(sentence) - _names(question):
        return False
    if _only_question_words(sentence, question):
        return True
    return overlap(sentence, question) > QUESTION_ECHO and overlap(question, sentence) > ECHO_OVERLAP


def repeats_earlier(sentence: str, earlier: str, language: str) -> bool:
    """``sentence`` says what an earlier sentence of the answer said, or (Japanese) a part of it."""
    if overlap(sentence, earlier) > ECHO_OVERLAP and overlap(earlier, sentence) > ECHO_OVERLAP:
        return True
    return language == "ja" and overlap(sentence, earlier) >= CONTAINED


def without_echoes(kept: list[tuple[str, list[int]]], echoes: set[int], flags: list[str]) -> list[tuple[str, list[int]]]:
    """The kept sentences less those that restate the question, unless nothing else is left.

    A restated question alone ("The next innovation … will require joining dissimilar materials
    … through advanced 3D packaging") still cites the passage that answers it, whose quote the
    reader can open; removing it would report the question as unanswered."""
    if not echoes:
        return kept
    if len(echoes) == len(kept):
        flags.append(RESTATED_ONLY)
        return kept[:1]
    for i in sorted(echoes):
        flags.append(f"sentence restating the question removed: {kept[i][0][:60]}")
    return [pair for i, pair in enumerate(kept) if i not in echoes]
