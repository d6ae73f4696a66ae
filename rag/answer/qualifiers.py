"""Qualifiers the report puts on a figure, restored where an answer dropped them.

The report rarely states a bare figure when it is a bound or an estimate: 「30以上の連邦機関」,
「1000量子ビット超」, 「約12億kW」, 「500 ℃以上」. Translating, the small model keeps the
figure and drops the word ("30 federal agencies"), which turns "at least 30" into exactly 30,
or writes another kind ("approximately 13,000" for 13,000人以上). The figure passes the number
check, yet the sentence says more than the report. Where every mention of the figure in the
sentences quoted for the claim carries the same qualifier, the English sentence gets that
qualifier: written before a bare figure, or in place of a qualifier of another kind (a bound is
not an estimate). A passage whose quote does not state the figure speaks through all of its
mentions, which must then agree. A Japanese answer that copied 「1000量子ビット超」 as
「1000量子ビット」 gets the report's word back the same way.
"""

from __future__ import annotations

import re
import unicodedata

from .citations import strip_markers
from .numbers import claimed_numbers, figure_spans, is_supported, spelled_counts

# After the figure and its unit (at most six characters: 量子ビット, 億円, ％, ℃ …).
# 「7,000万ユーロを越える」 bounds its figure as 超える does.
_AFTER = re.compile(r"^\s*[^\d\s、。，,（）()「」]{0,6}?(超|越え|以上|未満|以下|余り|程度|前後)")
_BEFORE = re.compile(r"(約|およそ|最大で?|少なくとも|最低)\s*$")
_COUNTER = re.compile(r"個|つ|件|人|社|名|校|カ国|か国|ヵ国|機関|拠点|か所|カ所")
_ENGLISH = {"超": "more than", "越え": "more than", "余り": "more than", "以上": "at least", "少なくとも": "at least", "最低": "at least",
            "未満": "less than", "以下": "at most", "約": "about", "およそ": "about", "程度": "about", "前後": "about",
            "最大": "up to", "最大で": "up to"}
# The kind of claim a qualifier makes about a figure: "at least 30" is not "about 30".
_KIND = {"more than": "min", "at least": "min", "about": "about", "less than": "max", "at most": "max", "up to": "max"}
_ENGLISH_KINDS = (
    ("min", r"more than|over|above|exceed\w*|at least|as many as|in excess of|>"),
    ("about", r"about|approx\w*|around|roughly|some|[~≈]"),
    ("max", r"up to|less than|fewer than|under|below|at most|within|nearly|almost|<"),
)
# An English qualifier just before the figure (and its currency sign), or just after it.
_QUALIFIED_BEFORE = re.compile(
    r"(?<![A-Za-z])(" + "|".join(words for _, words in _ENGLISH_KINDS) + r")\s*(?:the\s+)?[$€£¥]?\s*$", re.I)
# After the unit, at most two words ("35 years old and younger", "500 degrees or above").
_MIN_AFTER = r"or more|plus|\+|(?:and|or) (?:over|above|older|higher|greater)"
_MAX_AFTER = r"or less|or fewer|(?:and|or) (?:under|below|younger|lower|less|fewer)"
_QUALIFIED_AFTER = re.compile(rf"^\S*\s*(?:\S+\s+){{0,2}}?({_MIN_AFTER}|{_MAX_AFTER})\b", re.I)


def _kind(english: str) -> str:
    if re.fullmatch(_MIN_AFTER, english, re.I):
        return "min"
    if re.fullmatch(_MAX_AFTER, english, re.I):
        return "max"
    return next(kind for kind, words in _ENGLISH_KINDS if re.fullmatch(words, english, re.I))


def figure_qualifiers(passage: str) -> dict[float, set[str | None]]:
    """Per figure of ``passage``, the qualifiers of its mentions (None: stated bare)."""
    text = unicodedata.normalize("NFKC", passage)
    found: dict[float, set[str | None]] = {}
    for start, end, value in figure_spans(text):
        after = _AFTER.match(text[end:end + 10])
        before = _BEFORE.search(text[max(0, start - 6):start])
        qualifier = after.group(1) if after else before.group(1) if before else None
        found.setdefault(value, set()).add(qualifier)
    return found


def _mentions(value: float, table: dict[float, set[str | None]]) -> set[str | None]:
    return set().union(*(qualifiers for stated, qualifiers in table.items() if is_supported(value, {stated})))


def _source_mentions(value: float, tables: list[tuple[dict, dict]]) -> set[str | None]:
    """The qualifiers of ``value``'s mentions: per cited passage, those in its quote, or all of the
    passage's when the quote does not state the figure (``tables`` from ``_tables``)."""
    mentions: set[str | None] = set()
    for quoted, whole in tables:
        mentions |= _mentions(value, quoted) or _mentions(value, whole)
    return mentions


def _tables(sources: list[tuple[str, str]]) -> list[tuple[dict, dict]]:
    return [(figure_qualifiers(quote), figure_qualifiers(passage)) for quote, passage in sources]


