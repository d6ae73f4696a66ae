"""Launch the cited Q&A app on the bundled report: ``python app.py [--host H] [--port P]``."""

from __future__ import annotations

import argparse
import logging
import sys

from rag.engine import Engine
from rag.errors import RagError


def main() -> None:
    from rag.settings import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=settings.app.host)
    parser.add_argument("--port", type=int, default=settings.app.port)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    engine = Engine(settings)
    try:
        # Prepare models and the index before serving, with progress on the console, so the
        # first visitor gets answers rather than a stalled page.
        engine.index(show_progress=True)
        engine.retrieve("warm-up: ナノテクノロジー")  # loads the encoders now, not at the first question
        engine.generator  # noqa: B018 - loads (and on first run prepares) the generator
    except RagError as exc:
        sys.exit(f"error: {exc}")
    from rag.ui import CSS, build_app

    build_app(engine).launch(server_name=args.host, server_port=args.port, css=CSS)


if __name__ == "__main__":
    main()
