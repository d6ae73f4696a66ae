"""What a figure counts: the unit written right after it (億ドル -> ドル, 万人 -> 人, 1000社 -> 社).

A Japanese answer copies the report's units, so a figure whose unit differs from every unit the
passage writes after it is not the passage's figure: asked how many of Korea's advanced
nanotech talents are doctorates, the model answered 「博士人材は1,000人」 from 「ナノテク関連ベンチャー
を1000社設立」; asked for a transition temperature, 「約1.1 K」 from the magic angle 「～1.1°」.
Dates (年, 月, 日) are left out: a year is written with 年 or bare.
"""

from __future__ import annotations

import re
import unicodedata

from .numbers import claimed_numbers, figure_spans, is_supported, replace_figure

# Scale words and the report's M/B abbreviations are skipped: the unit is what follows them.
_UNIT = re.compile(r"^\s*(?:[千万億兆]|[MB](?![A-Za-z]))*\s*([ァ-ヴー]+|[%％℃°]|[\u4e00-\u9fff]|[A-Za-zμ]+)")
DATE_UNITS = ("年", "月", "日")
# Units that count the same things.
_SAME = {"名": "人", "%": "％", "ヶ": "カ", "報": "件"}  # 報: the report counts papers in 報 or 件
# The units compared: ones that count distinct things. A general counter (個, つ) or a word the
# pattern cuts short (the 量 of 64量子ビット, written 64個 in an answer) decides nothing.
_DISTINCT = frozenset({"人", "社", "件", "機", "校", "カ", "円", "ドル", "ユーロ", "ポンド", "元", "ウォン", "ルピー",
                       "％", "トン", "倍",
                       # symbols of physical units: the magic angle of 1.1° is no temperature of 1.1 K
                       "°", "℃", "K", "nm", "μm", "mm", "cm", "m", "km", "kg", "kW", "MW", "GW", "TW", "kWh", "GWh",
                       "eV", "GHz"})


def unit_after(text: str, end: int) -> str | None:
    found = _UNIT.match(text[end:end + 24])  # room for an English noun ("researchers")
    return found.group(1) if found else None


def figures_with_units(sentence: str) -> list[tuple[float, str]]:
    """(value, unit) of the figures of a sentence that carry a unit other than a date's."""
    text = unicodedata.normalize("NFKC", sentence)
    found = []
    for _, end, value in figure_spans(text):
        unit = unit_after(text, end)
        if unit and not unit.startswith(DATE_UNITS):
            found.append((value, unit))
    return found


def _units_of(text: str, value: float) -> set[str]:
    """The units (as compared) that ``text`` writes after its mentions of ``value``."""
    return {_same(u) for v, u in figures_with_units(text) if is_supported(v, {value})}


def figures_by_unit(text: str) -> dict[str, list[float]]:
    """The figures of ``text`` written with one of the compared units, grouped by that unit."""
    groups: dict[str, list[float]] = {}
    for value, unit in figures_with_units(text):
        if _same(unit) in _DISTINCT:
            groups.setdefault(_same(unit), []).append(value)
    return groups


# The things an English answer counts, by stem, as the report's counters count them: asked how
# many nanotech papers Japan published, the model wrote "36,000 papers" for 「論文を執筆した研究者数
# は約3万6千人」, the count of authors. Only nouns that name one kind of thing: "users" may be
# companies (the NNCI's 900社), "members" countries.
_ENGLISH_COUNTED = {"people": "人", "person": "人", "researcher": "人", "author": "人", "scientist": "人",
                    "student": "人", "compan": "社", "firm": "社", "paper": "件", "article": "件",
                    "publication": "件", "countr": "カ"}


def _by_stem(word: str, table: dict[str, str]) -> str | None:
    """The table's value for the first stem that starts ``word`` ("companies": compan)."""
    return next((value for stem, value in table.items() if word.lower().startswith(stem)), None)


def _same(unit: str) -> str:
    if unit.isascii() and unit.isalpha() and len(unit) > 2:  # a word of an English answer
        return _by_stem(unit, _ENGLISH_COUNTED) or unit
    return _SAME.get(unit, unit)


# A general counter says what it counts after の: 「8つのサブプロジェクト」 counts subprojects, and
# "8 researchers" is none of its figures (asked how many researchers the Human Brain Project had,
# which the report does not say). The nouns each counter of things counts, by how they end.
_COUNTED_NOUNS = {"人": re.compile(r"(?:者|員|人材|人|名|学生|スタッフ)$"),
                  "社": re.compile(r"(?:企業|社|会社|メーカー|スタートアップ|ベンチャー)$"),
                  "カ": re.compile(r"(?:国|地域)$"), "校": re.compile(r"(?:大学|学校|校)$")}
_GENERAL_COUNTER = re.compile(r"\s*(?:つ|個)(?:以上|超|程度|ほど)?の([\u4e00-\u9fffァ-ヶーA-Za-z]+)")


