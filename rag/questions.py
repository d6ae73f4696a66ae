"""Validation of user questions and of question files."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError
from .language import detect_language


def check_question(question: str, max_chars: int) -> str:
    if not isinstance(question, str) or not question.strip():
        raise InputError("the question is empty", "type a question in Japanese or English")
    question = " ".join(question.split())
    if len(question) > max_chars:
        raise InputError(f"the question is too long ({len(question)} characters, limit {max_chars})",
                         "ask one shorter question")
    return question


def question_language(question: str) -> str:
    """``ja`` or ``en``; any other language is refused with a clear message."""
    language = detect_language(question)
    if language == "unknown":
        raise InputError("only Japanese and English questions are supported", "ask in Japanese or English")
    return language


def read_question_file(path: Path) -> list[dict]:
    """``{"id": …, "question": …}`` per line; other fields are kept but ignored."""
    if not path.is_file():
        raise InputError(f"question file not found: {path}")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise InputError(f"{path}:{n}: each line needs a \"question\" string")
        item.setdefault("id", f"q{n:03d}")
        items.append(item)
    return items
