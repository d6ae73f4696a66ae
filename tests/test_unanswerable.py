"""Near misses: the report almost answers, and the model's answer must not pass as the answer.

Each case is one a model answer really took (written by the default model for questions the
report does not answer); the real retriever, verifier and tokenizer judge it.
"""

from __future__ import annotations

import re

import pytest

from rag.answer.citations import fold_report
from rag.answer.near_miss import AMOUNT_OF_MONEY, COUNT, PLACE, SHARE, asks_for_money, missing_precision
from rag.answer.numbers import claimed_numbers, kanji_counts, numbers_in
from rag.answer.output import clean_output
from rag.answer.dates import years_written
from rag.answer.pipeline import _years_not_in
from rag.answer.periods import contradicts_period
from rag.answer.prompts import CANNOT_ANSWER, UNVERIFIED_ANSWER
from rag.answer.subjects import SubjectChecker
from rag.answer.units import different_unit, swap_figures_back

from .conftest import SOURCE, passage_index


def _context(engine, question: str, language: str):
    return engine.retriever.search(question, k=engine.settings.generation.context_passages, language=language)


def _assert_removed(pipeline, raw: str, hits, language: str, question: str, reason: str) -> None:
    """Verification leaves nothing of ``raw`` and says ``reason``."""
    text, _, flags = pipeline.verifier.verify(raw, hits, language, question)
    assert text == "" and any(reason in f for f in flags), (raw, text, flags)


def _assert_kept(pipeline, raw: str, hits, language: str, question: str, having: str) -> None:
    """Verification keeps ``having`` of ``raw`` and marks nothing as unverified."""
    text, _, flags = pipeline.verifier.verify(raw, hits, language, question)
    assert having in text and "未確認" not in text and "not verified" not in text, (raw, text, flags)


def _marker(hits, having: str) -> int:
    """The 1-based marker of the first context passage holding ``having``."""
    return passage_index(hits, having) + 1


def _finish(engine, pipeline, question: str, language: str, having: str, raw: str):
    """``pipeline.finish`` of ``raw`` over the question's real context, ``{n}`` in ``raw`` being
    the marker of the passage holding ``having``: (answerable, text, citations, flags)."""
    hits = _context(engine, question, language)
    return pipeline.finish(raw.format(n=_marker(hits, having)), hits, language, question, None)


def test_a_year_that_is_part_of_a_name_is_no_year_asked():
    from rag.answer.dates import years_asked

    # Asked for the budgets of Horizon 2020 and Horizon Europe, the answer's 2021-2027 budget
    # had been refused as dated to other years than "2020".
    assert years_asked("Horizon 2020とHorizon Europeの予算はそれぞれいくら？") == []
    assert years_asked("NNI戦略計画2021のゴール2は何？") == [] and years_asked("France 2030の規模は？") == []
    assert years_asked("How much did Korea spend in 2005 and in FY2020?") == ["2005", "2020"]
    assert years_asked("What happened in March 2020? 2021年度は？") == ["2020", "2021"]
    assert years_asked("What does NNI's 2021 plan add?") == ["2021"]


def test_a_count_in_kanji_numerals_is_a_figure():
    # 「本綱要は全十九編六十五章から成り」: "19 parts and 65 chapters" had its figures unsupported.
    assert {19.0, 65.0} <= numbers_in("本綱要は全十九編六十五章から成り、三つの優先領域")
    assert 3.0 not in numbers_in("三つの優先領域") and kanji_counts("三つの優先領域、その一つ") == {3}
    assert numbers_in("二次電池の一般的な用途、数十社、その一つ") == frozenset()


def test_circled_item_numbers_are_not_figures():
    # 「①データ中核拠点整備」 does not state a count of 1: "収集したデータは1件" is not in the report.
    assert 1.0 not in numbers_in("①データ中核拠点整備、②データ創出基盤構築")
    assert claimed_numbers("①の中では") == []
    assert 12.0 in numbers_in("12社のスピンオフ企業")


def test_figure_and_table_labels_are_not_figures():
    # 「図1.2.4-3に示されている通り」 states no 1.2, 4 or 3 in an answer, nor in a passage.
    assert numbers_in("表1.2.4-1に示す。図1.2.5-3に主要国の3万人") == {3.0, 30000.0}
    assert claimed_numbers("See Figure 1.2.4-11 and Table 2: 5 items") == [("5", 5.0)]


def test_the_digits_before_a_scale_word_are_no_figure_of_a_japanese_answer(engine, pipeline):
    # Asked how many Japanese institutions take part in ASCENT+ (the report does not say), the
    # model answered 「1台」 citing Japan's R&D statistics, whose 1兆7,312億円 starts with a 1.
    question = "ASCENT+に参加している15機関のうち、日本の機関はいくつか？"
    ok, text, _, flags = _finish(engine, pipeline, question, "ja", "1兆7,312億円", "日本の機関は1台です。［{n}］")
    assert not ok and any("1 is only the digits before" in f for f in flags)
    # The whole figure, copied as the report writes it, is the report's (asked about what that
    # passage is about: to the ASCENT+ question, an answer citing only it is refused anyway).
    asked = "日本の非営利団体・公的機関の研究費はいくらか？"
    ok, text, _, flags = _finish(engine, pipeline, asked, "ja", "1兆7,312億円", "非営利団体・公的機関が1兆7,312億円です。［{n}］")
    assert "1兆7,312億円" in text and not any("only the digits before" in f for f in flags), (text, flags)


def test_an_english_figure_from_a_passage_that_does_not_name_the_sentences_subject_is_not_its(engine, pipeline):
    # The 1.26億ポンド of the Henry Royce Institute (Manchester), given to the National Graphene
    # Institute, which another context passage names: the report gives no cost for the NGI.
    question = "How much did it cost to build the UK's National Graphene Institute in Manchester?"
    ok, _, _, flags = _finish(engine, pipeline, question, "en", "1.26億ポンド",
                              "The UK's National Graphene Institute in Manchester was built with £126 million.[{n}]")
    assert not ok and any("does not name National Graphene Institute" in f for f in flags)
    # A name another passage writes in Latin letters ("Intel/Micron社") is not named by a passage
    # on IonQ that never writes it, whose 2020 the model gave Intel and Micron's announcement.
    question = "In which year did Intel and Micron announce their 3D XPoint memory?"
    hits = _context(engine, question, "en")
    assert any("Intel/Micron" in h.chunk.text for h in hits)
    ok, _, _, flags = _finish(engine, pipeline, question, "en", "2020年に米IonQ",
                              "In 2020, Intel and Micron announced their 3D XPoint memory.[{n}]")
    assert not ok and any("does not name Intel and Micron" in f for f in flags), flags
    # Words the dictionary translates may stand translated: the passage on the Human Brain
    # Project's Neuromorphic Computing Platform (「この中で…」) states its 92 patents.
    question = "How many patents and spin-off companies had the Human Brain Project produced by its end?"
    ok, text, _, flags = _finish(engine, pipeline, question, "en", "Neuromorphic Computing Platform",
                                 "The Human Brain Project produced 92 patents and 12 spin-off companies by its end.[{n}]")
    assert ok and "92 patents" in text, (text, flags)
    # An acronym alone is no such subject: CRDS, the report's author, is named in few passages.
    question = ("How many up-and-coming researchers did CRDS invite to its residential workshop on designing "
                "and controlling materials?")
    ok, text, _, _ = _finish(engine, pipeline, question, "en", "22名", "CRDS invited 22 researchers.[{n}]")
    assert ok and "22 researchers" in text


def test_a_placeholder_where_the_figure_should_stand_removes_the_sentence(engine, pipeline):
    question = "How many scientists work at China's National Center for Nanoscience and Technology in Beijing?"
    hits = _context(engine, question, "en")
    for raw in ("There are [2] scientists working at the National Center for Nanoscience and Technology.",
                "The Excellent Science pillar allocates [n] billion euros for nanotechnology.[1]",
                # nb-12: the placeholder followed by markers only had left "… allocates[1][2][3]".
                "The Excellent Science pillar of Horizon Europe allocates [n] [2] [3] [4]"):
        _assert_removed(pipeline, raw, hits, "en", question, "placeholder for its figure")
    # Markers [1], [2], [3] … that open the items of a list number them (the report's ①②③): no
    # figure is missing, and they cite nothing; markers after a sentence's claims stay.
    assert clean_output("The pillars are [1] supply chain security, [2] data protection and [3] technology "
                        "protection.") == "The pillars are supply chain security, data protection and technology protection."
    kept = "It was launched by the NNI [1] and funded by the DOE [2] in 2021 [3]."
    assert clean_output(kept) == kept
    # Markers before "to" number the items of an answer: no figure is missing there.
    assert "⁇" not in clean_output("The two missions are [1] to solve energy problems and [2] to strengthen industry.")
    # A marker after a name is a citation; an [n] echoed at the end is a prompt echo, dropped.
    assert clean_output("The NNI [1] funds research.") == "The NNI [1] funds research."
    assert clean_output("It opened in 2003 [n].") == "It opened in 2003 ."
    # A multiple of nothing: the marker stands where "how many times" should.
    question = "How does China's paper output in nanotechnology compare with that of the US?"
    _assert_removed(pipeline, "China's paper output in nanotechnology is [1] times higher than that of the US.",
                    _context(engine, question, "en"), "en", question, "placeholder for its figure")
    assert "⁇" in clean_output("中国の論文数は米国の［1］倍である。")
    assert clean_output("It rose 3.5 times [1].") == "It rose 3.5 times [1]."


