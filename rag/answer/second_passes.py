"""Second drafts: the model asked once more when its first answer falls short in a known way.

Each pass streams the new draft as partial events, verifies it like any first draft
(``finish``), and keeps the first answer, flagged, when the new one does not check out or the
backend fails: the part of a several-part question the answer left out (missing_part.py), an
English answer that only restated the question (restatements.py), a Japanese answer citing no
passage that states the question's own figures (question_figures.py).
"""

from __future__ import annotations

import logging
import typing

from ..errors import RagError
from .answer import AnswerEvent
from .citations import Citation
from .context import build_messages
from .missing_part import add_part, part_question
from .near_miss import asks_several, missing_precision
from .output import SentenceStop
from .prompts import ASK_AGAIN_AFTER_RESTATEMENT
from .question_figures import passages_with_question_figures
from .restatements import RESTATED_ONLY

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

    def _ask_missing_part(self, asked: str, language: str, passages, text: str, citations: list[Citation],
                          flags: list[str]) -> typing.Generator[AnswerEvent, None, tuple[str, list[Citation]]]:
        """Streams the second draft, then returns (text, citations): the answer with the figure it
        left out of a several-part question, asked again by its own clause (missing_part.py), or
        the answer as it was."""
        missing = missing_precision(asked, text, [c.quote for c in citations]) if asks_several(asked) else None
        part = part_question(asked, missing, language) if missing else None
        if part is None:
            return text, citations
        try:
            raw, cut = yield from self._draft_again(part, language, passages, None, shown_before=f"{text}\n")
        except RagError as error:  # a server gone away: the verified first answer still stands
            log.warning("asking again for %s failed: %s", missing, error)
            flags.append(f"asked again for {missing} by the clause 「{part}」: the model failed ({error})")
            return text, citations
        found, part_text, part_citations, part_flags = self.finish(raw, [p.hit for p in passages], language, part, cut)
        if not found:
            flags.append(f"asked again for {missing} by the clause 「{part}」: no answer that checks out")
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
        try:
            raw, cut = yield from self._draft_again(asked + ASK_AGAIN_AFTER_RESTATEMENT[language], language,
                                                    passages, history)
        except RagError as error:  # a server gone away: the first answer still stands
            log.warning("asking again after a restated question failed: %s", error)
            first_flags.append(f"asked again after the answer restated the question: the model failed ({error})")
            return answer
        again = self.finish(raw, [p.hit for p in passages], language, asked, cut)
        if not again[0] or RESTATED_ONLY in again[3]:
            first_flags.append("asked again after the answer restated the question: no better answer")
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
        again_passages = self._passages(asked, asked, language, stating)
        try:
            raw, cut = yield from self._draft_again(asked, language, again_passages, history)
        except RagError as error:  # a server gone away: the first answer still stands
            log.warning("asking again over the passages with the question's figures failed: %s", error)
            first_flags.append(f"{why}; asked again: the model failed ({error})")
            return answer, passages
        again = self.finish(raw, [p.hit for p in again_passages], language, asked, cut)
        if not again[0]:
            first_flags.append(f"{why}; asked again over those that do: no answer that checks out")
            return answer, passages
        again[3][:0] = [f"{why}; asked again over those that do, this answer replaces it"]
        return again, again_passages
