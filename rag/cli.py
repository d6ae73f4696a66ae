"""The ``rag`` command line: a thin layer over the Python API (see docs/cli-contract)."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from .errors import RagError
from .settings import ChunkConfig, Settings, load_settings

log = logging.getLogger("rag")


def _emit(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


class _Group(click.Group):
    """Turns expected errors into a one-line message and a non-zero exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RagError as exc:
            if os.environ.get("RAG_RAISE_ERRORS"):
                raise
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group)
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-v info, -vv debug).")
@click.pass_context
def cli(ctx: click.Context, verbose: int) -> None:
    """Cited question answering over the JST CRDS nanotechnology/materials report."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        ctx.obj = {"settings": load_settings()}
    except ValueError as exc:
        click.echo(f"error: invalid settings: {exc}".splitlines()[0], err=True)
        sys.exit(2)


@cli.command()
@click.option("--source", type=click.Path(path_type=Path), default=None, help="Report text file.")
@click.option("--jsonl", is_flag=True, help="Print the chunks as JSON lines.")
@click.pass_context
def parse(ctx: click.Context, source: Path | None, jsonl: bool) -> None:
    """Parse the report and print its chunks."""
    from .chunking import ChunkSettings
    from .report import load_report

    settings = _settings(ctx)
    cfg: ChunkConfig = settings.chunk
    report = load_report(source or settings.source, ChunkSettings(cfg.target_chars, cfg.max_chars))
    if jsonl:
        for chunk in report.chunks:
            _emit(chunk.to_json())
    else:
        passages = report.parsed.passages
        click.echo(
            f"{len(passages)} passages, {len(report.chunks)} chunks, pages "
            f"{report.parsed.first_page}-{report.parsed.last_page}, "
            f"longest chunk {max(len(c.text) for c in report.chunks)} characters"
        )


def main() -> None:
    cli(prog_name="rag")


if __name__ == "__main__":
    main()
