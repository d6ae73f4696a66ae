"""Reads the plain-text extraction of the CRDS report into page-exact passages.

Pipeline: layout (drop template blocks, number pages) -> footnote zones -> special regions
(tables, sidebar) -> line classification and paragraph assembly under a heading stack.
Another extraction of a report (a PDF with real page numbers, say) can feed the same chunker
and index by implementing ``ReportReader``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..passages import Passage
from .builder import TextBuilder
from .classify import CAPTION, H2, H3, Heading, line_role, match_heading
from .footnotes import FootnoteIndex, find_footnote_zones, marker
from .layout import Layout, analyse_layout
from .region_finder import locate_regions
from .regions import (
    RegionPassage,
    read_goal_objective_table,
    read_goal_table,
    read_programme_table,
    GOAL_ROW,
    read_sidebar,
    vertical_runs,
    with_blanks,
)
from .stating_headings import open_with_stating_headings
from .text import BODY_LINE_COLUMNS, clean_line, ends_sentence, ends_with_colon, is_full, width

log = logging.getLogger(__name__)

# A caption printed before the heading of the subsection that cites it moves to that subsection.
CAPTION_CITATION_WINDOW = 40


@dataclass
class ParsedReport:
    passages: list[Passage]
    footnotes: FootnoteIndex
    toc: list[dict] = field(default_factory=list)
    legend: str = ""
    first_page: int = 0
    last_page: int = 0


class ReportReader(Protocol):
    """Anything that turns a report into passages with exact pages and heading paths."""

    def read(self) -> ParsedReport: ...


@dataclass
class _Block:
    kind: str  # paragraph | list | references
    builder: TextBuilder
    last_raw: str
    last_index: int
    refs: list[str] = field(default_factory=list)
    # Indented sub-items are set at body width, bullet items with a hanging indent: only after
    # a bullet item does a body-width line mean the list has ended.
    in_sub_item: bool = False


class CrdsTextReader:
    """The reader for this report's text extraction (see docs/report-structure facts)."""

    def __init__(self, path: str | Path, first_page: int = 16) -> None:
        self.path = Path(path)
        self.first_page = first_page

    def read(self) -> ParsedReport:
        text = self.path.read_text(encoding="utf-8")
        return _Assembler(text.split("\n"), self.first_page).run()


