"""What names an English answer's sentence asserts, for names.py to check against the passages.

A name is a run of capitalised words, acronyms or words with digits (NNI, GlobalFoundries,
Nano4EARTH), joined by the small words of institution names; a term in double quotation marks
is one too, capitalised or not. The words the question itself uses are left out of the check
(the question supplies them), and so are function words and months; ``asked_names`` gives the
names of a sentence that the question does use: what the sentence is about.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..keywords import ENGLISH_FUNCTION_WORDS
from ..places import place_mentions

# A name: capitalised words, acronyms or words with digits (Nano4EARTH), joined by the small
# words of institution names ("Ministry of Economy, Trade and Industry" is read as two runs).
# A word with digits is a name only if it starts with a letter: not "6th", "300mm" or "0B" of 25.0B.
_NAME_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w\-]*|[a-z]+\d[\w\-]*)"  # U.S. and U.K. too
_NAME = re.compile(rf"(?<![\w\-]){_NAME_WORD}(?:\s+(?:(?:of|and|for|the|de|on)\s+)*{_NAME_WORD})*")
WORD = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z0-9][\w\-]*")
_MONTHS = frozenset("january february march april may june july august september october november december".split())
# A capitalised word that opens a sentence or a clause is a name only if it looks like one.
_OPENS_CLAUSE = re.compile(r"(?:^|[:;]|\.\s)\s*$")
_LOOKS_LIKE_A_NAME = re.compile(r"[A-Z].*[A-Z]|\d")  # NNI, GlobalFoundries, H2, Nano4EARTH
# A term in double quotation marks, of at most four words. Single quotes are left alone: they
# are also apostrophes ("the world's 'democratic movements, and the world's").
_QUOTED_TERM = re.compile(r'"([^"\n]{2,60})"|“([^”\n]{2,60})”')
MAX_TERM_WORDS = 4


@dataclass(frozen=True)
class Name:
    surface: str
    words: tuple[str, ...]  # the words to check: the question's own and small words left out
    quoted: bool = False  # a term in quotation marks: marked when unsupported, never dropped


def _question_words(question: str) -> set[str]:
    """The question's words, lower-cased, and the parts of its hyphenated ones: "single-cell"
    supplies the "Single" of a sentence that opens with "Single-cell RNA sequencing"."""
    words = {w.lower() for w in WORD.findall(question)}
    return words | {part for w in words if "-" in w for part in w.split("-") if part}


def claimed_names(sentence: str, question: str = "") -> list[Name]:
    """The names an English sentence asserts, less the words the question itself uses."""
    asked = _question_words(question)

    def to_check(words: list[str]) -> tuple[str, ...]:
        return tuple(w for w in words if w.lower() not in ENGLISH_FUNCTION_WORDS and w.lower() not in _MONTHS
                     and w.lower() not in asked and singular(w).lower() not in asked)

    names, quoted_spans = [], []
    for m in _QUOTED_TERM.finditer(sentence):
        term = m.group(1) or m.group(2)
        if len(WORD.findall(term)) > MAX_TERM_WORDS:
            continue  # a quoted phrase or title: its names are checked one by one below
        quoted_spans.append(m.span())
        words = to_check([part for w in WORD.findall(term) for part in w.split("-") if part])
        if words:
            names.append(Name(m.group(0), words, quoted=True))
    for m in _NAME.finditer(sentence):
        if any(start <= m.start() < end for start, end in quoted_spans):
            continue  # checked as the quoted term
        words = to_check(_name_words(m.group(0)))
        if not words:
            continue
        if len(words) == 1 == len(WORD.findall(m.group(0))) and _OPENS_CLAUSE.search(sentence[:m.start()]) \
                and not _LOOKS_LIKE_A_NAME.search(words[0]):
            continue  # "Because …", "Specifically, …", "Alkaline water electrolysis, …"
        names.append(Name(m.group(0), words))
    return names


def identifies(words: tuple[str, ...] | list[str]) -> bool:
    """Whether a name's words identify something: two words or more, or one that looks like a
    name (NNI, H2); "the Japanese Government" leaves one plain word, which identifies nothing."""
    return len(words) > 1 or (len(words) == 1 and bool(_LOOKS_LIKE_A_NAME.search(words[0])))


def asked_names(sentence: str, question: str) -> list[Name]:
    """The names of an English sentence that the question itself uses, places left out: what
    the sentence is about ("the Faraday Battery Challenge" of "What is the time frame of the
    UK's Faraday Battery Challenge?"). Places are left out because the report often leaves
    Japan unnamed in passages about it; what remains must be two words or look like a name (NNI)."""
    asked = {w.lower() for w in WORD.findall(question)}
    names = []
    for m in _NAME.finditer(sentence):
        surface = unicodedata.normalize("NFKC", m.group(0))
        for _, start, end in reversed(place_mentions(surface)):  # "South Korea and China": no subject left
            surface = surface[:start] + " " + surface[end:]
        words = tuple(w for w in _name_words(surface) if w.lower() not in ENGLISH_FUNCTION_WORDS)
        if not identifies(words):
            continue
        if all(w.lower() in asked or singular(w).lower() in asked for w in words):
            names.append(Name(m.group(0), words))
    return names


def _name_words(name: str) -> list[str]:
    """The words of a name; of a hyphenated word, the parts that carry a capital or a digit:
    "AI" of "AI-supported", "GAA" of "GAA-type" (the rest is English, not a name)."""
    words = []
    for word in WORD.findall(name):
        parts = word.split("-")
        words.extend([word] if len(parts) == 1 else [p for p in parts if p and re.search(r"[A-Z0-9]", p)])
    return words


def undoubled(word: str) -> str:
    return re.sub(r"(.)\1", r"\1", word)


def singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
