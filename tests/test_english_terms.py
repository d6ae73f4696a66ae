"""Japanese terms the model leaves in English answers: replaced by English, never kept as kana."""

from __future__ import annotations

import pytest

from rag.answer.english_terms import EnglishTerms
from rag.transliteration import romanize, transliteration_of
from rag.glossary import TermPair
from rag.language import detect_language


def test_katakana_loanwords_read_close_to_their_english_spelling():
    assert romanize("スピントロニクス") == "spintoronics"
    assert romanize("グラフェン") == "grafen"
    assert romanize("マテリアルズ・インフォマティクス") == "materiaruz infomatics"
    assert romanize("ナノシート") == "nanoshito"  # a real vowel stays


def test_a_reader_sees_the_usual_english_spelling_of_a_loanword():
    # An answer had "tsuistoronics" for ツイストロニクス and "materiaruz infomatics".
    assert romanize("ツイストロニクス", english_spelling=True) == "twistronics"
    assert romanize("スピントロニクス", english_spelling=True) == "spintronics"
    assert romanize("マテリアルズ・インフォマティクス", english_spelling=True) == "materials infomatics"
    assert romanize("パネル", english_spelling=True) == "panel"
    assert romanize("トレンド", english_spelling=True) == "trendo"  # a final ド stays as heard
    assert romanize("ナノシート", english_spelling=True) == "nanoshito"
    # The skeletons that match loanwords to the user's words read the plain form.
    from rag.transliteration import katakana_skeleton, skeleton
    assert katakana_skeleton("ツイストロニクス") == skeleton(romanize("ツイストロニクス")) == skeleton("twistronics")


def test_a_transliteration_of_the_users_word_is_found():
    question = "What does the report say about twistronics and graphene?"
    words = question.replace("?", "").split()
    assert transliteration_of("ツイストロニクス", words) == "twistronics"
    assert transliteration_of("グラフェン", words) == "graphene"
    assert transliteration_of("ペロブスカイト", words) is None  # no guess from unrelated words
    # An English l stays in katakana as ル; only an r before a consonant or at the end is dropped.
    assert transliteration_of("インテル", ["Intel"]) == "Intel"  # had been marked "name not verified"
    assert transliteration_of("グローバル", ["global"]) == "global"
    assert transliteration_of("センサー", ["sensor"]) == "sensor"


@pytest.fixture(scope="module")
def tokenizer():
    from rag.keywords import JapaneseTokenizer

    return JapaneseTokenizer()


def test_english_written_beside_the_term_is_kept_unless_the_user_said_it():
    terms = EnglishTerms(glosses=lambda word: ())
    text, notes = terms.replace('The field is called "ツイストロニクス" (Twistron).[1]', "What is that field called?")
    assert text == 'The field is called "Twistron".[1]' and notes
    # Except that -クス is the -ics of a field, which the model's "Twistronic" lost.
    text, _ = terms.replace('The field is called "ツイストロニクス" (Twistronic).[1]', "What is that field called?")
    assert text == 'The field is called "Twistronics".[1]'
    text, _ = terms.replace("It uses ナノクリニック (nanoclinic).", "What does it use?")
    assert text == "It uses nanoclinic."  # not a -クス word
    text, _ = terms.replace('The field is called "ツイストロニクス" (Twistronic).[1]', "Is twistronics a field?")
    assert text == 'The field is called "twistronics".[1]'
    text, _ = terms.replace("Materials informatics (マテリアルズ・インフォマティクス) grows.", "What is MI?")
    assert text == "Materials informatics grows."


def test_report_glosses_and_the_real_dictionary_translate_terms():
    terms = EnglishTerms([TermPair("国家ナノテクノロジー・イニシアティブ", "NNI"),
                          TermPair("国家ナノテクノロジー・イニシアティブ", "National Nanotechnology Initiative")])
    text, notes = terms.replace("The国家ナノテクノロジー・イニシアティブ funds グラフェン and 量子コンピュータ work.", "Who funds it?")
    assert text == "The National Nanotechnology Initiative funds graphene and quantum computer work."
    assert len(notes) == 3


def test_no_kana_is_left_in_an_english_answer():
    terms = EnglishTerms(glosses=lambda word: ())
    text, _ = terms.replace("It was started by the応用物理学会 with スピントロニクス in 2019.", "Which society?")
    assert detect_language(text) == "en" or not any("\u3040" <= ch <= "\u30ff" for ch in text)
    assert "応用物理学会 with spintronics" in text and "the 応用物理学会" in text


def test_kana_inside_a_term_is_read_word_by_word(tokenizer):
    # The model quoted a project title half translated: 「透明電極向け indium を代替する graphene」.
    terms = EnglishTerms(morphemes=tokenizer.morphemes)
    text, notes = terms.replace('It was the "透明電極向けインジウムを代替するグラフェンの開発" project.', "Which project?")
    assert text == 'It was the "transparent electrode for indium substitution graphene development" project.', text
    assert notes and not any("\u3040" <= ch <= "\u30ff" for ch in text)
    # Without a morphological analyser the kana stays, as before.
    text, _ = EnglishTerms().replace('It was the "透明電極向けインジウムを代替するグラフェンの開発" project.', "Which?")
    assert "を" in text


