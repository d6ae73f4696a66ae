"""The figure check of a verified sentence: every number must stand in a cited passage, read right.

A figure counts only where a cited passage states it for the sentence's own country, actor,
item, period and unit (places.py, attribution.py, names.py, subjects.py, periods.py, units.py).
Otherwise the context passage that does state it is cited instead, a 万/億 conversion slip is
repaired from the passage, or the figure is visibly marked as unverified; a sentence whose
figures are mostly unsupported is dropped. verify.py runs this for each sentence of an answer.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Callable

from ..places import passages_about_other_places, places_named, places_of_passage
from ..retrieval import Hit
from .attribution import (another_item_reason, figure_of_a_named_other, figure_of_another_item,
                          figure_of_another_name, figure_of_another_quoted_item, figure_of_the_item, item_of_reason,
                          year_of_a_named_other)
from .citations import chunk_sentences
from .dates import is_year_value, only_as_month, restore_year_span, written_as_month, year_only_in_names
from .names import NameChecker
from .numbers import (NUMBER_WORD, NUMBER_WORDS, SCALE_WORD, claimed_numbers, claimed_percentages, english_value,
                      kanji_counts, numbers_in, only_leading_digits, repair_rounding, repair_scale, replace_figure,
                      spelled_counts, states_figure)
from .parts import asks_for_a_part
from .periods import ANOTHER_YEARS_FIGURE, another_amount_for_year, another_years_figure, contradicts_period, figure_for_year
from .subjects import SubjectChecker
from .units import currency_of, different_unit, english_unit_after, swap_figures_back

UNVERIFIED = {"ja": "（数値は報告書で未確認）", "en": "(number not verified in the report)"}
# Where an English sentence joins a second claim to its first: "… was initiated in 2017 and will
# run for 4 years."
_CLAUSE_JOIN = re.compile(r",? and (?=(?:will|was|were|is|are|has|had|have|it|its|their|they)\b)|; |, (?:which|while|with) ")


def _clause_before(body: str, surfaces: list[str]) -> str | None:
    """The English sentence ``body`` up to the clause that first writes one of ``surfaces`` (the
    unsupported figures), as a sentence of its own, or None when they stand in its first clause.
    The supported claim is stated whole, not with a marked hole in the one that follows it."""
    at = min((body.find(surface) for surface in surfaces if surface in body), default=-1)
    joins = [m for m in _CLAUSE_JOIN.finditer(body, 0, max(at, 0)) if m.start() > 0]
    if at < 0 or not joins:
        return None
    return body[:joins[-1].start()].rstrip(" ,;") + "."


def mark_number_words(body: str, cited: list[int], hits: list[Hit], question: str, flags: list[str]) -> str:
    """A count an English sentence spells out must stand in a cited passage (as 3, 3つ or 三つ)
    unless the question gives it ("Which two bodies …"); otherwise it is marked unverified,
    like a figure: asked into how many phases EMBER is divided, the model wrote "two" (the
    report: 3つの段階)."""
    asked = spelled_counts(question) | set(numbers_in(question))
    for m in reversed(list(NUMBER_WORD.finditer(body))):
        value = NUMBER_WORDS[m.group(1).lower()]
        if value in asked or any(value in numbers_in(h.chunk.text) or value in kanji_counts(h.chunk.text)
                                 for h in (hits[i - 1] for i in cited)):
            continue
        flags.append(f"count not found in the cited passages, marked: {m.group(1)}")
        body = body[:m.start()] + UNVERIFIED["en"] + body[m.end():]
    return body


def drop_citations_without_figures(body: str, cited: list[int], hits: list[Hit], asked: set[float],
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


def about_other_places(sentence: str, hits: list[Hit]) -> set[int]:
    """The context passages (1-based) about other countries than the sentence's (places.py)."""
    return passages_about_other_places(sentence, [places_of_passage(h.chunk.text, h.chunk.heading_path) for h in hits])


def sentences_stating(hit: Hit, values: list[float], shares: frozenset[float]) -> list[str]:
    """The sentences of a passage that state at least one of ``values``."""
    return [s for s in chunk_sentences(hit.chunk) if any(states_figure(v, s, shares) for v in values)]


