"""Near misses: the report discusses what a question asks about, but not to the precision asked.

The unanswerable questions that a retrieval threshold cannot catch are of this kind. "Exactly
how many qubits …" finds the passage that says 1000量子ビット超; "the municipality where …"
finds one that names only a prefecture (熊本県). The small model answers with what it read, and
every figure and citation of that answer checks out: it only says less than was asked. These
gaps are recognised here, from the question's wording and the answer's figures or quotes:

- an exact figure asked for, where every new figure of the answer is a bound or an estimate;
- a municipality asked for, where the quoted sentences name a prefecture and no municipality,
  or a state, prefecture, country or site asked for, where the answer names none, or names the
  place that labels another item of a list (asked_places.py);
- an amount of money asked for, where no new figure of the answer is one (or a share): asked
  what the HEPS light source cost, the model answered with the 452,200 gauss of the magnet
  listed beside it, a figure the passage does state;
- a share (or an efficiency) asked for, where the answer states no percentage (or half, a
  third …) of its own;
- a count asked for in a counter (何人, 何社), where no new figure of the answer carries it, or
  without one (「拠点の数は？」, いくつ), where the answer has no new figure at all:
  asked how many NNCI users come from companies (何人), the model answered 「900社以上」, the
  report's count of companies; in English, "how many researchers" answered with no count, or
  only with counts of something else ("20 projects selected from 140 applications"), and in
  Japanese, 「研究機関の数は？」 with figures that all name other things (「6つの研究プロジェクト」);
- what was actually done asked for ("how many ventures had Korea actually established"), where
  every quoted sentence states a plan or a target (「ベンチャーを1000社設立するとした」): the model
  writes the target as the achievement;
- a year asked for, where an amount of money the answer gives for that year is dated to other
  years by every quoted sentence that states it (asked what BEIS spent in fiscal 2010, the model
  wrote 「2010年度に58億ポンド」 from 「2021年度までに58億ポンドを投資した」);
- a yearly amount asked for, where every amount of money the answer gives is a total over several
  years in every quoted sentence that states it (asked what each NSF MIP receives 毎年, the model
  gave 「5年間で$15,000,000 ～ $25,000,000」, restating the period beside the question's 毎年);
- a part of a whole asked for (「AのうちBは」), where no quoted sentence stating the answer's
  figures names the part (parts.py).

A question that asks several things (「いくつ挙げ、…は何と呼ばれている？」, "how many …, and when
…?") is not a near miss for lacking one of them: the answer gives the others. Every near-miss
question of the evaluation sets asks one thing.
"""

from __future__ import annotations

import re
import unicodedata

from ..keywords import ENGLISH_FUNCTION_WORDS
from .asked_places import asks_for_municipality, names_no_place, names_prefecture_only, place_of_another_item
from .citations import split_answer, strip_markers
from .dates import YEAR, years_asked, years_written
from .numbers import NUMBER_WORDS, is_supported, numbers_in
from .extremes import not_the_extreme
from .parts import gives_the_whole
from .periods import TOTAL, YEARLY, claimed_period, stated_periods
from .qualifiers import new_figures, only_bounds

EXACT_FIGURE = "an exact figure"
MUNICIPALITY = "a municipality"
PLACE = "a place"
AMOUNT_OF_MONEY = "an amount of money"
SHARE = "a share"
COUNT = "a count in the unit asked"
ACHIEVED = "what was achieved"
ANOTHER_YEAR = "the year asked"
YEARLY_AMOUNT = "a yearly amount"
PART = "a part of a whole"
EXTREME = "the largest or smallest of the figures listed"

_EXACT_EN = re.compile(r"\b(exact(ly)?|precise(ly)?)\b", re.I)
_FIGURE_EN = re.compile(r"\bhow (many|much|long|large|big)\b|\bwhat (is the |was the )?(number|amount|figure|"
                        r"share|percentage|total|budget|count)\b", re.I)
# Interrogatives; in English only where a clause begins ("… the programme which …" asks nothing).
_ASK_JA = re.compile(r"いつ|いくつ|いくら|何(?!らか)|どこ|どの|どう|どれ|どんな|誰|なぜ")
_ASK_EN = re.compile(r"(?:^|[,;]\s*(?:and\s+)?|\band\s+)(?:how|what|which|when|where|who|why)\b", re.I)
_EXACT_JA = re.compile(r"正確に|正確な|厳密に|厳密な|ちょうど|きっかり")
_FIGURE_JA = re.compile(r"何|いくつ|いくら|どれ(だけ|くらい|ほど)|数")


