"""Names an English answer asserts, checked against the passages it cites.

Where the small model cannot read a name in a Japanese passage, it writes one it knows: "the
National Institutes of Health (NIH)" for a passage about BARDA, "Croil" for クロル (Crolles),
"Tokyo" for a question the report does not answer at all. Figures are checked by value
(numbers.py); a name is checked word by word. A passage supports a word of a name when it writes
the word in Latin script (the report writes NNI, Horizon Europe, GlobalFoundries), writes a
Japanese word the lexicon translates it to (National -> 国立), writes a katakana word that
transliterates it (Twistronics -> ツイストロニクス), names the country it names (Chinese -> 中国),
or names a place the dictionary glosses as it (Cologne -> ケルン, as the model's context shows
it). A name is supported when at least half of its words are, one at least.

A term the answer puts in quotation marks is a name too, capitalised or not: the model coins
one where it cannot read the passage's loanword ("selecosis" for セラノスティクス, theranostics).
An unsupported term is marked, never the reason to drop a sentence: the rest of the sentence may
well be right, and the quote of the passage shows the report's own term.

Japanese answers copy their names from the passages, and copy_repair.py mends a garbled copy.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from ..keywords import ENGLISH_FUNCTION_WORDS
from ..places import places_named
from ..transliteration import KATAKANA_TERM, english_phrases, romanize, transliteration_of
from .context import gloss_places
from .name_claims import WORD, Name, asked_names, claimed_names, identifies, singular, undoubled

# How much of an answer's sentence a passage sentence must render to be the one stating it
# (named_apart): words of a claim the lexicon translates, the name itself aside. The lexicon's
# groups are broad but miss many of the report's words (資金 is no rendering of "money"): the
# CHIPS sentence below renders 5 of its claim's 14 translatable words, the sentence on Japanese
# research that writes 東京大学 none of "PsiQuantum is headquartered in Tokyo".
CLAIM_SHARE = 1 / 3
MIN_CLAIM_WORDS = 3

UNVERIFIED_NAME = "(name not verified in the report)"
UNVERIFIED_TERM = "(term not verified in the report)"


# Kanji or hiragana: a word of Japanese origin, not a loanword's katakana.
_NATIVE = re.compile(r"[\u3040-\u309f\u4e00-\u9fff]")


# The items of a bulleted list in a passage (「•極限環境対応構造材料研究拠点（東北大学） •…」); 「・」
# is left out, as it also joins words (バイオ・高分子).
_BULLET = re.compile(r"[•○●◆]")
_QUOTED_ITEM = re.compile(r"「[^「」]+」")
# How many more of the question's words another item must render than the item naming an answer's
# name, for the name to be that other item's (names.of_another_item).
ITEM_MARGIN = 2


_ET_CETERA = frozenset({"等", "など", "ら"})


def _initials(words: list[str]) -> str:
    """The capitals that start ``words`` and their hyphenated parts: "Sun Yat-Sen" -> SYS."""
    return "".join(part[0] for word in words for part in word.split("-") if part and part[0].isupper())


class NameChecker:
    def __init__(self, translated_words: Callable[[str], list[set[str]]], tokenize: Callable[[str], list[str]],
                 is_rare_name: Callable[[str], bool] = lambda name: False) -> None:
        self._translated_words, self._tokenize = translated_words, tokenize
        self._is_rare_name = is_rare_name  # the report writes it a few times at most (subjects.py)
        self._passages: dict[str, tuple[str, frozenset[str], tuple[str, ...]]] = {}
        self._glossed: dict[str, str] = {}

    def _read(self, passage: str) -> tuple[str, frozenset[str], tuple[str, ...]]:
        if passage not in self._passages:
            text = unicodedata.normalize("NFKC", passage)
            katakana = set(KATAKANA_TERM.findall(text))
            # Places the report writes in kanji or hiragana are read as they sound: "Tsukuba"
            # for つくば, "Chubu" for 中部 (the model romanises them; the dictionary may not).
            readings = getattr(self._tokenize, "proper_noun_readings", None)
            katakana = tuple(katakana.union(readings(text) if readings else ()))
            self._passages[passage] = (text.lower(), frozenset(self._tokenize(text)), katakana)
        return self._passages[passage]

    @staticmethod
    def _written_in(word: str, lower_text: str) -> bool:
        # A unit may stand glued to its figure (「4PFLOPS」); a word with digits may not (the "5"
        # of TPU5 is not written in 「TPU45」).
        before = r"(?<![a-z])" if word.isalpha() and len(word) >= 2 else r"(?<![a-z0-9])"
        return any(re.search(rf"{before}{re.escape(form.lower())}(?![a-z0-9])", lower_text)
                   for form in {word, singular(word)})

    def _writes(self, word: str, passage: str) -> bool:
        lower, tokens, katakana = self._read(passage)
        if self._written_in(word, lower) or any(group & tokens for group in self._translated_words(word)):
            return True
        if places_named(word) & places_named(passage):  # "Chinese" for a passage on 中国
            return True
        # A short name has too few consonants for the skeleton match (オバマ: b-m), but may be
        # spelled as the katakana romanises ("Obama"), doubled letters aside ("Gauss", ガウス).
        if any(transliteration_of(k, [word, singular(word)]) or undoubled(romanize(k)) == undoubled(word.lower())
               for k in katakana):
            return True
        # Last, as the dictionary look-ups cost most: a place glossed in the model's context.
        if passage not in self._glossed:
            self._glossed[passage] = gloss_places(unicodedata.normalize("NFKC", passage)).lower()
        return self._written_in(word, self._glossed[passage])

    def items_named(self, items: list[str], english: str) -> set[str]:
        """The items the report writes in Japanese that English text names: by their Latin
        letters as a word (「AI」), their katakana as a transliteration of a phrase ("life
        sciences" for ライフサイエンス), or each of their words rendered by the text's words
        (情報通信: "information and communications"). The text's phrases and renderings are
        worked out once for all the items."""
        lower, phrases = english.lower(), english_phrases(english)
        rendered = set().union(*self._translated_words(english))
        named = set()
        for item in items:
            flat = unicodedata.normalize("NFKC", item)
            if re.fullmatch(r"[A-Za-z0-9 .&-]+", flat):
                found = self._written_in(flat, lower)
            elif KATAKANA_TERM.fullmatch(flat) and transliteration_of(flat, phrases):
                found = True
            else:
                # 「大学等」 is named by "universities": 等 (and the like) is no word to render.
                words = [t for t in self._tokenize(flat) if re.search(r"\w", t) and t not in _ET_CETERA]
                found = bool(words) and all(w in rendered for w in words)
            if found:
                named.add(item)
        return named

    def is_dictionary_word(self, word: str) -> bool:
        """The lexicon translates the word: an ordinary English word, not a name."""
        return any(self._translated_words(word))

    def supports(self, passage: str, name: Name) -> bool:
        written = sum(self._writes(w, passage) for w in name.words)
        return written > 0 and 2 * written >= len(name.words)

    def named_only_elsewhere(self, body: str, question: str, passage: str, passages: list[str]) -> list[tuple[Name, str]]:
        """(name, other passage) for each name of the English sentence that looks like one (two
        words, capitals or a digit), the question does not use, and ``passage`` does not support
        while another of ``passages`` does: "the H2 Global project", which 「H2グローバル」 writes
        and the passage on Germany's hydrogen strategy does not."""
        found = []
        for name in claimed_names(body, question):
            if not identifies(name.words) or self.supports(passage, name):
                continue
            found.extend((name, other) for other in passages if other != passage and self.supports(other, name))
        return found

    def subject_source(self, body: str, cited: list[int], passages: list[str], question: str,
                       candidates: list[int]) -> tuple[int, str] | None:
        """The passage to cite instead when no cited passage names what the sentence is about.

        The model numbers its source wrongly now and then: "The Faraday Battery Challenge was
        initiated in 2017 [2]" cited the UK's quantum programme, whose 2017 passed the figure
        check. When none of the cited passages writes the names the sentence shares with the
        question, the first of ``candidates`` (context passages, 1-based, that state every
        figure of the sentence) that writes them all is cited instead. Returns it with the names.
        """
        subjects = asked_names(body, question)
        if not subjects:
            return None
        # Support word by word is lenient ("National" is 国家, half the report); a passage that
        # writes the name itself, or its initials, is better evidence than one that does not.
        for names_it in (self.supports, self.writes_name):
            if any(names_it(passages[m - 1], n) for m in cited for n in subjects):
                continue
            for i in candidates:
                if all(names_it(passages[i - 1], n) for n in subjects):
                    return i, ", ".join(n.surface for n in subjects)
        return None

    def unnamed_subject(self, body: str, question: str, passage: str, passages: list[str]) -> str | None:
        """The subject of an English sentence (a name it shares with the question) when
        ``passage``, which states the sentence's figure, does not name it while another context
        passage writes it: the figure is someone else's. Asked what the National Graphene
        Institute cost, the model gave it the 1.26億ポンド of the Henry Royce Institute, from a
        passage that never names the NGI, beside the passage that does; asked what the EU gives
        the MAX centre, the 10Mユーロ of a passage on LETI and IMEC."""
        for name in asked_names(body, question):
            # A name of two words or more, or one the report writes rarely: an acronym it writes
            # often (CRDS, its author; the NNI) is named in few of the passages about it, where a
            # rare one (MAX, a European centre named once) is no passage's unnamed topic.
            if (len(name.words) < 2 and not self._is_rare_name(name.words[0])) or self.writes_name(passage, name):
                continue
            for other in passages:
                if other != passage and self._names_better(other, passage, name):
                    return name.surface
        return None

    def _names_better(self, other: str, passage: str, name: Name) -> bool:
        """Whether ``other`` names ``name`` where ``passage`` does not, or names it by a word that
        ``passage`` never writes. Support word by word is lenient: "Human" and "Project" are 人 and
        プロジェクト of a passage on China's materials genome programme, which never writes the
        "Proteoform" of the passage that does write "Human Proteoform Project"."""
        lower = self._read(other)[0]
        own = [w for w in name.words if self._written_in(w, lower) and not self._has_native_translation(w)]
        if not (self.writes_name(other, name) or (own and all(self._writes(w, other) for w in name.words))):
            return False  # 「Intel/Micron社」 names "Intel and Micron" too
        return not self.supports(passage, name) or any(not self._writes(w, passage) for w in own)

    def _has_native_translation(self, word: str) -> bool:
        """Whether the dictionary gives the word a Japanese rendering in kanji or hiragana: "Brain"
        (脳) may stand translated, where "Proteoform" (プロテオフォーム) or "Intel" is a name that
        only its letters or their katakana write."""
        return any(_NATIVE.search(form) for group in self._translated_words(word) for form in group)

    def named_apart(self, passage: str, name: Name, subjects: list[Name], claim: str = "") -> bool:
        """Whether the passage names ``name`` only in sentences that do not name a subject of the
        answer's sentence (a name it shares with the question) that it names in another: asked
        where PsiQuantum has its headquarters, the model answered "Tokyo", which the passage writes
        (東京大学) in a sentence on Japanese research beside the one on PsiQuantum.

        Only for a one-word name the passage does not write in Latin script: the report often
        leaves the subject of a sentence unsaid after naming it, and a Latin name (MatNavi,
        EMBER) is specific enough to be the subject's wherever it stands, where a word read from
        kanji or translated may stand in any sentence. For the same reason a sentence that
        renders much of the ``claim`` itself states it, subject unsaid or not: "companies that
        receive the money cannot expand advanced manufacturing in countries such as China" is
        「一方、資金受給する企業は、中国等を念頭に置いた「懸念のある国」で高度な製造活動を展開すること…
        はできない」, the sentence after the one naming the CHIPS Act."""
        if len(name.words) != 1 or self._written_in(name.words[0], self._read(passage)[0]):
            return False
        sentences = [s for s in re.split(r"(?<=[。．])", passage) if s.strip()]
        for subject in subjects if len(sentences) > 1 else ():
            about = [s for s in sentences if self.supports(s, subject)]
            if about and not any(self.supports(s, name) for s in about):
                return not self._stated_without_subject(sentences, claim, name)
        return False

    def _glossed_by_acronym(self, body: str, name: Name, passages: list[str]) -> bool:
        """Whether ``name`` stands before its own acronym in brackets, one a passage writes: "National
        Sun Yat-Sen University (NSYSU)" for 「国立中山大学（NSYSU）」. A name read from kanji that the
        dictionary cannot render word by word (中山, Sun Yat-sen) is as the report writes it when its
        initials spell the acronym the report gives beside it."""
        if name.surface not in body:
            return False
        found = re.match(r"\s*[(（]([A-Z][A-Z0-9]{1,9})[)）]", body[body.find(name.surface) + len(name.surface):])
        if not found:
            return False
        acronym = found.group(1)
        return (_initials(WORD.findall(name.surface)) == acronym
                and any(self._written_in(acronym.lower(), self._read(p)[0]) for p in passages))

    def _acronym_of_a_written_name(self, body: str, name: Name, passages: list[str]) -> bool:
        """Whether ``name`` is an acronym in brackets after a name a passage writes in full, whose
        initials it spells: "Biomedical Advanced Research and Development Authority (BARDA)",
        where the report gives the name alone."""
        acronym = name.surface
        if not re.fullmatch(r"[A-Z][A-Z0-9]{1,9}", acronym):
            return False
        before = re.search(rf"((?:[A-Z][\w\-]*\s+(?:(?:of|and|for|the|on)\s+)*)+)[(（]{acronym}[)）]", body)
        if not before:
            return False
        words = WORD.findall(before.group(1))
        while words and words[0].lower() in ENGLISH_FUNCTION_WORDS:
            words = words[1:]  # "The" opening the sentence
        full = Name(" ".join(words), tuple(words))
        return _initials(words) == acronym and any(self.writes_name(p, full) for p in passages)

    def _stated_without_subject(self, sentences: list[str], claim: str, name: Name) -> bool:
        """Whether one of the ``sentences`` naming ``name`` renders at least ``CLAIM_SHARE`` of the
        claim's translatable words besides the name (``MIN_CLAIM_WORDS`` at least)."""
        own = {w.lower() for w in name.words}
        groups = [g for g in self._translated_words(" ".join(w for w in WORD.findall(claim) if w.lower() not in own)) if g]
        if not groups:
            return False
        for sentence in sentences:
            if not self.supports(sentence, name):
                continue
            tokens = set(self._tokenize(unicodedata.normalize("NFKC", sentence)))
            rendered = sum(bool(group & tokens) for group in groups)
            if rendered >= MIN_CLAIM_WORDS and rendered >= CLAIM_SHARE * len(groups):
                return True
        return False

    def of_another_item(self, passage: str, name: Name, question: str) -> bool:
        """Whether the passage names ``name`` only in items of a list (bulleted, or a run of names
        quoted in 「」), and another item renders at least ``ITEM_MARGIN`` more of the question's
        words than any of those: asked which university leads the DxMT hub on structural materials
        for extreme environments, the model answered "the University of Tokyo", which leads the
        electrochemical materials hub of 「•極限環境対応構造材料研究拠点（東北大学） … •再生可能エネルギー
        最大導入に向けた電気化学材料研究拠点（東京大学）」. Only for a name the passage writes in its
        own words, not in Latin script."""
        if self.writes_name(passage, name):
            return False  # a Latin name (National Quantum Computing Hub) is an item, not what an item says
        text = unicodedata.normalize("NFKC", passage)
        items = _BULLET.split(text)[1:]
        quoted = _QUOTED_ITEM.findall(text)
        items += quoted if len(quoted) >= 2 else []  # 「…拠点（代表機関：東北大学）」「…」: a list too
        rest = text
        for item in items:
            rest = rest.replace(item, " ")
        naming = [item for item in items if self.supports(item, name)]
        if not naming or len(naming) == len(items) or self.supports(rest, name):
            return False
        groups = self._translated_words(question)

        def rendered(item: str) -> int:
            tokens = set(self._tokenize(item))
            return sum(bool(group & tokens) for group in groups)

        best_naming = max(rendered(item) for item in naming)
        return max(rendered(item) for item in items if item not in naming) >= best_naming + ITEM_MARGIN

    def writes_name(self, passage: str, name: Name) -> bool:
        """Whether the passage writes the name in Latin script, whole or as its initials
        ("National Nanotechnology Initiative" or NNI)."""
        lower = self._read(passage)[0]
        phrase = r"[\s\-・]*".join(re.escape(w.lower()) for w in name.words)
        if re.search(rf"(?<![a-z0-9]){phrase}(?![a-z0-9])", lower):
            return True
        initials = "".join(w[0] for w in name.words if w[0].isupper())
        return len(initials) >= 2 and self._written_in(initials, lower)

    def check(self, body: str, cited: list[int], passages: list[str], question: str, has_figures: bool,
              flags: list[str], foreign: set[int] = frozenset()) -> tuple[str, list[int]]:
        """Every name of an English sentence must be supported by a cited passage: cite the
        context passage that supports it, or mark it as unverified. A sentence whose every name is
        unsupported and that states no figure asserts nothing the report says, and is dropped
        ("The capital of Japan is Tokyo."). As with figures, a passage about another country than
        the sentence's (``foreign``, places.py) supports none of its names: "the strategy Japan
        adopted … the National Semiconductor Strategy" quotes the UK's."""
        names = claimed_names(body, question)
        home = [m for m in cited if m not in foreign]
        subjects = asked_names(body, question)

        def supported(i: int, name: Name) -> bool:
            return (self.supports(passages[i - 1], name) and not self.named_apart(passages[i - 1], name, subjects, body)
                    and not self.of_another_item(passages[i - 1], name, question))

        missing = [n for n in names if not any(supported(m, n) for m in home)]
        cited_texts = [passages[m - 1] for m in home]
        missing = [n for n in missing if not self._glossed_by_acronym(body, n, cited_texts)
                   and not self._acronym_of_a_written_name(body, n, cited_texts)]
        if not missing:
            return body, cited
        others = [i for i in range(1, len(passages) + 1)
                  if i not in foreign and all(supported(i, n) for n in missing)]
        for name in missing:
            if any(self.supports(passages[m - 1], name) for m in foreign):
                flags.append(f"{name.surface} is named only for another country")
        if others:
            flags.append(f"cited the passage [{others[0]}] that names {', '.join(n.surface for n in missing)}")
            return body, sorted({*cited, others[0]})
        if len(missing) == len(names) and not has_figures and not all(n.quoted for n in names):
            flags.append(f"sentence with names no passage gives removed: {body[:60]}")
            return "", cited
        for name in missing:
            kind = "term" if name.quoted else "name"
            flags.append(f"{kind} not found in the passages, marked: {name.surface}")
            at = body.find(name.surface)
            end = at + len(name.surface)
            end += body[end:end + 1] == ")" and body[at - 1:at] == "("  # "(NIH)": mark after the bracket
            body = f"{body[:end]} {UNVERIFIED_TERM if name.quoted else UNVERIFIED_NAME}{body[end:]}"
        return body, cited
