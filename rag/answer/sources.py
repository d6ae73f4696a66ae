"""Which passage an answer sentence comes from, and the sentence of it to quote.

The small model numbers its sources wrongly now and then, writes sentences without a marker,
and translates when it answers in English, so a claim's source is found again from the text:
shared character bigrams for a Japanese sentence (the model copies), the multilingual embedding
and the lexicon's translations for an English one, and the figures a passage states for both.
The quote is the passage sentence closest to the claim, as it stands in the report.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from ..chunking import REPORT_LIST_ITEM, list_runs
from ..keywords import ENGLISH_FUNCTION_WORDS
from ..retrieval import Hit
from .citations import as_printed, best_quote, bigrams, chunk_sentences, fold_report, overlap, quote_in_report
from .context import scored_sentences
from .numbers import LIST_NUMBER, claimed_numbers, is_supported, numbers_in, repair_scale

MIN_SUPPORT_OVERLAP = 0.35  # an unmarked sentence needs this much of its text in a passage
RECITE_MARGIN = 0.03  # embedding similarity by which an uncited passage must beat the cited ones
# A Japanese sentence counts as copied from an uncited passage when that passage holds this much
# of its text, this much more than any cited one, and the sentence is long enough for character
# bigrams to identify a source (short phrases share them with many passages).
COPIED_OVERLAP, COPIED_MARGIN, COPIED_MIN_CHARS = 0.8, 0.3, 20
# Bigrams beyond the question's that a sentence needs before those alone decide its source.
COPIED_MIN_OWN_BIGRAMS = 10
MIN_PHRASE_CHARS = 4  # a shorter answer (「2種類」) is written by too many passages to identify one
# A sentence that renders every translatable word of an English claim gains this much over one
# that renders none (e5 similarities of related sentences differ by a few hundredths).
TRANSLATION_WEIGHT = 0.1
NUMBER_BONUS = 0.05  # per figure of an unmarked sentence that a passage states
# How far the passage guessed for an unmarked English sentence must lead the next one before a
# month is taken from it (verify.py): right guesses led by 0.11-0.19, a wrong one by 0.02.
SURE_SOURCE_MARGIN = 0.05
# Below this margin the two closest passages are equally likely sources of an unmarked English
# sentence, and both are cited: over the captured drafts the first was the evidence passage for
# 10 of 28 such sentences, the second for 11 of the other 18 (0.1-0.2 apart, the first was right
# 34 times in 37).
TIED_SOURCE_MARGIN = 0.02
# An English claim's own words (those the question does not give) that a passage renders: this
# many, and this many more than any cited passage renders, make it the source the model misnumbered.
OWN_WORDS_MIN, OWN_WORDS_MARGIN = 2, 2
_ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")
_UNVERIFIED_MARK = re.compile(r"\((?:number|name|term)[^)]*not verified[^)]*\)")
# A quote cut from a sentence split by a page break ends or starts at one of these, and is no
# shorter than this.
_PHRASE_END, MIN_PIECE_CHARS = "、，", 12
_PHRASE_STOP = "」』）をにでがはと"  # where a phrase of a sentence with no comma may end
_ITEM_NUMBER = re.compile(rf"^\s*{LIST_NUMBER}\s*")


class SourceFinder:
    def __init__(self, embedder, report_folded: str,
                 translated_words: Callable[[str], list[set[str]]] | None = None,
                 tokenize: Callable[[str], list[str]] | None = None) -> None:
        self.embedder = embedder
        self.report_folded = report_folded
        # English claim -> per word, the Japanese keyword tokens that render it (retrieval.py),
        # and the tokenizer that gives a passage sentence's tokens: a dictionary's view of which
        # sentence an English claim translates, beside the small embedding model's.
        self._translated_words, self._tokenize = translated_words, tokenize
        self._sentence_tokens: dict[str, frozenset[str]] = {}
        # Embeddings of report sentences, computed once: an English answer compares each claim
        # with every context sentence (closest source) and again with the cited one (quote).
        self._sentence_vectors: dict[str, object] = {}
        # The claim last embedded: one English sentence is compared three times (its source,
        # the closest source, its quote), and needs embedding once.
        self._last_claim: tuple[str, object] | None = None

    def similarity(self, language: str):
        """Cross-lingual claim-to-sentence similarity for English answers (None for Japanese):
        the embedding model's, plus ``TRANSLATION_WEIGHT`` times the share of the claim's words
        the sentence renders, as for passages. "Japan was the first to adopt a basic hydrogen
        strategy" was quoted by 「日本は2023年6月に水素基本戦略を改定した。」, not by the sentence
        that writes 世界で初めての."""
        return self._translated_similarity if language == "en" else None

    def _translated_similarity(self, claim: str, sentences: list[str]) -> list[float]:
        return [sim + TRANSLATION_WEIGHT * share for sim, share in
                zip(self._embedding_similarity(claim, sentences), self.translation_shares(claim, sentences))]

    def _embedding_similarity(self, claim: str, sentences: list[str]) -> list[float]:
        embedder = self.embedder
        missing = list(dict.fromkeys(s for s in sentences if s not in self._sentence_vectors))
        if missing:
            self._sentence_vectors.update(zip(missing, embedder.embed_passages(missing)))
        if self._last_claim is None or self._last_claim[0] != claim:
            self._last_claim = (claim, embedder.embed_queries([claim])[0])
        q = self._last_claim[1]
        return [float(self._sentence_vectors[s] @ q) for s in sentences]

    def translation_shares(self, claim: str, sentences: list[str]) -> list[float]:
        """Per sentence, the share of the English claim's translatable words it renders."""
        groups = self._translated_words(claim) if self._translated_words and self._tokenize else []
        if not groups:
            return [0.0] * len(sentences)
        shares = []
        for sentence in sentences:
            if sentence not in self._sentence_tokens:
                self._sentence_tokens[sentence] = frozenset(self._tokenize(sentence))
            tokens = self._sentence_tokens[sentence]
            shares.append(sum(bool(group & tokens) for group in groups) / len(groups))
        return shares

    def passage_similarities(self, claim: str, hits: list[Hit]) -> list[float]:
        """Per passage, how close its closest sentence is to an (English) claim: embedding
        similarity plus ``TRANSLATION_WEIGHT`` times the share of the claim's words it renders."""
        per_hit = [chunk_sentences(h.chunk) for h in hits]
        flat = [s for sentences in per_hit for s in sentences]
        sims = [sim + TRANSLATION_WEIGHT * share for sim, share in
                zip(self._embedding_similarity(claim, flat), self.translation_shares(claim, flat))]
        per_passage, start = [], 0
        for sentences in per_hit:  # the claim is embedded once, not once per passage
            per_passage.append(max(sims[start:start + len(sentences)], default=0.0))
            start += len(sentences)
        return per_passage

    def add_closest_source(self, claim: str, cited: list[int], hits: list[Hit], flags: list[str]) -> list[int]:
        """Also cite the passage whose sentence is clearly closest to an English claim.

        The small model often numbers its sources wrongly when it translates (dev: the passage
        that supports the claim was in its context for every English citation miss). The claim
        is compared with every context sentence by the embedding model; a passage that beats
        every cited one by ``RECITE_MARGIN`` is added, never substituted, and only if it states
        the claim's figures ("30 federal agencies" is not sourced by "20の政府関係機関").
        """
        per_passage = self.passage_similarities(claim, hits)
        figures = [v for _, v in claimed_numbers(claim)]
        for i, hit in enumerate(hits):  # a source of the claim states its figures
            if not all(is_supported(v, numbers_in(hit.chunk.text)) for v in figures):
                per_passage[i] = float("-inf")
        best = max(range(len(hits)), key=lambda i: per_passage[i])
        if best + 1 not in cited and per_passage[best] > max(per_passage[m - 1] for m in cited) + RECITE_MARGIN:
            flags.append(f"added the closest source [{best + 1}] to: {claim[:60]}")
            return [*cited, best + 1]
        return cited

    def add_source_of_own_words(self, claim: str, question: str, cited: list[int], hits: list[Hit],
                                flags: list[str]) -> list[int]:
        """Also cite the passage that renders the words an English claim adds to the question.

        A claim that restates the question around its answer is close to every passage on the
        question's topic: "The life-science workshop said Japan should look into … plant and
        agricultural fields" cited the workshop's closing passage, which the embedding also
        preferred, while only another passage writes 植物・農業. The claim's own words (the
        question's aside, compared by their first five letters) are translated by the lexicon; a
        passage rendering ``OWN_WORDS_MIN`` of them, ``OWN_WORDS_MARGIN`` more than any cited
        passage, is added.
        """
        if not (self._translated_words and self._tokenize):
            return cited
        asked = {w.lower()[:5] for w in _ENGLISH_WORD.findall(question)}
        own = [w for w in dict.fromkeys(_ENGLISH_WORD.findall(_UNVERIFIED_MARK.sub("", claim)))
               if w.lower() not in ENGLISH_FUNCTION_WORDS and w.lower()[:5] not in asked]
        renderings = [r for r in (set().union(*self._translated_words(w)) for w in own) if r]
        if len(renderings) < OWN_WORDS_MIN:
            return cited
        rendered = []
        for hit in hits:
            if hit.chunk.text not in self._sentence_tokens:
                self._sentence_tokens[hit.chunk.text] = frozenset(self._tokenize(hit.chunk.text))
            tokens = self._sentence_tokens[hit.chunk.text]
            rendered.append(sum(bool(r & tokens) for r in renderings))
        best = max(range(len(hits)), key=lambda i: rendered[i])
        if (best + 1 not in cited and rendered[best] >= OWN_WORDS_MIN
                and rendered[best] >= max(rendered[m - 1] for m in cited) + OWN_WORDS_MARGIN):
            flags.append(f"added the source [{best + 1}] that writes the words the claim adds to the question: {claim[:60]}")
            return [*cited, best + 1]
        return cited

    @staticmethod
    def recite_copied(claim: str, cited: list[int], hits: list[Hit], flags: list[str], question: str = "") -> list[int]:
        """Cite the passage a Japanese sentence was copied from when the model numbered it wrongly.

        The model copies Japanese sentences nearly verbatim, and now and then writes another
        passage's number after one: its text then stands in an uncited passage far more than in
        the cited ones. That passage replaces cited ones that do not support the sentence
        (below ``MIN_SUPPORT_OVERLAP``), and is added beside ones that do. A sentence that
        restates the ``question`` is judged by its own words too; a phrase it quotes in 「」 is
        cited where the report writes it.
        """
        if len(re.sub(r"\s", "", claim)) < COPIED_MIN_CHARS:
            return _recite_verbatim_phrase(claim, cited, hits, flags)
        cited = _cite_quoted_phrases(claim, cited, hits, flags)
        found = _copied_from([overlap(claim, h.chunk.text) for h in hits], cited)
        # A sentence that restates the question before its answer (「…重要とされた応用先は、植物・
        # 農業への応用も重要であるとの示唆が得られた」) is copied in its own words only.
        own = bigrams(claim) - bigrams(question)
        if found is None and len(own) >= COPIED_MIN_OWN_BIGRAMS:
            found = _copied_from([len(own & bigrams(h.chunk.text)) / len(own) for h in hits], cited)
        if found is None:
            return _cite_named_source(claim, cited, hits, flags)
        best, cited_best = found
        flags.append(f"cited the passage the sentence comes from [{best + 1}]: {claim[:60]}")
        if cited_best < MIN_SUPPORT_OVERLAP:
            return [best + 1]
        return sorted({*cited, best + 1})

    def source_of_unmarked(self, claim: str, hits: list[Hit], language: str) -> tuple[int, float, float, int | None]:
        """The passage an unmarked sentence most likely comes from, its text overlap, the margin
        of its score over the next passage's (how sure the guess is), and that next passage.

        Shared character bigrams decide for Japanese; an English sentence shares only its Latin
        names with the Japanese passages, so the cross-lingual embedding decides for it. Each
        of the sentence's figures that a passage states (or states at another 万/億 scale, a
        slip repaired later) counts ``NUMBER_BONUS``: figures identify a source better than
        a small embedding model does."""
        overlaps = [overlap(claim, h.chunk.text) for h in hits]
        scores = self.passage_similarities(claim, hits) if language == "en" else list(overlaps)
        claims = claimed_numbers(claim)
        for i, h in enumerate(hits):
            stated = numbers_in(h.chunk.text)
            scores[i] += NUMBER_BONUS * sum(is_supported(v, stated) or bool(repair_scale(surface, h.chunk.text))
                                            for surface, v in claims)
        ranked = sorted(range(len(hits)), key=lambda i: -scores[i])
        best, second = ranked[0], (ranked[1] if len(ranked) > 1 else None)
        margin = scores[best] - scores[second] if second is not None else float("inf")
        return best, overlaps[best], margin, second

    def quote(self, claim: str, hit: Hit, language: str, asked: frozenset[float] | set[float] = frozenset()) -> str:
        scored = scored_sentences(hit)
        sentences = scored[0] if scored else []
        prior = dict(zip(*scored)) if scored else None
        quote = best_quote(claim, hit.chunk, self.similarity(language), prior, asked)
        items = _list_items_named(quote, claim, sentences)
        if items and quote_in_report(items, self.report_folded):
            return items
        for form in (quote, as_printed(quote)):
            if quote_in_report(form, self.report_folded):
                return form
        # A sentence that crosses a page break may not stand verbatim in the raw text (a legend
        # block sat inside it): quote the part of it on one page that holds the claim's figures,
        # else the best sentence that stands whole.
        piece = self._verbatim_piece(quote, claim, asked) or self._table_cell(quote, claim)
        if piece:
            return piece
        for sentence in sorted(chunk_sentences(hit.chunk), key=lambda s: -overlap(claim, s)):
            if quote_in_report(sentence, self.report_folded):
                return sentence
        parts = [p for p in hit.chunk.text.split("、") if quote_in_report(p, self.report_folded)]
        return max(parts, key=len) if parts else ""

    def _table_cell(self, sentence: str, claim: str) -> str | None:
        """The cell of a table row that stands in the report and holds most of ``claim``, or None.
        A table's row is rebuilt from its cells (parsing/regions.py: 「ゴール1. …の統合／戦略目標 2.
        全米材料データネットワーク（NMDN）を構築する」), so the row is not the report's text; the cell
        is. Without it, the answer 「全米材料データネットワーク（NMDN）」 was quoted by another row
        that shares only the word データ."""
        cells = [c for c in re.split(r"[／\s]+", sentence) if len(c) >= MIN_PHRASE_CHARS and
                 quote_in_report(c, self.report_folded)]
        best = max(cells, key=lambda c: overlap(claim, c), default=None)
        return best if best and overlap(claim, best) >= MIN_SUPPORT_OVERLAP else None

    def _verbatim_piece(self, sentence: str, claim: str, asked: frozenset[float] | set[float]) -> str | None:
        """The longest head or tail of ``sentence`` that stands in the report, cut at a comma so
        that it starts and ends on whole phrases; the one stating more of the claim's figures."""
        def stands(text: str) -> bool:
            return quote_in_report(text, self.report_folded)

        cuts = [n for n in range(1, len(sentence)) if sentence[n - 1] in _PHRASE_END]
        heads = [sentence[:n] for n in reversed(cuts) if n >= MIN_PIECE_CHARS]  # longest first
        tails = [sentence[n:] for n in cuts if len(sentence) - n >= MIN_PIECE_CHARS]
        pieces = [p for p in (next(filter(stands, heads), None), next(filter(stands, tails), None)) if p]
        if not pieces:
            # No comma to cut at: 「…「韓国量子科学技術基本戦略」を2023年6月に発表している［注9］。」
            # runs into a footnote block at the page break. Its longest head that stands, ended
            # after a particle or closing bracket, still quotes the claim if it is most of it.
            head = next((sentence[:n] for n in range(len(sentence) - 1, MIN_PIECE_CHARS - 1, -1)
                         if sentence[n - 1] in _PHRASE_STOP and stands(sentence[:n])), None)
            pieces = [head] if head and 2 * len(head) >= len(sentence) else []
        figures = [v for _, v in claimed_numbers(claim) if v not in asked]

        def stated(piece: str) -> int:
            return sum(is_supported(v, numbers_in(piece)) for v in figures)

        if figures and not any(stated(p) for p in pieces):
            # The block may interrupt the very phrase that states the figure (「研究費は1」, a
            # legend block, 「兆1,940億円（前年度比13.5％増）であり、…」): the longest head and
            # tail that stand, cut anywhere, may state it where no whole phrase does.
            pieces += [p for p in (self._longest_standing(sentence, tail=False),
                                   self._longest_standing(sentence, tail=True)) if stated(p)]
        if not pieces:
            return None
        return max(pieces, key=lambda p: (stated(p), len(p)))

    def _longest_standing(self, sentence: str, tail: bool) -> str:
        """The longest head (or tail) of ``sentence`` that stands in the report; a shorter one
        stands whenever a longer one does, so the length is found by bisection."""
        def piece(n: int) -> str:
            return sentence[len(sentence) - n:] if tail else sentence[:n]

        low, high = 0, len(sentence)
        while low < high:
            middle = (low + high + 1) // 2
            if quote_in_report(piece(middle), self.report_folded):
                low = middle
            else:
                high = middle - 1
        return piece(low) if low >= MIN_PIECE_CHARS else ""