# "How much did … cost", "what is the budget", 「建設費はいくらか」, 「予算額は何億円か」.
_MONEY_WORDS_EN = re.compile(r"\b(?:cost|costs|budget|budgets|funding|funds|fund|invest|invests|invested|investment|"
                             r"investments|spend|spends|spending|spent|grants?|subsid\w*|price|money|allocat\w+)\b", re.I)
_AMOUNT_ASKED_EN = re.compile(r"\bhow much\b|\bwhat (?:is|was|are|were) (?:the |its |their )?(?:\w+ ){0,2}"
                              r"(?:amount|budget|cost|funding|investment|sum|size|scale)\b", re.I)
_MONEY_WORDS_JA = re.compile(r"費|予算|投資|金額|資金|補助|助成|拠出|出資|支出")
_AMOUNT_ASKED_JA = re.compile(r"いくら|何(?:億|兆|万|千)?(?:円|ドル|ユーロ|ポンド|元|ウォン)|(?:額|規模)は(?:どれ|どの)|"
                              r"(?:どれ|どの)(?:くらい|ぐらい|程度)の(?:規模|額|金額)")
# A currency after a figure (億円, Mユーロ, billion euros) or its sign before one; a share answers
# "how much of the budget".
_MONEY_AFTER = re.compile(r"\s*(?:[千万億兆]|[MB](?![A-Za-z])|thousand|million|billion|trillion)*\s*"
                          r"(?:円|ドル|ユーロ|ポンド|元|ウォン|ルピー|yen|(?:U\.?S\.?\s+)?dollars?|euros?|pounds?|yuan|won|rupees?|"
                          r"US\$|USD|EUR|GBP|%|％|percent)", re.I)
_MONEY_BEFORE = re.compile(r"(?:[$€£¥]|US\$|USD|EUR|GBP|JPY)\s*$")
_PERCENT = re.compile(r"\s*(?:%|percent\b|per cent\b|パーセント|割)", re.I)
# A fraction is a share too: 試作回数・開発期間の1/20への短縮, "cut to 1/20".
_SHARE_WORDS = re.compile(r"\b(?:half|quarter|third|majority|minority)\b|半分|半数|過半|大半|(?<![\d.])\d{1,3}\s*/\s*\d+(?![\d/])|"
                          r"分の\s*[\d一二三]|\b(?:one|a)[- ](?:fifth|tenth|twentieth|hundredth)\b", re.I)


def asks_for_money(question: str) -> bool:
    """Whether ``question`` asks how much money (a cost, a budget, an investment)."""
    text = unicodedata.normalize("NFKC", question)
    return bool((_AMOUNT_ASKED_EN.search(text) and _MONEY_WORDS_EN.search(text))
                or (_AMOUNT_ASKED_JA.search(text) and (_MONEY_WORDS_JA.search(text) or "いくら" in text)))


def _is_money(text: str, start: int, end: int) -> bool:
    """Whether the figure at ``text[start:end]`` is an amount of money (or a share)."""
    return bool(_MONEY_AFTER.match(text, end) or _MONEY_BEFORE.search(text[max(0, start - 4):start]))


# An efficiency is a share too: asked what efficiency GaN chargers reach, "at least 65W" is their power.
_SHARE_ASKED = re.compile(r"\bwhat (?:share|percentage|proportion|fraction|percent)\b|\bwhat (?:[a-z-]+ )?efficiency\b"
                          # 「シェアは」, 「割合を」: asked for; 「論文数シェアが比較的高い領域は？」 asks for areas.
                          r"|(?:割合|シェア)(?=\s*(?:は|を|とは|について|[?？]|$))|割合で|何(?:%|パーセント)|効率は(?:何|どの|どれ)", re.I)
# 何人 is answered in 人 or 名, 何カ国 in カ国, か国 or ヶ国 … A unit asked the same way (何ワット,
# 何トン) is answered in that unit: asked the power of NVIDIA's 2022 cores, 「4PFLOPS」 is not one.
_COUNTERS = {"人": "人|名", "名": "人|名", "社": "社", "件": "件", "カ国": "[カかヶケ]国", "か国": "[カかヶケ]国",
             "ヶ国": "[カかヶケ]国", "機関": "機関", "校": "校",
             "ワット": "(?:キロ|メガ|ギガ|テラ)?ワット|[kKMGT]?W(?![A-Za-z])", "トン": "トン|t(?![A-Za-z])",
             "ナノメートル": "ナノ(?:メートル)?|nm(?![A-Za-z])"}
