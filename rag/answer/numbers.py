"""Numbers in Japanese and English text, normalised so that 1,200万 and 12 million compare equal."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_JA_UNITS = {"千兆": 1e15, "千億": 1e11, "千万": 1e7, "兆": 1e12, "億": 1e8, "万": 1e4, "千": 1e3}
_EN_UNITS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9}
# 1兆1,940億, 3万6千, 3万6,000 are one number each: a larger Japanese unit may be followed by a
# smaller one, or directly by the digits below it. 千 is a unit too (5万8千人, 4千億円).
_JA_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(千兆|千億|千万|兆|億|万|千)"
                        r"(?:\s*(\d[\d,]*(?:\.\d+)?)\s*(千億|千万|億|万|千)|(?<=[兆億万])(\d[\d,]*\d|\d))?")
# The report abbreviates like English does: 95.5 Bユーロ, 300Mポンド ("M" and "B" in capitals
# only: 300 m is a length; and not after a letter: L2M is a name).
_EN_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)"
                        r"(?:\s*(thousand|million|billion|trillion|bn)(?![A-Za-z])|\s?((?-i:[MB]))(?![A-Za-z]))?", re.I)
_YEARLIKE = re.compile(r"^(19|20)\d\d$")
# ①, ㉑: the report numbers list items with circled digits, which NFKC would make figures ("1").
_CIRCLED_DIGIT = re.compile(r"[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]")


# 「図1.2.4-3」, "Table 1.2.4-1": the report's figure and table labels state no figures (1.2, 4, 3).
_LABEL = re.compile(r"(?:[図表]|\b(?:Figure|Fig\.|Table))\s?\d+(?:[.\-]\d+)*")
# 3D, 2D, 5G: names of a technology, not figures. Restored as one, "3D packaging" had become
# "up to 3D packaging" beside the report's 「最大3」.
_TECHNOLOGY_NAME = re.compile(r"(?<![\d.,])\d(?-i:[DG])(?![A-Za-z0-9])")


def _normalize(text: str) -> str:
    """NFKC, with circled item numbers blanked: 「①データ中核拠点」 states no figure 1."""
    return unicodedata.normalize("NFKC", _CIRCLED_DIGIT.sub(" ", text))


# 「本綱要は全十九編六十五章」: a count in kanji numerals before its counter states that figure
# as much as 19編 does (二次電池 and 一般 count nothing: only counters). Only from 10 up: the
# report's 一つ is "one of them" (it had made an invented 「データは1件」 supported), and a 三つ
# had supported "3 project themes" (the report: 25). A count spelled out in an English answer
# ("three sessions") may rest on one (``kanji_counts``).
_KANJI_COUNT = re.compile(r"(?<![数何〇一二三四五六七八九十百千])([〇一二三四五六七八九十百]+)"
                          r"(?=つ|編|章|回|本|[カかヵケ]国|項目|分野|社|件|名|人|種類|機関)")
_KANJI_DIGITS = {c: n for n, c in enumerate("〇一二三四五六七八九")}


def _kanji_value(numeral: str) -> int:
    """六十五 -> 65, 十九 -> 19, 百 -> 100, 三 -> 3."""
    total, digit = 0, 0
    for c in numeral:
        if c in _KANJI_DIGITS:
            digit = digit * 10 + _KANJI_DIGITS[c]
        else:  # 十 or 百 multiplies the digit before it (1 when none)
            total += (digit or 1) * (10 if c == "十" else 100)
            digit = 0
    return total + digit


def _with_kanji_counts(text: str) -> str:
    def figure(m: re.Match) -> str:
        value = _kanji_value(m.group(1))
        return str(value) if value >= 10 else m.group(0)

    return _KANJI_COUNT.sub(figure, text)


# Counts an English answer spells out ("divided into two phases"). "one" is left out: it is
# more often a pronoun ("one of the …") than a count.
NUMBER_WORDS = {w: n for n, w in enumerate("two three four five six seven eight nine ten eleven twelve".split(), 2)}
NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b(?!-)", re.I)


def spelled_counts(text: str) -> set[int]:
    """The counts English ``text`` spells out: {5} for "Taiwan's five hubs"."""
    return {NUMBER_WORDS[w.lower()] for w in NUMBER_WORD.findall(text)}


def kanji_counts(text: str) -> set[int]:
    """The counts ``text`` writes in kanji numerals before a counter (三つ, 十九編), 一 aside."""
    return {v for v in (_kanji_value(m.group(1)) for m in _KANJI_COUNT.finditer(text)) if v > 1}


def _figures_text(text: str) -> str:
    """A passage's text as its figures are read: normalised, kanji counts from 10 up as digits."""
    return _with_kanji_counts(_normalize(text))


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def _ja_value(m: re.Match) -> float:
    value = _value(m.group(1)) * _JA_UNITS[m.group(2)]
    if m.group(3):
        value += _value(m.group(3)) * _JA_UNITS[m.group(4)]
    elif m.group(5):
        value += _value(m.group(5))
    return round(value, 6)


