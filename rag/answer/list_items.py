"""A Japanese answer that names a list item by its circled number only gets the item's words.

The report numbers the items of its lists ①, ②, ③ inline: 「①サプライチェーン確保、②重要インフラと
データ保護などの…守りの政策と、③重要技術の流出防止、④重要技術の開発強化・支援、などの…攻めの
政策」. Asked which of the pillars are the offensive ones, the model answered 「…とされるのは④である」:
true to the passage, yet meaningless without it, and it cited a passage that has no such list.
The bare number is completed with the item as the passage writes it (「④重要技術の開発強化・支援」),
from the context passage closest to the question that lists it, which is then cited.
"""

from __future__ import annotations

import re

from ..retrieval import Hit
from .citations import overlap

_CIRCLED = "\u2460-\u2473"  # ①-⑳
# A circled number that stands for its item: followed by a particle, punctuation or the end.
_AFTER_BARE = r"である|です|で|と|、|。|が|は|を|［|$"
_BARE = re.compile(rf"([{_CIRCLED}])(?=\s*(?:{_AFTER_BARE}))")
# The item a passage writes after the number, up to the next item, 、, 。, a closing bracket or
# など; not a number referred to again (「…に関連が深いのが、①、③、④である」).
_ITEM_END = rf"(?=[、。,）){_CIRCLED}]|など|$)"
_NOT_AN_ITEM = re.compile(r"である|です|で|と|が|は|を|の")


def _item(number: str, text: str) -> str | None:
    for found in re.finditer(rf"{number}([^、。,{_CIRCLED}「」（）()]+?){_ITEM_END}", text):
        if not _NOT_AN_ITEM.match(found.group(1)):
            return found.group(1).strip()
    return None


def name_bare_items(body: str, cited: list[int], hits: list[Hit], question: str,
                    flags: list[str]) -> tuple[str, list[int]]:
    """``body`` with each bare circled number followed by its item's words, and the citations
    that now include the passage they come from."""
    for number in dict.fromkeys(m.group(1) for m in _BARE.finditer(body)):
        listing = [i + 1 for i, h in enumerate(hits) if _item(number, h.chunk.text)]
        if not listing:
            continue
        # The list the question asks about: several passages number their items ① … (the report
        # lists the four pillars twice, but says which are offensive in one place).
        source = max(listing, key=lambda m: (overlap(question, hits[m - 1].chunk.text), m in cited))
        item = _item(number, hits[source - 1].chunk.text)
        body = re.sub(rf"{number}(?=\s*(?:{_AFTER_BARE}))", lambda m, named=number + item: named, body)
        flags.append(f"named list item {number} as the passage [{source}] does: {number}{item}")
        if source not in cited:
            cited = [source]  # the bare number was all the sentence said: its source is the list's
    return body, cited
