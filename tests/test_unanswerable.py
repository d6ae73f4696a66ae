"""Near misses: the report almost answers, and the model's answer must not pass as the answer.

Each case is one a model answer really took (written by the default model for questions the
report does not answer); the real retriever, verifier and tokenizer judge it.
"""

from __future__ import annotations

import pytest

from rag.answer.citations import fold_report
from rag.answer.near_miss import AMOUNT_OF_MONEY, asks_for_money, missing_precision
from rag.answer.numbers import claimed_numbers, numbers_in
from rag.answer.output import clean_output
from rag.answer.prompts import CANNOT_ANSWER
from rag.answer.subjects import SubjectChecker

from .conftest import SOURCE


def _context(engine, question: str, language: str):
    return engine.retriever.search(question, k=engine.settings.generation.context_passages, language=language)


def _marker(hits, having: str) -> int:
    """The 1-based marker of the first context passage holding ``having``."""
    return next(n for n, h in enumerate(hits, start=1) if having in h.chunk.text)


def test_circled_item_numbers_are_not_figures():
    # 「①データ中核拠点整備」 does not state a count of 1: "収集したデータは1件" is not in the report.
    assert 1.0 not in numbers_in("①データ中核拠点整備、②データ創出基盤構築")
    assert claimed_numbers("①の中では") == []
    assert 12.0 in numbers_in("12社のスピンオフ企業")


def test_a_placeholder_where_the_figure_should_stand_removes_the_sentence(engine, pipeline):
    question = "How many scientists work at China's National Center for Nanoscience and Technology in Beijing?"
    hits = _context(engine, question, "en")
    for raw in ("There are [2] scientists working at the National Center for Nanoscience and Technology.",
                "The Excellent Science pillar allocates [n] billion euros for nanotechnology.[1]"):
        text, _, flags = pipeline.verifier.verify(raw, hits, "en", question)
        assert text == "" and any("placeholder for its figure" in f for f in flags), (raw, text, flags)
    # A marker after a name is a citation; an [n] echoed at the end is a prompt echo, dropped.
    assert clean_output("The NNI [1] funds research.") == "The NNI [1] funds research."
    assert clean_output("It opened in 2003 [n].") == "It opened in 2003 ."


def test_the_names_of_a_sentences_subject_are_whole_rare_names_it_shares_with_the_question():
    checker = SubjectChecker(fold_report(SOURCE.read_text(encoding="utf-8")))
    question = "英国のFaraday Battery Challengeの総予算はいくらか？"
    # The whole name: the ISCF passage's "Challenge" (Industrial Strategy Challenge Fund) is not it;
    # the country and the kanji words (総予算) are no names.
    assert checker.subject_names("英国のFaraday Battery Challengeの総予算は494Mポンドである。", question) == {
        "faradaybatterychallenge"}
    # A name that contains a country's is a name; the country alone is not.
    assert checker.subject_names("EUのBATT4EUは2021年に設立された。", "EUのBATT4EUはいつ設立された？") == {"batt4eu"}
    # Words the report uses often are topics, not names.
    assert checker.subject_names("データは1件です。", "データは何件？") == set()


def test_a_figure_from_a_passage_that_does_not_name_the_subject_does_not_answer_for_it(engine, pipeline):
    # HEPS is listed with its start year and place only; the 290億元 of the context is the 2020
    # funding of China's national key R&D programmes, in a passage that does not name HEPS.
    question = "中国の高エネルギーシンクロトロン光源施設（HEPS）の建設費はいくらか？"
    hits = _context(engine, question, "ja")
    heps, funding = _marker(hits, "高エネルギーシンクロトロン光源施設（HEPS）"), _marker(hits, "約290億元")
    assert "HEPS" not in hits[funding - 1].chunk.text
    for cited in (heps, funding):
        raw = f"中国の高エネルギーシンクロトロン光源施設（HEPS）の建設費は約290億元（約5,800億円）である。［{cited}］"
        text, _, flags = pipeline.verifier.verify(raw, hits, "ja", question)
        assert text == "" and any("does not name heps" in f for f in flags), (cited, text, flags)
    # What the HEPS passage gives HEPS stands, and so does the funding figure asked about its programme.
    text, _, flags = pipeline.verifier.verify(f"HEPSは2025年に北京懐柔で運用を開始する。［{heps}］", hits, "ja", question)
    assert "2025年" in text and "未確認" not in text, (text, flags)
    asked = "中国の国家重点研究開発計画の2020年の研究費配分総額はいくらか？"
    text, _, flags = pipeline.verifier.verify(f"2020年の研究費配分総額は約290億元であった。［{funding}］", hits, "ja", asked)
    assert "290億元" in text, (text, flags)


@pytest.mark.parametrize("question, money", [
    ("What is the construction cost of the High Energy Photon Source (HEPS) in Beijing?", True),
    ("How much funding does the EU provide to BATT4EU each year?", True),
    ("中国の高エネルギーシンクロトロン光源施設（HEPS）の建設費はいくらか？", True),
    ("グリーンイノベーション基金の基金総額はいくらか？", True),
    ("How many scientists work at the centre?", False),
    ("Which agency funds the project?", False),
    ("NIMSのデータ中核拠点が収集したデータは何件か？", False),
])
def test_questions_that_ask_for_an_amount_of_money(question, money):
    assert asks_for_money(question) is money


def test_an_amount_of_money_answered_with_another_kind_of_figure_is_not_an_answer(engine, pipeline):
    # The passage lists HEPS beside the magnet facility SEMFF and its 452,200 gauss.
    question = "What is the construction cost of the High Energy Photon Source (HEPS) in Beijing?"
    hits = _context(engine, question, "en")
    listed = _marker(hits, "452,200ガウス")
    raw = f"The construction cost of the High Energy Photon Source (HEPS) in Beijing is 452,200 gauss.[{listed}]"
    answerable, text, citations, flags = pipeline.finish(raw, hits, "en", question, None)
    assert (answerable, text, citations) == (False, CANNOT_ANSWER["en"], []), (text, flags)
    assert any(AMOUNT_OF_MONEY in f for f in flags), flags
    # An amount of money, or a share of one, is what was asked (other checks judge whether it is true).
    assert missing_precision(question, "It cost 4.8 billion yuan.[1]", []) is None
    assert missing_precision("How much of the budget goes to nanotechnology?", "About 30% of it.[1]", []) is None
    assert missing_precision("HEPSの建設費はいくらか？", "約48億元である［1］。", []) is None
