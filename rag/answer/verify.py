"""Verification of a generated answer against the passages the model read.

Every sentence is checked before it is shown: citation markers must point to a passage (an
unmarked sentence gets the passage it most likely comes from, or is removed), every figure must
stand in a cited passage about the same country, actor or item and for the same period
(attribution.py, subjects.py, periods.py; in a Japanese answer in the same unit too, units.py),
or is re-cited, repaired or visibly marked; so must
every month and every name of an English answer (names.py); repeats and talk about
the sources are dropped, and each cited passage gets an exact quote of the report. English
answers also get their leftover Japanese terms translated, the bounds the report puts on their
figures (以上 "at least") and their closest source; Japanese answers get terms garbled in the copy restored, and
the bounds they dropped in the copy (「1000量子ビット」 for 「1000量子ビット超」).
Where a sentence comes from, and the sentence of that passage to quote, is found in sources.py.
"""

from __future__ import annotations

import re
from typing import Callable

from ..chunking import short_heading
from ..places import (cited_beside_the_place, claimed_from_abroad, english_name, place_cited_nowhere,
                      places_of_passage, speaks_of)
from ..retrieval import Hit
from .attribution import name_of_another_country
from .citations import LIST_ITEM, Citation, markers_in, overlap, split_answer, strip_markers
from .copy_repair import restore_copied_kanji, restore_copied_text
from .dates import (claimed_months, correct_base_years, drop_unstated_months, month_supported, months_in, restore_months,
                    unwritten_year_span)
from .directions import direction, reversed_direction
from .editions import ANOTHER_EDITION, about_another_edition
from .english_terms import EnglishTerms, written_in_japanese
from .figure_check import (FigureChecker, about_other_places, drop_citations_without_figures, mark_number_words,
                           sentences_stating)
from .grounding import EnglishGrounding, lists_unwritten_items, not_from_passages
from .list_items import name_bare_items
from .names import NameChecker
from .numbers import LIST_NUMBER, claimed_numbers, claimed_percentages, is_supported, numbers_in, states_figure
from .output import (FIGURE_PLACEHOLDER, answer_left_to_marker, clean_output, complete_sentences, spell_out_scales,
                     without_dangling_end)
from .periods import repair_yearly
from .place_claims import mark_places_cited_nowhere
from .prompts import CANNOT_ANSWER
from .qualifiers import restore_japanese_qualifiers, restore_qualifiers
from .rankings import misranked
from .restatements import repeats_earlier, repeats_question, without_echoes
from .sources import MIN_SUPPORT_OVERLAP, SURE_SOURCE_MARGIN, TIED_SOURCE_MARGIN, SourceFinder
from .subjects import CITES_NO_NAMING_PASSAGE, SubjectChecker
from .units import repair_currencies

UNVERIFIED_MONTH = "(month not verified in the report)"
# "invest [40] trillion won", "［40］兆ウォン", "is [3.65%] of GDP": a figure the model bracketed like
# a marker. A marker is never followed by the unit of a number, nor holds one, so these are
# unwrapped, not read as citations.
_BRACKETED_FIGURE = re.compile(
    r"(?<![\d.,]\s)(?<![\d.,])[\[［](\d+(?:[.,]\d+)*)[\]］](?=\s*(?:thousand|million|billion|trillion|percent|%|％|[万億兆]))"
    r"|[\[［](\d+(?:[.,]\d+)*\s*[%％])[\]］]", re.I)
# "take [20] years": a bracketed number before a lower-case word that no marker can be (the
# context has fewer passages) is the figure itself.
_BRACKETED_COUNT = re.compile(r"[\[［](\d+(?:[.,]\d+)*)[\]］](?=\s+[a-z])")
# A sentence that only announces the list after it: 「重点分野は以下の通りです：」, "… are as follows:".
# 「…には、以下の材料がある。」 announces as well as 「以下の通りです：」 does.
_ANNOUNCES_LIST = re.compile(r"[：:]\s*$|(?:以下|次)の(?:通り|とおり|[^。、]{1,12}(?:が|は)(?:ある|あります|挙げられ(?:る|ます)))"
                             r"(?:です|である)?。?\s*$|\b(?:as follows|the following(?: \w+)?)\.?\s*$", re.I)
