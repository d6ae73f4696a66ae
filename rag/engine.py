"""The Python API: one object that owns the report, the index, the models and the retriever.

Components load lazily and once, so the CLI, the app and scripts pay only for what they use::

    from rag import Engine
    engine = Engine()
    hits = engine.retrieve("NNIの2024年度予算要求額は？", k=5)
    answer = engine.ask("What is Korea's K-Battery strategy?")
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property

from .chunking import ChunkSettings
from .embedders import SentenceTransformerEmbedder, UniversalSentenceEncoder
from .index_store import StoredIndex, build_index, expected_manifest, load_index
from .keywords import BM25, JapaneseTokenizer
from .lexicon import Lexicon, build_lexicon, dictionary_source
from .models.registry import embedding_info, embedding_model_path, second_encoder_info
from .report import Report, load_report
from .retrieval import Hit, Retriever
from .settings import Settings, load_settings

log = logging.getLogger(__name__)


class Engine:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self._lock = threading.RLock()

    # ---- components ----------------------------------------------------------------------
    @cached_property
    def report(self) -> Report:
        cfg = self.settings.chunk
        return load_report(self.settings.source, ChunkSettings(cfg.target_chars, cfg.max_chars))

    @cached_property
    def tokenizer(self) -> JapaneseTokenizer:
        return JapaneseTokenizer()

    @cached_property
    def embedder(self) -> SentenceTransformerEmbedder:
        emb = self.settings.embedding
        return SentenceTransformerEmbedder(embedding_model_path(self.settings), emb.query_prompt,
                                           emb.passage_prompt, emb.batch_size, emb.dtype)

    @cached_property
    def use_encoder(self) -> UniversalSentenceEncoder | None:
        return UniversalSentenceEncoder() if self.settings.embedding.second_encoder else None

    def _expected_manifest(self) -> dict:
        from .embedders import resolve_dtype

        info = embedding_info(self.settings)
        encoders = {"dense": f"{info.name} | {info.source} | {resolve_dtype(self.settings.embedding.dtype)}"}
        use = second_encoder_info(self.settings)
        if use is not None:
            encoders["use"] = f"{use.name} | {use.source}"
        cfg = self.settings.chunk
        return expected_manifest(self.report.checksum, {"target_chars": cfg.target_chars, "max_chars": cfg.max_chars},
                                 encoders, dictionary_source())

    def index(self, rebuild: bool = False, show_progress: bool = False) -> StoredIndex:
        """The stored index, built (or rebuilt when stale or corrupt) on first use."""
        with self._lock:
            if "_index" in self.__dict__ and not rebuild:
                return self.__dict__["_index"]
            expected = self._expected_manifest()
            stored, reason = (None, "rebuild requested") if rebuild else load_index(self.settings.index_dir, expected)
            if stored is None:
                log.warning("building the index: %s", reason)
                encoders = {"dense": lambda texts: self.embedder.embed_passages(texts, show_progress)}
                if self.use_encoder is not None:
                    encoders["use"] = self.use_encoder.embed_passages
                stored = build_index(self.settings.index_dir, self.report.chunks, encoders, self.tokenizer, expected,
                                     build_lexicon)
            self.__dict__["_index"] = stored
            self.__dict__.pop("retriever", None)
            return stored

    @cached_property
    def retriever(self) -> Retriever:
        stored = self.index()
        dense = (self.embedder, stored.vectors["dense"])
        use = (self.use_encoder, stored.vectors["use"]) if "use" in stored.vectors and self.use_encoder else None
        return Retriever(stored.chunks, dense, use, BM25(stored.tokens), self.tokenizer, owners=stored.owners,
                         weights=self.settings.retrieval.weights, lexicon=Lexicon(stored.lexicon))

    # ---- operations -----------------------------------------------------------------------
    def retrieve(self, question: str, k: int | None = None, mode: str | None = None) -> list[Hit]:
        from .questions import check_question

        question = check_question(question, self.settings.app.max_question_chars)
        return self.retriever.search(question, k or self.settings.retrieval.k, mode or self.settings.retrieval.mode)

    # ---- answers --------------------------------------------------------------------------
    @cached_property
    def generator(self):
        from .answer.backends import make_generator
        from .models.registry import generation_backend, generator_model_path

        return make_generator(self.settings.generation, generator_model_path(self.settings),
                              generation_backend(self.settings))

    @cached_property
    def answers(self):
        from .answer.pipeline import AnswerPipeline

        return AnswerPipeline(self, self.generator)

    def ask_stream(self, question: str, history=None, question_id: str | None = None):
        """Yield partial answers (``kind="partial"``) and then the verified final answer."""
        return self.answers.stream(question, history, question_id)

    def ask(self, question: str, history=None, question_id: str | None = None):
        return self.answers.ask(question, history, question_id)
