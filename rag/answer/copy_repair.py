"""Characters the model garbles while copying Japanese text from a passage, restored.

The small model copies Japanese terms nearly verbatim, but now and then one character of the
copy comes out wrong: a simplified Chinese form (电子機器 for 電子機器, 细胞 for 細胞) or a
neighbouring katakana (ニューヲモルフィック for ニューロモルフィック). The reader sees a
misspelled term that the report never wrote. Where the passages hold exactly one spelling that
differs from the copy in that single character, the passage's spelling is restored.

A date loses or doubles a digit of its day now and then (4月1日 for 4月11日): where the passages
give one day of that month, one digit away, it is restored.

A katakana loanword may come out as the Chinese word for it (数据 for データ), in a term whose
rest the passages write after that loanword only: the loanword is restored.

A Latin-script or katakana name before copied words may be swapped for another one of the
passages (NUS for A*STAR, グラフェン for インジウム): the name the passage writes before those words
is restored.

Country names come out in their Chinese form now and then (德国の量子技術 for ドイツの), which
differ from the Japanese in length and script, so they are mapped by name. The Chinese copula 是
between two words (「原因是共用施設」) is written as the particle は.
"""

from __future__ import annotations

import re

_KATAKANA_WORD = re.compile(r"[\u30a1-\u30faー]{5,}")  # shorter words have too many one-letter neighbours
_CONTEXT = 3  # characters each side that must match around a non-Japanese character
# Chinese names of the countries the report discusses, with the report's Japanese names.
_CHINESE_COUNTRY_NAMES = {
    "德国": "ドイツ", "美国": "米国", "韩国": "韓国", "法国": "フランス", "俄罗斯": "ロシア", "荷兰": "オランダ",
    "意大利": "イタリア", "加拿大": "カナダ", "澳大利亚": "オーストラリア", "印度": "インド", "瑞士": "スイス",
    "瑞典": "スウェーデン", "欧盟": "EU", "新加坡": "シンガポール", "以色列": "イスラエル", "芬兰": "フィンランド",
    "比利时": "ベルギー", "西班牙": "スペイン", "台湾地区": "台湾", "英國": "英国", "中國": "中国",
}


def _is_japanese_charset(ch: str) -> bool:
    """Whether ``ch`` exists in the Japanese character set (cp932 covers the report's text)."""
    try:
        ch.encode("cp932")
        return True
    except UnicodeEncodeError:
        return False


def _one_letter_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def _restore_foreign_characters(text: str, sources: str, notes: list[str]) -> str:
    """A character outside the Japanese set, read from the passage where the characters after it
    (or, failing that, before it) stand: 「2.电子機器」 finds 電子機器 by 子機器."""
    chars = list(text)
    for i, ch in enumerate(text):
        if _is_japanese_charset(ch) or not ch.strip():
            continue
        for before, after in (("", text[i + 1:i + 1 + _CONTEXT]), (text[max(0, i - _CONTEXT):i], "")):
            if len(before + after) < 2:
                continue
            pattern = re.escape(before) + r"([\u3400-\u9fff])" + re.escape(after)
            found = {m.group(1) for m in re.finditer(pattern, sources)}
            if len(found) == 1:
                chars[i] = found.pop()
                notes.append(f"restored {ch} as {chars[i]} from the passage")
                break
    return "".join(chars)


def _restore_katakana(text: str, sources: str, question: str, notes: list[str]) -> str:
    """A katakana word no passage writes, one letter from exactly one word the passages write."""
    written = set(_KATAKANA_WORD.findall(sources))
    for word in dict.fromkeys(_KATAKANA_WORD.findall(text)):
        if word in sources or word in question:
            continue
        candidates = {w for w in written if _one_letter_apart(word, w)}
        if len(candidates) == 1:
            right = candidates.pop()
            text = text.replace(word, right)
            notes.append(f"restored {word} as {right} from the passage")
    return text


def _restore_country_names(text: str, sources: str, notes: list[str]) -> str:
    """A country named in Chinese, in the Japanese form the passages or the question use."""
    for chinese, japanese in _CHINESE_COUNTRY_NAMES.items():
        if chinese in text and chinese not in sources and japanese in sources:
            text = text.replace(chinese, japanese)
            notes.append(f"restored {chinese} as {japanese}")
    return text


