"""The figure a several-part question asks for, asked again when the first answer left it out."""

from __future__ import annotations

import pytest

from rag.answer.near_miss import AMOUNT_OF_MONEY, COUNT, SHARE

from .conftest import ScriptedFirstAnswer


@pytest.mark.parametrize("question, missing, language, part", [
    ("EUの半導体法は、2030年までに官民でいくら投資し、世界の生産に占めるシェアをどこまで高める目標？", SHARE, "ja",
     "EUの半導体法は、世界の生産に占めるシェアをどこまで高める目標？"),
    ("EUの半導体法は、2030年までに官民でいくら投資し、世界の生産に占めるシェアをどこまで高める目標？", AMOUNT_OF_MONEY,
     "ja", "EUの半導体法は、2030年までに官民でいくら投資した？"),
    ("英国は戦略で、世界をリードする技術としていくつ挙げ、そのうちナノテクに関わるものは何と呼ばれている？", COUNT, "ja",
     "英国は戦略で、世界をリードする技術としていくつ挙げた？"),
    # 「…の規模で、」 ends in the copula after a noun: the part asks 「…の規模？」 (s46-ja-06).
    ("韓国が設けた半導体の設備投資向けの特別な資金はどのくらいの規模で、何への投資を支援する？", AMOUNT_OF_MONEY, "ja",
     "韓国が設けた半導体の設備投資向けの特別な資金はどのくらいの規模？"),
    ("How much EU money funds the Chips for Europe Initiative, and who matches it?", AMOUNT_OF_MONEY, "en",
     "How much EU money funds the Chips for Europe Initiative?"),
    ("Which body runs the Korean programme, and how many researchers does the Korean programme train?", COUNT, "en",
     "How many researchers does the Korean programme train?"),
    # "it" names nothing on its own: the clause cannot be asked alone.
    ("Which two chipmakers agreed to build a fab in France, and how much support did France announce for it?",
     AMOUNT_OF_MONEY, "en", None),
    # One clause asks everything: asking it again would ask the same.
    ("欧州の組織には、2020年時点で何カ国のいくつのクリーンルームが参加している？", COUNT, "ja", None),
    # No clause asks for the missing figure.
    ("How much EU money funds the Chips for Europe Initiative, and who matches it?", SHARE, "en", None),
])
def test_the_clause_that_asks_for_the_missing_figure_becomes_a_question(question, missing, language, part):
    from rag.answer.missing_part import part_question

    assert part_question(question, missing, language) == part


def test_the_added_part_takes_the_next_marker_numbers_and_shares_a_quote_both_cite(engine):
    from rag.answer.citations import Citation
    from rag.answer.missing_part import add_part

    first, second = engine.report.chunks[10], engine.report.chunks[11]
    citations = [Citation(1, first, "A."), Citation(2, second, "B.")]
    text, merged = add_part("Answer one.[1] Answer two.[2]", citations, "The figure is 5.[1][2]",
                            [Citation(1, second, "C."), Citation(2, second, "B.")])
    assert text == "Answer one.[1] Answer two.[2] The figure is 5.[3][2]"
    assert [(c.marker, c.chunk.id, c.quote) for c in merged] == [
        (1, first.id, "A."), (2, second.id, "B."), (3, second.id, "C.")]
    text, _ = add_part("回答です。［1］", citations[:1], "数は8つ。［1］", [Citation(1, second, "C。")])
    assert text == "回答です。［1］数は8つ。［2］"


class _LeavesOutTheAmount(ScriptedFirstAnswer):
    """The real generator, except that its first answer gives the half of the question without a
    figure, as the model did for this question (extra-session39): the pipeline must ask again."""


@pytest.mark.slow
def test_the_amount_a_two_part_answer_left_out_is_asked_for_and_added(engine):
    from rag.answer.pipeline import AnswerPipeline

    question = "How much EU money funds the Chips for Europe Initiative, and who matches it?"
    generator = _LeavesOutTheAmount(engine.answers.generator, "The Chips for Europe Initiative receives funding from EU funds and matching funds from member states.[1]")
    answer = AnswerPipeline(engine, generator).ask(question)
    assert len(generator.questions) == 2
    assert "How much EU money funds the Chips for Europe Initiative?" in generator.questions[1]
    assert "and who matches it" not in generator.questions[1]
    assert answer.answerable and answer.text.startswith("The Chips for Europe Initiative receives funding from EU funds and matching funds from member states.[1]")
    assert "3.3 billion" in answer.text
    assert any("33億ユーロ" in c.quote for c in answer.citations)
    assert any(f.startswith("asked again for an amount of money") and f.endswith("its answer is added")
               for f in answer.flags)
    assert not any(f.startswith("the question asks for an amount of money") for f in answer.flags)


class _FailsTheSecondTime(_LeavesOutTheAmount):
    """The first answer as the model gave it; then the server goes away."""

    def _again(self, messages, max_new_tokens, stop_when=None, **kwargs):
        from rag.errors import EndpointError

        raise EndpointError("cannot reach http://localhost:8000/v1: connection refused", "is the server running?")
        yield  # a generator, as the real stream is


def test_a_failed_second_pass_keeps_the_verified_first_answer(engine):
    from rag.answer.pipeline import AnswerPipeline

    first = "The Chips for Europe Initiative receives funding from EU funds and matching funds from member states.[1]"
    generator = _FailsTheSecondTime(None, first)
    answer = AnswerPipeline(engine, generator).ask("How much EU money funds the Chips for Europe Initiative, and who matches it?")
    assert len(generator.questions) == 2
    assert answer.answerable and answer.text.startswith("The Chips for Europe Initiative receives funding")
    assert answer.citations and any("33億ユーロ" in c.quote for c in answer.citations)
    assert any("the model failed" in f and "connection refused" in f for f in answer.flags)

