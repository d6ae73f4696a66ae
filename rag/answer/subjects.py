"""Whether the passage that states a figure of a Japanese answer is about the answer's subject.

The model reads several passages, and when the one about the question's subject gives no
figure, it may take one from another: asked what the HEPS light source cost to build, it wrote
「HEPSの建設費は約290億元」. 290億元 is the 2020 funding of China's national key R&D programmes,
in a passage that never names HEPS, while the passage that does name HEPS gives no cost. The
figure check passed, because the context states 290億元.

A sentence's subject is read from the names it shares with the question: runs of Latin-script
words or of katakana ("Faraday Battery Challenge", BATT4EU, シンクロトロン) that the report uses
rarely. A name is compared whole: the passage on the UK's Industrial Strategy Challenge Fund
does not name the Faraday Battery Challenge. Kanji words are left out, because a paraphrasing
question's compounds are also common words elsewhere (the 一層 of 「原子一層の炭素シート」 and of
「より一層」), unless they are compounds of six kanji or more (asked what China's
総合性国家科学研究センター cost to build, the model gave the 290億元 of another programme) or
the report sets them apart in 「」 as a whole: asked how many qubits China's 「本源悟空」 has,
the model gave the 32 of IonQ's machine, from a passage on trapped ions. A
figure stated only in a passage that names none of the subject's names, while another passage
of the context does, belongs to something else. When no passage names them
(a paraphrase of the question, echoed), nothing is decided here.

Within a passage, a sentence that leaves its subject implicit refers back to one named before it
(「2018年10月～2021年9月までは立ち上げ期間として、132Mユーロ」 after the Quantum Flagship is
introduced), never to one named later. So a figure stated only before the passage first names
the subject is not the subject's: 「10年間で1.0Bユーロ…FET Flagships」 opens the passage that then
lists the Human Brain Project among them, and the 20Mユーロ of a QuantERA call stands before
the passage mentions the QUCATS phase. Asked when something began, a year stated only in
sentences that open with another named topic (「日本学術振興会（JSPS）では、2020年に…」, after the
passage's sentence on the subject) is that topic's.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..places import place_mentions
from ..retrieval import Hit
from ..transliteration import KATAKANA_TERM, english_phrases, transliteration_of
from .attribution import POINTS_BACK
from .citations import chunk_sentences, fold_report
from .dates import asks_when_for_year
from .numbers import is_supported, numbers_in

# A name the report uses more often than this is a topic word (データ, エネルギー), not a name.
MAX_REPORT_MENTIONS = 8
# A katakana term the answer adds to a descriptive question identifies the subject up to this
# many mentions (グラフェン: 18; ナノテクノロジー and プロジェクト run to hundreds).
MAX_ADDED_TERM_MENTIONS = 30
# Latin words joined by spaces or hyphens (with digits: BATT4EU), or a katakana run; at least
# three letters, as two are too often a formula's or a unit's ("CO" of CO2, "nm").
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.&+\-]*(?:[ ・][A-Za-z0-9][A-Za-z0-9.&+\-]*)*|[ァ-ヴー・]{3,}")
_LETTERS = re.compile(r"[A-Za-zァ-ヴ]")
# A lower-case English word is no name, however rarely the report writes it in Latin letters:
# "programme" (of "UK National Quantum Technologies Programme") in an English question.
_PLAIN_WORD = re.compile(r"[a-z][a-z\-]*(?: [a-z][a-z\-]*)*")
# A compound of six kanji or more (katakana may join it) is specific enough to be a name:
# 総合性国家科学研究センター, 極限環境対応構造材料研究拠点; not 国家ビジョン.
MIN_COMPOUND_KANJI = 6
_COMPOUND = re.compile(r"[一-龥々ァ-ヴー]+")
_KANJI = re.compile(r"[一-龥々]")
_QUOTED = re.compile(r"「([一-龥々ァ-ヴー]{2,})」")
# The flag of an answer refused by ``unnamed_by_answer``.
CITES_NO_NAMING_PASSAGE = "the answer cites no passage that names"
# What a question sets in 「」, short enough to be a name.
_QUESTION_QUOTE = re.compile(r"「([^「」]{2,20})」")
# A figure and its counter right before a word, or the question's いくつの: the word is what is counted.
_COUNTED = re.compile(r"(?:\d\s*(?:つ|個|件|社|人|名|カ所|か所|ヵ所)?|いくつ|何(?:つ|個|件|社|人|名))の?$")


@lru_cache(maxsize=1024)
def _latin_phrases(text: str) -> tuple[str, ...]:
    return tuple(english_phrases(text))


class SubjectChecker:
    def __init__(self, report_folded: str) -> None:
        self._report = report_folded
        self._fold = lru_cache(maxsize=2048)(fold_report)
        # The names the report quotes whole (「本源悟空」, 「水素経済法」): short kanji ones count too.
        self._quoted = frozenset(_QUOTED.findall(report_folded))

    def _rare(self, folded: str) -> bool:
        return 0 < self._report.count(folded) <= MAX_REPORT_MENTIONS

    def is_rare_name(self, name: str) -> bool:
        """The report writes ``name`` (folded as the report is), at most MAX_REPORT_MENTIONS times."""
        return self._rare(self._fold(name))

    def subject_names(self, sentence: str, question: str) -> set[str]:
        """The rare report names (folded) that ``sentence`` shares with ``question``."""
        asked = self._fold(question)
        found = set()
        for found_name in _NAME.finditer(sentence):
            name, folded = found_name.group(0), self._fold(found_name.group(0))
            if _COUNTED.search(sentence, 0, found_name.start()):
                continue  # what a figure counts (「5つのグループ」), the question's word for it, names no subject
            if (len(_LETTERS.findall(name)) >= 3 and folded in asked and self._rare(folded)
                    and not _is_place(name) and not _PLAIN_WORD.fullmatch(name)):
                found.add(folded)
        for name in _COMPOUND.findall(sentence):
            folded = self._fold(name)
            named = len(_KANJI.findall(name)) >= MIN_COMPOUND_KANJI or folded in self._quoted
            if named and folded in asked and self._rare(folded):
                found.add(folded)
        return found

    def _names(self, hit: Hit, names: set[str]) -> set[str]:
        text = " ".join([*hit.chunk.heading_path, hit.chunk.text])
        return {name for name in names if self._mentions(text, name)}

    def _mentions(self, text: str, name: str) -> bool:
        """Whether ``text`` names ``name`` (folded), in the same script or, for a katakana name,
        in the Latin letters it transliterates: the question's 量子フラッグシップ is the passage's
        Quantum Flagship."""
        if name in self._fold(text):
            return True
        return bool(KATAKANA_TERM.fullmatch(name)) and transliteration_of(name, _latin_phrases(text)) is not None

    def unnamed_by_answer(self, question: str, answer: str, cited: list[Hit], hits: list[Hit]) -> str | None:
        """A rare name of ``question``, restated in the drafted ``answer``, that some passage of ``hits``
        names and none of the ``cited`` passages does, or None. An answer that cites only
        passages about other things is about other things: asked how many companies take part in
        CHiMaD, the model restated the question and went on with the membership of Japan's
        learned societies, citing their passage, while the table that names CHiMaD gives no such
        count. A name the answer leaves out may be the question's description of what the passage
        names: 「シンガポールの公的研究機関」 asked, the answer names NUS, whose passage never says
        公的研究機関 (one other passage does)."""
        names = {name for name in self.subject_names(question, question) if self._mentions(answer, name)}
        named = set().union(*(self._names(hit, names) for hit in hits)) if names else set()
        if not named or any(self._names(hit, named) for hit in cited):
            return None
        return sorted(named)[0]

    def asked_names(self, question: str) -> set[str]:
        """The question's rare names (``subject_names``) and the phrases it quotes as the report
        quotes them, rarely: 「2つの百年」, which digits and kana keep from being a compound name."""
        quoted = {self._fold(phrase) for phrase in _QUESTION_QUOTE.findall(question)}
        return self.subject_names(question, question) | {
            phrase for phrase in quoted if self._rare(f"「{phrase}」") and not _is_place(phrase)}

    def passages_naming(self, question: str, hits: list[Hit]) -> list[int]:
        """The indices of ``hits`` that name one of the question's ``asked_names``."""
        return self._naming(self.asked_names(question), hits)

    def _naming(self, names: set[str], hits: list[Hit]) -> list[int]:
        return [i for i, hit in enumerate(hits) if self._names(hit, names)] if names else []

    def passages_naming_unaddressed(self, question: str, answer: str, cited: list[Hit], hits: list[Hit]) -> list[int]:
        """The indices of ``hits`` that name the question's subject, when the ``answer`` neither
        names it nor cites a passage that does; else []. Asked what the second of China's
        「2つの百年」 aims at, with the passage that names them first in its context, the model
        wrote of the 2035 goals of a party congress, citing their passage: an answer about
        something else. (An answer that restates the name and cites others is refused outright,
        ``unnamed_by_answer``.) Only when retrieval, too, ranks a naming passage above every cited
        one: a question's "name" may describe what the cited passage names otherwise (asked how
        much the project of 「シンガポールの公的研究機関」 speeds up materials development, the
        model answered right from the first passage, on A*STAR's project; the second writes
        公的研究機関 of another institute's partners)."""
        names = self.asked_names(question)
        if not names or any(self._mentions(answer, name) for name in names) or any(self._names(h, names) for h in cited):
            return []
        naming = self._naming(names, hits)
        first_cited = min((i for i, hit in enumerate(hits) if any(hit is c for c in cited)), default=len(hits))
        return naming if naming and naming[0] < first_cited else []

    def misattributed(self, sentence: str, question: str, value: float, hit: Hit, hits: list[Hit]) -> str | None:
        """Why ``hit``'s ``value`` is not the figure of ``sentence``'s subject, or None: another
        passage of ``hits`` names the subject and ``hit`` does not, or ``hit`` names it only
        after every sentence that states the figure."""
        names = self.subject_names(sentence, question)
        if not names:
            return self._added_name_elsewhere(sentence, question, hit, hits)
        if not self._names(hit, names):
            named = sorted(set().union(*(self._names(other, names) for other in hits)))
            return f"from a passage that does not name {named[0]}" if named else None
        if any(name in self._fold(" ".join(hit.chunk.heading_path)) for name in names):
            return None  # the heading's topic is every sentence's subject
        sentences = chunk_sentences(hit.chunk)
        naming = [n for n, s in enumerate(sentences) if any(self._mentions(s, name) for name in names)]
        stating = [n for n, s in enumerate(sentences) if is_supported(value, numbers_in(s))]
        if naming and stating and max(stating) < naming[0]:
            return f"stated before the passage names {sorted(names)[0]}"
        if naming and stating and not set(naming) & set(stating):
            other = _year_of_another_topic(question, value, [sentences[n] for n in stating])
            if other:
                return f"the year of {other}, in sentences that do not name the subject"
        return None


    def _added_name_elsewhere(self, sentence: str, question: str, hit: Hit, hits: list[Hit]) -> str | None:
        """For a question that describes instead of naming (「原子一層の炭素シート」): a rare
        katakana name the sentence adds (グラフェン) that ``hit`` does not write and another
        passage does. Asked which project began the study of one-atom carbon sheets, the model
        dated 「グラフェンの置き換え」 by the 1992 of a passage on another project."""
        asked = self._fold(question)
        added = {folded for folded in (self._fold(n) for n in _NAME.findall(sentence) if KATAKANA_TERM.fullmatch(n))
                 if len(folded) >= 4 and folded not in asked and not _is_place(folded)
                 and 0 < self._report.count(folded) <= MAX_ADDED_TERM_MENTIONS}
        if not added or self._names(hit, added):
            return None
        named = sorted(set().union(*(self._names(other, added) for other in hits if other is not hit)))
        return f"from a passage that does not name {named[0]}" if named else None


