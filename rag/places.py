"""Countries and regions named in a question, recognised in Japanese and English.

The report compares countries. A question about one it does not discuss ("Canada's quantum
strategy") retrieves the nearest policy of another country, and a small model then answers
with that country's figures. Knowing which country a question asks about lets the answer step
check that the cited passages speak of it at all.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Each place: its English names and adjectives, then the Japanese forms the report or a user
# would write. Facts, not tuning: the common names of countries and regions.
_PLACES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "japan": (("Japan", "Japanese"), ("日本", "我が国", "わが国")),
    "us": (("United States", "US", "U.S.", "USA", "America", "American"), ("米国", "アメリカ", "合衆国")),
    "eu": (("European Union", "EU", "Europe", "European"), ("欧州", "EU", "ヨーロッパ")),
    "germany": (("Germany", "German"), ("ドイツ",)),
    "uk": (("United Kingdom", "UK", "U.K.", "Britain", "British", "England"), ("英国", "イギリス")),
    "france": (("France", "French"), ("フランス",)),
    "netherlands": (("Netherlands", "Dutch", "Holland"), ("オランダ",)),
    "china": (("China", "Chinese", "PRC"), ("中国",)),
    "korea": (("Korea", "Korean", "South Korea"), ("韓国",)),
    "taiwan": (("Taiwan", "Taiwanese"), ("台湾",)),
    "singapore": (("Singapore", "Singaporean"), ("シンガポール",)),
    "canada": (("Canada", "Canadian"), ("カナダ",)),
    "india": (("India", "Indian"), ("インド",)),
    "australia": (("Australia", "Australian"), ("オーストラリア", "豪州")),
    "russia": (("Russia", "Russian"), ("ロシア",)),
    "italy": (("Italy", "Italian"), ("イタリア",)),
    "spain": (("Spain", "Spanish"), ("スペイン",)),
    "sweden": (("Sweden", "Swedish"), ("スウェーデン",)),
    "finland": (("Finland", "Finnish"), ("フィンランド",)),
    "denmark": (("Denmark", "Danish"), ("デンマーク",)),
    "norway": (("Norway", "Norwegian"), ("ノルウェー",)),
    "switzerland": (("Switzerland", "Swiss"), ("スイス",)),
    "belgium": (("Belgium", "Belgian"), ("ベルギー",)),
    "austria": (("Austria", "Austrian"), ("オーストリア",)),
    "israel": (("Israel", "Israeli"), ("イスラエル",)),
    "brazil": (("Brazil", "Brazilian"), ("ブラジル",)),
    "mexico": (("Mexico", "Mexican"), ("メキシコ",)),
    "malaysia": (("Malaysia", "Malaysian"), ("マレーシア",)),
    "thailand": (("Thailand", "Thai"), ("タイ",)),
    "vietnam": (("Vietnam", "Viet Nam", "Vietnamese"), ("ベトナム",)),
    "indonesia": (("Indonesia", "Indonesian"), ("インドネシア",)),
    "iran": (("Iran", "Iranian"), ("イラン",)),
    "saudi_arabia": (("Saudi Arabia", "Saudi"), ("サウジアラビア",)),
    "south_africa": (("South Africa", "South African"), ("南アフリカ",)),
    "new_zealand": (("New Zealand",), ("ニュージーランド",)),
}


def japanese_names() -> dict[str, tuple[str, ...]]:
    """English name or adjective of a place (lower case) -> the Japanese forms the report writes."""
    return {name.lower(): japanese for english, japanese in _PLACES.values() for name in english}


# A katakana name must not run on into more katakana (タイ is Thailand, タイプ is not), a
# Latin one into more letters (EU, not EUV); particles after a name (タイと) are fine.
_KATAKANA = re.compile(r"[ァ-ヴー]+")
_LATIN = re.compile(r"[A-Za-z]+")


def _english_pattern(names: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])")


def _japanese_pattern(forms: tuple[str, ...]) -> re.Pattern:
    parts = []
    for form in forms:
        if _KATAKANA.fullmatch(form):
            parts.append(rf"(?<![ァ-ヴー]){re.escape(form)}(?![ァ-ヴー])")
        elif _LATIN.fullmatch(form):
            parts.append(rf"(?<![A-Za-z]){re.escape(form)}(?![A-Za-z])")
        else:
            parts.append(re.escape(form))
    return re.compile("|".join(parts))


_MATCHERS = {place: (_english_pattern(en), _japanese_pattern(ja)) for place, (en, ja) in _PLACES.items()}


@lru_cache(maxsize=4096)
def places_named(text: str) -> frozenset[str]:
    """The places a question or passage names, in either language. Cached: verification asks
    again for the same passages, sentence after sentence."""
    flat = unicodedata.normalize("NFKC", text)
    return frozenset(place for place, (english, japanese) in _MATCHERS.items()
                     if english.search(flat) or japanese.search(flat))


def english_name(place: str) -> str:
    """The common English name of a place key ("korea" -> "Korea")."""
    return _PLACES[place][0][0]


def place_mentions(text: str) -> list[tuple[str, int, int]]:
    """(place, start, end) of every place ``text`` names, in order (``text`` NFKC-normalised)."""
    found = [(place, m.start(), m.end()) for place, matchers in _MATCHERS.items()
             for matcher in matchers for m in matcher.finditer(text)]
    return sorted(found, key=lambda f: f[1])


HOME = "japan"  # the report's own country: passages about it often leave it unnamed

# EU members the report files under headings of their own: a question about Europe is about them too.
EU_MEMBERS = frozenset({"germany", "france", "netherlands", "italy", "spain", "sweden", "finland", "denmark",
                        "belgium", "austria"})


def filed_elsewhere(question_places: frozenset[str], heading_places: frozenset[str]) -> bool:
    """Whether a passage filed under ``heading_places`` (the countries its headings name) is
    about another country than a question naming exactly one, ``question_places``.

    False when the question names no country or several (a comparison), when the headings name
    none (world trends, themes), or when they name the question's country or, for Europe, one
    of its members."""
    if len(question_places) != 1 or not heading_places:
        return False
    (place,) = question_places
    if place in heading_places:
        return False
    return not (place == "eu" and heading_places & EU_MEMBERS)


def heading_places(heading_path: list[str]) -> frozenset[str]:
    """The places a passage's headings name. The report's top heading names 日本 on every
    passage, so only the headings below it count."""
    return places_named(" ".join(heading_path[1:]))


def places_of_passage(text: str, heading_path: list[str]) -> frozenset[str]:
    """The places a passage speaks of: those its text or its headings name."""
    return places_named(text) | heading_places(heading_path)


def passages_about_other_places(sentence: str, passages: list[frozenset[str]], home_alone: bool = False) -> set[int]:
    """The passages (1-based, given by their places) about other countries than the one a
    sentence speaks of.

    The report compares countries passage by passage, and a small model moves figures across
    them ("China's nanotech budget is 2.16 billion dollars", from the US NNI passage). Japan
    often goes unnamed, so a passage that names no country is never about another one, and one
    that names Japan beside others is about Japan too. A sentence about Japan alone is not
    sourced by a passage that names only other countries ("Japan's … QDNL spent 615 million
    euros", from the Dutch passage).

    ``home_alone``: a text naming Japan alone is about Japan, not about the other countries a
    sentence names. Right for the one sentence that states a figure (「2022年度の我が国の科学技術
    研究費は20兆7,040億円」 is not Germany's), too strict for a whole passage: one about the
    Kumamoto plant names Japan alone and is the source of a sentence about the Taiwanese foundry.
    """
    named = places_named(sentence)
    if named == {HOME}:
        return {i for i, places in enumerate(passages, start=1) if places and HOME not in places}
    others = named - {HOME}
    if not others:
        return set()
    return {i for i, places in enumerate(passages, start=1)
            if (places - {HOME} and not (places - {HOME}) & others)
            or (home_alone and places == {HOME} and HOME not in named)}


def speaks_of(places: frozenset[str], place: str) -> bool:
    """Whether a passage speaking of ``places`` speaks of ``place``; of Europe, through a member."""
    return place in places or (place == "eu" and bool(places & EU_MEMBERS))


def place_cited_nowhere(sentence: str, question: str, cited: list[frozenset[str]],
                        context: list[frozenset[str]]) -> str | None:
    """The country a sentence speaks of first, when the question asks about it and none of the
    passages the sentence cites names it while another context passage does (passages given by
    their places).

    A small model carries a claim across countries without a figure to catch it: asked how
    Korea's trade ratio compares with Japan's, it wrote 「韓国の貿易収支比は…徐々に低下」 from the
    sentence on Japan's own decline (the passage on Korea says it rose to Japan's level). Japan
    is left out: passages about it often leave it unnamed."""
    place = _asked_place_first(sentence, question)
    if place is None or any(speaks_of(p, place) for p in cited) or not any(speaks_of(p, place) for p in context):
        return None
    return place


def cited_beside_the_place(sentence: str, question: str, cited: list[frozenset[str]]) -> set[int]:
    """The cited passages (0-based in ``cited``, given by their places) about other countries
    than the sentence's, when it speaks first of a country the question asks about and another
    cited passage names that country. Asked which platforms Singapore's quantum programme set up,
    the model cited the Singapore passage and, beside it, one on the US quantum hubs. Japan is
    left out, as in ``place_cited_nowhere``."""
    place = _asked_place_first(sentence, question)
    if place is None or not any(speaks_of(p, place) for p in cited):
        return set()
    return {i - 1 for i in passages_about_other_places(sentence, cited)}


def claimed_from_abroad(sentence: str, cited: list[frozenset[str]]) -> str | None:
    """The one country a sentence speaks of, when every passage it cites (given by their places)
    names other countries and not it. Asked about materials informatics in Japan, the model
    wrote "Japan has developed a materials genome initiative" from the passage on the US MGI;
    asked about Canada's quantum strategy, it described one from the passage on the US law. A
    passage that names no country may well be about Japan, so it never counts here; nor, for
    another country, one that names Japan: TSMC's plant in Kumamoto is the Taiwanese foundry's."""
    named = places_named(sentence)
    if len(named) != 1 or not cited:
        return None
    (place,) = named
    return place if all(p and not speaks_of(p, place) and (place == HOME or HOME not in p) for p in cited) else None


def _asked_place_first(sentence: str, question: str) -> str | None:
    """The country a sentence names first, when the question asks about it and it is not Japan."""
    mentions = place_mentions(unicodedata.normalize("NFKC", sentence))
    if not mentions or mentions[0][0] == HOME or mentions[0][0] not in places_named(question):
        return None
    return mentions[0][0]

