"""Page layout of the extraction: template blocks to drop and the printed page of every line.

The extractor emitted a legend block (a page-template artefact) at the top of every even page,
started every other odd page with a single space, and printed the page furniture (footer,
running header, side tab) for only six pages. Together these recover every page start exactly;
the printed footers then serve as a check.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

LEGEND_START = re.compile(r"^ ?（註1）フェーズ$")
LEGEND_END = re.compile(r"^↗：上昇傾向、→：現状維持、↘：下降傾向$")
FOOTER = re.compile(
    r"^(?:CRDS 国立研究開発法人科学技術振興機構 研究開発戦略センター (?P<odd>\d{1,3})CRDS-FY2024-FR-04"
    r"|(?P<even>\d{1,3}) CRDS-FY2024-FR-04CRDS 国立研究開発法人科学技術振興機構 研究開発戦略センター)$"
)
RUNNING_HEADER = re.compile(r"^研究開発の俯瞰報告書\u3000\u3000ナノテクノロジー・材料分野（2024年）$")
SIDE_TAB = "俯瞰対象分野の全体像"
CHAPTER_NUMBER = "1"
# One ASCII space then text, but not the look-alikes: indented sub-items, lost circled digits
# (" 1 ライフサイエンス…"), footnote continuations (" ・NATIONAL…").
ODD_PAGE_START = re.compile(r"^ (?! )(?!（註1）)(?![1-9] )(?!・)\S")


class PageNumberingError(ValueError):
    """The recovered page starts disagree with the printed footers."""


@dataclass
class Layout:
    """What the layout pass found: removed lines, page starts and the page of every line."""

    removed: dict[int, str] = field(default_factory=dict)  # line index -> "legend" | "furniture"
    page_starts: list[int] = field(default_factory=list)
    page_of: list[int | None] = field(default_factory=list)
    legend_text: str = ""
    footers: dict[int, int] = field(default_factory=dict)  # line index -> printed page

    def is_page_start(self, index: int) -> bool:
        return index in self._start_set

    def __post_init__(self) -> None:
        self._start_set: set[int] = set(self.page_starts)


def _furniture_end(lines: list[str], footer: int) -> int:
    """Index one past the furniture block that begins with the footer at ``footer``."""
    i = footer + 1
    tab_chars = set(SIDE_TAB)
    while i < len(lines):
        s = lines[i].strip()
        if s == "" or RUNNING_HEADER.match(lines[i]) or (len(s) == 1 and s in tab_chars):
            i += 1
        elif s == CHAPTER_NUMBER and lines[i - 2].strip() in tab_chars:
            i += 1
        else:
            break
    return i


def analyse_layout(lines: list[str], first_page: int) -> Layout:
    removed: dict[int, str] = {}
    legend_starts: list[int] = []
    legend_text = ""
    footers: dict[int, int] = {}
    after_furniture: list[int] = []

    i = 0
    while i < len(lines):
        if LEGEND_START.match(lines[i]):
            j = i
            while j < len(lines) and not LEGEND_END.match(lines[j]):
                j += 1
            if j == len(lines):
                raise PageNumberingError(f"legend block at line {i + 1} has no end")
            if not legend_text:
                legend_text = "\n".join(s.strip() for s in lines[i : j + 1] if s.strip())
            for k in range(i, j + 1):
                removed[k] = "legend"
            legend_starts.append(i)
            i = j + 1
            continue
        m = FOOTER.match(lines[i])
        if m:
            footers[i] = int(m.group("odd") or m.group("even"))
            end = _furniture_end(lines, i)
            for k in range(i, end):
                removed[k] = "furniture"
            if end < len(lines) and not LEGEND_START.match(lines[end]):
                after_furniture.append(end)
            i = end
            continue
        i += 1

    odd_starts = [i for i, s in enumerate(lines) if i not in removed and ODD_PAGE_START.match(s)]
    starts = sorted(set(legend_starts) | set(odd_starts) | set(after_furniture))
    page_of: list[int | None] = [None] * len(lines)
    page = None
    start_iter = iter(starts)
    next_start = next(start_iter, None)
    count = -1
    for i in range(len(lines)):
        if next_start is not None and i == next_start:
            count += 1
            page = first_page + count
            next_start = next(start_iter, None)
        page_of[i] = page

    layout = Layout(removed=removed, page_starts=starts, page_of=page_of, legend_text=legend_text, footers=footers)
    _validate(layout, set(legend_starts), first_page)
    log.debug("layout: %d pages, %d removed lines", len(starts), len(removed))
    return layout


def _validate(layout: Layout, legend_starts: set[int], first_page: int) -> None:
    """Every printed footer must carry the page we computed, and legends must open even pages."""
    for line, printed in layout.footers.items():
        if layout.page_of[line] != printed:
            raise PageNumberingError(
                f"footer at line {line + 1} prints page {printed}, computed {layout.page_of[line]}"
            )
    for k, start in enumerate(layout.page_starts):
        even = (first_page + k) % 2 == 0
        if even != (start in legend_starts):
            raise PageNumberingError(f"page start at line {start + 1} breaks the even/odd pattern")