_COUNT_ASKED = re.compile(r"何(" + "|".join(_COUNTERS) + ")")
# Between a count and its counter may stand a bound and the words it counts: 「30以上の連邦機関」
# answers 何機関, as 「3つの研究機関」 does.
_TO_COUNTER = r"\s*(?:[千万億兆])*\s*(?:つ?(?:以上|超|余り|程度|近く|ほど)?の?[一-龥ァ-ヶー]{0,8}?)?"
# A count asked without its counter (「拠点の数は？」, 「いくつあるか」; not 「いくつかの課題」), or with one
# the answer may leave out (何種類, 何分野: 「約2,900物質」 answers how many kinds): any figure
# of the answer's own, a year aside, may answer it, but one there must be.
_ANY_COUNT_ASKED = re.compile(r"いくつ(?!かの)|何(?:個|つ|[かカヶケ]所|箇所|種類|分野|品目|項目|領域)|数は[？?]?$")


# 「研究機関の数はいくつ？」, 「参加している企業はいくつ」: the things a Japanese question counts.
# (Not 「研究者の数は、この10年でどのくらい増えたか」: a growth, not a count; nor the subject of
# 「PCASTはいくつの分散した卓越連合の創設を勧告した？」, which counts what follows いくつの.)
_NOUN = re.compile(r"[一-龥ァ-ヶーA-Za-z]+")
_COUNTED_ASKED = re.compile(rf"({_NOUN.pattern})(?:の数は(?:いくつ|何|[？?]?$)|(?:は|が)いくつ(?!か?の))")
# What a figure of a Japanese answer counts, when it names it: 「6つの研究プロジェクト」, 「6機関」,
# 「30以上の連邦機関」 (a bare 「6つ」 or 「13件」 names nothing).
_COUNTER_THEN_BOUND = re.compile(r"\s*(つ|個|件|社|名|人|[かカヶケ箇]所)?\s*(?:以上|超|余り|程度|近く|ほど)?(の)?")
# Measures, not things counted: 「2.5倍に」, 「10年で」, 「7.12億ドル」.
_MEASURE = re.compile(r"倍|年|[カかヶケ]?月|日|週|時間|割|円|ドル|ユーロ|ポンド|ウォン|元|位|歳|度|回")
_CIRCLED_NUMBER = re.compile(r"[\u2460-\u2473]")  # ①-⑳: a list's item numbers


# "how many parts and chapters": both nouns are things asked for.
_HOW_MANY = re.compile(r"\bhow many ([A-Za-z-]+)(?: (?:and|or) ([A-Za-z-]+)| ([A-Za-z-]+))?", re.I)
_NUMBER_WORD = re.compile(r"\b(?:one|" + "|".join(NUMBER_WORDS) + r"|dozens?|hundreds?|thousands?)\b", re.I)
_FOLLOWING_WORDS = re.compile(r"[A-Za-z][A-Za-z-]*")
_SCALE_OR_BOUND = {"million", "billion", "trillion", "thousand", "or", "more", "over", "than", "some", "about"}


# "How many people …" is answered in researchers, authors or users: any word for persons counts
# people (asked how many people in India wrote papers, "58,000 authors" had been read as a count
# of something else and refused).
_PERSONS = frozenset("people person individual researcher scientist author student member user participant "
                     "employee worker engineer staff doctorate graduate expert specialist talent".split())


# British spellings folded to American ones on both sides: asked "how many organisations", the
# model answered "1800 organizations" and the count was taken for one of something else.
_BRITISH_SPELLINGS = ((re.compile(r"([iy])s(e|ed|es|ing|ation)$"), r"\1z\2"), (re.compile(r"programme$"), "program"),
                      (re.compile(r"(?<=[^aeiou])re$"), "er"), (re.compile(r"our$"), "or"))


def _counted(word: str) -> str:
    word = _singular(word)
    for british, american in _BRITISH_SPELLINGS:
        word = british.sub(american, word)
    return "person" if word in _PERSONS else word


