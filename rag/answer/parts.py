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


def asked_part(question: str) -> str | None:
    """The part a Japanese question asks the amount, count or share of among a whole (企業 of
    「研究費のうち、企業が使用した額はいくらか」), or None."""
    question = unicodedata.normalize("NFKC", question)
    found = _PART_OF.search(question)
    return found.group(1) if found and _ASKS_QUANTITY.search(question) else None


def gives_the_whole(question: str, answer: str, quotes: list[str]) -> bool:
    """Whether ``answer`` gives figures of its own for the part ``question`` asks for, and every
    quoted sentence that states one of them is silent about that part."""
    part = asked_part(question)
    if part is None:
        return False
    _, new = new_figures(answer, question)
    stating = [quote for _, _, value in new for quote in quotes if is_supported(value, numbers_in(quote))]
    return bool(stating) and not any(part in unicodedata.normalize("NFKC", quote) for quote in stating)