def _scan(text: str, with_parts: bool = False) -> list[tuple[int, str, float, float]]:
    """(start, surface, value, plain) for every number: Japanese 万/億/兆 forms first, then plain
    or English-unit forms outside them. ``plain`` is the bare figure ("1,200" of "1,200万");
    ``with_parts`` also yields the lower part of a compound (1,940 of 1兆1,940億). The lower
    bound of a range takes the scale of its upper one (``_range_scales``)."""
    found = list(_scan_figures(text, with_parts))
    lowers = _range_scales(found, text)
    return [(start, surface, lowers[start][1], plain) if start in lowers else (start, surface, value, plain)
            for start, surface, value, plain in found]


_SCALES = (*_JA_UNITS.values(), *_EN_UNITS.values())
_RANGE_TO = re.compile(r"\s*(?:[-–—~～〜]|to\b)\s*", re.I)
_BETWEEN = re.compile(r"(?i)\bbetween\s+$")
_AND = re.compile(r"\s+and\s+")


def _range_scales(found: list[tuple[int, str, float, float]], text: str) -> dict[int, tuple[float, float, int]]:
    """start of a range's plain lower bound -> (its figure, its value in the upper bound's scale,
    end of the upper bound). 「50～70億ユーロ」 is 50億 to 70億 (5 to 7 billion), and "5-7 billion" or
    "between 5 and 7 billion" is 5 billion to 7 billion: read alone, the 50 and the 5 were bare
    figures, and a correct "5 to 7 billion euros" was marked unverified. A year is no lower
    bound ("in 2019 - 1.2 billion"), nor is a figure above the upper one."""
    at = {start: (start, surface, value, plain) for start, surface, value, plain in found}
    lowers = {}
    for start, surface, value, plain in found:
        link = _RANGE_TO.match(text, start + len(surface))
        if not link and _BETWEEN.search(text, 0, start):
            link = _AND.match(text, start + len(surface))
        upper = at.get(link.end()) if link and value == plain and not _YEARLIKE.match(surface) else None
        if not upper or not 0 < plain < upper[3] or upper[2] == upper[3]:
            continue
        scale = upper[2] / upper[3]
        if any(abs(scale - size) <= 1e-9 * size for size in _SCALES):
            lowers[start] = (plain, round(plain * scale, 6), upper[0] + len(upper[1]))
    return lowers


