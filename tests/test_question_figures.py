"""A Japanese answer citing no passage that states the question's own figures is asked again
over the passages that do (rag/answer/question_figures.py)."""

from __future__ import annotations

import re

import pytest

from rag.answer.question_figures import figures_written, passages_with_question_figures

QUESTION = "2022年秋の中国共産党大会の報告で示された発展目標は、何年までのものか？"


def _marker_of(prompt: str, having: str, lacking: str) -> int:
    """The marker of the passage in ``prompt`` that writes ``having`` and not ``lacking``."""
    blocks = re.findall(r"^\[(\d+)\] \(.*?\)\n(.*?)(?=\n\n)", prompt, flags=re.M | re.S)
    return next(int(n) for n, text in blocks if having in text and lacking not in text)


class _OtherPassageFirst:
    """The real generator, except that its first answer takes the year from the passage on the
    14th five-year plan (2035 too, but no 2022), as the model took a figure from the wrong passage."""

    def __init__(self, real, first_from: tuple[str, str] = ("2035", "2022")) -> None:
        self.real, self.first_from, self.prompts = real, first_from, []
        self.hit_length_limit = None

    def stream(self, messages, max_new_tokens, stop_when=None, **kwargs):
        self.prompts.append(messages[-1]["content"])
        if len(self.prompts) == 1:
            yield f"2035年までのものである。［{_marker_of(self.prompts[0], *self.first_from)}］"
            return
        yield from self.real.stream(messages, max_new_tokens, stop_when, **kwargs)


def test_figures_are_read_as_the_report_writes_them():
    assert figures_written("当初の２８ナノの次に、1,100億円、第3期、2022年度") == {"28", "1100", "2022"}
    assert "28" not in figures_written("2028年までに")


def test_only_answers_citing_none_of_the_passages_with_the_question_figures_are_picked(engine):
    hits = engine.retriever.search(QUESTION, k=4, language="ja")
    congress = next(h for h in hits if "2022年10月" in h.chunk.text)
    plan = next(h for h in hits if "2035" in h.chunk.text and "2022" not in h.chunk.text)
    stating, figures = passages_with_question_figures(QUESTION, hits, [plan.chunk.text])
    assert figures == {"2022"} and congress in stating and plan not in stating
    assert passages_with_question_figures(QUESTION, hits, [congress.chunk.text])[0] == []
    assert passages_with_question_figures("中国の発展目標は何年までか？", hits, [plan.chunk.text])[0] == []


@pytest.mark.slow
def test_the_answer_from_the_passage_with_the_question_figure_replaces_the_other(engine):
    from rag.answer.pipeline import AnswerPipeline

    generator = _OtherPassageFirst(engine.answers.generator)
    answer = AnswerPipeline(engine, generator).ask(QUESTION)
    assert len(generator.prompts) == 2 and "2つの百年" not in generator.prompts[1]
    assert answer.answerable and "2035" in answer.text, (answer.text, answer.flags)
    assert answer.flags[0].startswith("the answer cited no passage that states the question's 2022")
    assert answer.citations and all("2022年10月" in c.chunk.text for c in answer.citations)


def test_an_answer_citing_the_passage_with_the_figure_is_not_asked_again(engine):
    from rag.answer.pipeline import AnswerPipeline

    generator = _OtherPassageFirst(None, first_from=("2022年10月", "2つの百年"))
    answer = AnswerPipeline(engine, generator).ask(QUESTION)
    assert len(generator.prompts) == 1 and answer.answerable
    assert not any("states the question's" in f for f in answer.flags)


def test_a_failed_second_pass_keeps_the_first_answer(engine):
    from rag.answer.pipeline import AnswerPipeline
    from rag.errors import EndpointError

    class _FailsSecond(_OtherPassageFirst):
        def stream(self, messages, max_new_tokens, stop_when=None, **kwargs):
            if self.prompts:
                self.prompts.append(messages[-1]["content"])
                raise EndpointError("cannot reach http://localhost:8000/v1: connection refused")
            yield from super().stream(messages, max_new_tokens, stop_when, **kwargs)

    generator = _FailsSecond(None)
    answer = AnswerPipeline(engine, generator).ask(QUESTION)
    assert len(generator.prompts) == 2
    assert answer.answerable and answer.text.startswith("2035年までのものである")
    assert any("the model failed" in f and "connection refused" in f for f in answer.flags)
