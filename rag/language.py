"""Which language a question is in: Japanese, English, or something we do not answer in."""

from __future__ import annotations

import re

_KANA = re.compile(r"[\u3040-\u30ff]")
_HIRAGANA = re.compile(r"[\u3040-\u309f]")
# A term the question quotes says nothing of the language it is asked in.
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# Frequent characters of Chinese writing that Japanese does not use (simplified forms such as 们,
# 这, 韩, 电, and traditional ones such as 麼, 們, 這): a kana-less question containing one is
# Chinese, not a kanji-only Japanese query. None of them occurs in the report (tested).
CHINESE_ONLY = frozenset(
    "们这吗呢说时间发现电车长门问题经济业产术么为战韩东开关动进过还哪谁怎样给让应该报资讯计导领实验务农设创节约级纳结构论认识预"
    "麼們這說嗎裡戰發")
_OTHER_SCRIPT = re.compile(r"[\u0400-\u04ff\u0590-\u06ff\u0900-\u097f\u0e00-\u0e7f\uac00-\ud7af]")
_WORD = re.compile(r"[^\W\d_]+")
# Function words tell Latin-script languages apart; a French or German name inside an English
# question ("Stratégie Nationale de Recherche") brings one or two, a French question many more.
_ENGLISH_WORDS = frozenset(
    "the of and is are was were what which who whom how when where why does did do in to for by with on "
    "a an that this these those many much has have from at as it its than".split())
_OTHER_LATIN_WORDS = frozenset(
    # French, German, Spanish, Italian, Portuguese, Dutch: frequent words that are not English.
    "le la les des du est quel quelle quels quelles une et pour dans sur avec qui que au aux combien comment "
    "pourquoi cette sont ont été "
    "der die das und ist wie welche welcher welches was wer wo wann für mit von den dem ein eine nicht auf im "
    "el los las del es cuál cuáles qué cómo cuánto cuántos para por con y "
    "il gli della che è qual quale quanto quanti sono "
    "os da do das dos quais são uma com "
    "het een wat welke hoe voor zijn".split()) - _ENGLISH_WORDS


def detect_language(text: str) -> str:
    """``ja``, ``en`` or ``unknown``.

    Any kana makes a question Japanese, even one full of English terms (「NNIの予算は？」), unless
    the Japanese is only a term inside an English sentence: Japanese grammar needs hiragana
    (particles, endings), so an English question that names 「マテリアルズ・インフォマティクス」 or
    量子技術 without any hiragana outside quotes is English ("What is 量子技術 in the report?").
    Han characters without kana are read as Japanese too (a kanji-only query is far likelier
    to be Japanese for this report), unless characters only Chinese uses show it is Chinese.
    Latin text is English unless its function words are mostly another language's (French,
    German, Spanish …); other scripts are unknown.
    """
    kana, han, latin = len(_KANA.findall(text)), len(_HAN.findall(text)), len(_LATIN.findall(text))
    other = len(_OTHER_SCRIPT.findall(text))
    unquoted = _QUOTED.sub("", text)
    if (kana or han) and not _HIRAGANA.search(unquoted) and _english_sentence(unquoted):
        return "en"
    if kana or (han and han >= other):
        return "ja" if kana or not CHINESE_ONLY.intersection(text) else "unknown"
    if latin and latin > other:
        words = [w.lower() for w in _WORD.findall(text)]
        english = sum(w in _ENGLISH_WORDS for w in words)
        foreign = sum(w in _OTHER_LATIN_WORDS for w in words)
        return "unknown" if foreign >= 2 and foreign > english else "en"
    return "unknown"


def _english_sentence(text: str) -> bool:
    """Whether the Latin words make an English sentence (two function words at least, more
    English than other languages' ones), not just names such as "NNI" or "AI"."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    english = sum(w in _ENGLISH_WORDS for w in words)
    return english >= 2 and english > sum(w in _OTHER_LATIN_WORDS for w in words)
