"""Launch the cited Q&A app on the bundled report: ``python app.py [--host H] [--port P]``."""

from __future__ import annotations

import argparse
import logging
import sys

from rag.engine import Engine
from rag.errors import RagError


def main() -> None:
    from rag.settings import load_settings

    try:
        settings = load_settings()
    except RagError as exc:
        sys.exit(f"error: {exc}")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=settings.app.host)
    parser.add_argument("--port", type=int, default=settings.app.port)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    engine = Engine(settings)
    try:
        engine.report  # noqa: B018 - a missing or broken report stops here, with a clear message
    except RagError as exc:
        sys.exit(f"error: {exc}")
    from rag.readiness import Readiness
    from rag.ui import CSS, build_app

    # The page is served at once; models and the index get ready in the background and the
    # page shows the progress (a first start prepares models: a few minutes).
    readiness = Readiness(engine).start()
    build_app(engine, readiness).launch(server_name=args.host, server_port=args.port, css=CSS)


if __name__ == "__main__":
    main()
