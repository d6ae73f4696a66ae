"""Whether a figure is a yearly amount or a total over several years, in the answer and the report.

The report writes the period before the amount or right after it: 「10年間10億ユーロ」,
「4年総額 1.1 Mユーロ」 and 「95.5 Bユーロ/7年」 are totals, 「年間6.4億ドル」, 「毎年30課題」 and
「1,600万ドル/年」 yearly figures. Asked what the Graphene Flagship
received in its first year (the report gives only the ten-year total), the small model answered
"1 billion euros in its first year" (and in Japanese 「初年度の予算は10億ユーロ」): the figure is the
report's, the claim is not. A figure that an answer's sentence calls yearly while every mention
of it in the passage is a total over several years, or the other way round, does not support
the sentence.
"""

from __future__ import annotations

import re
import unicodedata

from .dates import YEAR
from .numbers import claimed_numbers, figure_spans, is_supported
from .units import DATE_UNITS, currency_of, figures_with_units, unit_after

YEARLY, TOTAL = "yearly", "total"
ANOTHER_YEARS_FIGURE = "the report's figure for"  # how another_years_figure's reason begins

_ENGLISH_YEARLY = re.compile(
    r"\b(?:per year|a year|each year|every year|per annum|annual(?:ly)?|yearly|in (?:its|the) first year)\b", re.I)
_COUNT = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several)"
_ENGLISH_TOTAL = re.compile(
    rf"\b(?:(?:over|across|for|during|in)\s+(?:the\s+)?(?:next\s+|past\s+|first\s+)?{_COUNT}\s+years|"
    r"in total|a total of|total(?:ling)?|cumulative(?:ly)?)\b", re.I)
# "The total budget of Horizon Europe is 95.5 billion euros per year": the adjective names what
# is counted (often the question's word); "per year" still says which the figure is.
_TOTAL_ADJECTIVE = re.compile(r"\btotal\s+(?:budget|funding|investment|amount|cost|spending|expenditure)\b", re.I)
# "95.5 billion euros per year for 7 years": the span says how long the yearly amount runs, it
# makes no total (the report: 95.5Bユーロ for 2021-2027 in all).
_RATE_OVER_SPAN = re.compile(rf"\b(per year|a year|each year|every year|per annum|annually|yearly)\s+(?:for|over)\s+"
                             rf"(?:the\s+)?(?:next\s+)?{_COUNT}\s+years\b", re.I)
# What stands just before a figure of the report (within a few characters: 「10年間で約」).
_JAPANESE_TOTAL = re.compile(r"(?:\d+\s*(?:年間|カ年|か年|ヵ年)(?:で|に|の|計|総額)?|\d+\s*年\s*総額|総額|累計|合計)\s*(?:約|およそ)?\s*[$€£¥]?\s*$")
_JAPANESE_YEARLY = re.compile(r"(?:(?<!\d)(?<!\d\s)年間|毎年|年平均|1年あたり)\s*(?:約|およそ)?\s*[$€£¥]?\s*$")
_LOOK_BEHIND = 12
# Or just after it: 「1,600万ドル/年」 is yearly, 「95.5 Bユーロ/7年」 a total over seven years.
_PER_YEARS_AFTER = re.compile(r"[^\d。、,/]{0,6}/\s*(\d*)\s*年(?!度)")
# A Japanese answer's own words: 「初年度の予算」, 「年間の予算」 are yearly; 「10年間で」, 「総額」 totals.
_CLAIM_YEARLY_JA = re.compile(r"初年度|(?<![\d０-９])年間|毎年|年平均|1年あたり|単年度")
_CLAIM_TOTAL_JA = re.compile(r"[\d０-９]+\s*(?:年間|カ年|か年|ヵ年)|総額|合計|累計")


def claimed_period(sentence: str) -> str | None:
    """YEARLY or TOTAL when a sentence of an answer (English or Japanese) says which its amounts
    are, else None."""
    yearly = bool(_ENGLISH_YEARLY.search(sentence) or _CLAIM_YEARLY_JA.search(sentence))
    english = _RATE_OVER_SPAN.sub(r"\1", _TOTAL_ADJECTIVE.sub("", sentence))
    total = bool(_ENGLISH_TOTAL.search(english) or _CLAIM_TOTAL_JA.search(sentence))
    return YEARLY if yearly and not total else TOTAL if total and not yearly else None


def stated_periods(value: float, passage: str) -> set[str | None]:
    """The period of each mention of ``value`` in ``passage`` (None: not said)."""
    return {period for period, _ in _mentions(value, passage)}