def _scale_repair(body: str, surface: str) -> Callable[[str], str | None]:
    """repair_scale for the figure ``surface`` of ``body``. The repaired number must be written
    with the answer's unit: "12 million tonnes" is no slip of 12億kW; and a bare count ("at least 2
    green hydrogen production sites") is no slip of a sum of money."""
    money = currency_of(body, surface) is not None or bool(SCALE_WORD.search(surface))
    return partial(repair_scale, surface, unit=english_unit_after(body, surface), money=money)


def _repair_from_passages(repair: Callable[[str], str | None], cited: list[int], usable: list[int],
                          hits: list[Hit]) -> tuple[str | None, int]:
    """``repair`` applied with the cited passages' text, else another usable context passage's
    (the model numbered its source wrongly): the first result, with the passage it came from."""
    for source in dict.fromkeys([*cited, *usable]):
        repaired = repair(hits[source - 1].chunk.text)
        if repaired:
            return repaired, source
    return None, 0


# How a misreading begins when the figure is another passage's 万/億 figure at the wrong scale: a
# slip that the scale repair below may mend, unlike any other misreading.
SCALE_SLIP = "a slip of the scale of the figure of the passage naming "


def _scale_slip_of_another(body: str, question: str, value: float, hit: Hit, hits: list[Hit],
                           names: NameChecker) -> str | None:
    """The name of the English sentence that ``hit`` (which states ``value``) does not name while
    a passage that does name it writes the same figure at another 万/億 scale: "Germany announced
    9 billion euros for the H2 Global project" rests on the 90億ユーロ of the hydrogen strategy's
    passage only by chance; the H2 Global passage says 約9億ユーロ, 900 million."""
    surfaces = [surface for surface, v in claimed_numbers(body) if v == value]
    if not surfaces:
        return None
    slip = _scale_repair(body, surfaces[0])
    texts = list(dict.fromkeys(h.chunk.text for h in hits))
    for name, other in names.named_only_elsewhere(body, question, hit.chunk.text, texts):
        if slip(other):
            return name.surface
    return None


