"""English questions over Japanese text: term pairs mined from the report and JMdict translations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.glossary import Glossary, mine_term_pairs
from rag.keywords import BM25, JapaneseTokenizer
from rag.lexicon import Lexicon, build_lexicon, dictionary_source, english_keys

GLOSSED = (
    "技術的能力の保有などを目的に「半導体法（A Chips Act for Europe）」が発表された。"
    "米国の国家ナノテクノロジーイニシアティブ（National Nanotechnology Initiative：NNI）は2001年に始まった。"
    "主要半導体企業（IBM、TSMC、Samsung）が参加する。"
)


def test_term_pairs_are_mined_from_parenthesised_glosses():
    pairs = {(p.japanese, p.english) for p in mine_term_pairs([GLOSSED])}
    assert ("半導体法", "A Chips Act for Europe") in pairs
    assert ("国家ナノテクノロジーイニシアティブ", "NNI") in pairs
    assert ("国家ナノテクノロジーイニシアティブ", "National Nanotechnology Initiative") in pairs
    assert not any(j == "主要半導体企業" for j, _ in pairs)  # a list of examples is not a gloss
    # A gloss closing a quoted term glosses all of it, not the word after its particle.
    quoted = {(p.japanese, p.english) for p in mine_term_pairs(["という「責任ある研究とイノベーション（RRI）」の考え方"])}
    assert quoted == {("責任ある研究とイノベーション", "RRI")}


def test_glossary_expands_named_terms_only():
    glossary = Glossary.from_texts([GLOSSED])
    assert "半導体法" in glossary.expansions("When did the European Chips Act enter into force?")
    assert "国家ナノテクノロジーイニシアティブ" in glossary.expansions("What is the NNI budget?")
    # One shared word ("act") is not enough, and a term already in the question is not repeated.
    assert glossary.expansions("What does the act require?") == []
    assert glossary.expansions("半導体法（A Chips Act for Europe）とは") == []


@pytest.fixture(scope="module")
def tokenizer():
    return JapaneseTokenizer()


DOCS = ["半導体の製造拠点を国内に誘致する。", "電池の研究開発に予算を配分する。", "量子技術の人材を育成する。"]


@pytest.fixture(scope="module")
def lexicon():
    if dictionary_source() is None:
        pytest.fail("jamdict-data is a project dependency and must be installed")
    return Lexicon(build_lexicon(DOCS))


def test_lexicon_holds_report_words_for_english_keys(lexicon):
    assert "半導体" in lexicon.mapping["semiconductor"]
    assert "電池" in lexicon.mapping["batteri"]
    assert all(any(form in "".join(DOCS) for form in forms) for forms in lexicon.mapping.values())
    assert english_keys("Semiconductor factories") == ["semiconductor", "factori", "semiconductor factori"]
    # The letters of "R&D" are looked up as a pair only: "d" alone is a school grade (可).
    assert english_keys("R&D spending") == ["spend", "r d", "d spend"]
    # Derived forms the stemmer keeps apart fall back to the longest known prefix.
    assert Lexicon({"semiconduct": ["半導体"]}).translate("semiconductors") == [["半導体"]]


def test_policy_words_and_countries_get_the_reports_terms(lexicon):
    # JMdict gives "spending" only as 使う, "published" as 出す, "chip" as 創 (a wound) and
    # "Japan" never as 我が国; the report writes 研究費, 論文, 半導体 and 我が国.
    groups = lexicon.translate("How much did Japan spend on chips, and how many papers were published?")
    assert ["日本", "我が国", "わが国"] in groups
    assert any("研究費" in g for g in groups) and any("半導体" in g for g in groups)
    assert any("論文" in g for g in groups) and not any("創" in g or "使う" in g for g in groups)
    assert english_keys("publications") == ["publish"]  # not "public" (公共)
    assert lexicon.translate("the U.S.") == [["米国", "アメリカ", "合衆国"]]
    # Every word the override gives is one the report uses.
    from rag.lexicon import _POLICY_TERMS

    report = (Path(__file__).resolve().parents[1] / "data" / "crds-nanotech-2024-s1.2.txt").read_text(encoding="utf-8")
    assert all(form in report for forms in _POLICY_TERMS.values() for form in forms)


def test_translated_keywords_find_japanese_passages(lexicon, tokenizer):
    bm25 = BM25([tokenizer(d) for d in DOCS])
    assert not bm25.scores(tokenizer("battery research budget")).any()  # no shared token at all
    groups = [[tokenizer(w) for w in words] for words in lexicon.translate("battery research budget")]
    assert int(np.argmax(bm25.group_scores(groups))) == 1
    groups = [[tokenizer(w) for w in words] for words in lexicon.translate("semiconductor manufacturing")]
    assert int(np.argmax(bm25.group_scores(groups))) == 0


LOANWORDS = ["ねじれた二層グラフェンからツイストロニクスと呼ばれる領域が誕生した。",
             "マテリアルズ・インフォマティクスによる材料探索が進む。",
             "半導体の製造拠点を国内に誘致する。"]


def test_english_words_find_the_katakana_loanwords_they_transliterate(tokenizer):
    lexicon = Lexicon(build_lexicon(LOANWORDS))
    groups = lexicon.translate("What field is called twistronics?")
    assert ["ツイストロニクス"] in groups
    # two English words written as one katakana term, and its parts
    groups = lexicon.translate("Who uses materials informatics?")
    assert ["マテリアルズ・インフォマティクス"] in groups and ["インフォマティクス"] in groups
    assert lexicon.translate("Who uses semantics?") == []  # no loanword shares that skeleton

    bm25 = BM25([tokenizer(d) for d in LOANWORDS])
    groups = [[tokenizer(w) for w in words] for words in lexicon.translate("the twistronics field")]
    assert int(np.argmax(bm25.group_scores(groups))) == 0


def test_katakana_words_the_dictionary_writes_without_kanji_are_translated(tokenizer):
    # JMdict lists リサーチ and インフラ as words with no kanji form at all; only a kana form
    # flagged "no kanji" had been read, so "research infrastructure" found none of them.
    docs = ["マテリアル先端リサーチインフラには25の機関が参加する。", "研究の成果を発表する。", "量子技術の人材を育成する。"]
    lexicon = Lexicon(build_lexicon(docs))
    assert "インフラ" in lexicon.mapping["infrastructur"] and "リサーチ" in lexicon.mapping["research"]
    assert "研究" in lexicon.mapping["research"]  # the kanji translation stays beside it
    bm25 = BM25([tokenizer(d) for d in docs])
    groups = [[tokenizer(w) for w in words] for words in lexicon.translate("advanced research infrastructure")]
    assert int(np.argmax(bm25.group_scores(groups))) == 0


def test_a_combining_form_before_a_known_word_is_translated_as_one_word(tokenizer):
    # "nanomedicine" is no dictionary word, but the report writes it as ナノ医薬: nano + medicine.
    docs = ["ナノ医薬の研究開発の歴史は長い。", "医療機器の規制を見直す。", "ナノ粒子の合成法が進んだ。", "センサーを開発する。"]
    lexicon = Lexicon(build_lexicon(docs))
    groups = lexicon.translate("When did nanomedicine research begin?")
    assert any("ナノ医薬" in group for group in groups)
    assert any("バイオセンサー" in group for group in lexicon.translate("biosensors"))
    assert lexicon.translate("nanoxyz") == []  # nothing known after the form
    bm25 = BM25([tokenizer(d) for d in docs])
    groups = [[tokenizer(w) for w in words] for words in lexicon.translate("nanomedicine research history")]
    assert int(np.argmax(bm25.group_scores(groups))) == 0


def test_a_hyphenated_word_is_looked_up_by_its_parts_too(tokenizer):
    # "trial-and-error" is JMdict's "trial and error" (試行錯誤); whole, it had matched nothing.
    keys = english_keys("the conventional trial-and-error approach")
    assert "trial error" in keys and "trial-and-error" in keys
    assert english_keys("research and research").count("research") == 2  # a repeated word still weighs double
    docs = ["試行錯誤的アプローチのみで探索するのは不可能である。", "試験の結果を報告する。", "誤差を評価する。"]
    lexicon = Lexicon(build_lexicon(docs))
    bm25 = BM25([tokenizer(d) for d in docs])
    groups = [[tokenizer(w) for w in words] for words in lexicon.translate("a trial-and-error approach")]
    assert ["試行錯誤"] in lexicon.translate("trial-and-error")
    assert int(np.argmax(bm25.group_scores(groups))) == 0