_WORD_CHAR = r"[\u3400-\u9fff\u30a1-\u30faー々]"  # kanji and katakana: the characters of one word run on
# A sentence's start, past the list number or citation marker the model may put first ("[2] 保障や").
_SENTENCE_START = re.compile(rf"(?:^|(?<=[。！？\n]))\s*(?:(?:[\[［]\d+[\]］]|\d+\.)\s*)*(?={_WORD_CHAR})")
_COPIED_HEAD = 12  # characters that must match the passage verbatim


def _complete_cut_words(text: str, sources: str, notes: list[str]) -> str:
    """A sentence copied from a passage but starting inside a word of it (「保障や経済安全保障…」
    for the passage's 「安全保障や経済安全保障…」) gets the rest of that word back from the
    passage: the run of kanji or katakana before where the copy starts."""
    def repl(m: re.Match) -> str:
        head = text[m.end():m.end() + _COPIED_HEAD]
        if len(head) < _COPIED_HEAD or sources.count(head) != 1:
            return m.group(0)
        at = sources.index(head)
        cut = re.search(rf"{_WORD_CHAR}+$", sources[max(0, at - 10):at])
        if not cut:
            return m.group(0)
        notes.append(f"completed the word the sentence starts inside: {cut.group(0)}{head[:4]}…")
        return m.group(0) + cut.group(0)

    return _SENTENCE_START.sub(repl, text)


_DATE = re.compile(r"(\d{4}年\d{1,2}月)(\d{1,2})日")


def _one_digit_apart(a: str, b: str) -> bool:
    """One digit dropped or doubled: 1 and 11, 2 and 22, 10 and 100."""
    short, long = sorted((a, b), key=len)
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _restore_dates(text: str, sources: str, notes: list[str]) -> str:
    """A day no passage writes in its month, one digit from the only day the passages give that
    month: 「2022年4月1日」 copied from 「2022年4月11日開催」."""
    def repl(m: re.Match) -> str:
        if m.group(0) in sources:
            return m.group(0)
        days = {d for month, d in _DATE.findall(sources) if month == m.group(1)}
        if len(days) != 1 or not _one_digit_apart(m.group(2), next(iter(days))):
            return m.group(0)
        restored = f"{m.group(1)}{days.pop()}日"
        notes.append(f"restored {m.group(0)} as {restored} from the passage")
        return restored

    return _DATE.sub(repl, text)


_TERM_RUN = re.compile(r"[\u3400-\u9fff々\u30a1-\u30faー]{8,}")
_KANJI_HEAD = 3  # the Chinese word's characters: 数据 (データ), 网络 (ネットワーク), 纳米 (ナノ)
_MIN_REST = 6


def _restore_loanwords(text: str, sources: str, notes: list[str]) -> str:
    """A term whose first word the model wrote as a Chinese word for the report's katakana loanword
    (「数据創出活用型マテリアル研究開発プロジェクト」 for 「データ創出活用型…」): where the rest of the
    term stands in the passages, always after the same katakana word, and the kanji never do,
    the katakana word is restored."""
    def repl(m: re.Match) -> str:
        run = m.group(0)
        if run in sources:
            return run
        for n in range(1, _KANJI_HEAD + 1):
            head, rest = run[:n], run[n:]
            if not re.fullmatch(r"[\u3400-\u9fff]+", head) or len(rest) < _MIN_REST or head in sources:
                continue
            # The katakana run each occurrence of the rest follows (empty where none does).
            before = {f.group(1) for f in re.finditer(r"([\u30a1-\u30faー]*)" + re.escape(rest), sources)}
            if len(before) == 1 and len(next(iter(before))) >= 2:
                restored = before.pop() + rest
                notes.append(f"restored {run} as {restored} from the passage")
                return restored
        return run

    return _TERM_RUN.sub(repl, text)


# A Latin-script name: NUS, A*STAR, KAIST, Max-Planck (two capitals at least, or a capital and
# a digit), as it stands before の or another particle in a copied sentence.
_LATIN_NAME = re.compile(r"(?<![A-Za-z0-9*&.\-])[A-Z][A-Za-z0-9*&.\-]*[A-Z0-9*][A-Za-z0-9*&.\-]*(?![A-Za-z0-9*&.\-])")
_LATIN_NAME_CHARS = r"[A-Za-z0-9*&.\-]+"
# A katakana word of three characters or more: インジウム, グラフェン.
_KATAKANA_NAME = re.compile(r"(?<![\u30a1-\u30faー・])[\u30a1-\u30fa][\u30a1-\u30faー・]{2,}(?![\u30a1-\u30faー・])")
_KATAKANA_NAME_CHARS = r"[\u30a1-\u30faー・]+"
_COPIED_AFTER_NAME = 14  # characters after the name that must stand verbatim in the passage
_COPIED_AFTER_KATAKANA = 10  # fewer for a katakana name: the Japanese words after it carry more


