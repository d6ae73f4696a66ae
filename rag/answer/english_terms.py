"""Japanese terms left in English answers, replaced by English ones.

The small model copies names it cannot translate straight from the Japanese passages
("the research field called ツイストロニクス"). An English reader cannot read them, and the
answer is no longer in the question's language. Each Japanese term of an English answer is
replaced, in this order of trust, by:

1. the English the model wrote beside it: 「"ツイストロニクス" (Twistronics)」 -> "Twistronics";
2. the report's own gloss of the term (glossary.py: 「国家ナノテクノロジー・イニシアティブ（NNI）」);
3. the user's own word when the katakana is a transliteration of it: a question about
   "twistronics" gets "twistronics" for ツイストロニクス (compared as consonant skeletons);
4. JMdict's English gloss of exactly that word (グラフェン -> graphene), or JMnedict's for a name
   (経済産業省 -> Ministry of Economy, Trade and Industry);
5. for katakana only, a loanword romanisation, so that the reader can at least say the word;
   for a learned society the dictionary lacks, its discipline's gloss (応用物理学会 ->
   "Society of Applied Physics").

A compound the dictionary renders as "X and Y" (科学技術 "science and technology", 研究開発
"research and development") that the model translated word by word ("scientific technology")
gets the dictionary's phrase back, when a context passage writes the compound.

A term mixing katakana and kanji (ケルン大学) is translated part by part, its particles と and
や read as "and" and の left out (材料ゲノム工学のキーテクノロジーと支援プラットフォーム ->
"material genome engineering key technology and support platform"). Kanji that none of the
first four resolve stay as written: the reader sees the report's term, and its citation shows it
in context. Of a word's dictionary senses, the first that shares a word with the question is
taken (材料 is "ingredients" first, "material" in a question about materials), else the one the
multilingual encoder places nearest the word (``sense_by_meaning``).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from ..glossary import TermPair
from ..lexicon import english_glosses, english_keys
from ..transliteration import KATAKANA_TERM, english_phrases, romanize, transliteration_of

_KANJI_ONLY = re.compile(r"[\u3400-\u9fff々]+")
_JA_TERM = re.compile(r"[\u3040-\u30ff\u3400-\u9fff々〆ー・]+")
_HAS_KANA = re.compile(r"[\u3040-\u30ff]")
_FOUR_KANJI = re.compile(r"(?=([\u4e00-\u9fff]{4}))")  # every window: 科学技術 inside 科学技術政策
_AND_GLOSS = re.compile(r"([a-z]+) and ([a-z]+)")
# A particle between two words of a term: と and や join ("and"), の links (left out).
_PARTICLE = re.compile(r"(?<=[\u4e00-\u9fff々\u30a0-\u30ffー])([のとや])(?=[\u4e00-\u9fff々\u30a0-\u30ffー])")
_PARTICLE_ENGLISH = {"の": "", "と": "and", "や": "and"}
# A ・ that does not join two katakana words (マテリアルズ・インフォマティクス is one name) lists
# items: 「パワー半導体材料・デバイス」 are materials and devices, 「磁石・磁性材料」 two kinds of thing.
_LIST_DOT = re.compile(r"(?<![ァ-ヴー])・|・(?![ァ-ヴー])")
# Kana left inside a part after all that (透明電極向け, を代替する, 責任ある) is read word by word with
# MeCab: grammar words are left out, a few that link a name's words get their English, and the
# content words take the dictionary's gloss. The English reads stiffly, but it is English; the
# citation shows the report's term. Longer runs are prose the model wrote in Japanese, not names.
_WORD_ENGLISH = {"と": "and", "や": "and", "及び": "and", "並びに": "and", "又は": "or", "または": "or",
                 "向け": "for", "おける": "in", "関する": "on", "対する": "for", "よる": "by", "通じ": "through",
                 "基づく": "based on"}
_GRAMMAR_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "接尾辞"}
_LONGEST_NAME = 40
_QUOTE = "\"'“”‘’「」『』"
# 「ツイストロニクス (Twistronics)」 and 「Twistronics (ツイストロニクス)」: keep the English side.
_JA_THEN_EN = re.compile(rf"([{_QUOTE}]?)({_JA_TERM.pattern})([{_QUOTE}]?)\s*[(（]([A-Za-z][^()（）\u3040-\u30ff\u3400-\u9fff]*)[)）]")
_EN_THEN_JA = re.compile(rf"([A-Za-z][\w\- ]*?[A-Za-z])\s*[(（][{_QUOTE}]?{_JA_TERM.pattern}[{_QUOTE}]?[)）]")


# Hiragana outside quotes in an English sentence: names have few (つくば, 透明電極向け…を代替する
# in quotes); six or more are Japanese grammar, the sentence itself written in Japanese
# (「FLOSFIA社 は、2021年頃を境に … を用いた … の販売を開始している。」). Word by word, such a
# sentence becomes gibberish ("FLOSFIA company feather, 2021 approximate age border").
_PROSE_HIRAGANA = 6
_QUOTED = re.compile(r'「[^」]*」|『[^』]*』|"[^"]*"|“[^”]*”')


def written_in_japanese(sentence: str) -> bool:
    """Whether an English answer's sentence is Japanese prose rather than English with names.
    Quoted, a name keeps its few hiragana; a quoted passage sentence is prose all the same: 'The
    passage states that "また、トポロジカル超伝導体の中にマヨラナ準粒子が存在しうること"', read word
    by word, became "in addition、topological 超伝導体 inside mayorana quasi- particle existence
    thing" (the names quoted in the captured drafts have at most three)."""
    def hiragana(text: str) -> int:
        return len(re.findall(r"[\u3041-\u3096]", text))

    return (hiragana(_QUOTED.sub("", sentence)) >= _PROSE_HIRAGANA
            or any(hiragana(quoted.group(0)) >= _PROSE_HIRAGANA for quoted in _QUOTED.finditer(sentence)))


