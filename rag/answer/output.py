"""What the model wrote, made answer text: stop rules, prompt echoes and stutters removed.

The small model sometimes echoes its prompt (rule lines, ``[n]`` placeholders, passage labels,
the English values annotated into the context) or stutters a unit; generation is stopped after
a few sentences, one token into the next. These repairs are purely textual and run before any
sentence is verified against the report (verify.py).
"""

from __future__ import annotations

import re
from typing import Sequence

from ..keywords import ENGLISH_FUNCTION_WORDS
from .citations import NOT_AN_END, SENTENCE_MARKERS, split_answer, strip_markers
from .numbers import claimed_numbers

MAX_SENTENCES = 3  # generation stops after this many complete sentences (answers are 1-2)
# Text this long written a second time is a decoding loop (greedy decoding would repeat it until
# the limit); shorter repeats can be a phrase of the passage used twice.
LOOP_CHARS = 60
# "… rely on [1] [2] [3] [4] [5] [6] …": the model counts markers instead of answering, a loop
# without a repeated text. More markers in a row than the context has passages end it; the words
# before them are then continued from (answer_left_to_marker).
_MARKER = r"\s*(?:\[\d+\]|［\d+］)"
# Unlike citations.ENGLISH_END, a "." at the very end of the text so far ends no sentence yet:
# its markers, or a lower-case word continuing it, may be the next tokens.
_SENTENCE_DONE = re.compile(rf"[。！？]{SENTENCE_MARKERS}|{NOT_AN_END}[.!?]{SENTENCE_MARKERS}(?=\s+(?:[^a-z]|$))")
_LIST_NUMBER = re.compile(r"(?:^|[\s:：、])[\d０-９]{1,2}$")  # "1. " opens a list item, it ends no sentence
_REPEATED_UNIT = re.compile(r"(\d[\d.,]*\s*)((?:[万億兆])?(?:ドル|円|ユーロ|ウォン|ポンド|元|人|件))\2")
_ANNOTATION_ECHO = re.compile(r"\s*[(（]=\s*[^()（）]*[)）]")
# "1,000,000 people (= 10 million people)": the model's own conversion, then the English value the
# context annotated the report's 1,000万人 with. The annotation is computed, the conversion is not:
# where they differ, the annotation stands.
_FIGURE_THEN_ECHO = re.compile(
    r"(?P<written>[$€£¥]?\d[\d,.]*(?:\s+(?:thousand|million|billion|trillion))?(?:\s+[A-Za-z]+){0,3}?)"
    r"\s*[(（]=\s*(?P<echoed>\d[^()（）]*?)\s*[)）]")


def _annotated_value(found: re.Match) -> str:
    written, echoed = found.group("written"), found.group("echoed")
    same = [v for _, v in claimed_numbers(written)] == [v for _, v in claimed_numbers(echoed)]
    return found.group(0) if same else echoed

# "£1 billion (£100 million)", "$43 billion ($43 billion US dollars)": the model's conversion, then
# the context's annotation copied in brackets without its "=". In one currency, two figures side by
# side cannot both be the amount; the annotation is computed from the report's figure
# (numbers.annotate_for_english), so it stands, once.
_SCALE = r"(?:\s+(?:thousand|million|billion|trillion))?"
_CURRENCY_WORD = r"(?:\s+(?:US\s+)?(?P<{}>dollars|euros|pounds|yen|won|yuan))?"
_MONEY_THEN_BRACKETED_MONEY = re.compile(
    rf"(?P<symbol>[$€£¥])(?P<written>\d[\d,.]*{_SCALE}){_CURRENCY_WORD.format('word1')}"
    rf"\s*[(（]\s*(?P=symbol)(?P<echoed>\d[\d,.]*{_SCALE}){_CURRENCY_WORD.format('word2')}\s*[)）]")
_SYMBOL_WORD = {"$": "dollars", "€": "euros", "£": "pounds", "¥": "yen"}


def _bracketed_annotation(found: re.Match) -> str:
    symbol = found.group("symbol")
    if any(found.group(w) not in (None, _SYMBOL_WORD[symbol]) for w in ("word1", "word2")):
        return found.group(0)  # "£494 million (£2.72 million euros)": two currencies, two things
    return symbol + found.group("echoed")