def restore_qualifiers(sentence: str, sources: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """``sentence`` (English) with the report's qualifiers written before its bare figures.

    ``sources`` holds, per cited passage, the sentence quoted for the claim and the passage: the
    quote's mentions of a figure decide when it states the figure ("IBM … 1000量子ビット超"
    beside "1000個まで増やせば" in the same passage), else all of the passage's."""
    notes: list[str] = []
    tables = _tables(sources)
    for surface, value in claimed_numbers(sentence):
        mentions = _source_mentions(value, tables)
        english = {_ENGLISH[q] for q in mentions if q is not None}
        if None in mentions or len(english) != 1:
            continue  # stated bare somewhere, or with conflicting qualifiers
        # The figure itself, not the same digits inside another number ("3" of "2013").
        found = re.search(rf"(?<![\d.,A-Za-z]){re.escape(surface)}(?![\d])", sentence)  # not the 2 of CO2
        if not found:
            continue
        start, end = found.span()
        while start > 0 and sentence[start - 1] in "$€£¥":
            start -= 1
        word = english.pop()
        before = _QUALIFIED_BEFORE.search(sentence[:start])
        after = _QUALIFIED_AFTER.match(sentence[end:end + 25])
        if after or (before and _kind(before.group(1)) == _KIND[word]):
            continue  # qualified as the report qualifies it
        if before:  # "approximately 13,000" where the report says 13,000人以上
            rest = sentence[before.end(1):]
            sentence = f"{sentence[:before.start(1)]}{word}{'' if rest[:1].isspace() else ' '}{rest}"
            notes.append(f"corrected the qualifier to the report's: {before.group(1)} -> {word} ({surface})")
        else:
            sentence = f"{sentence[:start]}{word} {sentence[start:]}"
            notes.append(f"restored the report's qualifier: {word} {surface}")
    return sentence, notes


def restore_japanese_qualifiers(sentence: str, sources: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """``sentence`` (Japanese) with the report's qualifier put back on a figure it copied bare:
    「1000量子ビット」 where the quoted sentence says 「1000量子ビット超」, 「12億kW」 for 「約12億kW」.
    A qualifier that follows the figure goes after the unit the report writes between them, and
    only where the answer writes that same unit; ``sources`` as for ``restore_qualifiers``."""
    text = unicodedata.normalize("NFKC", sentence)
    if len(text) != len(sentence):
        return sentence, []  # offsets below are the normalised text's
    tables = _tables(sources)
    notes: list[str] = []
    for start, end, value in sorted(figure_spans(text), reverse=True):  # from the end: earlier offsets stay valid
        if _qualified_in_japanese(text, start, end):
            continue
        if start and text[start - 1].isascii() and text[start - 1].isalpha():
            continue  # the 2 of CO2 or H2 is part of a name
        mentions = _source_mentions(value, tables)
        if len(mentions) != 1 or None in mentions:
            continue  # stated bare somewhere, or with conflicting qualifiers
        qualifier = mentions.pop()
        surface = sentence[start:end]
        if _BEFORE.fullmatch(qualifier):
            sentence = f"{sentence[:start]}{qualifier}{sentence[start:]}"
        else:
            unit = _unit_before(qualifier, value, [quote for quote, _ in sources])
            if unit is None or not text.startswith(unit, end):
                continue
            if not unit:  # 「30以上の機関」 copied as 「30個」: the bound follows the counter, 「30個以上」
                counter = _COUNTER.match(text, end)
                unit = counter.group(0) if counter else ""
            at = end + len(unit)
            sentence = f"{sentence[:at]}{qualifier}{sentence[at:]}"
        notes.append(f"restored the report's qualifier: {qualifier} on {surface}")
    return sentence, notes


def _unit_before(qualifier: str, value: float, quotes: list[str]) -> str | None:
    """What the quotes write between ``value`` and its ``qualifier`` (量子ビット of 1000量子ビット超)."""
    for quote in quotes:
        text = unicodedata.normalize("NFKC", quote)
        for _, end, stated in figure_spans(text):
            after = _AFTER.match(text[end:end + 10])
            if after and after.group(1) == qualifier and is_supported(value, {stated}):
                return text[end:end + after.start(1)].strip()
    return None


def _qualified_in_japanese(text: str, start: int, end: int) -> bool:
    return bool(_AFTER.match(text[end:end + 10]) or _BEFORE.search(text[max(0, start - 6):start]))  # 超, 約


def _qualified(text: str, start: int, end: int) -> bool:
    if _qualified_in_japanese(text, start, end):
        return True
    return bool(_QUALIFIED_BEFORE.search(text[:start]) or _QUALIFIED_AFTER.match(text[end:end + 25]))


def new_figures(answer: str, question: str) -> tuple[str, list[tuple[int, int, float]]]:
    """The answer's text (NFKC, markers stripped) and the (start, end, value) of each figure in
    it that the question does not give."""
    text = unicodedata.normalize("NFKC", strip_markers(answer))
    # The counts the question spells out are its own too: "Taiwan's five hubs" answered with
    # "5 researchers" adds no figure.
    asked = {value for _, value in claimed_numbers(question)} | spelled_counts(question)
    return text, [(start, end, value) for start, end, value in figure_spans(text) if not is_supported(value, asked)]


def only_bounds(answer: str, question: str, quotes: list[str] = ()) -> bool:
    """Whether every figure ``answer`` adds to the question is a bound or an estimate ("more than
    1000", 「約30」), in the answer or in every mention of it in ``quotes`` (the report's
    sentences for the answer: a Japanese answer may copy 1000量子ビット超 as 1000量子ビット):
    then the answer does not give the exact figure a question may insist on. False for an answer
    without new figures."""
    text, new = new_figures(answer, question)
    stated = [figure_qualifiers(quote) for quote in quotes]

    def bounded_in_quotes(value: float) -> bool:
        mentions = set().union(*(_mentions(value, table) for table in stated)) if stated else set()
        return bool(mentions) and None not in mentions

    return bool(new) and all(_qualified(text, start, end) or bounded_in_quotes(value) for start, end, value in new)
