"""Which language a question is in: Japanese, English, or something we do not answer in."""

from __future__ import annotations

import re

_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_OTHER_SCRIPT = re.compile(r"[\u0400-\u04ff\u0590-\u06ff\u0900-\u097f\u0e00-\u0e7f\uac00-\ud7af]")


def detect_language(text: str) -> str:
    """``ja``, ``en`` or ``unknown``.

    Any kana makes a question Japanese, even one full of English terms (「NNIの予算は？」).
    Han characters without kana are read as Japanese too (a kanji-only query is far likelier
    to be Japanese for this report). Latin text is English; other scripts are unknown.
    """
    kana, han, latin = len(_KANA.findall(text)), len(_HAN.findall(text)), len(_LATIN.findall(text))
    other = len(_OTHER_SCRIPT.findall(text))
    if kana or (han and han >= other):
        return "ja"
    if latin and latin > other:
        return "en"
    return "unknown"