def test_names_come_from_the_dictionarys_named_entities():
    text, _ = EnglishTerms().replace("It was funded by 経済産業省 and led by ケルン大学.", "Who funded it?")
    assert text == "It was funded by Ministry of Economy, Trade and Industry and led by Koeln university."


def test_a_long_term_is_translated_part_by_part_in_the_senses_the_question_uses():
    # The real JMdict: 材料 is "ingredients" first, "material" in a question about materials; the
    # particles の and と link the parts of the title, and no kana is left.
    question = "What is China's plan for new materials called?"
    text, notes = EnglishTerms().replace('It is called "材料ゲノム工学のキーテクノロジーと支援プラットフォーム".', question)
    assert text == 'It is called "material genome engineering key technology and support platform".' and notes
    text, _ = EnglishTerms().replace("It uses 材料 from Asia.", "Where do they come from?")
    assert text == "It uses ingredients from Asia."  # without an encoder: the dictionary's first sense


def test_a_word_takes_the_sense_nearest_its_meaning_when_the_question_names_none(tokenizer):
    # The real multilingual USE: JMdict lists 懸念 as "worry" first, and "countries of concern"
    # (懸念のある国) had read "worry country"; 材料 "ingredients", 先端 "pointed end".
    from rag.answer.english_terms import sense_by_meaning
    from rag.embedders import UniversalSentenceEncoder

    terms = EnglishTerms(morphemes=tokenizer.morphemes, closest_sense=sense_by_meaning(UniversalSentenceEncoder()))
    text, _ = terms.replace("Firms may not expand in 懸念のある国.", "Where may firms not expand?")
    assert "concern" in text and "worry" not in text, text
    text, _ = terms.replace("It uses 材料 from Asia.", "Where do they come from?")
    assert text == "It uses material from Asia.", text
    # A sense the question uses still comes first.
    text, _ = terms.replace("Japan fears 懸念 about supply.", "What worry does Japan have?")
    assert "worry" in text, text


def test_items_listed_with_a_middle_dot_are_translated_one_by_one():
    # 「パワー半導体材料・デバイス」 had become "power 半導体材料 debais": the ・ stayed on デバイス,
    # which then missed the dictionary. Between two katakana words ・ still joins one name.
    text, _ = EnglishTerms().replace("Japan leads in パワー半導体材料・デバイス and 磁石・磁性材料.", "Where does Japan lead?")
    assert "power 半導体材料 and device" in text and "magnet and 磁性材料" in text and "・" not in text
    assert "debais" not in text
    text, _ = EnglishTerms().replace("It funds マテリアルズ・インフォマティクス研究.", "What does it fund?")
    assert "materials infomatics" in text and " and " not in text


def test_a_learned_society_is_named_after_its_discipline():
    text, notes = EnglishTerms().replace("It was launched by the応用物理学会 in 2019.[1]", "Which society?")
    assert text == "It was launched by the Society of Applied Physics in 2019.[1]" and notes
    # A field the dictionary cannot give as one word stays as the report writes it.
    text, _ = EnglishTerms().replace("The 日本化学会 said so.", "Who said so?")
    assert text == "The 日本化学会 said so."


def test_foreign_places_named_in_katakana_are_glossed_for_the_model():
    from rag.answer.context import gloss_places

    # The real JMnedict: a university's town, even one JMdict also lists as a word (ケルン "cairn").
    assert gloss_places("2018年よりケルン大学を中心とした") == "2018年よりケルン (= Cologne)大学を中心とした"
    assert gloss_places("デルフト工科大学と協力") == "デルフト (= Delft)工科大学と協力"
    assert gloss_places("オークリッジ国立研究所") == "オークリッジ (= Oak Ridge)国立研究所"
    # The report shortens 大学 to 大 after a place: 「ハイデルベルク大のBrainScaleS」.
    assert gloss_places("ハイデルベルク大のBrainScaleS") == "ハイデルベルク (= Heidelberg)大のBrainScaleS"
    # Not named as a place: JMnedict's towns called クライオ or サムスン are cryo and Samsung here.
    for text in ("クライオ電子顕微鏡を導入", "サムスン電子が量産", "1,000億ドルを投資"):
        assert gloss_places(text) == text


def test_word_by_word_renderings_of_two_part_compounds_get_the_dictionarys_phrase():
    # JMdict: 科学技術 "science and technology", 研究開発 "research and development".
    passages = ["グローバル化の3規範である民主主義、市場原理、科学技術が正しいとされた。", "研究開発投資を拡大する。"]
    answer = ("The three norms were democracy, market principles and scientific technology.[1] "
              "The Scientific Technology Basic Plan funds research development.[2] "
              "Science and technology stays as written.")
    fixed, notes = EnglishTerms().repair_calques(answer, passages)
    assert fixed == ("The three norms were democracy, market principles and science and technology.[1] "
                     "The Science and Technology Basic Plan funds research and development.[2] "
                     "Science and technology stays as written.")
    assert len(notes) == 3
    # Without the compound in the passages, nothing is rewritten.
    assert EnglishTerms().repair_calques(answer, ["民主主義と市場原理。"]) == (answer, [])
