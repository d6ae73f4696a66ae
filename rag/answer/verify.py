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
from functools import partial
from typing import Callable

from ..chunking import short_heading
from ..places import passages_about_other_places, places_named, places_of_passage
from ..retrieval import Hit
from .attribution import figure_of_another_item, figure_of_another_name
from .citations import (LIST_ITEM, Citation, chunk_sentences, markers_in, split_answer,
                        strip_markers)
from .copy_repair import restore_copied_kanji, restore_copied_text
from .dates import (claimed_months, correct_base_years, month_supported, months_in, restore_months,
                    restore_year_span)
from .english_terms import EnglishTerms
from .names import NameChecker
from .numbers import (claimed_numbers, claimed_percentages, is_supported, numbers_in, only_leading_digits, repair_scale,
                      replace_figure, states_figure)
from .output import (FIGURE_PLACEHOLDER, answer_left_to_marker, clean_output, complete_sentences, spell_out_scales,
                     without_dangling_end)
from .periods import contradicts_period
from .prompts import CANNOT_ANSWER
from .qualifiers import restore_japanese_qualifiers, restore_qualifiers
from .restatements import repeats_earlier, repeats_question, without_echoes
from .sources import MIN_SUPPORT_OVERLAP, SourceFinder
from .subjects import SubjectChecker
from .units import different_unit

UNVERIFIED = {"ja": "（数値は報告書で未確認）", "en": "(number not verified in the report)"}
UNVERIFIED_MONTH = "(month not verified in the report)"
# "invest [40] trillion won", "［40］兆ウォン": a figure the model bracketed like a marker. A marker
# is never followed by the unit of a number, so these are unwrapped, not read as citations.
_BRACKETED_FIGURE = re.compile(
    r"(?<![\d.,]\s)(?<![\d.,])[\[［](\d+(?:[.,]\d+)*)[\]］](?=\s*(?:thousand|million|billion|trillion|percent|%|％|[万億兆]))", re.I)
_FINISHED = re.compile(r"[。．.!?！？」』）)…:：]\s*$")
# "This is evident from the passage [3], which mentions …": talk about the sources, not an answer.
_ABOUT_THE_SOURCES = re.compile(r"\b(?:passages?|excerpts?)\b|抜粋", re.I)
# 「この回答は、抜粋から…という情報を基に得られた」: how the answer was made, never part of it, even
# when it is all that is left once the answer's own sentences failed their checks.
_ABOUT_THE_ANSWER = re.compile(r"(?:この|本|上記の|以上の)回答は|\b(?:this|the above) answer\b|\bthe answer above\b", re.I)


def _adds_stated_figures(sentence: str, question: str, hit: Hit) -> bool:
    """The sentence answers with figures the passage states: a restated question plus
    "12ナノメートル" shares little text with the passage, yet its answer is there."""
    new = {v for _, v in claimed_numbers(sentence)} - {v for _, v in claimed_numbers(question)}
    stated = numbers_in(hit.chunk.text)
    return bool(new) and all(is_supported(v, stated) for v in new)


def _drop_citations_without_figures(body: str, cited: list[int], hits: list[Hit], asked: set[float],
                                     flags: list[str]) -> list[int]:
    """Passages that state none of the sentence's own figures, when another cited one states them all.

    The model's marker and the passage the figure check found are both kept by then: "12億kW"
    cited to a passage about China's 2030 innovation strategy, beside the one that states it.
    The question's own figures (``asked``: "by 2030") identify nothing and are left out."""
    claims = [v for _, v in claimed_numbers(body)]
    figures = [v for v in claims if v not in asked]
    if len(cited) < 2 or not figures:
        return cited

    shares = claimed_percentages(body)

    def states(m: int, value: float) -> bool:
        return states_figure(value, hits[m - 1].chunk.text, shares)

    if not any(all(states(m, v) for v in figures) for m in cited):
        return cited
    chosen = {m for m in cited if any(states(m, v) for v in figures)}
    for value in (v for v in claims if v in asked):
        # A restated figure of the question ("2019年度") keeps the one passage that states it.
        source = None if any(states(m, value) for m in chosen) else next((m for m in cited if states(m, value)), None)
        if source is not None:
            chosen.add(source)
    kept = [m for m in cited if m in chosen]
    if len(kept) < len(cited):
        flags.append(f"dropped citations that state none of the figures of: {body[:60]}")
    return kept


def _about_other_places(sentence: str, hits: list[Hit]) -> set[int]:
    """The context passages (1-based) about other countries than the sentence's (places.py)."""
    return passages_about_other_places(sentence, [places_of_passage(h.chunk.text, h.chunk.heading_path) for h in hits])


