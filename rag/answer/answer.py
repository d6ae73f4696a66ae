"""What the answer pipeline gives its callers: the verified answer, and the events of its stream."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..retrieval import Hit
from .citations import Citation, chunk_location


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
        if self.closest:  # not answered: the passages a reader can judge for themselves
            data["closest"] = [{**chunk_location(h.chunk), "text": h.chunk.text} for h in self.closest]
        return {"id": self.id, **data} if self.id is not None else data


@dataclass
class AnswerEvent:
    # "reading": the passages the model is about to read (shown while it reads them);
    # "partial": the answer so far, unverified; "final": the verified answer.
    kind: str
    text: str = ""
    answer: Answer | None = None
    passages: list[Hit] = field(default_factory=list)
