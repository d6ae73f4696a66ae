"""English-to-Japanese word translations for keyword search, from the JMdict dictionary.

BM25 over Japanese text cannot see an English question ("semiconductor", "battery",
"budget"): the passages say 半導体, 電池, 予算. Dictionary-based query translation is the
classic cure in cross-language retrieval. JMdict (EDRDG, CC BY-SA; shipped as a SQLite file
by the ``jamdict-data`` package) gives English glosses for Japanese words; reversed and kept
only for the words that occur in the report, it becomes a small lexicon (a few thousand keys)
stored with the index, so queries never open the 325 MB dictionary.

A question's English words (stemmed, plus adjacent pairs such as "rare earth") are looked up
and each yields a group of alternative Japanese words; BM25 scores a group by its best
alternative (a structured query), so one ambiguous English word with many translations cannot
outweigh the others.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import unicodedata
from contextlib import closing
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .keywords import ENGLISH_FUNCTION_WORDS
from .places import japanese_names
from .transliteration import MIN_SKELETON_CHARS, katakana_skeleton, skeleton

log = logging.getLogger(__name__)

DICTIONARY_PACKAGE = "jamdict-data"
MAX_GLOSS_WORDS = 2
# Greek and Latin combining forms of technical English and the report's Japanese for them.
_COMBINING_FORMS = {"nano": ("ナノ",), "micro": ("マイクロ", "微"), "bio": ("バイオ", "生体"), "photo": ("光",),
                    "opto": ("光",), "thermo": ("熱",), "electro": ("電気", "電子")}
MIN_COMBINED_CHARS = 4  # of the word after the form: "bio" + "logy" is no compound of two words
MIN_BACKOFF_CHARS = 5  # longer glosses are explanations ("person who ..."), not translations
_WORD = re.compile(r"[a-z][a-z\-]*")
_HIRAGANA_ONLY = re.compile(r"[\u3040-\u309fー]+")
_KATAKANA_RUN = re.compile(r"[ァ-ヴー][ァ-ヴー・]+")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z\-]+")
# Keys of katakana words by consonant skeleton (transliteration.py) start with this; stemmed
# English keys are lower-case words and never do.
SKELETON_KEY = "@"
# Words that say nothing about the topic of a question about this report.
_STOP = ENGLISH_FUNCTION_WORDS | frozenset(
    "whom be been being it they them there than then also about according report reports say says said "
    "mention mentioned s one's oneself something someone much many give given list name named kind main".split()
)


def dictionary_source() -> str | None:
    """``"jamdict-data <version>"`` when the dictionary is installed, else None."""
    try:
        return f"{DICTIONARY_PACKAGE} {metadata.version(DICTIONARY_PACKAGE)}"
    except metadata.PackageNotFoundError:
        return None


def _dictionary_path() -> Path | None:
    try:
        import jamdict_data
    except ImportError:
        return None
    path = Path(jamdict_data.JAMDICT_DB_PATH)
    return path if path.is_file() else None


def _read_only(path: Path) -> closing[sqlite3.Connection]:
    """The dictionary opened read-only, closed when the ``with`` block ends."""
    return closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


# Words of research-policy questions whose JMdict translations miss the report's sense, by stem:
# "spending" is only 使う there, "talent" 才能, "share" 共有, "chip" 創 (wound), "published"
# 出す; the report writes 研究費, 人材, シェア, 半導体 and 論文. Each replaces the dictionary's group;
# every word is one the report uses.
_POLICY_TERMS = {
    "spend": ["支出", "研究費", "経費"],
    "expenditur": ["支出", "研究費", "経費"],
    "talent": ["人材"],
    "workforc": ["人材", "労働力"],
    "publish": ["論文", "発表", "発行"],
    "share": ["シェア", "割合", "共有"],
    "startup": ["スタートアップ", "ベンチャー"],
    "chip": ["半導体", "チップ"],
    "decarbon": ["脱炭素"],
}
# Derived words the stemmer cuts to another word's stem ("publication" to "public").
_DERIVED = {"publication": "publish", "publications": "publish"}


@lru_cache(maxsize=1)
def _place_keys() -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for name, forms in japanese_names().items():
        words = [w for w in _WORD.findall(name) if w not in _STOP]
        if words:
            keys.setdefault(" ".join(_stemmer().stemWords(words)), list(forms))
    return keys


# Second parts of hyphenated words that only qualify the first ("materials-related", "US-based"):
# alone they would draw in every passage on 関連 or 基盤.
_HYPHEN_SUFFIXES = frozenset("related based like level wide type style specific oriented".split())


def english_keys(text: str) -> list[str]:
    """Stemmed content words of ``text`` and its adjacent word pairs, the lexicon's key space."""
    text = re.sub(r"\b([a-z])\.([a-z])\.", r"\1\2", unicodedata.normalize("NFKC", text).lower())  # U.S. -> us
    words = [_DERIVED.get(w, w) for w in _WORD.findall(text) if w not in _STOP]
    # A hyphenated word is looked up whole and by its parts: "trial-and-error" is the
    # dictionary's "trial and error" (試行錯誤), "high-entropy" its "entropy".
    # (A word the question repeats keeps its repeats: it weighs more, as in any BM25 query.)
    keys = _keys_of(words)
    for word in words:
        if "-" in word:
            parts = [p for p in word.split("-") if p and p not in _STOP and p not in _HYPHEN_SUFFIXES]
            keys += [key for key in _keys_of(parts) if key not in keys]
    return keys


