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
from .passages import page_label
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
    except RagError as exc:
        click.echo(f"error: {exc}", err=True)
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


@cli.command()
@click.option("--prepare", is_flag=True, help="Make every configured model ready (one-time, minutes).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def models(ctx: click.Context, prepare: bool, as_json: bool) -> None:
    """List the configured models and whether they are ready."""
    from .models import list_models, prepare_models

    settings = _settings(ctx)
    infos = prepare_models(settings, show_progress=True) if prepare else list_models(settings)
    if as_json:
        _emit({"models": [i.to_json() for i in infos]})
        return
    for i in infos:
        size = f"{i.bytes / 1e6:,.0f} MB" if i.bytes else "-"
        click.echo(f"{i.role:12} {i.name:44} {'ready' if i.ready else 'NOT READY':9} {size:>9}  {i.source}")
        click.echo(f"{'':12} {i.path}  ({i.status})")


@cli.command()
@click.option("--rebuild", is_flag=True, help="Rebuild even if the index is up to date.")
@click.pass_context
def index(ctx: click.Context, rebuild: bool) -> None:
    """Build the index (or bring it up to date) and print a summary."""
    from .engine import Engine

    engine = Engine(_settings(ctx))
    stored = engine.index(rebuild=rebuild, show_progress=True)
    m = stored.manifest
    click.echo(f"index: {len(stored.chunks)} chunks, encoders {', '.join(stored.vectors)}, "
               f"built {m.get('created')} in {m.get('build_seconds')} s, at {engine.settings.index_dir / 'current'}")


@cli.command()
@click.argument("question", required=False)
@click.option("--questions", "questions_file", type=click.Path(path_type=Path), help="JSONL file of questions.")
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--mode", default="hybrid", show_default=True, help="hybrid, dense, use or bm25.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@click.pass_context
def retrieve(ctx: click.Context, question: str | None, questions_file: Path | None, k: int, mode: str,
             as_json: bool) -> None:
    """Rank the report's chunks for a question (or a file of questions)."""
    from .engine import Engine
    from .errors import InputError
    from .questions import check_question, read_question_file

    if bool(question) == bool(questions_file):
        raise InputError("give either a QUESTION or --questions FILE")
    settings = _settings(ctx)
    if question:  # a bad question is told before the models load, not 10 s later
        check_question(question, settings.app.max_question_chars)
    engine = Engine(settings)
    items = read_question_file(questions_file) if questions_file else [{"id": "q001", "question": question}]
    for item in items:
        hits = engine.retrieve(item["question"], k=k, mode=mode)
        if as_json:
            _emit({"id": item["id"], "question": item["question"], "results": [h.to_json() for h in hits]})
        else:
            for rank, h in enumerate(hits, start=1):
                pages = page_label(h.chunk.page, h.chunk.page_end)
                click.echo(f"{rank:2d}. {h.chunk.id} §{h.chunk.section} {pages} {h.score:.4f}  {h.chunk.text[:70]}")


@cli.command()
@click.argument("question", required=False)
@click.option("--questions", "questions_file", type=click.Path(path_type=Path), help="JSONL file of questions.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@click.pass_context
def ask(ctx: click.Context, question: str | None, questions_file: Path | None, as_json: bool) -> None:
    """Answer a question (or a file of questions) with cited passages."""
    from .engine import Engine
    from .errors import InputError
    from .questions import check_question, question_language, read_question_file

    if bool(question) == bool(questions_file):
        raise InputError("give either a QUESTION or --questions FILE")
    settings = _settings(ctx)
    if question:  # a bad question is told before the models load, not 10 s later
        question_language(check_question(question, settings.app.max_question_chars))
    engine = Engine(settings)
    items = read_question_file(questions_file) if questions_file else [{"id": None, "question": question}]
    for item in items:
        if as_json:
            _emit(engine.ask(item["question"], question_id=item["id"]).to_json())
            continue
        shown = 0
        for event in engine.ask_stream(item["question"]):
            if event.kind == "reading":
                pages = ", ".join(page_label(h.chunk.page, h.chunk.page_end) for h in event.passages)
                click.echo(f"(reading {pages})", err=True)
            elif event.kind == "partial":
                click.echo(event.text[shown:], nl=False, err=True)
                shown = len(event.text)
            elif event.kind == "final":
                answer = event.answer
        click.echo("", err=True)
        click.echo(answer.text)
        for c in answer.citations:
            click.echo(f"  [{c.marker}] {_where(c.chunk)}: 「{c.quote}」")
        if not answer.answerable and answer.closest:
            click.echo("Closest passages / 関連する箇所:")
            for h in answer.closest:
                click.echo(f"  {_where(h.chunk)}: {h.chunk.text[:80].replace(chr(10), ' ')}…")


def _where(chunk) -> str:
    """Section, headings below the report's two top levels, and pages of a chunk."""
    return f"§{chunk.section} {' > '.join(chunk.heading_path[2:])} {page_label(chunk.page, chunk.page_end)}"


@cli.command(name="eval")
@click.option("--set", "set_file", required=True, type=click.Path(path_type=Path), help="Question set (JSONL).")
@click.option("--answers", is_flag=True, help="Also generate and score answers (slow).")
@click.option("--modes", default=None, help="Comma-separated retrieval modes (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def evaluate(ctx: click.Context, set_file: Path, answers: bool, modes: str | None, as_json: bool) -> None:
    """Score retrieval (and answers) on a question set."""
    from .engine import Engine
    from .evaluation import evaluate_retrieval
    from .questions import read_question_file

    engine = Engine(_settings(ctx))
    items = read_question_file(set_file)
    chosen = modes.split(",") if modes else list(engine.retriever.modes)
    report = evaluate_retrieval(items, lambda q, m: engine.retrieve(q, k=10, mode=m), chosen)
    result = report.to_json()
    if answers:
        from .answer_eval import evaluate_answers

        answer_report = evaluate_answers(engine, items)
        result["answers"] = answer_report.to_json()
    if as_json:
        _emit(result)
    else:
        click.echo(report.table())
        if answers:
            click.echo(answer_report.table())


def main() -> None:
    cli(prog_name="rag")


if __name__ == "__main__":
    main()
