"""Question -> retrieval -> answerability -> generation -> verified, cited answer.

The small default model is not trusted alone: retrieval decides whether the report covers the
question, every citation marker is checked and mapped to an exact quote of the report, and
every number in the answer must appear in the passages its sentence cites.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from typing import Iterator

from ..chunking import links_only
from ..glossary import ACRONYM
from ..places import HOME, places_named, places_of_passage
from ..questions import check_question, question_language
from ..retrieval import Hit
from .answer import Answer, AnswerEvent
from .backends import Generator
from .citations import Citation, fold_report, split_answer
from .context import asks_reason, build_messages, select_context
from .dates import YEAR, years_asked, years_written
from .english_terms import EnglishTerms, sense_by_meaning
from .followup import resolve_followup
from ..item_labels import described_item, labelled_item
from .near_miss import (ACHIEVED, AMOUNT_OF_MONEY, ANOTHER_YEAR, COUNT, EXACT_FIGURE, EXTREME, PART, PLACE, SHARE,
                        YEARLY_AMOUNT,
                        asks_for_figure, asks_several, missing_precision, states_plan)
from .output import SentenceStop, answer_left_to_marker
from .prompts import (CANNOT_ANSWER, NO_EXACT_FIGURE, NOT_THE_EXTREME, ONLY_A_PLAN, ONLY_A_TOTAL,
                      ONLY_THE_WHOLE, REFUSAL_PHRASES, UNVERIFIED_ANSWER)
from .qualifiers import new_figures
from .rankings import MISRANKED
from .terse import FIGURE_IN_QUOTE, with_supporting_quotes
from .second_passes import SecondPasses
from .verify import AnswerVerifier

log = logging.getLogger(__name__)

# Answerability from retrieval evidence, calibrated on the development sets (see docs/evaluation-log.md).
MIN_DENSE_SIMILARITY = {"ja": 0.85, "en": 0.80}
# Just under the floor, an English question still goes to the model when the top passage is also
# the keyword index's first by a wide score: over 508 English questions of all sets, the 0.78-0.80
# band held 5 answerable questions (BM25 17-35 on the top passage, first there too), 2
# unanswerable (one at 28.9) and 5 of 22 off-topic ones (none above 11.6).
KEYWORD_RESCUE = {"en": (0.78, 15.0)}  # (lowest dense similarity, least BM25 score of the top passage)
# The prompts a backend reading prompts in int8 (RAG_GENERATION__PREFILL=int8) measures its
# activation ranges on: fixed, so that no answer depends on which question a session asked first.
CALIBRATION_QUESTIONS = {"ja": "ナノテクノロジー・材料分野の世界の研究開発の動向は？",
                         "en": "What are the trends in materials research investment worldwide?"}


def _acronym_in_top_passage(question: str, hits: list[Hit]) -> bool:
    """Whether the top passage writes an acronym the question asks about. A question that is little
    more than the acronym (「RXとは何の略で、どういう意味か？」) leaves the dense encoder too few words
    to score the passage that defines it high (0.84), while the passage writes the very name."""
    if not hits:
        return False
    text = hits[0].chunk.text
    return any(re.search(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z])", text)
               for term in ACRONYM.findall(unicodedata.normalize("NFKC", question)))


def _keywords_match_top_passage(top_similarity: float, hits: list[Hit], language: str) -> bool:
    """Whether a question just under the dense floor has a top passage the keyword index ranks
    first by a wide score (KEYWORD_RESCUE): "For computing with a reservoir, what property must
    the building blocks have?" (dense 0.797) matches リザバーコンピューティング's passage at 17."""
    if language not in KEYWORD_RESCUE or not hits:
        return False
    lowest, least_score = KEYWORD_RESCUE[language]
    return (top_similarity >= lowest and hits[0].ranks.get("bm25") == 1
            and hits[0].similarities.get("bm25", 0.0) >= least_score)