def _scan_figures(text: str, with_parts: bool):
    """``_scan`` before the ranges: every figure as written, a range's lower bound bare."""
    labels = [m.span() for pattern in (_LABEL, _TECHNOLOGY_NAME) for m in pattern.finditer(text)]
    ja_spans = list(labels)
    for m in _JA_NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in labels):
            continue
        ja_spans.append(m.span())
        yield m.start(), m.group(0), _ja_value(m), _value(m.group(1))
        lower = 3 if m.group(3) else 5 if m.group(5) else None
        if with_parts and lower:
            yield m.start(lower), m.group(lower), _value(m.group(lower)), _value(m.group(lower))
    for m in _EN_NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in ja_spans):
            continue
        try:
            value = _value(m.group(1))
        except ValueError:
            continue
        abbreviated = m.group(3) and not (m.start() and text[m.start() - 1].isascii() and text[m.start() - 1].isalpha())
        unit = (m.group(2) or (m.group(3) if abbreviated else "") or "").lower()
        yield m.start(), m.group(0).strip(), round(value * _EN_UNITS.get(unit, 1.0), 6), value


def figure_spans(text: str) -> list[tuple[int, int, float]]:
    """(start, end, value) of every figure of ``text`` (NFKC already), 万/億/兆 applied: where a
    figure stands, for the words around it."""
    return [(start, start + len(surface), value) for start, surface, value, _ in _scan(text)]


@lru_cache(maxsize=4096)
def _passage_figures(text: str) -> tuple[tuple[float, float], ...]:
    """(value, plain) of every figure of a passage, compound parts included. Cached: verification
    asks again for the same passages, sentence after sentence and figure after figure."""
    return tuple((value, plain) for _, _, value, plain in _scan(_figures_text(text), with_parts=True))


@lru_cache(maxsize=4096)
def numbers_in(text: str) -> frozenset[float]:
    """Every number stated in ``text``, with 万/億/兆 and million/billion applied.

    The bare figure counts too: "1,200万トン" also states 1,200."""
    return frozenset(number for pair in _passage_figures(text) for number in pair)


def only_leading_digits(value: float, text: str) -> bool:
    """Whether ``text`` states ``value`` only as the digits before 万/億/兆 of a larger number:
    the 1 of 1兆7,312億円. A Japanese answer copies the report's scale word, so 「1台」 read there
    is no figure of the report's."""
    whole = {v for v, _ in _passage_figures(text)}
    return not is_supported(value, whole) and is_supported(value, numbers_in(text))


_PERCENT_AFTER = re.compile(r"\s*(?:%|percent\b|per cent\b|パーセント|ポイント|percentage point)", re.I)
# 2.5割 is 25 %: read as "2.5 percent" by the model (asked how much a society's membership fell,
# it answered "by 2.5 percent" for 約2.5割減). A range 1～3割 is 10-30 %.
_TENTHS = re.compile(r"(\d+(?:\.\d+)?)(?:\s*[～~〜-]\s*(\d+(?:\.\d+)?))?割(?!合|り|引|安|高|当)")


def _percentages(text: str) -> frozenset[float]:
    # 2割 is not read as 20 among the passage's numbers (the evaluation counts a figure as
    # faithful only where the passage states that number), but it states the share 20 %: the
    # English context gives it so (annotate_for_english).
    tenths = {float(x) * 10 for m in _TENTHS.finditer(text) for x in m.groups() if x}
    return frozenset(value for start, surface, value, _ in _scan(text)
                     if _PERCENT_AFTER.match(text, start + len(surface))) | tenths


def states_figure(value: float, text: str, shares: frozenset[float] = frozenset()) -> bool:
    """``text`` states ``value``; as a percentage if the claim gives it as one (``shares``)."""
    return is_supported(value, (percentages_in if value in shares else numbers_in)(text))


def replace_figure(text: str, surface: str, replacement: str) -> str:
    """``text`` with its first figure written ``surface`` replaced: the 3 of "3%", not the 3 of
    "2013" before it."""
    figure = re.compile(rf"(?<![\d.,]){re.escape(surface)}(?!\d|[.,]\d)")
    return figure.sub(lambda m: replacement, text, count=1)


@lru_cache(maxsize=4096)
def percentages_in(text: str) -> frozenset[float]:
    """The numbers ``text`` states as percentages (or percentage points): 20% is a share, and
    the 20 of 20億ドル does not state it."""
    return _percentages(_normalize(text))