def _nouns_counted_generally(passage: str, value: float) -> list[str]:
    """The nouns that follow ``value`` counted with つ or 個 (「8つのサブプロジェクト」), when every
    mention of it in ``passage`` is so written; else none."""
    text = unicodedata.normalize("NFKC", passage)
    nouns = []
    for _, end, v in figure_spans(text):
        if is_supported(v, {value}):
            counted = _GENERAL_COUNTER.match(text, end)
            if not counted:
                return []
            nouns.append(counted.group(1))
    return nouns


def _counts_other_things(claimed: set[str], value: float, passage: str) -> str | None:
    """The noun the passage counts with its figure ``value``, when it is none of the things the
    ``claimed`` counters count."""
    counters = [c for c in claimed if c in _COUNTED_NOUNS]
    nouns = _nouns_counted_generally(passage, value) if counters else []
    if nouns and not any(_COUNTED_NOUNS[c].search(noun) for c in counters for noun in nouns):
        return nouns[0]
    return None


def different_unit(sentence: str, value: float, passage: str) -> str | None:
    """"1,000人 where the report has 社" when ``sentence`` writes ``value`` with a unit that no
    mention of it in ``passage`` has, while some mention has a unit (of those compared); else None.
    An English sentence's counted noun is read as the report's counter ("36,000 papers": 件)."""
    claimed, stated = _units_of(sentence, value) & _DISTINCT, _units_of(passage, value) & _DISTINCT
    swapped = _figure_with_the_counter(claimed, value, passage) if claimed and not stated else None
    if swapped:
        other, unit = swapped
        return f"written with {unit}, which the report writes after {_plain(other)}, not after {_plain(value)}"
    counted = _counts_other_things(claimed, value, passage) if claimed and not stated else None
    if counted:
        return f"written with {'/'.join(sorted(claimed))} where the report counts {counted}"
    if not claimed or not stated or claimed & stated:
        return _count_of_a_duration(sentence, value, passage)
    return f"written with {'/'.join(sorted(claimed))} where the report has {'/'.join(sorted(stated))}"


# Two figures of one sentence swapped: asked about Europe's graphene flagship, the model wrote
# "21 partner organisations from 165 countries" for 「21カ国から165のパートナー」. The report writes
# 165 with no counter, and the counter the answer gives it (カ国) after the sentence's other figure.
# Counters of things only: an amount's currency is often left out when repeated (「2,000億円のうち
# 500億を」), and a range or list shares one unit (「10～20社」, 「2、3件」).
_COUNTERS = frozenset({"人", "社", "件", "カ", "機", "校"})
_SHARES_THE_UNIT = re.compile(r"\s*[～〜~\-–—、,・とや及]")


def _figure_with_the_counter(claimed: set[str], value: float, passage: str) -> tuple[float, str] | None:
    """(figure, counter) of a passage sentence that writes ``value`` bare and the figure with one
    of the ``claimed`` counters."""
    for sentence in re.split(r"(?<=。)", unicodedata.normalize("NFKC", passage)):
        ends = [end for _, end, v in figure_spans(sentence) if is_supported(v, {value})]
        if not ends or any(_SHARES_THE_UNIT.match(sentence, end) for end in ends):
            continue
        for other, unit in figures_with_units(sentence):
            if _same(unit) in claimed & _COUNTERS and not is_supported(other, {value}):
                return other, _same(unit)
    return None


def swap_figures_back(sentence: str, surface: str, value: float, passage: str) -> str | None:
    """``sentence`` with its figure ``surface`` and the one figure it swapped it with exchanged
    back, or None: the sentence gives ``surface`` the counter that ``passage`` writes after that
    other figure, which the sentence writes with no counter compared ("21 partner organisations
    from 165 countries" -> "165 partner organisations from 21 countries")."""
    claimed = _units_of(sentence, value) & _COUNTERS
    found = _figure_with_the_counter(claimed, value, passage) if claimed else None
    if found is None:
        return None
    text = unicodedata.normalize("NFKC", sentence)
    partners = [(text[start:end], v) for start, end, v in figure_spans(text)
                if is_supported(v, {found[0]}) and _same(unit_after(text, end) or "") not in _DISTINCT]
    if len(partners) != 1 or partners[0][0] not in sentence or surface not in sentence:
        return None
    other = partners[0][0]
    placeholder = "\x00"
    swapped = replace_figure(replace_figure(sentence, surface, placeholder), other, surface)
    return swapped.replace(placeholder, other, 1)


def _plain(value: float) -> str:
    return f"{value:,.6f}".rstrip("0").rstrip(".")


# A figure the report writes only as a span of time or a date (「16年間」) counts no things: asked by
# how many members the Chemical Society of Japan shrank, the model wrote "By 16 members" from
# 「16年間で約9500人」. Years themselves (2016) are left out: "the 2016 strategy" names a year.
_TIME_WORDS = re.compile(r"(?i)(?:years?|months?|days?|weeks?|decades?|fiscal|FY|yr)$")
_MAX_DURATION = 1000


