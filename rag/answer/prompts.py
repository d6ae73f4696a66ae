"""Prompt templates from ``prompts/``, checked for exactly the placeholders the code fills."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from ..errors import RagError
from ..settings import PROJECT_ROOT

PROMPT_DIR = PROJECT_ROOT / "prompts"
# Phrases with which the model says on its own that the passages do not answer.
REFUSAL_PHRASES = {
    "ja": ("記載されていません", "記載がありません", "記載はありません", "言及されていません", "わかりません", "分かりません"),
    "en": ("does not answer", "not mentioned", "does not mention", "does not provide", "no information",
           "does not specify", "not specified", "not stated", "does not state"),
}
CANNOT_ANSWER = {
    "en": "The report does not answer this question.",
    "ja": "この質問への答えは報告書に記載されていません。",
}
# The model answered, but no sentence of its answer held up against the passages: the report may
# still answer (the model took a neighbouring figure), so the reader gets the passages to judge,
# not a flat "the report does not say".
UNVERIFIED_ANSWER = {
    "en": ("The report does not answer this question in a way that could be verified: the answer "
           "drafted from the closest passages, shown with this message, did not match their text."),
    "ja": ("報告書の記述で確かめられる回答は得られませんでした（記載なしの可能性があります）。"
           "最も近い抜粋から作った回答が抜粋の記述と合わなかったため、抜粋のみを示します。"),
}
# The report gives only a bound or an estimate ("more than 1000") where the question insists on
# an exact figure: not answered, and what the report does say is shown with its citations.
NO_EXACT_FIGURE = {
    "en": "The report does not give an exact figure; it says only: {answer}",
    "ja": "報告書に正確な数値の記載はありません。記載されているのは次の内容のみです：{answer}",
}
# {answer}: the report's sentences in Japanese; in English only their markers (the quotes are
# one click away), so that an English answer stays English.
ONLY_A_PLAN = {
    "en": "The report gives only a plan or target, not what was achieved: see its own words {answer}.",
    "ja": "報告書には計画・目標の記載しかなく、実績の記載はありません。記載されているのは次の内容です：{answer}",
}
# A yearly amount asked where the report gives only a total over several years.
ONLY_A_TOTAL = {
    "en": "The report gives only a total over several years, not a yearly amount: see its own words {answer}.",
    "ja": "報告書には年ごとの額の記載はなく、複数年の総額のみが記載されています：{answer}",
}
# A part of a whole asked for (「研究費のうち、企業が使用した額」, 「量子センサー分野だけに」), the
# report's figure is the whole's or another part's.
ONLY_THE_WHOLE = {
    "en": "The report gives no figure for the part asked, only figures for the whole or other parts: see its own words {answer}.",
    "ja": "報告書には質問の内訳についての記載はなく、全体または他の部分の数値のみが記載されています：{answer}",
}
# The largest (smallest) of several figures asked for, the answer gave another one the quote lists.
NOT_THE_EXTREME = {
    "en": "The drafted answer gave a figure that is not the one asked for among those the report lists: see its own words {answer}.",
    "ja": "作成した回答は、報告書に挙げられた数値のうち質問の条件に合うものではありませんでした。報告書の記述は次のとおりです：{answer}",
}
# Added to an English question whose first answer only restated it ("Germany counts as the
# 'future technologies' that will keep its car … industries strong."): asked so, the model named
# them in two of four such questions, and restated again in the other two.
ASK_AGAIN_AFTER_RESTATEMENT = {"en": " Answer with what the passages state; do not repeat the question."}
# The model is not asked to refuse: told to, this small model refuses answerable questions too.
# Whether the report answers is decided from retrieval and verification (pipeline.py).
PLACEHOLDERS = {
    "answer": set(),
    "user": {"history", "passages", "question"},
}


@lru_cache(maxsize=None)
def load_prompt(kind: str, language: str, directory: Path = PROMPT_DIR) -> str:
    path = directory / f"{kind}_{language}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RagError(f"prompt file missing: {path}", "restore prompts/ from the repository") from exc
    found = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    if found != PLACEHOLDERS[kind]:
        raise RagError(f"prompt {path.name} has placeholders {sorted(found)}, expected {sorted(PLACEHOLDERS[kind])}")
    return text
