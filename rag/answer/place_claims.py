"""Countries a Japanese answer names that neither the question nor its cited passages name.

The English name check (names.py) marks a name no cited passage supports; a Japanese answer copies
the report's words and has no such check, yet the small model now and then writes a country from
another passage into its sentence: asked which company proposes nanosheet semiconductors for the
devices of the 2030s, it answered 「…挙げられているのは英国で、ナノシート半導体を採用する…」 from
a passage on two-dimensional materials that names Intel and no country. Such a country is marked
as unverified, as an unsupported figure is, so that it is never shown as if the report said it.
"""

from __future__ import annotations

import unicodedata

from ..places import HOME, place_mentions, places_named, speaks_of

UNVERIFIED_PLACE = "（報告書で未確認）"


def places_cited_nowhere(sentence: str, question: str, cited: list[frozenset[str]]) -> list[str]:
    """The countries (as ``sentence`` writes them) that the sentence names, the question does not,
    and no cited passage (given by its places) speaks of. Japan is left out: passages about it
    often leave it unnamed."""
    flat = unicodedata.normalize("NFKC", sentence)
    asked = places_named(question)
    return list(dict.fromkeys(flat[start:end] for place, start, end in place_mentions(flat)
                              if place != HOME and place not in asked and not any(speaks_of(p, place) for p in cited)))


def mark_places_cited_nowhere(body: str, question: str, cited: list[frozenset[str]], flags: list[str]) -> str:
    """``body`` with UNVERIFIED_PLACE after the first mention of each country cited nowhere."""
    for surface in places_cited_nowhere(body, question, cited):
        at = body.find(surface)
        if at < 0:
            continue  # written differently before NFKC: left as it is
        body = body[:at + len(surface)] + UNVERIFIED_PLACE + body[at + len(surface):]
        flags.append(f"place not named in the cited passages, marked: {surface}")
    return body