def _mentions(value: float, passage: str) -> list[tuple[str | None, int | None]]:
    """(period, years it totals or None) of each mention of ``value`` in ``passage``."""
    text = unicodedata.normalize("NFKC", passage)
    found: list[tuple[str | None, int | None]] = []
    for start, end, stated in figure_spans(text):
        if not is_supported(value, {stated}):
            continue
        before = text[max(0, start - _LOOK_BEHIND):start]
        after = _PER_YEARS_AFTER.match(text, end)
        total = _JAPANESE_TOTAL.search(before)
        if total:
            years = re.match(r"(\d+)", total.group(0))
            found.append((TOTAL, int(years.group(1)) if years else None))
        elif _JAPANESE_YEARLY.search(before):
            found.append((YEARLY, None))
        elif after:
            found.append((TOTAL, int(after.group(1))) if after.group(1) not in ("", "1") else (YEARLY, None))
        else:
            found.append((None, None))
    return found


_YEARLY_PHRASE = re.compile(r"\b(?:per year|a year|each year|every year|per annum|annually|yearly)\b", re.I)


def repair_yearly(sentence: str, question: str, passages: list[str]) -> str | None:
    """The sentence with "per year" made the report's span, when it calls a sum yearly that the
    cited ``passages`` give only as a total over N years: "The total budget of Horizon Europe is
    95.5 billion euros per year", where the report writes 「95.5 Bユーロ/7年」, becomes "… over 7
    years". None when that does not apply; so too when the question asks for a yearly figure
    (what the report does not give: a near miss, not a slip of wording). "… per year for 7 years"
    becomes "… over 7 years" alike: its count of years is no amount to look up."""
    sentence = _RATE_OVER_SPAN.sub(r"\1", sentence)
    phrases = list(_YEARLY_PHRASE.finditer(sentence))
    if claimed_period(sentence) != YEARLY or claimed_period(question) == YEARLY or len(phrases) != 1:
        return None
    spans = set()
    for _, value in claimed_numbers(sentence):
        mentions = [m for text in passages for m in _mentions(value, text)]
        if YEAR.fullmatch(f"{value:g}") and not any(period for period, _ in mentions):
            continue  # a date, not an amount
        spans |= {years if period == TOTAL else None for period, years in mentions} or {None}
    if len(spans) != 1 or None in spans:
        return None
    (years,) = spans
    phrase = phrases[0]
    return f"{sentence[:phrase.start()]}over {years} years{sentence[phrase.end():]}"


_CLAIMED_YEARS = re.compile(r"(\d+)\s*(?:年間|カ年|か年|ヵ年)|\b(?:over|across|for|during|in)\s+(?:the\s+)?"
                            r"(?:next\s+|past\s+|first\s+)?(\d+)\s+years\b")


def claimed_years(sentence: str) -> int | None:
    """How many years the sentence says its total covers (「10年間の総額」, "over 7 years"), when
    it names one count only."""
    counts = {int(a or b) for a, b in _CLAIMED_YEARS.findall(unicodedata.normalize("NFKC", sentence))}
    return counts.pop() if len(counts) == 1 else None


def contradicts_period(sentence: str, value: float, passage: str) -> str | None:
    """What the passage makes of ``value`` when the sentence says otherwise ("the report's total
    over years, not a yearly figure"; a total over five years, not ten), else None."""
    claimed = claimed_period(sentence)
    mentions = _mentions(value, passage) if claimed else []
    periods = {period for period, _ in mentions}
    if periods == {TOTAL}:
        # Asked for the ten-year total of France's research law, the model gave the 約300億ユーロ
        # that France 2030 invests 「5年間で」.
        years, stated = claimed_years(sentence), {n for _, n in mentions}
        if claimed == TOTAL and years and None not in stated and years not in stated:
            return f"the report's total over {'/'.join(str(n) for n in sorted(stated))} years, not {years}"
    if len(periods) != 1 or next(iter(periods)) in (None, claimed):
        return None
    return ("the report's total over years, not a yearly figure" if claimed == YEARLY else
            "the report's yearly figure, not a total")


# What parts two clauses: a year beyond it dates another figure ("The EU aims for a 20% share
# by 2030, and the US DOD gets 2 billion dollars").
_CLAUSE_BREAK = re.compile(r"[;；。]|,\s*(?:and|while|but|whereas|with)\b", re.I)
_YEAR_REACH = 60  # characters between a sum and the year that dates it


def _dating_years(sentence: str, surface: str) -> list[str]:
    """The years written in the clause of ``sentence`` that holds the figure ``surface``."""
    at = sentence.find(surface)
    if at < 0:
        return []
    years = []
    for m in YEAR.finditer(sentence):
        between = sentence[m.end():at] if m.end() <= at else sentence[at + len(surface):m.start()]
        if m.start() != at and len(between) <= _YEAR_REACH and not _CLAUSE_BREAK.search(between):
            years.append(m.group(1))
    return sorted(set(years))


