"""An English answer that only restates the question is asked for once more."""

from __future__ import annotations

import pytest

QUESTION = ("Which technologies does Germany count as the 'future technologies' that will keep its car, "
            "machinery and chemical industries strong?")
# The model's first answer to it (extra-session42c).
RESTATED = "Germany counts as the 'future technologies' that will keep its car, machinery, and chemical industries strong [1]."


class _RestatesFirst:
    """The real generator, except that its first answer restates the question, as the model did."""

    def __init__(self, real, fail_second: bool = False) -> None:
        self.real, self.fail_second, self.questions = real, fail_second, []
        self.hit_length_limit = None

    def stream(self, messages, max_new_tokens, stop_when=None, **kwargs):
        from rag.errors import EndpointError

        self.questions.append(messages[-1]["content"].rsplit("Question:", 1)[-1])
        if len(self.questions) == 1:
            yield RESTATED
            return
        if self.fail_second:
            raise EndpointError("cannot reach http://localhost:8000/v1: connection refused", "is the server running?")
        yield from self.real.stream(messages, max_new_tokens, stop_when, **kwargs)


@pytest.mark.slow
def test_a_restated_question_is_asked_again_and_the_answer_that_names_them_replaces_it(engine):
    from rag.answer.pipeline import AnswerPipeline

    generator = _RestatesFirst(engine.answers.generator)
    answer = AnswerPipeline(engine, generator).ask(QUESTION)
    assert len(generator.questions) == 2 and "do not repeat the question" in generator.questions[1]
    assert answer.answerable and "microelectronics" in answer.text.lower(), (answer.text, answer.flags)
    assert answer.flags[0].startswith("the first answer only restated the question")
    assert any("マイクロエレクトロニクス" in c.quote for c in answer.citations)


def test_a_failed_second_pass_keeps_the_restated_answer_and_its_source(engine):
    from rag.answer.pipeline import AnswerPipeline

    generator = _RestatesFirst(None, fail_second=True)
    answer = AnswerPipeline(engine, generator).ask(QUESTION)
    assert len(generator.questions) == 2
    assert answer.answerable and answer.text.startswith("Germany counts as the 'future technologies'")
    assert "the answer only restates the question; its source is cited" in answer.flags
    assert any("the model failed" in f and "connection refused" in f for f in answer.flags)


def test_a_japanese_answer_is_not_asked_again(engine):
    from rag.answer.pipeline import AnswerPipeline

    class _Once(_RestatesFirst):
        def stream(self, messages, max_new_tokens, stop_when=None, **kwargs):
            self.questions.append(messages[-1]["content"])
            yield "ドイツが未来技術として位置づけている技術は何か。［1］"

    generator = _Once(None)
    answer = AnswerPipeline(engine, generator).ask("ドイツが未来技術として位置づけている技術は何か？")
    assert "the answer only restates the question; its source is cited" in answer.flags
    assert len(generator.questions) == 1