# A sentence that opens a line of its own in the answer: a numbered item, a bullet (「- 都市：29」),
# or a label on a line of its own over the lines it heads (「第4期：」 over its bullet, after a
# blank line that split_answer cut at: it had been run on after the previous item's marker).
_OWN_LINE = re.compile(rf"{LIST_ITEM.pattern}|\s*[-・•*][ \t]|[^\n。．.]{{1,20}}[：:][ \t]*\n")
_ENDS_SENTENCE = re.compile(r"[。．！？.!?」』）)]\s*(?:［\d+］|\[\d+\])*\s*$")
_FINISHED = re.compile(r"[。．.!?！？」』）)…:：]\s*$")
# "This is evident from the passage [3], which mentions …": talk about the sources, not an answer.
_ABOUT_THE_SOURCES = re.compile(r"\b(?:passages?|excerpts?)\b|抜粋", re.I)
# "Germany's strategy is mentioned in passages 2 and 3.": where it is said, not what, even as
# the first sentence (which _ABOUT_THE_SOURCES spares: "According to passage [1], …" answers).
_SAID_IN_THE_SOURCES = re.compile(r"\b(?:is|are|was|were)\s+(?:mentioned|discussed|described|outlined|covered|listed|"
                                  r"given|found|shown|stated)\s+in\s+(?:the\s+)?(?:passages?|excerpts?)\b", re.I)
# 「…指摘されているのは［3］の分野別の俯瞰ワークショップのサマリーで、…」, 「［3］の文の通り、…」: a
# marker the Japanese sentence reads as a noun (passage 3's …) says where, and what follows was
# taken from that passage whatever the question asked. All three such drafts of ~300 were wrong.
# A marker right after a term (「ナノ材料安全分科会［1］の会員数」) cites that term; only one after a
# particle or at the start (「…のは［3］の分野別の…」) stands for the passage itself.
_MARKER_AS_NOUN_JA = re.compile(r"(?<![一-龥々ァ-ヴーA-Za-z0-9）」』])[［\[]\d+[］\]]\s*の")
# 「主要国の…論文数の推移を図1.2.5-4に示す。」: the report points at a figure it does not put in
# words. A claim whose every quote is such a pointer rests on a chart nobody can check here
# (asked which country writes the most papers, the model named the US from this sentence).
_FIGURE_REFERENCE = re.compile(r"図\s*\d[\d.]*\s*[-－‐―]\s*\d+")
_POINTS_AT_IT = re.compile(r"示す。?\s*$|示している。?\s*$")


def _only_points_at_a_figure(quote: str) -> bool:
    """Whether a quote names a figure of the report and states nothing else but pointing at it."""
    return (bool(_FIGURE_REFERENCE.search(quote)) and bool(_POINTS_AT_IT.search(quote))
            and not numbers_in(_FIGURE_REFERENCE.sub("", quote)))


# 「この回答は、抜粋から…という情報を基に得られた」: how the answer was made, never part of it, even
# when it is all that is left once the answer's own sentences failed their checks.
_ABOUT_THE_ANSWER = re.compile(r"(?:この|本|上記の|以上の)回答は|\b(?:this|the above) answer\b|\bthe answer above\b", re.I)


def _adds_stated_figures(sentence: str, question: str, hit: Hit) -> bool:
    """The sentence answers with figures the passage states: a restated question plus
    "12ナノメートル" shares little text with the passage, yet its answer is there."""
    new = {v for _, v in claimed_numbers(sentence)} - {v for _, v in claimed_numbers(question)}
    stated = numbers_in(hit.chunk.text)
    return bool(new) and all(is_supported(v, stated) for v in new)


# A list item that is a name and a colon, nothing after it (「1. ハブ機関：」).
_LABEL_ONLY = re.compile(rf"\s*{LIST_NUMBER}\s*[^\s：:。、]{{1,30}}\s*[：:]\s*$")


