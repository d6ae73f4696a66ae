"""Cuts passages into the chunks that are embedded, retrieved and cited.

Chunks never cross a heading path, aim at ``target_chars`` and never exceed ``max_chars``:
the e5/XLM-R encoder reads at most 512 tokens and Japanese prose costs up to 0.67 tokens per
character, so 600 characters plus a heading header stay well inside that limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .parsing.stating_headings import stated_in_heading
from .passages import Chunk, PageBreak, Passage

# Passages of these types are joined with their neighbours on the same heading path; the rest
# (captions, table rows, footnotes, references) are cited on their own.
MERGEABLE = frozenset({"paragraph", "list", "sidebar"})
_SENTENCE_END = re.compile(r"(?<=[。！？])(?![）」』])|(?<=[。！？][）」』])|(?<=\n)")


@dataclass(frozen=True)
class ChunkSettings:
    target_chars: int = 400
    max_chars: int = 600


@dataclass
class _Piece:
    passage: Passage
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    cuts = [0] + [m.start() for m in _SENTENCE_END.finditer(text) if 0 < m.start() < len(text)] + [len(text)]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _split_long_sentence(start: int, end: int, text: str, limit: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than ``limit`` after the last 、 before the limit (or at the limit)."""
    spans = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = window.rfind("、")
        cut = start + (cut + 1 if cut > limit // 3 else limit)
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return spans


def split_passage(passage: Passage, settings: ChunkSettings) -> list[_Piece]:
    text = passage.text
    if len(text) <= settings.max_chars:
        return [_Piece(passage, 0, len(text))]
    sentences: list[tuple[int, int]] = []
    for a, b in _sentence_spans(text):
        sentences.extend(_split_long_sentence(a, b, text, settings.max_chars))
    pieces: list[_Piece] = []
    start = end = sentences[0][0]
    for a, b in sentences:
        if end > start and b - start > settings.target_chars:
            pieces.append(_Piece(passage, start, end))
            start = a
        end = b
    pieces.append(_Piece(passage, start, end))
    # A short remnant joins the piece before it when the hard limit allows.
    if len(pieces) > 1 and pieces[-1].end - pieces[-1].start < settings.target_chars // 3:
        last, prev = pieces[-1], pieces[-2]
        if last.end - prev.start <= settings.max_chars:
            pieces[-2:] = [_Piece(passage, prev.start, last.end)]
    return pieces


def _make_chunk(number: int, pieces: list[_Piece]) -> Chunk:
    text_parts: list[str] = []
    breaks: list[PageBreak] = []
    offset = 0
    first = pieces[0]
    page = first.passage.page_at(first.start)
    current = page
    for n, piece in enumerate(pieces):
        if n:
            text_parts.append("\n")
            offset += 1
        raw = piece.text
        stripped_left = len(raw) - len(raw.lstrip())
        body = raw.strip()
        start_page = piece.passage.page_at(piece.start + stripped_left)
        if start_page != current:
            breaks.append(PageBreak(offset, start_page))
            current = start_page
        for brk in piece.passage.page_breaks:
            rel = brk.offset - piece.start - stripped_left
            if 0 < rel < len(body) and brk.page != current:
                breaks.append(PageBreak(offset + rel, brk.page))
                current = brk.page
        text_parts.append(body)
        offset += len(body)
    passages = list(dict.fromkeys(p.passage.id for p in pieces))
    kinds = {p.passage.type for p in pieces}
    return Chunk(
        id=f"c{number:04d}",
        text="".join(text_parts),
        section=first.passage.section,
        heading_path=list(first.passage.path),
        page=page,
        page_end=current,
        passage_ids=passages,
        type=kinds.pop() if len(kinds) == 1 else "mixed",
        page_breaks=breaks,
    )


# The last sentence of a paragraph that introduces the list after it: 「応用分野としては以下を重点
# 分野として研究開発を推進している。」, 「次の5拠点・代表機関を採択している。」, 「…（下記）が指定されている。」
_LEADS_IN = re.compile(r"(?:以下|次の|下記|：|:)[^。]{0,30}。?\s*$")


def _lead_in_start(group: list[_Piece], passage: Passage) -> int | None:
    """Where, in the passage of ``group``'s last piece, the sentence that closes the group and
    introduces ``passage`` (a list on the same heading path) starts; None when there is none."""
    last = group[-1]
    if passage.type != "list" or last.passage.type != "paragraph" or last.passage.path != passage.path:
        return None
    spans = [(a, b) for a, b in _sentence_spans(last.text) if last.text[a:b].strip()]
    if not spans or not _LEADS_IN.search(last.text[spans[-1][0]:spans[-1][1]]):
        return None
    return last.start + spans[-1][0]


def chunk_passages(passages: Iterable[Passage], settings: ChunkSettings | None = None) -> list[Chunk]:
    settings = settings or ChunkSettings()
    groups: list[list[_Piece]] = []
    for passage in passages:
        for piece in split_passage(passage, settings):
            group = groups[-1] if groups else None
            if (
                group
                and passage.type in MERGEABLE
                and group[-1].passage.type in MERGEABLE
                and group[-1].passage.path == passage.path
                and sum(len(p.text) + 1 for p in group) + len(piece.text) <= settings.target_chars
            ):
                group.append(piece)
                continue
            # A list that starts a chunk takes along the sentence that introduces it, when the
            # hard limit allows: cut from its lead-in, a list of application areas never says
            # what its items are.
            start = _lead_in_start(group, passage) if group and piece.start == 0 else None
            if start is not None and group[-1].end - start + 1 + len(piece.text) <= settings.max_chars:
                last = group.pop()
                if start > last.start:
                    group.append(_Piece(last.passage, last.start, start))
                if not group:
                    groups.pop()
                groups.append([_Piece(last.passage, start, last.end), piece])
            else:
                groups.append([piece])
    return [_make_chunk(n, group) for n, group in enumerate(groups, start=1)]


def heading_header(chunk: Chunk) -> str:
    """The heading context prepended to a chunk's text for embedding and keyword search."""
    path = [p for p in chunk.heading_path[1:]]
    return "［" + " > ".join(path) + "］" if path else ""


_HEADING_MARKS = re.compile(r"^[■●○◆□\s]+|［注\d+］")
# A space counts only between two Latin words or numbers ("The CHIPS and Science Act of 2022");
# runs of white space are one space first (a tab may stand in a heading).
_SPACE = re.compile(r"\s+(?![A-Za-z0-9])|(?<![A-Za-z0-9.,:&])\s+")
_LATIN_PHRASE = r"[A-Za-z0-9 .,:&'-]"  # a character of a Latin phrase ("Act of 2022", "R&D")
_LATIN_PHRASE_END = re.compile(rf"[A-Za-z0-9]{_LATIN_PHRASE}*$")
SHORT_HEADING_CHARS = 24
LATIN_OVERRUN = 12  # characters a Latin phrase may run past the limit rather than be cut


def _shortened(heading: str) -> str:
    """``heading`` cut to SHORT_HEADING_CHARS, never inside a Latin phrase: "…Act of 2" reads as
    another year (the model wrote "The CHIPS and Science Act of 2014"). A phrase that ends soon
    after the limit is kept whole; a longer one is left out."""
    if len(heading) <= SHORT_HEADING_CHARS:
        return heading
    cut = heading[:SHORT_HEADING_CHARS]
    inside = _LATIN_PHRASE_END.search(cut)
    if inside and re.match(_LATIN_PHRASE, heading[SHORT_HEADING_CHARS]):
        whole = re.match(f"{_LATIN_PHRASE}*", heading[inside.start():]).group(0).rstrip()
        cut = (heading[:inside.start()] + whole if len(whole) - len(inside.group(0)) <= LATIN_OVERRUN
               else cut[:inside.start()])
    return cut.rstrip(" （(・、/")


def short_heading(chunk: Chunk) -> str:
    """A compact label for the model: the country or theme, and the most specific heading.

    "1.2.4 … > 米国 > ■基本政策 > ● 国家ナノテクノロジーイニシアティブ（…：NNI）［注2］" becomes
    "米国 / 国家ナノテクノロジーイニシアティブ": every token of context costs prefill time.
    """
    parts = [_SPACE.sub("", " ".join(_HEADING_MARKS.sub("", p).split())) for p in chunk.heading_path[2:]]
    parts = [_shortened(p) for p in parts if p]
    if not parts:
        return chunk.heading_path[-1] if chunk.heading_path else chunk.section
    return parts[0] if len(parts) == 1 else f"{parts[0]} / {parts[-1]}"


def opening_heading(chunk: Chunk) -> str | None:
    """The heading words that open the chunk's text (stating_headings.py), or None."""
    words = stated_in_heading(chunk.heading_path[-1]) if chunk.heading_path else None
    return words if words and chunk.text.startswith(words + "\n") else None


def retrieval_body(chunk: Chunk) -> str:
    """The chunk's text without the heading words that open it: the heading header already
    carries them, and twice over they lift the chunk above its section's other chunks for any
    question naming the section (the workshop's title in a question about its sessions)."""
    words = opening_heading(chunk)
    return chunk.text[len(words) + 1:] if words else chunk.text


def embedding_text(chunk: Chunk) -> str:
    header = heading_header(chunk)
    body = retrieval_body(chunk)
    return f"{header}\n{body}" if header else body


# What a list of links is made of: URLs, their labels (【参照】), footnote marks and access dates.
_LINK_PARTS = re.compile(r"https?://\S+|【(?:参照|参考)】|［注\d+］|[（(]?\s*\d{4}年\d{1,2}月\d{1,2}日アクセス[）)]?")


def links_only(chunk: Chunk) -> bool:
    """Whether the chunk is only a list of links: the workshop reports' 【参照】 URLs, a footnote
    that gives a web address. It states nothing a question could be answered from, yet a URL's
    words ("the-national-hydrogen-strategy.pdf") bring it close to questions."""
    return not re.search(r"\w", _LINK_PARTS.sub("", chunk.text))


_UNIT_SENTENCE = re.compile(r"[^。\n]+。?")
# A retrieval unit that is an item of a bulleted or numbered list of the report.
REPORT_LIST_ITEM = re.compile(r"[•・○●◆]|[(（]?[0-9０-９]{1,2}[)）]|[①-⑳]")
MIN_SENTENCE_CHARS = 8


def unit_sentences(chunk: Chunk) -> list[str]:
    """The sentences of a chunk that are retrieval units of their own (none for a one-sentence chunk)."""
    found = _UNIT_SENTENCE.findall(retrieval_body(chunk))
    sentences = [t.strip() for t in found if len(t.strip()) >= MIN_SENTENCE_CHARS]
    return sentences if len(sentences) >= 2 else []


def list_runs(sentences: list[str]) -> list[list[int]]:
    """Indices of ``sentences`` grouped so that consecutive items of one bulleted or numbered list
    form one group; every other sentence is a group of its own."""
    runs: list[list[int]] = []
    for i, sentence in enumerate(sentences):
        if REPORT_LIST_ITEM.match(sentence) and runs and REPORT_LIST_ITEM.match(sentences[runs[-1][-1]]):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def retrieval_units(chunks: list[Chunk]) -> tuple[list[str], list[int]]:
    """What the dense encoders embed: every chunk, and every sentence of it on its own.

    A paraphrased question usually targets one fact, and a small encoder matches it far better
    against the sentence that states it than against a 400-character chunk; the chunk's score
    is its best unit's. ``owners[i]`` is the chunk index of unit ``i``.
    """
    texts, owners = [], []
    for n, chunk in enumerate(chunks):
        texts.append(embedding_text(chunk))
        owners.append(n)
        sentences = unit_sentences(chunk)
        header = heading_header(chunk)
        for sentence in sentences:
            texts.append(f"{header}\n{sentence}" if header else sentence)
            owners.append(n)
    return texts, owners
