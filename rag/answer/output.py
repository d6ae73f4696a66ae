"""What the model wrote, made answer text: stop rules, prompt echoes and stutters removed.

The small model sometimes echoes its prompt (rule lines, ``[n]`` placeholders, passage labels,
the English values annotated into the context) or stutters a unit; generation is stopped after
a few sentences, one token into the next. These repairs are purely textual and run before any
sentence is verified against the report (verify.py).
"""

from __future__ import annotations

import re
from typing import Sequence

from .citations import NOT_AN_END

MAX_SENTENCES = 3  # generation stops after this many complete sentences (answers are 1-2)
_SENTENCE_DONE = re.compile(rf"[。！？](?:\s*(?:［\d+］|\[\d+\]))*|{NOT_AN_END}[.!?](?:\s*\[\d+\])*(?=\s+(?:[^a-z]|$))")
_LIST_NUMBER = re.compile(r"(?:^|[\s:：、])[\d０-９]{1,2}$")  # "1. " opens a list item, it ends no sentence
_REPEATED_UNIT = re.compile(r"(\d[\d.,]*\s*)((?:[万億兆])?(?:ドル|円|ユーロ|ウォン|ポンド|元|人|件))\2")
_ANNOTATION_ECHO = re.compile(r"\s*[(（]=\s*[^()（）]*[)）]")
_PLACEHOLDER = re.compile(r"［[nNｎＮ]］|\[[nN]\]")
_BRACKETED_TEXT = re.compile(r"\[([^\[\]\d][^\[\]]*)\]")  # "[Lifelong Learning Machines]": not a citation
_PROMPT_LEAK = re.compile(r"^.*(根拠となった抜粋|出典番号|Answer in English with).*$", re.M)


def clean_output(raw: str, labels: Sequence[str] = ()) -> str:
    """Remove prompt echoes the small model sometimes produces: ``[n]`` placeholders, rule text,
    the passage labels of the context ("（日本 / 研究開発プロジェクト）"), and the English values
    annotated into the context ("$2.16 billion (= 2.16 billion US dollars)")."""
    # A leaked rule line may carry the model's citation ("［2］の出典番号付き、日本語："): keep it.
    leaks_removed = _PROMPT_LEAK.sub(lambda m: "".join(re.findall(r"［\d+］|\[\d+\]", m.group(0))),
                                     _PLACEHOLDER.sub("", raw))
    text = _BRACKETED_TEXT.sub(r"\1", _ANNOTATION_ECHO.sub("", leaks_removed))
    text = _REPEATED_UNIT.sub(r"\1\2", text)  # "21.6 億ドル億ドル": a decoding stutter
    for label in labels:
        text = re.sub(rf"\s*[(（]{re.escape(label)}[)）]\s*", "", text)
    return text


def _sentence_ends(text: str) -> list[int]:
    return [m.end() for m in _SENTENCE_DONE.finditer(text) if not _LIST_NUMBER.search(text[:m.start()])]


def enough_sentences(text: str) -> bool:
    return len(_sentence_ends(text)) >= MAX_SENTENCES


def complete_sentences(text: str) -> str:
    """``text`` without what follows its last allowed sentence: generation stops one token into
    the next one ("… in 2021.[1] It"), and that fragment is not part of the answer."""
    ends = _sentence_ends(text)
    return text[:ends[MAX_SENTENCES - 1]] if len(ends) >= MAX_SENTENCES else text