def _copied_from(overlaps: list[float], cited: list[int]) -> tuple[int, float] | None:
    """The uncited passage (0-based) holding ``COPIED_OVERLAP`` of a sentence and
    ``COPIED_MARGIN`` more than any cited one, with the cited ones' best share; else None."""
    best = max(range(len(overlaps)), key=overlaps.__getitem__)
    cited_best = max(overlaps[m - 1] for m in cited)
    if best + 1 in cited or overlaps[best] < max(COPIED_OVERLAP, cited_best + COPIED_MARGIN):
        return None
    return best, cited_best


_QUOTED = re.compile(r"「([^「」]+)」")


def _cite_quoted_phrases(claim: str, cited: list[int], hits: list[Hit], flags: list[str]) -> list[int]:
    """A phrase a Japanese sentence puts in 「」 is the report's wording: when no cited passage
    writes it, the first context passage that does is cited beside them. Asked for goal 2 of the
    MGI plan, the model answered 「材料データの力を活用する」 (the table row's words) and cited
    the passage introducing the MGI."""
    for phrase in (fold_report(p) for p in _QUOTED.findall(claim)):
        holder = _uncited_holder(phrase, cited, hits)
        if holder is not None:
            flags.append(f"cited the passage that writes 「{phrase}」 [{holder + 1}]")
            cited = sorted({*cited, holder + 1})
    return cited