def _the_only_one(written: str, candidates: set[str], why: str, notes: list[str]) -> str:
    """The one candidate the passages offer for ``written``, noted; ``written`` itself when they
    offer none or several (then nothing says which the model meant)."""
    if len(candidates) != 1:
        return written
    right = next(iter(candidates))
    notes.append(f"restored {written} as {right}, {why}")
    return right


def _copied_after(text: str, start: int, sources: str, min_copied: int) -> str:
    """The longest run of ``text`` from ``start`` (up to twice ``min_copied``) that the passages
    write verbatim, when it has ``min_copied`` characters at least, else ''."""
    length = min_copied
    while start + length <= len(text) and length <= 2 * min_copied and text[start:start + length] in sources:
        length += 1
    return text[start:start + length - 1] if length > min_copied else ""


def _restore_swapped_names(text: str, sources: str, question: str, notes: list[str],
                           pattern: re.Pattern = _LATIN_NAME, name_chars: str = _LATIN_NAME_CHARS,
                           min_copied: int = _COPIED_AFTER_NAME) -> str:
    """A name no passage writes before the words the model copied after it, where the passages
    write another name there and only that one: 「NUSの「Accelerated Materials Development for
    Manufacturing」プロジェクト」 copied from 「A*STARの「Accelerated …」」, 「グラフェンを代替する
    グラフェンの開発」 from 「インジウムを代替するグラフェンの開発」. The claim of a copied sentence is
    its source's, and so is the name it is about."""
    def repl(m: re.Match) -> str:
        written_name, after = m.group(0), _copied_after(text, m.end(), sources, min_copied)
        if not after or (written_name + after) in sources or written_name in question:
            return written_name
        before = re.finditer(name_chars + "(?=" + re.escape(after) + ")", sources)
        written = {f.group(0) for f in before if pattern.fullmatch(f.group(0))}
        return _the_only_one(written_name, written, "the name the passage writes before the copied words", notes)

    return pattern.sub(repl, text)


# 「中国の科学技術大学」 for 「中国科学技術大学」: the model splits a compound name with の.
_NAME_RUN = "[\u4e00-\u9fffァ-ヶー]"
_SPLIT_BY_NO = re.compile(f"({_NAME_RUN}{{2,}})の({_NAME_RUN}{{2,}})")


def _join_split_names(text: str, sources: str, question: str, notes: list[str]) -> str:
    """A compound the passages write whole, and never with の, rejoined: the end of the words
    before の (two characters at least) and all the words after it must form a run the passages
    end there (「中国科学技術大学は」), not the start of a longer word (日本材料 of 日本材料学会),
    and the words after の must stand in the passages only in that compound: 科学技術大学 is a
    piece of a name, while 「材料の研究開発」 is the model's own phrase (研究開発 stands alone)."""
    def repl(m: re.Match) -> str:
        if m.group(0) in sources or m.group(0) in question:
            return m.group(0)
        before, after = m.group(1), m.group(2)
        for start in range(len(before) - 1):
            joined = before[start:] + after
            if (re.search(re.escape(joined) + f"(?!{_NAME_RUN})", sources)
                    and sources.count(after) == sources.count(joined)):
                notes.append(f"rejoined {before[start:]}の{after} as {joined}, as the passage writes it")
                return before[:start] + joined
        return m.group(0)

    return _SPLIT_BY_NO.sub(repl, text)


# A long kanji term with one character swapped for another kanji: 「水質汚染防止法」 for the report's
# 水質汚濁防止法 (汚染 stands in the law listed before it, 大気汚染防止法). Shorter runs are words of
# their own too often (研究開発費 beside 研究開発法); numerals tell editions apart (第五期, 第六期).
_KANJI_TERM = re.compile(r"[\u4e00-\u9fff々]{6,}")
_KANJI_NUMERALS = set("〇一二三四五六七八九十百千万億兆")


def _restore_one_kanji(text: str, sources: str, question: str, notes: list[str]) -> str:
    """A kanji term no passage writes, where the passages write exactly one term of its length
    that differs from it in one character, not a numeral: that term is restored."""
    runs = [m.group(0) for m in _KANJI_TERM.finditer(sources)]

    def repl(m: re.Match) -> str:
        written = m.group(0)
        if written in sources or written in question:
            return written
        size = len(written)
        near = {run[i:i + size] for run in runs for i in range(len(run) - size + 1)}
        near = {t for t in near if _one_letter_apart(t, written)
                and not {c for pair in zip(t, written) if pair[0] != pair[1] for c in pair} & _KANJI_NUMERALS}
        return _the_only_one(written, near, "one character apart", notes)

    return _KANJI_TERM.sub(repl, text)