def _singular(word: str) -> str:
    word = word.lower()
    return word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") and len(word) > 3 else word


def _counts_what_was_asked(question: str, text: str, new: list[tuple[int, int, float]]) -> bool:
    """Whether an English answer counts what "how many <things>" asks for: a count (not a year)
    followed by one of the question's words for the things within a few words, or by none."""
    asked = _HOW_MANY.search(question)
    if not asked or asked.group(1).lower() in ENGLISH_FUNCTION_WORDS:
        return True  # "how many of the users …": the counted noun is not where it can be read
    things = {_counted(w) for w in asked.groups() if w and w.lower() not in ENGLISH_FUNCTION_WORDS}
    # A figure written onto letters is part of a name or a measure, not a count: the "10" of
    # "10x Genomics' Visium" had answered "how many Visium kits were sold".
    ends = [end for start, end, _ in new if not YEAR.fullmatch(text[start:end]) and not text[end:end + 1].isalpha()]
    ends += [m.end() for m in _NUMBER_WORD.finditer(text)]
    for end in ends:
        words = [w.lower() for w in _FOLLOWING_WORDS.findall(text[end:end + 60])[:5]]
        words = [w for w in words if w not in _SCALE_OR_BOUND]
        counted = {_counted(w) for w in words}
        if {"quantum", "bit"} <= counted:  # 量子ビット rendered word by word: "1000 quantum bits"
            counted.add("qubit")
        if not words or words[0] in ENGLISH_FUNCTION_WORDS or words[0] == "per" or things & counted:
            return True
    return False


def _counts_other_things(question: str, text: str, new: list[tuple[int, int, float]]) -> bool:
    """Whether every figure of a Japanese answer names what it counts, and none names the things
    the question counts: 「研究機関の数は？」 answered with 「6つの研究プロジェクト」. The head of
    the question's noun (its last character: 機関, 連邦機関) must stand in the figure's."""
    asked = _COUNTED_ASKED.search(question)
    counts = [(start, end) for start, end, _ in new if not YEAR.fullmatch(text[start:end])]
    if not asked or not counts:
        return False
    head = asked.group(1)[-1]

    def noun_after(end: int) -> str:
        counter = _COUNTER_THEN_BOUND.match(text, end)
        if counter.group(1) and not counter.group(2):
            return ""  # 「900社以上が」, 「13件です」: the counter is all it says
        noun = _NOUN.match(text, counter.end())
        return noun.group(0) if noun and not _MEASURE.match(noun.group(0)) else ""

    nouns = [noun_after(end) for _, end in counts]
    return all(noun and head not in noun for noun in nouns)


def _missing_amount(question: str, answer: str) -> str | None:
    """SHARE, COUNT or AMOUNT_OF_MONEY when the question asks for one and the answer's own
    figures give none, else None."""
    text, new = new_figures(answer, question)
    asked = unicodedata.normalize("NFKC", question)
    if (_SHARE_ASKED.search(asked) and not _SHARE_WORDS.search(text)
            and not any(_PERCENT.match(text, end) for _, end, _ in new)):
        return SHARE
    if not _counts_what_was_asked(asked, text, new):
        return COUNT
    counter = _COUNT_ASKED.search(asked)
    if counter:
        unit = re.compile(_TO_COUNTER + "(?:" + _COUNTERS[counter.group(1)] + ")")
        if not any(unit.match(text, end) for _, end, _ in new):
            return COUNT
    elif _ANY_COUNT_ASKED.search(asked.strip()) and all(YEAR.fullmatch(text[start:end]) for start, end, _ in new):
        return COUNT
    if not _CIRCLED_NUMBER.search(answer) and _counts_other_things(asked, text, new):
        return COUNT  # (a list 「①…、②…」 counts its items by naming them)
    if asks_for_money(question) and not any(_is_money(text, start, end) for start, end, _ in new):
        return AMOUNT_OF_MONEY
    return None


def asks_for_figure(question: str) -> bool:
    """Whether an English ``question`` asks how much or how many."""
    return bool(_FIGURE_EN.search(unicodedata.normalize("NFKC", question)))


def asks_several(question: str) -> bool:
    """Whether ``question`` asks two things or more, by its interrogatives."""
    text = unicodedata.normalize("NFKC", question).strip()
    return len(_ASK_JA.findall(text)) + len(_ASK_EN.findall(text)) >= 2