def test_a_placeholder_followed_by_the_annotated_figure_keeps_that_figure(engine, pipeline):
    # The context writes 5億ドル as "5億ドル (= 500 million US dollars)"; the model (this is its
    # answer) put [n] where the figure goes and the annotation after its guess at a unit.
    question = "Roughly how much public money does South Korea put into nanotech R&D each year?"
    raw = "South Korea invests approximately [n] billion won (500 million US dollars) in nanotechnology R&D each year."
    answerable, text, citations, flags = _finish(engine, pipeline, question, "en", "年間5億ドル", raw)
    assert answerable and "more than 500 million US dollars in nanotechnology" in text, (text, flags)
    assert "won" not in text and citations and "5億ドル" in citations[0].quote
    # Without a figure after it, the placeholder still ends the sentence.
    assert "⁇" in clean_output("South Korea invests approximately [n] billion won annually.")


def test_a_year_no_passage_covers_is_refused_before_generation(engine, pipeline):
    # The pipeline has no generator: an answer would fail, so the refusal comes before the model.
    for question, language in (("What was South Korea's nanotech budget in 2005 in won?", "en"),
                               ("1998年の韓国のナノテク予算はいくらだった？", "ja")):
        answer = pipeline.ask(question)
        assert not answer.answerable and answer.text == CANNOT_ANSWER[language], answer.text
        assert answer.closest and any(year in f for f in answer.flags for year in ("2005", "1998"))
    # A year inside a span or after "since" that a passage states is covered by it.
    question = ("Under the 4th comprehensive nanotechnology development plan, what market share did Korea "
                "target for nanotech-based products in 2020?")
    hits = _context(engine, question, "en")
    assert "2016～2025年" in " ".join(h.chunk.text for h in hits) and _years_not_in(question, hits) == []
    assert {"2019", "2022", "2023", "2017"} <= years_written("令和元年補正予算、令和4年2月24日、2013年以降、2016～2018年")
    assert "2012" not in years_written("2013年以降、2016～2018年")
    # The year of a name dates nothing: asked for 2022, a passage whose only 2022 is the title
    # 「科学技術指標2022」 had let the model date the passage's export shares to 2022.
    assert years_written("「科学技術指標2022」では、主要国の貿易構造を分析") == set()
    assert years_written("Horizon 2020では") == set() and years_written("in 2020, FY2021, 2022年") == {"2020", "2021", "2022"}
    # Asked when a workshop was held, a year the passage writes only as an edition's
    # (「2021年版の俯瞰報告書発行以降」, after which the workshops began) is no answer.
    question = "When did CRDS hold its workshop on new fields opened by combining life science with nanotech and materials?"
    ok, _, _, flags = _finish(engine, pipeline, question, "en", "2021年版", "CRDS held the workshop in 2021.[{n}]")
    assert not ok and any("only the year of a name" in f for f in flags), flags
    # The day its heading gives opens the first paragraph under it: cited, quoted and verified.
    ok, text, citations, flags = _finish(engine, pipeline, question, "en", "2022年1月20日開催",
                                         "CRDS held the workshop on January 20, 2022.[{n}]")
    assert ok and "January 20, 2022" in text and "（2022年1月20日開催）" in citations[0].quote, (text, flags)
    question = "What share of Japan's total exports did high-technology industries account for in 2022?"
    hits = _context(engine, question, "en")
    assert "科学技術指標2022" in " ".join(h.chunk.text for h in hits) and _years_not_in(question, hits) == ["2022"]


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
    # A kanji compound is a name from six kanji on (総合性国家科学研究センター): 国家ビジョン, asked
    # beside a law, is not, and leaves the law's date alone.
    assert checker.subject_names("国家ビジョンの名称は水素先導国家ビジョン（2021年10月）",
                                 "水素インフラ構築のために策定した国家ビジョンの名称は？") == set()
    # What a figure counts is the question's word for it, no name (the report has 「5 つの分科会」).
    assert checker.subject_names("若手研究者が22人招かれ、5つのグループに分かれて議論した。",
                                 "ワークショップでは、いくつのグループに分かれて議論した？") == set()
    assert checker.subject_names("いくつのグループに分かれた？", "いくつのグループに分かれた？") == set()
    # A lower-case English word is no name, though the report writes "programme" only a few times.
    asked = "Since which fiscal year has JST run its Mirai (future society creation) programme, and what does it use?"
    assert checker.subject_names(asked, asked) == set()


def test_a_figure_from_a_passage_that_does_not_name_the_subject_does_not_answer_for_it(engine, pipeline):
    # HEPS is listed with its start year and place only; the 290億元 of the context is the 2020
    # funding of China's national key R&D programmes, in a passage that does not name HEPS.
    question = "中国の高エネルギーシンクロトロン光源施設（HEPS）の建設費はいくらか？"
    hits = _context(engine, question, "ja")
    heps, funding = _marker(hits, "高エネルギーシンクロトロン光源施設（HEPS）"), _marker(hits, "約290億元")
    assert "HEPS" not in hits[funding - 1].chunk.text
    for cited in (heps, funding):
        raw = f"中国の高エネルギーシンクロトロン光源施設（HEPS）の建設費は約290億元（約5,800億円）である。［{cited}］"
        _assert_removed(pipeline, raw, hits, "ja", question, "does not name heps")
    # What the HEPS passage gives HEPS stands, and so does the funding figure asked about its programme.
    text, _, flags = pipeline.verifier.verify(f"HEPSは2025年に北京懐柔で運用を開始する。［{heps}］", hits, "ja", question)
    assert "2025年" in text and "未確認" not in text, (text, flags)
    asked = "中国の国家重点研究開発計画の2020年の研究費配分総額はいくらか？"
    text, _, flags = pipeline.verifier.verify(f"2020年の研究費配分総額は約290億元であった。［{funding}］", hits, "ja", asked)
    assert "290億元" in text, (text, flags)


def test_a_long_kanji_compound_of_the_question_names_the_subject(engine, pipeline):
    # The model's answers to questions the report does not answer: the 290億元 of China's key R&D
    # programmes given to its 総合性国家科学研究センター, and the NNI's 21.6億ドル to a Tohoku hub.
    question = "中国の総合性国家科学研究センターの建設費の総額は？"
    hits = _context(engine, question, "ja")
    raw = f"中国の総合性国家科学研究センターの建設費の総額は約290億元（約5,800億円）である。［{_marker(hits, '約290億元')}］"
    _assert_removed(pipeline, raw, hits, "ja", question, "does not name 総合性国家科学研究センター")
    question = "東北大学の極限環境対応構造材料研究拠点の予算額は？"
    hits = _context(engine, question, "ja")
    raw = f"東北大学の極限環境対応構造材料研究拠点の予算額は21.6億ドル（要求額）である。［{_marker(hits, '21.6')}］"
    _assert_removed(pipeline, raw, hits, "ja", question, "does not name 極限環境対応構造材料研究拠点")


def test_a_short_name_the_report_sets_apart_names_the_subject(engine, pipeline):
    # The model's answers to questions the report does not answer: the 32 of IonQ's trapped-ion
    # machine given to China's 「本源悟空」 (four kanji, but the report quotes it whole), and the
    # 10Mユーロ of a passage on LETI and IMEC given to MAX, an acronym the report writes once.
    question = "本源悟空の量子ビット数はいくつ？"
    hits = _context(engine, question, "ja")
    raw = f"本源悟空の量子ビット数は32個です。［{_marker(hits, '32量子ビット')}］"
    _assert_removed(pipeline, raw, hits, "ja", question, "does not name 本源悟空")
    _assert_kept(pipeline, f"本源悟空は2024年1月にネットに接続された。［{_marker(hits, '本源悟空')}］", hits, "ja",
                 question, "2024年1月")
    question = "How much does the EU provide each year to the MAX centre of excellence?"
    hits = _context(engine, question, "en")
    raw = f"The EU provides 10M euros each year to the MAX centre of excellence.[{_marker(hits, '10Mユーロ')}]"
    _assert_removed(pipeline, raw, hits, "en", question, "does not name MAX")
    # An acronym the report writes often is named in few of the passages about it.
    checker = SubjectChecker(fold_report(SOURCE.read_text(encoding="utf-8")))
    assert checker.is_rare_name("MAX") and not checker.is_rare_name("CRDS") and not checker.is_rare_name("NNI")


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


def test_a_japanese_figure_written_with_another_unit_than_the_reports_is_not_the_reports():
    # 「1000社」 (ventures to found) does not state "1,000 doctorates"; a general counter decides nothing.
    assert different_unit("博士人材は1,000人です。", 1000.0, "ナノテク関連ベンチャーを1000社設立するとした。") == (
        "written with 人 where the report has 社")
    assert different_unit("量子ビット数は64個です。", 64.0, "64量子ビットの国産量子コンピュータ") is None
    assert different_unit("研究者は約3万6千名である。", 36000.0, "約3万6千人であり") is None
    # Symbols of physical units count as well: the magic angle of 1.1° is no temperature.
    assert different_unit("超伝導転移温度は約1.1 Kです。", 1.1, "魔法角（～1.1°）のねじれ") == (
        "written with K where the report has °")
    assert different_unit("28 nmのプロセス", 28.0, "28nmプロセス") is None