# A name a Japanese sentence writes as the report does: a Latin word (BrainScaleS) or a katakana
# run (ハイデルベルク) of three letters or more.
_WRITTEN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9.\-]{2,}|[ァ-ヴー]{3,}")


def _cite_named_source(claim: str, cited: list[int], hits: list[Hit], flags: list[str]) -> list[int]:
    """Cite the one context passage that writes every name of a Japanese sentence when no cited
    passage writes any of them: the sentence is too garbled for bigram overlap to find its source
    (「BrainScaleSは、ハイデルベルク大学のBrainScaleSによって開発されました」 cited the passage
    introducing brain-inspired chips, not the one naming Heidelberg's BrainScaleS)."""
    names = {name: fold_report(name) for name in _WRITTEN_NAME.findall(unicodedata.normalize("NFKC", claim))}
    texts = [fold_report(h.chunk.text) for h in hits]
    if not names or any(folded in texts[m - 1] for m in cited for folded in names.values()):
        return cited
    holders = [i for i, text in enumerate(texts) if all(folded in text for folded in names.values())]
    if len(holders) != 1:
        return cited  # none, or several: the names do not identify the source
    flags.append(f"cited the passage that writes {', '.join(sorted(names))} [{holders[0] + 1}]")
    return [holders[0] + 1]


