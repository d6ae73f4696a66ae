"""A Japanese answer that is only a bare phrase gets the report sentence it rests on.

Asked in Japanese, the small model often answers with the name or figure alone — 「化審法［1］」,
「N5.2 次世代元素戦略［1］」 — even when the question asks what it stands for, or for a list of
which the phrase is one item. The sentence quoted for the citation says what the phrase means
and what it belongs to, so it is shown beneath the answer, copied from the report (never
generated), as NotebookLM shows the quote beside a terse answer. So does an answer of Latin
names alone, even as a list (「1. NanoProt-ID 2. ProteinID」). Full sentences are left alone,
unless the question asks for a name and the answer, copying the sentence that gives it, left the
name out: then that sentence is shown beneath it too.
English answers are not given Japanese quotes in their text: their citations carry them.
"""

from __future__ import annotations

import re

from .citations import LIST_ITEM, Citation, markers_in, strip_markers

# A phrase this short without a sentence ending is an answer word, not an answer sentence. Every
# sentence ending of a Japanese answer (です, ます, た, る, ない, …) is written in hiragana; a
# noun phrase ends in kanji, katakana, a figure or a unit.
MAX_PHRASE_CHARS = 30
_SENTENCE_END = re.compile(r"[ぁ-ゖ][。.]?$")
QUOTE_LINE = "根拠：「{quote}」［{marker}］"
# A figure without its unit or subject ("3［1］" for 何ナノメートル？) says nothing a reader can
# check, and may be a digit taken from another word (3次元): the quoted sentence replaces it.
_BARE_FIGURE = re.compile(r"^[\d０-９.,，．\s]+$")
FIGURE_IN_QUOTE = "報告書の記述：「{quote}」［{marker}］"
_JAPANESE = re.compile(r"[ぁ-ゖァ-ヺー\u3400-\u9fff々]")
_ASKS_NAME = re.compile(r"何という|なんという|何と呼|何と名付|名称|名前")
_QUOTED = re.compile(r"「([^「」]{2,40})」")
# A name an answer may give without 「」: Latin words (SPRIN-D, MatNavi) or a katakana run.
_OWN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9\-+&.]{2,}|[ァ-ヺー]{3,}")


def is_bare_phrase(text: str) -> bool:
    """Whether the answer is one short phrase, or a few on lines of their own (「試作回数：1/20」,
    「開発期間：1/20」), without a sentence among them; a numbered list keeps its own lines."""
    body = strip_markers(text).strip().rstrip("。")
    lines = [line.strip().rstrip("。") for line in body.split("\n") if line.strip()]
    return bool(lines) and len("".join(lines)) <= MAX_PHRASE_CHARS and "。" not in body \
        and not any(_SENTENCE_END.search(line) or LIST_ITEM.match(line) for line in lines)


def writes_no_japanese(text: str) -> bool:
    """Whether the answer is only Latin names and figures (「1. NanoProt-ID 2. ProteinID」): no
    Japanese reader's sentence, and read as English it answers in the wrong language."""
    return not _JAPANESE.search(strip_markers(text))


def leaves_out_asked_name(question: str, text: str, quotes: list[str]) -> bool:
    """Whether a question asking for a name (何という, 名称) got an answer that writes none
    (nothing in 「」, no Latin or katakana name the question lacks) while a quote it cites sets
    one in 「」 that neither the answer nor the question writes. Asked what China's first
    long-term standardisation strategy is called, the model copied the sentence that names it,
    leaving out 「国家標準化発展綱要」."""
    if not _ASKS_NAME.search(question) or _QUOTED.search(text):
        return False
    if any(name not in question for name in _OWN_NAME.findall(strip_markers(text))):
        return False
    return any(name not in text and name not in question for quote in quotes for name in _QUOTED.findall(quote))


def with_supporting_quotes(text: str, citations: list[Citation], language: str,
                           question: str = "") -> tuple[str, str | None]:
    """(``text`` with the quotes of the passages it cites on lines beneath it, a note of what was
    done or None); a bare figure is replaced by them."""
    if language != "ja":
        return text, None
    marked = set(markers_in(text))
    if not (is_bare_phrase(text) or writes_no_japanese(text)):
        if not leaves_out_asked_name(question, text, [c.quote for c in citations if c.marker in marked]):
            return text, None
        return "\n".join([text, *(QUOTE_LINE.format(quote=c.quote, marker=c.marker)
                                   for c in citations if c.marker in marked and _QUOTED.search(c.quote))]), \
            "the answer left out the name asked for: the report sentence that gives it is shown beneath it"
    cited = [c for c in citations if c.marker in marked] or citations[:1]
    phrase = strip_markers(text).strip()
    figure = _BARE_FIGURE.match(phrase.rstrip("。"))
    line = FIGURE_IN_QUOTE if figure else QUOTE_LINE
    lines = [line.format(quote=c.quote, marker=c.marker) for c in cited if c.quote and c.quote.strip() != phrase]
    if not lines:
        return text, None
    if figure:
        return "\n".join(lines), "a bare figure: replaced by the report sentence quoted for it"
    return "\n".join([text, *lines]), "a bare phrase: the report sentence it rests on is shown beneath it"