def _places_not_in(question: str, hits: list[Hit]) -> list[str]:
    """The countries the question asks about when none of them is mentioned in the passages.

    A question about a country the report does not discuss retrieves another country's policy,
    and the model answers with its figures (dev: Canada's quantum budget answered with the
    Netherlands')."""
    named = places_named(question)
    if not named:
        return []
    of_passages = [places_of_passage(h.chunk.text, h.chunk.heading_path) for h in hits]
    mentioned = set().union(*of_passages)
    if HOME in named and not all(of_passages):
        # Japan's own figures often go unnamed (「量子技術」が1,322億円, in the statistics of
        # Japan's R&D spending): a passage that names no country may be about Japan.
        mentioned.add(HOME)
    return [] if named & mentioned else sorted(named)


_ENDS_IN_MARKERS = re.compile(r"^(.*?\w)(?:\s*\[\d+\])+\s*\.?$", re.S)


def _figure_left_to_markers(raw: str, question: str, language: str) -> str | None:
    """The words to continue from when an English answer to "how much …" ends its first
    sentence in markers without having given a figure: "Horizon 2020 gave its Industrial
    leadership priority [1] [2] [3] [4] [5]" (the passage: 17.0Bユーロ)."""
    sentences = split_answer(raw)
    if language != "en" or not sentences or not asks_for_figure(question):
        return None
    found = _ENDS_IN_MARKERS.match(sentences[0].strip())
    if not found:
        return None
    text, new = new_figures(found.group(1), question)
    return None if any(not YEAR.fullmatch(text[a:b]) for a, b, _ in new) else found.group(1)


def _years_not_in(question: str, hits: list[Hit]) -> list[str]:
    """The years a question asks about that none of the passages it would be answered from writes.

    A question about a year the report does not cover retrieves the passage on the same topic for
    other years, and the model answers with that passage's figures: asked for Korea's nanotech
    budget in 2005, it gave the annual 5億ドル of the years since 2013 as the 2005 budget. Every
    answerable question that names a year, in the evaluation sets and session 20's probes, finds
    it in its top four passages (33 of 33)."""
    asked = years_asked(question)
    if not asked:
        return []
    written = years_written(" ".join(" ".join([*h.chunk.heading_path, h.chunk.text]) for h in hits))
    return [year for year in asked if year not in written]


# What the flag of a near miss says the answer lacks, by the kind of precision missing.
_NEAR_MISS_GAPS = {AMOUNT_OF_MONEY: "the answer gives none", SHARE: "the answer gives none",
                   COUNT: "the answer gives none in that unit", PLACE: "the answer names none of its own",
                   ACHIEVED: "the report gives only plans", ANOTHER_YEAR: "the report dates the figure to other years",
                   YEARLY_AMOUNT: "the report gives only totals over several years",
                   PART: "the report gives only the whole's figure",
                   EXTREME: "the answer's figure is another one of those the report lists"}
# Near misses answered with the report's own words under a message: it plans what the answer
# wrote as done; it gives over several years what the answer wrote as a year's amount; it gives
# for the whole what the answer wrote as the part's; it lists, beside the answer's figure, the
# larger one asked for.
_SHOWN_IN_REPORT_WORDS = {ACHIEVED: ONLY_A_PLAN, YEARLY_AMOUNT: ONLY_A_TOTAL, PART: ONLY_THE_WHOLE, EXTREME: NOT_THE_EXTREME}


def _in_report_words(citations: list[Citation]) -> str:
    """The cited sentences of the report, each with its marker: 「…」［1］「…」［2］."""
    return "".join(f"「{c.quote}」［{c.marker}］" for c in citations)


def _shown_line(found: tuple[str, str, Citation], why: str, flags: list[str]) -> tuple[str, list[Citation]]:
    """The answer that shows the report's labelled line ``found`` (AnswerPipeline._labelled_line), quoted."""
    _, line, citation = found
    flags.append(f"the question asks for the item the report labels {line[:8]}; {why}: the report's line is shown")
    return FIGURE_IN_QUOTE.format(quote=citation.quote, marker=1), [citation]


