"""Line classification: headings of every kind, captions, list items and other line labels."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import ends_sentence, is_full

H2 = re.compile(r"^(?P<num>1\.2)\t(?P<title>.+?)\s*$")
H3 = re.compile(r"^ ?(?P<num>1\.2\.[1-9])\t ?(?P<title>.+?)\s*$")
SQUARE = re.compile(r"^ ?■(?P<title>.+?)\s*$")
WORKSHOP = re.compile(r"^ (?P<num>[1-9]) (?P<title>\S.*?開催）)\s*$")
BULLET_HEADING = re.compile(r"^\t● ?(?P<title>.+?)\s*$")
CIRCLE_HEADING = re.compile(r"^○(?P<title>.+?)\s*$")
TOPIC = re.compile(r"^(?![・•])(?:[^\s、。，．「」：:（）]|（[^（）]*）){2,16}$")
COUNTRIES = frozenset(
    ["日本", "米国", "欧州（EU）", "ドイツ", "英国", "フランス", "オランダ", "中国", "韓国", "台湾", "シンガポール"]
)
COUNTRY_SECTION = "1.2.4"
CAPTION = re.compile(r"^ ?(?P<kind>[図表])(?P<num>1\.2\.\d-\d{1,2})\u3000 ?(?P<title>.*?)(?: (?P<src>\d))?\s*$")
REFERENCE_LABEL = re.compile(r"^【(?:参照|参考)】$")
URL = re.compile(r"^https?://\S+$")
LIST_LABEL = re.compile(r"^〈.+〉?$")
BULLET = re.compile(r"^(?:• |・ ?)")
SUB_ITEM = re.compile(r"^ {2,}\S")
NUMBERED = re.compile(r"^(?:\d\. |（\d）)")
NOTE = re.compile(r"^※\S")

# Heading ranks: a new heading closes every open heading of the same or a lower rank.
RANK = {"h2": 1, "h3": 2, "country": 3, "square": 4, "topic": 5, "workshop": 5, "bullet": 6, "circle": 6}


@dataclass(frozen=True)
class Heading:
    kind: str
    title: str  # as shown in a heading path
    number: str | None = None  # "1.2.4" for numbered headings
    footnote: int | None = None  # trailing flattened footnote digit

    @property
    def rank(self) -> int:
        return RANK[self.kind]


def _tidy(title: str) -> str:
    return re.sub(r"\s+", " ", title.replace("\t", " ")).strip()


def match_heading(raw: str, prev_blank: bool, next_line: str | None, section: str) -> Heading | None:
    """The heading on this raw line, if any. Context decides for country and topic headings."""
    if m := H2.match(raw):
        return Heading("h2", f"{m['num']} {_tidy(m['title'])}", m["num"])
    if m := H3.match(raw):
        return Heading("h3", f"{m['num']} {_tidy(m['title'])}", m["num"])
    if m := WORKSHOP.match(raw):
        return Heading("workshop", f"({m['num']}) {_tidy(m['title'])}")
    if m := BULLET_HEADING.match(raw):
        title = _tidy(m["title"])
        foot = re.search(r"）(\d)$", title)
        if foot:
            title = title[:-1]
        return Heading("bullet", f"● {title}", footnote=int(foot.group(1)) if foot else None)
    if m := CIRCLE_HEADING.match(raw):
        return Heading("circle", f"○{_tidy(m['title'])}")
    if m := SQUARE.match(raw):
        return Heading("square", f"■{_tidy(m['title'])}")
    stripped = raw.strip()
    has_next = next_line is not None and next_line.strip() != ""
    if section == COUNTRY_SECTION and stripped in COUNTRIES and prev_blank and has_next:
        return Heading("country", stripped)
    if (
        prev_blank
        and has_next
        and TOPIC.match(stripped)
        and not ends_sentence(stripped)
        and is_full(next_line or "")
        and not BULLET.match(next_line or "")
    ):
        return Heading("topic", stripped)
    return None


def line_role(raw: str) -> str:
    """What a non-heading content line is: caption, reference, url, list_label, item, sub_item or body."""
    if CAPTION.match(raw):
        return "caption"
    stripped = raw.strip()
    if REFERENCE_LABEL.match(stripped):
        return "reference"
    if URL.match(stripped):
        return "url"
    if LIST_LABEL.match(stripped):
        return "list_label"
    if SUB_ITEM.match(raw):
        return "sub_item"
    if BULLET.match(stripped) or NUMBERED.match(stripped) or NOTE.match(stripped):
        return "item"
    return "body"
