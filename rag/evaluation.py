"""Scores retrieval and answers against a question set (metrics of eval/SCORING.md).

Text is compared after NFKC, removal of all whitespace and of footnote markers ［注n］. A chunk
covers an evidence string when it contains it, or when their longest common substring is at
least 80 % of the evidence (an evidence string cut by a chunk boundary).
"""

from __future__ import annotations

import re
import statistics
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .retrieval import Hit

COVER_RATIO = 0.8
READ_BUDGET_CHARS = 2000


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"［注\d+］|\[注\d+\]", "", text)
    return re.sub(r"\s+", "", text)


def _longest_common_substring(a: str, b: str) -> int:
    best, prev = 0, [0] * (len(b) + 1)
    for ch in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, start=1):
            if ch == cb:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


def covers(passage: str, evidence: str) -> bool:
    p, e = normalise(passage), normalise(evidence)
    if not e:
        return False
    if e in p:
        return True
    return _longest_common_substring(e, p) >= COVER_RATIO * len(e)


@dataclass
class RetrievalScores:
    recall_at: dict[int, float]
    recall_2000: float
    mrr: float
    n: int


def score_retrieval(items: list[dict], rankings: list[list[str]]) -> RetrievalScores:
    """``rankings[i]`` is the ranked list of chunk texts returned for ``items[i]``."""
    recalls: dict[int, list[float]] = {1: [], 5: [], 10: []}
    within, rr = [], []
    for item, texts in zip(items, rankings):
        evidence = item.get("evidence") or []
        if not evidence:
            continue
        cover = [[covers(t, e) for e in evidence] for t in texts]
        for k in recalls:
            found = [any(row[j] for row in cover[:k]) for j in range(len(evidence))]
            recalls[k].append(sum(found) / len(evidence))
        read, rows = 0, []
        for t, row in zip(texts, cover):
            if read >= READ_BUDGET_CHARS:
                break
            rows.append(row)
            read += len(t)
        within.append(sum(any(r[j] for r in rows) for j in range(len(evidence))) / len(evidence))
        first = next((rank for rank, row in enumerate(cover, start=1) if any(row)), None)
        rr.append(1.0 / first if first else 0.0)
    mean = lambda xs: statistics.fmean(xs) if xs else 0.0  # noqa: E731
    return RetrievalScores({k: mean(v) for k, v in recalls.items()}, mean(within), mean(rr), len(rr))


@dataclass
class RetrievalReport:
    by_mode: dict[str, dict[str, RetrievalScores]] = field(default_factory=dict)  # mode -> lang -> scores
    latency_ms: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "retrieval": {
                mode: {lang: {"recall@1": s.recall_at[1], "recall@5": s.recall_at[5], "recall@10": s.recall_at[10],
                              "recall@2000chars": s.recall_2000, "mrr": s.mrr, "questions": s.n}
                       for lang, s in langs.items()}
                for mode, langs in self.by_mode.items()
            },
            "latency_ms": self.latency_ms,
        }

    def table(self) -> str:
        lines = [f"{'mode':8} {'lang':4} {'n':>3} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'R@2kc':>6} {'MRR':>6}"]
        for mode, langs in self.by_mode.items():
            for lang, s in langs.items():
                lines.append(f"{mode:8} {lang:4} {s.n:3d} {s.recall_at[1]:6.3f} {s.recall_at[5]:6.3f} "
                             f"{s.recall_at[10]:6.3f} {s.recall_2000:6.3f} {s.mrr:6.3f}")
        for mode, lat in self.latency_ms.items():
            lines.append(f"latency {mode}: p50 {lat['p50']:.1f} ms, p90 {lat['p90']:.1f} ms, max {lat['max']:.1f} ms")
        return "\n".join(lines)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return {"p50": pick(0.5), "p90": pick(0.9), "max": ordered[-1]} if ordered else {}


def evaluate_retrieval(items: list[dict], search: Callable[[str, str], list[Hit]], modes: Iterable[str],
                       k: int = 10) -> RetrievalReport:
    report = RetrievalReport()
    for mode in modes:
        if items:
            search(items[0]["question"], mode)  # warm-up: the targets are for warm latency
        rankings, times = [], []
        for item in items:
            started = time.perf_counter()
            hits = search(item["question"], mode)[:k]
            times.append(1000 * (time.perf_counter() - started))
            rankings.append([h.chunk.text for h in hits])
        langs: dict[str, RetrievalScores] = {}
        for lang in sorted({i.get("lang", "?") for i in items}) + ["all"]:
            idx = [n for n, i in enumerate(items) if lang == "all" or i.get("lang") == lang]
            langs[lang] = score_retrieval([items[n] for n in idx], [rankings[n] for n in idx])
        report.by_mode[mode] = langs
        report.latency_ms[mode] = percentiles(times)
    return report
