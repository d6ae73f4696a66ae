"""Second drafts: the model asked once more when its first answer falls short in a known way.

Each pass streams the new draft as partial events, verifies it like any first draft
(``finish``), and keeps the first answer, flagged, when the new one does not check out or the
backend fails: the part of a several-part question the answer left out (missing_part.py), an
English answer that only restated the question (restatements.py), a Japanese answer citing no
passage that states the question's own figures (question_figures.py), an English answer that
named items the report ranks below the top ones asked for (rankings.py), an answer about
something else than the question's subject (subjects.py, editions.py).
"""

from __future__ import annotations

import logging
import typing

from ..errors import RagError
from .answer import AnswerEvent
from .citations import Citation
from .context import build_messages
from .editions import ANOTHER_EDITION, passages_on_edition
from .missing_part import add_part, part_question
from .near_miss import asks_several, missing_precision
from .output import SentenceStop
from .prompts import ASK_AGAIN_AFTER_RESTATEMENT, UNVERIFIED_ANSWER
from .question_figures import passages_with_question_figures
from .rankings import MISRANKED, ranking_passage
from .restatements import RESTATED_ONLY
from .subjects import CITES_NO_NAMING_PASSAGE

log = logging.getLogger(__name__)


class SecondPasses:
    """Mixed into AnswerPipeline, whose ``cfg``, ``generator``, ``finish``, ``_generate`` and
    ``_passages`` these passes use."""

    def _was_cut(self, stop: SentenceStop) -> bool | None:
        """Whether the draft was cut at the length limit (None: the backend cannot tell)."""
        return True if stop.looped else getattr(self.generator, "hit_length_limit", None)

    def _draft_again(self, question: str, language: str, passages, history, shown_before: str = ""
                     ) -> typing.Generator[AnswerEvent, None, tuple[str, bool | None]]:
        """Streams a second draft for ``question`` over the same passages (after ``shown_before``),
        then returns it trimmed, and whether it was cut. A backend's RagError passes through."""
        stop = SentenceStop(self.cfg.max_new_tokens, len(passages))
        raw = ""
        for raw in self._generate(build_messages(question, language, passages, history), stop):
            yield AnswerEvent("partial", text=shown_before + raw)
        raw = stop.trim(raw)
        return raw, self._was_cut(stop)

    def _second_draft(self, question: str, asked: str, language: str, passages, history, label: str,
                      flags: list[str], shown_before: str = ""
                      ) -> typing.Generator[AnswerEvent, None, tuple[bool, str, list[Citation], list[str]] | None]:
        """Streams a second draft for ``question``, then returns it finished as an answer to
        ``asked`` over ``passages``; None when the backend failed, which ``flags`` records under
        ``label`` (a server gone away: the first answer still stands)."""
        try:
            raw, cut = yield from self._draft_again(question, language, passages, history, shown_before)
        except RagError as error:
            log.warning("%s: the model failed: %s", label, error)
            flags.append(f"{label}: the model failed ({error})")
            return None
        return self.finish(raw, [p.hit for p in passages], language, asked, cut)

    def _ask_missing_part(self, asked: str, language: str, passages, text: str, citations: list[Citation],
                          flags: list[str]) -> typing.Generator[AnswerEvent, None, tuple[str, list[Citation]]]:
        """Streams the second draft, then returns (text, citations): the answer with the figure it
        left out of a several-part question, asked again by its own clause (missing_part.py), or
        the answer as it was."""
        missing = missing_precision(asked, text, [c.quote for c in citations]) if asks_several(asked) else None
        part = part_question(asked, missing, language) if missing else None
        if part is None:
            return text, citations
        label = f"asked again for {missing} by the clause 「{part}」"
        again = yield from self._second_draft(part, part, language, passages, None, label, flags,
                                              shown_before=f"{text}\n")
        if again is None:
            return text, citations
        found, part_text, part_citations, part_flags = again
        if not found:
            flags.append(f"{label}: no answer that checks out")
            flags.extend(f"(part not added) {f}" for f in part_flags)
            return text, citations
        gap = f"the question asks for {missing};"
        flags[:] = [f for f in flags if not f.startswith(gap)]
        flags.append(f"asked again for {missing} by the clause 「{part}」; its answer is added")
        flags.extend(f"(added part) {f}" for f in part_flags)
        return add_part(text, citations, part_text, part_citations)

    def _ask_again_after_restatement(self, asked: str, language: str, passages, history,
                                     answer: tuple[bool, str, list[Citation], list[str]]
                                     ) -> typing.Generator[AnswerEvent, None, tuple[bool, str, list[Citation], list[str]]]:
        """Streams a second draft when the first only restated the question, then returns the
        finished answer that does not (or the first, flagged). English only: Japanese answers that
        copy the question's wording go on to the report's words."""
        first_flags = answer[3]
        if language not in ASK_AGAIN_AFTER_RESTATEMENT or RESTATED_ONLY not in first_flags:
            return answer
        label = "asked again after the answer restated the question"
        again = yield from self._second_draft(asked + ASK_AGAIN_AFTER_RESTATEMENT[language], asked, language,
                                              passages, history, label, first_flags)
        if again is None:
            return answer
        if not again[0] or RESTATED_ONLY in again[3]:
            first_flags.append(f"{label}: no better answer")
            return answer
        again[3][:0] = ["the first answer only restated the question; asked again, this answer replaces it"]
        return again

    def _ask_again_over_question_figures(self, asked: str, language: str, passages, history,
                                          answer: tuple[bool, str, list[Citation], list[str]]
                                          ) -> typing.Generator[AnswerEvent, None, tuple[tuple, list]]:
        """Streams a second draft when a Japanese answer cites no passage that states the
        question's own figures (question_figures.py), over the passages that do, then returns
        (the finished answer, the passages its markers point into): the new answer when it checks
        out, else the first, flagged."""
        answerable, _, citations, first_flags = answer
        if language != "ja" or not answerable:
            return answer, passages
        stating, figures = passages_with_question_figures(asked, [p.hit for p in passages],
                                                          [c.chunk.text for c in citations])
        if not stating:
            return answer, passages
        why = f"the answer cited no passage that states the question's {', '.join(sorted(figures))}"
        return (yield from self._replacing_draft(asked, language, passages, history, answer, stating,
                                                 f"{why}; asked again over those that do"))

    def _ask_again_over_ranking(self, asked: str, language: str, passages, history,
                                answer: tuple[bool, str, list[Citation], list[str]]
                                ) -> typing.Generator[AnswerEvent, None, tuple[tuple, list]]:
        """Streams a second draft when an English answer named items the report ranks below the
        top ones asked for (rankings.py), over the ranking passage alone, then returns (the
        finished answer, the passages its markers point into): the new answer when it checks out,
        else the first (not shown, flagged)."""
        answerable, _, _, first_flags = answer
        if answerable or not any(f.startswith(MISRANKED) for f in first_flags):
            return answer, passages
        index = ranking_passage([p.hit.chunk.text for p in passages])
        if index is None:
            return answer, passages
        return (yield from self._replacing_draft(asked, language, passages, history, answer, [passages[index].hit],
                                                 f"{MISRANKED}; asked again over the passage that ranks the items"))

    def _ask_again_over_subject(self, asked: str, language: str, passages, history,
                                answer: tuple[bool, str, list[Citation], list[str]]
                                ) -> typing.Generator[AnswerEvent, None, tuple[tuple, list]]:
        """Streams a second draft over the passages that name what the question asks about, when
        the first answer spoke of something else, then returns (the finished answer, the passages
        its markers point into): the new answer when it checks out, else the first if it was
        refused already, or the answer that none was verified (an answer about something else is
        not shown). The first spoke of something else when it names the question's subject nowhere and cites no
        passage that does (subjects.py), when it was refused for naming the subject while citing
        only passages that do not (``unnamed_by_answer``), or when each of its sentences was
        removed for quoting another edition of a plan than the one asked (editions.py)."""
        answerable, text, citations, first_flags = answer
        hits = [p.hit for p in passages]
        if answerable:
            naming = self.verifier.passages_naming_unaddressed(asked, text, citations, hits)
            why = "the answer named the question's subject nowhere and cited no passage that does"
        elif any(f.startswith(ANOTHER_EDITION) for f in first_flags):
            naming = passages_on_edition(asked, [h.chunk.text for h in hits])
            why = "the answer's sources spoke of another edition than the one asked"
        elif any(f.startswith(CITES_NO_NAMING_PASSAGE) for f in first_flags):
            naming = self.verifier.passages_naming_subject(asked, hits)
            why = "the answer named the question's subject and cited no passage that does"
        else:
            return answer, passages
        if not naming or len(naming) == len(hits):  # the same passages would only give the same answer
            return answer, passages
        # The first answer spoke of something else: it is not shown if the second does not check
        # out (over the captured drafts, each first answer caught so was wrong).
        return (yield from self._replacing_draft(asked, language, passages, history, answer,
                                                 [hits[i] for i in naming], f"{why}; asked again over those that do",
                                                 keep_first=False))

    def _replacing_draft(self, asked: str, language: str, passages, history,
                         answer: tuple[bool, str, list[Citation], list[str]], hits, label: str,
                         keep_first: bool = True) -> typing.Generator[AnswerEvent, None, tuple[tuple, list]]:
        """Streams a second draft over ``hits`` alone, then returns (the finished answer, the
        passages its markers point into): the new answer when it checks out, else the first, or
        (``keep_first`` False) the answer that no verified answer was found."""
        first_flags = answer[3]
        again_passages = self._passages(asked, asked, language, hits)
        again = yield from self._second_draft(asked, asked, language, again_passages, history, label, first_flags)
        if again is None or not again[0]:
            if again is not None:
                first_flags.append(f"{label}: no answer that checks out")
            if keep_first:
                return answer, passages
            first_flags.append("the first answer is not shown")
            return (False, UNVERIFIED_ANSWER[language], [], first_flags), passages
        again[3][:0] = [f"{label}, this answer replaces it"]
        return again, again_passages
