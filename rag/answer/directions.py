"""Whether a Japanese sentence turns the direction of a trend its source states (rose for fell).

A small model keeps the words of a trend and loses which way it went: asked how Korea's trade
ratio compares with Japan's, it wrote 「韓国の貿易収支比は…徐々に低下」 where the report says
Korea's ratio rose (増加) to Japan's level and Japan's own fell. Nothing numeric is wrong in
such a sentence, so the figure check passes it. A Japanese sentence is caught only when it
states one direction alone and every sentence quoted for it states the other alone: a source that says
both (「日本は漸減…韓国は増加」) or neither decides nothing.
"""

from __future__ import annotations

import re

from .citations import overlap
from .sources import MIN_SUPPORT_OVERLAP

# The report's words for a trend; an answer compared with its quotes copies them.
_UP = re.compile(r"増加|増大|上昇|拡大|伸び|伸長|増え|高ま|向上|急増|躍進")
_DOWN = re.compile(r"減少|低下|縮小|減っ|下が|漸減|落ち|低迷|衰退|下落")


def direction(text: str) -> str | None:
    """"up" or "down" when Japanese ``text`` states a trend in one direction only, else None."""
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    if up == down:
        return None
    return "up" if up else "down"


def reversed_direction(claim: str, quotes: list[str]) -> str | None:
    """Why a Japanese ``claim`` contradicts the sentences quoted for it, or None when it does not.

    Only a claim whose text stands in its quotes (``MIN_SUPPORT_OVERLAP`` of its character
    bigrams) is compared: then the direction words speak of the same thing. English claims are
    not: their quotes are found across languages, and the direction word of a goal (「依存の縮小」)
    then met "a 20% increase" in the EU's share."""
    said = direction(claim)
    if said is None or not quotes or any(overlap(claim, quote) < MIN_SUPPORT_OVERLAP for quote in quotes):
        return None
    stated = {direction(quote) for quote in quotes}
    if len(stated) == 1 and None not in stated and said not in stated:
        return f"says {said} where the cited sentence says {stated.pop()}"
    return None