def _keys_of(words: list[str]) -> list[str]:
    stems = _stemmer().stemWords(words)
    # A single letter alone ("r" and "d" of "R&D") finds only noise (d -> 可, the grade); in a
    # pair ("r d") it is kept.
    return [s for s in stems if len(s) > 1] + [f"{a} {b}" for a, b in zip(stems, stems[1:])]


def _gloss_key(gloss: str) -> str | None:
    gloss = re.sub(r"\([^)]*\)", " ", gloss)  # "(esp.) ..." qualifiers
    words = [w for w in _WORD.findall(gloss.lower()) if w not in _STOP]
    if not 1 <= len(words) <= MAX_GLOSS_WORDS:
        return None
    return " ".join(_stemmer().stemWords(words))


def build_lexicon(texts: list[str]) -> dict[str, list[str]]:
    """English key -> Japanese words of the dictionary that occur in ``texts``. Empty without JMdict."""
    corpus = unicodedata.normalize("NFKC", "".join(texts)).lower()
    path = _dictionary_path()
    if path is None:
        log.warning("%s is not installed: English questions get only transliterated keywords", DICTIONARY_PACKAGE)
        return {key: sorted(forms) for key, forms in sorted(_katakana_entries(corpus).items())}
    # Every short substring of the report, so that 446k dictionary forms are tested in O(1) each.
    present = {corpus[i:i + n] for n in range(1, 9) for i in range(len(corpus) - n + 1)}
    query = """
        SELECT k.text, g.text FROM Kanji k JOIN Sense s ON s.idseq = k.idseq
            JOIN SenseGloss g ON g.sid = s.ID WHERE g.lang = 'eng'
        UNION ALL
        SELECT k.text, g.text FROM Kana k JOIN Sense s ON s.idseq = k.idseq
            JOIN SenseGloss g ON g.sid = s.ID WHERE g.lang = 'eng'
                AND (k.nokanji = 1 OR NOT EXISTS (SELECT 1 FROM Kanji j WHERE j.idseq = k.idseq))"""
    lexicon: dict[str, set[str]] = _katakana_entries(corpus)
    with _read_only(path) as db:
        for form, gloss in db.execute(query):
            form = unicodedata.normalize("NFKC", form).lower()
            if _HIRAGANA_ONLY.fullmatch(form):  # 作る, に向けて: grammar, not topic words
                continue
            if form not in present and (len(form) <= 8 or form not in corpus):
                continue
            key = _gloss_key(gloss)
            if key:
                lexicon.setdefault(key, set()).add(form)
    log.info("lexicon: %d English keys for report words", len(lexicon))
    return {key: sorted(forms) for key, forms in sorted(lexicon.items())}


def _katakana_entries(corpus: str) -> dict[str, set[str]]:
    """Skeleton key -> the report's katakana words (and their ・-separated parts) with that skeleton.

    Most katakana terms of a technical report are English loanwords, many too new for JMdict
    (ツイストロニクス); an English question word with the same skeleton finds them."""
    entries: dict[str, set[str]] = {}
    for run in set(_KATAKANA_RUN.findall(corpus)):
        for form in {run.strip("・"), *(part for part in run.split("・") if len(part) >= 2)}:
            key = katakana_skeleton(form)
            if len(key) >= MIN_SKELETON_CHARS:
                entries.setdefault(SKELETON_KEY + key, set()).add(form)
    return entries


def transliteration_keys(text: str) -> list[str]:
    """Skeleton keys of the content words of ``text`` and of adjacent pairs written as one
    ("data base" for データベース)."""
    words = [w for w in _LATIN_WORD.findall(unicodedata.normalize("NFKC", text))
             if w.lower() not in _STOP and len(w) >= 3]
    candidates = words + [a + b for a, b in zip(words, words[1:]) if len(a) >= 4 and len(b) >= 4]
    keys = (skeleton(w) for w in candidates)
    return list(dict.fromkeys(SKELETON_KEY + k for k in keys if len(k) >= MIN_SKELETON_CHARS))


# CROSS JOIN keeps SQLite's join order: from the word's own index outwards. Left to itself the
# planner starts from every entry of a type ('place' …) and one lookup takes half a second.
_NAME_QUERY = """
    SELECT g.text FROM NEKanji k CROSS JOIN NETranslation t ON t.idseq = k.idseq
        CROSS JOIN NETransType y ON y.tid = t.ID CROSS JOIN NETransGloss g ON g.tid = t.ID
        WHERE k.text = ? AND y.text IN ('organization', 'company', 'place', 'product', 'work')
    UNION ALL
    SELECT g.text FROM NEKana k CROSS JOIN NETranslation t ON t.idseq = k.idseq
        CROSS JOIN NETransType y ON y.tid = t.ID CROSS JOIN NETransGloss g ON g.tid = t.ID
        WHERE k.text = ? AND y.text IN ('organization', 'company', 'place', 'product', 'work')"""