_PLACEHOLDER = re.compile(r"［[nNｎＮ]］|\[[nN]\]")
# Where the answer's figure should stand, the model wrote a placeholder: "allocates [n] billion
# euros", "［n］億円", "There are [2] scientists" (a marker after a verb or preposition that needs a
# quantity, before the noun it counts). The sentence has no answer; verification drops it. A
# marker before "to" numbers the items of an answer instead: "The two missions are [1] to solve
# … and [2] to strengthen …".
_QUANTITY_WORDS = (r"are|were|has|have|had|of|about|around|nearly|over|some|with|approximately|totaling|totalling|"
                   r"allocates|allocated|invests|invested|received|receives|employs|employed|spent|spends")
_FIGURE_PLACEHOLDER = re.compile(
    r"(?:［[nNｎＮxX]］|\[[nNxX]\])(?=\s*(?:[a-z%％万億兆]|percent\b))"
    # After such a word an [n] is the figure's place whatever follows it: "allocates [n] [2] [3]".
    rf"|\b({_QUANTITY_WORDS})[ \t]*(?:(?:\[\d+\]|［\d+］)(?=\s+(?!to\s)[a-z])|［[nNｎＮxX]］|\[[nNxX]\])"
    # A multiple of nothing: "China's output is [1] times higher than the US's", 「［1］倍」.
    r"|(?<=\s)(?:\[\d+\]|［\d+］)(?=\s*(?:times\b|-?fold\b))|(?:\[\d+\]|［\d+］)(?=倍)")
# The same placeholder with the figure written after it in brackets, as the context's annotation
# gave it: "invests approximately [1] billion won (500 million US dollars)". The figure is there;
# the words in between are the model's guess at a unit.
_PLACEHOLDER_THEN_FIGURE = re.compile(
    rf"\b({_QUANTITY_WORDS})[ \t]*(?:［[nNｎＮxX\d]］|\[[nNxX\d]\])(?:\s+[A-Za-z]+){{0,3}}\s*[(（]=?\s*"
    r"(\d[\d.,]*\s+(?:thousand|million|billion|trillion)\b[^()（）\[\]]*)[)）]")
FIGURE_PLACEHOLDER = "⁇"
# 「脂質ナノ粒子（［1］）」: a marker the model put in brackets of their own; the brackets go, and so
# does the n of the prompt's "[n] citations" left before it ("100 million euros (n[1])"), or the
# word for a page or passage it pointed with ("… an open ecosystem (p. [1])").
_POINTER = r"(?:[nNｎＮ]|[pP]{1,2}\.|[Pp]ages?|[Pp]assages?|[Ee]xcerpts?|抜粋|出典)"
_MARKER_IN_BRACKETS = re.compile(rf"[（(]\s*{_POINTER}?\s*((?:［\d+］|\[\d+\])+)\s*[）)]")
# The same pointer left open where generation stopped: "… prepare for the future (p."
_OPEN_POINTER_AT_END = re.compile(rf"\s*[（(]\s*{_POINTER}?\s*$")
# 「…発表した。［注9］」: the report's footnote reference, copied from the passage. It is no citation
# of ours (the quote shown for the passage keeps it where the report has it).
_FOOTNOTE_REFERENCE = re.compile(r"\s*[［\[]注\d+[］\]]")
_BRACKETED_TEXT = re.compile(r"\[([^\[\]\d][^\[\]]*)\]")  # "[Lifelong Learning Machines]": not a citation
# "The university that leads the cluster is [1].", "The strategy is outlined in [1].": the marker
# stands where the answer should. The words before it end in a copula, preposition or particle
# that needs a complement.
# Several markers may be joined as a list is ("… in use in [1] and [2].").
_MARKERS = r"\s*(?:\[\d+\]|［\d+］)(?:\s*(?:(?:,|、|and|と|および)\s*)?(?:\[\d+\]|［\d+］))*"
_ANSWER_LEFT_TO_MARKER = {
    "en": re.compile(r"^(.*\b(?:is|are|was|were|called|named|includes?|by|of|in|at|from|on|to|under|see|until|since))"
                     rf"{_MARKERS}\s*\.?$", re.S),
    "ja": re.compile(rf"^(.*(?:は|が|：|:)){_MARKERS}\s*。?$", re.S),
}
# "… in August 2023, citing [1].", "… 3D packaging, as stated in passage [1].": words that only
# introduce the marker. The marker stays; the words go.
_POINTING_WORDS = re.compile(r"(?:,\s*)?\b(?:citing|as (?:stated|mentioned|described|noted|shown|indicated) in"
                             r"(?: the)?(?: passages?| excerpts?)?)\s*(?=(?:\[\d+\]|［\d+］))", re.I)