def _sentences_stating(hit: Hit, values: list[float], shares: frozenset[float]) -> list[str]:
    """The sentences of a passage that state at least one of ``values``."""
    return [s for s in chunk_sentences(hit.chunk) if any(states_figure(v, s, shares) for v in values)]


def _repair_from_passages(repair: Callable[[str], str | None], cited: list[int], usable: list[int],
                          hits: list[Hit]) -> tuple[str | None, int]:
    """``repair`` applied with the cited passages' text, else another usable context passage's
    (the model numbered its source wrongly): the first result, with the passage it came from."""
    for source in dict.fromkeys([*cited, *usable]):
        repaired = repair(hits[source - 1].chunk.text)
        if repaired:
            return repaired, source
    return None, 0


class AnswerVerifier:
    def __init__(self, embedder, report_folded: str, english_terms: EnglishTerms,
                 translated_words: Callable[[str], list[set[str]]] | None = None,
                 tokenize: Callable[[str], list[str]] | None = None) -> None:
        self._english_terms = english_terms
        self.sources = SourceFinder(embedder, report_folded, translated_words, tokenize)
        self._names = NameChecker(translated_words, tokenize) if translated_words and tokenize else None
        self._subjects = SubjectChecker(report_folded)

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
        evidence = [" ".join(_sentences_stating(h, figures, shares)) if figures else h.chunk.text for h in hits]
        found = self._names.subject_source(body, cited, evidence, question, candidates)
        if found is None:
            return cited
        source, names = found
        flags.append(f"cited the passage [{source}] that names {names}, not {', '.join(f'[{m}]' for m in cited)}")
        return [source]

    def _misreading(self, body: str, question: str, value: float, hit: Hit, hits: list[Hit],
                    language: str) -> str | None:
        """How ``body`` misreads ``hit``'s ``value``, or None; the first check that finds it says.

        The sentence calls the figure yearly where the passage gives a total over years or the
        reverse (periods.py), or gives it to another actor than the passage does: in English, one
        the passage names only beside another figure (attribution.py), or one it does not name
        while another passage does (names.py); in Japanese, one the
        passage does not name while another passage does (subjects.py), or the item listed
        beside the one asked (attribution.py); or a Japanese answer writes it with another unit
        than the passage (units.py), or without the 万/億/兆 that the passage's figure has."""
        if language == "en":
            owner = self._names and figure_of_another_name(body, value, hit, self._names)
            if owner:
                return f"another actor's figure, not {owner}'s"
            subject = self._names and self._names.unnamed_subject(body, question, hit.chunk.text,
                                                                  [h.chunk.text for h in hits])
            if subject:
                return f"from a passage that does not name {subject}"
            return contradicts_period(body, value, hit.chunk.text)
        unnamed = self._subjects.misattributed(body, question, value, hit, hits)
        if unnamed:
            return unnamed
        item = figure_of_another_item(body, question, value, hit)
        if item:
            return f"another item's figure, not {item}'s"
        if only_leading_digits(value, hit.chunk.text):
            return "only the digits before 万/億/兆 of a larger figure"
        return contradicts_period(body, value, hit.chunk.text) or different_unit(body, value, hit.chunk.text)

    def _check_numbers(self, body: str, cited: list[int], hits: list[Hit], language: str,
                       flags: list[str], asked: frozenset[float] | set[float] = frozenset(),
                       question: str = "") -> tuple[str, list[int]]:
        """Every number must stand in a cited passage: re-cite, repair a unit slip, or mark it.

        In order: cite the context passage that states the number (or, figure by figure, the
        passages that do); repair a 万/億 conversion slip ("33 billion" where the passage says
        33億 = 3.3 billion); otherwise replace the number by a visible marker so it is never shown
        as if the report said it. A sentence whose numbers are mostly unsupported is dropped. A
        percentage is stated only by a percentage. A figure only a passage about another country
        states, or only sentences of a passage naming other countries, does not support a
        sentence about this one (places.py); the question's own figures (``asked``) are exempt
        from that rule and from the count for dropping, and one the cited passage's heading
        states is not marked.
        """
        claims = claimed_numbers(body)
        foreign = _about_other_places(body, hits)
        passages = range(1, len(hits) + 1)
        percentages = claimed_percentages(body)

        def elsewhere(i: int, value: float) -> bool:
            """Passage i states the figure for another country only: the passage is about
            another one, or every sentence of it that states the figure is ("2022年度の我が国の
            研究費は20兆7,040億円" in a passage that also speaks of Germany)."""
            if i in foreign:
                return True
            sentences = _sentences_stating(hits[i - 1], [value], percentages)
            about = passages_about_other_places(body, [places_named(s) for s in sentences], home_alone=True)
            return bool(sentences) and len(about) == len(sentences)

        misread: dict[tuple[int, float], str | None] = {}

        def misreads(i: int, value: float) -> bool:
            """Whether the sentence misreads passage i's figure (``_misreading``, cached)."""
            if (i, value) not in misread:
                misread[i, value] = self._misreading(body, question, value, hits[i - 1], hits, language)
            return misread[i, value] is not None

        def states(i: int, value: float) -> bool:
            # A share must stand as a share: "a 20% share" is not the 20 of 20億ドル.
            return states_figure(value, hits[i - 1].chunk.text, percentages) and (
                value in asked or not (elsewhere(i, value) or misreads(i, value)))

        usable = [i for i in passages if i not in foreign]
        missing = [(surface, v) for surface, v in claims if not any(states(m, v) for m in cited)]
        # Counts of years first: another passage's unrelated "8" would otherwise be cited for one.
        for surface, value in missing if language == "en" else []:
            spanned, source = _repair_from_passages(partial(restore_year_span, body, surface, value), cited, usable, hits)
            if spanned:
                flags.append(f"wrote the report's years for a count of {surface} years")
                body, cited = spanned, sorted({*cited, source})
                if all(states(source, v) for _, v in claimed_numbers(body)):
                    cited = [source]  # it states the whole sentence: the model's marker pointed elsewhere
                claims = claimed_numbers(body)
                missing = [(surface, v) for surface, v in claims if not any(states(m, v) for m in cited)]
        if not missing:
            return body, cited
        others = [i for i in passages if all(states(i, v) for _, v in missing)]
        if others:
            # A cited passage whose figure is another subject's goes (the UK quantum passage's
            # 2017 for the Faraday Battery Challenge); one that merely lacks the figure is left
            # to _drop_citations_without_figures.
            wrong = {m for m in cited if any(misread.get((m, v)) for _, v in claims)
                     and not any(states(m, v) for _, v in claims)}
            for m in sorted(wrong):
                reason = next(misread[m, v] for _, v in claims if misread.get((m, v)))
                flags.append(f"cited the passage [{others[0]}] instead of [{m}], whose figure is {reason}")
            return body, sorted((set(cited) - wrong) | {others[0]})
        # Else each figure from the passage that states it: a sentence may join two passages'
        # facts ("8% … in basic research and 17% of GDP for emerging industries").
        sources = [next((i for i in passages if states(i, v)), None) for _, v in missing]
        if None not in sources:
            return body, sorted(set(cited) | set(sources))
        unrepaired = []
        for surface, value in missing:
            if value in asked and any(value in numbers_in(" ".join(hits[m - 1].chunk.heading_path)) for m in cited):
                continue  # "the 2022 US chips law" of the question, cited under 「CHIPS and Science Act of 2022」
            # A share is never a slipped 万/億 ("40%" is not "40 trillion"), and a figure the
            # report states for another actor or period is no slip: "repairing" Samsung's $2
            # billion made it the $200 million of another passage.
            slipped = language == "en" and value not in percentages and not any(
                reason for (_, v), reason in misread.items() if v == value)
            repaired, source = (_repair_from_passages(partial(repair_scale, surface),
                                                      [m for m in cited if m not in foreign], usable, hits)
                                if slipped else (None, 0))
            if repaired and not any(misreads(source, v) for _, v in claimed_numbers(repaired)):
                flags.append(f"repaired a unit conversion: {surface} -> {repaired}")
                body = replace_figure(body, surface, repaired)
                cited = sorted({*cited, source})
            else:
                unrepaired.append(surface)
                if value not in asked and any(states_figure(value, hits[i - 1].chunk.text, percentages)
                                              and elsewhere(i, value) for i in passages):
                    flags.append(f"{surface} is stated only for another country")
                reasons = {reason for (_, v), reason in misread.items() if v == value and reason}
                if value not in asked and reasons:
                    flags.append(f"{surface} is {'; '.join(sorted(reasons))}")
        # The question's own figures, restated, do not make a sentence whose answer is wrong
        # worth keeping: "第14次5カ年計画の予算は21.6億ドル" asserts only the second.
        if len(unrepaired) * 2 > len([v for _, v in claims if v not in asked]):
            flags.append(f"sentence with unsupported numbers removed: {body[:60]}")
            return "", cited
        for surface in unrepaired:
            flags.append(f"number not found in the cited passages, marked: {surface}")
            body = replace_figure(body, surface, UNVERIFIED[language])
        return body, cited

    def verify(self, raw: str, hits: list[Hit], language: str, question: str = "",
                cut: bool | None = None) -> tuple[str, list[Citation], list[str]]:
        flags: list[str] = []
        kept: list[tuple[str, list[int]]] = []
        asked = {v for _, v in claimed_numbers(question)}  # the question's own figures
        text = clean_output(complete_sentences(_BRACKETED_FIGURE.sub(r"\1", raw)), [short_heading(h.chunk) for h in hits])
        if language == "en":
            text, notes = restore_copied_kanji(text, [h.chunk.text for h in hits])
            text, replaced = self._english_terms.replace(text, question)
            notes += replaced
            text, calques = self._english_terms.repair_calques(text, [h.chunk.text for h in hits])
            notes += calques
            text = spell_out_scales(text)
        else:
            text, notes = restore_copied_text(text, [h.chunk.text for h in hits], question)
        flags.extend(notes)
        echoes: set[int] = set()  # indexes in ``kept`` of sentences that restate the question
        for sentence in split_answer(text):
            body = strip_markers(sentence)
            if not re.search(r"\w", body) or CANNOT_ANSWER[language] in body:  # ", , ," left by markers
                continue
            if FIGURE_PLACEHOLDER in body:
                flags.append(f"sentence with a placeholder for its figure removed: {body[:60]}")
                continue
            if answer_left_to_marker(sentence, language) is not None:  # "… is outlined in [1]."
                flags.append(f"sentence that only points at its source removed: {body[:60]}")
                continue
            echo = bool(question) and repeats_question(body, question)
            if any(repeats_earlier(body, earlier, language) for earlier, _ in kept):
                flags.append(f"repeated sentence removed: {body[:60]}")
                continue
            if (kept and _ABOUT_THE_SOURCES.search(body)) or _ABOUT_THE_ANSWER.search(body):
                flags.append(f"sentence about the passages removed: {body[:60]}")
                continue
            markers = markers_in(sentence)
            cited = list(dict.fromkeys(m for m in markers if 1 <= m <= len(hits)))  # "[2] … [2]": once
            if any(not 1 <= m <= len(hits) for m in markers):
                flags.append(f"removed a citation marker that points to no passage in: {body[:60]}")
            if not cited:
                best, shared = self.sources.source_of_unmarked(body, hits, language)
                if language == "ja" and shared < MIN_SUPPORT_OVERLAP and not _adds_stated_figures(body, question, hits[best]):
                    flags.append(f"unsupported sentence removed: {body[:60]}")
                    continue
                cited = [best + 1]
            elif language == "ja":
                cited = self.sources.recite_copied(body, cited, hits, flags)
            if language == "en":
                body, cited = self._check_months(body, cited, hits, flags)
            body, cited = self._check_numbers(body, cited, hits, language, flags, asked, question)
            cited = _drop_citations_without_figures(body, cited, hits, asked, flags)
            if body and language == "en" and self._names:
                foreign = _about_other_places(body, hits)
                cited = self._cite_the_subject(body, cited, hits, question, foreign, flags)
                has_figures = any(v not in asked for _, v in claimed_numbers(body))  # the ones left are supported
                body, cited = self._names.check(body, cited, [h.chunk.text for h in hits], question, has_figures,
                                                flags, foreign)
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
                # A month is taken only where every source cited by now agrees on it: a wrongly
                # cited passage alone gave "the K-Battery strategy … in May 2021" (May is the
                # month of Korea's semiconductor strategy; the battery passage, added as the
                # closest source, says July).
                month_quotes = ([quoted.get(m) or self.sources.quote(body, hits[m - 1], language, asked) for m in cited]
                                if sources else [])
                body, notes = restore_months(body, month_quotes)
                flags.extend(notes)
            if body:
                body, unfinished = without_dangling_end(body, language)
                if unfinished:
                    flags.append(f"unfinished end of sentence removed: {unfinished[:60]}")
            if body:  # unless it was all unfinished
                if echo:
                    echoes.add(len(kept))
                kept.append((body, cited))
        kept = without_echoes(kept, echoes, flags)
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
        # The items of a numbered list keep a line each.
        text = "".join(("\n" if i and LIST_ITEM.match(part) else joiner if i else "") + part
                       for i, part in enumerate(parts))
        return text, citations, flags
