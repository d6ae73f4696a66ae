"""Footnotes: cut their zones out of the text flow and turn flattened superscripts into ［注n］.

Footnotes are printed at the bottom of a page, often between two halves of a word, and their
numbering restarts in every 1.2.x section. The superscript reference digits were flattened to
plain digits, which look like chemical subscripts (``CO2 排出``) unless guarded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FOOTNOTE_START = re.compile(r"^(?P<n>[1-9]) (?P<text>\S.*)$")
FOOTNOTE_CONTINUATION = re.compile(
    r"^(?: ?・.*|[\x20-\x7e]+|（\d{4}年\d{1,2}月\d{1,2}日アクセス）|\S+ ?（ ?\d{4}年\d{1,2}月\d{1,2}日アクセス）\.?)$"
)
_KANA_KANJI = r"\u3040-\u30ff\u4e00-\u9fff"
# Reference forms, each capturing the digit: "である1。", "指令 1や", "REACH2 規則".
_REF_BEFORE_PUNCT = r"(?<=[{kk}）]) ?{n}(?=[。、])"
_REF_SPACED = r"(?<=[{kk}]) {n} ?(?=[\u3040-\u309f])"
_REF_AFTER_ACRONYM = r"(?<=[A-Z]{{3}}){n} (?=\S)"


def marker(n: int) -> str:
    return f"［注{n}］"


@dataclass
class Footnote:
    section: str
    number: int
    page: int | None
    text: str
    lines: tuple[int, int] | None  # 1-based first and last source line
    missing: bool = False

    @property
    def key(self) -> str:
        return f"{self.section}-注{self.number}"


@dataclass
class FootnoteIndex:
    notes: dict[tuple[str, int], Footnote] = field(default_factory=dict)

    def add(self, note: Footnote) -> None:
        self.notes[(note.section, note.number)] = note

    def get(self, section: str, number: int) -> Footnote | None:
        return self.notes.get((section, number))

    def add_missing(self) -> None:
        """Record gaps in a section's numbering: their references exist, their text does not."""
        by_section: dict[str, list[int]] = {}
        for section, number in self.notes:
            by_section.setdefault(section, []).append(number)
        for section, numbers in by_section.items():
            for n in range(1, max(numbers)):
                if n not in numbers:
                    self.add(Footnote(section, n, None, "", None, missing=True))

    def mark_references(self, text: str, section: str, page: int | None) -> tuple[str, list[str]]:
        """Replace flattened reference digits with ［注n］ where footnote n is printed on this page.

        The same-page condition is what keeps chemical formulas intact: ``CO2 排出`` on a page
        without a footnote 2 of that section is left alone. A missing footnote (a gap in the
        numbering) is accepted on any page, but only in the spaced form that no formula takes.
        """
        refs: list[str] = []
        for (sec, n), note in sorted(self.notes.items()):
            if sec != section:
                continue
            if note.missing:
                patterns = [_REF_SPACED]
            elif note.page == page:
                patterns = [_REF_BEFORE_PUNCT, _REF_SPACED, _REF_AFTER_ACRONYM]
            else:
                continue
            for pattern in patterns:
                regex = re.compile(pattern.format(kk=_KANA_KANJI, n=n))
                text, count = regex.subn(marker(n), text, count=1)
                if count:
                    refs.append(note.key)
                    break
        return text, refs


def find_footnote_zones(
    lines: list[str],
    removed: dict[int, str],
    section_of: list[str],
    page_of: list[int | None],
) -> FootnoteIndex:
    """Find footnote zones, mark their lines removed, and index their texts by (section, n)."""
    index = FootnoteIndex()
    i = 0
    while i < len(lines):
        m = FOOTNOTE_START.match(lines[i]) if i not in removed else None
        if not m:
            i += 1
            continue
        parts = [lines[i]]
        zone = [i]
        j = i + 1
        while j < len(lines) and j not in removed:
            s = lines[j]
            if s.strip() == "":
                j += 1
                continue
            # A continuation may sit on the next page's first line only if it looks like one;
            # anything else (the next page's text, a sidebar) ends the zone.
            if FOOTNOTE_CONTINUATION.match(s) and not FOOTNOTE_START.match(s):
                parts.append(s)
                zone.append(j)
                j += 1
                continue
            break
        for k in range(zone[0], zone[-1] + 1):
            removed[k] = "footnote"
        text = _join_footnote(parts)
        number = int(m.group("n"))
        index.add(Footnote(section_of[i], number, page_of[i], text[len(m.group("n")) + 1 :], (i + 1, zone[-1] + 1)))
        i = zone[-1] + 1
    index.add_missing()
    return index


def _join_footnote(parts: list[str]) -> str:
    text = parts[0].rstrip()
    for raw, nxt in zip(parts, parts[1:]):
        nxt = nxt.strip()
        if nxt.startswith("・"):
            text += " " + nxt
        elif raw != raw.rstrip():
            text += " " + nxt  # the extractor's trailing space marks a word break
        else:
            text += nxt  # a URL or word cut mid-token
    return re.sub(r" {2,}", " ", text)