class FigureChecker:
    """Checks the figures of one sentence against the context passages (``check``)."""

    def __init__(self, names: NameChecker | None, subjects: SubjectChecker) -> None:
        self._names = names
        self._subjects = subjects

    def misreading(self, body: str, question: str, value: float, hit: Hit, hits: list[Hit],
                   language: str) -> str | None:
        """How ``body`` misreads ``hit``'s ``value``, or None; the first check that finds it says.

        The sentence counts with a number the passage writes only as a month (「2021年11月」 as "11
        researchers"; dates.py), dates an event by a year the passage writes only in a name
        (「2021年版」, 「科学技術指標2022」; dates.py), calls the figure yearly where the passage gives
        a total over years or the reverse (periods.py), or gives it to another actor than the passage does: in
        English, one the passage names only beside another figure, or only in sentences whose
        topic is another name, or a year asked for that only sentences naming another name state
        (attribution.py), or one it does not name while another passage does (names.py); in
        Japanese, one the passage does not name while another passage does (subjects.py), or the
        item listed beside the one asked (attribution.py); or the answer writes it with another
        unit than the passage (units.py; an English answer's counted noun read as the report's
        counter: "36,000 papers" for 3万6千人), or, in Japanese, without the 万/億/兆 that the
        passage's figure has."""
        if only_as_month(value, hit.chunk.text) and not written_as_month(body, value):
            return "only a month in the report"
        if year_only_in_names(question, value, body, hit.chunk.text):
            return "only the year of a name (an edition, a title), not a date"
        if language == "en":
            slipped = self._names and _scale_slip_of_another(body, question, value, hit, hits, self._names)
            if slipped:
                return SCALE_SLIP + slipped
            owner = self._names and figure_of_another_name(body, question, value, hit, self._names)
            if owner:
                return f"another actor's figure, not {owner}'s"
            other = self._names and figure_of_a_named_other(body, question, value, hit, self._names)
            if other:
                return f"stated for {other}, in sentences that do not name the subject"
            other = self._names and year_of_a_named_other(body, question, value, hit, self._names)
            if other:
                return f"the year of {other}, in sentences that do not name the subject"
            subject = self._names and self._names.unnamed_subject(body, question, hit.chunk.text,
                                                                  [h.chunk.text for h in hits])
            if subject:
                return f"from a passage that does not name {subject}"
            item = self._names and (figure_of_another_quoted_item(body, question, value, hit, self._names.items_named)
                                    or figure_of_another_item(body, question, value, hit, self._names.items_named))
            if item:
                return another_item_reason(item)
            return (contradicts_period(body, value, hit.chunk.text)
                    or another_amount_for_year(body, value, hit.chunk.text, [h.chunk.text for h in hits if h is not hit])
                    or different_unit(body, value, hit.chunk.text))
        unnamed = self._subjects.misattributed(body, question, value, hit, hits)
        if unnamed:
            return unnamed
        item = figure_of_another_item(body, question, value, hit)
        if item:
            return another_item_reason(item)
        if only_leading_digits(value, hit.chunk.text):
            return "only the digits before 万/億/兆 of a larger figure"
        return (contradicts_period(body, value, hit.chunk.text) or another_years_figure(body, value, hit.chunk.text)
                or different_unit(body, value, hit.chunk.text))

    def check(self, body: str, cited: list[int], hits: list[Hit], language: str, flags: list[str],
              asked: frozenset[float] | set[float] = frozenset(), question: str = "") -> tuple[str, list[int]]:
        """Every number must stand in a cited passage: re-cite, repair a unit slip, or mark it.

        In order: cite the context passage that states the number (or, figure by figure, the
        passages that do); repair a 万/億 conversion slip ("33 billion" where the passage says
        33億 = 3.3 billion; "100" where the cited passage says 100万, before another passage's
        bare 100 is cited); otherwise replace the number by a visible marker so it is never shown
        as if the report said it. A sentence whose numbers are mostly unsupported is dropped. A
        percentage is stated only by a percentage. A figure only a passage about another country
        states, or only sentences of a passage naming other countries, does not support a
        sentence about this one (places.py); the question's own figures (``asked``) are exempt
        from that rule and from the count for dropping, and one the cited passage's heading
        states is not marked.
        """
        claims = claimed_numbers(body)
        foreign = about_other_places(body, hits)
        passages = range(1, len(hits) + 1)
        percentages = claimed_percentages(body)

        def elsewhere(i: int, value: float) -> bool:
            """Passage i states the figure for another country only: the passage is about
            another one, or every sentence of it that states the figure is ("2022年度の我が国の
            研究費は20兆7,040億円" in a passage that also speaks of Germany)."""
            if i in foreign:
                return True
            sentences = sentences_stating(hits[i - 1], [value], percentages)
            about = passages_about_other_places(body, [places_named(s) for s in sentences], home_alone=True)
            return bool(sentences) and len(about) == len(sentences)

        misread: dict[tuple[int, float], str | None] = {}

        def misreads(i: int, value: float) -> bool:
            """Whether the sentence misreads passage i's figure (``misreading``, cached)."""
            if (i, value) not in misread:
                misread[i, value] = self.misreading(body, question, value, hits[i - 1], hits, language)
            return misread[i, value] is not None

        def states(i: int, value: float) -> bool:
            # A share must stand as a share: "a 20% share" is not the 20 of 20億ドル. An English
            # figure that is only the digits before 万/億/兆 ("100" qubits of 100万量子ビット) is
            # a conversion slip, left unstated here so that the repair below writes "1 million".
            text = hits[i - 1].chunk.text
            return states_figure(value, text, percentages) and (
                value in asked or not (elsewhere(i, value) or misreads(i, value)
                                       or (language == "en" and only_leading_digits(value, text))))

        def unsupported(claims: list[tuple[str, float]], cited: list[int]) -> list[tuple[str, float]]:
            return [(surface, v) for surface, v in claims if not any(states(m, v) for m in cited)]

        usable = [i for i in passages if i not in foreign]
        missing = unsupported(claims, cited)
        # Counts of years first: another passage's unrelated "8" would otherwise be cited for one.
        for surface, value in missing if language == "en" else []:
            spanned, source = _repair_from_passages(partial(restore_year_span, body, surface, value), cited, usable, hits)
            if spanned:
                flags.append(f"wrote the report's years for a count of {surface} years")
                body, cited = spanned, sorted({*cited, source})
                if all(states(source, v) for _, v in claimed_numbers(body)):
                    cited = [source]  # it states the whole sentence: the model's marker pointed elsewhere
                claims = claimed_numbers(body)
                missing = unsupported(claims, cited)
        # Then a scale word dropped from a cited passage's figure: "100" qubits where the cited
        # passage writes 100万量子ビット is that figure, not the bare 100 (NISQ's 100量子ビット)
        # another passage happens to write.
        for surface, value in missing if language == "en" else []:
            if value in percentages:
                continue  # a share is never a slipped 万/億: "a 20% share" is not 20億ドル
            slipped_in = [m for m in cited if only_leading_digits(value, hits[m - 1].chunk.text)]
            repaired, _ = _repair_from_passages(_scale_repair(body, surface), slipped_in, [], hits)
            if repaired and not any(misreads(m, v) for m in slipped_in for _, v in claimed_numbers(repaired)):
                flags.append(f"repaired a unit conversion: {surface} -> {repaired}")
                body = replace_figure(body, surface, repaired)
                claims = claimed_numbers(body)
                missing = unsupported(claims, cited)
        # Then a conversion the model rounded: "15.13 trillion yen" for 15兆1,306億円 (given to it as
        # "15.1306 trillion yen") takes the passage's exact figure.
        for surface, _ in missing if language == "en" else []:
            rounding = partial(repair_rounding, surface, unit=english_unit_after(body, surface))
            repaired, source = _repair_from_passages(rounding, cited, usable, hits)
            if repaired and not any(misreads(source, v) for _, v in claimed_numbers(repaired)):
                flags.append(f"wrote the report's exact figure for {surface}: {repaired}")
                body = replace_figure(body, surface, repaired)
                cited = sorted({*cited, source})
                claims = claimed_numbers(body)
                missing = unsupported(claims, cited)
        # Then two figures swapped: "21 partner organisations from 165 countries" for 「21カ国から
        # 165のパートナー」 gives 165 the counter the passage writes after 21 (units.py).
        for surface, value in missing:
            swapped, source = _repair_from_passages(partial(swap_figures_back, body, surface, value), cited, usable, hits)
            if not swapped:
                continue
            before, body = body, swapped
            misread.clear()  # the readings were of the sentence as it was
            if all(states(source, v) for _, v in claimed_numbers(body)):
                flags.append(f"exchanged two figures the sentence had swapped: {before} -> {body}")
                cited = sorted({*cited, source})
                claims = claimed_numbers(body)
                missing = unsupported(claims, cited)
                break
            body = before
            misread.clear()
        if not missing:
            return body, cited
        # A passage cited for a figure must read it as the sentence does, the question's own counts
        # too: 「2種類の機関」, restated from the question, is not the 2 of another passage's 「2nm世代」.
        # (The question's years are dates that passages write in many contexts: exempt.)
        def source_of(i: int, value: float) -> bool:
            return states(i, value) and not (value in asked and not is_year_value(value) and misreads(i, value))

        # A cited passage whose figure is another subject's goes when another passage is cited
        # instead (the UK quantum passage's 2017 for the Faraday Battery Challenge); one that
        # merely lacks the figure is left to drop_citations_without_figures. The question's own
        # figures keep no passage: the UK's quantum passage states the 2019 of "QuantERA's 2019
        # call", not its 20Mユーロ.
        wrong = {m for m in cited if any(misread.get((m, v)) for _, v in claims)
                 and not any(states(m, v) for _, v in claims if v not in asked)}

        def recited(sources: set[int]) -> list[int]:
            for m in sorted(wrong):
                reason = next(misread[m, v] for _, v in claims if misread.get((m, v)))
                flags.append(f"cited the passage [{min(sources)}] instead of [{m}], whose figure is {reason}")
            return sorted((set(cited) - wrong) | sources)

        others = [i for i in passages if all(source_of(i, v) for _, v in missing)]
        if others:
            return body, recited({others[0]})
        # Else each figure from the passage that states it: a sentence may join two passages'
        # facts ("8% … in basic research and 17% of GDP for emerging industries").
        sources = [next((i for i in passages if source_of(i, v)), None) for _, v in missing]
        if None not in sources:
            return body, sorted(set(cited) | set(sources))
        # A figure some passage does state is cited there, whatever becomes of the others: "begun
        # in 2017 and running for 4 years" keeps the 2017 of the passage that states it.
        if any(sources):
            cited = recited({i for i in sources if i is not None})
        missing = [claim for claim, source in zip(missing, sources) if source is None]
        unrepaired = []
        for surface, value in missing:
            if value in asked and any(value in numbers_in(" ".join(hits[m - 1].chunk.heading_path)) for m in cited):
                continue  # "the 2022 US chips law" of the question, cited under 「CHIPS and Science Act of 2022」
            # A Japanese figure paired with the neighbouring year of a list takes the list's own
            # figure for the year the sentence gives (periods.another_years_figure).
            dated = [m for (m, v), reason in misread.items()
                     if v == value and reason and reason.startswith(ANOTHER_YEARS_FIGURE)]
            own = figure_for_year(body, value, hits[dated[0] - 1].chunk.text) if dated and language == "ja" else None
            if own:
                flags.append(f"wrote the report's figure for the year the sentence gives: {surface} -> {own}")
                body = replace_figure(body, surface, own)
                cited = sorted({*cited, dated[0]})
                continue
            # A figure of another item of a list takes the one the passage gives the item asked,
            # in the same unit: asked for 工学・材料分野's count, the model had written the whole
            # list's 20472 (「全20472課題の内、…工学・材料分野は3486課題」).
            # Not when a part of the item is asked (「量子技術の研究費のうち、大学等が使用した額」):
            # the item's own figure would be its whole.
            listed = [(m, item) for (m, v), reason in misread.items() if v == value and (item := item_of_reason(reason))]
            found = (figure_of_the_item(listed[0][1], value, hits[listed[0][0] - 1])
                     if listed and not asks_for_a_part(question) else None)
            if found:
                repaired = found[0] if language == "ja" else english_value(found[1])
                flags.append(f"wrote the report's figure for {listed[0][1]}: {surface} -> {repaired}")
                body = replace_figure(body, surface, repaired)
                cited = sorted({*cited, listed[0][0]})
                continue
            # A share is never a slipped 万/億 ("40%" is not "40 trillion"), and a figure the
            # report states for another actor or period is no slip: "repairing" Samsung's $2
            # billion made it the $200 million of another passage.
            slipped = language == "en" and value not in percentages and not any(
                reason and not reason.startswith(SCALE_SLIP) for (_, v), reason in misread.items() if v == value)
            repaired, source = (_repair_from_passages(_scale_repair(body, surface),
                                                      [m for m in cited if m not in foreign], usable, hits)
                                if slipped else (None, 0))
            if repaired and not any(misreads(source, v) for _, v in claimed_numbers(repaired)):
                flags.append(f"repaired a unit conversion: {surface} -> {repaired}")
                body = replace_figure(body, surface, repaired)
                # The passage whose figure the slip happened to equal supports nothing now.
                chance = {m for (m, v), reason in misread.items() if v == value and reason and reason.startswith(SCALE_SLIP)}
                cited = sorted({*cited, source} - chance)
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
        head = _clause_before(body, unrepaired) if language == "en" else None
        if head and any(v not in asked for _, v in claimed_numbers(head)):
            flags.append(f"clause with unsupported numbers removed: {body[len(head):][:60]}")
            return head, cited
        for surface in unrepaired:
            flags.append(f"number not found in the cited passages, marked: {surface}")
            body = replace_figure(body, surface, UNVERIFIED[language])
        return body, cited