def restore_copied_text(text: str, passages: list[str], question: str = "") -> tuple[str, list[str]]:
    """``text`` (a Japanese answer) with garbled copies of passage terms restored, and notes."""
    notes: list[str] = []
    sources = "\n".join(passages)
    text = _restore_country_names(text, sources + "\n" + question, notes)
    # The question too: 「报告書は…」 copies the question's 報告書, which no passage may write.
    text = _restore_foreign_characters(text, sources + "\n" + question, notes)
    text = _restore_katakana(text, sources, question, notes)
    text = _restore_loanwords(text, sources, notes)
    text = _complete_cut_words(text, sources, notes)
    text = _restore_dates(text, sources, notes)
    text = _restore_swapped_names(text, sources, question, notes)
    text = _restore_swapped_names(text, sources, question, notes, _KATAKANA_NAME, _KATAKANA_NAME_CHARS,
                                  _COPIED_AFTER_KATAKANA)
    text = _join_split_names(text, sources, question, notes)
    text = _restore_one_kanji(text, sources, question, notes)
    text = _restore_copula(text, sources + "\n" + question, notes)
    text = _drop_invented_readings(text, sources + "\n" + question, notes)
    return text, notes


# 「ARIM（アーマンティーダー・インテグレーション）」: a katakana reading in brackets that neither the
# passages nor the question write is the model's own expansion of a name, never the report's.
_BRACKETED_KATAKANA = re.compile(r"[（(]\s*([ァ-ヴー・]{4,})\s*[）)]")


def _drop_invented_readings(text: str, sources: str, notes: list[str]) -> str:
    def repl(m: re.Match) -> str:
        if m.group(1) in sources:
            return m.group(0)
        notes.append(f"removed a reading the passages do not write: {m.group(0)}")
        return ""

    return _BRACKETED_KATAKANA.sub(repl, text)


# Japanese writes 是 only in a few compounds (是非, 是正, 国是 …); between two words it is the
# Chinese copula, which the model lets slip into a Japanese answer: 「原因是共用施設…」.
_CHINESE_COPULA = re.compile(r"(?<=[\u3400-\u9fff\u30a1-\u30faー])是(?=[\u3400-\u9fff\u30a1-\u30faー「])")
_JAPANESE_WORDS_WITH_SHI = ("是非", "是正", "是認", "国是", "社是", "如是", "是々", "是是")


def _restore_copula(text: str, sources: str, notes: list[str]) -> str:
    """The Chinese copula 是 between two words written as the Japanese topic particle は, unless
    the passages (or the question) write that character pair or it forms a Japanese word."""
    def repl(m: re.Match) -> str:
        pairs = (text[m.start() - 1:m.end()], text[m.start():m.end() + 1])
        if any(pair in sources or pair in _JAPANESE_WORDS_WITH_SHI for pair in pairs):
            return m.group(0)
        notes.append(f"wrote は for the Chinese copula in: {text[max(0, m.start() - 6):m.end() + 6]}")
        return "は"

    return _CHINESE_COPULA.sub(repl, text)


_JAPANESE_RUN = re.compile(r"[\u3041-\u30ff\u3400-\u9fffー]{4,}")


def restore_copied_kanji(text: str, passages: list[str]) -> tuple[str, list[str]]:
    """An English answer's Japanese title with its Chinese character forms restored from the
    passages: "国家标准化発展綱要" (标准, two simplified forms side by side) quotes the report's
    国家標準化発展綱要. A run holding a character outside the Japanese set is replaced by the one
    passage run of its length that differs from it in at most a third of its characters."""
    notes: list[str] = []
    sources = "\n".join(passages)

    def repl(m: re.Match) -> str:
        run = m.group(0)
        if all(_is_japanese_charset(ch) for ch in run):
            return run
        n = len(run)
        found = {sources[i:i + n] for i in range(len(sources) - n + 1)
                 if sum(a != b for a, b in zip(run, sources[i:i + n])) * 3 <= n
                 and _JAPANESE_RUN.fullmatch(sources[i:i + n])}
        if len(found) != 1:
            return run
        restored = found.pop()
        notes.append(f"restored {run} as {restored} from the passage")
        return restored

    return _JAPANESE_RUN.sub(repl, text), notes