def _uncited_holder(phrase: str, cited: list[int], hits: list[Hit]) -> int | None:
    """The first context passage (0-based) that writes ``phrase`` (folded), when it is long
    enough to identify one and no cited passage writes it; else None."""
    if len(phrase) < MIN_PHRASE_CHARS or any(phrase in fold_report(hits[m - 1].chunk.text) for m in cited):
        return None
    return next((i for i, h in enumerate(hits) if phrase in fold_report(h.chunk.text)), None)


def _recite_verbatim_phrase(claim: str, cited: list[int], hits: list[Hit], flags: list[str]) -> list[int]:
    """A short Japanese answer (「ナトリウムイオン電池」) cites the first context passage that
    writes it, when no cited one does: too short for bigram overlap, exact enough as it stands.
    A list item is read without its number (「2. スポーク機関」)."""
    holder = _uncited_holder(fold_report(_ITEM_NUMBER.sub("", claim)).rstrip("。．."), cited, hits)
    if holder is None:
        return cited
    flags.append(f"cited the passage that writes the phrase [{holder + 1}]: {claim[:60]}")
    return [holder + 1]


def _list_items_named(quote: str, claim: str, sentences: list[str]) -> str | None:
    """The items of the list that ``quote`` belongs to, from the first to the last that ``claim``
    names, one per line; None unless the claim names at least two of them.

    A claim listing "the Computing Hub, the Fabless Foundry and the Quantum-Safe Network" rests
    on the three items together; any one of them alone supports a third of it.
    """
    if quote not in sentences or not REPORT_LIST_ITEM.match(quote):
        return None
    i = sentences.index(quote)
    run = next(run for run in list_runs(sentences) if i in run)
    named = [j for j in run if (name := _item_name(sentences[j])) and name.lower() in claim.lower()]
    if len(named) < 2:
        return None
    return "\n".join(sentences[min(named + [i]):max(named + [i]) + 1])


def _item_name(item: str) -> str | None:
    """What a list item names: its text after the bullet, up to a colon (「•National Quantum
    Fabless Foundry：…」 names National Quantum Fabless Foundry); a name under 4 characters
    matches too much to count."""
    name = re.split(r"[：:]", REPORT_LIST_ITEM.sub("", item, count=1), maxsplit=1)[0].strip()
    return name if len(name) >= 4 else None
