"""What the model reads: the most relevant sentences of the retrieved passages, and the prompt.

Prefill runs at about 115 tokens/s on CPUs without AMX (bf16; two Zen 4 cores), and Japanese
text costs about 0.7 tokens per character, so every 100 characters of context delay the first
token by about 0.6 s there (with AMX, bf16 products are several times faster: the first token
came after about 1.5 s instead of 3 s in session 35). Whole chunks would cost 5 s or more;
instead the sentences of the top passages compete for a character budget by their similarity to
the question (the dense similarity of each sentence, computed at retrieval, plus shared
keywords). The chosen sentences are shown in reading order under their passage's number, with a
short heading that says which country or theme the passage belongs to; the items of a list are
chosen together and keep their lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..chunking import REPORT_LIST_ITEM, list_runs, opening_heading, short_heading, unit_sentences
from ..lexicon import place_name
from ..retrieval import Hit
from .citations import strip_markers
from .numbers import annotate_for_english
from .prompts import load_prompt

KEYWORD_BONUS = 0.02  # per question keyword in the sentence: names and numbers the model must see
RANK_PENALTY = 0.01  # per retrieval rank: between equal sentences, prefer the better passage
REASON_BONUS = 0.03  # a reason-stating sentence of the top passage, for a question that asks why
HISTORY_CHARS = 300
# A why question's answer is the sentence that gives a reason, and its similarity to the question
# is low when it opens with 「これは」 or names its subject only in the sentence before: 「これは、
# …運営費交付金の削減…が背景にあると見られる」 lost its place to the membership figures it explains.
# Only the top passage's reasons are favoured: from any passage, the 「少子高齢化社会を背景にした」 of
# foreign researchers came in for a question on gallium-oxide researchers, and was copied.
_ASKS_REASON = re.compile(r"\bwhy\b|^(?!\s*who\b).*\bbehind\b|\breasons?\b|\bcauses?\b"
                          r"|なぜ|どうして|理由|背景|要因|原因|何のため", re.I)
_STATES_REASON = re.compile(r"ため[、。に]|ことから|背景|理由|要因|原因|起因|からである|ので[、。]|に依存")
_KATAKANA_WORD = re.compile(r"[ァ-ヴー]{3,}")
# ケルン大学, ハイデルベルク大 (大 alone, as the report shortens it, but not 大規模), テキサス州, オークリッジ国立研究所
_PLACE_SUFFIX = re.compile(r"(?:工科|州立)?大学|大(?![\u4e00-\u9fff])|市|州|国立研究所")


@dataclass
class ContextPassage:
    hit: Hit
    excerpt: str  # chosen sentences in reading order, "…" where sentences were skipped


def scored_sentences(hit: Hit) -> tuple[list[str], list[float]] | None:
    """The chunk's sentences with their similarity to the question (its retrieval units), or None
    when the chunk is its own only unit. Heading words that open the chunk (a workshop's day) are
    no retrieval unit of their own: they get the whole chunk's similarity, to compete for the
    model's context and for quotes."""
    sentences = unit_sentences(hit.chunk)
    sims = hit.unit_similarities[1:]
    if not sentences or len(sims) != len(sentences):
        return None
    opening = opening_heading(hit.chunk)
    return ([opening, *sentences], [hit.unit_similarities[0], *sims]) if opening else (sentences, list(sims))


def _sentences(hit: Hit) -> tuple[list[str], list[float]]:
    scored = scored_sentences(hit)
    return scored or ([hit.chunk.text], [hit.unit_similarities[0] if hit.unit_similarities else 0.0])


def asks_reason(question: str) -> bool:
    return bool(_ASKS_REASON.search(question))


def select_context(hits: list[Hit], question_terms: set[str], tokenize, budget: int,
                   reason: bool = False) -> list[ContextPassage]:
    """The best sentences of ``hits`` within ``budget`` characters (settings: context_chars),
    grouped by passage.

    A bulleted or numbered list competes as a whole, scored by its best item; when it does not
    fit, its items compete one by one. A question that asks for "the three platforms" needs
    every item: chosen one by one, the items lost to prose, and a list missing its first item
    read as complete (dev: Singapore's three quantum platforms answered with two).
    With ``reason`` (a why question), the top passage's sentences that state a reason score
    REASON_BONUS more.
    The best sentence of the top passage is always kept, even alone over budget.
    """
    candidates = []
    per_hit = [_sentences(hit) for hit in hits]
    for rank, (sentences, sims) in enumerate(per_hit):
        scores = [sim + KEYWORD_BONUS * len(question_terms & set(tokenize(sentence))) - RANK_PENALTY * rank
                  + (REASON_BONUS if reason and rank == 0 and _STATES_REASON.search(sentence) else 0.0)
                  for sentence, sim in zip(sentences, sims)]
        for block in list_runs(sentences):
            if len(block) > 1:  # the whole list first: on a tie it sorts before its own items
                candidates.append((max(scores[i] for i in block), 0, rank, tuple(block),
                                   sum(len(sentences[i]) for i in block)))
            candidates.extend((scores[i], 1, rank, (i,), len(sentences[i])) for i in block)
    candidates.sort(key=lambda c: (-c[0], c[1]))
    chosen: dict[int, set[int]] = {}
    used = 0
    for _, _, rank, indices, length in candidates:
        taken = chosen.get(rank, set())
        if taken.issuperset(indices):
            continue
        length -= sum(len(per_hit[rank][0][i]) for i in taken.intersection(indices))
        if (chosen or len(indices) > 1) and used + length > budget:
            continue  # a shorter sentence further down may still fit; a long list goes item by item
        chosen.setdefault(rank, set()).update(indices)
        used += length
    passages = []
    for rank in sorted(chosen):
        sentences = per_hit[rank][0]
        parts, previous = [], None
        for i in sorted(chosen[rank]):
            if previous is not None and i != previous + 1:
                parts.append("…")
            elif previous is not None and REPORT_LIST_ITEM.match(sentences[i]):
                parts.append("\n")  # list items stay on lines of their own
            parts.append(sentences[i])
            previous = i
        passages.append(ContextPassage(hits[rank], "".join(parts)))
    return passages


def gloss_places(text: str) -> str:
    """Write the English name beside a foreign place written in katakana: ``ケルン大学`` becomes
    ``ケルン (= Cologne)大学``. Translating alone, the small model renders it "the University of
    Kiel"; guessing from the sound, it writes クロル as "Croil"."""
    def repl(m: re.Match) -> str:
        if not _PLACE_SUFFIX.match(text, m.end()):
            return m.group(0)  # クライオ would be "Clio", サムスン "Samsun": only named places
        name = place_name(m.group(0), named_as_place=True)
        return f"{m.group(0)} (= {name})" if name else m.group(0)

    return _KATAKANA_WORD.sub(repl, text)


def build_messages(question: str, language: str, passages: list[ContextPassage],
                   history: list[tuple[str, str]] | None) -> list[dict]:
    blocks = []
    for n, passage in enumerate(passages, start=1):
        text = gloss_places(annotate_for_english(passage.excerpt)) if language == "en" else passage.excerpt
        # Pages are not shown: citations come from the markers, and each token costs prefill.
        blocks.append(f"[{n}] ({short_heading(passage.hit.chunk)})\n{text}")
    past = ""
    if history:
        q, a = history[-1]
        label = ("Previous question: {q}\nPrevious answer: {a}\n\n" if language == "en"
                 else "前の質問：{q}\n前の回答：{a}\n\n")
        past = label.format(q=q, a=strip_markers(a)[:HISTORY_CHARS])
    system = load_prompt("answer", language)
    user = load_prompt("user", language).format(history=past, passages="\n\n".join(blocks), question=question)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
