"""Question -> retrieval -> answerability -> generation -> verified, cited answer.

The small default model is not trusted alone: retrieval decides whether the report covers the
question, every citation marker is checked and mapped to an exact quote of the report, and
every number in the answer must appear in the passages its sentence cites.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from ..errors import InputError
from ..language import detect_language
from ..questions import check_question
from ..chunking import short_heading, unit_sentences
from ..retrieval import Hit
from .backends import Generator
from .context import build_messages, select_context
from .citations import (NOT_AN_END, Citation, best_quote, chunk_sentences, fold_report, markers_in, overlap, quote_in_report,
                        split_answer, strip_markers)
from .english_terms import EnglishTerms
from .followup import resolve_followup
from .numbers import claimed_numbers, is_supported, numbers_in, repair_scale
from .prompts import CANNOT_ANSWER, REFUSAL_PHRASES

log = logging.getLogger(__name__)

# Answerability from retrieval evidence, calibrated on the development sets (see README).
MIN_DENSE_SIMILARITY = {"ja": 0.85, "en": 0.80}
MIN_SUPPORT_OVERLAP = 0.35  # an unmarked sentence needs this much of its text in a passage
RECITE_MARGIN = 0.03  # embedding similarity by which an uncited passage must beat the cited ones
UNVERIFIED = {"ja": "（数値は報告書で未確認）", "en": "(number not verified in the report)"}
MAX_SENTENCES = 3  # generation stops after this many complete sentences (answers are 1-2)
_SENTENCE_DONE = re.compile(rf"[。！？](?:\s*(?:［\d+］|\[\d+\]))*|{NOT_AN_END}[.!?](?:\s*\[\d+\])*(?=\s+(?:[^a-z]|$))")
_LIST_NUMBER = re.compile(r"(?:^|[\s:：、])[\d０-９]{1,2}$")  # "1. " opens a list item, it ends no sentence
ECHO_OVERLAP = 0.8  # two sentences sharing this much of each other's text say the same
QUESTION_ECHO = 0.9
NUMBER_BONUS = 0.05  # per figure of an unmarked sentence that a passage states
_FINISHED = re.compile(r"[。．.!?！？」』）)…:：]\s*$")
_REPEATED_UNIT = re.compile(r"(\d[\d.,]*\s*)((?:[万億兆])?(?:ドル|円|ユーロ|ウォン|ポンド|元|人|件))\2")
_ANNOTATION_ECHO = re.compile(r"\s*[(（]=\s*[^()（）]*[)）]")
_PLACEHOLDER = re.compile(r"［[nNｎＮ]］|\[[nN]\]")
# "This is evident from the passage [3], which mentions …": talk about the sources, not an answer.
_ABOUT_THE_SOURCES = re.compile(r"\b(?:passages?|excerpts?)\b|抜粋", re.I)
_PROMPT_LEAK = re.compile(r"^.*(根拠となった抜粋|出典番号|Answer in English with).*$", re.M)


def clean_output(raw: str, labels: Sequence[str] = ()) -> str:
    """Remove prompt echoes the small model sometimes produces: ``[n]`` placeholders, rule text,
    the passage labels of the context ("（日本 / 研究開発プロジェクト）"), and the English values
    annotated into the context ("$2.16 billion (= 2.16 billion US dollars)")."""
    # A leaked rule line may carry the model's citation ("［2］の出典番号付き、日本語："): keep it.
    leaks_removed = _PROMPT_LEAK.sub(lambda m: "".join(re.findall(r"［\d+］|\[\d+\]", m.group(0))),
                                     _PLACEHOLDER.sub("", raw))
    text = _ANNOTATION_ECHO.sub("", leaks_removed)
    text = _REPEATED_UNIT.sub(r"\1\2", text)  # "21.6 億ドル億ドル": a decoding stutter
    for label in labels:
        text = re.sub(rf"\s*[(（]{re.escape(label)}[)）]\s*", "", text)
    return text


def _repeats_question(sentence: str, question: str) -> bool:
    """The model restated the question without answering it. A restatement that adds a number
    or a tenth of new text ("At roughly 1.1°, bilayer graphene …") is an answer, and is kept."""
    if {v for _, v in claimed_numbers(sentence)} - {v for _, v in claimed_numbers(question)}:
        return False
    return overlap(sentence, question) > QUESTION_ECHO and overlap(question, sentence) > ECHO_OVERLAP


def _adds_stated_figures(sentence: str, question: str, hit: Hit) -> bool:
    """The sentence answers with figures the passage states: a restated question plus
    "12ナノメートル" shares little text with the passage, yet its answer is there."""
    new = {v for _, v in claimed_numbers(sentence)} - {v for _, v in claimed_numbers(question)}
    stated = numbers_in(hit.chunk.text)
    return bool(new) and all(is_supported(v, stated) for v in new)


def _sentence_ends(text: str) -> list[int]:
    return [m.end() for m in _SENTENCE_DONE.finditer(text) if not _LIST_NUMBER.search(text[:m.start()])]


def enough_sentences(text: str) -> bool:
    return len(_sentence_ends(text)) >= MAX_SENTENCES


def complete_sentences(text: str) -> str:
    """``text`` without what follows its last allowed sentence: generation stops one token into
    the next one ("… in 2021.[1] It"), and that fragment is not part of the answer."""
    ends = _sentence_ends(text)
    return text[:ends[MAX_SENTENCES - 1]] if len(ends) >= MAX_SENTENCES else text


@dataclass
class Answer:
    question: str
    language: str
    answerable: bool
    text: str
    citations: list[Citation]
    closest: list[Hit]
    timings: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    id: str | None = None

    def to_json(self) -> dict:
        data = {"question": self.question, "language": self.language, "answerable": self.answerable,
                "answer": self.text, "citations": [c.to_json() for c in self.citations],
                "timings": {k: round(v, 3) for k, v in self.timings.items()}, "flags": self.flags}
        return {"id": self.id, **data} if self.id is not None else data


@dataclass
class AnswerEvent:
    # "reading": the passages the model is about to read (shown while it reads them);
    # "partial": the answer so far, unverified; "final": the verified answer.
    kind: str
    text: str = ""
    answer: Answer | None = None
    passages: list[Hit] = field(default_factory=list)


class AnswerPipeline:
    def __init__(self, engine, generator: Generator) -> None:
        self.engine = engine
        self.generator = generator
        self.cfg = engine.settings.generation
        self._report_folded = fold_report(engine.settings.source.read_text(encoding="utf-8"))
        # Embeddings of report sentences, computed once: an English answer compares each claim
        # with every context sentence (closest source) and again with the cited one (quote).
        self._sentence_vectors: dict[str, object] = {}
        self._english_terms = EnglishTerms(engine.retriever.glossary.pairs)

    # ---- steps --------------------------------------------------------------------------
    def _answerable(self, hits: list[Hit], language: str) -> bool:
        if not hits:
            return False
        top = max(h.similarities.get("dense", 0.0) for h in hits[:3])
        return top >= MIN_DENSE_SIMILARITY.get(language, 0.8)

    def _similarity(self, language: str):
        """Cross-lingual claim-to-sentence similarity for English answers (None for Japanese)."""
        return self._embedding_similarity if language == "en" else None

    def _embedding_similarity(self, claim: str, sentences: list[str]) -> list[float]:
        embedder = self.engine.embedder
        missing = list(dict.fromkeys(s for s in sentences if s not in self._sentence_vectors))
        if missing:
            self._sentence_vectors.update(zip(missing, embedder.embed_passages(missing)))
        q = embedder.embed_queries([claim])[0]
        return [float(self._sentence_vectors[s] @ q) for s in sentences]

    def _passage_similarities(self, claim: str, hits: list[Hit]) -> list[float]:
        """Per passage, the embedding similarity of its closest sentence to an (English) claim."""
        per_hit = [chunk_sentences(h.chunk) for h in hits]
        sims = self._embedding_similarity(claim, [s for sentences in per_hit for s in sentences])
        per_passage, start = [], 0
        for sentences in per_hit:  # the claim is embedded once, not once per passage
            per_passage.append(max(sims[start:start + len(sentences)], default=0.0))
            start += len(sentences)
        return per_passage

    def _add_closest_source(self, claim: str, cited: list[int], hits: list[Hit], flags: list[str]) -> list[int]:
        """Also cite the passage whose sentence is clearly closest to an English claim.

        The small model often numbers its sources wrongly when it translates (dev: the passage
        that supports the claim was in its context for every English citation miss). The claim
        is compared with every context sentence by the embedding model; a passage that beats
        every cited one by ``RECITE_MARGIN`` is added, never substituted.
        """
        per_passage = self._passage_similarities(claim, hits)
        best = max(range(len(hits)), key=lambda i: per_passage[i])
        if best + 1 not in cited and per_passage[best] > max(per_passage[m - 1] for m in cited) + RECITE_MARGIN:
            flags.append(f"added the closest source [{best + 1}] to: {claim[:60]}")
            return [*cited, best + 1]
        return cited

    def _source_of_unmarked(self, claim: str, hits: list[Hit], language: str) -> tuple[int, float]:
        """The passage an unmarked sentence most likely comes from, and its text overlap.

        Shared character bigrams decide for Japanese; an English sentence shares only its Latin
        names with the Japanese passages, so the cross-lingual embedding decides for it. Each
        of the sentence's figures that a passage states (or states at another 万/億 scale, a
        slip repaired later) counts ``NUMBER_BONUS``: figures identify a source better than
        a small embedding model does."""
        overlaps = [overlap(claim, h.chunk.text) for h in hits]
        scores = self._passage_similarities(claim, hits) if language == "en" else list(overlaps)
        claims = claimed_numbers(claim)
        for i, h in enumerate(hits):
            stated = numbers_in(h.chunk.text)
            scores[i] += NUMBER_BONUS * sum(is_supported(v, stated) or bool(repair_scale(surface, h.chunk.text))
                                            for surface, v in claims)
        best = max(range(len(hits)), key=lambda i: scores[i])
        return best, overlaps[best]

    def _quote(self, claim: str, hit: Hit, language: str) -> str:
        sentences = unit_sentences(hit.chunk)
        prior = (dict(zip(sentences, hit.unit_similarities[1:]))
                 if sentences and len(hit.unit_similarities) == len(sentences) + 1 else None)
        quote = best_quote(claim, hit.chunk, self._similarity(language), prior)
        if quote_in_report(quote, self._report_folded):
            return quote
        # A sentence that crosses a page break may not stand verbatim in the raw text (a legend
        # block sat inside it): fall back to the best sentence that does.
        for sentence in sorted(chunk_sentences(hit.chunk), key=lambda s: -overlap(claim, s)):
            if quote_in_report(sentence, self._report_folded):
                return sentence
        parts = [p for p in hit.chunk.text.split("、") if quote_in_report(p, self._report_folded)]
        return max(parts, key=len) if parts else ""

    def _check_numbers(self, body: str, cited: list[int], hits: list[Hit], language: str,
                       flags: list[str]) -> tuple[str, list[int]]:
        """Every number must stand in a cited passage: re-cite, repair a unit slip, or mark it.

        In order: cite the context passage that states the number; repair a 万/億 conversion
        slip ("33 billion" where the passage says 33億 = 3.3 billion); otherwise replace the
        number by a visible marker so it is never shown as if the report said it. A sentence
        whose numbers are mostly unsupported is dropped.
        """
        claims = claimed_numbers(body)
        stated = set().union(*(numbers_in(hits[m - 1].chunk.text) for m in cited))
        missing = [(surface, v) for surface, v in claims if not is_supported(v, stated)]
        if not missing:
            return body, cited
        others = [i + 1 for i, h in enumerate(hits)
                  if all(is_supported(v, numbers_in(h.chunk.text) | stated) for _, v in missing)]
        if others:
            return body, sorted(set(cited) | {others[0]})
        cited_text = " ".join(hits[m - 1].chunk.text for m in cited)
        unrepaired = []
        for surface, _value in missing:
            repaired = repair_scale(surface, cited_text) if language == "en" else None
            if repaired:
                flags.append(f"repaired a unit conversion: {surface} -> {repaired}")
                body = body.replace(surface, repaired, 1)
            else:
                unrepaired.append(surface)
        if len(unrepaired) * 2 > len(claims):
            flags.append(f"sentence with unsupported numbers removed: {body[:60]}")
            return "", cited
        for surface in unrepaired:
            flags.append(f"number not found in the cited passages, marked: {surface}")
            body = body.replace(surface, UNVERIFIED[language], 1)
        return body, cited

    def _verify(self, raw: str, hits: list[Hit], language: str, question: str = "",
                cut: bool | None = None) -> tuple[str, list[Citation], list[str]]:
        flags: list[str] = []
        kept: list[tuple[str, list[int]]] = []
        text = clean_output(complete_sentences(raw), [short_heading(h.chunk) for h in hits])
        if language == "en":
            text, notes = self._english_terms.replace(text, question)
            flags.extend(notes)
        for sentence in split_answer(text):
            body = strip_markers(sentence)
            if not re.search(r"\w", body) or CANNOT_ANSWER[language] in body:  # ", , ," left by markers
                continue
            if question and _repeats_question(body, question):
                continue
            if any(overlap(body, earlier) > ECHO_OVERLAP and overlap(earlier, body) > ECHO_OVERLAP for earlier, _ in kept):
                flags.append(f"repeated sentence removed: {body[:60]}")
                continue
            if kept and _ABOUT_THE_SOURCES.search(body):
                flags.append(f"sentence about the passages removed: {body[:60]}")
                continue
            cited = [m for m in markers_in(sentence) if 1 <= m <= len(hits)]
            if len(cited) < len(markers_in(sentence)):
                flags.append(f"removed a citation marker that points to no passage in: {body[:60]}")
            if not cited:
                best, shared = self._source_of_unmarked(body, hits, language)
                if language == "ja" and shared < MIN_SUPPORT_OVERLAP and not _adds_stated_figures(body, question, hits[best]):
                    flags.append(f"unsupported sentence removed: {body[:60]}")
                    continue
                cited = [best + 1]
            body, cited = self._check_numbers(body, cited, hits, language, flags)
            if body and language == "en":
                cited = self._add_closest_source(body, cited, hits, flags)
            if body:
                kept.append((body, cited))
        # Renumber markers in order of first use and attach one quote per cited chunk.
        order: dict[int, int] = {}
        citations: list[Citation] = []
        parts = []
        if kept and cut is not False and not _FINISHED.search(kept[-1][0]):
            # Generation hit its length limit mid-sentence: show that the text is cut. (A model
            # that stops on its own after a bare noun phrase has not been cut.)
            kept[-1] = (kept[-1][0].rstrip() + "…", kept[-1][1])
            flags.append("answer cut at the length limit")
        for body, cited in kept:
            marks = []
            for m in cited:
                if m not in order:
                    order[m] = len(order) + 1
                    quote = self._quote(body, hits[m - 1], language)
                    citations.append(Citation(order[m], hits[m - 1].chunk, quote))
                marks.append(order[m])
            fmt = "［{}］" if language == "ja" else "[{}]"
            parts.append(body.rstrip() + "".join(fmt.format(n) for n in marks))
        joiner = "" if language == "ja" else " "
        return joiner.join(parts), citations, flags

    # ---- the public entry points -----------------------------------------------------------
    def stream(self, question: str, history: list[tuple[str, str]] | None = None,
               question_id: str | None = None) -> Iterator[AnswerEvent]:
        started = time.perf_counter()
        question = check_question(question, self.engine.settings.app.max_question_chars)
        language = detect_language(question)
        if language == "unknown":
            raise InputError("only Japanese and English questions are supported", "ask in Japanese or English")
        query = resolve_followup(question, language, history)
        hits = self.engine.retriever.search(query, k=self.engine.settings.retrieval.k, language=language)
        timings = {"retrieve_s": time.perf_counter() - started}
        if not self._answerable(hits, language):
            timings["total_s"] = time.perf_counter() - started
            yield AnswerEvent("final", answer=Answer(question, language, False, CANNOT_ANSWER[language], [],
                                                     hits[:3], timings, ["retrieval found no close passage"],
                                                     question_id))
            return
        terms = self.engine.retriever.query_terms(question, language)
        passages = select_context(hits[: self.cfg.context_passages], terms, self.engine.tokenizer,
                                  self.cfg.context_chars)
        context = [p.hit for p in passages]  # marker n in the answer is context[n - 1]
        yield AnswerEvent("reading", passages=context)
        raw = ""
        for piece in self.generator.stream(build_messages(question, language, passages, history),
                                           self.cfg.max_new_tokens, stop_when=enough_sentences):
            if not raw:
                timings["first_token_s"] = time.perf_counter() - started
            raw += piece
            yield AnswerEvent("partial", text=raw)
        timings["generate_s"] = time.perf_counter() - started - timings["retrieve_s"]
        text, citations, flags = self._verify(raw, context, language, question,
                                              getattr(self.generator, "hit_length_limit", None))
        refused = any(phrase in raw.lower() for phrase in REFUSAL_PHRASES[language])
        answerable = bool(text) and not refused
        if not answerable:
            text, citations = CANNOT_ANSWER[language], []
            flags.append("the model found no answer in the passages" if raw.strip() else "empty generation")
        timings["total_s"] = time.perf_counter() - started
        yield AnswerEvent("final", answer=Answer(question, language, answerable, text, citations,
                                                 context if not answerable else [], timings, flags, question_id))

    def ask(self, question: str, history=None, question_id: str | None = None) -> Answer:
        final = None
        for event in self.stream(question, history, question_id):
            if event.kind == "final":
                final = event.answer
        assert final is not None
        return final