def test_a_count_the_report_writes_with_a_general_counter_counts_the_noun_after_it():
    # s47-na-01: asked how many researchers the Human Brain Project had (the report does not say),
    # the model wrote "8 researchers" from 「8つのサブプロジェクト」.
    passage = ("初期の研究活動は8つのサブプロジェクト（Neuroinformatics Platform、Brain Simulation Platform）で"
               "行われていたが、2020年からは9つのワークパッケージとして進められた。")
    assert different_unit("There were 8 researchers working on the project.", 8.0, passage) == (
        "written with 人 where the report counts サブプロジェクト")
    assert different_unit("初期には8人が参加した。", 8.0, passage) is not None
    assert different_unit("It began with 8 subprojects.", 8.0, passage) is None
    # The noun's end says what is counted: 「3つの研究者グループ」 counts groups, 「5つの国」 countries.
    assert different_unit("It involves 3 researchers.", 3.0, "3つの研究者グループが参加する。") is not None
    assert different_unit("It covers 5 countries.", 5.0, "5つの国が参加する。") is None


def test_a_span_of_time_in_the_report_counts_no_things():
    # 「16年間で約9500人」 was answered "By 16 members"; a year named beside a noun is no count.
    passage = "日本化学会では、この10年間で約6800人、16年間で約9500人会員数が減っている。2014年比で2割超。"
    assert different_unit("By 16 members, the society has shrunk.", 16.0, passage) == (
        "written as a count of members where the report has a span of time or a date")
    assert different_unit("会員は16人減った。", 16.0, passage) is not None
    assert different_unit("It shrank over 16 years.", 16.0, passage) is None
    assert different_unit("会員は16年間で約9500人減った。", 16.0, passage) is None
    assert different_unit("The 2014 figures show a fall.", 2014.0, passage) is None


def test_the_counter_of_the_sentences_other_figure_does_not_count_a_bare_one():
    # 「21カ国から165のパートナー」 was answered "21 partner organisations from 165 countries".
    passage = "「Graphene Flagship」には、21カ国から165のパートナー、90の関連メンバーが関わっている。"
    swapped = "There are 21 partner organisations from 165 countries in the flagship."
    assert different_unit(swapped, 165.0, passage) == "written with カ, which the report writes after 21, not after 165"
    assert different_unit(swapped, 21.0, passage) is None  # "partner" is no counter compared
    right = "There are 165 partner organisations from 21 countries in the flagship."
    assert different_unit(right, 165.0, passage) is None and different_unit(right, 21.0, passage) is None
    assert different_unit("165カ国から21のパートナーが参加する。", 165.0, passage) is not None
    # A range or list shares one counter, and an amount's currency is often left out when repeated.
    assert different_unit("10社が参加した。", 10.0, "10～20社が参加した。") is None
    assert different_unit("500億円を充てる。", 5e10, "2,000億円のうち500億を充てる。") is None
    # The two figures go back where the report has them; a sentence with no such pair stays.
    assert swap_figures_back(swapped, "165", 165.0, passage) == (
        "There are 165 partner organisations from 21 countries in the flagship.")
    assert swap_figures_back("165カ国から21のパートナーが参加する。", "165", 165.0, passage) == "21カ国から165のパートナーが参加する。"
    assert swap_figures_back(right, "21", 21.0, passage) is None
    assert swap_figures_back("165 countries take part.", "165", 165.0, passage) is None


def test_a_period_written_after_the_figure_counts():
    # 「1,600万ドル/年」 is yearly, 「95.5 Bユーロ/7年」 a total over seven years.
    assert contradicts_period("NSFがNNCIに拠出した予算の累計額は1,600万ドル/年です。", 1.6e7,
                              "その結果NSF予算1,600万ドル/年は") == "the report's yearly figure, not a total"
    assert contradicts_period("Horizon Europe has 95.5 billion euros per year.", 95.5e9,
                              "（2021年～2027年、95.5 Bユーロ/7年）") == "the report's total over years, not a yearly figure"
    assert contradicts_period("NSFはNNCIに年間1,600万ドルを拠出している。", 1.6e7, "NSF予算1,600万ドル/年は") is None


def test_a_yearly_amount_run_over_a_span_is_yearly_and_made_the_reports_total(engine, pipeline):
    # "per year for 7 years" had read as both yearly and a total, so the check passed it.
    from rag.answer.periods import YEARLY, claimed_period

    assert claimed_period("The budget of Horizon Europe is 95.5 billion euros per year for 7 years.") == YEARLY
    assert claimed_period("It invests 10 billion euros over 5 years.") != YEARLY
    question = "What is the budget of Horizon Europe?"
    answerable, text, _, flags = _finish(engine, pipeline, question, "en", "95.5 Bユーロ/7年",
                                         "The budget of Horizon Europe is 95.5 billion euros per year for 7 years.[{n}]")
    assert answerable and "95.5 billion euros over 7 years" in text and "per year" not in text, (text, flags)


@pytest.mark.parametrize("question, answer, missing", [
    # A count of companies is no count of people; a share needs a share.
    ("NNCIの年間利用者のうち、企業からの利用者は何人か？", "企業からの利用者は900社以上です。［1］", COUNT),
    ("NNCIの年間利用者は何人か？", "年間13,000人以上です。［1］", None),
    ("What share of Korea's public nanotech R&D investment goes to talent?", "It grew to $500 million a year.[1]", SHARE),
    ("What share of Korea's public nanotech R&D investment goes to talent?", "4% goes to talent.[1]", None),
    ("What share of basic research money goes to young scientists?", "More than half.[1]", None),
    # An efficiency is a share: a charger's power is none.
    ("What conversion efficiency do GaN-based USB chargers reach?", "They reach at least 65W.[1]", SHARE),
    ("GaN充電器の変換効率はどのくらい？", "65W以上です。［1］", SHARE),
    ("What conversion efficiency do GaN-based USB chargers reach?", "They reach 95%.[1]", None),
    # A fraction is a share (s46-en-03: 試作回数・開発期間の1/20への短縮); a fiscal year is none.
    ("The project aimed to shorten development to what fraction?", "To 1/20 of the conventional period.[1]", None),
    ("開発期間をどれくらいの割合に縮める目標？", "従来の20分の1に短縮する。［1］", None),
    # 「どのくらいの規模」 of a fund asks for its amount.
    ("韓国の半導体の特別資金はどのくらいの規模で、何を支援する？", "設備投資を支援する。［1］", AMOUNT_OF_MONEY),
    ("What share of output did Japan have?", "Its output grew in 2021/22.[1]", SHARE),
    # "How many researchers" is not answered by counts of projects and applications, nor by no count.
    ("How many researchers took part in the Quantum Flagship?", "There were 20 projects selected from 140 applications.[1]",
     COUNT),
    ("How many patents did the Graphene Flagship produce?", "It produced patents in 2013.[1]", COUNT),
    ("How many researchers took part in the Quantum Flagship?", "Over 500 researchers took part.[1]", None),
    ("How many researchers took part in the Quantum Flagship?", "About 500.[1]", None),
    # 量子ビット rendered word by word counts qubits.
    ("How many qubits does IBM's processor announced at the end of 2023 have?",
     "It has more than 1000 quantum bits.[1]", None),
    ("How many qubits does IBM's processor announced at the end of 2023 have?", "It has 1000 transistors.[1]", COUNT),
    ("How many researchers took part in the Quantum Flagship?", "More than five hundred researchers.[1]", None),
    ("韓国の公的研究開発投資のうち人材育成の割合は？", "人材育成は4％である［1］。", None),
    ("韓国の公的研究開発投資のうち人材育成の割合は？", "人材育成に配分されている。［1］", SHARE),
    ("韓国の公的なナノテク研究開発投資は、どんな割合で配分されている？", "研究開発に多く配分されている。［1］", SHARE),
    # A share that qualifies what is asked for: the areas are the answer, not a percentage.
    ("日本の論文数シェアが比較的高い研究開発領域は？", "「N2.4 生体イメージング」、「N3.6 スピントロニクス」である。［1］", None),
    # Any word for persons counts people, and people count researchers.
    ("About how many people in India authored papers in 2021?", "India had about 58,000 authors.[1]", None),
    ("How many researchers wrote papers in India?", "About 58,000 people.[1]", None),
    ("How many people work at the centre?", "It runs 20 projects.[1]", COUNT),
    # A count asked without a counter needs a figure of the answer's own; a figure label is none.
    ("WPIアカデミーに参加している拠点の数は？", "拠点の数は、図1.2.4-3に示されている通り、（数値は報告書で未確認）個です。［1］", COUNT),
    ("米国NNIの現在の予算区分（PCA）はいくつあるか？", "5つのPCAがある。［1］", None),
    ("いくつかの課題を挙げよ", "人材不足である。［1］", None),
    # s25b-na-04: asked how many kinds of chemicals, the model wrote of risk assessments.
    ("労働安全衛生法施行令の改正で新たに対象となった化学物質は何種類？",
     "企業が自律的に化学物質のリスク評価を行うことになった。［1］", COUNT),
    ("労働安全衛生法施行令の改正で新たに対象となった化学物質は何種類？", "約2,900物質が対象となった。［1］", None),
    # A figure that names what it counts must count the things asked (the model's answers).
    ("Battery 2030+に参加している研究機関の数はいくつ？", "6つの研究プロジェクトが参加している。［1］", COUNT),
    ("NSFの半導体人材育成ネットワークに参加している大学の数は？", "参加している大学の数は5拠点に含まれています。［1］", COUNT),
    ("米国の国家ナノテクノロジー・イニシアティブには、いくつ以上の連邦機関が関わっている？", "30以上の連邦機関が関わっている。［1］", None),
    ("WPIアカデミーに参加している拠点の数は？", "13拠点が参加している。［1］", None),
    # "how many parts and chapters": the noun after "and" is asked for too.
    ("Into how many parts and chapters is the plan divided?", "It has 19 chapters and 65 sections.[1]", None),
    ("Into how many parts and chapters is the plan divided?", "It has 19 articles.[1]", COUNT),
    # A count the question spells out is its own: "five hubs" answered as "5 researchers".
    ("How many researchers work in Taiwan's five semiconductor research hubs?",
     "There are 5 researchers working in Taiwan's five semiconductor research hubs.[1]", COUNT),
    ("How many researchers work in Taiwan's five semiconductor research hubs?",
     "About 300 researchers work there.[1]", None),
    # A counter asked (何機関) may follow a bound and the words it counts; a unit asked (何ワット)
    # must be the unit of the answer's figure.
    ("NNIには何機関以上の連邦機関が関与している？", "NNIには30以上の連邦機関が関与している。［1］", None),
    ("何機関が参加している？", "3つの研究機関が参加している。［1］", None),
    ("何機関が参加している？", "30億円の研究機関が参加している。［1］", COUNT),
    ("NVIDIAが2022年に導入した回路コアの消費電力は何ワット？", "消費電力は4PFLOPSを実現している。［1］", COUNT),
    ("NVIDIAが2022年に導入した回路コアの消費電力は何ワット？", "消費電力は300 Wである。［1］", None),
    ("研究機関の数はいくつ？", "研究機関は6つです。［1］", None),
    # b40-04: the subject before いくつの is not what is counted (the right answer had been refused).
    ("PCASTはいくつの分散した卓越連合の創設を勧告した？", "PCASTは6つの分散した卓越連合の創設を勧告した。［1］", None),
    ("企業の数はいくつ？", "900社以上が参加している。［1］", None),
    ("中国製造2025で指定された重点領域はいくつか？", "①次世代情報通信技術、②新材料。［1］", None),
    ("中国で論文を書いた研究者の数は、この10年でどのくらい増えたか？", "この10年で約2.5倍に増加しました。［1］", None),
    # A state, prefecture or country asked by its kind must be named (not the question's own).
    ("NAPMPの拠点はどの州に置かれる？", "これらの拠点は全米20か所の地域技術ハブを構築する。［1］", PLACE),
    ("NAPMPの拠点はどの州に置かれる？", "拠点はテキサス州に置かれる。［1］", None),
    ("論文数が最も多いのはどの国？", "論文数が最も多い。［1］", PLACE),
    ("論文数が最も多いのはどの国？", "中国が最も多い。［1］", None),
    ("TSMCの工場はどの県にある？", "熊本県に建設された。［1］", None),
    ("Which country has stayed first in paper output?", "It has stayed first for ten years.[1]", PLACE),
    ("Which country has stayed first in paper output?", "China has stayed first.[1]", None),
    ("In which town will the fab be built?", "The fab will be built in Crolles.[1]", None),
    ("In which town will the fab be built?", "The fab will be built jointly.[1]", PLACE),
    ("Which company sells it, and in which year?", "10x Genomics, in 2019.[1]", None),
    # s45-en-13: the "10" of a name written with digits counts nothing; a count of the things must be given.
    ("How many Visium spatial transcriptomics kits were sold in 2022?",
     "There were 10x Genomics' Visium spatial transcriptomics kits sold in 2022.[1]", COUNT),
    ("How many Visium spatial transcriptomics kits were sold in 2022?", "About 500 Visium kits were sold.[1]", None),
    ("TSMCの新工場の立地を、日本・米国・ドイツについてそれぞれ答えよ。",
     "日本: TSMCの半導体工場建設は約50億ユーロ、米国: 生産拠点建設には99億ユーロ。［1］", PLACE),
    ("TSMCの新工場の立地を、日本・米国・ドイツについてそれぞれ答えよ。", "日本は熊本県、米国はアリゾナ州。［1］", None),
    ("TSMCの新工場の立地を、日本・米国・ドイツについてそれぞれ答えよ。", "日本は熊本県、ドイツはドレスデン。［1］", None),
    # Companies in katakana are no sites.
    ("TSMCの新工場の立地を、日本・米国・ドイツについてそれぞれ答えよ。",
     "日本: インテルの生産拠点建設には99億ユーロ、インフィニオンには10億ユーロ。［1］", PLACE),
])
def test_a_count_share_or_place_asked_must_be_what_the_answer_gives(question, answer, missing):
    assert missing_precision(question, answer, []) == missing