def _without_markers(text: str) -> str:
    """``text`` NFKC-normalised, its citation markers blanked: [1] states no figure."""
    return re.sub(r"［\d+］|\[\d+\]", " ", _normalize(text))


def claimed_percentages(text: str) -> frozenset[float]:
    """The numbers an answer states as percentages."""
    return _percentages(_without_markers(text))


LIST_NUMBER = r"\d{1,2}[.)]"  # "1." or "2)" opening an item of a numbered list
_LIST_ITEM_START = re.compile(rf"(?m)^[ \t]*{LIST_NUMBER}[ \t]+")


def claimed_numbers(text: str) -> list[tuple[str, float]]:
    """Numbers an answer asserts, as (surface, value); citation markers and the numbers of a
    numbered list ("1. Excellent science") excluded."""
    clean = _LIST_ITEM_START.sub(" ", _without_markers(text))
    return [(surface, value) for _, surface, value, _ in _scan(clean)]


def is_supported(value: float, stated: set[float] | frozenset[float]) -> bool:
    return any(abs(value - s) <= 1e-6 * max(1.0, abs(s)) for s in stated)


def english_value(value: float) -> str:
    for unit, size in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if value >= size:
            return f"{value / size:,.6g} {unit}"
    return f"{value:,.6g}"


def annotate_for_english(text: str) -> str:
    """Write the English value beside every 万/億/兆 number, so the model need not convert it.

    ``1,200万トン`` becomes ``1,200万トン (= 12 million)``: small models translate these wrongly.
    A range gets both ends: ``50～70億ユーロ (= 5–7 billion euros)``; given "7 billion" alone,
    the model had written the upper end as the figure.
    """
    # A range's lower bound in the upper bound's scale, by where the upper bound ends.
    lowers = {end: value for _, value, end in _range_scales(list(_scan_figures(text, False)), text).values()}

    def repl(m: re.Match) -> str:
        value = _ja_value(m)
        unit = m.group(6) or ""
        english = english_value(value)
        lower = lowers.get(m.start(6) if unit else m.end())
        if lower is not None and not (m.group(3) or m.group(5)):
            low = english_value(lower).split(" ")
            if low[1:] == english.split(" ")[1:]:
                english = f"{low[0]}–{english}"
        english_unit = f" {_UNIT_NAMES[unit]}" if unit else ""
        return f"{m.group(0)} (= {english}{english_unit})"

    return _TENTHS.sub(_tenths_as_percent, _JA_WITH_UNIT.sub(repl, text))


def _tenths_as_percent(m: re.Match) -> str:
    low, high = (f"{float(x) * 10:g}" for x in (m.group(1), m.group(2) or m.group(1)))
    return f"{m.group(0)} (= {low}–{high}%)" if m.group(2) else f"{m.group(0)} (= {low}%)"


_UNIT_NAMES = {"円": "yen", "ドル": "US dollars", "ユーロ": "euros", "ウォン": "won", "元": "yuan",
               "トン": "tonnes", "人": "people", "件": "items", "ポンド": "pounds"}
_JA_WITH_UNIT = re.compile(_JA_NUMBER.pattern + r"(" + "|".join(_UNIT_NAMES) + r")?")


SCALE_WORD = re.compile(r"\b(?:thousand|million|billion|trillion)\b", re.I)
_SCALED_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s+(million|billion|trillion)", re.I)
# A rounded figure names its source only with enough digits: "15.13 trillion" is 15兆1,306億 of
# a passage, while "2 billion" may be any figure between 1.5 and 2.5 billion.
MIN_ROUNDED_DIGITS = 3


