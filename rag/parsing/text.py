"""Character-level helpers for rebuilding text from a line-wrapped extraction.

The extractor wraps body text at a fixed display width, leaves a trailing space where it
wrapped between two English words, and letter-spaces a few justified lines. These helpers
measure lines and join them back without inventing or losing characters.
"""

from __future__ import annotations

import re
import unicodedata

# Body text is set at about 48 full-width characters (96 columns); a line of 80 columns or more
# ran to the right margin, so the sentence it holds goes on in the next line.
FULL_WIDTH_COLUMNS = 80
# Wrapped bullet items have a hanging indent, so they stay below this width; a following line
# this wide is body text again.
BODY_LINE_COLUMNS = 94

CJK = r"\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f々〆〇"
LATIN_END = re.compile(r"[A-Za-z0-9\u00C0-\u024F.,;:!?%&/\-)\]’”]$")
LATIN_START = re.compile(r"^[A-Za-z0-9\u00C0-\u024F(\[“‘&$]")
SENTENCE_END = re.compile(r"[。．！？][）」』]?\s*$")
_TRAILING_LATIN = re.compile(r"[A-Za-z0-9,.;:)…]$")


def width(text: str) -> int:
    """East-Asian display width of the stripped text (wide and full-width count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.strip())


def is_full(line: str) -> bool:
    """True when the line ran to the right margin, so its sentence continues on the next line.

    English-heavy lines measure narrower than Japanese ones even when wrapped; the extractor's
    trailing space after a Latin character marks those wraps.
    """
    if width(line) >= FULL_WIDTH_COLUMNS:
        return True
    stripped = line.rstrip()
    return line != stripped and bool(_TRAILING_LATIN.search(stripped))


def ends_sentence(line: str) -> bool:
    return bool(SENTENCE_END.search(line))


def ends_with_colon(line: str) -> bool:
    return line.rstrip().endswith(("：", ":"))


def join_separator(previous_raw: str, following: str) -> str:
    """The separator to put between two wrapped line fragments: a space or nothing.

    A space only where the source left a trailing space after a Latin character and the next
    fragment starts with a Latin character; Japanese never takes a space, and Latin-Latin
    joins without a trailing space are mid-token splits (``ALCA-`` + ``NEXT``).
    """
    had_space = previous_raw != previous_raw.rstrip()
    if had_space and LATIN_END.search(previous_raw.rstrip()) and LATIN_START.search(following.lstrip()):
        return " "
    return ""


# Letter-spaced (justified) lines: a run of CJK characters separated by single spaces.
_TRACKED_GAP = re.compile(rf"(?<=[{CJK}])\s(?=[{CJK}])")
# English words that were letter-spaced cannot be split back into words generically, so the
# few that occur in this report are listed with their spelling in the printed report.
KNOWN_TRACKED_WORDS = {
    "F u t u r e a n d E m e r g i n g": "Future and Emerging",
    "F E T": "FET",
    "N OW：Ne d e r l a n d s e": "NWO：Nederlandse",
    "1. 0B": "1.0B",
    "$ 1, 200, 000 ～": "$1,200,000～",
}
TRACKED_LINE_MIN_GAPS = 4


def is_letter_tracked(line: str) -> bool:
    return len(_TRACKED_GAP.findall(line)) >= TRACKED_LINE_MIN_GAPS


def untrack(line: str) -> str:
    """Remove the spaces that justification put between characters of a tracked line."""
    trailing = " " if line.endswith(" ") else ""
    text = line.strip()
    for spaced, word in KNOWN_TRACKED_WORDS.items():
        text = text.replace(spaced, word)
    # Spaces next to a CJK character are layout, not word breaks, in a tracked line.
    text = re.sub(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])", "", text)
    return text + trailing


_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[。、，．])")
_NAKAGURO_SPACE = re.compile(rf"(?<=\S)・ (?=[{CJK}A-Za-z])")
_MULTI_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")


def clean_line(line: str) -> str:
    """Inline repairs that keep the meaning: tabs, glyph-order and spacing artefacts.

    Leading and trailing whitespace is kept: the joiner reads the trailing space.
    """
    text = line.replace("\t", " ")
    text = text.replace("次 と々", "次々と")
    if is_letter_tracked(text):
        text = untrack(text)
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    text = _NAKAGURO_SPACE.sub("・", text)
    text = _MULTI_SPACE.sub(" ", text)
    return text


def fold_for_search(text: str) -> str:
    """NFKC and lowercase: the form keyword search and evidence matching compare."""
    return unicodedata.normalize("NFKC", text).lower()


def compact(text: str) -> str:
    """NFKC with all whitespace removed: the form used to compare spans of the report."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