def test_a_figure_the_passage_lists_for_another_item_does_not_answer_for_the_one_asked(engine, pipeline):
    # 「「AI」が2,725億円、「バイオテクノロジー」が3,850億円、「量子技術」が1,322億円」: asked about
    # 量子技術, the model answered with the figure listed for バイオテクノロジー.
    question = "2022年度の日本の「量子技術」の研究費のうち、大学等が使用した額はいくらか？"
    hits = _context(engine, question, "ja")
    listed = _marker(hits, "「バイオテクノロジー」が3,850億円")
    _assert_removed(pipeline, f"3,850億円である。［{listed}］", hits, "ja", question, "another item's figure, not 量子技術's")
    # 「TSMCの半導体工場建設には約50億ユーロ、米国インテルの半導体生産拠点建設には99億ユーロ」: TSMC's is
    # not Intel's, and the item asked has one figure of its own in euros: that one is written.
    asked = "KTFからの補助金として、米国インテルの半導体生産拠点建設にはいくら計画されているか？"
    ktf = _context(engine, asked, "ja")
    source = _marker(ktf, "半導体生産拠点建設には99億ユーロ")
    text, _, flags = pipeline.verifier.verify(f"米国インテルの半導体生産拠点建設には約50億ユーロが計画されている。［{source}］",
                                              ktf, "ja", asked)
    assert "99億ユーロ" in text and "50億" not in text, (text, flags)
    assert any("figure for 半導体生産拠点建設: 50億 -> 99億" in f for f in flags), flags
    text, _, _ = pipeline.verifier.verify(f"米国インテルの半導体生産拠点建設には99億ユーロが計画されている。［{source}］", ktf, "ja", asked)
    assert "99億ユーロ" in text
    # The item's own figure stands, and so does the neighbour's when the answer names its item.
    for kept in ("「量子技術」の研究費は1,322億円である。", "「バイオテクノロジー」は3,850億円である。"):
        text, _, flags = pipeline.verifier.verify(f"{kept}［{listed}］", hits, "ja", question)
        assert "億円" in text and "未確認" not in text, (kept, text, flags)


def test_an_allocation_listed_for_another_programme_is_not_the_one_asked(engine, pipeline):
    # 「2022年会計年度はNSTCに20億ドル、NAPMPに25億ドル、残りの活動に5億ドル」: asked what NAPMP got,
    # "$2 billion" is NSTC's allocation, in either language.
    # The figure the passage lists for NAPMP itself is written instead.
    question = "How much was allocated to the National Advanced Packaging Manufacturing Program (NAPMP) in fiscal 2022?"
    answerable, text, _, flags = _finish(engine, pipeline, question, "en", "NAPMPに25億ドル", "$2 billion [{n}]")
    assert answerable and "2.5 billion" in text and any("figure for NAPMP: 2 billion -> 2.5 billion" in f for f in flags), (text, flags)
    answerable, text, _, flags = _finish(engine, pipeline, question, "en", "NAPMPに25億ドル",
                                         "NAPMP was allocated $2.5 billion in fiscal 2022.[{n}]")
    assert answerable and "2.5 billion" in text, (text, flags)
    # An answer that names the programme the figure belongs to is about that programme.
    answerable, text, _, flags = _finish(engine, pipeline, question, "en", "NAPMPに25億ドル",
                                         "The NSTC got $2 billion and NAPMP $2.5 billion.[{n}]")
    assert answerable and "2 billion" in text and "2.5 billion" in text, (text, flags)
    asked = "2022会計年度にNAPMPに割り当てられた額は？"
    answerable, text, _, flags = _finish(engine, pipeline, asked, "ja", "NAPMPに25億ドル", "20億ドルです。［{n}］")
    assert answerable and "25億ドル" in text and any("figure for NAPMP: 20億 -> 25億" in f for f in flags), (text, flags)
    # Asked for a part of the item, its whole is no answer: nothing is written in its place.
    asked = "NAPMPに割り当てられた額のうち、先端パッケージングのパイロット施設に使われた額は？"
    answerable, text, _, flags = _finish(engine, pipeline, asked, "ja", "NAPMPに25億ドル", "20億ドルです。［{n}］")
    assert "25億" not in text and not any("figure for NAPMP" in f for f in flags), (text, flags)


def test_a_place_asked_and_not_named_is_refused_as_an_unverified_draft(engine, pipeline):
    # Asked for a site, an answer that names none is not passed off as the report's silence.
    question = "NAPMPの拠点はどの州に置かれる？"
    answerable, text, _, flags = _finish(engine, pipeline, question, "ja", "NAPMPに25億ドル",
                                         "NAPMPは全米の地域のイノベーションに投資する。［{n}］")
    assert not answerable and text == UNVERIFIED_ANSWER["ja"] and any("asks for a place" in f for f in flags), (text, flags)


def test_a_place_that_labels_another_item_of_a_list_is_not_the_asked_items(engine, pipeline):
    # 「（つくば：先進触媒拠点、中部：セラミックス・合金拠点、…）」: asked in which city the Chubu
    # hub stands (the report does not say), the model answered with the label of the hub beside it.
    question = "産総研のプロセス・イノベーション・プラットフォームの中部拠点はどの市に置かれているか？"
    answerable, text, _, flags = _finish(engine, pipeline, question, "ja", "中部：セラミックス", "中部拠点はつくば市です。［{n}］")
    assert not answerable and text == UNVERIFIED_ANSWER["ja"] and any("asks for a place" in f for f in flags), (text, flags)
    # What the list gives the asked item stands.
    asked = "産総研のプロセス・イノベーション・プラットフォームの中部拠点は何の拠点か？"
    answerable, text, _, flags = _finish(engine, pipeline, asked, "ja", "中部：セラミックス",
                                         "中部拠点はセラミックス・合金拠点です。［{n}］")
    assert answerable and "セラミックス" in text, (text, flags)