@lru_cache(maxsize=1024)
def english_glosses(word: str) -> tuple[str, ...]:
    """JMdict's English glosses of exactly ``word`` (kanji or kana form), first sense first; for a
    word JMdict lacks, those of a name of that form."""
    path = _dictionary_path()
    if path is None:
        return ()
    query = """
        SELECT g.text FROM Kanji k CROSS JOIN Sense s ON s.idseq = k.idseq CROSS JOIN SenseGloss g ON g.sid = s.ID
            WHERE k.text = ? AND g.lang = 'eng'
        UNION ALL
        SELECT g.text FROM Kana k CROSS JOIN Sense s ON s.idseq = k.idseq CROSS JOIN SenseGloss g ON g.sid = s.ID
            WHERE k.text = ? AND g.lang = 'eng'"""
    with _read_only(path) as db:
        found = tuple(dict.fromkeys(g for (g,) in db.execute(query, (word, word))))
        # Names are in JMnedict, the dictionary's named-entity part (経済産業省, 東北大学, ケルン);
        # people's names are left out: a term in an answer is rarely one.
        return found or tuple(dict.fromkeys(g for (g,) in db.execute(_NAME_QUERY, (word, word))))


_PLACE_QUERY = """
    SELECT g.text FROM NEKana k CROSS JOIN NETranslation t ON t.idseq = k.idseq
        CROSS JOIN NETransType y ON y.tid = t.ID CROSS JOIN NETransGloss g ON g.tid = t.ID
        WHERE k.text = ? AND y.text = 'place'"""
_COMMON_WORD_QUERY = "SELECT 1 FROM Kana WHERE text = ? LIMIT 1"
MIN_PLACE_CHARS = 3  # two-kana names (ジー, コン) are mostly homographs of other words


@lru_cache(maxsize=4096)
def place_name(katakana: str, named_as_place: bool = False) -> str | None:
    """The English name of a foreign place written in katakana (デルフト -> Delft), or None.

    A word JMdict lists as an ordinary word counts only where the text names it as a place
    (``named_as_place``: ケルン大学 is Cologne's university, ケルン alone a cairn): ドル and ツール
    are towns in JMnedict too, but in this report they are dollars and tools."""
    path = _dictionary_path()
    if path is None or len(katakana) < MIN_PLACE_CHARS:
        return None
    with _read_only(path) as db:
        if not named_as_place and db.execute(_COMMON_WORD_QUERY, (katakana,)).fetchone():
            return None
        row = db.execute(_PLACE_QUERY, (katakana,)).fetchone()
    # "Delft (The Netherlands)": the country in brackets is the dictionary's note, not the name.
    return re.sub(r"\s*\(.*?\)", "", row[0]).strip() or None if row else None


class Lexicon:
    def __init__(self, mapping: dict[str, list[str]]) -> None:
        self.mapping = mapping

    def translate(self, question: str) -> list[list[str]]:
        """One group of alternative Japanese words per English key of the question found."""
        groups = []
        for key in english_keys(question):
            found = self._lookup(key)
            if found:
                groups.append(found)
        # Katakana words the English words transliterate, as groups of their own: an exact
        # loanword match ("graphene" / グラフェン) is strong evidence even beside a dictionary hit.
        translated = {form for group in groups for form in group}
        groups.extend(self.mapping[key] for key in transliteration_keys(question)
                      if key in self.mapping and not set(self.mapping[key]) <= translated)
        return groups

    def _lookup(self, key: str) -> list[str] | None:
        if key in _POLICY_TERMS:
            return _POLICY_TERMS[key]
        # A country by the forms places.py knows: JMdict's "Japan" is 日本 or 和 but never 我が国,
        # the report's usual name for Japan.
        if key in _place_keys():
            return _place_keys()[key]
        if key in self.mapping:
            return self.mapping[key]
        if " " in key or "-" in key:
            return None  # a pair, or a hyphenated word whose parts are keys of their own
        # A combining form before a known word, which the report writes as one Japanese word:
        # "nanomedicine" ナノ医薬, "biosensor" バイオセンサー, "nanosheet" ナノシート.
        for prefix, forms in _COMBINING_FORMS.items():
            rest = key[len(prefix):]
            if key.startswith(prefix) and len(rest) >= MIN_COMBINED_CHARS and rest in self.mapping:
                return [form + word for form in forms for word in self.mapping[rest]]
        # The stemmer leaves derived forms apart ("european" / "europ", "japanes" / "japan"):
        # back off to the longest known key that starts the word.
        for end in range(len(key) - 1, MIN_BACKOFF_CHARS - 1, -1):
            if key[:end] in self.mapping:
                return self.mapping[key[:end]]
        return None
