"""An answer about something else than the question's subject is asked again over the passages
that name it (subjects.py, editions.py, second_passes.py); an answer that left out the name asked
for shows the sentence that gives it (terse.py)."""

from __future__ import annotations

import pytest

from rag.answer.editions import ANOTHER_EDITION, asked_editions, passages_on_edition
from rag.answer.subjects import CITES_NO_NAMING_PASSAGE

from .conftest import ScriptedFirstAnswer, passage_index

CENTENARIES = "習近平が掲げた「2つの百年」の2つ目は何年を指し、何の実現を目指している？"
# s48-ja-06: the model's first answer, on a party congress's 2035 goals, from another passage.
GOALS_2035 = "2035年までの発展目標として、経済力・科学技術力・総合国力の大幅な向上や、文化・環境・軍備の現代化の実現などが掲げられた。"
FIFTH_PLAN = "How did Japan's fifth five-year science and technology plan position nanotechnology?"
# s48-en-05: the first answer listed the third plan's five areas, from the third plan's passage.
THIRD_PLANS_AREAS = ("Japan's fifth five-year science and technology plan positioned nanotechnology by setting "
                     "research challenges in areas such as nanoelectronics and nanobiotechnology/biomedical materials.")


def _context(engine, pipeline, question: str, language: str):
    return [p.hit for p in pipeline._passages(question, question, language)]


def test_spelled_ordinals_ask_for_an_edition_when_a_plans_word_follows():
    assert asked_editions(FIFTH_PLAN) == {5}
    assert asked_editions("What did the Sixth Science, Technology, and Innovation Basic Plan set?") == {6}
    assert asked_editions("How much did Taiwan budget for the second phase of its programme?") == {2}
    assert asked_editions("Which is the second largest market for the plan?") == set()
    assert asked_editions("In the first five years of the plan, what was spent?") == set()
    assert asked_editions("When was the first quantum computer built?") == set()


def test_an_answer_that_names_the_subject_nowhere_and_cites_another_passage_is_caught(engine, pipeline):
    hits = _context(engine, pipeline, CENTENARIES, "ja")
    naming = passage_index(hits, "「2つの百年」")
    other = passage_index(hits, "2035年までの発展目標", lacking="「2つの百年」")
    text, citations, _ = pipeline.verifier.verify(f"{GOALS_2035}［{other + 1}］", hits, "ja", CENTENARIES)
    assert citations and citations[0].chunk is hits[other].chunk
    assert pipeline.verifier.passages_naming_unaddressed(CENTENARIES, text, citations, hits) == [naming]
    # Citing the passage that names them, or naming them, the answer is about them.
    text, citations, _ = pipeline.verifier.verify(
        f"第二の百年は中国人民共和国100周年（2049年）を意味する。［{naming + 1}］", hits, "ja", CENTENARIES)
    assert pipeline.verifier.passages_naming_unaddressed(CENTENARIES, text, citations, hits) == []
    assert pipeline.verifier.passages_naming_unaddressed(CENTENARIES, "「2つの百年」は…［1］", citations, hits) == []
    # s32-ja-08: 公的研究機関 describes A*STAR, whose passage retrieval ranks first and the right
    # answer cites; the second passage writes the word of NAMIC's partners. Not asked again.
    question = "シンガポールの公的研究機関が進める製造向けの材料開発加速プロジェクトは、開発をどれくらい速めることを目指している？"
    hits = _context(engine, pipeline, question, "ja")
    source = passage_index(hits, "10倍以上加速")
    assert source < passage_index(hits, "公的研究機関")
    text, citations, _ = pipeline.verifier.verify(
        f"A*STARのプロジェクトは材料開発を10倍以上加速させることを目標としている。［{source + 1}］", hits, "ja", question)
    assert citations and pipeline.verifier.passages_naming_unaddressed(question, text, citations, hits) == []