def test_a_figure_stated_before_the_passage_names_the_subject_is_not_the_subjects(engine, pipeline):
    # 「2019年にはQuantERAコンソーシアムによる20Mユーロを投じるプロジェクト公募」 comes before the
    # passage mentions the QUCATS phase; the launch budget after the Quantum Flagship is named is its own.
    question = "Quantum FlagshipのQUCATSフェーズの予算はいくらか？"
    hits = _context(engine, question, "ja")
    source = _marker(hits, "QUCATS")
    _assert_removed(pipeline, f"QUCATSフェーズの予算は20Mユーロです。［{source}］", hits, "ja", question,
                    "stated before the passage names qucats")
    asked = "Quantum Flagshipの立ち上げ期間の予算はいくらか？"
    _assert_kept(pipeline, f"Quantum Flagshipの立ち上げ期間の予算は132Mユーロです。［{source}］", hits, "ja", asked, "132M")


def test_the_figure_of_a_whole_is_not_passed_off_as_that_of_the_part_asked(engine, pipeline):
    # Asked for the part of a whole (「AのうちB」), the model gives A's figure under B's name; the
    # report's sentence, which never names B, is shown instead.
    question = "韓国が育成する高度ナノテク人材のうち、修士人材は何人？"
    answerable, text, citations, flags = _finish(engine, pipeline, question, "ja", "12,000人の高度ナノテク人材",
                                                 "修士人材は12,000人です。［{n}］")
    assert not answerable and text.startswith("報告書には質問の内訳についての記載はなく"), (text, flags)
    assert "12,000人の高度ナノテク人材を育成する" in text and citations
    assert any("a part of a whole" in f for f in flags)
    # The report's sentence names the part: the answer stands.
    asked = "米国の半導体・科学法の新規投資のうち、半導体メーカーの工場投資を後押しする額は？"
    answerable, text, _, flags = _finish(engine, pipeline, asked, "ja", "およそ390億ドルは",
                                         "半導体メーカーの投資を後押しする額はおよそ390億ドルです。［{n}］")
    assert answerable and "390億ドル" in text, (text, flags)


def test_the_part_a_question_asks_for_is_read_after_its_whole():
    from rag.answer.parts import asked_part, asks_for_a_part, gives_the_whole

    assert asked_part("2022年度の研究費のうち、企業が使用した額は？") == "企業"
    assert asked_part("日本の科学技術研究費のうち「ナノテクノロジー」だけの額は？") == "ナノテクノロジー"
    assert asked_part("Horizon Europeの予算はいくら？") is None
    assert asked_part("韓国が育成するとした高度ナノテク人材のうち、博士人材は何人か？") == "博士人材"
    # Only a figure of the part is a part's figure: this asks for a technology (s36c-ja-01).
    assert asked_part("再エネで物をつくる技術のうち、特に注目されているのは何？") is None
    # 「…のうち最も…」 asks which one is largest, naming no part (s43-ja-01).
    assert asked_part("3つの優先領域のうち最も予算が大きかった領域とその額は？") is None
    # 「Xだけに」 asks for a part too (s45-ja-14); a report sentence may name it without 分野.
    question = "フランスの量子国家戦略で、量子センサー分野だけに割り当てられた金額はいくら？"
    assert asked_part(question) == "量子センサー分野"
    hybrid = "量子・古典ハイブリッドコンピューティングプラットフォームの構築に1.7億ユーロを用意しており、"
    assert gives_the_whole(question, "量子センサー分野だけに割り当てられた金額は1.7億ユーロです。［1］", [hybrid])
    assert not gives_the_whole(question, "量子センサーには2億ユーロ。［1］", ["量子センサーに2億ユーロを投資する。"])
    assert asked_part("米国だけが持つ技術は何？") is None  # no amount asked
    assert asks_for_a_part("How much of Japan's quantum research money did universities use?")
    assert asks_for_a_part("Of the 52.7 billion dollars, how much goes to chip makers?")
    assert not asks_for_a_part("How much was allocated to NAPMP in fiscal 2022?")


def test_the_largest_figure_asked_for_is_the_largest_the_quote_lists(engine, pipeline):
    from rag.answer.extremes import asked_extreme, not_the_extreme

    question = "EUの研究枠組みHorizon 2020で、3つの優先領域のうち最も予算が大きかった領域とその額は？"
    quote = ("Horizon2020では、①Excellent science（24.4Bユーロ）、②Industrial leadership（17.0Bユーロ）、"
             "③Societal challenges（29.7Bユーロ）、の三つの優先領域で実施された。")
    assert asked_extreme(question) == "max" and asked_extreme("最も研究費が少ない分野の額は？") == "min"
    assert asked_extreme("Which crystal structure is the most studied?") is None  # no amount asked
    assert asked_extreme("How much will Korea invest, at least, in its 12 technologies?") is None  # a bound
    assert asked_extreme("At most how many qubits does the budget allow?") is None
    assert asked_extreme("Which country spent the least on research?") == "min"
    assert not_the_extreme(question, "最も大きかったのはExcellent scienceで、24.4Bユーロ。［1］", [quote])
    assert not not_the_extreme(question, "Societal challengesで、29.7Bユーロ。［1］", [quote])
    assert not not_the_extreme("Horizon 2020の優先領域の予算は？", "24.4Bユーロ。［1］", [quote])
    # s43-ja-01: the model's first-listed pick is shown as the report's sentence, with a message.
    answerable, text, citations, flags = _finish(
        engine, pipeline, question, "ja", "③Societal challenges（29.7Bユーロ）",
        "3つの優先領域のうち最も予算が大きかった領域は「Excellent science」であり、その額は24.4Bユーロでした。［{n}］")
    assert not answerable and text.startswith("作成した回答は、報告書に挙げられた数値のうち") and "29.7Bユーロ" in text
    assert any("the largest or smallest" in f for f in flags) and citations


def test_a_total_over_some_years_is_not_one_over_other_years(engine, pipeline):
    # s36b-na-02: France 2030's 約300億ユーロ 「5年間で」 given as the ten-year total of France's
    # research programming law, which the report gives no budget for.
    from rag.answer.periods import claimed_years, contradicts_period

    question = "フランスの研究の複数年計画法（LPPR）で、10年間に投じる予算の総額はいくら？"
    raw = "10年間に投じる予算の総額は約300億ユーロです。［{n}］"
    answerable, text, _, flags = _finish(engine, pipeline, question, "ja", "5年間で約300億ユーロ", raw)
    assert not answerable and "300億" not in text, (text, flags)
    assert any("total over 5 years, not 10" in f for f in flags), flags
    # The same span, or a sentence that names no span, stands.
    passage = "戦略分野に5年間で約300億ユーロを投資するものであり"
    assert contradicts_period("5年間の総額は約300億ユーロです。", 3e10, passage) is None
    assert contradicts_period("総額は約300億ユーロです。", 3e10, passage) is None
    assert claimed_years("It invests 30 billion euros over 5 years in total.") == 5


def test_a_total_over_years_is_not_passed_off_as_a_yearly_amount(engine, pipeline):
    # The model's answer: asked what each NSF MIP receives every year, it restated the question's
    # 毎年 beside the report's five-year total. The report's sentence is shown instead.
    question = "NSFのMIPの各拠点に毎年配分される予算はいくら？"
    raw = "NSFのMIPの各拠点に毎年配分される予算は、それぞれ5年間で$15,000,000 ～ $25,000,000の範囲です。［{n}］"
    answerable, text, citations, flags = _finish(engine, pipeline, question, "ja", "$15,000,000", raw)
    assert not answerable and text.startswith("報告書には年ごとの額の記載はなく"), (text, flags)
    assert "5年間で$15,000,000" in text and citations and any("a yearly amount" in f for f in flags)
    # Asked for the five-year budget, the same answer stands.
    asked = "NSFのMIPの各拠点の5年間の予算はいくら？"
    answerable, text, _, flags = _finish(engine, pipeline, asked, "ja", "$15,000,000", raw.replace("毎年配分される", "5年間の"))
    assert answerable and "$15,000,000" in text, (text, flags)


def test_an_answer_citing_no_passage_about_the_asked_name_is_not_an_answer(engine, pipeline):
    # The model's answer to a question the report does not answer: it restated the question on
    # CHiMaD, then went on with the membership of Japan's learned societies, citing their passage;
    # the MGI table naming CHiMaD is in the context.
    question = "CHiMaDに参加している企業の数は？"
    hits = _context(engine, question, "ja")
    raw = ("CHiMaDに参加している企業の数は、日本、米国及びドイツの主要学会の会員数の変遷を示す。［{n}］"
           "日本化学会では、この10年間で約6800人会員数が減っている。［{n}］").format(n=_marker(hits, "6800人"))
    _assert_removed(pipeline, raw, hits, "ja", question, "cites no passage that names chimad")
    # Citing the passage that names it, an answer stands.
    raw = "CHiMaDは2019年に5年間の継続を決定している。［{n}］".format(n=_marker(hits, "CHiMaD"))
    _assert_kept(pipeline, raw, hits, "ja", question, "2019年")
    # A name the question uses as a description, which the answer does not repeat, asks nothing
    # of the cited passage: NUS is the 「公的研究機関」, a word only another passage writes.
    question = "シンガポールの公的研究機関が進める製造向けの材料開発加速プロジェクトは、開発をどれくらい速めることを目指している？"
    hits = _context(engine, question, "ja")
    raw = ("NUSの「Accelerated Materials Development for Manufacturing」プロジェクトは、"
           "材料開発を10倍以上加速させることを目標としている。［{n}］").format(n=_marker(hits, "10倍以上"))
    assert any("公的研究機関" in h.chunk.text for h in hits)  # the other passage is in the context
    _assert_kept(pipeline, raw, hits, "ja", question, "10倍以上")


