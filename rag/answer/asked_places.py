"""Places asked for, and whether an answer names one of the kind asked (near misses).

Asked for a municipality, a state or a country, the small model answers with what it read: a
prefecture where the report names only the prefecture (熊本県 for the city of TSMC's plant), or a
sentence that names no place at all (asked in which state NAPMP's centres stand, 「これらの拠点は
…全米20か所の地域技術ハブ…」). Such an answer is true to the passages and still no answer.
"""

from __future__ import annotations

import re
import unicodedata

from ..keywords import ENGLISH_FUNCTION_WORDS
from ..lexicon import place_name
from ..places import places_named
from .citations import strip_markers

_MUNICIPALITY_ASKED = re.compile(r"市町村|市区町村|どの(自治体|市|町|村)|何(市|町|村)|"
                                 r"\b(which|what) (city|town|municipality|village)\b|\bin which (city|town)\b", re.I)
# 熊本県, 京都府, 東京都, 北海道; つくば市, 千歳市. Words that end the same way are not places:
# 政府, 内閣府; 都市, 市場, 町工場.
_PREFECTURE = re.compile(r"[\u4e00-\u9fff]{1,3}[県府]|東京都|北海道")
_NOT_PREFECTURE = ("政府", "閣府", "領府")
_MUNICIPALITY = re.compile(r"[\u4e00-\u9fff\u3041-\u3096ァ-ヴー]{1,5}[市町村](?![場民長況販内外街区化工])")
_NOT_MUNICIPALITY = ("都市", "各市", "市町村")


def _places(pattern: re.Pattern, not_places: tuple[str, ...], text: str) -> list[str]:
    return [m.group(0) for m in pattern.finditer(text) if not m.group(0).endswith(not_places)]


def asks_for_municipality(question: str) -> bool:
    """Whether ``question`` asks for a municipality (市町村, 「どの市」, "which city")."""
    return bool(_MUNICIPALITY_ASKED.search(unicodedata.normalize("NFKC", question)))


def names_prefecture_only(quotes: list[str]) -> bool:
    """Whether the quoted report sentences name a prefecture but no municipality."""
    text = "".join(quotes)
    return bool(_places(_PREFECTURE, _NOT_PREFECTURE, text)) and not _places(_MUNICIPALITY, _NOT_MUNICIPALITY, text)


# A state, prefecture or country asked for by its kind: 「どの州」, 「何県」, "which country"; or a site
# (立地, 所在地) of any kind.
_PLACE_ASKED_JA = re.compile(r"(?:どの|どこの|何)(州|県|国)|(立地|所在地)")
_PLACE_ASKED_EN = re.compile(r"\b(?:which|what) (state|prefecture|country|city|town)\b", re.I)
# A named state or prefecture: テキサス州, 熊本県 (not 各州, 州政府).
_NAMED_KIND = {"州": re.compile(r"(?<![各全同本当他両])[\u4e00-\u9fffァ-ヴー]+州"),
               "県": re.compile(r"(?<![各全同本当他両])[\u4e00-\u9fff]+[県都府]|北海道")}
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z.-]+")
_KATAKANA_WORD = re.compile(r"[ァ-ヴ][ァ-ヴー]+")


def _new_country(answer: str, question: str) -> bool:
    """Whether the answer names a country the question does not."""
    return bool(places_named(answer) - places_named(question))


def _names_site(answer: str, question: str) -> bool:
    """Whether a Japanese answer names a place the question does not: a country, a state or
    prefecture, a municipality, or a foreign place the dictionary knows in katakana (アリゾナ,
    ドレスデン; not the companies インテル and インフィニオン, whose plants were the answer)."""
    found = [m.group(0) for kind in _NAMED_KIND.values() for m in kind.finditer(answer)]
    found += _places(_MUNICIPALITY, _NOT_MUNICIPALITY, answer)  # not 都市, 市町村
    found += [w for w in _KATAKANA_WORD.findall(answer) if place_name(w, named_as_place=True)]
    return _new_country(answer, question) or any(name not in question for name in found)


def names_no_place(question: str, answer: str) -> bool:
    """Whether ``question`` asks which state, prefecture or country (or, in English, city or
    town; in Japanese, a site: 立地), and ``answer`` names none that the question does not: asked
    in which state NAPMP's centres stand, 「これらの拠点は…全米20か所の地域技術ハブ…」 names no
    state; asked where TSMC's plants stand in Japan, the US and Germany, an answer of amounts
    (「日本: …約50億ユーロ、米国: …99億ユーロ」) names no site."""
    question, answer = unicodedata.normalize("NFKC", question), unicodedata.normalize("NFKC", strip_markers(answer))
    asked = _PLACE_ASKED_JA.search(question)
    if asked:
        if asked.group(2):
            return not _names_site(answer, question)
        if asked.group(1) == "国":
            return not _new_country(answer, question)
        return not any(m.group(0) not in question for m in _NAMED_KIND[asked.group(1)].finditer(answer))
    asked = _PLACE_ASKED_EN.search(question)
    if not asked:
        return False
    if asked.group(1).lower() == "country":
        return not _new_country(answer, question)
    # A state, city or town is a name: a capitalised word the question does not write.
    known = {w.lower() for w in re.findall(r"[A-Za-z.-]+", question)}
    return not any(w.lower() not in known and w.lower() not in ENGLISH_FUNCTION_WORDS
                   for w in _CAPITALISED.findall(answer))


# An item of a list that labels its items by place, as NFKC writes it: 「(つくば:先進触媒拠点、
# 中部:セラミックス・合金拠点、中国:有機・バイオ材料拠点)」.
_PLACE_LABEL = re.compile(r"(?:^|[(、,・\s])([^()、,:\s]{1,8}):")


def place_of_another_item(question: str, answer: str, quotes: list[str]) -> bool:
    """Whether ``question`` asks for a place and ``answer`` gives the label of another item of a
    list in the quoted sentences than the item the question names by its label: asked in which
    city the Chubu (中部) hub of AIST's platform stands, 「中部拠点はつくば市です」 took the つくば
    that labels the catalysis hub beside it."""
    question = unicodedata.normalize("NFKC", question)
    if not (asks_for_municipality(question) or _PLACE_ASKED_JA.search(question) or _PLACE_ASKED_EN.search(question)):
        return False
    answer = unicodedata.normalize("NFKC", strip_markers(answer))
    labels = {m.group(1) for quote in quotes for m in _PLACE_LABEL.finditer(unicodedata.normalize("NFKC", quote))}
    asked = {label for label in labels if label in question}
    return bool(asked) and any(label in answer and label not in question for label in labels)