def asks_for_exact_figure(question: str) -> bool:
    """Whether ``question`` asks for a figure and insists that it be exact."""
    text = unicodedata.normalize("NFKC", question)
    return bool((_EXACT_EN.search(text) and _FIGURE_EN.search(text))
                or (_EXACT_JA.search(text) and _FIGURE_JA.search(text)))


# "actually", 実績: the question wants what happened, not what was planned.
_ACHIEVED_ASKED = re.compile(r"\b(?:actually|in reality|in practice|so far|to date)\b|実際に|実際の|実際は|実績|これまでに",
                             re.I)
# A sentence that states a plan or target: 目標, 目指す, 計画, 予定, 見込み, 掲げる, 「…するとした」,
# 「…を拠出することが発表されている」 (announced, not done).
_PLANNED = re.compile(r"目標|目指|計画|予定|見込|掲げ|するとした|する方針|することが発表|することを発表")


def states_plan(sentence: str) -> bool:
    return bool(_PLANNED.search(sentence))


def asks_for_achievement(question: str) -> bool:
    return bool(_ACHIEVED_ASKED.search(unicodedata.normalize("NFKC", question)))


def only_plans(answer: str, question: str, quotes: list[str]) -> bool:
    """Whether every quoted report sentence that states one of the answer's own figures (years
    aside: a year may come from a footnote) states a plan or a target; every quote when the
    answer adds no figure."""
    text, new = new_figures(answer, question)
    values = [value for start, end, value in new if not YEAR.fullmatch(text[start:end])]
    stating = [q for q in quotes if any(is_supported(v, numbers_in(q)) for v in values)] if values else quotes
    return bool(stating) and all(states_plan(quote) for quote in stating)


def dated_otherwise(question: str, answer: str, quotes: list[str]) -> bool:
    """Whether a sentence of ``answer`` gives an amount of money for a year the question asks
    about, while every quote stating that amount dates it to other years only."""
    asked = years_asked(question)
    if not asked:
        return False
    for sentence in split_answer(answer):
        body = strip_markers(sentence)
        if not any(year in body for year in asked):
            continue
        text, new = new_figures(body, question)
        for start, end, value in new:
            if not _is_money(text, start, end):
                continue
            stating = [q for q in quotes if is_supported(value, numbers_in(q))]
            dated = years_written(" ".join(stating))
            if stating and dated and not dated.intersection(asked):
                return True
    return False


def only_totals(question: str, answer: str, quotes: list[str]) -> bool:
    """Whether ``question`` asks a yearly amount of money and the quotes state the amounts of
    ``answer``'s own as totals over several years, never as yearly ones. (An amount whose period
    the quote leaves unsaid does not count either way: the upper end of 「5年間で$15,000,000 ～
    $25,000,000」 has its period only before the range.)"""
    if claimed_period(unicodedata.normalize("NFKC", question)) != YEARLY or not asks_for_money(question):
        return False
    text, new = new_figures(answer, question)
    periods = {period for start, end, value in new if _is_money(text, start, end)
               for quote in quotes if is_supported(value, numbers_in(quote))
               for period in stated_periods(value, quote)}
    return periods - {None} == {TOTAL}


def missing_precision(question: str, answer: str, quotes: list[str]) -> str | None:
    """What the question asks for that the answer, true to the report, does not give:
    ``EXACT_FIGURE``, ``MUNICIPALITY``, ``PLACE``, ``ACHIEVED``, ``ANOTHER_YEAR``, ``YEARLY_AMOUNT``, ``PART``, ``EXTREME``, ``SHARE``,
    ``COUNT``, ``AMOUNT_OF_MONEY`` or None."""
    if asks_for_exact_figure(question) and only_bounds(answer, question, quotes):
        return EXACT_FIGURE
    if asks_for_municipality(question) and names_prefecture_only(quotes):
        return MUNICIPALITY
    if names_no_place(question, answer) or place_of_another_item(question, answer, quotes):
        return PLACE
    if asks_for_achievement(question) and only_plans(answer, question, quotes):
        return ACHIEVED
    if dated_otherwise(question, answer, quotes):
        return ANOTHER_YEAR
    if only_totals(question, answer, quotes):
        return YEARLY_AMOUNT
    if gives_the_whole(question, answer, quotes):
        return PART
    if not_the_extreme(question, answer, quotes):
        return EXTREME
    return _missing_amount(question, answer)
