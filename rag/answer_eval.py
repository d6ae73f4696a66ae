"""Scores generated answers (metrics of eval/SCORING.md), per language and overall."""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass, field

from tqdm import tqdm

from .answer.citations import fold_report, quote_in_report, strip_markers
from .answer.numbers import claimed_numbers, is_supported, numbers_in
from .evaluation import covers, normalise
from .language import detect_language

log = logging.getLogger(__name__)


@dataclass
class AnswerReport:
    rows: list[dict] = field(default_factory=list)

    def summary(self, lang: str | None = None) -> dict:
        rows = [r for r in self.rows if lang in (None, r["lang"])]
        answerable = [r for r in rows if r["gold_answerable"]]

        def mean(key, subset):
            values = [r[key] for r in subset if r.get(key) is not None]
            return round(statistics.fmean(values), 3) if values else None

        return {
            "questions": len(rows),
            "keyword_score": mean("keyword", answerable),
            "answerable_accuracy": mean("decision_ok", rows),
            "answerable_refused": sum(1 for r in answerable if not r["answerable"]),
            "citation_hit": mean("citation_hit", [r for r in answerable if r["answerable"]]),
            "page_accuracy": mean("page_ok", [r for r in answerable if r["answerable"]]),
            "quote_fidelity": mean("quote_ok", rows),
            "number_faithfulness": mean("numbers_ok", rows),
            "language_match": mean("language_ok", rows),
            "first_token_s_median": _median([r["first_token_s"] for r in rows]),
            "total_s_median": _median([r["total_s"] for r in rows]),
        }

    def to_json(self) -> dict:
        langs = sorted({r["lang"] for r in self.rows})
        return {"by_language": {lang: self.summary(lang) for lang in langs}, "all": self.summary(), "items": self.rows}

    def table(self) -> str:
        out = []
        for lang, s in [(lg, self.summary(lg)) for lg in sorted({r["lang"] for r in self.rows})] + [("all", self.summary())]:
            out.append(f"{lang}: " + ", ".join(f"{k}={v}" for k, v in s.items()))
        return "\n".join(out)


def _median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def score_answer(item: dict, answer: dict, report_folded: str) -> dict:
    gold_answerable = bool(item.get("evidence"))
    text = answer["answer"]
    cits = answer["citations"]
    row = {"id": item["id"], "lang": item.get("lang", detect_language(item["question"])),
           "gold_answerable": gold_answerable, "answerable": answer["answerable"],
           "decision_ok": float(answer["answerable"] == gold_answerable), "answer": text,
           "first_token_s": answer["timings"].get("first_token_s"), "total_s": answer["timings"].get("total_s"),
           "flags": answer.get("flags", [])}  # why a sentence was dropped or an answer refused
    if gold_answerable:
        folded = normalise(text).lower()
        keywords = item.get("keywords", [])
        row["keyword"] = sum(normalise(k).lower() in folded for k in keywords) / len(keywords) if keywords else None
        hits = [c for c in cits if any(covers(c["_text"], e) for e in item["evidence"])]
        row["citation_hit"] = float(bool(hits))
        row["page_ok"] = float(any(set(range(c["page"], c["page_end"] + 1)) & set(item.get("evidence_pages", []))
                                   for c in hits)) if hits else 0.0
    row["quote_ok"] = float(all(quote_in_report(c["quote"], report_folded) for c in cits)) if cits else None
    if answer["answerable"]:
        stated = set().union(*(numbers_in(c["_text"]) for c in cits)) if cits else set()
        claims = [v for _, v in claimed_numbers(strip_markers(text))]
        row["numbers_ok"] = float(all(is_supported(v, stated) for v in claims))
        row["language_ok"] = float(detect_language(strip_markers(text)) == row["lang"] or
                                   (row["lang"] == "en" and not any("\u3040" <= ch <= "\u30ff" for ch in text)))
    else:
        row["language_ok"] = float(detect_language(text) == row["lang"])
    return row


def evaluate_answers(engine, items: list[dict]) -> AnswerReport:
    report_folded = fold_report(engine.settings.source.read_text(encoding="utf-8"))
    texts = {c.id: c.text for c in engine.report.chunks}
    result = AnswerReport()
    for item in tqdm(items, desc="answering", disable=None):
        answer = engine.ask(item["question"], question_id=item["id"]).to_json()
        for c in answer["citations"]:
            c["_text"] = texts[c["chunk_id"]]
        result.rows.append(score_answer(item, answer, report_folded))
        for c in answer["citations"]:
            c.pop("_text", None)
    return result
