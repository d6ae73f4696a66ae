"""Measures how much of the source's content survives parsing (nothing may silently vanish)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .layout import analyse_layout
from .reader import ParsedReport
from .text import compact


@dataclass
class Conservation:
    content_chars: int
    found_chars: int
    missing_lines: list[int] = field(default_factory=list)  # 1-based

    @property
    def ratio(self) -> float:
        return self.found_chars / self.content_chars if self.content_chars else 1.0


def measure_conservation(source_text: str, report: ParsedReport, first_page: int) -> Conservation:
    """Share of the non-whitespace characters of content lines found verbatim in the output.

    A line counts as found when its whitespace-free NFKC form stands in the output (passages,
    heading titles and box titles; footnote markers ［注n］ read back as the plain digit n).
    Template blocks (legend, page furniture) are not content and are not counted.
    """
    lines = source_text.split("\n")
    layout = analyse_layout(lines, first_page)
    parts = [p.text for p in report.passages] + [t["title"] for t in report.toc]
    parts += [p.extra.get("box_title", "") for p in report.passages]
    haystack = compact(re.sub(r"［注(\d+)］", r"\1", "\n".join(parts)))
    # Headings and list items lose their markers' spacing, tables their column layout: compare
    # without the markers the reader normalises.
    haystack_loose = re.sub(r"[・•()（）]", "", haystack)
    result = Conservation(0, 0)
    for i, line in enumerate(lines):
        if i in layout.removed or not line.strip():
            continue
        key = compact(line)
        result.content_chars += len(key)
        if key in haystack or re.sub(r"[・•()（）]", "", key) in haystack_loose:
            result.found_chars += len(key)
        else:
            result.missing_lines.append(i + 1)
    return result
