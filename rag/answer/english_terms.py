"""Japanese terms left in English answers, replaced by English ones.

The small model copies names it cannot translate straight from the Japanese passages
("the research field called ツイストロニクス"). An English reader cannot read them, and the
answer is no longer in the question's language. Each Japanese term of an English answer is
replaced, in this order of trust, by:

1. the English the model wrote beside it: 「"ツイストロニクス" (Twistronics)」 -> "Twistronics";
2. the report's own gloss of the term (glossary.py: 「国家ナノテクノロジー・イニシアティブ（NNI）」);
3. the user's own word when the katakana is a transliteration of it: a question about
   "twistronics" gets "twistronics" for ツイストロニクス (compared as consonant skeletons);
4. JMdict's first English gloss of exactly that word (グラフェン -> graphene);
5. for katakana only, a Hepburn romanisation, so that the reader can at least say the word.

Kanji terms that none of the first four resolve stay as written: the reader sees the report's
term, and its citation shows it in context.
"""

from __future__ import annotations

import difflib
import re
from typing import Callable, Iterable

from ..glossary import TermPair
from ..keywords import ENGLISH_FUNCTION_WORDS
from ..lexicon import english_glosses

MIN_SKELETON_MATCH = 0.8  # difflib ratio of consonant skeletons for a katakana/English pair
_JA_TERM = re.compile(r"[\u3040-\u30ff\u3400-\u9fff々〆ー・]+")
_KATAKANA_TERM = re.compile(r"[\u30a0-\u30ffー・]+")
_HAS_KANA = re.compile(r"[\u3040-\u30ff]")
_QUOTE = "\"'“”‘’「」『』"
# 「ツイストロニクス (Twistronics)」 and 「Twistronics (ツイストロニクス)」: keep the English side.
_JA_THEN_EN = re.compile(rf"([{_QUOTE}]?)({_JA_TERM.pattern})([{_QUOTE}]?)\s*[(（]([A-Za-z][^()（）\u3040-\u30ff\u3400-\u9fff]*)[)）]")
_EN_THEN_JA = re.compile(rf"([A-Za-z][\w\- ]*?[A-Za-z])\s*[(（][{_QUOTE}]?{_JA_TERM.pattern}[{_QUOTE}]?[)）]")
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


def romanize(katakana: str) -> str:
    """A loanword reading of a katakana word: スピントロニクス -> spintronics, グラフェン -> gurafen.

    Hepburn, except that the vowel Japanese adds after a consonant that English ends a
    syllable with (ス, ク, プ …) is dropped before another consonant or at the end of the word,
    and -イクス is spelled -ics: close to the English original for most technical terms.
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
    word = "".join(pieces)
    return re.sub(r"iks\b", "ics", word)


def _skeleton(latin: str) -> str:
    """Consonants in the order heard, spelled one way: graphene and gurafen both give 'grfn'."""
    s = latin.lower()
    for old, new in (("tsu", "t"), ("ph", "f"), ("th", "s"), ("ck", "k"), ("c", "k"), ("q", "k"),
                     ("x", "ks"), ("l", "r"), ("v", "b"), ("shi", "s"), ("sh", "s"), ("chi", "k"), ("ch", "k"),
                     ("ji", "g"), ("j", "g"), ("dy", "d")):
        s = s.replace(old, new)
    s = re.sub(r"[aeiouwy\W\d_]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


def _phrases(text: str, longest: int = 3) -> list[str]:
    """Runs of one to ``longest`` words that neither start nor end with a function word."""
    words = _WORD.findall(text)
    runs = (words[i:i + n] for n in range(1, longest + 1) for i in range(len(words) - n + 1))
    return [" ".join(run) for run in runs
            if run[0].lower() not in ENGLISH_FUNCTION_WORDS and run[-1].lower() not in ENGLISH_FUNCTION_WORDS]


def transliteration_of(katakana: str, candidates: Iterable[str]) -> str | None:
    """The candidate English phrase the katakana term transliterates, if one clearly does."""
    target = _skeleton(romanize(katakana))
    if len(target) < 3:
        return None
    best, best_ratio = None, MIN_SKELETON_MATCH
    for phrase in candidates:
        skeleton = _skeleton(phrase)
        if not skeleton or skeleton[0] != target[0]:
            continue
        ratio = difflib.SequenceMatcher(None, target, skeleton).ratio()
        if ratio > best_ratio or (ratio == best_ratio and best is not None and len(phrase) < len(best)):
            best, best_ratio = phrase, ratio
    return best


class EnglishTerms:
    """Replaces the Japanese terms of an English answer (see the module notes for the order)."""

    def __init__(self, pairs: Iterable[TermPair] = (), glosses: Callable[[str], tuple[str, ...]] = english_glosses):
        self._gloss: dict[str, str] = {}
        for pair in pairs:  # a spelled-out gloss reads better than an acronym
            if pair.japanese not in self._gloss or not pair.is_acronym:
                self._gloss[pair.japanese] = pair.english
        self._dictionary = glosses

    def _english_for(self, term: str, question_phrases: list[str]) -> str | None:
        if term in self._gloss:
            return self._gloss[term]
        katakana = _KATAKANA_TERM.fullmatch(term)
        if katakana:
            found = transliteration_of(term, question_phrases)
            if found:
                return found
        glosses = self._dictionary(term)
        if glosses:
            return re.sub(r"\s*\([^)]*\)", "", glosses[0]).strip() or None
        return romanize(term).strip() if katakana else None

    def replace(self, answer: str, question: str) -> tuple[str, list[str]]:
        """``answer`` with English for its Japanese terms, and a note per replacement."""
        notes: list[str] = []
        phrases = _phrases(question)

        def beside(match: re.Match) -> str:
            # The user's own word wins over the model's rendering ("twistronics", not "Twistronic").
            open_quote, term, close_quote, english = match.groups()
            if _KATAKANA_TERM.fullmatch(term):
                english = transliteration_of(term, phrases) or english
            notes.append(f"wrote {term} as {english!r}")
            return f"{open_quote}{english.strip()}{close_quote}"

        text = _EN_THEN_JA.sub(lambda m: m.group(1), answer)
        text = _JA_THEN_EN.sub(beside, text)

        def translate(match: re.Match) -> str:
            term = match.group(0)
            english = self._english_for(term, phrases)
            if english is None and _HAS_KANA.search(term):
                # 「量子コンピュータ」: translate its katakana part, keep the kanji.
                english = _KATAKANA_TERM.sub(lambda m: self._english_for(m.group(0), phrases) or m.group(0), term)
            if english is None or english == term:
                english = term  # kept, but not glued to the English words around it
            else:
                notes.append(f"wrote {term} as {english!r}")
            before = text[match.start() - 1] if match.start() else " "
            after = text[match.end()] if match.end() < len(text) else " "
            # 「by the応用物理学会 in」: the model glued the term to the English words around it.
            return (" " if before.isalnum() else "") + english + (" " if after.isalnum() else "")

        text = _JA_TERM.sub(translate, text)
        return text, notes