def test_a_figure_stated_only_for_another_named_actor_is_not_the_subjects(engine, pipeline):
    # The model's answer: the 160万人 a year of nanoHUB (in the passage's sentence on the NCN)
    # given to the NCL, which the same passage names in the sentences before it.
    question = "How many users a year does the NCL at the National Cancer Institute serve?"
    hits = _context(engine, question, "en")
    raw = f"The NCL at the National Cancer Institute serves approximately 1.6 million users per year.[{_marker(hits, '160万人')}]"
    _assert_removed(pipeline, raw, hits, "en", question, "stated for NCN")
    # Asked about nanoHUB, the same figure is its own.
    asked = "How many users a year does nanoHUB serve?"
    _assert_kept(pipeline, f"nanoHUB serves 1.6 million users per year.[{_marker(hits, '160万人')}]", hits, "en", asked,
                 "1.6 million")


def test_a_figure_of_what_the_passage_writes_as_the_subjects_own_is_the_subjects(engine, pipeline):
    # The model's answer to a question that describes the NNCI instead of naming it: the passage
    # states 16州 in 「NNCIは、16州にまたがる…」 and calls it 「NSFの国家ナノテクノロジー共用基盤NNCI」.
    question = ("The NSF's shared network of university nanofabrication sites: how many states does it span, "
                "how many institutions does it join, and how many distinct facilities does it offer?")
    hits = _context(engine, question, "en")
    n = _marker(hits, "16州")
    answerable, text, _, flags = pipeline.finish(
        f"The NSF's shared network spans 16 states, joins 29 institutions and offers 69 facilities. [{n}]",
        hits, "en", question, None)
    assert answerable and "16 states" in text and "not verified" not in text, (text, flags)
    # The NCN is no thing of the NCL's: its nanoHUB users stay another actor's figure (see above).
    asked = "How many users a year does the NCL at the National Cancer Institute serve?"
    hits = _context(engine, asked, "en")
    _assert_removed(pipeline, f"The NCL serves 1.6 million users per year.[{_marker(hits, '160万人')}]", hits, "en",
                    asked, "stated for NCN")


def test_a_name_from_another_item_of_a_listed_set_is_not_the_answer(engine, pipeline):
    # The model's answer: "the University of Tokyo", which the passage gives the electrochemical
    # materials hub, in the list 「•極限環境対応構造材料研究拠点（東北大学） … •再生可能エネルギー最大導入に
    # 向けた電気化学材料研究拠点（東京大学）」 (another passage lists the hubs in 「」 the same way).
    question = "Which university leads the DxMT hub on structural materials for extreme environments?"
    hits = _context(engine, question, "en")
    n = _marker(hits, "（東北大学）")
    _assert_removed(pipeline, f"The university leading the hub on structural materials for extreme environments is "
                              f"the University of Tokyo.[{n}]", hits, "en", question, "names no passage gives")
    _assert_kept(pipeline, f"The hub on structural materials for extreme environments is led by Tohoku University.[{n}]",
                 hits, "en", question, "Tohoku University")


def test_a_count_in_another_spelling_of_the_asked_noun_counts_what_was_asked(engine, pipeline):
    # "how many organisations" answered "1800 organizations": the same noun, spelt the American way.
    question = "When was Singapore's 3D-printing innovation cluster set up, and with how many organisations does it work?"
    answerable, text, _, flags = _finish(engine, pipeline, question, "en", "1800",
                                         "NAMIC was established in 2015 and works with 1800 organizations. [{n}]")
    assert answerable and "1800 organizations" in text, (text, flags)
    answerable, text, _, flags = _finish(engine, pipeline, question, "en", "1800",
                                         "NAMIC was established in 2015 and works with 1800 companies. [{n}]")
    assert not answerable and any("a count in the unit asked" in f for f in flags), (text, flags)


def test_a_year_of_a_sentence_about_another_named_body_is_not_the_subjects(engine, pipeline):
    # The model's answer: JST's 未来社会創造事業 "from FY2020", the year of the passage's next
    # sentence, 「日本学術振興会（JSPS）では、2020年に…」; the programme began in 2017年度. (A third
    # passage dates one of the programme's areas 2020年度～, and is left out here.)
    question = "JSTの未来社会創造事業は何年度から実施されている？"
    hits = [h for h in _context(engine, question, "ja") if "（2020年度～）" not in h.chunk.text]
    jsps = _marker(hits, "日本学術振興会（JSPS）では、2020年")
    assert "未来社会創造事業" in hits[jsps - 1].chunk.text
    _assert_removed(pipeline, f"JSTの未来社会創造事業は2020年度から実施されています。［{jsps}］", hits, "ja", question,
                    "the year of 日本学術振興会(JSPS)")
    _assert_kept(pipeline, f"JSTの未来社会創造事業は2017年度から実施されています。［{_marker(hits, '2017年度より')}］",
                 hits, "ja", question, "2017年度")
    # Asked when the JSPS reviewed its programme, the year is its own.
    asked = "日本学術振興会はいつ新学術領域研究の見直しを行った？"
    _assert_kept(pipeline, f"日本学術振興会は2020年に新学術領域研究の見直しを行った。［{jsps}］", hits, "ja", asked, "2020年")


def test_a_year_of_a_ministry_named_after_a_joining_word_is_not_the_subjects(engine, pipeline):
    # 「…2nm世代ロジック半導体…の量産体制の確立（Rapidus）…も明らかにされた。また、文部科学省も、
    # 2022年に、…「次世代X-nics半導体創生拠点形成事業」を開始した。」: the report dates no plan of
    # Rapidus; the model gave it the ministry's 2022.
    question = "Rapidusが2nm世代の量産体制を確立するのは何年の予定？"
    hits = _context(engine, question, "ja")
    n = _marker(hits, "また、文部科学省も、2022年に")
    assert "Rapidus" in hits[n - 1].chunk.text
    _assert_removed(pipeline, f"Rapidusは2022年に2nm世代の量産体制を確立する予定です。［{n}］", hits, "ja", question,
                    "the year of 文部科学省")
    asked = "文部科学省が次世代X-nics半導体創生拠点形成事業を開始したのは何年？"
    _assert_kept(pipeline, f"文部科学省は2022年に次世代X-nics半導体創生拠点形成事業を開始した。［{n}］", hits, "ja", asked,
                 "2022年")


def test_a_figure_of_a_sentence_pointing_back_after_an_opening_phrase_is_the_subjects(engine, pipeline):
    # 「…熊本県にTSMCの28nm世代…の量産工場の誘致・建設が開始された。後に、同工場で 12 nm 世代まで…」:
    # the 12 nm belongs to TSMC's plant named in the sentence before; it had been marked as
    # another actor's figure.
    question = ("Which process generation did TSMC's Kumamoto plant start with, and down to which generation "
                "will it also mass-produce FinFET chips?")
    hits = _context(engine, question, "en")
    source = _marker(hits, "同工場で 12 nm")
    _assert_kept(pipeline, f"TSMC's Kumamoto plant will also mass-produce FinFET chips down to the 12nm generation.[{source}]",
                 hits, "en", question, "12nm")


def test_a_figure_is_read_in_the_sentence_that_writes_it_in_the_answers_unit(engine, pipeline):
    # The model's answer: NVIDIA's 4PFLOPS given to Google's TPU5, named in the sentence before;
    # the passage's other 4 (「4ビット」, edge circuits) names no one and must not hide that.
    question = "What computing performance did Google's TPU5 reach?"
    hits = _context(engine, question, "en")
    source = _marker(hits, "4PFLOPS")
    assert "4ビット" in hits[source - 1].chunk.text
    _assert_removed(pipeline, f"Google's TPU5 reached 4PFLOPS.[{source}]", hits, "en", question, "stated for NVIDIA")
    asked = "What performance did NVIDIA reach in 2022 with cores suited to natural language processing?"
    _assert_kept(pipeline, f"NVIDIA reached 4 PFLOPS in 2022.[{source}]", hits, "en", asked, "4 PFLOPS")


def test_an_acronym_the_top_passage_writes_keeps_a_short_question_for_the_model(engine, pipeline):
    # 「RXとは何の略で、どういう意味か？」 is little more than its acronym: the passage that defines
    # RX scores 0.84, under the Japanese threshold, though it writes RX.
    question = "RXとは何の略で、どういう意味か？"
    hits = engine.retrieve(question, k=engine.settings.retrieval.k)
    assert max(h.similarities["dense"] for h in hits[:3]) < 0.85 and "RX" in hits[0].chunk.text
    assert pipeline._refusal_before_generation(question, hits, "ja") is None
    # An acronym the report never writes leaves the threshold to decide (0.81 here).
    question = "QXとは何の略で、どういう意味か？"
    hits = engine.retrieve(question, k=engine.settings.retrieval.k)
    assert not any("QX" in h.chunk.text for h in hits)
    assert pipeline._refusal_before_generation(question, hits, "ja") == "retrieval found no close passage"


