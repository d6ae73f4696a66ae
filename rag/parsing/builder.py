"""Accumulates wrapped line fragments into one text while recording where pages change."""

from __future__ import annotations

from ..passages import PageBreak
from .text import join_separator


class TextBuilder:
    def __init__(self) -> None:
        self.text = ""
        self.breaks: list[PageBreak] = []
        self.page: int | None = None
        self.first_page: int | None = None
        self.lines: list[int] = []  # 0-based source line indexes
        self.last_raw = ""

    def __bool__(self) -> bool:
        return bool(self.text)

    def append(self, fragment: str, page: int | None, line: int, sep: str | None = None) -> None:
        """Add a line fragment; ``sep`` overrides the wrap rule (``"\\n"`` between list items)."""
        piece = fragment.strip()
        if not piece:
            return
        glue = "" if not self.text else (sep if sep is not None else join_separator(self.last_raw, fragment))
        if self.first_page is None:
            self.first_page = page
        elif page is not None and page != self.page:
            self.breaks.append(PageBreak(len(self.text) + len(glue), page))
        self.text += glue + piece
        if page is not None:
            self.page = page
        self.last_raw = fragment
        self.lines.append(line)

    def mark_reference(self, text: str) -> None:
        """Append an inline marker such as ［注2］ that has no source line of its own."""
        self.text += text
