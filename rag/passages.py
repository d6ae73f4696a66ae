"""The units the whole pipeline shares: passages read from a report, and chunks cut from them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class PageBreak:
    offset: int  # character offset in the passage text where the new page begins
    page: int


def page_label(page: int, page_end: int, space: str = "") -> str:
    """``p.58`` or ``pp.58-59`` (``space=" "`` gives ``p. 58``)."""
    return f"p.{space}{page}" if page == page_end else f"pp.{space}{page}-{page_end}"


def page_at(first_page: int, breaks: list[PageBreak], offset: int) -> int:
    """The printed page of the character at ``offset``, given the page breaks of a text."""
    page = first_page
    for brk in breaks:
        if offset >= brk.offset:
            page = brk.page
    return page


@dataclass
class Passage:
    """A paragraph, list, caption, table row, sidebar part, reference list or footnote.

    ``page`` and ``page_end`` are printed page numbers; ``page_breaks`` says exactly where in
    the text a later page begins, so that any span of the text can be cited to its own page.
    """

    id: str
    type: str
    text: str
    section: str
    path: list[str]
    page: int
    page_end: int
    line_start: int
    line_end: int
    page_breaks: list[PageBreak] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def page_at(self, offset: int) -> int:
        """The printed page on which the character at ``offset`` stands."""
        return page_at(self.page, self.page_breaks, offset)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Chunk:
    """What is embedded, retrieved and cited: a piece of one heading path's text."""

    id: str
    text: str
    section: str
    heading_path: list[str]
    page: int
    page_end: int
    passage_ids: list[str]
    type: str = "paragraph"
    page_breaks: list[PageBreak] = field(default_factory=list)

    def page_at(self, offset: int) -> int:
        return page_at(self.page, self.page_breaks, offset)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (see docs: ``rag parse --jsonl``)."""
        return {
            "id": self.id,
            "text": self.text,
            "section": self.section,
            "heading_path": list(self.heading_path),
            "page": self.page,
            "page_end": self.page_end,
            "type": self.type,
            "passage_ids": list(self.passage_ids),
            "page_breaks": [asdict(b) for b in self.page_breaks],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Chunk":
        return cls(
            id=data["id"],
            text=data["text"],
            section=data["section"],
            heading_path=list(data["heading_path"]),
            page=data["page"],
            page_end=data["page_end"],
            passage_ids=list(data.get("passage_ids", [])),
            type=data.get("type", "paragraph"),
            page_breaks=[PageBreak(**b) for b in data.get("page_breaks", [])],
        )
