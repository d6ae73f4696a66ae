"""Citations: markers in the answer mapped to chunks, each with an exact quote of the report.

Quotes are never generated: a quote is a sentence (or list item) of the cited chunk, chosen as
the one that best supports the answer sentence, and checked to stand in the report text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..passages import Chunk
from ..places import heading_places, places_named
from .numbers import LIST_NUMBER, claimed_numbers, is_supported, numbers_in

MARKER = re.compile(r"［(\d+)］|\[(\d+)\]|【(\d+)】")
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")
# An English sentence ends at . ! ? (and its markers) unless a lower-case word follows or an
# abbreviation precedes: "i.e. while", "e.g. NSF", "the U.S. Department" and "Mr. Abe" do not end
# one. Nor does the number of a list item ("1. Excellent science") at the start of a line, or
# after the colon or semicolon of a list run into a sentence ("three perspectives: 1. …; 2. …").
NOT_AN_END = (r"(?<!\bi\.e)(?<!\be\.g)(?<!\bU\.S)(?<!\betc)(?<!\bvs)(?<!\bapprox)(?<!\bNo)"
              r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bProf)"
              r"(?<!^\d)(?<!^\d\d)(?<!\n\d)(?<!\n\d\d)(?<!: \d)(?<!; \d)(?<!: \d\d)(?<!; \d\d)")
# A sentence's markers follow it on its line, or stand alone on the next; a marker that opens a
# line of text ("\n\n[3] STMicroelectronics …") belongs to that text.
SENTENCE_MARKERS = r"(?:[ \t]*(?:［\d+］|\[\d+\])|\s*(?:［\d+］|\[\d+\])(?=[ \t]*(?:\n|$)))*"
ENGLISH_END = rf"{NOT_AN_END}[.!?]{SENTENCE_MARKERS}(?=\s+[^a-z]|\s*$)"
_MARKER_LINE = re.compile(r"[ \t]*\n\s*((?:(?:［\d+］|\[\d+\])[ \t]*)+)(?=\n|$)")
# Each item of a numbered list is a claim of its own, whatever ends it; so is a paragraph, as the
# last item of a list is (「3. デルタ州（DE）」 before a blank line is no part of the paragraph after it).
LIST_ITEM = re.compile(rf"\s*{LIST_NUMBER}(?:[ \t]|［\d+］|\[\d+\])")
_ANSWER_SENTENCE = re.compile(
    rf".+?(?:[。！？]{SENTENCE_MARKERS}|{ENGLISH_END}|(?=\n{LIST_ITEM.pattern})|(?=[ \t]*\n[ \t]*\n)|$)", re.S)


def chunk_location(chunk: Chunk) -> dict:
    """Where a chunk stands in the report, as the JSON of citations and closest passages gives it."""
    return {"chunk_id": chunk.id, "section": chunk.section, "heading_path": chunk.heading_path,
            "page": chunk.page, "page_end": chunk.page_end}


@dataclass
class Citation:
    marker: int
    chunk: Chunk
    quote: str

    def to_json(self) -> dict:
        return {"marker": self.marker, **chunk_location(self.chunk), "quote_page": self.quote_page, "quote": self.quote}

    @property
    def quote_page(self) -> int:
        span = find_quote(self.chunk.text, self.quote)
        return self.chunk.page_at(span[0] if span else 0)


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def chunk_sentences(chunk: Chunk) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(chunk.text) if len(s.strip()) >= 6]


def split_answer(answer: str) -> list[str]:
    # Markers alone on their line cite the sentence above them: pull them up onto its line.
    answer = _MARKER_LINE.sub(r"\1", answer.strip())
    return [s.strip() for s in _ANSWER_SENTENCE.findall(answer) if s.strip()]


def markers_in(sentence: str) -> list[int]:
    return [int(next(g for g in m.groups() if g)) for m in MARKER.finditer(sentence)]


# A marker inside an English sentence takes its leading space along: "2022, [2] cooling"
# becomes "2022, cooling", not "2022,  cooling". Markers listed with commas ("etc. [1], [2], [3]")
# take the commas between them along, which would otherwise be left as "etc.,,".
_MARKER_AND_SPACE = re.compile(r"[ \t]*(?:" + MARKER.pattern + r")(?:[ \t]*[,、][ \t]*(?=" + MARKER.pattern + "))?")


def strip_markers(text: str) -> str:
    return _MARKER_AND_SPACE.sub("", text).strip()


def bigrams(text: str) -> set[str]:
    t = _fold(text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def overlap(a: str, b: str) -> float:
    """Share of a's character bigrams found in b (language-agnostic for names and numbers)."""
    ba = bigrams(a)
    return len(ba & bigrams(b)) / len(ba) if ba else 0.0