def test_an_answer_refused_for_citing_no_passage_on_its_named_subject_knows_which_do(engine, pipeline):
    # s27-ja-02: the draft named AMED's programme but copied a passage on NIMS's database; it is
    # refused, and the passages naming AMED are the ones asked again.
    question = "AMEDのワクチン・新規モダリティ研究開発事業では、どのようなデータベースの構築が試みられている？"
    hits = _context(engine, pipeline, question, "ja")
    other = passage_index(hits, "MatNavi")
    raw = f"AMEDのワクチン・新規モダリティ研究開発事業では、世界最大級の材料DBであるMatNaviの活用を進めている。［{other + 1}］"
    answerable, _, _, flags = pipeline.finish(raw, hits, "ja", question, False)
    assert not answerable and any(f.startswith(CITES_NO_NAMING_PASSAGE) for f in flags)
    naming = pipeline.verifier.passages_naming_subject(question, hits)
    assert naming and other not in naming and all("AMED" in hits[i].chunk.text for i in naming)


def test_a_sentence_quoting_another_edition_is_removed_and_the_asked_edition_found(engine, pipeline):
    hits = _context(engine, pipeline, FIFTH_PLAN, "en")
    third = passage_index(hits, "第3期（2006-2010年度）")
    answerable, _, _, flags = pipeline.finish(f"{THIRD_PLANS_AREAS}[{third + 1}]", hits, "en", FIFTH_PLAN, False)
    assert not answerable and any(f.startswith(ANOTHER_EDITION) for f in flags)
    fifth = passages_on_edition(FIFTH_PLAN, [h.chunk.text for h in hits])
    assert fifth and all("第5期" in hits[i].chunk.text for i in fifth) and third not in fifth


@pytest.mark.slow
@pytest.mark.parametrize("question, first, language, naming", [
    (CENTENARIES, GOALS_2035, "ja", "「2つの百年」"),
    (FIFTH_PLAN, THIRD_PLANS_AREAS, "en", "第5期"),
])
def test_an_answer_about_something_else_is_asked_again_over_the_subjects_passages(engine, question, first,
                                                                                   language, naming):
    from rag.answer.pipeline import AnswerPipeline

    hits = _context(engine, engine.answers, question, language)
    wrong = passage_index(hits, "2035年までの発展目標" if language == "ja" else "第3期（2006-2010年度）", lacking=naming)
    marker = f"［{wrong + 1}］" if language == "ja" else f"[{wrong + 1}]"
    generator = ScriptedFirstAnswer(engine.answers.generator, first + marker)
    answer = AnswerPipeline(engine, generator).ask(question)
    assert len(generator.prompts) == 2
    read_again = generator.prompts[1].split("Question:")[0]
    assert naming in read_again and hits[wrong].chunk.text[:40] not in read_again
    assert any("asked again over those that do" in f for f in answer.flags)
    if answer.answerable:  # the second draft, shown when it checks out, cites the subject's passages
        assert all(naming in c.chunk.text for c in answer.citations), answer


def test_an_answer_leaving_out_the_name_asked_for_shows_the_sentence_that_gives_it(engine, pipeline):
    from rag.answer.terse import leaves_out_asked_name, with_supporting_quotes

    # s48-ja-05: the report's sentence copied without 「国家標準化発展綱要」.
    question = "中国が2021年秋に出した、標準づくりに関する初めての長期戦略は何という文書？"
    hits = _context(engine, pipeline, question, "ja")
    n = passage_index(hits, "「国家標準化発展綱要」") + 1
    text, citations, _ = pipeline.verifier.verify(
        f"中国共産党と国務院は、2021年10月、中国初の標準化に関する長期戦略要綱を公表した。［{n}］", hits, "ja", question)
    assert leaves_out_asked_name(question, text, [c.quote for c in citations])
    shown, note = with_supporting_quotes(text, citations, "ja", question)
    assert shown.startswith(text + "\n根拠：「") and "「国家標準化発展綱要」" in shown and note
    # An answer that gives the name, or a question that asks for none, is left alone.
    named = "中国初の標準化に関する長期戦略要綱は「国家標準化発展綱要」である。［1］"
    assert not leaves_out_asked_name(question, named, [c.quote for c in citations])
    assert not leaves_out_asked_name("中国はいつ標準化の長期戦略を出した？", text, [c.quote for c in citations])
    assert with_supporting_quotes(text, citations, "ja", "中国はいつ標準化の長期戦略を出した？") == (text, None)
