"""Months in English answers, checked against the dates the passages state; base years of
comparisons made the report's.

The report dates events as 2023年9月; an English answer writes "September 2023". The number
check sees only the year there, so a model that turns 2023年9月 into "January 1, 2023" would
pass it with a wrong month. A month an English answer names must stand in a cited passage as
``M月``, in the same year when the answer gives one.

The years a text covers (its spans, its 以降, its 令和 years) decide whether passages speak of
the year a question asks about.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..keywords import ENGLISH_FUNCTION_WORDS
from .numbers import figure_spans, numbers_in

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_ABBREVIATIONS = {name[:3]: n for n, name in enumerate(MONTHS, start=1)} | {"sept": 9}
# "September 2023", "January 1, 2023", "Sept. 2023", "July of 2021". "May" only counts beside a
# year or a day: it is also a verb.
_MONTH = re.compile(
    r"\b(?P<month>" + "|".join(m.capitalize() for m in MONTHS) + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.)"
    r"(?P<day>\s+\d{1,2}(?:st|nd|rd|th)?\b)?(?:,?\s*(?:of\s+)?(?P<year>(?:19|20)\d\d)\b)?")
_JA_DATE = re.compile(r"(?:((?:19|20)\d\d)\s*年\s*)?(\d{1,2})\s*月")


# A year of the Western calendar as the report and its readers write it: 2005, 2005年, FY2022.
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# The report also dates by era (令和元年補正予算, 令和4年2月24日): 令和 N is 2018 + N, 平成 N is 1988 + N.
_ERA_YEAR = re.compile(r"(令和|平成)(元|\d{1,2})年")
_ERA_START = {"令和": 2018, "平成": 1988}
# A span covers the years inside it (第4期計画（2016～2025年）, 2021-2027), and "since" runs to the
# report's year (2013年以降, 2013年から: a question about 2015 is answered by it).
_SPAN = re.compile(r"(?<!\d)((?:19|20)\d\d)年?(?:度)?\s*[～〜~\-–―]\s*((?:19|20)?\d\d)(?!\d)")
_SINCE = re.compile(r"(?<!\d)((?:19|20)\d\d)年(?:度)?(?:以降|から|以来)")
REPORT_YEAR = 2024


def _spans_written(text: str) -> set[tuple[int, int]]:
    """(first, last) of each span of years ``text`` writes with a dash: 2016～2025年, 2016～25年."""
    return {(int(a), int(b) if len(b) == 4 else int(a[:2] + b)) for a, b in _SPAN.findall(text)}


def years_written(text: str) -> set[str]:
    """Every year ``text`` states, spans and eras included; not the year of a name: the 2022 of
    「科学技術指標2022」 dates no figure the passage gives."""
    named = _named_year_starts(text)
    years = {m.group(1) for m in YEAR.finditer(text) if m.start(1) not in named}
    for era, n in _ERA_YEAR.findall(text):
        years.add(str(_ERA_START[era] + (1 if n == "元" else int(n))))
    bounds = [*_spans_written(text), *((int(a), REPORT_YEAR) for a in _SINCE.findall(text))]
    for first, last in bounds:
        if 0 < last - first <= 50:
            years.update(str(y) for y in range(first, last + 1))
    return years


# A year that is part of a name: after a capitalised word ("Horizon 2020", "France 2030",
# "Battery 2030+") or glued to a Japanese noun without 年 (「NNI戦略計画2021」). "in 2020",
# "March 2020", "FY2020" and 「2020年」 date something; "NNI's 2021 plan" is the plan of 2021.
_NAMED_YEAR = re.compile(r"(?:\b(?P<word>[A-Z][a-z]+) |[\u30a0-\u30ff\u4e00-\u9fff])(?P<year>(?:19|20)\d\d)(?![\d年])")


def _in_a_name(m: re.Match) -> bool:
    word = (m.group("word") or "").lower()
    if not word:
        return True
    return word not in ENGLISH_FUNCTION_WORDS and word not in MONTHS and word[:3] not in _ABBREVIATIONS


def _named_year_starts(text: str) -> set[int]:
    return {m.start("year") for m in _NAMED_YEAR.finditer(text) if _in_a_name(m)}


# A year that names an edition (「2021年版の俯瞰報告書」).
_EDITION = re.compile(r"((?:19|20)\d\d)\s*年版")
# A question asking for a date: "When …", "In which year …", 「いつ」, 「何年度から」.
_ASKS_WHEN = re.compile(r"(?i)\bwhen\b|\b(?:which|what) year\b|いつ|何年|何月|どの年")


def is_year_value(value: float) -> bool:
    """Whether a figure could be a year (a whole number from 1900 to 2100)."""
    return value == int(value) and 1900 <= value <= 2100


def asks_when_for_year(question: str, value: float) -> bool:
    """Whether ``question`` asks when something happened and ``value`` is a year."""
    return bool(_ASKS_WHEN.search(question)) and is_year_value(value)


def year_only_in_names(question: str, value: float, sentence: str, passage: str) -> bool:
    """Whether ``sentence`` answers when-``question`` with a year that ``passage`` writes only in
    names: asked when the workshop on life science and nanotech was held, the model answered
    "in 2021" from 「2021年版の俯瞰報告書発行以降」, the edition after which the workshops began.
    A sentence that itself writes the year in a name ("Horizon 2020") is left alone."""
    if not asks_when_for_year(question, value):
        return False
    year = str(int(value))
    in_names = _named_year_starts(sentence)
    if any(m.group(1) == year and m.start(1) in in_names for m in YEAR.finditer(sentence)):
        return False
    text = unicodedata.normalize("NFKC", passage)
    named = _named_year_starts(text) | {m.start(1) for m in _EDITION.finditer(text)}
    spots = [m.start(1) for m in YEAR.finditer(text) if m.group(1) == year]
    return bool(spots) and all(spot in named for spot in spots)


def years_asked(question: str) -> list[str]:
    """The years a question names, in order, each once; not those of names like Horizon 2020
    (asked for its budget, the answer's 2021-2027 is no other year than the one asked)."""
    named = _named_year_starts(question)
    return list(dict.fromkeys(m.group(1) for m in YEAR.finditer(question) if m.start(1) not in named))


def _month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    return MONTHS.index(name) + 1 if name in MONTHS else _ABBREVIATIONS[name[:4] if name == "sept" else name[:3]]


def claimed_months(text: str) -> list[tuple[str, int, int | None]]:
    """(surface, month, year or None) for every month an English text names; the surface is the
    month and its day, the part that goes when the month is not supported."""
    found = []
    for m in _MONTH.finditer(text):
        if m.group("month") == "May" and not (m.group("day") or m.group("year")):
            continue
        year = int(m.group("year")) if m.group("year") else None
        found.append((m.group("month") + (m.group("day") or ""), _month_number(m.group("month")), year))
    return found


@lru_cache(maxsize=4096)
def months_in(text: str) -> frozenset[tuple[int | None, int]]:
    """The (year, month) dates of a Japanese text, and each month alone as (None, month)."""
    found: set[tuple[int | None, int]] = set()
    for year, month in _JA_DATE.findall(unicodedata.normalize("NFKC", text)):
        if 1 <= int(month) <= 12:
            found.add((None, int(month)))
            if year:
                found.add((int(year), int(month)))
    return frozenset(found)


def month_supported(month: int, year: int | None, stated: frozenset[tuple[int | None, int]],
                    numbers: frozenset[float]) -> bool:
    """The month stands in the passage; with the answer's year beside it, or with that year
    stated elsewhere in the passage (「同年9月」 names its year in an earlier sentence)."""
    if (None, month) not in stated:
        return False
    return year is None or (year, month) in stated or float(year) in numbers


# 「2020年5月」, 「2020年5月1日」: a Japanese date down to its month, with the day when it has one.
_JA_MONTH_OF_YEAR = re.compile(r"((?:19|20)\d\d)(\s*年\s*)(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?")


def drop_unstated_months(text: str, passages: list[str], question: str = "") -> tuple[str, list[str]]:
    """``text`` (Japanese) without the month of a date whose year the passages state but whose
    month none of them gives for that year: asked when the EU's battery regulation was proposed
    (「2020年に発表」), the model wrote 「2020年5月」, and the whole sentence was lost for a month
    the report never wrote. The year alone is what the report says. A date the question itself
    gives is the user's, and stays."""
    if not _JA_MONTH_OF_YEAR.search(text):
        return text, []  # most answers date nothing to the month: read no passage for them
    notes: list[str] = []
    stated = [(months_in(p), years_written(p), numbers_in(p)) for p in passages]
    asked = months_in(question)

    def year_only(m: re.Match) -> str:
        year, month = int(m.group(1)), int(m.group(3))
        if not 1 <= month <= 12 or (year, month) in asked:
            return m.group(0)
        if any(month_supported(month, year, months, numbers) for months, _, numbers in stated):
            return m.group(0)
        if not any(str(year) in years for _, years, _ in stated):
            return m.group(0)  # the year is unsupported too: the number check decides
        notes.append(f"month not found in the passages, removed: {m.group(0).strip()}")
        return m.group(1) + m.group(2).strip()

    return _JA_MONTH_OF_YEAR.sub(year_only, text), notes


# "in 2019" (not "in 2019年度", not "in 2019-2021"): a year that may lack its month.
_BARE_YEAR = re.compile(r"\b(in|since)\s+((?:19|20)\d\d)\b(?![-–~])")


def restore_months(sentence: str, quotes: list[str]) -> tuple[str, list[str]]:
    """``sentence`` (English) with the month written before a bare year when the sentences
    quoted for it date that year with exactly one month: "published in 2019" becomes "published
    in October 2019" for 「2019年10月に…公表」. The small model often keeps only the year."""
    notes: list[str] = []
    stated = frozenset().union(*(months_in(q) for q in quotes))

    def with_month(match: re.Match) -> str:
        year = int(match.group(2))
        months = {month for y, month in stated if y == year}
        if len(months) != 1:
            return match.group(0)  # undated, or several dates that year: no guess
        name = MONTHS[months.pop() - 1].capitalize()
        notes.append(f"restored the report's month: {name} {year}")
        return f"{match.group(1)} {name} {year}"

    return _BARE_YEAR.sub(with_month, sentence), notes


# The base of a comparison: 「2015年比で35％削減」, 「2014年と比べ」; "compared with 2015 (levels)".
_JA_BASE_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度?\s*(?:比|と比|に比)")
_EN_BASE_YEAR = re.compile(r"\b(?:compared (?:with|to)|relative to|versus|vs\.?|below|above)\s+(?:the\s+)?"
                           r"(?:(?:FY|fiscal(?:\s+year)?)\s*)?((?:19|20)\d\d)\b(?![-–~])", re.I)


def correct_base_years(sentence: str, language: str, quotes: list[str]) -> tuple[str, list[str]]:
    """``sentence`` with the base year of a comparison made the one the sentences quoted for it
    give. Both years pass the number check, since the report states the target year as well:
    the small model wrote 「2030年比で35％削る」 for 「2030年の…排出量を2015年比で35％削減」.
    A base year is corrected only where the quotes give exactly one."""
    stated = {m.group(1) for q in quotes for m in _JA_BASE_YEAR.finditer(unicodedata.normalize("NFKC", q))}
    notes: list[str] = []

    def corrected(match: re.Match) -> str:
        year = match.group(1)
        if len(stated) != 1 or year in stated:
            return match.group(0)
        (base,) = stated
        notes.append(f"base year {year} corrected to the report's {base}")
        start = match.start(1) - match.start(0)
        return match.group(0)[:start] + base + match.group(0)[start + len(year):]

    pattern = _JA_BASE_YEAR if language == "ja" else _EN_BASE_YEAR
    return pattern.sub(corrected, sentence), notes


# 2017-2025年, 2007～2011年度, 2021-2035 年: a span of years as the report writes it.
_YEAR_SPAN = re.compile(r"((?:19|20)\d\d)\s*(?:年度?)?\s*[-–~～〜]\s*((?:19|20)\d\d)")


def restore_year_span(sentence: str, surface: str, value: float, passage: str) -> str | None:
    """``sentence`` with "for N years" replaced by the span of years the passage states.

    Asked for a time frame, the small model counts the years itself ("will run for 8 years"
    for 2017-2025年), a figure no passage states, so the number check would hide it. Where the
    passage holds exactly one span whose length is N (counted either way: 2007～2011年度 is five
    fiscal years), the report's own years replace the count: "will run from 2017 to 2025".
    """
    claim = re.search(rf"\b(?:for|over|across|spanning)\s+{re.escape(surface)}[\s-]+years?\b", sentence)
    if not claim or value != int(value):
        return None
    spans = {(int(a), int(b)) for a, b in _YEAR_SPAN.findall(unicodedata.normalize("NFKC", passage))
             if int(b) - int(a) in (value, value - 1)}
    if len(spans) != 1:
        return None
    first, last = spans.pop()
    return f"{sentence[:claim.start()]}from {first} to {last}{sentence[claim.end():]}"


# "from 2013 to 2021", "2015-2020", "between 2009 and 2015": a span an English answer states.
_CLAIMED_SPAN = re.compile(r"\b(?:FY\s*)?((?:19|20)\d\d)\s*(?:to|through|until|-|–|—)\s*(?:FY\s*)?((?:19|20)\d\d)\b"
                           r"|\bbetween\s+(?:FY\s*)?((?:19|20)\d\d)\s+and\s+(?:FY\s*)?((?:19|20)\d\d)\b")
# 2021年度から5年間: a start and a length, another way the report writes a span.
_START_AND_LENGTH = re.compile(r"((?:19|20)\d\d)\s*年度?(?:から|より)?(?:の)?\s*(\d{1,2})\s*(?:年間|カ年|か年|ヵ年)")


def _writes_span(text: str, first: int, last: int) -> bool:
    text = unicodedata.normalize("NFKC", text)
    if (first, last) in _spans_written(text) or re.search(rf"{first}\s*年度?\s*から\s*{last}", text):
        return True
    return any(int(a) == first and last - first in (int(n), int(n) - 1) for a, n in _START_AND_LENGTH.findall(text))


def unwritten_year_span(sentence: str, question: str, passages: list[str]) -> str | None:
    """A span of years an English ``sentence`` states that none of ``passages`` (the cited ones)
    writes as a span, or None. Each year may stand in the passage on its own: asked which years
    France's 2013 research strategy covered, the model answered "2013 to 2021" (the year it was
    published and the start of a later plan) for the report's 2015～2020年, and the number check
    found both years."""
    def spans(text: str) -> list[tuple[int, int]]:
        return [tuple(int(g) for g in (m.groups()[:2] if m.group(1) else m.groups()[2:]))
                for m in _CLAIMED_SPAN.finditer(text)]

    asked = spans(question)
    for first, last in spans(sentence):
        if last <= first or (first, last) in asked or _writes_span(question, first, last):
            continue
        if not any(_writes_span(text, first, last) for text in passages):
            return f"{first}-{last}"
    return None


def only_as_month(value: float, passage: str) -> bool:
    """Whether ``passage`` states ``value`` only as a month, the 11 of 2021年11月: asked how many
    researchers work at JCESR, the model answered "11 researchers" from the month of a law."""
    text = unicodedata.normalize("NFKC", passage)
    ends = [end for _, end, stated in figure_spans(text) if abs(stated - value) < 1e-9]
    return bool(ends) and all(text[end:].lstrip().startswith("月") for end in ends)


def written_as_month(sentence: str, value: float) -> bool:
    """Whether an answer's ``sentence`` writes ``value`` as a month or beside one (9月, "September
    12"): then it dates, and the month checks decide."""
    text = unicodedata.normalize("NFKC", sentence)
    if any(text[end:].lstrip().startswith(("月", "日")) for _, end, stated in figure_spans(text)
           if abs(stated - value) < 1e-9):
        return True
    return any(m.group("day") and abs(float(re.sub(r"\D", "", m.group("day"))) - value) < 1e-9
               for m in _MONTH.finditer(text))