class AnswerPipeline(SecondPasses):
    def __init__(self, engine, generator: Generator) -> None:
        self.engine = engine
        self.generator = generator
        self.cfg = engine.settings.generation
        use = engine.use_encoder  # None when the package is missing: then the first sense is taken
        terms = EnglishTerms(engine.retriever.glossary.pairs, morphemes=engine.tokenizer.morphemes,
                             closest_sense=sense_by_meaning(use) if use is not None else None)
        self.verifier = AnswerVerifier(engine.embedder, fold_report(engine.settings.source.read_text(encoding="utf-8")),
                                       terms, engine.retriever.translated_words, engine.tokenizer,
                                       engine.use_encoder)
        calibrate = getattr(generator, "calibrate_prefill", None)
        if calibrate is not None:  # it asks for the prompts only when it reads in int8
            calibrate(self.calibration_messages)

    def calibration_messages(self) -> list[list[dict]]:
        """What the model reads for the fixed ``CALIBRATION_QUESTIONS``, one chat per language."""
        return [build_messages(question, language, self._passages(question, question, language), None)
                for language, question in CALIBRATION_QUESTIONS.items()]

    # ---- steps --------------------------------------------------------------------------
    def _hits(self, query: str, language: str) -> list[Hit]:
        # A list of links states nothing to answer from; it would only take a passage's seat.
        return [h for h in self.engine.retriever.search(query, k=self.engine.settings.retrieval.k, language=language)
                if not links_only(h.chunk)]

    def _passages(self, query: str, asked: str, language: str, hits: list[Hit] | None = None):
        """The excerpts of the retrieved passages the model reads, in marker order."""
        hits = self._hits(query, language) if hits is None else hits
        return select_context(hits[: self.cfg.context_passages], self.engine.retriever.query_terms(asked, language),
                              self.engine.tokenizer, self.cfg.context_chars, asks_reason(asked))

    def _refusal_before_generation(self, question: str, hits: list[Hit], language: str) -> str | None:
        """Why the report cannot answer, judged from retrieval alone, or None to ask the model."""
        top = max((h.similarities.get("dense", 0.0) for h in hits[:3]), default=0.0)
        if top < MIN_DENSE_SIMILARITY.get(language, 0.8) and not (_acronym_in_top_passage(question, hits)
                                                                  or _keywords_match_top_passage(top, hits, language)):
            return "retrieval found no close passage"
        context = hits[: self.cfg.context_passages]
        unmentioned = _places_not_in(question, context) or _years_not_in(question, context)
        return f"no retrieved passage mentions {', '.join(unmentioned)}" if unmentioned else None

    def _generate(self, messages: list[dict], stop: SentenceStop, answer_start: str = "") -> Iterator[str]:
        """The answer so far after each streamed piece, starting with ``answer_start``."""
        text = answer_start
        # Only a continuation passes answer_start: generators written before it existed still work.
        start = {"answer_start": answer_start} if answer_start else {}
        for piece in self.generator.stream(messages, self.cfg.max_new_tokens + self.cfg.sentence_grace_tokens,
                                           stop_when=lambda new, tokens: stop(answer_start + new, tokens), **start):
            text += piece
            yield text

    @staticmethod
    def _near_miss(question: str, language: str, text: str, citations: list[Citation],
                   flags: list[str]) -> tuple[bool, str, list[Citation]]:
        """(answerable, text, citations) after checking that the answer is as precise as asked."""
        missing = missing_precision(question, text, [c.quote for c in citations])
        if missing is None:
            return True, text, citations
        gap = f"the question asks for {missing}; {_NEAR_MISS_GAPS.get(missing, 'the report gives less')}"
        if asks_several(question):  # the answer gives the rest of what was asked: a partial answer
            flags.append(f"{gap}; the answer is kept for the other things the question asks")
            return True, text, citations
        flags.append(f"{gap} (a near miss)")
        if missing == EXACT_FIGURE:  # what the report does say is worth showing, with its quotes
            # The report's own sentences: a Japanese answer may have dropped the bound (超).
            shown = _in_report_words(citations) if language == "ja" else text
            return False, NO_EXACT_FIGURE[language].format(answer=shown), citations
        if missing in _SHOWN_IN_REPORT_WORDS:
            if missing == ACHIEVED:
                citations = [c for c in citations if states_plan(c.quote)]
            shown = _in_report_words(citations) if language == "ja" else "".join(f"[{c.marker}]" for c in citations)
            return False, _SHOWN_IN_REPORT_WORDS[missing][language].format(answer=shown), citations
        if missing == PLACE:  # the report may well name the place; the drafted answer did not
            return False, UNVERIFIED_ANSWER[language], []
        # The prefecture may belong to another subject; the figure that is no amount, to another thing.
        return False, CANNOT_ANSWER[language], []

    def _labelled_line(self, question: str, context: list[Hit]) -> tuple[str, str, Citation] | None:
        """(what an answer must write, the line, its citation) of the item the report labels ゴール3
        or 第二の柱 that ``question`` asks for (its title), or whose label it asks for (the label),
        when one context passage writes it."""
        texts = [hit.chunk.text for hit in context]
        found = labelled_item(question, texts)
        if found is not None:
            index, line = found
            title = re.sub(r"^\S+?[.．:：\s]\s*", "", line)[:10]
        else:
            described = described_item(question, texts)
            if described is None:
                return None
            index, line, title = described
        quote = self.verifier.sources.quote(line, context[index], "ja")
        if not title or title not in quote:
            return None
        return title, line, Citation(1, context[index].chunk, quote)

    def _labelled_item(self, question: str, text: str, citations: list[Citation], context: list[Hit],
                       flags: list[str]) -> tuple[str, list[Citation]]:
        """Asked for the item the report labels ゴール3 or 第二の柱, an answer that does not give
        that item's words is replaced by the report's line for it: asked for the NNI's third goal,
        the model gave NASEM's third recommendation (「3点目は…」) from the next passage."""
        found = self._labelled_line(question, context)
        if found is None or found[0] in text:
            return text, citations
        return _shown_line(found, "the answer gave other words", flags)

    def _labelled_item_instead_of_refusal(self, question: str, context: list[Hit],
                                          flags: list[str]) -> tuple[str, list[Citation]] | None:
        """The report's line for the labelled item asked for, when the top passage writes it and
        the draft came to nothing: asked for the NNI's fifth goal with 「ゴール5. 責任ある開発を
        保証する」 first in its context, the model wrote of the plan's emphasis on IDEA instead,
        and the question was refused. Only the top passage counts: a label lower down may belong
        to another plan's goals (MGI's ゴール1-3 beside the NNI's)."""
        found = self._labelled_line(question, context)
        if found is None or found[2].chunk is not context[0].chunk:
            return None
        return _shown_line(found, "the draft gave no answer", flags)

    def _ranked_items(self, question: str, language: str, text: str, citations: list[Citation], context: list[Hit],
                      flags: list[str]) -> tuple[bool, str, list[Citation]]:
        """(answerable, text, citations) after holding an answer about ranked items to the report's
        ranking (rankings.py): a Japanese answer that does not name the top ones asked for is
        replaced by the report's sentence; an English one is not shown (a second pass asks again
        over the ranking passage alone)."""
        found = self.verifier.misranked(question, text, context, language)
        if found is None:
            return True, text, citations
        index, sentence = found
        flags.append(f"{MISRANKED}: {sentence[:50]}")
        if language == "ja":
            quote = self.verifier.sources.quote(sentence, context[index], "ja")
            return True, FIGURE_IN_QUOTE.format(quote=quote, marker=1), [Citation(1, context[index].chunk, quote)]
        return False, UNVERIFIED_ANSWER[language], []

    def finish(self, raw: str, context: list[Hit], language: str, asked: str,
               cut: bool | None) -> tuple[bool, str, list[Citation], list[str]]:
        """(answerable, text, citations, flags) of the model's raw answer: verified, then
        judged answerable or not. Deterministic given its inputs, so a captured raw answer
        can be judged again by changed verification code."""
        text, citations, flags = self.verifier.verify(raw, context, language, asked, cut)
        refused = any(phrase in raw.lower() for phrase in REFUSAL_PHRASES[language])
        answerable = bool(text) and not refused
        if not answerable:
            unverified = bool(raw.strip()) and not refused
            flags.append("the model found no answer in the passages" if refused else
                         "no sentence survived verification" if unverified else "empty generation")
            labelled = self._labelled_item_instead_of_refusal(asked, context, flags) if language == "ja" else None
            if labelled:
                return True, *labelled, flags
            return False, (UNVERIFIED_ANSWER if unverified else CANNOT_ANSWER)[language], [], flags
        answerable, text, citations = self._near_miss(asked, language, text, citations, flags)
        if answerable and language == "ja":
            text, citations = self._labelled_item(asked, text, citations, context, flags)
        if answerable:
            answerable, text, citations = self._ranked_items(asked, language, text, citations, context, flags)
        if answerable:
            text, note = with_supporting_quotes(text, citations, language, asked)
            if note:
                flags.append(note)
        return answerable, text, citations, flags

    # ---- the public entry points -----------------------------------------------------------
    def warm_up(self) -> None:
        """Have the model read each language's instructions once, before the first question.

        The local backend keeps their key/value cache, and its first pass sets up its kernels:
        measured in the app, the first question's first token came 1.1-1.8 s sooner.
        """
        for language, topic in (("ja", "ナノテクノロジー"), ("en", "nanotechnology")):
            for _ in self.generator.stream(build_messages(topic, language, [], None), 1):
                pass

    def stream(self, question: str, history: list[tuple[str, str]] | None = None,
               question_id: str | None = None) -> Iterator[AnswerEvent]:
        started = time.perf_counter()
        question = check_question(question, self.engine.settings.app.max_question_chars)
        language = question_language(question)
        query, asked = resolve_followup(question, language, history)
        notes = []
        if asked != question:  # a self-contained question now: the previous exchange would only distract
            notes.append(f"follow-up read as: {asked}")
            history = None
        hits = self._hits(query, language)
        timings = {"retrieve_s": time.perf_counter() - started}
        refusal = self._refusal_before_generation(asked, hits, language)
        if refusal:
            timings["total_s"] = time.perf_counter() - started
            yield AnswerEvent("final", answer=Answer(question, language, False, CANNOT_ANSWER[language], [],
                                                     hits[:3], timings, [*notes, refusal], question_id))
            return
        passages = self._passages(query, asked, language, hits)
        context = [p.hit for p in passages]  # marker n in the answer is context[n - 1]
        yield AnswerEvent("reading", passages=context)
        messages = build_messages(asked, language, passages, history)
        stop = SentenceStop(self.cfg.max_new_tokens, len(context))
        raw = ""
        for raw in self._generate(messages, stop):
            timings.setdefault("first_token_s", time.perf_counter() - started)
            yield AnswerEvent("partial", text=raw)
        raw = stop.trim(raw)  # the first token of a sentence that will not be written
        answer_start = ((answer_left_to_marker(raw, language) or _figure_left_to_markers(raw, asked, language))
                        if getattr(self.generator, "continues_answers", False) else None)
        if answer_start:
            # One more pass from the words before the marker, which may not be a marker again:
            # the model knew the passage, it only pointed at it instead of saying it.
            notes.append("the answer was a citation marker; the model continued the sentence")
            stop = SentenceStop(self.cfg.max_new_tokens, len(context))
            for raw in self._generate(messages, stop, answer_start):
                yield AnswerEvent("partial", text=raw)
            raw = stop.trim(raw)
        timings["generate_s"] = time.perf_counter() - started - timings["retrieve_s"]
        cut = self._was_cut(stop)
        answerable, text, citations, flags = yield from self._ask_again_after_restatement(
            asked, language, passages, history, self.finish(raw, context, language, asked, cut))
        (answerable, text, citations, flags), passages = yield from self._ask_again_over_question_figures(
            asked, language, passages, history, (answerable, text, citations, flags))
        (answerable, text, citations, flags), passages = yield from self._ask_again_over_ranking(
            asked, language, passages, history, (answerable, text, citations, flags))
        (answerable, text, citations, flags), passages = yield from self._ask_again_over_subject(
            asked, language, passages, history, (answerable, text, citations, flags))
        if answerable:
            text, citations = yield from self._ask_missing_part(asked, language, passages, text, citations, flags)
        flags[:0] = notes
        timings["total_s"] = time.perf_counter() - started
        yield AnswerEvent("final", answer=Answer(question, language, answerable, text, citations,
                                                 context if not (answerable or citations) else [], timings, flags, question_id))

    def ask(self, question: str, history=None, question_id: str | None = None) -> Answer:
        final = None
        for event in self.stream(question, history, question_id):
            if event.kind == "final":
                final = event.answer
        assert final is not None
        return final