def repair_rounding(surface: str, passage: str, unit: str | None = None) -> str | None:
    """The passage's exact figure for a claim that rounds it: "15.13 trillion" (yen) where the
    passage writes 15兆1,306億円, given to the model as "15.1306 trillion yen". The evaluation
    counts a number as faithful only where the passage states it, and a reader looking for the
    figure in the report finds the exact one. Only a claim with a scale word and at least
    MIN_ROUNDED_DIGITS digits, and only when one figure of the passage (written with ``unit``,
    as in repair_scale) rounds to it."""
    found = _SCALED_FIGURE.fullmatch(surface.strip())
    if not found:
        return None
    mantissa = found.group(1).replace(",", "")
    if len(mantissa.replace(".", "").lstrip("0")) < MIN_ROUNDED_DIGITS:
        return None
    decimals = len(mantissa.partition(".")[2])
    claimed, scale = float(mantissa), _EN_UNITS[found.group(2).lower()]
    text = unicodedata.normalize("NFKC", passage)
    rounding_to_it = {value for _, end, value in figure_spans(text)
                      if (not unit or text[end:].lstrip().startswith(unit))
                      and abs(value - claimed * scale) > 1e-6 * value
                      and abs(round(value / scale, decimals) - claimed) < 1e-9}
    return english_value(rounding_to_it.pop()) if len(rounding_to_it) == 1 else None


# The report's currencies, as written after its figures.
_MONEY_AFTER = re.compile(r"\s*(?:円|ドル|ユーロ|ポンド|ウォン|元|ルピー)")


def repair_scale(surface: str, passage: str, unit: str | None = None, money: bool = True) -> str | None:
    """The correct English value for a claim whose figure matches a 万/億/兆 number of the passage.

    Small models turn 33億ユーロ into "33 billion euros" (it is 3.3 billion): when the claimed
    figure equals the figure of a Japanese number in the passage (of a compound one, its value in
    its leading unit; of a 万 number, also that figure in thousands) but the scale is wrong, the
    passage's number, converted correctly, replaces the claim. With ``unit`` (the report's form of
    the unit the claim writes, units.english_unit_after), the passage's number must be written
    with it: "12 million tonnes" of hydrogen is no slip for China's 12億kW. Without ``money`` (the
    claim is a bare count: no currency, no scale word), no sum of money is its source: "at least
    2 green hydrogen production sites" is no slip for a 2億ユーロ, and had become "200 million".
    """
    figure = re.match(r"[\d,.]+", surface.strip())
    if not figure:
        return None
    try:
        claimed = _value(figure.group(0))
    except ValueError:
        return None
    text = unicodedata.normalize("NFKC", passage)
    for plain, value, upper_end in _range_scales(list(_scan_figures(text, False)), text).values():
        # 50～70億ユーロ's lower bound written "50 billion": it is 5 billion.
        if abs(plain - claimed) < 1e-9 and not (unit and not text[upper_end:].lstrip().startswith(unit)):
            return english_value(value)
    for m in _JA_NUMBER.finditer(text):
        if unit and not text[m.end():].lstrip().startswith(unit):
            continue
        if not money and _MONEY_AFTER.match(text, m.end()):
            continue
        if m.group(3) or m.group(5):
            # 2億5,000万ユーロ read as 2.5億, then 億 as "billion": "2.5 billion" (it is 250 million);
            # or read only to its 億: "2 billion" (a figure with a scale word, never a bare count).
            leading = _ja_value(m) / _JA_UNITS[m.group(2)]
            if abs(leading - claimed) < 1e-9 or (SCALE_WORD.search(surface)
                                                  and abs(_value(m.group(1)) - claimed) < 1e-9):
                return english_value(_ja_value(m))
        elif abs(_value(m.group(1)) - claimed) < 1e-9:
            return english_value(_ja_value(m))
        elif m.group(2) == "万" and abs(_value(m.group(1)) * 1e3 - claimed) < 1e-6:
            # 万 read as "thousand": 年間160万人 written "160,000 users" (it is 1.6 million).
            return english_value(_ja_value(m))
    return None
