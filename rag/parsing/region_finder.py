"""Where the report's special regions lie: tables under their captions and the boxed sidebar.

Both are found before the main walk, so that their lines are read as a table or a box instead
of being assembled into body paragraphs (reader.py). Tables are the lines under a 表 caption
up to the next caption, wide body line or heading; the sidebar is a run of lines set in its
narrower column.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from .classify import CAPTION, match_heading
from .regions import GOAL_ROW
from .text import BODY_LINE_COLUMNS, ends_sentence, width

log = logging.getLogger(__name__)

# The sidebar column is set narrower than the body (about 64-76 columns against 96).
SIDEBAR_MIN_COLUMNS, SIDEBAR_MAX_COLUMNS, SIDEBAR_MIN_LINES = 60, 79, 8
# The box resumes after the footnote zone of the next page only if that zone is this close.
SIDEBAR_RESUME_LINES = 120


@dataclass
class Regions:
    starts: dict[int, tuple[int, str]] = field(default_factory=dict)  # first line -> (end, name)
    consumed: set[int] = field(default_factory=set)  # lines read as part of a region
    sidebar_lines: list[int] = field(default_factory=list)


def locate_regions(lines: list[str], cleaned: list[str], removed: dict[int, str], section_of: list[str],
                   page_starts: list[int]) -> Regions:
    regions = Regions()
    _locate_tables(lines, cleaned, removed, section_of, regions)
    _locate_sidebar(lines, removed, page_starts, regions)
    return regions


def _locate_tables(lines, cleaned, removed, section_of, regions: Regions) -> None:
    n = len(lines)
    for i, raw in enumerate(lines):
        m = CAPTION.match(raw)
        if not m or m["kind"] != "表" or i in removed:
            continue
        j, prev_blank = i + 1, False
        while j < n:
            if j in removed:
                j += 1
                continue
            s = lines[j]
            if s.strip():
                wide_body = prev_blank and width(cleaned[j]) >= BODY_LINE_COLUMNS
                heading = match_heading(s, True, None, section_of[j]) is not None and not GOAL_ROW.match(s.strip())
                if CAPTION.match(s) or wide_body or (heading and s.lstrip()[:1] in "\t●■1"):
                    break
            prev_blank = not s.strip()
            j += 1
        regions.starts[i + 1] = (j, f"{m['kind']}{m['num']}")


def _locate_sidebar(lines, removed, page_starts, regions: Regions) -> None:
    """Find the boxed column by its narrow width; its text may resume after a footnote."""
    run: list[int] = []
    for i, raw in enumerate(lines):
        if i in removed or any(a <= i < b for a, (b, _) in regions.starts.items()):
            _check_sidebar(lines, removed, page_starts, run, regions)
            run = []
            continue
        if not raw.strip():
            continue
        w = width(raw)
        if SIDEBAR_MIN_COLUMNS <= w <= SIDEBAR_MAX_COLUMNS and not raw.strip().startswith(("・", "•")):
            run.append(i)
        else:
            _check_sidebar(lines, removed, page_starts, run, regions)
            run = []
    _check_sidebar(lines, removed, page_starts, run, regions)


def _check_sidebar(lines, removed, page_starts, run: list[int], regions: Regions) -> None:
    if len(run) < SIDEBAR_MIN_LINES:
        return
    start = run[0]
    # The box fills its page to the bottom: it ends where the page's furniture begins.
    end = run[-1]
    while end + 1 < len(lines) and end + 1 not in removed:
        end += 1
    title_lines = []
    k = start - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    while k >= 0 and lines[k].strip() and not ends_sentence(lines[k]):
        title_lines.insert(0, k)
        k -= 1
    title = "".join(lines[t].strip() for t in title_lines)
    body = list(range(start, end + 1))
    # The box goes on after the footnote zone that closes the next page's main text.
    k = end + 1
    while k < len(lines) and removed.get(k) != "footnote":
        k += 1
    while k < len(lines) and removed.get(k) == "footnote":
        k += 1
    next_start = min((s for s in page_starts if s > k), default=len(lines))
    if k - end < SIDEBAR_RESUME_LINES:
        body += [t for t in range(k, next_start) if t not in removed]
    regions.consumed.update(title_lines + body)
    regions.starts[title_lines[0] if title_lines else start] = (end + 1, "sidebar:" + title)
    regions.sidebar_lines = body
    log.debug("sidebar %r: lines %d-%d", title, start + 1, end + 1)
