"""Whether a figure an answer gives for a name or an item belongs to it in the passage.

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

The report also lists figures item by item: 「「AI」が2,725億円、「バイオテクノロジー」が3,850億円、
「量子技術」が1,322億円」. Asked what was spent on 量子技術, a Japanese answer that gives 3,850億円
took its neighbour's figure: a figure is another item's when the question names an item that the
same sentence of the passage gives another figure of the same unit, and names none of the items
the figure is written after (``figure_of_another_item``). An English sentence is held to the
items the report quotes (「ライフサイエンス」は3兆3,827億円): asked how much went to life sciences,
"1.194 trillion yen" is the 1兆1,940億円 of 「物質・材料」 in the sentence before
(``figure_of_another_quoted_item``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from ..keywords import ENGLISH_FUNCTION_WORDS
from ..places import EU_MEMBERS, place_mentions, places_named
from ..retrieval import Hit
from .citations import chunk_sentences
from .dates import asks_when_for_year
from .name_claims import Name, asked_names, claimed_names
from .names import NameChecker
from .numbers import claimed_numbers, figure_spans, is_supported
from .units import figures_with_units, unit_after

# A capitalised word opening the sentence is its subject more often than not ("Samsung received
# …"); claimed_names leaves such words out, as most are ordinary words ("Approximately …").
_OPENING_WORD = re.compile(r"^\W*([A-Z][a-z]+)\b")


# A Japanese sentence that opens by pointing back to what the sentence before it named: 「この
# 資金により」, 「同プログラムは」, also after a short opening phrase: 「後に、同工場で」.
POINTS_BACK = re.compile(r"\s*(?:[^、。]{1,8}、\s*)?(?:この|その|これ|それ|同|本|当該)")


def figure_of_another_name(body: str, question: str, value: float, hit: Hit, names: NameChecker) -> str | None:
    """The name of ``body`` (an English sentence; the question's names when it names none) to
    which the passage does not give ``value``, although it gives that name a figure of its own in
    the same unit; None when there is none."""
    figures = {s: figures_with_units(s) for s in chunk_sentences(hit.chunk)}
    units = {unit for found in figures.values() for v, unit in found if is_supported(v, {value})}
    if not units:
        return None  # a year, a bare count, or not stated here: other checks decide
    stating = {s for s, found in figures.items() if any(is_supported(v, {value}) and u in units for v, u in found)}
    # 「この資金により、…50～70億ユーロの累積経済効果」 goes on about the sentence before it (QDNL's
    # funding): a sentence that opens by pointing back shares its predecessor's subject.
    order = list(figures)
    stating |= {order[i - 1] for i, s in enumerate(order) if i and s in stating and POINTS_BACK.match(s)}
    heading = " ".join(hit.chunk.heading_path)
    # A sentence naming no one is about the question's subject: asked what Intel first planned
    # for Ohio, "At first, it planned to invest $2 billion" took the 20億ドル of 「国防総省に20億
    # ドル」, beside Intel's own 200億ドル.
    subjects = _opening_name(body, names) + claimed_names(body) or claimed_names(question)
    # A sentence naming two ("… allocated to LEITs under Horizon 2020") gives the figure to the one
    # that a sentence stating it names: 「…（LEITs）」に13.5Bユーロ」 is LEITs', whatever figures the
    # passage gives Horizon 2020 elsewhere.
    if any(names.supports(s, name) for name in subjects if not places_named(name.surface) for s in stating):
        return None
    for name in subjects:
        if places_named(name.surface) or names.supports(heading, name):
            continue  # countries are checked elsewhere; the heading's topic is every sentence's subject
        # A name the passage writes in Latin letters is named only where it is written: word by
        # word, "Very Large Computing Center" had been read into 「量子コンピュータ、…量子センサー」.
        written = names.writes_name(hit.chunk.text, name)
        naming = [s for s in figures if (names.writes_name(s, name) if written else names.supports(s, name))]
        if not naming or stating.intersection(naming):
            continue
        if any(unit in units and not is_supported(v, {value}) for s in naming for v, unit in figures[s]):
            return name.surface
    return None


# A name written in Latin letters as the topic or subject of a passage sentence: 「NCNは」,
# 「計算ナノテクノロジーネットワーク（NCN）が」.
_LATIN_TOPIC = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9])\)?(?:は|が)")


def figure_of_a_named_other(body: str, question: str, value: float, hit: Hit, names: NameChecker) -> str | None:
    """The name another actor has as the topic of every sentence of the passage that states
    ``value`` with a unit, when none of those sentences names the subject of ``body`` (an English
    sentence; the names it shares with the question) and another sentence of the passage does;
    else None. Asked how many users the NCI's NCL serves, the model gave it the 160万人 of
    nanoHUB, which the passage states in the sentence 「…NCNはnanoHUB.orgで…」, right after its
    sentences on the NCL. The other name must be the sentence's topic: a sentence that only
    mentions one (「連邦経済エネルギー省（BMWi）の所掌であり、…70億ユーロ」) still continues the subject
    named before it, and years are left out as in ``figure_of_another_name``."""
    sentences = chunk_sentences(hit.chunk)
    units_of = [(s, [u.lower() for v, u in figures_with_units(s) if is_supported(v, {value})]) for s in sentences]
    stating = [s for s, units in units_of if units]
    # The sentences that write the figure in the answer's own unit, when some do: the 4PFLOPS of
    # NVIDIA's cores, not the 4ビット of edge circuits in the next sentence.
    claimed = {u.lower() for v, u in figures_with_units(body) if is_supported(v, {value})}
    stating = [s for s, units in units_of if claimed.intersection(units)] or stating
    if not _subject_named_apart(body, question, sentences, stating, names):
        return None
    other = _other_in_every(stating, _LATIN_TOPIC, f"{body} {question}")
    return None if other and _owned_by_subject(other, asked_names(body, question), sentences) else other


def _owned_by_subject(other: str, subjects: list[Name], sentences: list[str]) -> bool:
    """Whether a sentence of the passage writes ``other`` as a thing of one of ``subjects``:
    「NSFの国家ナノテクノロジー共用基盤NNCI」. Asked about "the NSF's shared network" (a question
    that describes the NNCI instead of naming it), "The NSF's shared network spans 16 states"
    gives the NNCI's 16州 to the NSF's network, which it is."""
    text = unicodedata.normalize("NFKC", " ".join(sentences))
    return any(re.search(rf"(?<![A-Za-z0-9]){re.escape(' '.join(subject.words))}(?:の|による)[^、。A-Za-z]{{0,30}}"
                         rf"{re.escape(other)}(?![A-Za-z0-9])", text) for subject in subjects)


def _subject_named_apart(body: str, question: str, sentences: list[str], stating: list[str],
                         names: NameChecker) -> bool:
    """Whether the passage names the subject of ``body`` (the names it shares with the question)
    in some of its ``sentences`` but in none of those ``stating`` the figure."""
    subjects = asked_names(body, question)
    if not subjects or not stating or any(names.supports(s, n) for s in stating for n in subjects):
        return False
    return any(names.supports(s, n) for s in sentences for n in subjects)


def _latin_names(pattern: re.Pattern, sentence: str) -> list[str]:
    """The Latin-script names ``pattern`` (group 1) finds in a passage sentence, three letters at
    least ("nm", "GW" and the CO of CO2 are units and formulas)."""
    found = (m.group(1) for m in pattern.finditer(unicodedata.normalize("NFKC", sentence)))
    return [name for name in found if len(re.findall(r"[A-Za-z]", name)) >= 3]


def _other_in_every(stating: list[str], pattern: re.Pattern, known: str) -> str | None:
    """A name, not in ``known`` text, that ``pattern`` finds in every sentence of ``stating``:
    the first sentence's first; None when some sentence has none."""
    known = unicodedata.normalize("NFKC", known).lower()
    others = [[n for n in _latin_names(pattern, s) if n.lower() not in known] for s in stating]
    return others[0][0] if all(others) else None


_LATIN_NAME = re.compile(r"(?<![A-Za-z])([A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9])")


def year_of_a_named_other(body: str, question: str, value: float, hit: Hit, names: NameChecker) -> str | None:
    """A name the passage writes beside the year ``value`` in every sentence that states it, when
    the question asks when something happened to its subject (the names ``body`` shares with the
    question), another sentence of the passage names that subject, and no sentence stating the
    year does; else None. Asked when Michael Freedman became director of Microsoft Station Q, the
    model gave the 2020 of 「…EPiQS…第二ステージ（2020～2025年）」, the sentence before the one on
    Station Q. Years are otherwise left out of these checks (a sentence that restates no name,
    「同プログラムは2022年に開始」, still continues its subject); a sentence that writes another
    name in Latin letters, and none of the subject's or the answer's, belongs to that name."""
    if not asks_when_for_year(question, value):
        return None
    sentences = chunk_sentences(hit.chunk)
    stating = [s for s in sentences if any(v == value for _, _, v in figure_spans(unicodedata.normalize("NFKC", s)))]
    if not _subject_named_apart(body, question, sentences, stating, names):
        return None
    if any(n.lower() in body.lower() for s in stating for n in _latin_names(_LATIN_NAME, s)):
        return None  # 「MatNaviの活用や…ARIMとの連携…2025年から」 is about the MatNavi the answer names
    return _other_in_every(stating, _LATIN_NAME, f"{body} {question}")


def _opening_name(body: str, names: NameChecker) -> list[Name]:
    """The sentence's first word as a name, when it is capitalised and no dictionary word."""
    found = _OPENING_WORD.match(body)
    if not found or found.group(1).lower() in ENGLISH_FUNCTION_WORDS or names.is_dictionary_word(found.group(1)):
        return []
    return [Name(found.group(1), (found.group(1),))]


# An item written right before its figure: 「AI」が, 研究開発86％, 半導体分野：8技術, 企業が15兆円,
# 半導体工場建設には約50億ユーロ, NSTCに20億ドル (an allocation).
_ITEM_BEFORE = re.compile(r"(?:「([^「」]{1,20})」|([\u4e00-\u9fffァ-ヴーA-Za-z・]{2,12}))"
                          r"(?:が|は|では|には|に|で|:|\()?\s*(?:約|およそ)?\s*$")  # text is NFKC: （ is (
_ITEM_LOOK_BEHIND = 24


# The whole a list's items add up to: 「全20472課題」, 「合計約327億元」.
_WHOLE_BEFORE = re.compile(r"(?:全|合計|総計)(?:で)?\s*(?:約|およそ)?\s*$")
WHOLE = "全体"


def _items(sentence: str) -> list[tuple[str, float, str | None]]:
    """(item, value, unit) of each figure of a passage sentence written right after an item.

    A figure in brackets right after another belongs to the same item: in 「工学・材料分野は3486
    課題（約19億元（約367億円））」 the 19億元 is no figure of a 課題 item. A figure after 全 or 合計
    is the whole's (WHOLE), not any item's."""
    text = unicodedata.normalize("NFKC", sentence)
    found, previous_end, previous_item = [], -1, None
    for start, end, value in sorted(figure_spans(text)):  # in reading order: 億 figures come first
        window = max(0, start - _ITEM_LOOK_BEHIND)
        item = _ITEM_BEFORE.search(text[window:start])
        name = None
        if _WHOLE_BEFORE.search(text[max(0, start - 6):start]):
            name = WHOLE
        elif item and window + item.start() <= previous_end:
            name = previous_item  # the item's text is the unit of the figure before: 課題(約
        elif item:
            name = item.group(1) or item.group(2)
        if name:
            found.append((name, value, unit_after(text, end)))
        previous_end, previous_item = end, name
    return found


ANOTHER_ITEM = "another item's figure, not "  # how the reason of figure_of_another_item's finding begins


def another_item_reason(item: str) -> str:
    return f"{ANOTHER_ITEM}{item}'s"


def item_of_reason(reason: str | None) -> str | None:
    """The asked item of a reason made by another_item_reason, else None."""
    return reason[len(ANOTHER_ITEM):-2] if reason and reason.startswith(ANOTHER_ITEM) else None


def figure_of_the_item(item: str, value: float, hit: Hit) -> tuple[str, float] | None:
    """The one figure (as the passage writes it, and its value) that ``hit``'s sentences give
    ``item`` in the unit they write ``value`` with, or None: the repair of a figure that
    attribution found to be another item's."""
    listed = [entry for s in chunk_sentences(hit.chunk) for entry in _items(s)]
    units = {unit for _, v, unit in listed if is_supported(v, {value})}
    values = {v for name, v, unit in listed if name == item and unit in units and not is_supported(v, {value})}
    if len(values) != 1:
        return None
    wanted = values.pop()
    text = unicodedata.normalize("NFKC", hit.chunk.text)
    return next(((text[start:end], v) for start, end, v in figure_spans(text) if is_supported(v, {wanted})), None)


def _unlisted_sibling(question: str, items: list[str], passage: str) -> str | None:
    """An item of the question's that ends like a list label the figure is written after and
    that the passage does not list: asked for 水素分野's count, 「・バイオ分野：2技術」 is no answer.
    Only a label counts (a bullet or a line start before it, a colon after it): 「年度予算は21.6
    億ドル」 lists nothing, and ナノテク予算 is no sibling of it."""
    for item in items:
        suffix = item[-2:]
        if (len(item) < 3 or not re.fullmatch(r"[\u4e00-\u9fff]{2}", suffix)
                or not re.search(rf"(?:^|\n|[・•])\s*{re.escape(item)}\s*:", passage)):
            continue
        # Two characters at least before the suffix: 各分野 ("each field") names no item.
        for asked in re.findall(rf"[\u4e00-\u9fffァ-ヴーA-Za-z]{{2,10}}{suffix}", question):
            if asked != item and asked not in passage:
                return asked
    return None


def figure_of_another_item(body: str, question: str, value: float, hit: Hit,
                           items_named: Callable[[list[str], str], set[str]] | None = None) -> str | None:
    """The item the question asks about to which the passage gives another figure than
    ``value``, in a sentence that gives ``value`` to an item neither the question nor ``body``
    (an answer sentence) names; else None. A Japanese sentence names an item by writing it;
    an English one by ``items_named(items, text)`` (the Japanese items English text names): asked
    what NAPMP was allotted, "$2 billion" is the 20億ドル of 「NSTCに20億ドル、NAPMPに25億ドル」."""
    question = unicodedata.normalize("NFKC", question)
    text = question + unicodedata.normalize("NFKC", body)
    listed = [_items(s) for s in chunk_sentences(hit.chunk)]
    own = [(item, unit) for items in listed for item, v, unit in items if is_supported(v, {value})]
    if not own:
        return None

    def named(items: list[str], where: str) -> set[str]:
        # English text is read once for all the items (translations, phrases): one call per text.
        return items_named(items, where) if items_named else {item for item in items if item in where}

    if named([item for item, _ in own], text):
        return None
    if items_named is None:
        sibling = _unlisted_sibling(question, [item for item, _ in own], unicodedata.normalize("NFKC", hit.chunk.text))
        if sibling:
            return sibling
    units = {unit for _, unit in own}
    beside = [(item, v, unit) for items in listed if any(is_supported(v, {value}) for _, v, _ in items)
              for item, v, unit in items]
    asked = named(sorted({item for item, _, _ in beside}), question)
    # A sentence that also gives the asked item its own figure lists the items one by one
    # ("companies (15.1306 trillion yen), universities (3.8421 trillion yen), and non-profit or
    # public bodies (1.7312 trillion yen)"): ``value`` is another item's, as it says.
    stated = {v for _, v in claimed_numbers(body)}
    return next((item for item, v, unit in beside if unit in units and not is_supported(v, {value})
                 and item in asked and not is_supported(v, stated)), None)


# A quoted item before its figure, also through a short noun: 「物質・材料」の研究費は1兆1,940億円,
# 「ナノテクノロジー」のみでは3,108億円.
_QUOTED_ITEM_BEFORE = re.compile(r"「([^「」]{1,20})」(?:の[\u4e00-\u9fff]{1,4})?(?:のみ)?(?:が|は|では|には|で|:)?\s*(?:約|およそ)?\s*$")


def figure_of_another_quoted_item(body: str, question: str, value: float, hit: Hit,
                                  items_named: Callable[[list[str], str], set[str]]) -> str | None:
    """The item an English sentence and its question name, among those the passage quotes
    (「ライフサイエンス」), when the passage writes ``value`` after none of them but after another
    quoted item, or gives one of them another figure in the unit it writes ``value`` with; else
    None. ``items_named(items, text)``: the Japanese items English text names."""
    text = unicodedata.normalize("NFKC", hit.chunk.text)
    quoted = list(dict.fromkeys(re.findall(r"「([^「」]{1,20})」", text)))
    named = items_named(quoted, body) if quoted else set()
    named &= items_named(sorted(named), question) if named else set()
    asked = [item for item in quoted if item in named]
    if not asked:
        return None
    units = {unit for v, unit in figures_with_units(text) if is_supported(v, {value})}
    owners, rivals = set(), set()
    for start, end, stated in figure_spans(text):
        item = _QUOTED_ITEM_BEFORE.search(text[max(0, start - _ITEM_LOOK_BEHIND):start])
        if item is None:
            continue
        if is_supported(stated, {value}):
            owners.add(item.group(1))
        elif item.group(1) in asked and unit_after(text, end) in units:
            rivals.add(item.group(1))
    if owners & set(asked) or not (owners or rivals):
        return None
    return next(item for item in asked if (item in rivals) or bool(owners))


_OWNER_REACH = 24  # characters before a name in which the report writes whose it is: 「米国ナノテクノロジーイニシアティブ（」


def name_of_another_country(sentence: str, question: str, passages: list[str]) -> str | None:
    """A Latin name of an English sentence about one country that the cited ``passages`` write
    only right after another country's name, else None. Asked which Japanese programme succeeded
    the Nanotechnology Platform, the model named the National Nanotechnology Initiative, which
    the passage on Japan's history writes as 「米国ナノテクノロジーイニシアティブ（National
    Nanotechnology Initiative：NNI）」."""
    places = places_named(sentence)
    if len(places) != 1:
        return None
    (place,) = places
    for name in claimed_names(sentence, question):
        owners = set()
        for passage in passages:
            text = unicodedata.normalize("NFKC", passage)
            for found in re.finditer(re.escape(name.surface), text, re.I):
                before = re.split(r"[。\n]", text[max(0, found.start() - _OWNER_REACH):found.start()])[-1]
                mentions = place_mentions(before)
                owners.add(mentions[-1][0] if mentions else None)
        if owners and None not in owners and place not in owners and not (place == "eu" and owners & EU_MEMBERS):
            return name.surface
    return None
