"""The figure a several-part question asks for, asked again when the first answer left it out.

Asked "how much EU money funds the Chips for Europe Initiative, and who matches it?", the small
model answers the second half and leaves out the amount its context states; asked
「…いくら投資し、世界の生産に占めるシェアをどこまで高める目標？」, it gives the investment and not
the share. The near-miss checks see which figure is missing (near_miss.py: a count, an amount
of money, a share); the pipeline then asks the model once more, with the same passages, the
clause of the question that asks for it, and adds what that answer gives once it is verified.

The clause is the one holding the interrogative of the missing figure, after the clauses that
set the topic (「EUの半導体法は、」). An English clause that is not the first is asked only
when it names its subject: "how much support did France announce for it?" does not say what
"it" is.
"""

from __future__ import annotations

import re
import unicodedata

from .citations import MARKER, Citation
from .near_miss import AMOUNT_OF_MONEY, COUNT, SHARE

# What asks for each figure; a clause holding one of these asks for that figure.
_ASKS = {
    COUNT: re.compile(r"いくつ|何(?:人|社|件|名|校|個|つ|カ国|か国|ヶ国|機関|カ所|か所|箇所|拠点|種類)|"
                      r"\bhow many\b|\bthe number of\b", re.I),
    AMOUNT_OF_MONEY: re.compile(r"いくら|(?:金額|予算|投資額|支援額|規模)は|(?:どれ|どの)(?:くらい|ぐらい|程度)の(?:規模|額|金額)|"
                                r"\bhow much\b|\bwhat amount\b", re.I),
    SHARE: re.compile(r"シェア|割合|比率|何割|何%|\bwhat (?:share|percentage|proportion|fraction)\b", re.I),
}
_ANY_ASK_JA = re.compile(r"いつ|いくつ|いくら|何|どこ|どの|どう|どれ|どんな|誰|なぜ")
_CLAUSE_JA = re.compile(r"[^、，]+[、，]?")
# English parts: ", and how …", " and when …", "; which …".
_CLAUSE_EN = re.compile(r"\s*(?:,\s*(?:and\s+)?|;\s*|\s+and\s+)(?=(?:how|what|which|when|where|who|why)\b)", re.I)
_PRONOUN = re.compile(r"\b(?:it|its|they|their|them|this|that|these|those)\b", re.I)


def _japanese_part(question: str, asks: re.Pattern) -> str | None:
    clauses = [c.strip() for c in _CLAUSE_JA.findall(question) if c.strip()]
    for i, clause in enumerate(clauses):
        if not asks.search(clause):
            continue
        topic = [c for c in clauses[:i] if not _ANY_ASK_JA.search(c)]
        part = clause.rstrip("、，？?。")
        if clause.rstrip("、，").endswith(("？", "?")):
            part += "？"
        elif re.search(r"[\u4e00-\u9fff\u30a1-\u30faー]で$", part):  # 「…どのくらいの規模で、」: a noun and the copula
            part = part[:-1] + "？"
        else:  # 「…いくつ挙げ、」: the clause ends in the verb's linking form; 挙げた？ asks it
            part += ("た？" if re.search(r"[\u3041-\u3096]$", part) else "？")
        return "".join(topic) + part
    return None


def _english_part(question: str, asks: re.Pattern) -> str | None:
    clauses = [c.strip() for c in _CLAUSE_EN.split(question.strip()) if c.strip()]
    for i, clause in enumerate(clauses):
        if not asks.search(clause):
            continue
        if i and _PRONOUN.search(clause):
            return None
        clause = clause.rstrip("?.,; ")
        return clause[0].upper() + clause[1:] + "?"
    return None


def part_question(question: str, missing: str, language: str) -> str | None:
    """The part of ``question`` that asks for the ``missing`` figure, as a question of its own, or
    None when no clause of it asks for that figure alone."""
    asks = _ASKS.get(missing)
    if asks is None:
        return None
    question = unicodedata.normalize("NFKC", question).strip()
    part = _japanese_part(question, asks) if language == "ja" else _english_part(question, asks)
    if part is None or re.sub(r"\W", "", part) == re.sub(r"\W", "", question):
        return None  # one clause asks everything: asking it again would ask the same
    return part


def add_part(text: str, citations: list[Citation], part_text: str,
             part_citations: list[Citation]) -> tuple[str, list[Citation]]:
    """The first answer with the part's answer after it, the part's markers renumbered to follow
    the first answer's (a quote both cite keeps its number)."""
    numbers = {(c.chunk.id, c.quote): c.marker for c in citations}
    merged = list(citations)
    renumber: dict[int, int] = {}
    for citation in part_citations:
        key = (citation.chunk.id, citation.quote)
        if key not in numbers:
            numbers[key] = max((c.marker for c in merged), default=0) + 1
            merged.append(Citation(numbers[key], citation.chunk, citation.quote))
        renumber[citation.marker] = numbers[key]

    def marker(match: re.Match) -> str:
        n = int(next(g for g in match.groups() if g))
        new = renumber.get(n, n)
        return match.group(0).replace(str(n), str(new))

    if "\n" in text.strip():
        joiner = "\n"  # after a list, a line of its own
    else:
        joiner = "" if re.search(r"[\u3040-\u30ff\u3400-\u9fff］]$", text.rstrip()) else " "
    return text.rstrip() + joiner + MARKER.sub(marker, part_text.strip()), merged