# "According to passage [3], in 2021, India had …", "According to [1], Japan …": the words go, the
# marker moves to the end of the sentence (left in place, the words would read "According to
# passage, in 2021, …" or "According to, Japan …").
_LEADING_POINTER = re.compile(r"(?:(?<=^)|(?<=[.!?]\s))(?:according to|as (?:stated|shown|described|mentioned) in|"
                              r"based on)\s+(?:(?:the\s+)?(?:passages?|excerpts?)\s*)?((?:\s*(?:\[\d+\]|［\d+］))+)\s*,\s*",
                              re.I | re.M)
_ENGLISH_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
# "…, according to passage 1.2.3.": a section number the model read from the context's headings,
# pointed at in words. It is no marker and no figure of the claim; the words go.
_SECTION_POINTER = re.compile(r",?\s*\b(?:according to|as (?:stated|shown|described|noted|mentioned) in|see)\s+"
                              r"(?:the\s+)?(?:passage|section|excerpt|chapter)\s+\d+(?:\.\d+)+(?=\s*(?:[.;,]|\[|［|$))", re.I)
# The same in Japanese: 「予算は、［3］の文の通り、…」, 「採択件数は［2］で、2件です」: the words go (left,
# they read 「予算は、の文の通り、」), the marker moves to the end of the sentence.
_JAPANESE_POINTER = re.compile(r"((?:［\d+］|\[\d+\])+)\s*(?:の(?:文|記述|抜粋)?の?通り|によると|によれば|にあるように|"
                               r"にある通り|で(?:述べ|示さ)れているように|に(?:示さ|記載さ)れているように|で)、")
_JAPANESE_SENTENCE_END = re.compile(r"[。！？]")
# "Lab automation is described in [2] as a project by A*STAR": the claim is "is a project by
# A*STAR"; the words pointing at the passage go (left, they read "is described in as a project").
_DESCRIBED_IN = re.compile(r"(?<=\b)(?P<verb>is|are|was|were)\s+(?:described|mentioned|defined|characteri[sz]ed|presented|"
                           r"referred to|introduced)\s+in\s+(?:(?:the\s+)?(?:passages?|excerpts?)\s*)?"
                           r"(?P<markers>(?:\s*(?:\[\d+\]|［\d+］))+)\s+as\s+", re.I)
# "published … on August 2023": a month without its day takes "in".
_ON_MONTH = re.compile(r"\bon (?=(?:January|February|March|April|May|June|July|August|September|October|November|"
                       r"December),? \d{4}\b)")
_PROMPT_LEAK = re.compile(r"^.*(根拠となった抜粋|出典番号|Answer in English with).*$", re.M)


# The report abbreviates amounts as 22Mポンド and 95.5Bユーロ, and the model copies the letter
# into English ("22M pounds"); written out, an English reader cannot take the B for anything else.
_SCALE_LETTER = re.compile(r"(?<![\w.])([$€£¥]?\d[\d,]*(?:\.\d+)?)\s?([MB])(?=\s+(?:US |U\.S\. )?(?:pounds?|euros?|"
                           r"dollars?|yen|won|yuan)\b|\s*(?:ポンド|ユーロ|ドル|円|ウォン|元)|\s*[.,;)]|\s*[\[［]|\s*$)")
_SCALE_WORD = {"M": "million", "B": "billion"}


def spell_out_scales(text: str) -> str:
    """"22M pounds" -> "22 million pounds", "€95.5B" -> "€95.5 billion" (English answers only)."""
    return _SCALE_LETTER.sub(lambda m: f"{m.group(1)} {_SCALE_WORD[m.group(2)]}", text)


# "The passage states that materials synthesis is …": the reader sees no passages, only the report
# and its quotes; the words go and the claim stands on its own.
_PASSAGE_SAYS = re.compile(r"(?:(?<=^)|(?<=[.!?\]]\s))(?:the|this) (?:passages?|excerpts?) (?:states?|says|mentions?|"
                           r"indicates?|shows?|notes?|explains?) that\s+([a-z])", re.I | re.M)