def test_a_year_asked_for_is_not_taken_from_a_sentence_about_another_name(engine, pipeline):
    # The model's answer: EPiQS's second stage (2020～2025年) as the year Michael Freedman joined
    # Microsoft's Station Q, which the next sentence of the passage names (with 1986, his Fields Medal).
    question = "In which year did Michael Freedman become director of Microsoft Station Q?"
    hits = _context(engine, question, "en")
    source = _marker(hits, "Station Q")
    _assert_removed(pipeline, f"Michael Freedman became director of Microsoft Station Q in 2020.[{source}]", hits, "en",
                    question, "the year of")
    # Asked when EPiQS's second stage began, the same year is its own.
    asked = "When did the second stage of the EPiQS initiative begin?"
    _assert_kept(pipeline, f"The second stage of EPiQS began in 2020.[{source}]", hits, "en", asked, "2020")


def test_a_number_the_passage_writes_only_as_a_month_is_no_count(engine, pipeline):
    # The model's answer to a question the report does not answer: "11 researchers" at JCESR,
    # from the 2021年11月 of the infrastructure law in the same passage.
    question = "How many researchers work at the JCESR?"
    hits = _context(engine, question, "en")
    source = _marker(hits, "2021年11月")
    _assert_removed(pipeline, f"There are 11 researchers working at the JCESR [{source}].", hits, "en", question,
                    "only a month in the report")
    # Written as the month it is, it dates the law.
    asked = "When was the US infrastructure investment and jobs law enacted?"
    _assert_kept(pipeline, f"It was enacted in November 2021.[{source}]", hits, "en", asked, "November 2021")
    _assert_kept(pipeline, f"インフラ投資・雇用法は2021年11月に制定された。［{source}］", hits, "ja", "インフラ投資・雇用法はいつ？",
                 "2021年11月")


def test_a_target_is_not_passed_off_as_what_was_actually_done(engine, pipeline):
    # The report states Korea's plan (「ナノテク関連ベンチャーを1000社設立するとした」); asked what was
    # actually established, the model (this is its answer) wrote the target as the achievement.
    question = "How many nanotech ventures had South Korea actually established by 2023?"
    raw = "There were 1000 nanotech ventures established in South Korea by 2023.[{n}]"
    answerable, text, citations, flags = _finish(engine, pipeline, question, "en", "1000社", raw)
    assert not answerable and text.startswith("The report gives only a plan or target"), (text, flags)
    # The English answer stays English: the report's sentence is the citation's quote.
    assert re.fullmatch(r"[^\u3040-\u30ff\u4e00-\u9fff]+", text) and re.search(r"\[\d\]", text), text
    assert citations and all("1000社" in c.quote for c in citations)
    assert any("what was achieved" in f for f in flags)
    # Asked for the plan, the same answer stands.
    asked = "How many nanotech ventures does South Korea plan to set up?"
    answerable, text, _, flags = _finish(engine, pipeline, asked, "en", "1000社", raw.replace(" by 2023", ""))
    assert answerable, (text, flags)
    # In Japanese, 実際に asks for the same, and the report's own sentence is shown.
    ja = "韓国は実際にナノテク関連ベンチャーを何社設立した？"
    answerable, text, _, flags = _finish(engine, pipeline, ja, "ja", "1000社", "韓国はナノテク関連ベンチャーを1000社設立した［{n}］。")
    assert not answerable and text.startswith("報告書には計画・目標の記載しかなく") and "するとした" in text, (text, flags)
    # An announced contribution is a plan too: asked how much hydrogen was actually imported, the
    # model gave the 9億ユーロ Germany announced for H2 Global.
    ja = "H2グローバルのプロジェクトで実際に輸入された水素の量はどれだけか？"
    raw = "H2グローバルのプロジェクトで実際に輸入された水素の量は約9億ユーロの予算を拠出している。［{n}］"
    answerable, text, _, flags = _finish(engine, pipeline, ja, "ja", "9億ユーロ", raw)
    assert not answerable and "拠出することが発表" in text, (text, flags)


def test_a_katakana_name_in_the_question_is_named_by_the_latin_letters_it_transliterates(engine, pipeline):
    # The question writes 量子フラッグシップ; the passage with the 132Mユーロ writes "Quantum Flagship".
    # Read as naming different things, the right figure was dropped as another passage's.
    question = "EUの量子フラッグシップは立ち上げ期間にどれだけの予算が投じられた？"
    raw = "EUの量子フラッグシップは2018年10月～2021年9月までは132Mユーロの予算が投じられました。［{n}］"
    answerable, text, citations, flags = _finish(engine, pipeline, question, "ja", "132M", raw)
    assert answerable and "132Mユーロ" in text and "132M" in citations[0].quote, (text, flags)


def test_an_amount_the_report_dates_to_another_year_does_not_answer_for_the_year_asked(engine, pipeline):
    # The report: 「BEISは研究インフラへの投資を継続し、2021年度までに58億ポンドを投資した。」 Asked
    # about fiscal 2010 (a year another context passage mentions), the model moved the total there.
    question = "英国のBEISは2010年度に研究インフラへいくら投じた？"
    answerable, text, citations, flags = _finish(engine, pipeline, question, "ja", "58億ポンド",
                                                 "BEISは2010年度に58億ポンドを投じた。［{n}］")
    assert (answerable, text, citations) == (False, CANNOT_ANSWER["ja"], []), (text, flags)
    assert any("the year asked" in f for f in flags)
    # Asked about the year the report gives, the same figure answers.
    question = "英国のBEISは2021年度までに研究インフラへいくら投じた？"
    answerable, text, _, flags = _finish(engine, pipeline, question, "ja", "58億ポンド",
                                         "BEISは2021年度までに58億ポンドを投じた。［{n}］")
    assert answerable and "58億ポンド" in text, (text, flags)


def test_a_name_read_from_a_sentence_about_something_else_is_not_the_subjects(engine, pipeline):
    # The model's answer to a question the report does not answer: the passage on photonic
    # quantum computers writes 東京大学 (read "Tokyo") in its sentence on Japanese research, and
    # PsiQuantum in another.
    question = "In which city is PsiQuantum headquartered?"
    hits = _context(engine, question, "en")
    n = _marker(hits, "米PsiQuantumは")
    _assert_removed(pipeline, f"PsiQuantum is headquartered in Tokyo.[{n}]", hits, "en", question,
                    "sentence with names no passage gives removed")
    # A name read from the passage (ハーバード) stands where the passage's sentence names the subject.
    asked = "Which university built the error-corrected neutral-atom quantum computer with QuEra in 2023?"
    hits = _context(engine, asked, "en")
    n = _marker(hits, "ハーバード大学がQuEra Computing等と連携して")
    _assert_kept(pipeline, f"Harvard built it with QuEra in 2023.[{n}]", hits, "en", asked, "Harvard built it")
    # A sentence that states the claim itself supports its name though it leaves the subject
    # unsaid: 「一方、資金受給する企業は、中国等を念頭に置いた「懸念のある国」で…」 follows the one that
    # names the CHIPS Act. The whole sentence had been removed as naming China apart.
    asked = "Under the US CHIPS Act, where may companies that receive the money not expand advanced manufacturing?"
    hits = _context(engine, asked, "en")
    n = _marker(hits, "一方、資金受給する企業は")
    claim = ("Under the US CHIPS Act, companies that receive the money cannot expand advanced manufacturing if they "
             "are located in countries such as China.")
    _assert_kept(pipeline, f"{claim}[{n}]", hits, "en", asked, "countries such as China")
    # Its quote is that sentence, not the one naming the CHIPS Act (the place it is filed under aside).
    assert pipeline.verifier.sources.quote(claim, hits[n - 1], "en").startswith("一方、資金受給する企業は")


def test_an_amount_dated_by_a_year_the_report_gives_another_amount_for_is_not_shown(engine, pipeline):
    # The report: 「連邦政府は2019年に約200億ユーロを投資」; its 20億ユーロ are the 2020 quantum
    # package. The model wrote "[2] billion", unwrapped as a figure, for the 2019 spending.
    from rag.answer.periods import another_amount_for_year

    question = "How much did Germany's federal government invest in 2019?"
    answerable, text, _, flags = _finish(engine, pipeline, question, "en", "20億ユーロの追加投資",
                                         "Germany's federal government invested approximately 2 billion euros in 2019.[{n}]")
    assert not answerable and any("not the report's amount for 2019" in f for f in flags), (text, flags)
    answerable, text, citations, flags = _finish(engine, pipeline, question, "en", "2019年に約200億ユーロ",
                                                 "Germany's federal government invested about 20 billion euros in 2019.[{n}]")
    assert answerable and "20 billion euros" in text and "2019年に約200億ユーロ" in citations[0].chunk.text, (text, flags)
    # A plan's span covers a year without dating an amount to it; another currency is no rival.
    span = "基本計画（2018～2022年）で20億ユーロを投資する。"
    assert another_amount_for_year("Germany invested 2 billion euros in 2019.", 2e9, span, []) is None
    assert another_amount_for_year("Germany invested 2 billion euros in 2019.", 2e9, "2019年に約200億ドルを投資。", []) is None


def test_an_english_figure_written_after_another_quoted_item_is_not_the_asked_items(engine, pipeline):
    # The passage: 「2022年度における「物質・材料」の研究費は1兆1,940億円…このうち「ナノテクノロジー」
    # のみでは3,108億円」; it quotes 「ライフサイエンス」 only among the fields of a figure.
    question = "In Japan's research spending statistics, how much went to life sciences?"
    hits = [h for h in engine.retrieve(question, k=10) if "1兆1,940億円" in h.chunk.text][:1]
    assert hits and "「ライフサイエンス」" in hits[0].chunk.text
    answerable, text, _, flags = pipeline.finish(
        "In Japan's research spending statistics, 1.194 trillion yen went to life sciences.[1]", hits, "en", question, None)
    assert not answerable and any("another item's figure, not ライフサイエンス's" in f for f in flags), (text, flags)
    asked = "In Japan's research spending statistics, how much went to nanotechnology?"
    answerable, text, _, flags = pipeline.finish(
        "In FY2022, 310.8 billion yen went to nanotechnology.[1]", hits, "en", asked, None)
    assert answerable and "310.8 billion yen" in text, (text, flags)