def sense_by_meaning(encoder) -> Callable[[str, list[str]], int]:
    """Which of a Japanese word's English glosses a cross-lingual encoder (multilingual USE)
    places nearest the word itself. JMdict lists senses by frequency in general Japanese, not in
    a research report: 懸念 is "worry" first ("countries of concern" read "worry country"), 材料
    "ingredients", 先端 "pointed end", 革新 "reform"; nearest in meaning they are "concern",
    "material", "forefront" and "innovation"."""
    def closest(word: str, glosses: list[str]) -> int:
        vectors = encoder.embed_queries([word, *glosses])
        return int((vectors[1:] @ vectors[0]).argmax())

    return closest


def _as_katakana(text: str) -> str:
    """Hiragana shifted to the katakana the romaniser reads (the two blocks are 0x60 apart)."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


class EnglishTerms:
    """Replaces the Japanese terms of an English answer (see the module notes for the order)."""

    def __init__(self, pairs: Iterable[TermPair] = (), glosses: Callable[[str], tuple[str, ...]] = english_glosses,
                 morphemes: Callable[[str], list[tuple[str, str, str, str]]] | None = None,
                 closest_sense: Callable[[str, list[str]], int] | None = None):
        self._morphemes = morphemes  # JapaneseTokenizer.morphemes: (surface, pos, subclass, lemma)
        self._closest_sense = closest_sense  # sense_by_meaning(...): which gloss a word means most
        self._gloss: dict[str, str] = {}
        for pair in pairs:  # a spelled-out gloss reads better than an acronym
            if pair.japanese not in self._gloss or not pair.is_acronym:
                self._gloss[pair.japanese] = pair.english
        self._dictionary = glosses

    def _english_for(self, term: str, question_phrases: list[str], asked: frozenset[str] = frozenset()) -> str | None:
        if term in self._gloss:
            return self._gloss[term]
        katakana = KATAKANA_TERM.fullmatch(term)
        if katakana:
            found = transliteration_of(term, question_phrases)
            if found:
                return found
        english = self._gloss_of(term, asked)
        if english:
            return english
        if katakana:
            return romanize(term, english_spelling=True).strip()
        return self._society(term) if _KANJI_ONLY.fullmatch(term) else None

    def _gloss_of(self, word: str, asked: frozenset[str] = frozenset()) -> str | None:
        """The first dictionary sense of ``word`` that shares a word with the question (``asked``:
        the question's lexicon keys, stems, so "material" meets "materials"); else the sense
        closest in meaning to the word (``closest_sense``), else the first."""
        glosses = [re.sub(r"\s*\([^)]*\)", "", g).strip() for g in self._dictionary(word)]
        glosses = list(dict.fromkeys(g for g in glosses if g))
        if not glosses:
            return None
        shared = next((g for g in glosses if asked.intersection(english_keys(g))), None)
        if shared or len(glosses) == 1 or self._closest_sense is None:
            return shared or glosses[0]
        return glosses[self._closest_sense(word, glosses)]

    def _by_parts(self, term: str, phrases: list[str], asked: frozenset[str]) -> str:
        """A term mixing katakana and kanji, translated part by part ("Koeln university"); a
        kanji part without a translation stays. Listed items (``_LIST_DOT``) are joined by "and"."""
        words = []
        for piece in _PARTICLE.split(_LIST_DOT.sub("と", term)):
            if piece in _PARTICLE_ENGLISH:
                words.append(_PARTICLE_ENGLISH[piece])
                continue
            for part in re.findall(rf"{KATAKANA_TERM.pattern}|[^\u30a0-\u30ffー・]+", piece):
                english = self._english_for(part, phrases, asked)
                if english is None and _HAS_KANA.search(part) and len(term) <= _LONGEST_NAME:
                    english = self._by_words(part, phrases, asked)
                words.append(english or part)
        return " ".join(w for w in words if w)

    def _by_words(self, part: str, phrases: list[str], asked: frozenset[str]) -> str | None:
        """A part with kana, word by word (see ``_WORD_ENGLISH``): 透明電極向け -> "transparent
        electrode for", を代替する -> "substitution"."""
        if self._morphemes is None:
            return None
        words = []
        for surface, pos, subclass, lemma in self._morphemes(part):
            if surface in _WORD_ENGLISH:
                words.append(_WORD_ENGLISH[surface])
                continue
            if pos in _GRAMMAR_POS or subclass == "非自立可能":  # を, た, 化; する, ある, こと
                continue
            english = self._english_for(surface, phrases, asked) or self._gloss_of(lemma, asked)
            if english:
                words.append(re.sub(r"^to ", "", english))
            elif _HAS_KANA.search(surface):
                words.append(romanize(_as_katakana(surface), english_spelling=True))
            else:
                words.append(surface)  # kanji the dictionary lacks: the report's own word
        return " ".join(words) or None

    def _society(self, term: str) -> str | None:
        """「応用物理学会」 -> "Society of Applied Physics": the report names learned societies
        that no dictionary lists, by their discipline: 物理学会 is 物理学 + 会. The discipline must
        be one dictionary word, whose first sense is then the academic one; composing it from
        parts picks wrong senses (日本化学 is not 日本化 "Japanization" + 学), and so would other
        bodies' fields (材料研究所 would become "Institute of Ingredients")."""
        if not term.endswith("学会") or len(term) <= 2:
            return None
        english = self._gloss_of(term[:-1])
        return f"Society of {english.title()}" if english else None

    def replace(self, answer: str, question: str) -> tuple[str, list[str]]:
        """``answer`` with English for its Japanese terms, and a note per replacement."""
        notes: list[str] = []
        phrases = english_phrases(question)
        asked = frozenset(english_keys(question))

        def beside(match: re.Match) -> str:
            # The user's own word wins over the model's rendering ("twistronics", not "Twistronic").
            open_quote, term, close_quote, english = match.groups()
            if KATAKANA_TERM.fullmatch(term):
                english = transliteration_of(term, phrases) or english
                if term.endswith("クス") and re.search(r"[a-z]ic\s*$", english):
                    # -クス is the -ics of a field (spintronics, informatics): "Twistronic" lost its s.
                    english = english.rstrip() + "s"
            notes.append(f"wrote {term} as {english!r}")
            return f"{open_quote}{english.strip()}{close_quote}"

        text = _EN_THEN_JA.sub(lambda m: m.group(1), answer)
        text = _JA_THEN_EN.sub(beside, text)

        def translate(match: re.Match) -> str:
            term = match.group(0)
            english = self._english_for(term, phrases, asked)
            if english is None and _HAS_KANA.search(term):
                english = self._by_parts(term, phrases, asked)
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

    def repair_calques(self, answer: str, passages: list[str]) -> tuple[str, list[str]]:
        """``answer`` with the dictionary's "X and Y" for word-by-word renderings of the passages'
        two-part compounds: "scientific technology" -> "science and technology" (科学技術)."""
        phrases: dict[str, tuple[str, str]] = {}
        for passage in passages:
            for window in _FOUR_KANJI.finditer(passage):
                glosses = self._dictionary(window.group(1))
                found = _AND_GLOSS.fullmatch(glosses[0].lower()) if glosses else None
                if found:
                    phrases[window.group(1)] = found.groups()
        notes: list[str] = []
        for term, (first, second) in phrases.items():
            # Both words by their stems, side by side without the "and": scien-tific techn-ology.
            calque = re.compile(rf"\b({re.escape(first[:5])}\w*)\s+({re.escape(second[:5])}\w*)\b", re.I)

            def english(match: re.Match, first=first, second=second, term=term) -> str:
                phrase = f"{first} and {second}"
                if match.group(1)[0].isupper():
                    phrase = f"{first.title()} and {second.title()}" if match.group(2)[0].isupper() else phrase.capitalize()
                notes.append(f"wrote {term} as {phrase!r} (the model had {match.group(0)!r})")
                return phrase

            answer = calque.sub(english, answer)
        return answer, notes
