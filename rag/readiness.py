"""Background preparation for the app: models and index get ready while the page is already up.

On a fresh machine this takes a few minutes (model conversion, index build); the app shows
what is happening instead of refusing connections.
"""

from __future__ import annotations

import logging
import threading
import time

from .errors import RagError

log = logging.getLogger(__name__)


class Readiness:
    def __init__(self, engine) -> None:
        self.engine = engine
        self.step = "starting"
        self.error: str | None = None
        self.ready = threading.Event()
        self.started = time.time()
        self._thread: threading.Thread | None = None

    def start(self) -> "Readiness":
        self._thread = threading.Thread(target=self._run, name="prepare", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        steps = [
            ("preparing the embedding model and building the index", lambda: self.engine.index(show_progress=True)),
            ("loading the encoders", lambda: self.engine.retrieve("ナノテクノロジー")),
            ("preparing and loading the language model", lambda: self.engine.generator),
            ("warming up the language model", lambda: self.engine.answers.warm_up()),
        ]
        try:
            for label, action in steps:
                self.step = label
                log.info("%s…", label)
                action()
            self.step = "ready"
            log.info("ready after %.0f s", time.time() - self.started)
            self.ready.set()
        except RagError as exc:
            self.error = str(exc)
            log.error("preparation failed: %s", exc)

    def status(self) -> str:
        if self.error:
            return f"⚠️ Preparation failed: {self.error}"
        if self.ready.is_set():
            return "✅ Ready — ask in Japanese or English."
        return f"⏳ First start: {self.step} ({time.time() - self.started:.0f} s so far)…"

    def wait(self, timeout: float | None = None) -> bool:
        return self.ready.wait(timeout)