def _count_of_a_duration(sentence: str, value: float, passage: str) -> str | None:
    if value >= _MAX_DURATION:
        return None
    text = unicodedata.normalize("NFKC", passage)
    units = [unit_after(text, end) for _, end, v in figure_spans(text) if is_supported(v, {value})]
    if not units or not all(unit and unit.startswith(DATE_UNITS) for unit in units):
        return None
    claim = unicodedata.normalize("NFKC", sentence)
    for _, end, v in figure_spans(claim):
        unit = unit_after(claim, end) if is_supported(v, {value}) else None
        counted = unit and not unit.startswith(DATE_UNITS) and not _TIME_WORDS.match(unit) and (
            _same(unit) in _DISTINCT or (unit.isascii() and unit.isalpha() and len(unit) > 2))
        if counted:
            return f"written as a count of {unit} where the report has a span of time or a date"
    return None


# The unit an English answer writes after a figure, as the report writes it after its Japanese
# figure: "12 million tonnes" is 1,200万トン; a stem matches plurals ("companies": compan).
_ENGLISH_UNITS = {"tonne": "トン", "ton": "トン", "yen": "円", "dollar": "ドル", "euro": "ユーロ", "pound": "ポンド",
                  "won": "ウォン", "yuan": "元", "people": "人", "person": "人", "user": "人", "researcher": "人",
                  "compan": "社", "kw": "kW", "gw": "GW"}


def english_unit_after(sentence: str, surface: str) -> str | None:
    """The report's form of the unit ``sentence`` writes right after the figure ``surface``."""
    found = re.search(re.escape(surface) + r"\s+(?:of\s+)?([A-Za-z]+)", sentence)
    return _by_stem(found.group(1), _ENGLISH_UNITS) if found else None


# The currencies an English answer writes, as the report writes them after its figures.
_CURRENCY_SIGNS = {"$": "ドル", "€": "ユーロ", "£": "ポンド", "¥": "円"}
_CURRENCY_WORDS = {"dollar": "ドル", "euro": "ユーロ", "pound": "ポンド", "yen": "円", "won": "ウォン", "yuan": "元"}
_CURRENCY_ENGLISH = {"ドル": "US dollars", "ユーロ": "euros", "ポンド": "pounds", "円": "yen", "ウォン": "won", "元": "yuan"}


def currency_of(sentence: str, surface: str) -> str | None:
    """The report's currency for an English figure: "$2.16 billion", "2 billion euros" -> ドル, ユーロ."""
    at = sentence.find(surface)
    sign = sentence[:at].rstrip()[-1:] if at > 0 else ""
    unit = _CURRENCY_SIGNS.get(sign) or english_unit_after(sentence, surface)
    return unit if unit in _CURRENCY_ENGLISH else None


_SCALE = r"(?:\s+(?:thousand|million|billion|trillion))?"
_SIGNED = re.compile(r"(?P<sign>[$€£¥])\s?(?P<figure>\d[\d,]*(?:\.\d+)?" + _SCALE + r")")
_WORDED = re.compile(r"(?P<figure>\d[\d,]*(?:\.\d+)?" + _SCALE + r")\s+(?:(?:US|U\.S\.)\s+)?(?P<word>dollars?|euros?|"
                     r"pounds?(?: sterling)?|yen|won|yuan)\b", re.I)


def repair_currencies(sentence: str, passages: list[str]) -> tuple[str, list[str]]:
    """``sentence`` (English) with each amount's currency made the one the passages write after
    that figure, when they write it with one currency only and it is not the sentence's: asked
    what Horizon 2020 gave its Industrial leadership priority, the model wrote "$17.0 billion"
    for 17.0Bユーロ. The figure stays; only its currency changes."""
    notes: list[str] = []

    def stated(figure: str) -> set[str]:
        values = [v for _, v in claimed_numbers(figure)]
        if not values:
            return set()
        units = {u for passage in passages for v, u in figures_with_units(passage) if is_supported(values[0], {v})}
        return units & set(_CURRENCY_ENGLISH)

    def fix(m: re.Match, claimed: str) -> str:
        report = stated(m.group("figure"))
        if len(report) != 1 or claimed in report:
            return m.group(0)
        currency = report.pop()
        notes.append(f"wrote the report's currency for {m.group(0)}: {_CURRENCY_ENGLISH[currency]}")
        return f"{m.group('figure')} {_CURRENCY_ENGLISH[currency]}"

    sentence = _SIGNED.sub(lambda m: fix(m, _CURRENCY_SIGNS[m.group("sign")]), sentence)
    sentence = _WORDED.sub(lambda m: fix(m, next(j for w, j in _CURRENCY_WORDS.items()
                                                  if m.group("word").lower().startswith(w))), sentence)
    return sentence, notes