_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def latin_word_share(claim: str, sentence: str) -> float:
    """Share of an English claim's words that a passage sentence writes in Latin letters (its
    names and terms: mRNA, CRISPR-Cas, Horizon2020), as runs of two letters or more in lower case."""
    words = {w.lower() for w in _LATIN_WORD.findall(claim)}
    written = {w.lower() for w in _LATIN_WORD.findall(unicodedata.normalize("NFKC", sentence))}
    return len(words & written) / len(words) if words else 0.0


PLACE_BONUS = 0.1  # the scale of the similarities' differences between a passage's sentences


def best_quote(claim: str, chunk: Chunk, similarity=None, prior: dict[str, float] | None = None,
               asked: frozenset[float] | set[float] = frozenset()) -> str:
    """The sentence of ``chunk`` that best supports ``claim``.

    Japanese claims are matched by shared character bigrams; ``similarity(claim, sentences)``
    (cross-lingual embeddings) decides for English claims, with shared numbers as a bonus.
    ``prior`` maps sentences to their similarity with the question (from retrieval): a claim
    answers the question, so the sentence that matched the question is the likelier source.

    The claim's figures (other than the question's own, ``asked``) come first: a quote that lacks
    them does not support the claim, however close its wording. 「量子技術の研究費は3,108億円」
    was once quoted by its passage's opening 「2022年度の…研究費は20兆7,040億円」, which shares
    the claim's words and the question's, not its figure.

    A place the claim names beyond the one the passage is filed under adds ``PLACE_BONUS``:
    "companies that receive CHIPS Act money cannot expand … in countries such as China" was
    quoted by the passage's sentence naming the CHIPS Act (its Latin word and the question's
    wording), not by the one that writes 中国. A bonus, not a rule: the sentence that states a
    claim may leave its country unsaid (「GaN-on-Siを利用した製品…の企業が多数あり」 for "many
    Chinese companies make … using GaN-on-Si", beside 「中国では、…研究開発が進められている」).
    """
    sentences = list(prior) if prior else (chunk_sentences(chunk) or [chunk.text.strip()])
    numbers = {v for _, v in claimed_numbers(claim)} - set(asked)
    places = places_named(claim) - heading_places(chunk.heading_path)
    scores = []
    sims = similarity(claim, sentences) if similarity else [0.0] * len(sentences)
    # An English claim shares character bigrams with any Latin text ("in", "er" with "small
    # interfering RNA"), so its overlap is counted in whole words.
    shares = (lambda s: latin_word_share(claim, s)) if similarity else (lambda s: overlap(claim, s))
    for sentence, sim in zip(sentences, sims):
        shared = sum(1 for v in numbers if is_supported(v, numbers_in(sentence)))
        bonus = (prior or {}).get(sentence, 0.0)
        scores.append((shared, shares(sentence) + sim + bonus + PLACE_BONUS * len(places & places_named(sentence))))
    return sentences[max(range(len(sentences)), key=scores.__getitem__)]


def quote_in_report(quote: str, report_text_folded: str) -> bool:
    return _fold(re.sub(r"［注\d+］", "", quote)) in report_text_folded


_FOOTNOTE = re.compile(r"［注(\d+)］")


def as_printed(sentence: str) -> str:
    """A chunk sentence as the report file prints it: the parser turned flattened footnote
    digits ("基本計画 6を発表") into ［注6］, which the report text itself does not contain."""
    return _FOOTNOTE.sub(r"\1", sentence)


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` stands in a chunk's ``text``, where a footnote digit of the quote may be
    the chunk's ［注n］ (see ``as_printed``)."""
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    parts = re.split(r"(\d+)", quote)
    pattern = "".join(re.escape(p) if i % 2 == 0 else rf"(?:［注{p}］|{p})" for i, p in enumerate(parts))
    match = re.search(pattern, text)
    return match.span() if match else None


def fold_report(text: str) -> str:
    return _fold(text)