class AnswerVerifier:
    def __init__(self, embedder, report_folded: str, english_terms: EnglishTerms,
                 translated_words: Callable[[str], list[set[str]]] | None = None,
                 tokenize: Callable[[str], list[str]] | None = None, cross_lingual_encoder=None) -> None:
        self._english_terms = english_terms
        self._grounding = EnglishGrounding(cross_lingual_encoder) if cross_lingual_encoder is not None else None
        self.sources = SourceFinder(embedder, report_folded, translated_words, tokenize)
        self._subjects = SubjectChecker(report_folded)
        self._names = (NameChecker(translated_words, tokenize, self._subjects.is_rare_name)
                       if translated_words and tokenize else None)
        self._figures = FigureChecker(self._names, self._subjects)

    def misranked(self, question: str, text: str, hits: list[Hit], language: str) -> tuple[int, str] | None:
        """(index of the hit, its ranking sentence) when the answer names items of a ranking the
        hit writes but not the top ones the question asks for (rankings.py)."""
        items_named = self._names.items_named if self._names else (lambda items, english: set())
        return misranked(question, text, [h.chunk.text for h in hits], language, items_named)

    def passages_naming_subject(self, question: str, hits: list[Hit]) -> list[int]:
        """The indices of ``hits`` that name the question's subject (subjects.py)."""
        return self._subjects.passages_naming(question, hits)

    def passages_naming_unaddressed(self, question: str, text: str, citations: list[Citation],
                                    hits: list[Hit]) -> list[int]:
        """The indices of ``hits`` that name the question's subject, when the answer ``text``
        neither names it nor cites one of them (subjects.py); else []."""
        cited = {c.chunk.id for c in citations}
        return self._subjects.passages_naming_unaddressed(question, text, [h for h in hits if h.chunk.id in cited], hits)

    @staticmethod
    def _check_months(body: str, cited: list[int], hits: list[Hit], flags: list[str]) -> tuple[str, list[int]]:
        """Every month an English sentence names must stand in a cited passage (dates.py):
        cite the context passage that states it, or mark it as unverified."""
        for surface, month, year in claimed_months(body):
            def states(i: int, month=month, year=year) -> bool:
                text = hits[i - 1].chunk.text
                return month_supported(month, year, months_in(text), numbers_in(text))
            if any(states(m) for m in cited):
                continue
            source = next((i for i in range(1, len(hits) + 1) if states(i)), None)
            if source:
                cited = sorted({*cited, source})
                continue
            flags.append(f"month not found in the cited passages, marked: {surface}")
            body = body.replace(surface, UNVERIFIED_MONTH, 1)
        return body, cited

    def _cite_the_subject(self, body: str, cited: list[int], hits: list[Hit], question: str,
                          foreign: set[int], flags: list[str]) -> list[int]:
        """Cite the context passage that names what an English sentence is about and states its
        figures, when the cited ones do not name it (names.NameChecker.subject_source).
        ``foreign``: the passages about other countries, which are never chosen."""
        figures = [v for _, v in claimed_numbers(body)]
        shares = claimed_percentages(body)
        candidates = [i for i in range(1, len(hits) + 1) if i not in cited and i not in foreign
                      and all(states_figure(v, hits[i - 1].chunk.text, shares) for v in figures)]
        # With figures, the name must stand in a sentence that states one of them: the passage
        # on Japan's history names the NNI, but its 2001 is 「第2期（2001～2005年度）」.
        evidence = [" ".join(sentences_stating(h, figures, shares)) if figures else h.chunk.text for h in hits]
        found = self._names.subject_source(body, cited, evidence, question, candidates)
        if found is None:
            return cited
        source, names = found
        flags.append(f"cited the passage [{source}] that names {names}, not {', '.join(f'[{m}]' for m in cited)}")
        return [source]

    def _cite_the_place(self, body: str, cited: list[int], hits: list[Hit], question: str, language: str,
                        flags: list[str]) -> list[int]:
        """Cite the passage that names the country a sentence speaks of, when the cited ones do
        not (places.place_cited_nowhere) and it supports the sentence at least as well as they
        do: its text overlaps the sentence as much (Japanese) or it is as close to it (English).
        Otherwise the sentence keeps its citations: a passage on the Kumamoto plant, naming Japan
        alone, is the source of a sentence on the Taiwanese foundry built there."""
        places = [places_of_passage(h.chunk.text, h.chunk.heading_path) for h in hits]
        place = place_cited_nowhere(body, question, [places[m - 1] for m in cited], places)
        if place is None:
            beside = cited_beside_the_place(body, question, [places[m - 1] for m in cited])
            if beside:
                flags.append(f"dropped citations of passages about other countries: "
                             f"{', '.join(f'[{cited[i]}]' for i in sorted(beside))}")
            return [m for i, m in enumerate(cited) if i not in beside]
        support = ([overlap(body, h.chunk.text) for h in hits] if language == "ja"
                   else self.sources.passage_similarities(body, hits))
        naming = [i for i, p in enumerate(places, start=1) if speaks_of(p, place)]
        source = max(naming, key=lambda i: support[i - 1])
        if support[source - 1] < max((support[m - 1] for m in cited), default=0.0):
            return cited
        flags.append(f"cited the passage [{source}] that names {english_name(place)}, not {', '.join(f'[{m}]' for m in cited)}")
        return [source]

    def verify(self, raw: str, hits: list[Hit], language: str, question: str = "",
                cut: bool | None = None) -> tuple[str, list[Citation], list[str]]:
        flags: list[str] = []
        kept: list[tuple[str, list[int]]] = []
        asked = {v for _, v in claimed_numbers(question)}  # the question's own figures
        unbracketed = _BRACKETED_FIGURE.sub(lambda m: m.group(1) or m.group(2), raw)
        unbracketed = _BRACKETED_COUNT.sub(
            lambda m: m.group(1) if not m.group(1).isdigit() or int(m.group(1)) > len(hits) else m.group(0), unbracketed)
        text = clean_output(complete_sentences(unbracketed), [short_heading(h.chunk) for h in hits])
        if language == "en":
            for sentence in split_answer(text):
                if written_in_japanese(sentence):
                    flags.append(f"sentence written in Japanese removed: {strip_markers(sentence)[:60]}")
                    text = text.replace(sentence, "", 1)
            text, notes = restore_copied_kanji(text, [h.chunk.text for h in hits])
            text, replaced = self._english_terms.replace(text, question)
            notes += replaced
            text, calques = self._english_terms.repair_calques(text, [h.chunk.text for h in hits])
            notes += calques
            text = spell_out_scales(text)
        else:
            # Headings too: a workshop's date stands in its heading (「…の潮流（2022年4月11日開催）」).
            headed = [" ".join([*h.chunk.heading_path, h.chunk.text]) for h in hits]
            text, notes = restore_copied_text(text, headed, question)
            text, dropped = drop_unstated_months(text, headed, question)
            notes += dropped
        flags.extend(notes)
        echoes: set[int] = set()  # indexes in ``kept`` of sentences that restate the question
        read_nowhere = self._grounding.for_passages(hits) if self._grounding and language == "en" else None
        for sentence in split_answer(text):
            body = strip_markers(sentence)
            if not re.search(r"\w", body) or CANNOT_ANSWER[language] in body:  # ", , ," left by markers
                continue
            if FIGURE_PLACEHOLDER in body:
                flags.append(f"sentence with a placeholder for its figure removed: {body[:60]}")
                continue
            if answer_left_to_marker(sentence, language) is not None:  # "… is outlined in [1]."
                if not (language == "ja" and LIST_ITEM.match(sentence) and _LABEL_ONLY.match(body)):
                    flags.append(f"sentence that only points at its source removed: {body[:60]}")
                    continue
                # 「1. ハブ機関：［1］」: an item named, its description left out. The name is the item.
                body = body.rstrip().rstrip("：:")
            echo = bool(question) and repeats_question(body, question)
            if any(repeats_earlier(body, earlier, language) for earlier, _ in kept):
                flags.append(f"repeated sentence removed: {body[:60]}")
                continue
            if ((kept and _ABOUT_THE_SOURCES.search(body)) or _ABOUT_THE_ANSWER.search(body)
                    or _SAID_IN_THE_SOURCES.search(body) or (language == "ja" and _MARKER_AS_NOUN_JA.search(sentence))):
                flags.append(f"sentence about the passages removed: {body[:60]}")
                continue
            if (read_nowhere and kept and not LIST_ITEM.match(sentence) and not claimed_numbers(body)
                    and read_nowhere(body)):
                flags.append(f"sentence close to no passage sentence removed: {body[:60]}")
                continue
            markers = markers_in(sentence)
            cited = list(dict.fromkeys(m for m in markers if 1 <= m <= len(hits)))  # "[2] … [2]": once
            if any(not 1 <= m <= len(hits) for m in markers):
                flags.append(f"removed a citation marker that points to no passage in: {body[:60]}")
            unsure_source = False  # the model cited nothing, and no passage stands out as the source
            if not cited:
                best, shared, margin, second = self.sources.source_of_unmarked(body, hits, language)
                unsure_source = margin < SURE_SOURCE_MARGIN
                if language == "ja" and shared < MIN_SUPPORT_OVERLAP and not _adds_stated_figures(body, question, hits[best]):
                    flags.append(f"unsupported sentence removed: {body[:60]}")
                    continue
                cited = [best + 1]
                if language == "en" and second is not None and margin < TIED_SOURCE_MARGIN:
                    flags.append(f"two passages equally close to an unmarked sentence, both cited [{best + 1}][{second + 1}]: "
                                 f"{body[:60]}")
                    cited.append(second + 1)
            elif language == "ja":
                cited = self.sources.recite_copied(body, cited, hits, flags, question)
            if language == "ja" and not _ANNOUNCES_LIST.search(body) and not_from_passages(body, question, hits):
                flags.append(f"sentence whose words no passage writes removed: {body[:60]}")
                continue
            if language == "ja" and lists_unwritten_items(body, hits):
                flags.append(f"sentence listing items no passage writes removed: {body[:60]}")
                continue
            if language == "ja":
                body, cited = name_bare_items(body, cited, hits, question, flags)
            if language == "en":
                body, cited = self._check_months(body, cited, hits, flags)
            cited = self._cite_the_place(body, cited, hits, question, language, flags)
            if language == "en":
                spanned = repair_yearly(body, question, [hits[m - 1].chunk.text for m in cited])
                if spanned:
                    flags.append(f"wrote the report's span for a yearly figure: {body[:60]}")
                    body = spanned
            body, cited = self._figures.check(body, cited, hits, language, flags, asked, question)
            cited = drop_citations_without_figures(body, cited, hits, asked, flags)
            if body and language == "en" and self._names:
                foreign = about_other_places(body, hits)
                cited = self._cite_the_subject(body, cited, hits, question, foreign, flags)
                has_figures = any(v not in asked for _, v in claimed_numbers(body))  # the ones left are supported
                # With the headings below the report's top one: a passage filed under 日本 names
                # Japan for the reader, who sees its section beside the quote.
                body, cited = self._names.check(body, cited, [" ".join([*h.chunk.heading_path[1:], h.chunk.text])
                                                              for h in hits], question, has_figures,
                                                flags, foreign)
            # Judged on the citations the figure and name checks settled on: they may have found
            # the passage about the sentence's country that the model's marker missed.
            abroad = body and claimed_from_abroad(body, [places_of_passage(hits[m - 1].chunk.text,
                                                                           hits[m - 1].chunk.heading_path) for m in cited])
            if abroad:
                flags.append(f"sentence about {english_name(abroad)} removed: its sources are only for another "
                             f"country: {body[:60]}")
                continue
            other_country = body and language == "en" and name_of_another_country(
                body, question, [hits[m - 1].chunk.text for m in cited])
            if other_country:
                flags.append(f"sentence removed: the report writes {other_country} as another country's: {body[:60]}")
                continue
            span = body and language == "en" and unwritten_year_span(body, question, [hits[m - 1].chunk.text for m in cited])
            if span:
                flags.append(f"sentence removed: its cited passages write no span {span}: {body[:60]}")
                continue
            if body and language == "ja" and direction(body):
                turned = reversed_direction(body, [self.sources.quote(body, hits[m - 1], language, asked) for m in cited])
                if turned:
                    flags.append(f"sentence removed: it {turned}: {body[:60]}")
                    continue
            if body and language == "ja" and cited:
                body = mark_places_cited_nowhere(body, question, [places_of_passage(hits[m - 1].chunk.text,
                                                                                    hits[m - 1].chunk.heading_path)
                                                                  for m in cited], flags)
            if body and language == "en":  # by the passages cited in the end
                body = mark_number_words(body, cited, hits, question, flags)
                body, notes = repair_currencies(body, [hits[m - 1].chunk.text for m in cited])
                flags.extend(notes)
            # The sentences quoted for the claim decide the bounds and months it restores.
            sources = ([(self.sources.quote(body, hits[m - 1], language, asked), hits[m - 1].chunk.text) for m in cited]
                       if body and claimed_numbers(body) else [])
            if sources:
                restore = restore_qualifiers if language == "en" else restore_japanese_qualifiers
                body, notes = restore(body, sources)
                flags.extend(notes)
                body, notes = correct_base_years(body, language, [quote for quote, _ in sources])
                flags.extend(notes)
            if body and language == "en":
                quoted = {m: quote for m, (quote, _) in zip(cited, sources)}
                cited = self.sources.add_closest_source(body, cited, hits, flags)
                cited = self.sources.add_source_of_own_words(body, question, cited, hits, flags)
                # A month is taken only where every source cited by now agrees on it: a wrongly
                # cited passage alone gave "the K-Battery strategy … in May 2021" (May is the
                # month of Korea's semiconductor strategy; the battery passage, added as the
                # closest source, says July). Nor is one taken from a source barely guessed for
                # an unmarked sentence: "announced its national quantum strategy in 2023" was
                # given the UK semiconductor strategy's passage by 0.02, and with it "May 2023".
                month_quotes = ([quoted.get(m) or self.sources.quote(body, hits[m - 1], language, asked) for m in cited]
                                if sources and not unsure_source else [])
                body, notes = restore_months(body, month_quotes)
                flags.extend(notes)
            # The quotes the sentence would be shown with, computed once for both checks below.
            quotes = [self.sources.quote(body, hits[m - 1], language, asked) for m in cited] if body else []
            if quotes and all(about_another_edition(question, quote) for quote in quotes):
                flags.append(f"{ANOTHER_EDITION}: {body[:60]}")
                continue
            if quotes and all(_only_points_at_a_figure(quote) for quote in quotes):
                flags.append(f"sentence removed: its sources only point at a figure: {body[:60]}")
                continue
            if body:
                body, unfinished = without_dangling_end(body, language)
                if unfinished:
                    flags.append(f"unfinished end of sentence removed: {unfinished[:60]}")
            if body:  # unless it was all unfinished
                if echo:
                    echoes.add(len(kept))
                kept.append((body, cited))
        kept = without_echoes(kept, echoes, flags)
        if kept and _ANNOUNCES_LIST.search(kept[-1][0]):  # "… are as follows:" and no item survived
            flags.append(f"sentence announcing a list removed, none of its items verified: {kept[-1][0][:60]}")
            kept.pop()
        # An answer citing only passages that do not name what was asked is about something else.
        cited_hits = [hits[m - 1] for _, cited in kept for m in cited]
        # The draft, not what survived of it: the sentence that restated the question may be gone.
        unnamed = kept and self._subjects.unnamed_by_answer(question, raw, cited_hits, hits)
        if unnamed:
            flags.append(f"{CITES_NO_NAMING_PASSAGE} {unnamed}, which another passage does")
            kept = []
        # Renumber markers in order of first use and attach one quote per cited chunk.
        order: dict[int, int] = {}
        citations: list[Citation] = []
        parts = []
        if kept and cut is not False and not _FINISHED.search(kept[-1][0]):
            # Generation hit its length limit mid-sentence: show that the text is cut. (A model
            # that stops on its own after a bare noun phrase has not been cut.)
            kept[-1] = (kept[-1][0].rstrip() + "…", kept[-1][1])
            flags.append("answer cut at the length limit")
        for body, cited in kept:
            marks = []
            for m in cited:
                if m not in order:
                    order[m] = len(order) + 1
                    quote = self.sources.quote(body, hits[m - 1], language, asked)
                    citations.append(Citation(order[m], hits[m - 1].chunk, quote))
                marks.append(order[m])
            fmt = "［{}］" if language == "ja" else "[{}]"
            parts.append(body.rstrip() + "".join(fmt.format(n) for n in marks))
        joiner = "" if language == "ja" else " "
        # The items of a list keep a line each, as does a paragraph that starts a bulleted list or
        # follows a line that ended without a full stop (split_answer cut there at a blank line).
        text = "".join(("\n" if i and (_OWN_LINE.match(part) or not _ENDS_SENTENCE.search(parts[i - 1]))
                        else joiner if i else "") + part for i, part in enumerate(parts))
        return text, citations, flags