class _Assembler:
    def __init__(self, lines: list[str], first_page: int) -> None:
        self.lines = lines
        self.layout: Layout = analyse_layout(lines, first_page)
        self.removed = dict(self.layout.removed)
        self.page_of = self.layout.page_of
        self.section_of = self._sections()
        self.footnotes = find_footnote_zones(lines, self.removed, self.section_of, self.page_of)
        self.cleaned = [clean_line(s) for s in lines]
        self.stack: list[Heading] = []
        self.records: list[tuple[int, str, TextBuilder, list[str], list[str], dict]] = []
        self.block: _Block | None = None
        self.toc: list[dict] = []
        found = locate_regions(lines, self.cleaned, self.removed, self.section_of, self.layout.page_starts)
        self.regions, self.consumed, self._sidebar_lines = found.starts, found.consumed, found.sidebar_lines

    # ---- prepasses -------------------------------------------------------------------
    def _sections(self) -> list[str]:
        section, out = "", []
        for raw in self.lines:
            if m := (H3.match(raw) or H2.match(raw)):
                section = m["num"]
            out.append(section)
        return out

    def _content(self, i: int) -> bool:
        return i not in self.removed and i not in self.consumed and bool(self.lines[i].strip())

    # ---- the walk --------------------------------------------------------------------
    def run(self) -> ParsedReport:
        i, n = 0, len(self.lines)
        while i < n:
            if i in self.regions:
                self._close()
                i = self._read_region(i)
                continue
            if i in self.removed:
                if self.removed[i] == "footnote" and (i == 0 or self.removed.get(i - 1) != "footnote"):
                    self._emit_footnote(i)
                i += 1
                continue
            if i in self.consumed or not self.lines[i].strip():
                i += 1
                continue
            i = self._line(i)
        self._close()
        return self._finish()

    def _path(self) -> list[str]:
        return [h.title for h in self.stack]

    def _section(self) -> str:
        for h in reversed(self.stack):
            if h.number:
                return h.number
        return ""

    def _line(self, i: int) -> int:
        raw = self.lines[i]
        prev_blank = i == 0 or not self.lines[i - 1].strip() or (i - 1) in self.removed
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        heading = match_heading(raw, prev_blank, nxt, self.section_of[i])
        if heading:
            self._close()
            self._push(heading, i)
            return i + 1
        role = line_role(raw)
        if role == "caption":
            return self._caption(i)
        text, refs = self.footnotes.mark_references(self.cleaned[i], self._section(), self.page_of[i])
        block = self.block
        if role in ("reference", "url"):
            if not (block and block.kind == "references"):
                self._open("references")
            self._add(text, i, sep="\n", refs=refs)
        elif role == "list_label":
            self._open("list")
            self._add(text.strip(), i, refs=refs)
        elif role == "item":
            if not (block and block.kind == "list"):
                self._open("list")
            self._add(_as_item(text), i, sep="\n", refs=refs)
            assert self.block is not None
            self.block.in_sub_item = False
        elif role == "sub_item" and block and block.kind == "list":
            self._add(text.strip(), i, sep="：", refs=refs)
            block.in_sub_item = True
        else:
            self._body(i, text, refs)
        return i + 1

    def _body(self, i: int, text: str, refs: list[str]) -> None:
        block = self.block
        if block is None or block.kind == "references":
            self._open("paragraph")
            self._add(text, i, refs=refs)
            return
        a = block.last_raw
        gap = any(not self._content(k) for k in range(block.last_index + 1, i))
        if ends_with_colon(a):
            join = True
        elif block.kind == "list" and not block.in_sub_item and width(text) >= BODY_LINE_COLUMNS:
            join = False  # R5: a body-width line after a list is a new paragraph
        elif not gap:
            join = is_full(a) and not self._glued_new_paragraph(i, a)
        else:
            join = is_full(a) and not ends_sentence(a)
        if not join:
            self._open("paragraph")
        self._add(text, i, refs=refs)

    def _glued_new_paragraph(self, i: int, a: str) -> bool:
        """R3: a new paragraph's first line glued to the previous paragraph, then a blank."""
        b = self.lines[i]
        if not (ends_sentence(a) and is_full(b) and not ends_sentence(b)):
            return False
        if i + 1 >= len(self.lines) or self.lines[i + 1].strip():
            return False
        k = i + 1
        while k < len(self.lines) and not self._content(k):
            k += 1
        return k < len(self.lines) and line_role(self.lines[k]) == "body"

    # ---- blocks ------------------------------------------------------------------------
    def _open(self, kind: str) -> None:
        self._close()
        self.block = _Block(kind, TextBuilder(), "", -1)

    def _add(self, text: str, i: int, sep: str | None = None, refs: list[str] | None = None) -> None:
        assert self.block is not None
        self.block.builder.append(text, self.page_of[i], i, sep=sep)
        self.block.last_raw = self.cleaned[i]
        self.block.last_index = i
        self.block.refs.extend(refs or [])

    def _close(self) -> None:
        block, self.block = self.block, None
        if block and block.builder:
            extra = {"footnote_refs": block.refs} if block.refs else {}
            self._record(block.kind, block.builder, extra)

    def _record(self, kind: str, builder: TextBuilder, extra: dict, path: list[str] | None = None) -> None:
        self.records.append((builder.lines[0], kind, builder, path or self._path(), [self._section()], extra))

    def _push(self, heading: Heading, i: int) -> None:
        while self.stack and self.stack[-1].rank >= heading.rank:
            self.stack.pop()
        if heading.footnote is not None:
            title = heading.title + marker(heading.footnote)
            heading = Heading(heading.kind, title, heading.number)
        self.stack.append(heading)
        self.toc.append({"rank": heading.rank, "line": i + 1, "page": self.page_of[i], "title": heading.title})

    def _caption(self, i: int) -> int:
        m = CAPTION.match(self.lines[i])
        assert m
        self._close()
        builder = TextBuilder()
        builder.append(f"{m['kind']}{m['num']}\u3000{m['title']}", self.page_of[i], i)
        nxt = i + 1
        # A caption that ends with a space goes on in the next line (two-line caption).
        if self.lines[i].endswith(" ") and nxt < len(self.lines) and self._content(nxt) \
                and line_role(self.lines[nxt]) == "body":
            builder.append(self.cleaned[nxt], self.page_of[nxt], nxt)
            nxt += 1
        extra: dict = {"figure": f"{m['kind']}{m['num']}"}
        if m["src"]:
            note = self.footnotes.get(self._section(), int(m["src"]))
            builder.mark_reference(marker(int(m["src"])))
            if note:
                extra["footnote_refs"] = [note.key]
        self._record("caption", builder, extra)
        return nxt

    def _emit_footnote(self, i: int) -> None:
        for note in self.footnotes.notes.values():
            if note.lines and note.lines[0] == i + 1:
                builder = TextBuilder()
                builder.append(f"{marker(note.number)}{note.text}", note.page, i)
                builder.lines = list(range(note.lines[0] - 1, note.lines[1]))
                path = [h.title for h in self.stack if h.rank <= 2]
                self.records.append((i, "footnote", builder, path, [note.section], {"footnote": note.key}))

    def _read_region(self, start: int) -> int:
        end, name = self.regions[start]
        if name.startswith("sidebar:"):
            title = name.split(":", 1)[1]
            lines = [(k, self.cleaned[k], self.page_of[k]) for k in self._sidebar_lines]
            parts = read_sidebar(with_blanks(lines, self.lines), title)
            path = self._path() + [f"［コラム］{title}"]
            for part in parts:
                self._record_region(part, path)
            return end
        # Removed lines (a legend inside a table) read as blanks so row rules still see the gap.
        lines = [(k, "" if k in self.removed else self.cleaned[k], self.page_of[k]) for k in range(start, end)]
        if any(GOAL_ROW.match(t.strip()) for _, t, _ in lines):
            rows = read_goal_table(lines, name)
        elif any(vertical_runs(lines)):
            rows = read_goal_objective_table(lines, name, self._goals_named_before(start))
        else:
            rows = read_programme_table(lines, name)
        for row in rows:
            self._record_region(row, self._path())
        return end

    def _goals_named_before(self, start: int) -> list[str]:
        """Goal names as the body text enumerates them: （1）…こと、（2）…こと、（3）…こと."""
        text = "".join(b.text for _, kind, b, *_ in self.records[-12:] if kind == "paragraph")
        return [re.sub(r"\s+", "", g) for g in re.findall(r"（\d）(.+?)こと", text)]

    def _record_region(self, part: RegionPassage, path: list[str]) -> None:
        builder = TextBuilder()
        builder.text, builder.breaks = part.text, part.breaks
        builder.first_page, builder.page, builder.lines = part.page, part.page_end, part.lines
        self.records.append((part.lines[0], part.type, builder, path, [self._section()], part.extra))

    # ---- output ------------------------------------------------------------------------
    def _finish(self) -> ParsedReport:
        self.records.sort(key=lambda r: r[0])
        passages: list[Passage] = []
        for n, (_, kind, b, path, (section,), extra) in enumerate(self.records, start=1):
            passages.append(Passage(
                id=f"p{n:04d}", type=kind, text=b.text, section=section, path=list(path),
                page=b.first_page or 0, page_end=b.page or b.first_page or 0,
                line_start=min(b.lines) + 1, line_end=max(b.lines) + 1,
                page_breaks=list(b.breaks), extra=dict(extra),
            ))
        _move_early_captions(passages)
        open_with_stating_headings(passages, self.toc)
        pages = [p for p in self.page_of if p is not None]
        return ParsedReport(passages, self.footnotes, self.toc, self.layout.legend_text, min(pages), max(pages))


def _as_item(text: str) -> str:
    s = text.strip()
    if s.startswith(("・", "•")):
        return s[0] + s[1:].strip()
    return s


def _move_early_captions(passages: list[Passage]) -> None:
    """A caption printed above the heading of the subsection that cites it joins that path."""
    for idx, cap in enumerate(passages):
        if cap.type != "caption":
            continue
        figure = cap.extra.get("figure", "")
        for other in passages[idx + 1 :]:
            if other.line_start - cap.line_end > CAPTION_CITATION_WINDOW:
                break
            if other.type == "paragraph" and f"{figure}に" in other.text.replace(" ", ""):
                if other.path != cap.path:
                    cap.extra["path_by_position"] = cap.path
                    cap.path = list(other.path)
                    cap.section = other.section
                break