def another_amount_for_year(sentence: str, value: float, passage: str, others: list[str]) -> str | None:
    """Why ``value``, a sum of money an English sentence dates by a year of its clause, is not
    the report's for that year; else None. The sentences of ``passage`` that state the year with
    a sum in the same currency decide; when it states the year nowhere, those of the ``others``
    (the other context passages) do: each states another sum, or none of them is found.

    The report lists a country's budgets year by year, and the small model takes a neighbour's:
    "Germany invested 2 billion euros … in 2019", where the passage says 「2019年に約200億ユーロ」
    and its 20億ユーロ are the 2020 quantum package."""
    surface, currency = next(((surface, currency_of(sentence, surface)) for surface, v in claimed_numbers(sentence)
                              if is_supported(v, {value})), ("", None))
    if currency is None:
        return None
    # A sentence of the passage that states the sum without any year continues the one before:
    # 「2022年度の…研究費は20兆7,040億円…。研究主体別の内訳は、企業が15兆1,306億円…」 gives the
    # companies' share of 2022, which no year of its own dates.
    if any(not YEAR.search(part) and is_supported(value, {v for v, unit in figures_with_units(part) if unit == currency})
           for part in re.split(r"(?<=。)", passage)):
        return None
    for year in _dating_years(sentence, surface):
        # Only a year written out dates a sum: a plan's span (「2018～2022年」) covers 2019 but
        # gives no amount of 2019's.
        sources = [passage] if year in YEAR.findall(passage) else others
        amounts = {v for text in sources for part in re.split(r"(?<=。)", text) if year in YEAR.findall(part)
                   for v, unit in figures_with_units(part) if unit == currency}
        if amounts and not is_supported(value, amounts):
            return f"not the report's amount for {year}, which it gives as another"
    return None


# A year that dates what follows it in a Japanese sentence: not one end of a span (「2021～2025年」)
# nor the base of a comparison (「2015年比」).
_DATING_YEAR_JA = re.compile(r"(?<![～~\-–〜])((?:19|20)\d\d)\s*年度?(?!\s*[～~\-–〜]|\s*(?:比|と比|に比))")


def _dated_figures(text: str) -> list[tuple[str, float, str, str]]:
    """(year, value, unit, surface) of each figure with a unit that a Japanese ``text`` writes
    after a year and before the next one, sentence by sentence: 「2030年までに年間1,000万トン、
    2040年までに年間2,000万トン」 dates 1,000万トン to 2030 and 2,000万トン to 2040."""
    found = []
    for sentence in re.split(r"(?<=。)", unicodedata.normalize("NFKC", text)):
        years = list(_DATING_YEAR_JA.finditer(sentence))
        for start, end, value in figure_spans(sentence):
            unit = unit_after(sentence, end)
            before = [m for m in years if m.end() <= start]
            if unit and not unit.startswith(DATE_UNITS) and before:
                found.append((before[-1].group(1), value, unit, sentence[start:end]))
    return found


def _years_dating(sentence: str, value: float) -> list[tuple[str, str]]:
    """(year, unit) of each place where a Japanese ``sentence`` dates ``value`` by a year."""
    return [(year, unit) for year, v, unit, _ in _dated_figures(sentence) if is_supported(v, {value})]


def another_years_figure(sentence: str, value: float, passage: str) -> str | None:
    """Why ``value``, dated in a Japanese answer's ``sentence`` by a year, is not the report's
    figure for that year, or None: the passage dates that figure to another year and gives
    another figure in the same unit for the answer's. The report lists targets year by year, and
    the small model pairs a year with its neighbour's figure: 「2030年までに年間5,000万トン」 for
    「2030年までに年間1,000万トン、…2050年までに年間5,000万トン」."""
    claimed = _years_dating(sentence, value)
    stated = _dated_figures(passage) if claimed else []  # most figures are dated by no year
    for year, unit in claimed:
        for_year = {v for y, v, u, _ in stated if y == year and u == unit}
        other_years = sorted({y for y, v, u, _ in stated if u == unit and y != year and is_supported(v, {value})})
        if for_year and not is_supported(value, for_year) and other_years:
            return f"{ANOTHER_YEARS_FIGURE} {other_years[0]}, not for {year}"
    return None


def figure_for_year(sentence: str, value: float, passage: str) -> str | None:
    """The passage's own figure (as written there) for the year the Japanese ``sentence`` dates
    ``value`` by, when it gives exactly one in that unit, else None."""
    claimed = _years_dating(sentence, value)
    if len(claimed) != 1:
        return None
    year, unit = claimed[0]
    surfaces = {surface for y, _, u, surface in _dated_figures(passage) if y == year and u == unit}
    return surfaces.pop() if len(surfaces) == 1 else None
