"""A near miss of one kind: a Japanese question asks for a part of a whole, the report gives the whole.

「AのうちBは何人か」 asks for the B among A. When the report counts A but not B, the model
answers with A's figure under B's name: asked how many of Korea's 12,000 advanced nanotech
workers are PhDs, it answered 「12,000人」; asked what companies spent of Japan's 2022
nanotechnology research funds, it gave the whole 3,108億円; asked what Horizon Europe's first
pillar gives nanotechnology, the pillar's 25.0Bユーロ. Every such figure checks out against its
passage. What gives it away is that the report's sentence stating it never names B, while the
sentence of a true answer does (「新たな527億ドルのうちおよそ390億ドルは、半導体メーカーが…」,
asked for the semiconductor makers' share).
"""

from __future__ import annotations

import re
import unicodedata

from .numbers import is_supported, numbers_in
from .qualifiers import new_figures

# 「…のうち、企業が使用した額は」: the part is the words after のうち up to their first particle.
# 「3つの優先領域のうち最も予算が大きかった領域は」 names no part: it asks which one is largest.
_PART_OF = re.compile(r"のうち、?「?(?!最|もっとも|一番|いちばん)([^、。「」]{2,20}?)」?(?:が|は|に|の|だけ|から|を|って)")


# The part's figure is what is asked: an amount, a count or a share. 「再エネで物をつくる技術のうち、特に
# 注目されているのは何？」 asks for a technology, and the C2 of 「C2以上化合物」 is no part's figure.
_ASKS_QUANTITY = re.compile(r"いくら|いくつ|どれ(?:くらい|ぐらい|だけ|ほど)|どのくらい|どの程度|"
                            r"何(?:[人社件名校個つ倍%億兆万千円元]|機関|カ所|か所|箇所|ドル|ユーロ|ポンド|ウォン|パーセント)|"
                            r"(?:額|数|割合|比率|シェア|規模)(?:は|を)")


# 「量子センサー分野だけに割り当てられた金額は」 asks for a part as well: the noun before だけ or のみ.
_ONLY = re.compile(r"([一-龥ァ-ヶーA-Za-z0-9・]{2,15})(?:だけ|のみ)(?:に|の|で|が|を|へ|は)")
# A report sentence may name the part without its generic head: 「量子センサーに…」 for 量子センサー分野.
_GENERIC_HEAD = re.compile(r"(?<=..)(?:分野|領域|部門|向け)$")


def asked_part(question: str) -> str | None:
    """The part a Japanese question asks the amount, count or share of among a whole (企業 of
    「研究費のうち、企業が使用した額はいくらか」, 量子センサー分野 of 「…量子センサー分野だけに割り当てられた
    金額は」), or None."""
    question = unicodedata.normalize("NFKC", question)
    found = _PART_OF.search(question) or _ONLY.search(question)
    return found.group(1) if found and _ASKS_QUANTITY.search(question) else None


# "How much of Japan's quantum spending did universities use?", "Of the 52.7 billion, how much …"
_PART_OF_EN = re.compile(r"\b(?:how (?:much|many)|what (?:share|part|portion|proportion|fraction)) of\b|"
                         r"(?:^|,\s*)(?:of|among) [^,?]{2,80},\s*(?:how|what|which)\b", re.I)


def asks_for_a_part(question: str) -> bool:
    """Whether a question in either language asks for a part of a whole."""
    return asked_part(question) is not None or bool(_PART_OF_EN.search(unicodedata.normalize("NFKC", question)))


def _names_part(quote: str, part: str) -> bool:
    quote = unicodedata.normalize("NFKC", quote)
    return part in quote or _GENERIC_HEAD.sub("", part) in quote


def gives_the_whole(question: str, answer: str, quotes: list[str]) -> bool:
    """Whether ``answer`` gives figures of its own for the part ``question`` asks for, and every
    quoted sentence that states one of them is silent about that part."""
    part = asked_part(question)
    if part is None:
        return False
    _, new = new_figures(answer, question)
    stating = [quote for _, _, value in new for quote in quotes if is_supported(value, numbers_in(quote))]
    return bool(stating) and not any(_names_part(quote, part) for quote in stating)
