"""Countries named in questions and passages, and the refusal when the passages never mention them."""

from __future__ import annotations

from rag.answer.prompts import CANNOT_ANSWER
from rag.places import filed_elsewhere, places_named


def test_places_are_found_in_both_languages():
    assert places_named("What is the total budget of Canada's National Quantum Strategy?") == {"canada"}
    assert places_named("How does Japan compare with South Korea and the U.S.?") == {"japan", "korea", "us"}
    assert places_named("韓国と米国の半導体戦略は？") == {"korea", "us"}
    assert places_named("英国のファラデー電池チャレンジ") == {"uk"}


def test_short_names_count_only_as_whole_words():
    assert places_named("タイプ別のEUV露光装置") == set()  # タイ in タイプ, EU in EUV
    assert places_named("タイとの協力、EUの予算") == {"thailand", "eu"}
    assert places_named("Tell us about the status of this") == set()  # "us" is not the US


def test_a_passage_is_filed_elsewhere_only_under_another_countrys_heading():
    japan, eu = frozenset({"japan"}), frozenset({"eu"})
    assert filed_elsewhere(japan, frozenset({"korea"}))
    assert not filed_elsewhere(japan, frozenset({"japan"}))
    assert not filed_elsewhere(japan, frozenset())  # world trends, themes: no country heading
    assert not filed_elsewhere(frozenset({"japan", "korea"}), frozenset({"korea"}))  # a comparison
    assert not filed_elsewhere(frozenset(), frozenset({"korea"}))
    assert not filed_elsewhere(eu, frozenset({"germany"}))  # a member state is Europe too
    assert filed_elsewhere(frozenset({"germany"}), eu)


def test_a_question_about_a_country_the_passages_never_mention_is_refused(pipeline):
    # The pipeline has no generator: reaching generation would fail, so this also shows the
    # refusal is decided before the model runs.
    answer = pipeline.ask("What is the total budget of Canada's National Quantum Strategy?")
    assert not answer.answerable and answer.text == CANNOT_ANSWER["en"]
    assert answer.closest and any("canada" in f for f in answer.flags)


def test_passages_about_other_countries_are_told_apart_and_japan_goes_unnamed():
    from rag.places import passages_about_other_places, places_named, places_of_passage

    passages = [places_of_passage("NNIの2024年度予算は21.6億ドル", ["1.2 世界の潮流と日本の位置づけ", "1.2.4 政策", "米国"]),
                places_of_passage("第14次5カ年計画", ["1.2 世界の潮流と日本の位置づけ", "1.2.4 政策", "中国"]),
                places_of_passage("経済産業省は4,000億円超の支援を認定", ["1.2 世界の潮流と日本の位置づけ", "1.2.3 動向"])]
    assert passages == [{"us"}, {"china"}, set()]
    assert passages_about_other_places("中国のナノテク予算は21.6億ドル", passages) == {1}
    # A sentence about Japan: the US and Chinese passages are not its sources, the unnamed one may be.
    assert passages_about_other_places("日本政府は4,000億円超を支援する", passages) == {1, 2}
    # A passage naming Japan beside another country speaks of Japan too.
    both = places_of_passage("日本と米国の予算", ["1.2 世界の潮流と日本の位置づけ", "1.2.3 動向"])
    assert passages_about_other_places("日本政府は4,000億円超を支援する", [both]) == set()
    # A sentence naming Japan alone is about Japan: it states no figure for Germany, even though
    # one naming no country may. A whole passage naming Japan alone may still be about a foreign
    # company's plant in Japan, so it counts only when asked for (the figure's own sentence).
    japan = places_named("2022年度の我が国の科学技術研究費は20兆7,040億円")
    germany = "ドイツの研究開発費は20兆7,040億円"
    assert passages_about_other_places(germany, [japan, set(), both], home_alone=True) == {1, 3}
    assert passages_about_other_places(germany, [japan, set(), both]) == {3}


def test_a_figure_stated_for_another_country_does_not_support_a_sentence(engine, pipeline):
    # The real passage on Japan's R&D spending also speaks of other countries' figures elsewhere
    # in the report, but the sentence that states 20兆7,040億円 is about 我が国.
    question = "ドイツの2022年の研究開発費はいくらか？"
    hits = [h for h in engine.retrieve("2022年度の我が国の科学技術研究費", k=10) if "20兆7,040億円" in h.chunk.text][:1]
    assert hits
    text, _, flags = pipeline.verifier.verify("2022年度のドイツの研究開発費は20兆7,040億円である。［1］", hits, "ja", question)
    assert text == "" and any("stated only for another country" in f for f in flags)
    # The question's own year is not flagged; the figure, said of Japan, is supported.
    text, _, flags = pipeline.verifier.verify("2022年度の日本の研究費は20兆7,040億円である。［1］", hits, "ja", "日本の2022年度の研究費は？")
    assert text.startswith("2022年度の日本の研究費は20兆7,040億円である。") and not flags


def test_a_question_about_japan_is_not_refused_for_passages_that_leave_japan_unnamed(engine):
    from rag.answer.pipeline import _places_not_in

    # The statistics of Japan's R&D spending name 我が国 once, in the passage before the one
    # with the quantum figure (「量子技術」が1,322億円): that passage names no country at all.
    question = "How much did Japan spend on quantum technology R&D in fiscal 2022?"
    hits = engine.retriever.search(question, k=4, language="en")
    assert any("1,322億円" in h.chunk.text for h in hits)
    assert _places_not_in(question, hits) == []
    # Another country the passages never name is still missing from them.
    assert _places_not_in("How much did Canada spend on quantum technology R&D in fiscal 2022?", hits) == ["canada"]
