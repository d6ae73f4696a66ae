"""Special layout regions read with their own rules: the three tables and the sidebar box.

Their text was extracted column by column, so the paragraph rules of the body do not apply:
table cells are rebuilt into one row per goal, objective or programme, and the narrower
sidebar column is joined by its own width.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..passages import PageBreak
from .builder import TextBuilder
from .text import ends_sentence, is_full, width

Line = tuple[int, str, "int | None"]  # (0-based index, cleaned text, page); text "" for blank

GOAL_ROW = re.compile(r"^ゴール\d+\.$")
OBJECTIVE_START = re.compile(r"^\d\.")
OBJECTIVE_COLUMNS = 16
VERTICAL_RUN_MIN = 5
TABLE_HEADER = re.compile(r"^ゴール\s+\S+\s+\S+$")
NAME_CELL = re.compile(r"^（?[\x20-\x7e]+）?\s*$")
CJK_CHAR = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@dataclass
class RegionPassage:
    type: str
    text: str
    page: int
    page_end: int
    lines: list[int]
    breaks: list[PageBreak]
    extra: dict = field(default_factory=dict)


def _finish(builder: TextBuilder, kind: str, **extra) -> RegionPassage:
    assert builder.first_page is not None
    return RegionPassage(kind, builder.text, builder.first_page, builder.page or builder.first_page,
                         builder.lines, builder.breaks, dict(extra))


def _item(text: str) -> str:
    """A list item with its marker normalised to ・ and no space after it."""
    s = text.strip()
    return s[0] + s[1:].strip()


def read_goal_table(lines: list[Line], table: str) -> list[RegionPassage]:
    """表1.2.4-1: one row per ``ゴールN.`` with its title and its bullet items."""
    rows: list[RegionPassage] = []
    builder: TextBuilder | None = None
    in_title = False
    for index, text, page in lines:
        s = text.strip()
        if not s:
            continue
        if GOAL_ROW.match(s):
            if builder:
                rows.append(_finish(builder, "table_row", table=table))
            builder, in_title = TextBuilder(), True
            builder.append(s, page, index)
        elif builder is None:
            continue
        elif s.startswith(("・", "•")):
            in_title = False
            builder.append(_item(s), page, index, sep="\n")
        else:
            builder.append(s, page, index, sep=" " if in_title and builder.text.endswith(".") else "")
    if builder:
        rows.append(_finish(builder, "table_row", table=table))
    return rows


def _compact_cell(text: str) -> str:
    cell = unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))
    cell = cell.replace("(", "（").replace(")", "）")
    return re.sub(r"^(\d\.|ゴール\d\.)", r"\1 ", cell)


def read_goal_objective_table(lines: list[Line], table: str, goals_in_text: list[str]) -> list[RegionPassage]:
    """表1.2.4-2: goal labels set vertically, narrow objective cells, then action plans.

    ``goals_in_text`` are the goal names as the body text enumerates them; they name a goal
    whose vertical label the extraction lost (the objective numbering restarts without one).
    """
    rows: list[RegionPassage] = []
    content = [(i, t, p) for i, t, p in lines if t.strip() and not TABLE_HEADER.match(t.strip())]
    goal_label, goal_number, objectives_in_goal = "", 0, 0
    builder: TextBuilder | None = None
    last_raw = ""
    k = 0

    def close() -> None:
        nonlocal builder
        if builder:
            rows.append(_finish(builder, "table_row", table=table, goal=goal_label))
        builder = None

    while k < len(content):
        index, text, page = content[k]
        s = text.strip()
        # A vertical label: at least five consecutive one- or two-character lines.
        run = k
        while run < len(content) and len(re.sub(r"\s", "", content[run][1])) <= 2:
            run += 1
        if run - k >= VERTICAL_RUN_MIN:
            close()
            goal_label = _compact_cell("".join(t for _, t, _ in content[k:run]))
            goal_number = int(m.group(1)) if (m := re.match(r"ゴール(\d+)", goal_label)) else goal_number + 1
            objectives_in_goal = 0
            k = run
            continue
        starts_objective = (OBJECTIVE_START.match(s) or objectives_in_goal == 0) and width(s) <= OBJECTIVE_COLUMNS
        if starts_objective:
            close()
            if OBJECTIVE_START.match(s) and s.startswith("1.") and objectives_in_goal > 0:
                goal_number += 1  # numbering restarted: a goal whose label was lost
                name = goals_in_text[goal_number - 1] if goal_number <= len(goals_in_text) else ""
                goal_label = f"ゴール{goal_number}. {name}".strip()
                objectives_in_goal = 0
            cell_parts, first_index, first_page = [s], index, page
            k += 1
            while k < len(content) and width(content[k][1]) <= OBJECTIVE_COLUMNS \
                    and not content[k][1].strip().startswith(("・", "•")) \
                    and content[k][0] - content[k - 1][0] <= 3:
                cell_parts.append(content[k][1])
                k += 1
            objectives_in_goal += 1
            builder = TextBuilder()
            builder.append(f"{goal_label}／戦略目標 {_compact_cell(''.join(cell_parts))}", first_page, first_index)
            builder.lines.extend(i for i, _, _ in content[k - len(cell_parts) + 1 : k])
            last_raw = ""
            continue
        if builder is None:
            k += 1
            continue
        if s.startswith(("・", "•", "※")):
            builder.append(_item(s) if not s.startswith("※") else s, page, index, sep="\n")
        elif is_full(last_raw) and not ends_sentence(last_raw):
            builder.append(text, page, index)
        else:
            builder.append(f"［{s}］", page, index, sep="\n")
        last_raw = text
        k += 1
    close()
    return rows


def read_programme_table(lines: list[Line], table: str) -> list[RegionPassage]:
    """表1.2.4-3: an English programme name cell, then its Japanese description."""
    rows: list[RegionPassage] = []
    name: TextBuilder | None = None
    desc: TextBuilder | None = None
    prev_blank = True

    def close() -> None:
        nonlocal name, desc
        if name and desc:
            row = TextBuilder()
            row.text, row.breaks, row.first_page, row.page = name.text, list(name.breaks), name.first_page, name.page
            row.lines = list(name.lines)
            offset = len(name.text) + 1
            row.text += "：" + desc.text
            row.breaks += [PageBreak(b.offset + offset, b.page) for b in desc.breaks]
            if desc.first_page != name.page and desc.first_page is not None:
                row.breaks.append(PageBreak(offset, desc.first_page))
            row.page = desc.page
            row.lines += desc.lines
            rows.append(_finish(row, "table_row", table=table))
        name, desc = None, None

    for index, text, page in lines:
        s = text.strip()
        if not s:
            prev_blank = True
            continue
        is_name = NAME_CELL.match(s) and not CJK_CHAR.search(s)
        if is_name and desc is None and name is not None:
            name.append(text, page, index)  # more of the name (MURI's second part after a blank)
        elif is_name and (prev_blank or desc is None):
            close()
            name = TextBuilder()
            name.append(text, page, index)
        elif name is not None:
            desc = desc or TextBuilder()
            desc.append(text, page, index)
        prev_blank = False
    close()
    return rows


def read_sidebar(lines: list[Line], title: str) -> list[RegionPassage]:
    """The boxed column: a paragraph ends only where a sentence-final line meets a blank."""
    parts: list[RegionPassage] = []
    builder = TextBuilder()
    prev: str | None = None
    for index, text, page in lines:
        if not text.strip():
            if prev is not None and ends_sentence(prev) and builder:
                parts.append(_finish(builder, "sidebar", box_title=title))
                builder = TextBuilder()
            continue
        builder.append(text, page, index)
        prev = text
    if builder:
        parts.append(_finish(builder, "sidebar", box_title=title))
    return parts


def vertical_runs(lines: list[tuple[int, str, int | None]]) -> list[int]:
    """Lengths of the runs of five or more lines of one or two characters: text set vertically."""
    content = [t for _, t, _ in lines if t.strip()]
    runs, count = [], 0
    for t in content:
        if len(re.sub(r"\s", "", t)) <= 2:
            count += 1
        else:
            if count >= 5:
                runs.append(count)
            count = 0
    return runs


def with_blanks(lines, raw_lines):
    """Re-insert the blank lines between region lines so paragraph rules can see them."""
    out = []
    for n, (k, t, p) in enumerate(lines):
        if n and k - lines[n - 1][0] > 1 and any(not raw_lines[j].strip() for j in range(lines[n - 1][0] + 1, k)):
            out.append((k - 1, "", p))
        out.append((k, t, p))
    return out