def _markers_to_sentence_end(text: str, pointer: re.Pattern, sentence_end: re.Pattern, kept: str = "",
                             capitalise: bool = False) -> str:
    """Each ``pointer`` match replaced by ``kept`` (a template of its groups), its markers (the
    group named ``markers``, else group 1) moved to the end of the sentence it stands in."""
    while found := pointer.search(text):
        rest = text[found.end():]
        end = sentence_end.search(rest)
        at = end.start() if end else len(rest)
        if capitalise:
            rest = rest[:1].upper() + rest[1:]
        markers = found.group("markers" if "markers" in pointer.groupindex else 1).strip()
        text = text[:found.start()] + found.expand(kept) + rest[:at] + markers + rest[at:]
    return text


def _without_leading_pointer(text: str) -> str:
    text = _markers_to_sentence_end(text, _JAPANESE_POINTER, _JAPANESE_SENTENCE_END)
    text = _PASSAGE_SAYS.sub(lambda m: m.group(1).upper(), text)
    text = _markers_to_sentence_end(text, _LEADING_POINTER, _ENGLISH_SENTENCE_END, capitalise=True)
    return _markers_to_sentence_end(text, _DESCRIBED_IN, _ENGLISH_SENTENCE_END, kept=r"\g<verb> ")


# "The pillars are [1] supply chain protection, [2] important infrastructure …, [3] … and [4] …":
# the model numbers a list the report writes with ①②③ by the context's markers. Three or more
# markers [1], [2], [3] … in this order, each opening a content word, number items: they cite
# nothing, and read as placeholders they would drop the sentence. A citation inside a sentence
# is followed by the sentence's next words ("by the NNI [1] and the DOE [2] in 2021").
_OPENING_MARKER = re.compile(r"\[(\d+)\][ \t]+(?=([a-z]+))")
_NOT_AN_ITEM = ENGLISH_FUNCTION_WORDS | {"while", "but"}
MIN_ENUMERATED = 3


def _without_enumerators(text: str) -> str:
    found = [m for m in _OPENING_MARKER.finditer(text) if m.group(2) not in _NOT_AN_ITEM]
    numbers = [int(m.group(1)) for m in found]
    if len(found) < MIN_ENUMERATED or numbers != list(range(1, len(found) + 1)):
        return text
    for m in reversed(found):
        text = text[:m.start()] + text[m.end():]
    return text


def _mark_placeholder(found: re.Match) -> str:
    return f"{found.group(1) or ''} {FIGURE_PLACEHOLDER}".lstrip()


def clean_output(raw: str, labels: Sequence[str] = ()) -> str:
    """Remove prompt echoes the small model sometimes produces: ``[n]`` placeholders, rule text,
    the passage labels of the context ("（日本 / 研究開発プロジェクト）"), and the English values
    annotated into the context ("$2.16 billion (= 2.16 billion US dollars)")."""
    # A leaked rule line may carry the model's citation ("［2］の出典番号付き、日本語："): keep it.
    text = _MARKER_IN_BRACKETS.sub(r"\1", _OPEN_POINTER_AT_END.sub("", _FOOTNOTE_REFERENCE.sub("", raw)))
    text = _PLACEHOLDER_THEN_FIGURE.sub(r"\1 \2", _without_enumerators(text))
    text = _PLACEHOLDER.sub("", _FIGURE_PLACEHOLDER.sub(_mark_placeholder, text))
    leaks_removed = _PROMPT_LEAK.sub(lambda m: "".join(re.findall(r"［\d+］|\[\d+\]", m.group(0))), text)
    text = _FIGURE_THEN_ECHO.sub(_annotated_value, _MONEY_THEN_BRACKETED_MONEY.sub(_bracketed_annotation, leaks_removed))
    text = _BRACKETED_TEXT.sub(r"\1", _ANNOTATION_ECHO.sub("", text))
    text = _REPEATED_UNIT.sub(r"\1\2", text)  # "21.6 億ドル億ドル": a decoding stutter
    text = _POINTING_WORDS.sub("", _without_leading_pointer(_SECTION_POINTER.sub("", text)))
    text = _ON_MONTH.sub("in ", text)
    for label in labels:
        text = re.sub(rf"\s*[(（]{re.escape(label)}[)）]\s*", "", text)
    return text


