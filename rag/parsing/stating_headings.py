"""Headings that state a fact open the first paragraph filed under them.

Most headings only name a topic, and every chunk carries its heading path for retrieval. A few
also state something a reader asks about: each workshop heading gives the day it was held
(「新しい計算物質科学の潮流（2022年4月11日開催）」), and the CHIPS heading the law's year. A heading is
no passage, so such a fact could not be cited, and the number check, which reads passage text
alone, refused the date the report prints. The heading's words now open the first paragraph
under it, on a line of their own (a sentence for chunking and quoting), with the heading's page.
Retrieval leaves that line out (``chunking.retrieval_body``): the heading path every chunk
carries already holds it, and twice over it outranked the section's other chunks.
"""

from __future__ import annotations

import re

from ..passages import PageBreak, Passage

# The marks a heading path adds or keeps: "(2) ", "● ", "1.2.3 ", and a trailing ［注4］.
_LEADING_MARK = re.compile(r"^(?:\(\d+\)|[●○■]|\d+(?:\.\d+)*)\s*")
_FOOTNOTE_MARK = re.compile(r"［注\d+］$")


def stated_in_heading(title: str) -> str | None:
    """The heading's own words when they state a figure (a date, a year), else None."""
    words = _FOOTNOTE_MARK.sub("", _LEADING_MARK.sub("", title)).strip()
    return words if re.search(r"\d", words) else None


def open_with_stating_headings(passages: list[Passage], toc: list[dict]) -> None:
    """Prefix the first paragraph under each heading that states a figure with its words."""
    for heading in toc:
        words = stated_in_heading(heading["title"])
        if not words:
            continue
        first = next((p for p in passages if p.type == "paragraph" and p.path and p.path[-1] == heading["title"]
                      and p.line_start > heading["line"]), None)
        if first is None:
            continue
        prefix = words + "\n"
        breaks = [PageBreak(b.offset + len(prefix), b.page) for b in first.page_breaks]
        if heading["page"] != first.page:  # the heading closes the page before
            breaks.insert(0, PageBreak(len(prefix), first.page))
            first.page = heading["page"]
        first.text, first.page_breaks, first.line_start = prefix + first.text, breaks, heading["line"]