def test_a_count_written_after_a_sibling_item_does_not_answer_for_an_unlisted_one(engine, pipeline):
    # The list: 「・半導体分野：8技術 … ・バイオ分野：2技術」; 水素分野 is not among Korea's four fields.
    question = "韓国の国家先端戦略技術のうち、水素分野の技術はいくつ指定されているか？"
    answerable, text, _, flags = _finish(engine, pipeline, question, "ja", "バイオ分野：2技術",
                                         "4分野のうちの水素分野の技術は2技術が指定されています。［{n}］")
    assert not answerable and any("not 水素分野's" in f for f in flags), (text, flags)
    asked = "韓国の国家先端戦略技術のうち、バイオ分野の技術はいくつ指定されているか？"
    answerable, text, _, flags = _finish(engine, pipeline, asked, "ja", "バイオ分野：2技術",
                                         "バイオ分野の技術は2技術が指定されています。［{n}］")
    assert answerable and "2技術" in text, (text, flags)


def test_the_nth_goal_asked_is_the_item_the_report_labels_so(engine, pipeline):
    # s36-ja-04: asked for the NNI's third goal (ゴール3 in the first passage), the model gave
    # NASEM's third recommendation (「3点目は…」) from the next one.
    question = "米国のナノテク国家計画の3番目の目標では、何を提供するとしている？"
    raw = "米国のナノテク国家計画の3番目の目標は、学生や研究者を育成するための、体験学習プログラムを強化することである。［{n}］"
    answerable, text, citations, flags = _finish(engine, pipeline, question, "ja", "3点目は", raw)
    assert answerable and text == "報告書の記述：「ゴール3. 研究、開発、実用化を持続的に支援する研究インフラの提供」［1］", (text, flags)
    assert "ゴール3" in citations[0].chunk.text and any("labels ゴール3" in f for f in flags)
    # An answer that gives the item's words stands as written.
    raw = "3番目の目標は、研究、開発、実用化を持続的に支援する研究インフラの提供です。［{n}］"
    answerable, text, _, _ = _finish(engine, pipeline, question, "ja", "ゴール3", raw)
    assert answerable and text.startswith("3番目の目標は、研究、開発"), text


def test_the_label_of_a_described_goal_is_the_one_whose_line_describes_it(engine, pipeline):
    # s46-ja-02: asked which goal is the research infrastructure one, the model named ゴール4.
    question = "米国のナノテク国家戦略で、研究から実用化までを長く支える研究基盤を提供するという目標は何番目のゴール？"
    raw = "研究基盤を提供するという目標はゴール4です。［{n}］"
    answerable, text, citations, flags = _finish(engine, pipeline, question, "ja", "ゴール3", raw)
    assert answerable and text == "報告書の記述：「ゴール3. 研究、開発、実用化を持続的に支援する研究インフラの提供」［1］", (text, flags)
    assert "ゴール3" in citations[0].chunk.text
    # The right label stands as written; a question that does not ask for a label is left alone.
    answerable, text, _, _ = _finish(engine, pipeline, question, "ja", "ゴール3", "研究基盤の目標はゴール3です。［{n}］")
    assert answerable and text.startswith("研究基盤の目標はゴール3です"), text
    from rag.item_labels import described_item

    lines = ["ゴール3. 研究、開発、実用化を持続的に支援する研究インフラの提供", "ゴール4. パブリック・エンゲージメント"]
    assert described_item("研究から実用化までを支える研究基盤の目標は？", lines) is None
    assert described_item("研究から実用化までを支える研究基盤の目標は何番目？", lines)[2] == "ゴール3"
    # Too little in common with any line to tell.
    assert described_item("量子技術の目標は何番目？", lines) is None


def test_the_nth_goal_asked_is_answered_by_its_line_when_the_draft_comes_to_nothing(engine, pipeline):
    # s40-ja-09: ゴール5 was the top passage; the model wrote of the plan's emphasis on IDEA with
    # a figure of another passage, no sentence survived, and the question was refused.
    question = "米国の国家ナノテク計画の戦略で、5番目に掲げられた目標は何？"
    hits = _context(engine, question, "ja")
    assert hits[0].chunk.text.startswith("ゴール5.")
    raw = "5番目に掲げられた目標は、次の3つのゴールが掲げられた。［{n}］"
    answerable, text, citations, flags = _finish(engine, pipeline, question, "ja", "ゴール5", raw.replace("3つ", "7つ"))
    assert answerable and text == "報告書の記述：「ゴール5. 責任ある開発を保証する」［1］", (text, flags)
    assert citations[0].chunk is hits[0].chunk and any("the draft gave no answer" in f for f in flags)
    # The model's own refusal gets the line too; an English question gets no Japanese line.
    answerable, text, _, _ = pipeline.finish("報告書には記載がありません。", hits, "ja", question, None)
    assert answerable and "ゴール5" in text
    question = "What is the fifth goal of the US national nanotechnology strategy?"
    hits = _context(engine, question, "en")
    answerable, _, _, _ = pipeline.finish("The report does not answer this question.", hits, "en", question, None)
    assert not answerable


def test_a_question_asking_several_things_is_no_near_miss_for_lacking_one():
    from rag.answer.near_miss import asks_several

    assert asks_several("英国は研究開発で世界をリードする技術としていくつ挙げ、そのうちナノテクに関わるものは何と呼ばれている？")
    assert asks_several("How many actions did PCAST set out, and how many centres did it call for?")
    assert not asks_several("NNCIの年間利用者のうち、企業からの利用者は何人か？")
    assert not asks_several("Which agency runs the programme which funds NNCI?")  # a relative "which" asks nothing


def test_an_answer_to_one_of_two_asks_is_kept_where_one_ask_alone_is_a_near_miss(engine, pipeline):
    # s37-ja-03: the count of the UK's eight technologies was not restated, the name of the
    # nanotech one was; as a near miss for the count, the right half had been refused.
    question = "英国が2014年の戦略で、研究開発で世界をリードする技術としていくつ挙げ、そのうちナノテクに関わるものは何と呼ばれている？"
    raw = "そのうちナノテクに関わるものは「ナノテクノロジーと先端材料」と呼ばれている。［{n}］"
    answerable, text, _, flags = _finish(engine, pipeline, question, "ja", "8つの技術", raw)
    assert answerable and "ナノテクノロジーと先端材料" in text, (text, flags)
    # The flag says what the answer lacks: the report does give the count.
    assert any("the answer gives none" in f and "kept for the other things the question asks" in f
               for f in flags), flags
    asked = "英国が2014年の戦略で、研究開発で世界をリードする技術としていくつ挙げている？"
    answerable, text, _, flags = _finish(engine, pipeline, asked, "ja", "8つの技術", raw)
    assert not answerable and any("a near miss" in f for f in flags), (text, flags)


def test_an_english_count_of_other_things_than_the_passage_counts_is_not_supported(engine, pipeline):
    # 「2021年に日本において論文を執筆した研究者数は約3万6千人」 counts authors; the model wrote
    # "36,000 papers". The report gives no count of Japan's papers in its text.
    from rag.answer.units import different_unit

    passage = "2021年に日本において論文を執筆した研究者数は約3万6千人であり、中国、米国、インド、ドイツ、韓国に次ぐ世界第6位である。"
    assert different_unit("Japan published approximately 36,000 papers in 2021.", 36000, passage)
    assert different_unit("About 36,000 researchers in Japan wrote papers in 2021.", 36000, passage) is None
    assert different_unit("It yielded more than 3000 papers.", 3000, "終了時には3000件以上の論文、92件の特許") is None
    assert different_unit("Korea plans to set up 1,000 researchers.", 1000, "ナノテク関連ベンチャーを1000社設立") is not None
    question = "How many papers did Japan publish in nanotechnology?"
    answerable, text, _, flags = _finish(engine, pipeline, question, "en", "論文を執筆した研究者数は約3万6千人",
                                         "Japan published approximately 36,000 papers in nanotechnology in 2021.[{n}]")
    assert "36,000 papers" not in text and any("where the report has 人" in f for f in flags), (text, flags)
    asked = "How many researchers wrote nanotechnology papers in Japan in 2021?"
    answerable, text, _, flags = _finish(engine, pipeline, asked, "en", "論文を執筆した研究者数は約3万6千人",
                                         "About 36,000 researchers in Japan wrote nanotechnology papers in 2021.[{n}]")
    assert answerable and "36,000 researchers" in text, (text, flags)


def test_a_name_spelled_by_the_acronym_the_report_gives_beside_it_is_supported(engine, pipeline):
    # 「国立中山大学（NSYSU）」: "Sun Yat-Sen" is no dictionary rendering of 中山, but the name's
    # initials spell the acronym the passage writes; it had been marked "name not verified".
    question = "Which institutions in Taiwan host the semiconductor research schools?"
    hits = _context(engine, question, "en")
    n = _marker(hits, "国立中山大学（NSYSU）")
    _assert_kept(pipeline, f"National Cheng Kung University (NCKU) and National Sun Yat-Sen University (NSYSU) host "
                           f"them.[{n}]", hits, "en", question, "National Sun Yat-Sen University (NSYSU)")
    # Initials that do not spell it are no gloss.
    text, _, _ = pipeline.verifier.verify(f"National Moon Yat-Sen College (NSYSU) hosts them.[{n}]", hits, "en", question)
    assert "not verified" in text, text