def answer_left_to_marker(raw: str, language: str) -> str | None:
    """The words to continue from when the first sentence ends in a citation marker where its
    answer should be ("… is [1]."), else None. The marker is dropped; what the model writes
    after those words is the answer."""
    sentences = split_answer(raw)
    pattern = _ANSWER_LEFT_TO_MARKER.get(language)
    match = pattern.match(sentences[0]) if sentences and pattern else None
    return match.group(1) if match else None


def _sentence_ends(text: str) -> list[int]:
    return [m.end() for m in _SENTENCE_DONE.finditer(text) if not _LIST_NUMBER.search(text[:m.start()])]


class SentenceStop:
    """When generation stops: after ``MAX_SENTENCES`` sentences, or at the first sentence end
    once ``soft_tokens`` are written, so that a long sentence is finished rather than cut (the
    backend's hard limit, a little higher, still bounds the time), or at a loop: a text written
    again, or more markers in a row than the context has ``passages``.

    It stops one token into the next sentence, so the markers after a sentence end are kept;
    ``trim`` then drops that token."""

    def __init__(self, soft_tokens: int, passages: int = 4) -> None:
        self.soft_tokens = soft_tokens
        self._marker_run = re.compile(rf"(?:{_MARKER}){{{passages + 1}}}\s*$")  # see _MARKER
        self.ends_at_soft_limit: int | None = None
        self.fired = False
        self.looped = False  # the model began writing the same text again

    def __call__(self, text: str, tokens: int) -> bool:
        if len(text) >= 2 * LOOP_CHARS and text[-LOOP_CHARS:] in text[:-LOOP_CHARS]:
            self.looped = self.fired = True  # greedy decoding in a loop would only repeat it
            return True
        if self._marker_run.search(text):
            self.fired = True  # trim keeps the run: the sentence has no end to cut it at
            return True
        ends = _sentence_ends(text)
        if tokens >= self.soft_tokens and self.ends_at_soft_limit is None:
            self.ends_at_soft_limit = len(ends)
        moved_on = bool(ends) and bool(strip_markers(text[ends[-1]:]))
        self.fired = len(ends) >= MAX_SENTENCES or (
            self.ends_at_soft_limit is not None and len(ends) > self.ends_at_soft_limit and moved_on)
        return self.fired

    def trim(self, text: str) -> str:
        if not self.fired:
            return text
        if self.looped:
            # Drop the second copy, and the unfinished sentence it began in when an earlier
            # sentence is complete ("A. B. A(again)…" is "A. B."); a loop inside the first
            # sentence leaves that sentence cut.
            text = text[:-LOOP_CHARS]
        ends = _sentence_ends(text)
        return complete_sentences(text[:ends[-1]]) if ends else text


def complete_sentences(text: str) -> str:
    """``text`` without what follows its last allowed sentence: generation stops one token into
    the next one ("… in 2021.[1] It"), and that fragment is not part of the answer."""
    ends = _sentence_ends(text)
    return text[:ends[MAX_SENTENCES - 1]] if len(ends) >= MAX_SENTENCES else text


# An English sentence left hanging on a word that needs something after it: what followed was a
# figure the checks removed ("which is equivalent to [36]." read [36] as a marker pointing
# nowhere) or generation stopped inside it.
_DANGLING_END = re.compile(r"\b(?:to|of|by|than|at|about|around|approximately|roughly|nearly|is|are|was|were"
                           r"|the|an|and|or|with|for|from)\s*[.!?]?\s*$", re.I)
_STRAY_OPENING = re.compile(r"\s?[\[［](?=[^\[\]［］]*$)")  # "equivalent to [36" cut before its "]"


def without_dangling_end(body: str, language: str) -> tuple[str, str]:
    """``body`` (markers stripped) without an opening bracket that never closes, and an English
    sentence ending on a dangling word cut back to its last comma ("…, which is equivalent to."
    becomes "…."), with what was cut; ("", body) when no complete clause is left."""
    body = _STRAY_OPENING.sub(" ", body).replace("  ", " ")
    if language != "en" or not _DANGLING_END.search(body):
        return body, ""
    cut_at = body.rfind(",")
    head = body[:cut_at].rstrip() if cut_at > 0 else ""
    if len(head) < 20 or _DANGLING_END.search(head):
        return "", body
    return head + ".", body[cut_at:]
