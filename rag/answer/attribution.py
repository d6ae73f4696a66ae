"""Whether a figure an English answer gives for a name belongs to that name in the passage.

A passage often lists several actors with a figure each: 「商務省に110億ドル、国防総省に20億ドルを
割り当て … サムスンは、テキサス州に2,000億ドル規模の工場建設計画を発表」. Asked what Samsung
received, the small model wrote "Samsung received $2 billion", and the number check passed: the
passage states 20億ドル, for the Department of Defense. The figure belongs to another actor when
the passage names the sentence's actor only in sentences that do not state the figure and that
state another figure in the same unit (Samsung's own 2,000億ドル). Both conditions matter: the
report often states a figure in a sentence that leaves its subject implicit (「同プログラムは2022年
に開始」), and the passage's topic, written in its heading ("The CHIPS and Science Act"), is the
subject of every sentence under it. Years are left out for the first reason: a year in another
sentence is as often the same programme's start as another actor's.
"""

from __future__ import annotations

import re
import unicodedata

from ..keywords import ENGLISH_FUNCTION_WORDS
from ..places import places_named
from ..retrieval import Hit
from .citations import chunk_sentences
from .names import Name, NameChecker, claimed_names
from .numbers import figure_spans, is_supported

# The unit written after a figure: 億ドル -> ドル, 万人 -> 人, " Mユーロ" -> ユーロ, 35歳 -> 歳.
_UNIT = re.compile(r"^\s*(?:[千万億兆]|[MB](?![A-Za-z]))*\s*([ァ-ヴー]+|[%％℃]|[\u4e00-\u9fff])")
# A capitalised word opening the sentence is its subject more often than not ("Samsung received
# …"); claimed_names leaves such words out, as most are ordinary words ("Approximately …").
_OPENING_WORD = re.compile(r"^\W*([A-Z][a-z]+)\b")
_YEAR_UNITS = ("年", "月", "日")


def _unit_after(text: str, end: int) -> str | None:
    found = _UNIT.match(text[end:end + 10])
    return found.group(1) if found else None


def _figures_with_units(sentence: str) -> list[tuple[float, str]]:
    """(value, unit) of the figures of a passage sentence that carry a unit other than a date's."""
    text = unicodedata.normalize("NFKC", sentence)
    found = []
    for _, end, value in figure_spans(text):
        unit = _unit_after(text, end)
        if unit and not unit.startswith(_YEAR_UNITS):
            found.append((value, unit))
    return found


def figure_of_another_name(body: str, value: float, hit: Hit, names: NameChecker) -> str | None:
    """The name of ``body`` (an English sentence) to which the passage does not give ``value``,
    although it gives that name a figure of its own in the same unit; None when there is none."""
    figures = {s: _figures_with_units(s) for s in chunk_sentences(hit.chunk)}
    units = {unit for found in figures.values() for v, unit in found if is_supported(v, {value})}
    if not units:
        return None  # a year, a bare count, or not stated here: other checks decide
    stating = {s for s, found in figures.items() if any(is_supported(v, {value}) and u in units for v, u in found)}
    heading = " ".join(hit.chunk.heading_path)
    for name in _opening_name(body, names) + claimed_names(body):
        if places_named(name.surface) or names.supports(heading, name):
            continue  # countries are checked elsewhere; the heading's topic is every sentence's subject
        naming = [s for s in figures if names.supports(s, name)]
        if not naming or stating.intersection(naming):
            continue
        if any(unit in units and not is_supported(v, {value}) for s in naming for v, unit in figures[s]):
            return name.surface
    return None


def _opening_name(body: str, names: NameChecker) -> list[Name]:
    """The sentence's first word as a name, when it is capitalised and no dictionary word."""
    found = _OPENING_WORD.match(body)
    if not found or found.group(1).lower() in ENGLISH_FUNCTION_WORDS or names.is_dictionary_word(found.group(1)):
        return []
    return [Name(found.group(1), (found.group(1),))]
