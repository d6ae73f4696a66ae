from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "crds-nanotech-2024-s1.2.txt"
SHARED_EVAL = ROOT.parent / "shared" / "eval"
EVAL_DIR = ROOT / "eval"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RAG_RAISE_ERRORS", "")


@pytest.fixture(scope="session")
def parsed():
    from rag.parsing.reader import CrdsTextReader

    return CrdsTextReader(SOURCE).read()


@pytest.fixture(scope="session")
def report():
    from rag.report import load_report

    return load_report(SOURCE)


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    """Real settings with the index in a temporary folder (models use the normal cache)."""
    from rag.settings import load_settings

    return load_settings(index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def engine(settings):
    from rag.engine import Engine

    return Engine(settings)


@pytest.fixture(scope="session")
def pipeline(engine):
    """The answer pipeline without its generator: verification and refusals need no model."""
    from rag.answer.pipeline import AnswerPipeline

    return AnswerPipeline(engine, generator=None)


class ScriptedFirstAnswer:
    """The real generator, except that its first answer is ``first``, a draft the model once gave
    that the pipeline must deal with (by asking again); later drafts come from ``_again``."""

    def __init__(self, real, first: str) -> None:
        self.real, self.first, self.prompts = real, first, []
        self.hit_length_limit = None

    @property
    def questions(self) -> list[str]:
        return [prompt.rsplit("Question:", 1)[-1] for prompt in self.prompts]

    def stream(self, messages, max_new_tokens, stop_when=None, **kwargs):
        self.prompts.append(messages[-1]["content"])
        if len(self.prompts) == 1:
            yield self.first
            return
        yield from self._again(messages, max_new_tokens, stop_when, **kwargs)

    def _again(self, messages, max_new_tokens, stop_when=None, **kwargs):
        yield from self.real.stream(messages, max_new_tokens, stop_when, **kwargs)


def passage_index(hits, having: str = "", lacking: str | None = None) -> int:
    """Index of the first hit whose chunk holds ``having`` (and not ``lacking``)."""
    return next(i for i, h in enumerate(hits)
                if having in h.chunk.text and (lacking is None or lacking not in h.chunk.text))
