"""Katakana loanwords and the English words they transliterate.

Technical Japanese writes many English terms in katakana (グラフェン "graphene", ツイストロニクス
"twistronics"), and dictionaries miss most of the newer ones. Both directions are served by one
reading: a katakana word is romanised the way loanwords are (the vowels Japanese adds after a
final consonant dropped), and both sides are reduced to a consonant skeleton with English
spelling variants folded (ph/f, c/k, l/r, v/b …), which match far more often than spellings do.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable

from .keywords import ENGLISH_FUNCTION_WORDS

MIN_SKELETON_MATCH = 0.8  # difflib ratio of consonant skeletons for a katakana/English pair
MIN_SKELETON_CHARS = 4  # shorter skeletons ("nn" for nano) match too many words
KATAKANA_TERM = re.compile(r"[\u30a0-\u30ffー・]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]*")

# Katakana -> Latin, two-character combinations first (ティ, ファ, シェ …).
_KANA_PAIRS = {
    "キャ": "kya", "キュ": "kyu", "キョ": "kyo", "シャ": "sha", "シュ": "shu", "ショ": "sho", "シェ": "she",
    "チャ": "cha", "チュ": "chu", "チョ": "cho", "チェ": "che", "ニャ": "nya", "ニュ": "nyu", "ニョ": "nyo",
    "ヒャ": "hya", "ヒュ": "hyu", "ヒョ": "hyo", "ミャ": "mya", "ミュ": "myu", "ミョ": "myo", "リャ": "rya",
    "リュ": "ryu", "リョ": "ryo", "ギャ": "gya", "ギュ": "gyu", "ギョ": "gyo", "ジャ": "ja", "ジュ": "ju",
    "ジョ": "jo", "ジェ": "je", "ビャ": "bya", "ビュ": "byu", "ビョ": "byo", "ピャ": "pya", "ピュ": "pyu",
    "ピョ": "pyo", "ティ": "ti", "ディ": "di", "トゥ": "tu", "ドゥ": "du", "デュ": "dyu", "ファ": "fa",
    "フィ": "fi", "フェ": "fe", "フォ": "fo", "フュ": "fyu", "ウィ": "wi", "ウェ": "we", "ウォ": "wo",
    "ヴァ": "va", "ヴィ": "vi", "ヴェ": "ve", "ヴォ": "vo", "ツァ": "tsa", "ツィ": "tsi", "ツェ": "tse",
    "ツォ": "tso", "クァ": "kwa", "クィ": "kwi", "クェ": "kwe", "クォ": "kwo", "グァ": "gwa",
}
_KANA = dict(zip(
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴァィゥェォャュョヮ",
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu "
    "me mo ya yu yo ra ri ru re ro wa o n ga gi gu ge go za ji zu ze zo da ji zu de do ba bi bu be bo "
    "pa pi pu pe po vu a i u e o ya yu yo wa".split(),
))


# Syllables whose vowel Japanese adds after a final consonant: スピン -> "spin", not "supin".
# ト/ド (to/do) and ム are left whole: their vowel is as often real (ナノシート, フォトニクス).
_EPENTHETIC = {"su", "ku", "pu", "bu", "gu", "fu", "zu"}


def romanize(katakana: str, english_spelling: bool = False) -> str:
    """A loanword reading of a katakana word: スピントロニクス -> spintoronics, グラフェン -> gurafen.

    Hepburn, except that the vowel Japanese adds after a consonant that English ends a
    syllable with (ス, ク, プ …) is dropped before another consonant or at the end of the word,
    and -イクス is spelled -ics: close to the English original for most technical terms.

    ``english_spelling`` is for a reader, who sees the word in an answer: it also spells the
    clusters and endings that English loanwords usually have (``_ENGLISH_SPELLING``), so that
    スピントロニクス is "spintronics", ツイストロニクス "twistronics" and マテリアルズ "materials".
    The consonant skeletons (``katakana_skeleton``) that search and the name checks match by
    read the plain form, so the lexicon stored with an index does not change.
    """
    pieces: list[str] = []
    i, double = 0, False
    while i < len(katakana):
        pair, ch = katakana[i:i + 2], katakana[i]
        if pair in _KANA_PAIRS:
            piece, i = _KANA_PAIRS[pair], i + 2
        elif ch == "ッ":
            double, i = True, i + 1
            continue
        elif ch == "ー":
            i += 1
            continue  # a long vowel: English spelling does not show it
        elif ch == "・":
            piece, i = " ", i + 1
        else:
            piece, i = _KANA.get(ch, ""), i + 1
        if double and piece.strip():
            piece = piece[0] + piece
        double = False
        pieces.append(piece)
    for k, piece in enumerate(pieces):
        following = pieces[k + 1] if k + 1 < len(pieces) else " "
        if piece in _EPENTHETIC and (following[:1] not in "aeiouy"):
            pieces[k] = piece[:-1]
    word = re.sub(r"iks\b", "ics", "".join(pieces))
    if english_spelling:
        for pattern, replacement in _ENGLISH_SPELLING:
            word = pattern.sub(replacement, word)
    return word


# Loanword spellings for a reader, on the romanised word: ツイ is "twi" (ツイスト twist, ツイン
# twin); ト and ド keep no vowel before an r (トロニクス -tronics, ドライ dry, トレンド trend); a
# final ル is an l (パネル panel, モデル model), and a final z after a consonant a plural s
# (マテリアルズ materials).
_ENGLISH_SPELLING = (
    (re.compile(r"\btsui"), "twi"),
    (re.compile(r"(?<=[td])o(?=r[aeiouy])"), ""),
    (re.compile(r"ru(?=z?\b)"), "l"),
    (re.compile(r"(?<=[^aeiou\s])z\b"), "s"),
)


def skeleton(latin: str) -> str:
    """Consonants in the order heard, spelled one way: graphene and gurafen both give 'grfn'.

    An r before a consonant or at the end is dropped, as Japanese loanwords drop it
    (informatics -> インフォマティクス, sensor -> センサー); a katakana reading never has one. An l
    is not: loanwords keep it as ル (Intel -> インテル, global -> グローバル), so it is folded into r
    only after the r's are dropped."""
    s = re.sub(r"r(?![aeiouy])", "", latin.lower())
    for old, new in (("gh", ""), ("ph", "f"), ("th", "s"), ("tsu", "t"), ("sh", "s"), ("ch", "k"), ("ck", "k"),
                     ("c", "k"), ("q", "k"), ("x", "ks"), ("l", "r"), ("v", "b"), ("z", "s"), ("j", "g"),
                     ("dy", "d")):
        s = s.replace(old, new)
    s = re.sub(r"[aeiouwy\W\d_]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


def english_phrases(text: str, longest: int = 3) -> list[str]:
    """Runs of one to ``longest`` words that neither start nor end with a function word."""
    words = _WORD.findall(text)
    runs = (words[i:i + n] for n in range(1, longest + 1) for i in range(len(words) - n + 1))
    return [" ".join(run) for run in runs
            if run[0].lower() not in ENGLISH_FUNCTION_WORDS and run[-1].lower() not in ENGLISH_FUNCTION_WORDS]


def transliteration_of(katakana: str, candidates: Iterable[str]) -> str | None:
    """The candidate English phrase the katakana term transliterates, if one clearly does."""
    target = katakana_skeleton(katakana)
    if len(target) < 3:
        return None
    best, best_ratio = None, MIN_SKELETON_MATCH
    for phrase in candidates:
        folded = skeleton(phrase)
        if not folded or folded[0] != target[0]:
            continue
        ratio = difflib.SequenceMatcher(None, target, folded).ratio()
        if ratio > best_ratio or (ratio == best_ratio and best is not None and len(phrase) < len(best)):
            best, best_ratio = phrase, ratio
    return best


def katakana_skeleton(term: str) -> str:
    return skeleton(romanize(term))