# The topic a sentence opens with, after a joining word: 「日本学術振興会（JSPS）では、」,
# 「また、文部科学省も、」.
_OPENING_TOPIC = re.compile(r"\s*(?:(?:また|さらに|一方|なお|加えて|そして|次いで)、)?([^、。「」]{2,30}?)(?:では|は|が|も)、")
# A topic in kanji alone is a name when it ends as the name of a public body or an institute does.
_BODY = re.compile(r"(?:省|庁|局|機構|大学|研究所|センター|協会|学会|財団|委員会|会議|本部)$")


def _year_of_another_topic(question: str, value: float, stating: list[str]) -> str | None:
    """The topic every sentence of ``stating`` (those giving the year ``value``, none naming the
    subject) opens with, when it is a name and the question asks when; else None. Asked since
    when JST's 未来社会創造事業 has run, the model gave the 2020 of the next sentence,
    「日本学術振興会（JSPS）では、2020年に…」. Only years asked for, as in English
    (attribution.year_of_a_named_other): a sentence that restates no name usually goes on about
    the subject before it, and so does one whose topic points back (「同事業は、」)."""
    if not asks_when_for_year(question, value):
        return None
    topics = []
    for sentence in stating:
        topic = _OPENING_TOPIC.match(unicodedata.normalize("NFKC", sentence))
        if not topic or POINTS_BACK.match(topic.group(1)) or _is_place(topic.group(1)) \
                or not (_NAME.search(topic.group(1)) or _BODY.search(topic.group(1))):
            return None
        topics.append(topic.group(1))
    return topics[0] if topics else None


def _is_place(name: str) -> bool:
    """The name is a country's (France, アメリカ), not one that contains it (BATT4EU, Horizon Europe)."""
    return any(start == 0 and end == len(name) for _, start, end in place_mentions(name))
